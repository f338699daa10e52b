// Reading a job for its caller under the environment rule of auth.h; shared by the blocking
// JobService handlers and the asynchronous Watch.
#ifndef CONNECTRPC_SANDBOX_JOB_LOOKUP_H_
#define CONNECTRPC_SANDBOX_JOB_LOOKUP_H_

#include <string>

#include "connectrpc/result.h"
#include "connectrpc/server_context.h"
#include "connectrpc/status.h"
#include "store.h"

namespace sandbox {

// The caller's job `id`: not_found if missing, wrong_environment if of the other environment,
// internal without an authenticated caller or when the store fails.
connectrpc::Result<JobRecord> LoadOwnJob(Store& store, const connectrpc::ServerContext& context,
                                         const std::string& id);

// The internal error of a call that reached a handler without an authenticated caller.
connectrpc::Status NoCaller();

}  // namespace sandbox

#endif  // CONNECTRPC_SANDBOX_JOB_LOOKUP_H_
