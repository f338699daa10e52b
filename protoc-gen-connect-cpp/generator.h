// Generator: the protoc CodeGenerator that writes <stem>.connect.h and <stem>.connect.cc (and,
// with mocks=true, <stem>.connect_mock.h) beside protoc's <stem>.pb.h for every .proto file that
// defines services.
#ifndef PROTOC_GEN_CONNECT_CPP_GENERATOR_H_
#define PROTOC_GEN_CONNECT_CPP_GENERATOR_H_

#include <cstdint>
#include <string>

#include <google/protobuf/compiler/code_generator.h>
#include <google/protobuf/descriptor.h>

namespace connectrpc::plugin {

class ConnectCppGenerator : public google::protobuf::compiler::CodeGenerator {
 public:
  bool Generate(const google::protobuf::FileDescriptor* file, const std::string& parameter,
                google::protobuf::compiler::GeneratorContext* context,
                std::string* error) const override;
  uint64_t GetSupportedFeatures() const override { return FEATURE_PROTO3_OPTIONAL; }
};

}  // namespace connectrpc::plugin

#endif  // PROTOC_GEN_CONNECT_CPP_GENERATOR_H_
