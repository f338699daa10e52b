// MethodInfo: what the runtime needs to know about one RPC, emitted by protoc-gen-connect-cpp.
//
//   inline constexpr connectrpc::MethodInfo kSay{
//       "/foo.v1.EchoService/Say", connectrpc::StreamType::kUnary,
//       connectrpc::Idempotency::kNoSideEffects};
#ifndef CONNECTRPC_METHOD_H_
#define CONNECTRPC_METHOD_H_

#include <string_view>

namespace connectrpc {

enum class StreamType {
  kUnary,
  kClientStream,
  kServerStream,
  kBidiStream,
};

// The proto `idempotency_level` option. kNoSideEffects methods may be called with HTTP GET.
enum class Idempotency {
  kUnknown,
  kNoSideEffects,
  kIdempotent,
};

struct MethodInfo {
  std::string_view procedure;  // "/package.Service/Method"
  StreamType stream_type = StreamType::kUnary;
  Idempotency idempotency = Idempotency::kUnknown;
};

}  // namespace connectrpc

#endif  // CONNECTRPC_METHOD_H_
