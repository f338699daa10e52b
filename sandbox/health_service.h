// HealthService: Check answers healthy without authentication.
#ifndef CONNECTRPC_SANDBOX_HEALTH_SERVICE_H_
#define CONNECTRPC_SANDBOX_HEALTH_SERVICE_H_

#include "transcodely/v1/health.connect.h"

namespace sandbox {

inline constexpr char kSandboxVersion[] = "transcodely-sandbox/0.1.0";

class HealthService : public transcodely::v1::HealthServiceHandler {
 public:
  connectrpc::Status Check(connectrpc::ServerContext& context,
                           const transcodely::v1::HealthCheckRequest& request,
                           transcodely::v1::HealthCheckResponse* response) override;
};

}  // namespace sandbox

#endif  // CONNECTRPC_SANDBOX_HEALTH_SERVICE_H_
