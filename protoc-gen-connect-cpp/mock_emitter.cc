#include "mock_emitter.h"

#include <string>
#include <string_view>
#include <vector>

#include "client_shape.h"
#include "layout.h"
#include "model.h"
#include "printer.h"

namespace connectrpc::plugin {
namespace {

constexpr size_t kMemberIndent = 2;

// MOCK_METHOD's return type argument, breakable after its first "<". A type with a comma at the
// top level of its template arguments is parenthesized, as MOCK_METHOD requires.
CallArgument ReturnTypeArgument(std::string_view type) {
  const size_t open = type.find('<');
  if (open == std::string_view::npos || type.back() != '>') return {std::string(type), {}, ""};
  std::vector<std::string> items;
  int depth = 0;
  size_t start = open + 1;
  for (size_t i = start; i + 1 < type.size(); ++i) {
    if (type[i] == '<') ++depth;
    if (type[i] == '>') --depth;
    if (type[i] == ',' && depth == 0) {
      items.emplace_back(type.substr(start, i - start));
      start = i + 2;  // skip ", "
    }
  }
  items.emplace_back(type.substr(start, type.size() - 1 - start));
  const std::string head(type.substr(0, open + 1));
  if (items.size() > 1) return {"(" + head, items, ">)"};
  return {head, items, ">"};
}

// A using-declaration (the interface's overload without CallOptions) and the MOCK_METHOD.
void EmitMockMethod(const ServiceModel& service, const VirtualMethod& virtual_method,
                    bool blank_line_before, Printer& printer) {
  const std::vector<CallArgument> args = {
      ReturnTypeArgument(virtual_method.shape.return_type),
      {virtual_method.function, {}, ""},
      {"(", VirtualParams(virtual_method.shape), ")"},
      {"(override)", {}, ""},
  };
  printer.Emit(
      {
          {"using", "using " + service.client_interface_class + "::" + virtual_method.function +
                        ";"},
          {"mock", WrapCall(kMemberIndent, "MOCK_METHOD(", args, ");")},
      },
      blank_line_before ? R"cc(

        $using$
        $mock$
      )cc"
                        : R"cc(
        $using$
        $mock$
      )cc");
}

}  // namespace

void EmitMockClass(const ServiceModel& service, Printer& printer) {
  printer.Emit(
      {
          {"comments",
           CommentBlock(0, {service.mock_client_class + " is a gMock mock of " +
                                service.client_interface_class + ", for tests of code that calls " +
                                service.full_name + " through that interface.",
                            "",
                            "Each virtual method is mocked with all its parameters, CallOptions "
                            "included, and the overloads without CallOptions reach the same "
                            "mocks:",
                            "   EXPECT_CALL(mock, Method(request_matcher, _)).WillOnce(...);"})},
          {"class", service.mock_client_class},
          {"interface", service.client_interface_class},
      },
      R"cc(

        $comments$
        class $class$ : public $interface$ {
         public:
      )cc");
  printer.Indent();
  for (size_t i = 0; i < service.methods.size(); ++i) {
    const std::vector<VirtualMethod> virtual_methods = VirtualMethodsOf(service.methods[i]);
    for (size_t j = 0; j < virtual_methods.size(); ++j) {
      EmitMockMethod(service, virtual_methods[j], i > 0 && j == 0, printer);
    }
  }
  printer.Outdent();
  printer.Emit({}, R"cc(
    };
  )cc");
}

}  // namespace connectrpc::plugin
