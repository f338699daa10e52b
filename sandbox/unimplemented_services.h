// The Transcodely services the sandbox does not implement (App, Billing, Membership,
// Organization, Origin, Preset, User, Video, Webhook): every method answers unimplemented with
// "transcodely-sandbox does not implement transcodely.v1.<Service>/<Method>".
#ifndef CONNECTRPC_SANDBOX_UNIMPLEMENTED_SERVICES_H_
#define CONNECTRPC_SANDBOX_UNIMPLEMENTED_SERVICES_H_

#include <functional>

#include "connectrpc/server.h"

namespace sandbox {

// Registers the generated base handlers of every unimplemented service.
void RegisterUnimplementedServices(connectrpc::Server& server);

// Rewrites the generic "is not implemented" answers of those services into the sandbox's text.
class UnimplementedMessageInterceptor : public connectrpc::ServerInterceptor {
 public:
  connectrpc::Task<connectrpc::Status> Intercept(connectrpc::ServerContext& context,
                                                 connectrpc::ServerNext next) override;
};

}  // namespace sandbox

#endif  // CONNECTRPC_SANDBOX_UNIMPLEMENTED_SERVICES_H_
