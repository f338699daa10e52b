#include "handler_emitter.h"

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

struct Param {
  std::string type;
  std::string name;
};

// The two handler flavours: blocking methods run on the server's handler pool, coroutine
// methods on its I/O threads.
struct Flavor {
  bool async;
  std::string class_name;
  std::string result;  // the methods' return type
};

std::vector<Flavor> FlavorsOf(const ServiceModel& service) {
  return {{false, service.handler_class, "connectrpc::Status"},
          {true, service.async_handler_class, "connectrpc::Task<connectrpc::Status>"}};
}

// The handler method's parameters.
std::vector<Param> ParamsOf(const MethodModel& method, bool async) {
  const std::string prefix = async ? "connectrpc::AsyncServer" : "connectrpc::Server";
  Param context{"connectrpc::ServerContext&", "context"};
  switch (method.kind) {
    case StreamKind::kUnary:
      return {context,
              {"const " + method.request + "&", "request"},
              {method.response + "*", "response"}};
    case StreamKind::kServerStream:
      return {context,
              {"const " + method.request + "&", "request"},
              {prefix + "Writer<" + method.response + ">&", "writer"}};
    case StreamKind::kClientStream:
      return {context,
              {prefix + "Reader<" + method.request + ">&", "reader"},
              {method.response + "*", "response"}};
    case StreamKind::kBidiStream:
      return {context,
              {prefix + "ReaderWriter<" + method.request + ", " + method.response + ">&",
               "stream"}};
  }
  return {};
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

void EmitMethodDeclaration(const MethodModel& method, const Flavor& flavor, Printer& printer) {
  printer.Emit(
      {
          {"comments", CommentBlock(kMemberIndent, method.comments)},
          {"declaration", WrapList(kMemberIndent, "virtual " + flavor.result,
                                   method.function + "(",
                                   Declarators(ParamsOf(method, flavor.async)), ");")},
      },
      R"cc(

        $comments$
        $declaration$
      )cc");
}

std::vector<std::string> ClassComments(const ServiceModel& service, const Flavor& flavor) {
  std::vector<std::string> comments;
  if (flavor.async) {
    comments.push_back(flavor.class_name + " implements the " + service.full_name +
                       " service with coroutines, which run on the server's I/O threads and "
                       "must not block. Methods that are not overridden answer kUnimplemented.");
  } else {
    comments.push_back(flavor.class_name + " implements the " + service.full_name +
                       " service with blocking methods, which run on the server's handler "
                       "pool. Methods that are not overridden answer kUnimplemented.");
  }
  if (!service.comments.empty()) {
    comments.push_back("");
    comments.insert(comments.end(), service.comments.begin(), service.comments.end());
  }
  return comments;
}

}  // namespace

void EmitHandlerClass(const ServiceModel& service, Printer& printer) {
  for (const Flavor& flavor : FlavorsOf(service)) {
    printer.Emit(
        {
            {"comments", CommentBlock(0, ClassComments(service, flavor))},
            {"class", flavor.class_name},
        },
        R"cc(

          $comments$
          class $class$ {
           public:
            virtual ~$class$() = default;
        )cc");
    printer.Indent();
    for (const MethodModel& method : service.methods) {
      EmitMethodDeclaration(method, flavor, printer);
    }
    printer.Outdent();
    printer.Emit({}, R"cc(
      };
    )cc");
  }
}

void EmitRegisterDeclaration(const ServiceModel& service, Printer& printer) {
  std::vector<std::string> comments = {
      service.register_func + " routes the " + service.full_name +
      " procedures on `server` to `handler`, blocking or coroutine."};
  std::string declarations;
  for (const Flavor& flavor : FlavorsOf(service)) {
    if (!declarations.empty()) declarations += "\n";
    declarations += WrapList(0, "void", service.register_func + "(",
                             {"connectrpc::Server& server",
                              "std::shared_ptr<" + flavor.class_name + "> handler"},
                             ");");
  }
  printer.Emit(
      {
          {"comments", CommentBlock(0, comments)},
          {"declarations", declarations},
      },
      R"cc(

        $comments$
        $declarations$
      )cc");
}

void EmitHandlerDefinitions(const ServiceModel& service, Printer& printer) {
  for (const Flavor& flavor : FlavorsOf(service)) {
    for (const MethodModel& method : service.methods) {
      // The default bodies ignore their parameters, so they are left unnamed.
      std::string signature =
          WrapList(0, flavor.result, flavor.class_name + "::" + method.function + "(",
                   Types(ParamsOf(method, flavor.async)), ") {");
      std::string body =
          WrapList(kMemberIndent, "", flavor.async ? "co_return connectrpc::Status(" : "return connectrpc::Status(",
                   {"connectrpc::Code::kUnimplemented", CppStringLiteral(method.unimplemented)},
                   ");");
      printer.Emit({{"definition", FunctionDefinition(0, signature, body)}}, R"cc(

        $definition$
      )cc");
    }
  }
}

void EmitRegisterDefinition(const ServiceModel& service, Printer& printer) {
  for (const Flavor& flavor : FlavorsOf(service)) {
    // Without methods the parameters would be unused, so they are left unnamed.
    bool named = !service.methods.empty();
    std::string signature =
        WrapList(0, "void", service.register_func + "(",
                 {named ? "connectrpc::Server& server" : "connectrpc::Server&",
                  "std::shared_ptr<" + flavor.class_name + ">" + (named ? " handler" : "")},
                 ") {");
    if (!named) {
      printer.Emit({{"definition", signature + "}"}}, R"cc(

        $definition$
      )cc");
      continue;
    }
    std::string body;
    for (const MethodModel& method : service.methods) {
      if (!body.empty()) body += "\n";
      body += WrapList(kMemberIndent, "", "server.Handle(",
                       {method.method_const, "handler",
                        "&" + flavor.class_name + "::" + method.function},
                       ");");
    }
    printer.Emit({{"definition", FunctionDefinition(0, signature, body)}}, R"cc(

      $definition$
    )cc");
  }
}

}  // namespace connectrpc::plugin
