// Request validation: the protovalidate rules of the schema (sandbox::Validate) turned into the
// API's invalid_argument error with ErrorDetails{code "invalid_request", field_violations}.
#ifndef CONNECTRPC_SANDBOX_REQUEST_VALIDATION_H_
#define CONNECTRPC_SANDBOX_REQUEST_VALIDATION_H_

#include <google/protobuf/message.h>

#include "connectrpc/status.h"

namespace sandbox {

// OK if `request` satisfies its rules; else invalid_argument listing every violation.
connectrpc::Status ValidateRequest(const google::protobuf::Message& request);

}  // namespace sandbox

#endif  // CONNECTRPC_SANDBOX_REQUEST_VALIDATION_H_
