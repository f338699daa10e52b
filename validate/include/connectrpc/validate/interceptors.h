// Request validation for connectrpc servers and clients, from the buf.validate annotations of
// the request messages (validator.h lists the rules supported and what happens to the others).
//
// Server: every unary and server-streaming request is validated after it is decoded and before
// the handler runs; a request that breaks a rule ends the call with kInvalidArgument, a readable
// message and a buf.validate.Violations detail (violations.h), and the handler never sees it.
// Client-streaming and bidi messages are read by the handler and are not validated here (call
// Validate() or ValidateToStatus() on them in the handler).
//
//   auto validation = connectrpc::validate::NewServerInterceptor();
//   if (!validation.ok()) { ... }  // only with reject_unsupported_rules
//   connectrpc::ServerOptions options;
//   options.interceptors.push_back(*validation);
//
// Client: unary requests are validated before they are sent; an invalid one fails locally with
// the same Status the server would return, and nothing goes on the network. Streaming calls are
// not validated by the interceptor (their messages do not pass through interceptors).
//
//   connectrpc::ClientOptions options;
//   options.interceptors.push_back(connectrpc::validate::NewClientInterceptor());
#ifndef CONNECTRPC_VALIDATE_INTERCEPTORS_H_
#define CONNECTRPC_VALIDATE_INTERCEPTORS_H_

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <functional>
#include <memory>
#include <vector>

#include "connectrpc/client.h"
#include "connectrpc/result.h"
#include "connectrpc/server.h"
#include "connectrpc/status.h"
#include "connectrpc/validate/validator.h"

namespace connectrpc::validate {

// Turns the violations of `request` (never empty) into the call's status. The default is
// ViolationsStatus() (violations.h).
using ViolationsToStatus = std::function<Status(const google::protobuf::Message& request,
                                                const std::vector<FieldViolation>& violations)>;

struct ServerValidationOptions {
  ValidateOptions validate;
  // Empty: ViolationsStatus(). Set it to shape the error differently (an API with its own
  // error detail type); it must return a non-OK status.
  ViolationsToStatus to_status;
  // With this set, NewServerInterceptor() fails with kFailedPrecondition, listing them, if any
  // message type in `request_types` (and the types reachable from it) has a rule that the
  // evaluator would skip (validator.h, UnsupportedRules()). Without it such rules are skipped.
  bool reject_unsupported_rules = false;
  std::vector<const google::protobuf::Descriptor*> request_types;
};

// The server-side validator: a ServerInterceptor that arms a RequestCheck for each call
// (connectrpc/request_check.h). Thread-safe.
class ServerValidationInterceptor final : public ServerInterceptor, public RequestChecker {
 public:
  explicit ServerValidationInterceptor(ServerValidationOptions options);

  Task<Status> Intercept(ServerContext& context, ServerNext next) override;
  Status CheckRequest(const ServerContext& context,
                      const google::protobuf::Message& request) const override;

 private:
  ServerValidationOptions options_;
};

Result<std::shared_ptr<ServerValidationInterceptor>> NewServerInterceptor(
    ServerValidationOptions options = {});

struct ClientValidationOptions {
  ValidateOptions validate;
  // Empty: ViolationsStatus(), the server's default error.
  ViolationsToStatus to_status;
};

// The client-side validator: fails an invalid unary request with the validation status before
// it is sent.
class ClientValidationInterceptor final : public ClientInterceptor {
 public:
  explicit ClientValidationInterceptor(ClientValidationOptions options);

  boost::asio::awaitable<Status> InterceptUnary(ClientCallInfo& info,
                                                const google::protobuf::Message& request,
                                                google::protobuf::Message* response,
                                                const UnaryNext& next) override;

 private:
  ClientValidationOptions options_;
};

std::shared_ptr<ClientValidationInterceptor> NewClientInterceptor(
    ClientValidationOptions options = {});

}  // namespace connectrpc::validate

#endif  // CONNECTRPC_VALIDATE_INTERCEPTORS_H_
