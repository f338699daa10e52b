// Wall-clock helpers: milliseconds since the Unix epoch and google.protobuf.Timestamp.
#ifndef CONNECTRPC_SANDBOX_TIME_UTIL_H_
#define CONNECTRPC_SANDBOX_TIME_UTIL_H_

#include <google/protobuf/timestamp.pb.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <limits>

#include "timestamp_range.h"

namespace sandbox {

// The milliseconds of the RFC 3339 range (see timestamp_range.h).
inline constexpr int64_t kMinTimestampMillis = kMinTimestampSeconds * 1000;
inline constexpr int64_t kMaxTimestampMillis = kMaxTimestampSeconds * 1000 + 999;

// `ms` clamped to the RFC 3339 range: a time read back from the data file, whatever it holds,
// leaves room for the arithmetic of the job simulation.
inline int64_t ClampToTimestampMillis(int64_t ms) {
  return std::clamp(ms, kMinTimestampMillis, kMaxTimestampMillis);
}

// a + b, saturated at the ends of int64 instead of overflowing.
inline int64_t SaturatingAdd(int64_t a, int64_t b) {
  int64_t sum = 0;
  if (!__builtin_add_overflow(a, b, &sum)) return sum;
  return b > 0 ? std::numeric_limits<int64_t>::max() : std::numeric_limits<int64_t>::min();
}

inline int64_t NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

inline google::protobuf::Timestamp MillisToTimestamp(int64_t ms) {
  google::protobuf::Timestamp ts;
  int64_t seconds = ms / 1000;
  int64_t millis = ms % 1000;
  if (millis < 0) {
    millis += 1000;
    seconds -= 1;
  }
  ts.set_seconds(seconds);
  ts.set_nanos(static_cast<int32_t>(millis * 1'000'000));
  return ts;
}

// Milliseconds of `ts`, clamped to the RFC 3339 range first, so that no input overflows int64.
// Requests reach handlers range-checked (ValidateRequest); the clamp only makes this total.
inline int64_t TimestampToMillis(const google::protobuf::Timestamp& ts) {
  if (ts.seconds() < kMinTimestampSeconds) return kMinTimestampSeconds * 1000;
  if (ts.seconds() > kMaxTimestampSeconds) return kMaxTimestampSeconds * 1000 + 999;
  int64_t nanos = std::clamp<int64_t>(ts.nanos(), 0, 999'999'999);
  return ts.seconds() * 1000 + nanos / 1'000'000;
}

}  // namespace sandbox

#endif  // CONNECTRPC_SANDBOX_TIME_UTIL_H_
