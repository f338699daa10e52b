// Pagination and watch helpers of the resource namespaces.
#include "transcodely/resources.h"

#include <utility>

namespace transcodely {
namespace {

// The stream client, or the unary one when no stream client was given.
std::shared_ptr<connectrpc::Client> StreamClientOr(const StreamContext& streams,
                                                   std::shared_ptr<connectrpc::Client> unary) {
  if (streams.stream_client) return streams.stream_client;
  return unary;
}

}  // namespace

Pager<v1::APIKey> ApiKeys::ListAll(v1::ListAPIKeysRequest request,
                                   const connectrpc::CallOptions& options) {
  v1::APIKeyServiceClient client = *this;
  return MakeCursorPager<v1::APIKey>(
      std::move(request),
      [client, options](const v1::ListAPIKeysRequest& r) mutable {
        return client.List(r, options);
      },
      [](v1::ListAPIKeysResponse& r) { return r.mutable_api_keys(); });
}

AsyncPager<v1::APIKey> ApiKeys::ListAllAsync(v1::ListAPIKeysRequest request,
                                             const connectrpc::CallOptions& options) {
  v1::APIKeyServiceClient client = *this;
  return MakeAsyncCursorPager<v1::APIKey, v1::ListAPIKeysResponse>(
      executor(), std::move(request),
      [client, options](const v1::ListAPIKeysRequest& r, auto done) mutable {
        client.ListAsync(r, options, std::move(done));
      },
      [](v1::ListAPIKeysResponse& r) { return r.mutable_api_keys(); });
}

Pager<v1::App> Apps::ListAll(v1::ListAppsRequest request, const connectrpc::CallOptions& options) {
  v1::AppServiceClient client = *this;
  return MakeCursorPager<v1::App>(
      std::move(request),
      [client, options](const v1::ListAppsRequest& r) mutable { return client.List(r, options); },
      [](v1::ListAppsResponse& r) { return r.mutable_apps(); });
}

AsyncPager<v1::App> Apps::ListAllAsync(v1::ListAppsRequest request,
                                       const connectrpc::CallOptions& options) {
  v1::AppServiceClient client = *this;
  return MakeAsyncCursorPager<v1::App, v1::ListAppsResponse>(
      executor(), std::move(request),
      [client, options](const v1::ListAppsRequest& r, auto done) mutable {
        client.ListAsync(r, options, std::move(done));
      },
      [](v1::ListAppsResponse& r) { return r.mutable_apps(); });
}

Pager<v1::Invoice> Billing::ListAllInvoices(v1::ListInvoicesRequest request,
                                            const connectrpc::CallOptions& options) {
  v1::BillingServiceClient client = *this;
  return MakeCursorPager<v1::Invoice>(
      std::move(request),
      [client, options](const v1::ListInvoicesRequest& r) mutable {
        return client.ListInvoices(r, options);
      },
      [](v1::ListInvoicesResponse& r) { return r.mutable_invoices(); });
}

AsyncPager<v1::Invoice> Billing::ListAllInvoicesAsync(v1::ListInvoicesRequest request,
                                                      const connectrpc::CallOptions& options) {
  v1::BillingServiceClient client = *this;
  return MakeAsyncCursorPager<v1::Invoice, v1::ListInvoicesResponse>(
      executor(), std::move(request),
      [client, options](const v1::ListInvoicesRequest& r, auto done) mutable {
        client.ListInvoicesAsync(r, options, std::move(done));
      },
      [](v1::ListInvoicesResponse& r) { return r.mutable_invoices(); });
}

Jobs::Jobs(std::shared_ptr<connectrpc::Client> client, StreamContext streams)
    : Resource(client), streams_(std::move(streams)) {
  streams_.stream_client = StreamClientOr(streams_, std::move(client));
}

Pager<v1::Job> Jobs::ListAll(v1::ListJobsRequest request, const connectrpc::CallOptions& options) {
  v1::JobServiceClient client = *this;
  return MakeCursorPager<v1::Job>(
      std::move(request),
      [client, options](const v1::ListJobsRequest& r) mutable { return client.List(r, options); },
      [](v1::ListJobsResponse& r) { return r.mutable_jobs(); });
}

AsyncPager<v1::Job> Jobs::ListAllAsync(v1::ListJobsRequest request,
                                       const connectrpc::CallOptions& options) {
  v1::JobServiceClient client = *this;
  return MakeAsyncCursorPager<v1::Job, v1::ListJobsResponse>(
      executor(), std::move(request),
      [client, options](const v1::ListJobsRequest& r, auto done) mutable {
        client.ListAsync(r, options, std::move(done));
      },
      [](v1::ListJobsResponse& r) { return r.mutable_jobs(); });
}

JobWatch Jobs::WatchJob(std::string id, WatchOptions options) {
  v1::JobServiceClient client(streams_.stream_client);
  v1::WatchJobRequest request;
  request.set_id(std::move(id));
  return JobWatch(
      [client, request](const connectrpc::CallOptions& call_options) mutable {
        return client.Watch(request, call_options);
      },
      std::move(options), streams_.sleep);
}

AsyncJobWatch Jobs::WatchJobAsync(std::string id, WatchOptions options) {
  v1::JobServiceClient client(streams_.stream_client);
  v1::WatchJobRequest request;
  request.set_id(std::move(id));
  return AsyncJobWatch(
      streams_.stream_client->executor(),
      [client, request](const connectrpc::CallOptions& call_options) mutable {
        return client.WatchAsync(request, call_options);
      },
      std::move(options), streams_.sleep_hook);
}

Pager<v1::MembershipWithUser> Memberships::ListAll(v1::ListMembershipsRequest request,
                                                   const connectrpc::CallOptions& options) {
  v1::MembershipServiceClient client = *this;
  return MakeCursorPager<v1::MembershipWithUser>(
      std::move(request),
      [client, options](const v1::ListMembershipsRequest& r) mutable {
        return client.List(r, options);
      },
      [](v1::ListMembershipsResponse& r) { return r.mutable_memberships(); });
}

AsyncPager<v1::MembershipWithUser> Memberships::ListAllAsync(
    v1::ListMembershipsRequest request, const connectrpc::CallOptions& options) {
  v1::MembershipServiceClient client = *this;
  return MakeAsyncCursorPager<v1::MembershipWithUser, v1::ListMembershipsResponse>(
      executor(), std::move(request),
      [client, options](const v1::ListMembershipsRequest& r, auto done) mutable {
        client.ListAsync(r, options, std::move(done));
      },
      [](v1::ListMembershipsResponse& r) { return r.mutable_memberships(); });
}

Pager<v1::Organization> Organizations::ListAll(v1::ListOrganizationsRequest request,
                                               const connectrpc::CallOptions& options) {
  v1::OrganizationServiceClient client = *this;
  return MakeCursorPager<v1::Organization>(
      std::move(request),
      [client, options](const v1::ListOrganizationsRequest& r) mutable {
        return client.List(r, options);
      },
      [](v1::ListOrganizationsResponse& r) { return r.mutable_organizations(); });
}

AsyncPager<v1::Organization> Organizations::ListAllAsync(v1::ListOrganizationsRequest request,
                                                         const connectrpc::CallOptions& options) {
  v1::OrganizationServiceClient client = *this;
  return MakeAsyncCursorPager<v1::Organization, v1::ListOrganizationsResponse>(
      executor(), std::move(request),
      [client, options](const v1::ListOrganizationsRequest& r, auto done) mutable {
        client.ListAsync(r, options, std::move(done));
      },
      [](v1::ListOrganizationsResponse& r) { return r.mutable_organizations(); });
}

Pager<v1::Origin> Origins::ListAll(v1::ListOriginsRequest request,
                                   const connectrpc::CallOptions& options) {
  v1::OriginServiceClient client = *this;
  return MakeCursorPager<v1::Origin>(
      std::move(request),
      [client, options](const v1::ListOriginsRequest& r) mutable {
        return client.List(r, options);
      },
      [](v1::ListOriginsResponse& r) { return r.mutable_origins(); });
}

AsyncPager<v1::Origin> Origins::ListAllAsync(v1::ListOriginsRequest request,
                                             const connectrpc::CallOptions& options) {
  v1::OriginServiceClient client = *this;
  return MakeAsyncCursorPager<v1::Origin, v1::ListOriginsResponse>(
      executor(), std::move(request),
      [client, options](const v1::ListOriginsRequest& r, auto done) mutable {
        client.ListAsync(r, options, std::move(done));
      },
      [](v1::ListOriginsResponse& r) { return r.mutable_origins(); });
}

Pager<v1::Preset> Presets::ListAll(v1::ListPresetsRequest request,
                                   const connectrpc::CallOptions& options) {
  v1::PresetServiceClient client = *this;
  return MakeCursorPager<v1::Preset>(
      std::move(request),
      [client, options](const v1::ListPresetsRequest& r) mutable {
        return client.List(r, options);
      },
      [](v1::ListPresetsResponse& r) { return r.mutable_presets(); });
}

AsyncPager<v1::Preset> Presets::ListAllAsync(v1::ListPresetsRequest request,
                                             const connectrpc::CallOptions& options) {
  v1::PresetServiceClient client = *this;
  return MakeAsyncCursorPager<v1::Preset, v1::ListPresetsResponse>(
      executor(), std::move(request),
      [client, options](const v1::ListPresetsRequest& r, auto done) mutable {
        client.ListAsync(r, options, std::move(done));
      },
      [](v1::ListPresetsResponse& r) { return r.mutable_presets(); });
}

Pager<v1::User> Users::ListAll(v1::ListUsersRequest request,
                               const connectrpc::CallOptions& options) {
  v1::UserServiceClient client = *this;
  return MakeCursorPager<v1::User>(
      std::move(request),
      [client, options](const v1::ListUsersRequest& r) mutable { return client.List(r, options); },
      [](v1::ListUsersResponse& r) { return r.mutable_users(); });
}

AsyncPager<v1::User> Users::ListAllAsync(v1::ListUsersRequest request,
                                         const connectrpc::CallOptions& options) {
  v1::UserServiceClient client = *this;
  return MakeAsyncCursorPager<v1::User, v1::ListUsersResponse>(
      executor(), std::move(request),
      [client, options](const v1::ListUsersRequest& r, auto done) mutable {
        client.ListAsync(r, options, std::move(done));
      },
      [](v1::ListUsersResponse& r) { return r.mutable_users(); });
}

Videos::Videos(std::shared_ptr<connectrpc::Client> client, StreamContext streams)
    : Resource(client), streams_(std::move(streams)) {
  streams_.stream_client = StreamClientOr(streams_, std::move(client));
}

Pager<v1::Video> Videos::ListAll(v1::ListVideosRequest request,
                                 const connectrpc::CallOptions& options) {
  v1::VideoServiceClient client = *this;
  return MakeTokenPager<v1::Video>(
      std::move(request),
      [client, options](const v1::ListVideosRequest& r) mutable { return client.List(r, options); },
      [](v1::ListVideosResponse& r) { return r.mutable_videos(); });
}

AsyncPager<v1::Video> Videos::ListAllAsync(v1::ListVideosRequest request,
                                           const connectrpc::CallOptions& options) {
  v1::VideoServiceClient client = *this;
  return MakeAsyncTokenPager<v1::Video, v1::ListVideosResponse>(
      executor(), std::move(request),
      [client, options](const v1::ListVideosRequest& r, auto done) mutable {
        client.ListAsync(r, options, std::move(done));
      },
      [](v1::ListVideosResponse& r) { return r.mutable_videos(); });
}

VideoWatch Videos::WatchVideo(std::string id, WatchOptions options) {
  v1::VideoServiceClient client(streams_.stream_client);
  v1::WatchVideoRequest request;
  request.set_id(std::move(id));
  return VideoWatch(
      [client, request](const connectrpc::CallOptions& call_options) mutable {
        return client.Watch(request, call_options);
      },
      std::move(options), streams_.sleep);
}

AsyncVideoWatch Videos::WatchVideoAsync(std::string id, WatchOptions options) {
  v1::VideoServiceClient client(streams_.stream_client);
  v1::WatchVideoRequest request;
  request.set_id(std::move(id));
  return AsyncVideoWatch(
      streams_.stream_client->executor(),
      [client, request](const connectrpc::CallOptions& call_options) mutable {
        return client.WatchAsync(request, call_options);
      },
      std::move(options), streams_.sleep_hook);
}

Pager<v1::WebhookEndpoint> Webhooks::ListAllWebhookEndpoints(
    v1::ListWebhookEndpointsRequest request, const connectrpc::CallOptions& options) {
  v1::WebhookServiceClient client = *this;
  return MakeCursorPager<v1::WebhookEndpoint>(
      std::move(request),
      [client, options](const v1::ListWebhookEndpointsRequest& r) mutable {
        return client.ListWebhookEndpoints(r, options);
      },
      [](v1::ListWebhookEndpointsResponse& r) { return r.mutable_endpoints(); });
}

AsyncPager<v1::WebhookEndpoint> Webhooks::ListAllWebhookEndpointsAsync(
    v1::ListWebhookEndpointsRequest request, const connectrpc::CallOptions& options) {
  v1::WebhookServiceClient client = *this;
  return MakeAsyncCursorPager<v1::WebhookEndpoint, v1::ListWebhookEndpointsResponse>(
      executor(), std::move(request),
      [client, options](const v1::ListWebhookEndpointsRequest& r, auto done) mutable {
        client.ListWebhookEndpointsAsync(r, options, std::move(done));
      },
      [](v1::ListWebhookEndpointsResponse& r) { return r.mutable_endpoints(); });
}

Pager<v1::Event> Webhooks::ListAllEvents(v1::ListEventsRequest request,
                                         const connectrpc::CallOptions& options) {
  v1::WebhookServiceClient client = *this;
  return MakeCursorPager<v1::Event>(
      std::move(request),
      [client, options](const v1::ListEventsRequest& r) mutable {
        return client.ListEvents(r, options);
      },
      [](v1::ListEventsResponse& r) { return r.mutable_events(); });
}

AsyncPager<v1::Event> Webhooks::ListAllEventsAsync(v1::ListEventsRequest request,
                                                   const connectrpc::CallOptions& options) {
  v1::WebhookServiceClient client = *this;
  return MakeAsyncCursorPager<v1::Event, v1::ListEventsResponse>(
      executor(), std::move(request),
      [client, options](const v1::ListEventsRequest& r, auto done) mutable {
        client.ListEventsAsync(r, options, std::move(done));
      },
      [](v1::ListEventsResponse& r) { return r.mutable_events(); });
}

Pager<v1::WebhookDelivery> Webhooks::ListAllWebhookDeliveries(
    v1::ListWebhookDeliveriesRequest request, const connectrpc::CallOptions& options) {
  v1::WebhookServiceClient client = *this;
  return MakeCursorPager<v1::WebhookDelivery>(
      std::move(request),
      [client, options](const v1::ListWebhookDeliveriesRequest& r) mutable {
        return client.ListWebhookDeliveries(r, options);
      },
      [](v1::ListWebhookDeliveriesResponse& r) { return r.mutable_deliveries(); });
}

AsyncPager<v1::WebhookDelivery> Webhooks::ListAllWebhookDeliveriesAsync(
    v1::ListWebhookDeliveriesRequest request, const connectrpc::CallOptions& options) {
  v1::WebhookServiceClient client = *this;
  return MakeAsyncCursorPager<v1::WebhookDelivery, v1::ListWebhookDeliveriesResponse>(
      executor(), std::move(request),
      [client, options](const v1::ListWebhookDeliveriesRequest& r, auto done) mutable {
        client.ListWebhookDeliveriesAsync(r, options, std::move(done));
      },
      [](v1::ListWebhookDeliveriesResponse& r) { return r.mutable_deliveries(); });
}

}  // namespace transcodely
