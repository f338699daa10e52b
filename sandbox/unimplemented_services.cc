#include "unimplemented_services.h"

#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "errors.h"
#include "transcodely/v1/app.connect.h"
#include "transcodely/v1/billing.connect.h"
#include "transcodely/v1/membership.connect.h"
#include "transcodely/v1/organization.connect.h"
#include "transcodely/v1/origin.connect.h"
#include "transcodely/v1/preset.connect.h"
#include "transcodely/v1/user.connect.h"
#include "transcodely/v1/video.connect.h"
#include "transcodely/v1/webhook.connect.h"

namespace sandbox {
namespace {

constexpr std::string_view kUnimplementedServices[] = {
    transcodely::v1::kAppServiceName,        transcodely::v1::kBillingServiceName,
    transcodely::v1::kMembershipServiceName, transcodely::v1::kOrganizationServiceName,
    transcodely::v1::kOriginServiceName,     transcodely::v1::kPresetServiceName,
    transcodely::v1::kUserServiceName,       transcodely::v1::kVideoServiceName,
    transcodely::v1::kWebhookServiceName,
};

bool IsUnimplementedService(std::string_view procedure) {
  // procedure: "/transcodely.v1.AppService/Create".
  if (procedure.empty() || procedure.front() != '/') return false;
  procedure.remove_prefix(1);
  std::string_view service = procedure.substr(0, procedure.find('/'));
  for (std::string_view name : kUnimplementedServices) {
    if (service == name) return true;
  }
  return false;
}

}  // namespace

void RegisterUnimplementedServices(connectrpc::Server& server) {
  namespace v1 = transcodely::v1;
  v1::RegisterAppServiceHandler(server, std::make_shared<v1::AppServiceHandler>());
  v1::RegisterBillingServiceHandler(server, std::make_shared<v1::BillingServiceHandler>());
  v1::RegisterMembershipServiceHandler(server, std::make_shared<v1::MembershipServiceHandler>());
  v1::RegisterOrganizationServiceHandler(server,
                                         std::make_shared<v1::OrganizationServiceHandler>());
  v1::RegisterOriginServiceHandler(server, std::make_shared<v1::OriginServiceHandler>());
  v1::RegisterPresetServiceHandler(server, std::make_shared<v1::PresetServiceHandler>());
  v1::RegisterUserServiceHandler(server, std::make_shared<v1::UserServiceHandler>());
  v1::RegisterVideoServiceHandler(server, std::make_shared<v1::VideoServiceHandler>());
  v1::RegisterWebhookServiceHandler(server, std::make_shared<v1::WebhookServiceHandler>());
}

connectrpc::Task<connectrpc::Status> UnimplementedMessageInterceptor::Intercept(
    connectrpc::ServerContext& context, connectrpc::ServerNext next) {
  connectrpc::Status status = co_await next();
  std::string_view procedure = context.method().procedure;
  if (status.code() != connectrpc::Code::kUnimplemented || !IsUnimplementedService(procedure)) {
    co_return status;
  }
  procedure.remove_prefix(1);
  co_return MakeError(connectrpc::Code::kUnimplemented, "not_implemented",
                      "transcodely-sandbox does not implement " + std::string(procedure));
}

}  // namespace sandbox
