// RequestCheck: a per-call check of the decoded request message, for interceptors that need to
// see the request (validation) but run before it is read.
//
// An interceptor stores one in the call's context; the route adapters run it on the request of a
// unary or server-streaming call right after decoding it and before the handler. A non-OK status
// ends the call with that status and the handler never runs. Messages of client-streaming and
// bidi calls are read by the handler itself and are not checked.
//
//   Task<Status> Intercept(ServerContext& context, ServerNext next) override {
//     context.SetValue(RequestCheck{this});
//     co_return co_await next();
//   }
#ifndef CONNECTRPC_REQUEST_CHECK_H_
#define CONNECTRPC_REQUEST_CHECK_H_

#include <google/protobuf/message.h>

#include "connectrpc/server_context.h"
#include "connectrpc/status.h"

namespace connectrpc {

// Checks request messages; must be thread-safe, must not block, and must outlive the calls it
// is stored in (an interceptor owned by the server's options does).
class RequestChecker {
 public:
  virtual ~RequestChecker() = default;
  virtual Status CheckRequest(const ServerContext& context,
                              const google::protobuf::Message& request) const = 0;
};

// The ServerContext value naming the checker of the call's request.
struct RequestCheck {
  const RequestChecker* checker = nullptr;
};

namespace internal {

// OK unless the call has a RequestCheck and it rejects `request`.
inline Status CheckRequest(ServerContext& context, const google::protobuf::Message& request) {
  const RequestCheck* check = context.GetValue<RequestCheck>();
  if (check == nullptr || check->checker == nullptr) return Status();
  return check->checker->CheckRequest(context, request);
}

}  // namespace internal
}  // namespace connectrpc

#endif  // CONNECTRPC_REQUEST_CHECK_H_
