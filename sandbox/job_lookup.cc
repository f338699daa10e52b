#include "job_lookup.h"

#include <optional>
#include <utility>

#include "auth.h"
#include "errors.h"

namespace sandbox {

connectrpc::Status NoCaller() { return Internal("no authenticated caller"); }

connectrpc::Result<JobRecord> LoadOwnJob(Store& store, const connectrpc::ServerContext& context,
                                         const std::string& id) {
  const Caller* caller = CallerOf(context);
  if (caller == nullptr) return NoCaller();
  connectrpc::Result<std::optional<JobRecord>> found = store.GetJob(id);
  if (!found.ok()) return Internal("could not read the job");
  if (!found->has_value()) return NotFound("job_not_found", "job not found: " + id);
  if ((*found)->environment != caller->environment) {
    return WrongEnvironment((*found)->environment, caller->environment);
  }
  return std::move(**found);
}

}  // namespace sandbox
