// ClientShape: the signatures of a generated client's methods (return type, parameters, the
// runtime call they forward to), shared by the client, its interface and its mock.
#ifndef PROTOC_GEN_CONNECT_CPP_CLIENT_SHAPE_H_
#define PROTOC_GEN_CONNECT_CPP_CLIENT_SHAPE_H_

#include <string>
#include <vector>

#include "model.h"

namespace connectrpc::plugin {

// The pieces of one client method: return type, parameters, and the runtime call it forwards to.
struct ClientMethodShape {
  std::string return_type;
  std::vector<std::string> params;  // without the trailing CallOptions
  std::string call;                 // "CallUnary<Resp>"
  std::vector<std::string> args;    // arguments after the MethodInfo constant
  bool coroutine = false;           // takes a trailing boost::asio::use_awaitable_t<>
};

// The blocking form of any method.
ClientMethodShape ShapeOf(const MethodModel& method);
// The asynchronous form of a streaming method: it returns the stream object at once.
ClientMethodShape AsyncStreamShapeOf(const MethodModel& method);
// The coroutine form of a unary method, the one asynchronous unary form that can be virtual.
ClientMethodShape CoroutineShapeOf(const MethodModel& method);

// The parameters of a virtual method: the shape's, CallOptions, and the coroutine form's token.
std::vector<std::string> VirtualParams(const ClientMethodShape& shape);

// One virtual method of <Service>ClientInterface.
struct VirtualMethod {
  std::string function;               // "Say" or "SayAsync"
  ClientMethodShape shape;
  std::vector<std::string> comments;  // for the interface's declaration
};

// The virtual methods of one proto method: its blocking form, then its coroutine form (unary)
// or its asynchronous stream form.
std::vector<VirtualMethod> VirtualMethodsOf(const MethodModel& method);

}  // namespace connectrpc::plugin

#endif  // PROTOC_GEN_CONNECT_CPP_CLIENT_SHAPE_H_
