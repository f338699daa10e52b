#include "health_service.h"

namespace sandbox {

connectrpc::Status HealthService::Check(connectrpc::ServerContext&,
                                        const transcodely::v1::HealthCheckRequest&,
                                        transcodely::v1::HealthCheckResponse* response) {
  response->set_status(transcodely::v1::HEALTH_STATUS_HEALTHY);
  response->set_version(kSandboxVersion);
  transcodely::v1::ComponentHealth* storage = response->add_components();
  storage->set_name("storage");
  storage->set_status(transcodely::v1::HEALTH_STATUS_HEALTHY);
  return connectrpc::Status();
}

}  // namespace sandbox
