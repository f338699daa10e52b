#include "request_validation.h"

#include <string>
#include <vector>

#include "errors.h"
#include "transcodely/v1/common.pb.h"

#ifndef SANDBOX_WITHOUT_VALIDATOR
#include "connectrpc/validate/validator.h"
#include "connectrpc/validate/violations.h"
#endif

namespace sandbox {

connectrpc::Status ValidateRequest(const google::protobuf::Message& request) {
#ifdef SANDBOX_WITHOUT_VALIDATOR
  (void)request;
  return connectrpc::Status();
#else
  std::vector<connectrpc::validate::FieldViolation> violations =
      connectrpc::validate::Validate(request);
  if (violations.empty()) return connectrpc::Status();
  std::vector<transcodely::v1::FieldViolation> protos;
  protos.reserve(violations.size());
  for (const auto& v : violations) {
    transcodely::v1::FieldViolation proto;
    proto.set_field(v.field);
    proto.set_description(v.description);
    protos.push_back(std::move(proto));
  }
  return InvalidRequest(connectrpc::validate::ViolationsMessage(violations), protos);
#endif
}

}  // namespace sandbox
