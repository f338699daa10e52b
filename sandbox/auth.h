// Authentication: API keys in "Authorization: Bearer <key>", checked by a server interceptor on
// every RPC except HealthService, and the environment rule for resources.
//
// Environment rule: every resource (job, API key) belongs to the environment of the key that
// created it. A key of the other environment cannot see or act on it (unauthenticated,
// ErrorDetails code "wrong_environment"), nor create API keys for the other environment.
#ifndef CONNECTRPC_SANDBOX_AUTH_H_
#define CONNECTRPC_SANDBOX_AUTH_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "connectrpc/headers.h"
#include "connectrpc/result.h"
#include "connectrpc/server.h"
#include "connectrpc/status.h"
#include "store.h"

namespace sandbox {

// Who is calling: the authenticated API key.
struct Caller {
  std::string key_id;
  Environment environment = Environment::kTest;
  std::string app_id;
  // When the calling key expires (ms since the epoch); a key it creates may not outlive it.
  std::optional<int64_t> expires_at_ms;
};

// Checks the Authorization header against the store. Failures are kUnauthenticated with
// ErrorDetails codes missing_api_key, invalid_api_key_format, invalid_api_key, revoked_api_key
// or expired_api_key. On success updates the key's last_used_at.
connectrpc::Result<Caller> Authenticate(Store& store, const connectrpc::Headers& request_headers,
                                        int64_t now_ms);

// The unauthenticated "wrong_environment" error for a resource of `resource` environment used
// with a key of `caller` environment.
connectrpc::Status WrongEnvironment(Environment resource, Environment caller);

// The authenticated caller of the call, set by AuthInterceptor; nullptr outside an authenticated
// call.
const Caller* CallerOf(const connectrpc::ServerContext& context);

// Authenticates every call except transcodely.v1.HealthService ones and runs the handler with
// the caller set (CallerOf(context)).
class AuthInterceptor : public connectrpc::ServerInterceptor {
 public:
  explicit AuthInterceptor(std::shared_ptr<Store> store) : store_(std::move(store)) {}
  connectrpc::Task<connectrpc::Status> Intercept(connectrpc::ServerContext& context,
                                                 connectrpc::ServerNext next) override;

 private:
  std::shared_ptr<Store> store_;
};

}  // namespace sandbox

#endif  // CONNECTRPC_SANDBOX_AUTH_H_
