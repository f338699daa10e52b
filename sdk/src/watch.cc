// Watch reconnection policy and heartbeat predicates.
#include "transcodely/watch.h"

#include <algorithm>
#include <cstdint>

namespace transcodely {

std::chrono::milliseconds ReconnectDelay(int attempt, double unit) {
  constexpr int64_t kBaseMs = 500;
  constexpr int64_t kCapMs = 5000;
  int64_t delay = kCapMs;
  if (attempt < 1) {
    delay = kBaseMs;
  } else if (attempt <= 4) {
    delay = std::min(kCapMs, kBaseMs << (attempt - 1));
  }
  const double jitter = 0.5 + 0.5 * std::clamp(unit, 0.0, 1.0);
  return std::chrono::milliseconds(static_cast<int64_t>(static_cast<double>(delay) * jitter));
}

bool IsReconnectable(const connectrpc::Status& status) {
  return status.code() == connectrpc::Code::kUnavailable ||
         status.code() == connectrpc::Code::kDeadlineExceeded;
}

bool IsHeartbeat(const v1::WatchJobResponse& response) {
  return response.event() == v1::WATCH_EVENT_TYPE_HEARTBEAT;
}

bool IsHeartbeat(const v1::WatchVideoResponse& response) {
  return response.event_type() == "heartbeat";
}

}  // namespace transcodely
