#include "request_validation.h"

#include <string>
#include <vector>

#include "errors.h"
#include "timestamp_range.h"
#include "transcodely/v1/common.pb.h"

#ifndef SANDBOX_WITHOUT_VALIDATOR
#include "connectrpc/validate/validator.h"
#include "connectrpc/validate/violations.h"
#endif

namespace sandbox {

connectrpc::Status ValidateRequest(const google::protobuf::Message& request) {
  // Every Timestamp is range-checked whatever the schema says, so that no handler converts an
  // out-of-range one (TimestampToMillis would overflow int64).
  std::vector<transcodely::v1::FieldViolation> ranges = TimestampRangeViolations(request);
#ifdef SANDBOX_WITHOUT_VALIDATOR
  std::vector<transcodely::v1::FieldViolation> protos;
  std::string message = "invalid request";
#else
  std::vector<connectrpc::validate::FieldViolation> violations =
      connectrpc::validate::Validate(request);
  std::vector<transcodely::v1::FieldViolation> protos;
  protos.reserve(violations.size() + ranges.size());
  for (const auto& v : violations) {
    transcodely::v1::FieldViolation proto;
    proto.set_field(v.field);
    proto.set_description(v.description);
    protos.push_back(std::move(proto));
  }
  std::string message = violations.empty() ? std::string("invalid request")
                                           : connectrpc::validate::ViolationsMessage(violations);
#endif
  if (protos.empty() && ranges.empty()) return connectrpc::Status();
  // The message names the first violation; with only range violations, that is the first of them.
  if (protos.empty()) message += ": " + ranges.front().description();
  for (auto& r : ranges) protos.push_back(std::move(r));
  return InvalidRequest(std::move(message), protos);
}

}  // namespace sandbox
