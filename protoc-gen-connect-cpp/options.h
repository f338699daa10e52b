// Options: the plugin parameter (`--connect-cpp_opt=client=false`), parsed once per run.
#ifndef PROTOC_GEN_CONNECT_CPP_OPTIONS_H_
#define PROTOC_GEN_CONNECT_CPP_OPTIONS_H_

#include <string>
#include <string_view>

namespace connectrpc::plugin {

struct Options {
  // Emit <Service>Client classes.
  bool client = true;
  // Emit <Service>Handler classes and Register<Service>Handler functions.
  bool server = true;
  // Also write <stem>.connect_mock.h with a gMock Mock<Service>Client per service (needs client).
  bool mocks = false;
};

// Parses a comma-separated `key=value` list such as "client=true,server=false". Returns false and
// sets `*error` (naming the offending key) on an unknown key, a repeated key, a bad value, or
// mocks=true with client=false.
bool ParseOptions(std::string_view parameter, Options* options, std::string* error);

}  // namespace connectrpc::plugin

#endif  // PROTOC_GEN_CONNECT_CPP_OPTIONS_H_
