// Retries of unary calls with exponential backoff and jitter (wire contract §5).
//
// Retried: unavailable (also what the runtime reports for transport failures),
// resource_exhausted and deadline_exceeded. Delay before retry n (1-based):
// min(2 s, 250 ms * 2^(n-1)) * U[0.5, 1), or exactly Retry-After seconds on resource_exhausted.
// A mutating call without an idempotency key is never retried.
#ifndef TRANSCODELY_RETRY_H_
#define TRANSCODELY_RETRY_H_

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <functional>

#include "connectrpc/client.h"
#include "connectrpc/code.h"
#include "transcodely/logging.h"

namespace transcodely {

using SleepFunction = std::function<void(std::chrono::milliseconds)>;

// std::this_thread::sleep_for.
SleepFunction DefaultSleep();

// A uniformly distributed number in [0, 1), thread-safe.
double UniformRandom();

bool IsRetryableCode(connectrpc::Code code);

// The backoff before retry `attempt` (1-based), given `unit` in [0, 1) for the jitter.
std::chrono::milliseconds BackoffDelay(int attempt, double unit);

struct RetryPolicy {
  int max_retries = 3;  // 0 disables retries
  // Test hook called instead of waiting; null: wait on an Asio timer of the client's event loop,
  // which blocks no thread (the blocking API's caller just waits for the call to finish).
  SleepFunction sleep;
  // Where each attempt is reported (FormatAttempt, at kInfo); inactive without a logger.
  LogSink log;
};

class RetryInterceptor : public connectrpc::ClientInterceptor {
 public:
  explicit RetryInterceptor(RetryPolicy policy);

  boost::asio::awaitable<connectrpc::Status> InterceptUnary(
      connectrpc::ClientCallInfo& info, const google::protobuf::Message& request,
      google::protobuf::Message* response, const UnaryNext& next) override;

 private:
  RetryPolicy policy_;
};

}  // namespace transcodely

#endif  // TRANSCODELY_RETRY_H_
