#include "client_emitter.h"

#include <string>
#include <vector>

#include "client_shape.h"
#include "layout.h"
#include "model.h"
#include "printer.h"

namespace connectrpc::plugin {
namespace {

constexpr size_t kMemberIndent = 2;

std::string Deprecated(const MethodModel& method) {
  return method.deprecated ? "[[deprecated]] " : "";
}

// The interface's pure virtual method, and its overload without CallOptions.
void EmitInterfaceMethod(const VirtualMethod& virtual_method, const MethodModel& method,
                         Printer& printer) {
  const ClientMethodShape& shape = virtual_method.shape;
  const std::string& function = virtual_method.function;
  std::vector<std::string> short_params = shape.params;
  std::vector<std::string> forward_args = shape.args;
  forward_args.push_back("connectrpc::CallOptions()");
  if (shape.coroutine) {
    short_params.push_back("boost::asio::use_awaitable_t<> token");
    forward_args.push_back("token");
  }
  const std::string short_signature = WrapList(
      kMemberIndent, Deprecated(method) + shape.return_type, function + "(", short_params, ") {");
  const std::string forward =
      WrapBracedList(kMemberIndent + 2, "", "return " + function + "(", forward_args, ");");
  printer.Emit(
      {
          {"comments", CommentBlock(kMemberIndent, virtual_method.comments)},
          {"declaration", WrapList(kMemberIndent, "virtual " + shape.return_type, function + "(",
                                   VirtualParams(shape), ") = 0;")},
          {"overload", FunctionDefinition(kMemberIndent, short_signature, forward)},
      },
      R"cc(

        $comments$
        $declaration$
        $overload$
      )cc");
}

// The client's override of a blocking or asynchronous stream form, after the using-declaration
// that keeps the interface's overload without CallOptions visible.
void EmitOverrideDeclaration(const ServiceModel& service, const VirtualMethod& virtual_method,
                             const MethodModel& method, Printer& printer) {
  printer.Emit(
      {
          {"comments", CommentBlock(kMemberIndent, virtual_method.comments)},
          {"using", "using " + service.client_interface_class + "::" + virtual_method.function +
                        ";"},
          {"declaration",
           WrapList(kMemberIndent, Deprecated(method) + virtual_method.shape.return_type,
                    virtual_method.function + "(", VirtualParams(virtual_method.shape),
                    ") override;")},
      },
      R"cc(

        $comments$
        $using$
        $declaration$
      )cc");
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
  const ClientMethodShape coroutine = CoroutineShapeOf(method);
  printer.Emit(
      {
          {"comments",
           CommentBlock(kMemberIndent, {"The coroutine form, which the interface declares."})},
          {"declaration",
           WrapList(kMemberIndent, Deprecated(method) + coroutine.return_type,
                    method.async_function + "(", VirtualParams(coroutine), ") override;")},
      },
      R"cc(
        $comments$
        $declaration$
      )cc");
}

void EmitMethodDeclaration(const ServiceModel& service, const MethodModel& method,
                           Printer& printer) {
  const std::vector<VirtualMethod> virtual_methods = VirtualMethodsOf(method);
  EmitOverrideDeclaration(service, virtual_methods[0], method, printer);
  if (method.kind == StreamKind::kUnary) {
    EmitAsyncUnaryDeclaration(method, printer);
  } else {
    EmitOverrideDeclaration(service, virtual_methods[1], method, printer);
  }
}

void EmitMethodDefinition(const ServiceModel& service, const VirtualMethod& virtual_method,
                          const MethodModel& method, Printer& printer) {
  const ClientMethodShape& shape = virtual_method.shape;
  const std::string& function = virtual_method.function;
  std::vector<std::string> params = VirtualParams(shape);
  std::vector<std::string> args = {method.method_const};
  args.insert(args.end(), shape.args.begin(), shape.args.end());
  args.push_back("options");
  if (shape.coroutine) args.push_back("token");
  std::string signature = WrapList(0, shape.return_type,
                                   service.client_class + "::" + function + "(", params, ") {");
  std::string body = WrapList(kMemberIndent, "", "return client_->" + shape.call + "(", args, ");");
  printer.Emit({{"definition", FunctionDefinition(0, signature, body)}}, R"cc(

    $definition$
  )cc");
}

}  // namespace

void EmitClientInterface(const ServiceModel& service, Printer& printer) {
  printer.Emit(
      {
          {"comments",
           CommentBlock(0, {service.client_interface_class + " is what " + service.client_class +
                                " implements: the blocking calls, the coroutine form of the "
                                "unary calls and the asynchronous streams (the forms taking any "
                                "completion token are templates, only in the client). Code that "
                                "takes a " + service.client_interface_class +
                                "& can be given a mock (the plugin's mocks=true option writes " +
                                service.mock_client_class + ").",
                            "",
                            "The overloads without CallOptions call the virtual methods with "
                            "default options."})},
          {"class", service.client_interface_class},
      },
      R"cc(

        $comments$
        class $class$ {
         public:
          virtual ~$class$() = default;
      )cc");
  printer.Indent();
  for (const MethodModel& method : service.methods) {
    for (const VirtualMethod& virtual_method : VirtualMethodsOf(method)) {
      EmitInterfaceMethod(virtual_method, method, printer);
    }
  }
  printer.Outdent();
  printer.Emit({}, R"cc(
    };
  )cc");
}

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
          {"interface", service.client_interface_class},
          {"constructor", WrapList(kMemberIndent, "explicit", service.client_class + "(",
                                   {"std::shared_ptr<connectrpc::Client> client"}, ");")},
      },
      R"cc(

        $comments$
        class $class$ : public $interface$ {
         public:
          $constructor$
      )cc");
  printer.Indent();
  for (const MethodModel& method : service.methods) EmitMethodDeclaration(service, method, printer);
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
    for (const VirtualMethod& virtual_method : VirtualMethodsOf(method)) {
      EmitMethodDefinition(service, virtual_method, method, printer);
    }
  }
}

}  // namespace connectrpc::plugin
