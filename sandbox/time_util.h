// Wall-clock helpers: milliseconds since the Unix epoch and google.protobuf.Timestamp.
#ifndef CONNECTRPC_SANDBOX_TIME_UTIL_H_
#define CONNECTRPC_SANDBOX_TIME_UTIL_H_

#include <google/protobuf/timestamp.pb.h>

#include <chrono>
#include <cstdint>

namespace sandbox {

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

inline int64_t TimestampToMillis(const google::protobuf::Timestamp& ts) {
  return ts.seconds() * 1000 + ts.nanos() / 1'000'000;
}

}  // namespace sandbox

#endif  // CONNECTRPC_SANDBOX_TIME_UTIL_H_
