// Error classification and ErrorDetails extraction.
#include "transcodely/errors.h"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include "transcodely/v1/common.pb.h"

namespace transcodely {
namespace {

namespace json = boost::json;

constexpr std::string_view kErrorDetailsType = "transcodely.v1.ErrorDetails";

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::string StringMember(const json::object& object, std::string_view key) {
  if (const json::value* value = object.if_contains(key); value != nullptr && value->is_string()) {
    return std::string(value->get_string());
  }
  return {};
}

std::vector<FieldViolation> Violations(const json::value* array) {
  std::vector<FieldViolation> violations;
  if (array == nullptr || !array->is_array()) return violations;
  for (const json::value& entry : array->get_array()) {
    if (!entry.is_object()) continue;
    violations.push_back({StringMember(entry.get_object(), "field"),
                          StringMember(entry.get_object(), "description")});
  }
  return violations;
}

std::optional<json::object> ParseObject(std::string_view text) {
  std::error_code error;
  json::value value = json::parse(text, error);
  if (error || !value.is_object()) return std::nullopt;
  return std::move(value.get_object());
}

}  // namespace

ErrorKind ClassifyCode(connectrpc::Code code) {
  using connectrpc::Code;
  switch (code) {
    case Code::kUnauthenticated:
      return ErrorKind::kAuthentication;
    case Code::kPermissionDenied:
      return ErrorKind::kPermission;
    case Code::kNotFound:
      return ErrorKind::kNotFound;
    case Code::kAlreadyExists:
    case Code::kAborted:
      return ErrorKind::kConflict;
    case Code::kInvalidArgument:
    case Code::kOutOfRange:
    case Code::kFailedPrecondition:
      return ErrorKind::kInvalidRequest;
    case Code::kResourceExhausted:
      return ErrorKind::kRateLimit;
    case Code::kUnavailable:
    case Code::kDeadlineExceeded:
      return ErrorKind::kConnection;
    default:
      return ErrorKind::kApi;
  }
}

std::string_view ErrorKindName(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kAuthentication:
      return "authentication";
    case ErrorKind::kPermission:
      return "permission";
    case ErrorKind::kNotFound:
      return "not_found";
    case ErrorKind::kConflict:
      return "conflict";
    case ErrorKind::kInvalidRequest:
      return "invalid_request";
    case ErrorKind::kRateLimit:
      return "rate_limit";
    case ErrorKind::kConnection:
      return "connection";
    case ErrorKind::kApi:
      break;
  }
  return "api";
}

std::optional<std::chrono::seconds> ParseRetryAfter(const connectrpc::Headers& headers) {
  std::optional<std::string_view> value = headers.Get("retry-after");
  if (!value) return std::nullopt;
  std::string_view text = Trim(*value);
  int64_t seconds = 0;
  const char* end = text.data() + text.size();
  auto [ptr, error] = std::from_chars(text.data(), end, seconds);
  if (text.empty() || error != std::errc() || ptr != end) return std::nullopt;
  return std::chrono::seconds(seconds < 0 ? 0 : seconds);
}

Error Error::From(const connectrpc::Status& status) {
  Error error;
  error.status_ = status;
  error.kind_ = ClassifyCode(status.code());
  error.message_ = status.message();
  if (auto id = status.metadata().Get("x-request-id")) error.request_id_ = std::string(*id);
  error.retry_after_ = ParseRetryAfter(status.metadata());

  // ErrorDetails: the binary value of the first such detail, else the first detail's debug JSON.
  bool have_details = false;
  for (const connectrpc::ErrorDetail& detail : status.details()) {
    if (detail.type != kErrorDetailsType) continue;
    v1::ErrorDetails details;
    if (!detail.value.empty() && details.ParseFromString(detail.value)) {
      error.error_code_ = details.code();
      for (const v1::FieldViolation& violation : details.field_violations()) {
        error.field_violations_.push_back({violation.field(), violation.description()});
      }
      have_details = true;
    }
    break;
  }
  if (!have_details && !status.details().empty() && !status.details().front().debug_json.empty()) {
    if (auto debug = ParseObject(status.details().front().debug_json)) {
      error.error_code_ = StringMember(*debug, "code");
      const json::value* violations = debug->if_contains("field_violations");
      if (violations == nullptr) violations = debug->if_contains("fieldViolations");
      error.field_violations_ = Violations(violations);
    }
  }

  // A JSON object inside the message, as the reference server sends to the Go SDK.
  if (std::string_view text = Trim(status.message()); !text.empty() && text.front() == '{') {
    if (auto object = ParseObject(text)) {
      error.error_type_ = StringMember(*object, "type");
      if (std::string code = StringMember(*object, "code"); !code.empty()) {
        error.error_code_ = std::move(code);
      }
      if (std::string message = StringMember(*object, "message"); !message.empty()) {
        error.message_ = std::move(message);
      }
      if (auto violations = Violations(object->if_contains("errors")); !violations.empty()) {
        error.field_violations_ = std::move(violations);
      }
    }
  }
  return error;
}

std::string Error::ToString() const {
  std::string text = "transcodely: ";
  text.append(ErrorKindName(kind_));
  text.append(" (");
  text.append(connectrpc::CodeName(code()));
  text.append("): ");
  text.append(message_);
  std::string extra;
  if (!error_code_.empty()) extra.append("code=").append(error_code_);
  if (!request_id_.empty()) {
    if (!extra.empty()) extra.push_back(' ');
    extra.append("request_id=").append(request_id_);
  }
  if (retry_after_) {
    if (!extra.empty()) extra.push_back(' ');
    extra.append("retry_after=").append(std::to_string(retry_after_->count())).append("s");
  }
  for (const FieldViolation& violation : field_violations_) {
    if (!extra.empty()) extra.push_back(' ');
    extra.append(violation.field).append(": ").append(violation.description).append(";");
  }
  if (!extra.empty()) text.append(" [").append(extra).append("]");
  return text;
}

}  // namespace transcodely
