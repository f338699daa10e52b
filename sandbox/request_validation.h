// Request validation: the protovalidate rules of the schema, evaluated by connectrpc::validate,
// turned into the API's invalid_argument error with ErrorDetails{code "invalid_request",
// field_violations} (the Transcodely wire contract, rather than the library's default
// buf.validate.Violations detail). Handlers call it, so that a handler can validate the request
// it actually acts on (CreateAPIKey fills in defaults first).
#ifndef CONNECTRPC_SANDBOX_REQUEST_VALIDATION_H_
#define CONNECTRPC_SANDBOX_REQUEST_VALIDATION_H_

#include <google/protobuf/message.h>

#include "connectrpc/status.h"

namespace sandbox {

// OK if `request` satisfies its rules; else invalid_argument listing every violation.
connectrpc::Status ValidateRequest(const google::protobuf::Message& request);

}  // namespace sandbox

#endif  // CONNECTRPC_SANDBOX_REQUEST_VALIDATION_H_
