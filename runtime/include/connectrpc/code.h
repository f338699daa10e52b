// Connect error codes and their wire names and HTTP mappings.
//
// The sixteen codes share their numbering with gRPC and absl::StatusCode, so
// `static_cast<absl::StatusCode>(code)` is well defined.
//
//   connectrpc::Code code = connectrpc::CodeFromName("not_found").value();
//   int status = connectrpc::HttpStatusFromCode(code);  // 404
#ifndef CONNECTRPC_CODE_H_
#define CONNECTRPC_CODE_H_

#include <optional>
#include <string_view>

namespace connectrpc {

// A Connect status code. kOk is never written on the wire.
enum class Code : int {
  kOk = 0,
  kCanceled = 1,
  kUnknown = 2,
  kInvalidArgument = 3,
  kDeadlineExceeded = 4,
  kNotFound = 5,
  kAlreadyExists = 6,
  kPermissionDenied = 7,
  kResourceExhausted = 8,
  kFailedPrecondition = 9,
  kAborted = 10,
  kOutOfRange = 11,
  kUnimplemented = 12,
  kInternal = 13,
  kUnavailable = 14,
  kDataLoss = 15,
  kUnauthenticated = 16,
};

// The snake_case wire name ("invalid_argument"); "ok" for kOk.
std::string_view CodeName(Code code);

// Parses a wire name; nullopt for anything that is not one of the 16 error codes.
std::optional<Code> CodeFromName(std::string_view name);

// Converts an integer (as in gRPC or the conformance protos) to a Code; nullopt when out of range.
std::optional<Code> CodeFromInt(int value);

// The HTTP status a Connect server sends for a unary error with this code.
int HttpStatusFromCode(Code code);

// The code a Connect client infers from a non-200 HTTP status when the body carries no valid
// Connect error.
Code CodeFromHttpStatus(int http_status);

}  // namespace connectrpc

#endif  // CONNECTRPC_CODE_H_
