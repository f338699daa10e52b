// ServerContext: what a handler knows about the call it serves, and how it shapes the response.
//
//   connectrpc::Status Say(connectrpc::ServerContext& ctx, const SayRequest& req,
//                          SayResponse* resp) override {
//     ctx.response_headers().Add("x-served-by", "me");
//     if (!ctx.SleepFor(std::chrono::milliseconds(100))) return ctx.CancelledStatus();
//     ...
//   }
//
// A context belongs to one call and is used by the handler's thread; IsCancelled() and the
// cancellation it reports may change from another thread at any time.
#ifndef CONNECTRPC_SERVER_CONTEXT_H_
#define CONNECTRPC_SERVER_CONTEXT_H_

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "connectrpc/headers.h"
#include "connectrpc/internal/server_call.h"
#include "connectrpc/method.h"
#include "connectrpc/status.h"

namespace connectrpc {

class ServerContext {
 public:
  explicit ServerContext(internal::ServerCall* call) : call_(call) {}

  const MethodInfo& method() const;
  // The custom request headers (protocol headers such as content-type are included too).
  const Headers& request_headers() const;
  // "POST" or "GET".
  std::string_view http_method() const;
  // The raw query string of a GET request (without '?'); empty for POST.
  std::string_view query() const;
  // The remote address, "ip:port".
  const std::string& peer() const;

  // Headers sent with the response; changes after the first response byte is written are ignored.
  Headers& response_headers();
  // Trailers sent at the end of the response (Trailer- headers for unary calls).
  Headers& response_trailers();

  // The call's deadline from Connect-Timeout-Ms, if the client sent one.
  std::optional<std::chrono::steady_clock::time_point> deadline() const;
  // Time left before the deadline (never negative); nullopt without a deadline.
  std::optional<std::chrono::milliseconds> TimeRemaining() const;

  // True once the deadline has passed, the client went away, or the server is shutting down.
  // The runtime has then already answered (or abandoned) the call; the handler should return.
  bool IsCancelled() const;
  // The status matching the reason for cancellation (kDeadlineExceeded, kCanceled, kUnavailable).
  Status CancelledStatus() const;
  // Sleeps for `duration` or until the call is cancelled; returns false if cancelled.
  bool SleepFor(std::chrono::milliseconds duration) const;

 private:
  internal::ServerCall* call_;
};

}  // namespace connectrpc

#endif  // CONNECTRPC_SERVER_CONTEXT_H_
