#include "handler_emitter.h"

#include <algorithm>
#include <cstddef>
#include <string>
#include <vector>

#include "layout.h"
#include "model.h"
#include "names.h"
#include "printer.h"

namespace connectrpc::plugin {
namespace {

constexpr size_t kMemberIndent = 2;
// In Register<Service>Handler's body the Register<Kind> arguments start at column 6.
constexpr size_t kArgumentIndent = 6;

struct Param {
  std::string type;
  std::string name;
};

// The handler method's parameters, which are also the lambda's and the std::function's in
// connectrpc::Server::Register<Kind>.
std::vector<Param> ParamsOf(const MethodModel& method) {
  Param context{"connectrpc::ServerContext&", "context"};
  switch (method.kind) {
    case StreamKind::kUnary:
      return {context,
              {"const " + method.request + "&", "request"},
              {method.response + "*", "response"}};
    case StreamKind::kServerStream:
      return {context,
              {"const " + method.request + "&", "request"},
              {"connectrpc::ServerWriter<" + method.response + ">&", "writer"}};
    case StreamKind::kClientStream:
      return {context,
              {"connectrpc::ServerReader<" + method.request + ">&", "reader"},
              {method.response + "*", "response"}};
    case StreamKind::kBidiStream:
      return {context,
              {"connectrpc::ServerReaderWriter<" + method.request + ", " + method.response + ">&",
               "stream"}};
  }
  return {};
}

std::string RegisterCall(const MethodModel& method) {
  std::string types = "<" + method.request + ", " + method.response + ">";
  switch (method.kind) {
    case StreamKind::kUnary:
      return "RegisterUnary" + types;
    case StreamKind::kServerStream:
      return "RegisterServerStream" + types;
    case StreamKind::kClientStream:
      return "RegisterClientStream" + types;
    case StreamKind::kBidiStream:
      return "RegisterBidiStream" + types;
  }
  return "";
}

std::vector<std::string> Declarators(const std::vector<Param>& params) {
  std::vector<std::string> out;
  for (const Param& p : params) out.push_back(p.type + " " + p.name);
  return out;
}

std::vector<std::string> Types(const std::vector<Param>& params) {
  std::vector<std::string> out;
  for (const Param& p : params) out.push_back(p.type);
  return out;
}

std::vector<std::string> Names(const std::vector<Param>& params) {
  std::vector<std::string> out;
  for (const Param& p : params) out.push_back(p.name);
  return out;
}

size_t LineCount(const std::string& text) {
  return static_cast<size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
}

// Appends the lambda's body `call` to `lambda` (which ends in "{" and starts at `indent`): on the
// same line when it fits there, as clang-format joins short lambdas; else on its own line.
std::string CloseLambda(size_t indent, const std::string& lambda, const std::string& call) {
  size_t newline = lambda.rfind('\n');
  size_t column = newline == std::string::npos ? indent + lambda.size()
                                               : indent + lambda.size() - newline - 1;
  if (call.find('\n') == std::string::npos && column + 1 + call.size() + 4 <= kColumnLimit) {
    return lambda + " " + call + " });";
  }
  std::string body;
  for (char c : call) {
    body += c;
    if (c == '\n') body += "  ";
  }
  return lambda + "\n  " + body + "\n});";
}

// The arguments of a Register<Kind> call, which clang-format puts after a break following "(":
// the MethodInfo constant and the lambda on separate lines, or together when that takes fewer
// lines and the lambda's parameters can align after its "(".
std::string RegisterArguments(const MethodModel& method) {
  std::vector<Param> params = ParamsOf(method);
  std::string call = WrapList(kArgumentIndent + 2, "", "return handler->" + method.function + "(",
                              Names(params), ");");
  std::string separate =
      WrapList(kArgumentIndent, "", "[handler](", Declarators(params), ") {");
  std::string together_head = method.method_const + ", [handler](";
  std::string together = WrapList(kArgumentIndent, "", together_head, Declarators(params), ") {");
  size_t newline = together.find('\n');
  bool together_aligned = newline == std::string::npos ||
                          together.compare(newline + 1, together_head.size(),
                                           std::string(together_head.size(), ' ')) == 0;
  std::string separate_block =
      method.method_const + ",\n" + CloseLambda(kArgumentIndent, separate, call);
  std::string together_block = CloseLambda(kArgumentIndent, together, call);
  if (together_aligned && LineCount(together_block) < LineCount(separate_block)) {
    return together_block;
  }
  return separate_block;
}

void EmitMethodDeclaration(const MethodModel& method, Printer& printer) {
  printer.Emit(
      {
          {"comments", CommentBlock(kMemberIndent, method.comments)},
          {"declaration", WrapList(kMemberIndent, "virtual connectrpc::Status",
                                   method.function + "(", Declarators(ParamsOf(method)), ");")},
      },
      R"cc(

        $comments$
        $declaration$
      )cc");
}

}  // namespace

void EmitHandlerClass(const ServiceModel& service, Printer& printer) {
  std::vector<std::string> comments = {service.handler_class + " implements the " +
                                       service.full_name +
                                       " service. Methods that are not overridden answer "
                                       "kUnimplemented."};
  if (!service.comments.empty()) {
    comments.push_back("");
    comments.insert(comments.end(), service.comments.begin(), service.comments.end());
  }
  printer.Emit(
      {
          {"comments", CommentBlock(0, comments)},
          {"class", service.handler_class},
      },
      R"cc(

        $comments$
        class $class$ {
         public:
          virtual ~$class$() = default;
      )cc");
  printer.Indent();
  for (const MethodModel& method : service.methods) EmitMethodDeclaration(method, printer);
  printer.Outdent();
  printer.Emit({}, R"cc(
    };
  )cc");
}

void EmitRegisterDeclaration(const ServiceModel& service, Printer& printer) {
  std::vector<std::string> comments = {service.register_func + " routes the " +
                                       service.full_name + " procedures on `server` to `handler`."};
  printer.Emit(
      {
          {"comments", CommentBlock(0, comments)},
          {"declaration",
           WrapList(0, "void", service.register_func + "(",
                    {"connectrpc::Server& server",
                     "std::shared_ptr<" + service.handler_class + "> handler"},
                    ");")},
      },
      R"cc(

        $comments$
        $declaration$
      )cc");
}

void EmitHandlerDefinitions(const ServiceModel& service, Printer& printer) {
  for (const MethodModel& method : service.methods) {
    // The default bodies ignore their parameters, so they are left unnamed.
    std::string signature =
        WrapList(0, "connectrpc::Status", service.handler_class + "::" + method.function + "(",
                 Types(ParamsOf(method)), ") {");
    std::string body =
        WrapList(kMemberIndent, "", "return connectrpc::Status(",
                 {"connectrpc::Code::kUnimplemented", CppStringLiteral(method.unimplemented)},
                 ");");
    printer.Emit({{"definition", FunctionDefinition(0, signature, body)}}, R"cc(

      $definition$
    )cc");
  }
}

void EmitRegisterDefinition(const ServiceModel& service, Printer& printer) {
  // Without methods the parameters would be unused, so they are left unnamed.
  bool named = !service.methods.empty();
  std::string signature =
      WrapList(0, "void", service.register_func + "(",
               {named ? "connectrpc::Server& server" : "connectrpc::Server&",
                "std::shared_ptr<" + service.handler_class + ">" + (named ? " handler" : "")},
               ") {");
  if (!named) {
    printer.Emit({{"definition", signature + "}"}}, R"cc(

      $definition$
    )cc");
    return;
  }
  printer.Emit({{"signature", signature}}, R"cc(

    $signature$
  )cc");
  printer.Indent();
  for (const MethodModel& method : service.methods) {
    printer.Emit({{"register", RegisterCall(method)}, {"arguments", RegisterArguments(method)}},
                 R"cc(
                   server.$register$(
                       $arguments$
                 )cc");
  }
  printer.Outdent();
  printer.Emit({}, R"cc(
    }
  )cc");
}

}  // namespace connectrpc::plugin
