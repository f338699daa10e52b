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
}

void EmitMethodDefinition(const ServiceModel& service, const MethodModel& method,
                          Printer& printer) {
  ClientMethodShape shape = ShapeOf(method);
  std::vector<std::string> params = shape.params;
  params.push_back("const connectrpc::CallOptions& options");
  std::vector<std::string> args = {method.method_const};
  args.insert(args.end(), shape.args.begin(), shape.args.end());
  args.push_back("options");
  std::string signature = WrapList(0, shape.return_type,
                                   service.client_class + "::" + method.function + "(", params, ") {");
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
    EmitMethodDefinition(service, method, printer);
  }
}

}  // namespace connectrpc::plugin
