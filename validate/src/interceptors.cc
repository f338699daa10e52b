#include "connectrpc/validate/interceptors.h"

#include <string>
#include <utility>

#include "connectrpc/code.h"
#include "connectrpc/request_check.h"
#include "connectrpc/validate/violations.h"

namespace connectrpc::validate {
namespace {

Status ToStatus(const ViolationsToStatus& to_status, const google::protobuf::Message& request,
                const std::vector<FieldViolation>& violations) {
  if (!to_status) return ViolationsStatus(*request.GetDescriptor(), violations);
  Status status = to_status(request, violations);
  if (status.ok()) {
    // A mapper must not turn a rejected request into an accepted one.
    return Status(Code::kInternal, "request validation: to_status returned OK for " +
                                       ViolationsMessage(violations));
  }
  return status;
}

}  // namespace

ServerValidationInterceptor::ServerValidationInterceptor(ServerValidationOptions options)
    : options_(std::move(options)) {}

Task<Status> ServerValidationInterceptor::Intercept(ServerContext& context, ServerNext next) {
  context.SetValue(RequestCheck{this});
  Status status = co_await next();
  co_return status;
}

Status ServerValidationInterceptor::CheckRequest(const ServerContext& /*context*/,
                                                 const google::protobuf::Message& request) const {
  std::vector<FieldViolation> violations = Validate(request, options_.validate);
  if (violations.empty()) return Status();
  return ToStatus(options_.to_status, request, violations);
}

Result<std::shared_ptr<ServerValidationInterceptor>> NewServerInterceptor(
    ServerValidationOptions options) {
  if (options.reject_unsupported_rules) {
    std::string unsupported;
    size_t count = 0;
    for (const google::protobuf::Descriptor* type : options.request_types) {
      if (type == nullptr) continue;
      for (const std::string& rule : UnsupportedRules(*type)) {
        if (count++ > 0) unsupported += "; ";
        unsupported += rule;
      }
    }
    if (count > 0) {
      return Status(Code::kFailedPrecondition,
                    "request validation: " + std::to_string(count) +
                        " buf.validate rule(s) are not supported and would be skipped: " +
                        unsupported);
    }
  }
  return std::make_shared<ServerValidationInterceptor>(std::move(options));
}

ClientValidationInterceptor::ClientValidationInterceptor(ClientValidationOptions options)
    : options_(std::move(options)) {}

boost::asio::awaitable<Status> ClientValidationInterceptor::InterceptUnary(
    ClientCallInfo& info, const google::protobuf::Message& request,
    google::protobuf::Message* response, const UnaryNext& next) {
  std::vector<FieldViolation> violations = Validate(request, options_.validate);
  if (!violations.empty()) co_return ToStatus(options_.to_status, request, violations);
  Status status = co_await next(info, request, response);
  co_return status;
}

std::shared_ptr<ClientValidationInterceptor> NewClientInterceptor(
    ClientValidationOptions options) {
  return std::make_shared<ClientValidationInterceptor>(std::move(options));
}

}  // namespace connectrpc::validate
