#include "errors.h"

#include <google/protobuf/util/json_util.h>

#include <utility>

namespace sandbox {

connectrpc::Status MakeError(connectrpc::Code code, std::string_view error_code,
                             std::string message,
                             const std::vector<transcodely::v1::FieldViolation>& violations) {
  transcodely::v1::ErrorDetails details;
  details.set_code(std::string(error_code));
  details.set_message(message);
  for (const auto& violation : violations) *details.add_field_violations() = violation;

  connectrpc::ErrorDetail detail;
  detail.type = details.GetDescriptor()->full_name();
  details.SerializeToString(&detail.value);
  // Default options: lowerCamelCase names, no zero values (the "debug" of the wire contract).
  std::string json;
  if (google::protobuf::util::MessageToJsonString(details, &json).ok()) {
    detail.debug_json = std::move(json);
  }
  connectrpc::Status status(code, std::move(message));
  status.AddDetail(std::move(detail));
  return status;
}

connectrpc::Status Unauthenticated(std::string_view error_code, std::string message) {
  return MakeError(connectrpc::Code::kUnauthenticated, error_code, std::move(message));
}

connectrpc::Status NotFound(std::string_view error_code, std::string message) {
  return MakeError(connectrpc::Code::kNotFound, error_code, std::move(message));
}

connectrpc::Status InvalidArgument(std::string_view error_code, std::string message) {
  return MakeError(connectrpc::Code::kInvalidArgument, error_code, std::move(message));
}

connectrpc::Status InvalidRequest(std::string message,
                                  const std::vector<transcodely::v1::FieldViolation>& violations) {
  return MakeError(connectrpc::Code::kInvalidArgument, "invalid_request", std::move(message),
                   violations);
}

connectrpc::Status Internal(std::string message) {
  return MakeError(connectrpc::Code::kInternal, "internal_error", std::move(message));
}

}  // namespace sandbox
