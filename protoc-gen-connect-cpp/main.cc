// protoc-gen-connect-cpp: the protoc plugin generating Connect clients and handlers for C++.
//
//   protoc --plugin=protoc-gen-connect-cpp=path/to/protoc-gen-connect-cpp --cpp_out=gen
//       --connect-cpp_out=gen [--connect-cpp_opt=server=false] foo/v1/echo.proto
#include <google/protobuf/compiler/plugin.h>

#include "generator.h"

int main(int argc, char* argv[]) {
  connectrpc::plugin::ConnectCppGenerator generator;
  return google::protobuf::compiler::PluginMain(argc, argv, &generator);
}
