#include "client_emitter.h"

#include <string>
#include <vector>

#include "layout.h"
#include "model.h"
#include "printer.h"

namespace connectrpc::plugin {
namespace {

constexpr size_t kMemberIndent = 2;

// The pieces of one client method: return type, parameters, and the runtime call it forwards to.
struct ClientMethodShape {
  std::string return_type;
  std::vector<std::string> params;  // without the trailing CallOptions
  std::string call;                 // "CallUnary<Resp>"
  std::vector<std::string> args;    // arguments after the MethodInfo constant
};

ClientMethodShape ShapeOf(const MethodModel& method) {
  const std::string request_param = "const " + method.request + "& request";
  switch (method.kind) {
    case StreamKind::kUnary:
      return {"connectrpc::Result<" + method.response + ">",
              {request_param},
              "CallUnary<" + method.response + ">",
              {"request"}};
    case StreamKind::kServerStream:
      return {"connectrpc::ServerStreamReader<" + method.response + ">",
              {request_param},
              "CallServerStream<" + method.response + ">",
              {"request"}};
    case StreamKind::kClientStream:
      return {"connectrpc::ClientStreamWriter<" + method.request + ", " + method.response + ">",
              {},
              "CallClientStream<" + method.request + ", " + method.response + ">",
              {}};
    case StreamKind::kBidiStream:
      return {"connectrpc::BidiStream<" + method.request + ", " + method.response + ">",
              {},
              "CallBidiStream<" + method.request + ", " + method.response + ">",
              {}};
  }
  return {};
}

// The asynchronous form of a streaming method: it returns the stream object at once.
ClientMethodShape AsyncStreamShapeOf(const MethodModel& method) {
  const std::string request_param = "const " + method.request + "& request";
  const std::string pair = method.request + ", " + method.response;
  switch (method.kind) {
    case StreamKind::kServerStream:
      return {"connectrpc::AsyncServerStream<" + method.response + ">",
              {request_param},
              "CallServerStreamAsync<" + method.response + ">",
              {"request"}};
    case StreamKind::kClientStream:
      return {"connectrpc::AsyncClientStream<" + pair + ">", {},
              "CallClientStreamAsync<" + pair + ">", {}};
    case StreamKind::kBidiStream:
      return {"connectrpc::AsyncBidiStream<" + pair + ">", {},
              "CallBidiStreamAsync<" + pair + ">", {}};
    case StreamKind::kUnary:
      break;
  }
  return {};
}

std::string Deprecated(const MethodModel& method) {
  return method.deprecated ? "[[deprecated]] " : "";
}

// The asynchronous unary form: two inline templates, with and without CallOptions.
void EmitAsyncUnaryDeclaration(const MethodModel& method, Printer& printer) {
  const std::string request_param = "const " + method.request + "& request";
  const std::string with_options =
      WrapList(kMemberIndent, Deprecated(method) + "auto", method.async_function + "(",
               {request_param, "const connectrpc::CallOptions& options", "CompletionToken&& token"},
               ") {");
  // A call aligned after "(" only when that takes no more lines, as clang-format does here.
  const std::string forward = WrapBracedList(
      kMemberIndent + 2, "", "return client_->CallUnaryAsync<" + method.response + ">(",
      {method.method_const, "request", "options", "std::forward<CompletionToken>(token)"}, ");");
  const std::string without_options =
      WrapList(kMemberIndent, Deprecated(method) + "auto", method.async_function + "(",
               {request_param, "CompletionToken&& token"}, ") {");
  const std::string delegate = WrapBracedList(
      kMemberIndent + 2, "", "return " + method.async_function + "(",
      {"request", "connectrpc::CallOptions()", "std::forward<CompletionToken>(token)"}, ");");
  printer.Emit(
      {
          {"comments",
           CommentBlock(kMemberIndent,
                        {"Asynchronous " + method.function +
                         ": any Asio completion token (use_awaitable, use_future, a callback) "
                         "for void(connectrpc::Result<" + method.response + ">)."})},
          {"with_options", FunctionDefinition(kMemberIndent, with_options, forward)},
          {"without_options", FunctionDefinition(kMemberIndent, without_options, delegate)},
      },
      R"cc(

        $comments$
        template <typename CompletionToken>
        $with_options$
        template <typename CompletionToken>
        $without_options$
      )cc");
}

void EmitAsyncStreamDeclaration(const MethodModel& method, Printer& printer) {
  ClientMethodShape shape = AsyncStreamShapeOf(method);
  std::vector<std::string> params = shape.params;
  params.push_back("const connectrpc::CallOptions& options = {}");
  printer.Emit(
      {
          {"comments",
           CommentBlock(kMemberIndent, {"Asynchronous " + method.function +
                                        ": the stream's operations take Asio completion tokens."})},
          {"declaration", WrapList(kMemberIndent, Deprecated(method) + shape.return_type,
                                   method.async_function + "(", params, ");")},
      },
      R"cc(

        $comments$
        $declaration$
      )cc");
}

void EmitMethodDeclaration(const MethodModel& method, Printer& printer) {
  ClientMethodShape shape = ShapeOf(method);
  std::vector<std::string> params = shape.params;
  params.push_back("const connectrpc::CallOptions& options = {}");
  std::string return_type = (method.deprecated ? "[[deprecated]] " : "") + shape.return_type;
  printer.Emit(
      {
          {"comments", CommentBlock(kMemberIndent, method.comments)},
          {"declaration",
           WrapList(kMemberIndent, return_type, method.function + "(", params, ");")},
      },
      R"cc(

        $comments$
        $declaration$
      )cc");
  if (method.kind == StreamKind::kUnary) {
    EmitAsyncUnaryDeclaration(method, printer);
  } else {
    EmitAsyncStreamDeclaration(method, printer);
  }
}

void EmitMethodDefinition(const ServiceModel& service, const std::string& function,
                          const ClientMethodShape& shape, const MethodModel& method,
                          Printer& printer) {
  std::vector<std::string> params = shape.params;
  params.push_back("const connectrpc::CallOptions& options");
  std::vector<std::string> args = {method.method_const};
  args.insert(args.end(), shape.args.begin(), shape.args.end());
  args.push_back("options");
  std::string signature = WrapList(0, shape.return_type,
                                   service.client_class + "::" + function + "(", params, ") {");
  std::string body = WrapList(kMemberIndent, "", "return client_->" + shape.call + "(", args, ");");
  printer.Emit({{"definition", FunctionDefinition(0, signature, body)}}, R"cc(

    $definition$
  )cc");
}

}  // namespace

void EmitClientClass(const ServiceModel& service, Printer& printer) {
  std::vector<std::string> comments = {service.client_class + " calls the " + service.full_name +
                                       " service through a connectrpc::Client."};
  if (!service.comments.empty()) {
    comments.push_back("");
    comments.insert(comments.end(), service.comments.begin(), service.comments.end());
  }
  printer.Emit(
      {
          {"comments", CommentBlock(0, comments)},
          {"class", service.client_class},
          {"constructor", WrapList(kMemberIndent, "explicit", service.client_class + "(",
                                   {"std::shared_ptr<connectrpc::Client> client"}, ");")},
      },
      R"cc(

        $comments$
        class $class$ {
         public:
          $constructor$
      )cc");
  printer.Indent();
  for (const MethodModel& method : service.methods) EmitMethodDeclaration(method, printer);
  printer.Outdent();
  printer.Emit({}, R"cc(

     private:
      std::shared_ptr<connectrpc::Client> client_;
    };
  )cc");
}

void EmitClientDefinitions(const ServiceModel& service, Printer& printer) {
  std::string signature =
      WrapList(0, "", service.client_class + "::" + service.client_class + "(",
               {"std::shared_ptr<connectrpc::Client> client"}, ")");
  std::string one_line = signature + " : client_(std::move(client)) {}";
  std::string constructor = signature.find('\n') == std::string::npos &&
                                    one_line.size() <= kColumnLimit
                                ? one_line
                                : signature + "\n    : client_(std::move(client)) {}";
  printer.Emit({{"constructor", constructor}}, R"cc(

    $constructor$
  )cc");
  for (const MethodModel& method : service.methods) {
    EmitMethodDefinition(service, method.function, ShapeOf(method), method, printer);
    if (method.kind != StreamKind::kUnary) {
      EmitMethodDefinition(service, method.async_function, AsyncStreamShapeOf(method), method,
                           printer);
    }
  }
}

}  // namespace connectrpc::plugin
