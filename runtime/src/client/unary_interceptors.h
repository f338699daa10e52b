// The interceptor chain of unary calls: ClientInterceptor coroutines around UnaryCall attempts,
// run on the event loop.
#ifndef CONNECTRPC_SRC_CLIENT_UNARY_INTERCEPTORS_H_
#define CONNECTRPC_SRC_CLIENT_UNARY_INTERCEPTORS_H_

#include <google/protobuf/message.h>

#include <memory>

#include "client/client_core.h"
#include "connectrpc/call_options.h"
#include "connectrpc/internal/async_result.h"
#include "connectrpc/method.h"

namespace connectrpc::internal {

// Runs `request` through the client's interceptors and then the transport; `done` runs on the
// event loop. `response` must outlive the call.
void StartInterceptedUnary(std::shared_ptr<ClientCore> core, const MethodInfo& method,
                           Headers headers, CallOptions options,
                           std::unique_ptr<google::protobuf::Message> request,
                           google::protobuf::Message* response, Completion<Status> done);

}  // namespace connectrpc::internal

#endif  // CONNECTRPC_SRC_CLIENT_UNARY_INTERCEPTORS_H_
