// Retry loop for unary calls: backoff with jitter, Retry-After on resource_exhausted.
#include "transcodely/retry.h"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <random>
#include <thread>
#include <utility>

#include "transcodely/errors.h"
#include "transcodely/idempotency.h"

namespace transcodely {

SleepFunction DefaultSleep() {
  return [](std::chrono::milliseconds duration) { std::this_thread::sleep_for(duration); };
}

double UniformRandom() {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
}

bool IsRetryableCode(connectrpc::Code code) {
  return code == connectrpc::Code::kUnavailable || code == connectrpc::Code::kResourceExhausted ||
         code == connectrpc::Code::kDeadlineExceeded;
}

std::chrono::milliseconds BackoffDelay(int attempt, double unit) {
  constexpr int64_t kBaseMs = 250;
  constexpr int64_t kCapMs = 2000;
  int64_t delay = kCapMs;
  if (attempt >= 1 && attempt <= 4) delay = std::min(kCapMs, kBaseMs << (attempt - 1));
  if (attempt < 1) delay = kBaseMs;
  const double jitter = 0.5 + 0.5 * std::clamp(unit, 0.0, 1.0);
  return std::chrono::milliseconds(static_cast<int64_t>(static_cast<double>(delay) * jitter));
}

RetryInterceptor::RetryInterceptor(RetryPolicy policy) : policy_(std::move(policy)) {
  policy_.max_retries = std::max(policy_.max_retries, 0);
}

boost::asio::awaitable<connectrpc::Status> RetryInterceptor::InterceptUnary(
    connectrpc::ClientCallInfo& info, const google::protobuf::Message& request,
    google::protobuf::Message* response, const UnaryNext& next) {
  // A mutation without an idempotency key might be applied twice: never retry it.
  const bool may_retry =
      !IsMutatingMethod(info.method) || info.request_headers.Contains(kIdempotencyKeyHeader);
  const bool logging = policy_.log.Enabled(LogLevel::kInfo);
  for (int retries = 0;; ++retries) {
    // No clock reads either without a logger.
    const auto started =
        logging ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point();
    connectrpc::Status status = co_await next(info, request, response);
    const bool last = status.ok() || !may_retry || retries >= policy_.max_retries ||
                      !IsRetryableCode(status.code());
    std::chrono::milliseconds delay{0};
    if (!last) {
      delay = BackoffDelay(retries + 1, UniformRandom());
      if (status.code() == connectrpc::Code::kResourceExhausted) {
        if (auto retry_after = ParseRetryAfter(status.metadata())) {
          delay = std::chrono::duration_cast<std::chrono::milliseconds>(*retry_after);
        }
      }
    }
    if (logging) {
      AttemptReport report;
      report.method = &info.method;
      report.attempt = retries + 1;
      report.status = &status;
      report.duration = std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::steady_clock::now() - started);
      if (!last) report.retry_delay = delay;
      policy_.log.Log(LogLevel::kInfo, FormatAttempt(report));
    }
    if (last) co_return status;
    if (policy_.sleep) {
      policy_.sleep(delay);  // a test hook: it records, it does not sleep
      continue;
    }
    // No thread waits: the call's coroutine is suspended on a timer of the event loop.
    boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, delay);
    co_await timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
  }
}

}  // namespace transcodely
