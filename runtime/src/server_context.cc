#include "connectrpc/server_context.h"

#include <algorithm>

#include "call/server_call_state.h"

namespace connectrpc {
namespace {
internal::CallState& State(ServerCall* call) { return *static_cast<internal::CallState*>(call); }
}  // namespace

const MethodInfo& ServerContext::method() const { return State(call_).method(); }
const Headers& ServerContext::request_headers() const { return State(call_).request_headers(); }
std::string_view ServerContext::http_method() const { return State(call_).http_method(); }
std::string_view ServerContext::query() const { return State(call_).query(); }
std::string_view ServerContext::peer() const { return State(call_).peer(); }
Headers& ServerContext::response_headers() { return State(call_).response_headers(); }
Headers& ServerContext::response_trailers() { return State(call_).response_trailers(); }
const boost::asio::any_io_executor& ServerContext::executor() const {
  return State(call_).executor();
}

std::optional<std::chrono::steady_clock::time_point> ServerContext::deadline() const {
  return State(call_).deadline();
}

std::optional<std::chrono::milliseconds> ServerContext::TimeRemaining() const {
  auto deadline = State(call_).deadline();
  if (!deadline) return std::nullopt;
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      *deadline - std::chrono::steady_clock::now());
  return std::max(left, std::chrono::milliseconds(0));
}

bool ServerContext::IsCancelled() const { return State(call_).cancelled(); }
Status ServerContext::CancelledStatus() const { return State(call_).cancel_status(); }

bool ServerContext::SleepFor(std::chrono::milliseconds duration) const {
  return State(call_).SleepFor(duration);
}

Task<bool> ServerContext::AsyncSleepFor(std::chrono::milliseconds duration) const {
  return State(call_).AsyncSleepFor(duration);
}

Task<bool> ServerContext::AsyncWait(boost::asio::steady_timer& timer) const {
  return State(call_).AsyncWait(timer);
}

}  // namespace connectrpc
