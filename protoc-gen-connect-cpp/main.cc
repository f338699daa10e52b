// protoc-gen-connect-cpp: the protoc plugin generating Connect clients and handlers for C++.
//
//   protoc --plugin=protoc-gen-connect-cpp=path/to/protoc-gen-connect-cpp --cpp_out=gen
//       --connect-cpp_out=gen [--connect-cpp_opt=server=false] foo/v1/echo.proto
//
// protoc runs it without arguments and talks to it over stdin and stdout; run by hand, it
// answers --version and --help without reading stdin.
#include <google/protobuf/compiler/plugin.h>

#include <iostream>
#include <string_view>

#include "connectrpc/version.h"
#include "generator.h"

namespace {

constexpr std::string_view kUsage = R"(Usage: protoc --plugin=protoc-gen-connect-cpp=PATH --cpp_out=DIR \
           --connect-cpp_out=DIR [--connect-cpp_opt=OPTIONS] FILE.proto...

protoc-gen-connect-cpp is a protoc plugin: protoc runs it and sends it the .proto files on
stdin. For each file that defines services it writes <stem>.connect.h and <stem>.connect.cc
(and, with mocks=true, <stem>.connect_mock.h) beside protoc's <stem>.pb.h.

Options (comma-separated, in --connect-cpp_opt):
  client=true|false   <Service>ClientInterface and <Service>Client (default true)
  server=true|false   <Service>Handler, <Service>AsyncHandler, Register<Service>Handler
                      (default true)
  mocks=true|false    <stem>.connect_mock.h with a gMock Mock<Service>Client per service;
                      needs client=true (default false)

Flags (when run by hand):
  --version           print the version and exit
  --help              print this help and exit
)";

}  // namespace

int main(int argc, char* argv[]) {
  if (argc > 1) {
    const std::string_view flag = argv[1];
    if (argc == 2 && flag == "--version") {
      std::cout << "protoc-gen-connect-cpp " << CONNECTRPC_VERSION_STRING << "\n";
      return 0;
    }
    if (argc == 2 && (flag == "--help" || flag == "-h")) {
      std::cout << kUsage;
      return 0;
    }
    std::cerr << "protoc-gen-connect-cpp: unknown argument \"" << (argc == 2 ? flag : argv[2])
              << "\" (it takes only --version or --help; protoc runs it without arguments)\n";
    return 2;
  }
  connectrpc::plugin::ConnectCppGenerator generator;
  return google::protobuf::compiler::PluginMain(argc, argv, &generator);
}
