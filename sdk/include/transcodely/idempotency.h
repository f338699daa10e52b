// Idempotency keys for mutating unary calls (wire contract §2).
//
// Every unary method whose name does not start with Get or List (HealthService and streams
// excepted) carries a key: the caller's, or a fresh UUIDv4 made once per logical call, so every
// retry carries the same key. It travels as both Idempotency-Key and X-Idempotency-Key; for
// JobService/Create it also fills CreateJobRequest.idempotency_key when that is unset.
//
//   auto r = client.jobs().Create(request, transcodely::WithIdempotencyKey("order-42"));
#ifndef TRANSCODELY_IDEMPOTENCY_H_
#define TRANSCODELY_IDEMPOTENCY_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "connectrpc/call_options.h"
#include "connectrpc/client.h"
#include "connectrpc/method.h"

namespace transcodely {

inline constexpr std::string_view kIdempotencyKeyHeader = "idempotency-key";
inline constexpr std::string_view kXIdempotencyKeyHeader = "x-idempotency-key";
inline constexpr size_t kMaxIdempotencyKeyLength = 128;

// `base` with the idempotency key set (replacing any key already in its headers).
connectrpc::CallOptions WithIdempotencyKey(std::string_view key, connectrpc::CallOptions base = {});

// A random UUIDv4 ("1b4e28ba-2fa1-4d2e-883f-0016d3cca427"), from OpenSSL's RAND_bytes.
std::string NewIdempotencyKey();

// True for the unary methods that get a key: the method name does not start with "Get" or
// "List", and the service is not HealthService.
bool IsMutatingMethod(const connectrpc::MethodInfo& method);

class IdempotencyInterceptor : public connectrpc::ClientInterceptor {
 public:
  // With `auto_generate` false, only calls that carry a caller's key get the headers.
  explicit IdempotencyInterceptor(bool auto_generate = true) : auto_generate_(auto_generate) {}

  boost::asio::awaitable<connectrpc::Status> InterceptUnary(
      connectrpc::ClientCallInfo& info, const google::protobuf::Message& request,
      google::protobuf::Message* response, const UnaryNext& next) override;

 private:
  bool auto_generate_;
};

}  // namespace transcodely

#endif  // TRANSCODELY_IDEMPOTENCY_H_
