// Names: every identifier, path and string that the generated code derives from a descriptor.
// Emitters never build names themselves, so a naming rule lives in exactly one place.
#ifndef PROTOC_GEN_CONNECT_CPP_NAMES_H_
#define PROTOC_GEN_CONNECT_CPP_NAMES_H_

#include <string>
#include <string_view>

#include <google/protobuf/descriptor.h>

namespace connectrpc::plugin {

// True for C++20 keywords and alternative tokens, which cannot name a function.
bool IsCppKeyword(std::string_view name);
// Appends '_' to a C++ keyword, as protoc's C++ generator does ("delete" -> "delete_").
std::string EscapeKeyword(std::string_view name);

// "foo/v1/echo.proto" -> "foo/v1/echo".
std::string ProtoStem(std::string_view proto_path);
// The header protoc's --cpp_out writes for `file`: "foo/v1/echo.pb.h".
std::string PbHeaderPath(const google::protobuf::FileDescriptor* file);
// "foo/v1/echo.connect.h" and "foo/v1/echo.connect.cc".
std::string ConnectHeaderPath(const google::protobuf::FileDescriptor* file);
std::string ConnectSourcePath(const google::protobuf::FileDescriptor* file);
// "foo/v1/echo.connect_mock.h", written with the mocks=true option.
std::string ConnectMockHeaderPath(const google::protobuf::FileDescriptor* file);
// "foo/v1/echo.connect.h" -> "FOO_V1_ECHO_CONNECT_H_".
std::string HeaderGuard(std::string_view header_path);
// The C++ namespace of a proto package: "foo.v1" -> "foo::v1"; "" for no package.
std::string CppNamespace(const google::protobuf::FileDescriptor* file);
// The message's class as protoc's C++ generator names it, from the global namespace:
// "::foo::v1::SayRequest", "::foo::v1::Outer_Inner", "::google::protobuf::Empty".
std::string QualifiedMessageType(const google::protobuf::Descriptor* message);

// Per-service names: "EchoServiceClient", "EchoServiceClientInterface", "MockEchoServiceClient",
// "EchoServiceHandler", "RegisterEchoServiceHandler", "kEchoServiceName".
std::string ClientClassName(const google::protobuf::ServiceDescriptor* service);
std::string ClientInterfaceClassName(const google::protobuf::ServiceDescriptor* service);
std::string MockClientClassName(const google::protobuf::ServiceDescriptor* service);
std::string HandlerClassName(const google::protobuf::ServiceDescriptor* service);
std::string AsyncHandlerClassName(const google::protobuf::ServiceDescriptor* service);
std::string RegisterFunctionName(const google::protobuf::ServiceDescriptor* service);
std::string ServiceNameConstant(const google::protobuf::ServiceDescriptor* service);

// Per-method names: the C++ member function ("Say"; keywords escaped), "kEchoServiceSayProcedure",
// "kEchoServiceSayMethod", the procedure "/foo.v1.EchoService/Say", and the message of the
// default handler's kUnimplemented status.
std::string MethodFunctionName(const google::protobuf::MethodDescriptor* method);
// The asynchronous form's member function: "SayAsync".
std::string AsyncMethodFunctionName(const google::protobuf::MethodDescriptor* method);
std::string ProcedureConstant(const google::protobuf::MethodDescriptor* method);
std::string MethodInfoConstant(const google::protobuf::MethodDescriptor* method);
std::string Procedure(const google::protobuf::MethodDescriptor* method);
std::string UnimplementedMessage(const google::protobuf::MethodDescriptor* method);

// A C++ string literal (with quotes) holding `value`.
std::string CppStringLiteral(std::string_view value);

}  // namespace connectrpc::plugin

#endif  // PROTOC_GEN_CONNECT_CPP_NAMES_H_
