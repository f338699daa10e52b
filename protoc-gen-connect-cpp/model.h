// Model: what the emitters need to know about a .proto file, built once from its descriptors.
// Every name in the model comes from names.h; emitters only arrange the model into text.
#ifndef PROTOC_GEN_CONNECT_CPP_MODEL_H_
#define PROTOC_GEN_CONNECT_CPP_MODEL_H_

#include <string>
#include <vector>

#include <google/protobuf/descriptor.h>

namespace connectrpc::plugin {

enum class StreamKind { kUnary, kClientStream, kServerStream, kBidiStream };

struct MethodModel {
  std::string function;          // "Say" (C++ keywords escaped: "delete_")
  std::string async_function;    // "SayAsync"
  std::string full_name;         // "foo.v1.EchoService.Say"
  std::string procedure;         // "/foo.v1.EchoService/Say"
  std::string procedure_const;   // "kEchoServiceSayProcedure"
  std::string method_const;      // "kEchoServiceSayMethod"
  std::string request;           // "::foo::v1::SayRequest"
  std::string response;          // "::foo::v1::SayResponse"
  StreamKind kind = StreamKind::kUnary;
  std::string stream_type;       // "connectrpc::StreamType::kUnary"
  std::string idempotency;       // "connectrpc::Idempotency::kNoSideEffects"
  std::string unimplemented;     // "foo.v1.EchoService.Say is not implemented"
  bool deprecated = false;
  std::vector<std::string> comments;  // proto comment lines, without "//"
};

struct ServiceModel {
  std::string full_name;       // "foo.v1.EchoService"
  std::string name_const;      // "kEchoServiceName"
  std::string client_class;    // "EchoServiceClient"
  std::string client_interface_class;  // "EchoServiceClientInterface"
  std::string mock_client_class;       // "MockEchoServiceClient"
  std::string handler_class;   // "EchoServiceHandler"
  std::string async_handler_class;  // "EchoServiceAsyncHandler"
  std::string register_func;   // "RegisterEchoServiceHandler"
  std::vector<std::string> comments;
  std::vector<MethodModel> methods;
};

struct FileModel {
  std::string proto_path;    // "foo/v1/echo.proto"
  std::string header_path;   // "foo/v1/echo.connect.h"
  std::string source_path;   // "foo/v1/echo.connect.cc"
  std::string guard;         // "FOO_V1_ECHO_CONNECT_H_"
  std::string mock_header_path;  // "foo/v1/echo.connect_mock.h"
  std::string mock_guard;        // "FOO_V1_ECHO_CONNECT_MOCK_H_"
  std::string cpp_namespace;  // "foo::v1", empty for no package
  // .pb.h files declaring the messages used by the methods, this file's own first.
  std::vector<std::string> pb_headers;
  std::vector<ServiceModel> services;
};

FileModel BuildFileModel(const google::protobuf::FileDescriptor* file);

}  // namespace connectrpc::plugin

#endif  // PROTOC_GEN_CONNECT_CPP_MODEL_H_
