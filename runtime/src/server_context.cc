#include "connectrpc/server_context.h"

#include <algorithm>

namespace connectrpc {

const MethodInfo& ServerContext::method() const { return call_->method(); }
const Headers& ServerContext::request_headers() const { return call_->request_headers(); }
std::string_view ServerContext::http_method() const { return call_->http_method(); }
std::string_view ServerContext::query() const { return call_->query(); }
const std::string& ServerContext::peer() const { return call_->peer(); }
Headers& ServerContext::response_headers() { return call_->response_headers(); }
Headers& ServerContext::response_trailers() { return call_->response_trailers(); }

std::optional<std::chrono::steady_clock::time_point> ServerContext::deadline() const {
  return call_->deadline();
}

std::optional<std::chrono::milliseconds> ServerContext::TimeRemaining() const {
  auto deadline = call_->deadline();
  if (!deadline) return std::nullopt;
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      *deadline - std::chrono::steady_clock::now());
  return std::max(left, std::chrono::milliseconds(0));
}

bool ServerContext::IsCancelled() const { return !call_->cancellation().ok(); }

Status ServerContext::CancelledStatus() const {
  Status status = call_->cancellation();
  if (status.ok()) return Status(Code::kCanceled, "call was cancelled");
  return status;
}

bool ServerContext::SleepFor(std::chrono::milliseconds duration) const {
  return call_->WaitFor(duration);
}

}  // namespace connectrpc
