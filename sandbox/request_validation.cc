#include "request_validation.h"

#include <string>
#include <vector>

#include "errors.h"
#include "transcodely/v1/common.pb.h"

#ifndef SANDBOX_WITHOUT_VALIDATOR
#include "validator.h"
#endif

namespace sandbox {

connectrpc::Status ValidateRequest(const google::protobuf::Message& request) {
#ifdef SANDBOX_WITHOUT_VALIDATOR
  (void)request;
  return connectrpc::Status();
#else
  std::vector<FieldViolation> violations = Validate(request);
  if (violations.empty()) return connectrpc::Status();
  std::vector<transcodely::v1::FieldViolation> protos;
  protos.reserve(violations.size());
  for (const auto& v : violations) {
    transcodely::v1::FieldViolation proto;
    proto.set_field(v.field);
    proto.set_description(v.description);
    protos.push_back(std::move(proto));
  }
  const FieldViolation& first = violations.front();
  std::string message = "invalid request: ";
  if (!first.field.empty()) message += first.field + ": ";
  message += first.description;
  if (violations.size() > 1) {
    message += " (and " + std::to_string(violations.size() - 1) + " more)";
  }
  return InvalidRequest(std::move(message), protos);
#endif
}

}  // namespace sandbox
