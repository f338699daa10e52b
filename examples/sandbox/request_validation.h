// Request validation: the protovalidate rules of the schema (sandbox::Validate) turned into the
// API's invalid_argument error with ErrorDetails{code "invalid_request", field_violations}.
#ifndef EXAMPLES_SANDBOX_REQUEST_VALIDATION_H_
#define EXAMPLES_SANDBOX_REQUEST_VALIDATION_H_

#include <google/protobuf/message.h>

#include "connectrpc/status.h"

namespace sandbox {

// OK if `request` satisfies its rules; else invalid_argument listing every violation.
connectrpc::Status ValidateRequest(const google::protobuf::Message& request);

}  // namespace sandbox

#endif  // EXAMPLES_SANDBOX_REQUEST_VALIDATION_H_
