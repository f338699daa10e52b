// Building connectrpc::Status values that carry transcodely.v1.ErrorDetails as their first
// detail (binary value plus default-protojson "debug"), as the Transcodely SDKs expect.
#ifndef CONNECTRPC_SANDBOX_ERRORS_H_
#define CONNECTRPC_SANDBOX_ERRORS_H_

#include <string>
#include <string_view>
#include <vector>

#include "connectrpc/code.h"
#include "connectrpc/status.h"
#include "transcodely/v1/common.pb.h"

namespace sandbox {

// A Status with `code`, `message` and ErrorDetails{error_code, message, violations}.
connectrpc::Status MakeError(connectrpc::Code code, std::string_view error_code,
                             std::string message,
                             const std::vector<transcodely::v1::FieldViolation>& violations = {});

// Shorthands for the common cases.
connectrpc::Status Unauthenticated(std::string_view error_code, std::string message);
connectrpc::Status NotFound(std::string_view error_code, std::string message);
connectrpc::Status InvalidArgument(std::string_view error_code, std::string message);
connectrpc::Status InvalidRequest(std::string message,
                                  const std::vector<transcodely::v1::FieldViolation>& violations);
connectrpc::Status Internal(std::string message);

}  // namespace sandbox

#endif  // CONNECTRPC_SANDBOX_ERRORS_H_
