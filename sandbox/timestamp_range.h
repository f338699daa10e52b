// The RFC 3339 range of google.protobuf.Timestamp, checked on every Timestamp a request carries:
// 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z, nanos in [0, 999999999]. Inside that
// range a Timestamp converts to int64 milliseconds without overflow (TimestampToMillis).
#ifndef CONNECTRPC_SANDBOX_TIMESTAMP_RANGE_H_
#define CONNECTRPC_SANDBOX_TIMESTAMP_RANGE_H_

#include <google/protobuf/message.h>
#include <google/protobuf/timestamp.pb.h>

#include <cstdint>
#include <string>
#include <vector>

#include "transcodely/v1/common.pb.h"

namespace sandbox {

inline constexpr int64_t kMinTimestampSeconds = -62'135'596'800;  // 0001-01-01T00:00:00Z
inline constexpr int64_t kMaxTimestampSeconds = 253'402'300'799;  // 9999-12-31T23:59:59Z

bool IsTimestampInRange(const google::protobuf::Timestamp& ts);

// One violation per set Timestamp field (at any depth, in repeated fields and map values too)
// outside the range, named by its path ("expires_at", "outputs[2].started_at").
std::vector<transcodely::v1::FieldViolation> TimestampRangeViolations(
    const google::protobuf::Message& message);

}  // namespace sandbox

#endif  // CONNECTRPC_SANDBOX_TIMESTAMP_RANGE_H_
