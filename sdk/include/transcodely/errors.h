// Typed Transcodely errors (wire contract §4): a connectrpc::Status classified by its Connect
// code, with the request id, machine error code, field violations and Retry-After exposed.
//
//   auto r = client.jobs().Get(request);
//   if (!r.ok()) {
//     transcodely::Error error = transcodely::Error::From(r.status());
//     if (error.kind() == transcodely::ErrorKind::kNotFound) ...
//     std::cerr << error.ToString() << "\n";
//   }
#ifndef TRANSCODELY_ERRORS_H_
#define TRANSCODELY_ERRORS_H_

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "connectrpc/code.h"
#include "connectrpc/headers.h"
#include "connectrpc/status.h"

namespace transcodely {

enum class ErrorKind {
  kAuthentication,  // unauthenticated
  kPermission,      // permission_denied
  kNotFound,        // not_found
  kConflict,        // already_exists, aborted
  kInvalidRequest,  // invalid_argument, out_of_range, failed_precondition
  kRateLimit,       // resource_exhausted
  kConnection,      // unavailable, deadline_exceeded (transport failures arrive as unavailable)
  kApi,             // everything else
};

ErrorKind ClassifyCode(connectrpc::Code code);
// "authentication", "permission", "not_found", "conflict", "invalid_request", "rate_limit",
// "connection", "api".
std::string_view ErrorKindName(ErrorKind kind);

// The Retry-After header as integer seconds (negative values clamp to 0); nullopt when absent or
// not an integer.
std::optional<std::chrono::seconds> ParseRetryAfter(const connectrpc::Headers& headers);

struct FieldViolation {
  std::string field;  // "input_url", "outputs[0].codec"
  std::string description;
  friend bool operator==(const FieldViolation&, const FieldViolation&) = default;
};

class Error {
 public:
  // Reads transcodely.v1.ErrorDetails from the status details (binary value, else the debug
  // JSON of the first detail) and a JSON object inside the message
  // ({"type":..,"code":..,"message":..,"errors":[{"field":..,"description":..}]}).
  static Error From(const connectrpc::Status& status);

  ErrorKind kind() const { return kind_; }
  connectrpc::Code code() const { return status_.code(); }
  // The human-readable message (the inner "message" when the Connect message was a JSON object).
  const std::string& message() const { return message_; }
  // X-Request-Id of the failed response; empty if none.
  const std::string& request_id() const { return request_id_; }
  // Machine code such as "JOB_NOT_FOUND" (ErrorDetails.code); empty if none.
  const std::string& error_code() const { return error_code_; }
  // "type" of a JSON message object, e.g. "invalid_request_error"; empty if none.
  const std::string& error_type() const { return error_type_; }
  const std::vector<FieldViolation>& field_violations() const { return field_violations_; }
  std::optional<std::chrono::seconds> retry_after() const { return retry_after_; }
  const connectrpc::Status& status() const { return status_; }

  // "transcodely: not_found (not_found): no such job [code=JOB_NOT_FOUND request_id=req_1]".
  std::string ToString() const;

 private:
  connectrpc::Status status_;
  ErrorKind kind_ = ErrorKind::kApi;
  std::string message_;
  std::string request_id_;
  std::string error_code_;
  std::string error_type_;
  std::vector<FieldViolation> field_violations_;
  std::optional<std::chrono::seconds> retry_after_;
};

}  // namespace transcodely

#endif  // TRANSCODELY_ERRORS_H_
