// Resource namespaces of transcodely::Client: the generated transcodely.v1 clients plus
// auto-pagination (ListAll*) and watch helpers.
//
//   for (const auto& key : client.api_keys().ListAll({})) ...
//   transcodely::JobWatch watch = client.jobs().WatchJob("job_123");
//
// Every method also has an asynchronous form: the generated `<Method>Async` (any Asio completion
// token), `ListAll*Async` (AsyncPager) and `WatchJobAsync` / `WatchVideoAsync` (AsyncWatchStream).
#ifndef TRANSCODELY_RESOURCES_H_
#define TRANSCODELY_RESOURCES_H_

#include <boost/asio/any_io_executor.hpp>
#include <memory>
#include <string>
#include <utility>

#include "connectrpc/call_options.h"
#include "connectrpc/client.h"
#include "transcodely/pagination.h"
#include "transcodely/retry.h"
#include "transcodely/v1/api_key.connect.h"
#include "transcodely/v1/app.connect.h"
#include "transcodely/v1/billing.connect.h"
#include "transcodely/v1/health.connect.h"
#include "transcodely/v1/job.connect.h"
#include "transcodely/v1/membership.connect.h"
#include "transcodely/v1/organization.connect.h"
#include "transcodely/v1/origin.connect.h"
#include "transcodely/v1/preset.connect.h"
#include "transcodely/v1/user.connect.h"
#include "transcodely/v1/video.connect.h"
#include "transcodely/v1/webhook.connect.h"
#include "transcodely/watch.h"

namespace transcodely {

// What stream helpers need beyond the unary client.
struct StreamContext {
  // The client for streams (no wall-clock default timeout); null: the unary client.
  std::shared_ptr<connectrpc::Client> stream_client;
  // Sleeps between reconnections; null: DefaultSleep().
  SleepFunction sleep;
  // The test hook of ClientOptions::sleep (may be null): asynchronous watches call it instead of
  // waiting on a timer.
  SleepFunction sleep_hook;
};

// A generated client that also keeps its connectrpc::Client, for the helpers' event loop.
template <typename Generated>
class Resource : public Generated {
 public:
  explicit Resource(std::shared_ptr<connectrpc::Client> client)
      : Generated(client), connect_(std::move(client)) {}

 protected:
  const boost::asio::any_io_executor& executor() const { return connect_->executor(); }

  std::shared_ptr<connectrpc::Client> connect_;
};

class ApiKeys : public Resource<v1::APIKeyServiceClient> {
 public:
  using Resource::Resource;
  Pager<v1::APIKey> ListAll(v1::ListAPIKeysRequest request,
                            const connectrpc::CallOptions& options = {});
  AsyncPager<v1::APIKey> ListAllAsync(v1::ListAPIKeysRequest request,
                                      const connectrpc::CallOptions& options = {});
};

class Apps : public Resource<v1::AppServiceClient> {
 public:
  using Resource::Resource;
  Pager<v1::App> ListAll(v1::ListAppsRequest request, const connectrpc::CallOptions& options = {});
  AsyncPager<v1::App> ListAllAsync(v1::ListAppsRequest request,
                                   const connectrpc::CallOptions& options = {});
};

class Billing : public Resource<v1::BillingServiceClient> {
 public:
  using Resource::Resource;
  Pager<v1::Invoice> ListAllInvoices(v1::ListInvoicesRequest request,
                                     const connectrpc::CallOptions& options = {});
  AsyncPager<v1::Invoice> ListAllInvoicesAsync(v1::ListInvoicesRequest request,
                                               const connectrpc::CallOptions& options = {});
};

using Health = v1::HealthServiceClient;

class Jobs : public Resource<v1::JobServiceClient> {
 public:
  explicit Jobs(std::shared_ptr<connectrpc::Client> client, StreamContext streams = {});
  Pager<v1::Job> ListAll(v1::ListJobsRequest request, const connectrpc::CallOptions& options = {});
  AsyncPager<v1::Job> ListAllAsync(v1::ListJobsRequest request,
                                   const connectrpc::CallOptions& options = {});
  // Watches a job until its stream ends (terminal state), reconnecting on transport failures.
  JobWatch WatchJob(std::string id, WatchOptions options = {});
  AsyncJobWatch WatchJobAsync(std::string id, WatchOptions options = {});

 private:
  StreamContext streams_;
};

class Memberships : public Resource<v1::MembershipServiceClient> {
 public:
  using Resource::Resource;
  Pager<v1::MembershipWithUser> ListAll(v1::ListMembershipsRequest request,
                                        const connectrpc::CallOptions& options = {});
  AsyncPager<v1::MembershipWithUser> ListAllAsync(v1::ListMembershipsRequest request,
                                                  const connectrpc::CallOptions& options = {});
};

class Organizations : public Resource<v1::OrganizationServiceClient> {
 public:
  using Resource::Resource;
  Pager<v1::Organization> ListAll(v1::ListOrganizationsRequest request,
                                  const connectrpc::CallOptions& options = {});
  AsyncPager<v1::Organization> ListAllAsync(v1::ListOrganizationsRequest request,
                                            const connectrpc::CallOptions& options = {});
};

class Origins : public Resource<v1::OriginServiceClient> {
 public:
  using Resource::Resource;
  Pager<v1::Origin> ListAll(v1::ListOriginsRequest request,
                            const connectrpc::CallOptions& options = {});
  AsyncPager<v1::Origin> ListAllAsync(v1::ListOriginsRequest request,
                                      const connectrpc::CallOptions& options = {});
};

class Presets : public Resource<v1::PresetServiceClient> {
 public:
  using Resource::Resource;
  Pager<v1::Preset> ListAll(v1::ListPresetsRequest request,
                            const connectrpc::CallOptions& options = {});
  AsyncPager<v1::Preset> ListAllAsync(v1::ListPresetsRequest request,
                                      const connectrpc::CallOptions& options = {});
};

class Users : public Resource<v1::UserServiceClient> {
 public:
  using Resource::Resource;
  Pager<v1::User> ListAll(v1::ListUsersRequest request,
                          const connectrpc::CallOptions& options = {});
  AsyncPager<v1::User> ListAllAsync(v1::ListUsersRequest request,
                                    const connectrpc::CallOptions& options = {});
};

class Videos : public Resource<v1::VideoServiceClient> {
 public:
  explicit Videos(std::shared_ptr<connectrpc::Client> client, StreamContext streams = {});
  // Token-paginated (page_size / page_token); page_size 0 means the server default.
  Pager<v1::Video> ListAll(v1::ListVideosRequest request,
                           const connectrpc::CallOptions& options = {});
  AsyncPager<v1::Video> ListAllAsync(v1::ListVideosRequest request,
                                     const connectrpc::CallOptions& options = {});
  VideoWatch WatchVideo(std::string id, WatchOptions options = {});
  AsyncVideoWatch WatchVideoAsync(std::string id, WatchOptions options = {});

 private:
  StreamContext streams_;
};

class Webhooks : public Resource<v1::WebhookServiceClient> {
 public:
  using Resource::Resource;
  Pager<v1::WebhookEndpoint> ListAllWebhookEndpoints(v1::ListWebhookEndpointsRequest request,
                                                     const connectrpc::CallOptions& options = {});
  AsyncPager<v1::WebhookEndpoint> ListAllWebhookEndpointsAsync(
      v1::ListWebhookEndpointsRequest request, const connectrpc::CallOptions& options = {});
  Pager<v1::Event> ListAllEvents(v1::ListEventsRequest request,
                                 const connectrpc::CallOptions& options = {});
  AsyncPager<v1::Event> ListAllEventsAsync(v1::ListEventsRequest request,
                                           const connectrpc::CallOptions& options = {});
  Pager<v1::WebhookDelivery> ListAllWebhookDeliveries(v1::ListWebhookDeliveriesRequest request,
                                                      const connectrpc::CallOptions& options = {});
  AsyncPager<v1::WebhookDelivery> ListAllWebhookDeliveriesAsync(
      v1::ListWebhookDeliveriesRequest request, const connectrpc::CallOptions& options = {});
};

}  // namespace transcodely

#endif  // TRANSCODELY_RESOURCES_H_
