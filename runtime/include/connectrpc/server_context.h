// ServerContext: what a handler knows about the call it serves, and how it shapes the response.
//
//   connectrpc::Status Say(connectrpc::ServerContext& ctx, const SayRequest& req,
//                          SayResponse* resp) override {
//     ctx.response_headers().Add("x-served-by", "me");
//     if (!ctx.SleepFor(std::chrono::milliseconds(100))) return ctx.CancelledStatus();
//     ...
//   }
//
// A context belongs to one call. Blocking handlers use it from their pool thread, coroutine
// handlers and interceptors from the call's I/O thread; only IsCancelled(), CancelledStatus() and
// deadline() may be used from other threads. Interceptors pass typed values to handlers with
// SetValue<T>() / GetValue<T>().
#ifndef CONNECTRPC_SERVER_CONTEXT_H_
#define CONNECTRPC_SERVER_CONTEXT_H_

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "connectrpc/headers.h"
#include "connectrpc/method.h"
#include "connectrpc/status.h"

namespace connectrpc {

// The coroutine type of asynchronous handlers and interceptors: they run on the server's I/O
// threads and must not block.
template <typename T>
using Task = boost::asio::awaitable<T>;

class ServerCall;

class ServerContext {
 public:
  ServerContext(const ServerContext&) = delete;
  ServerContext& operator=(const ServerContext&) = delete;

  const MethodInfo& method() const;
  // The request headers, keys lowercased (protocol headers such as content-type included).
  const Headers& request_headers() const;
  // "POST" or "GET".
  std::string_view http_method() const;
  // The raw query string of a GET request (without '?'); empty for POST.
  std::string_view query() const;
  // The remote address, "ip:port".
  std::string_view peer() const;

  // Headers sent with the response; changes after the first response byte is written are ignored.
  Headers& response_headers();
  // Trailers sent at the end of the response (Trailer- headers for unary calls).
  Headers& response_trailers();

  // The call's deadline from the client's timeout, if it sent one.
  std::optional<std::chrono::steady_clock::time_point> deadline() const;
  // Time left before the deadline (never negative); nullopt without a deadline.
  std::optional<std::chrono::milliseconds> TimeRemaining() const;

  // True once the deadline has passed, the client went away, or the server is shutting down.
  // The runtime then answers the call itself; the handler should return.
  bool IsCancelled() const;
  // The status matching the reason for cancellation (kDeadlineExceeded, kCanceled, kUnavailable).
  Status CancelledStatus() const;
  // Blocking handlers: sleeps for `duration` or until the call is cancelled; false if cancelled.
  bool SleepFor(std::chrono::milliseconds duration) const;
  // Coroutine handlers: the same without blocking the I/O thread.
  Task<bool> AsyncSleepFor(std::chrono::milliseconds duration) const;
  // Coroutine handlers: waits for the caller's `timer`, which must use executor(), until it
  // expires, it is cancelled, or the call is cancelled; false if the call is cancelled. A handler
  // that waits for an event as well as for a time (a notification, a change) sets the timer to
  // the time and cancels it from the event's handler posted to executor().
  Task<bool> AsyncWait(boost::asio::steady_timer& timer) const;
  // The executor of the call's I/O thread (for timers and other asynchronous work).
  const boost::asio::any_io_executor& executor() const;

  // Typed per-call values, e.g. the authenticated caller set by an interceptor. SetValue
  // replaces an earlier value of the same type.
  template <typename T>
  void SetValue(T value) {
    auto stored = std::make_shared<T>(std::move(value));
    for (auto& [key, slot] : values_) {
      if (key == TypeKey<T>()) {
        slot = std::move(stored);
        return;
      }
    }
    values_.emplace_back(TypeKey<T>(), std::move(stored));
  }
  // The value of type T, or nullptr.
  template <typename T>
  const T* GetValue() const {
    for (const auto& [key, slot] : values_) {
      if (key == TypeKey<T>()) return static_cast<const T*>(slot.get());
    }
    return nullptr;
  }

 private:
  friend class ServerCall;
  explicit ServerContext(ServerCall* call) : call_(call) {}

  template <typename T>
  static const void* TypeKey() {
    static const char key = 0;
    return &key;
  }

  ServerCall* call_;
  std::vector<std::pair<const void*, std::shared_ptr<void>>> values_;
};

}  // namespace connectrpc

#endif  // CONNECTRPC_SERVER_CONTEXT_H_
