// transcodely::Client: the entry point of the Transcodely C++ SDK.
//
//   transcodely::ClientOptions options;
//   options.api_key = "ak_test_...";  // or set TRANSCODELY_API_KEY
//   connectrpc::Result<transcodely::Client> client = transcodely::Client::Create(options);
//   if (!client.ok()) return 1;
//   transcodely::v1::GetJobRequest request;
//   request.set_id("job_123");
//   auto job = client->jobs().Get(request);
//   if (!job.ok()) std::cerr << transcodely::Error::From(job.status()).ToString();
//
// Every call sends Authorization: Bearer <key>, Transcodely-Version, User-Agent
// "transcodely-cpp/<version>" and X-Organization-ID when set; mutating calls carry an
// idempotency key (idempotency.h); unary calls are retried (retry.h). The client speaks the
// Transcodely JSON dialect. Thread-safe; cheap to move.
#ifndef TRANSCODELY_CLIENT_H_
#define TRANSCODELY_CLIENT_H_

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "connectrpc/client.h"
#include "connectrpc/headers.h"
#include "connectrpc/result.h"
#include "connectrpc/transport.h"
#include "transcodely/auth.h"
#include "transcodely/errors.h"
#include "transcodely/idempotency.h"
#include "transcodely/logging.h"
#include "transcodely/pagination.h"
#include "transcodely/resources.h"
#include "transcodely/retry.h"
#include "transcodely/version.h"
#include "transcodely/watch.h"

namespace transcodely {

inline constexpr char kApiKeyEnvironmentVariable[] = "TRANSCODELY_API_KEY";

struct ClientOptions {
  // Empty: read TRANSCODELY_API_KEY.
  std::string api_key;
  std::string base_url = "https://api.transcodely.com";
  std::string api_version = std::string(kDefaultApiVersion);
  // Sent as X-Organization-ID when not empty.
  std::string organization_id;
  // Per-attempt deadline of unary calls; zero or negative: none. Streams have no deadline.
  std::chrono::milliseconds timeout{30000};
  // Retries after the first attempt of a unary call; 0 disables retries.
  int max_retries = 3;
  // Appended to the User-Agent after a space.
  std::string user_agent_suffix;
  // Added to every call; per-call headers override them, and they override the SDK's own.
  connectrpc::Headers default_headers;
  // A Watch connection that delivers nothing (not even a heartbeat) for this long is treated as
  // broken and reconnected; zero disables the check.
  std::chrono::milliseconds stream_idle_timeout{120000};
  // Built-in transport settings (connect timeout, TLS verification, CA file).
  connectrpc::TransportOptions transport;
  // Give mutating calls a UUIDv4 idempotency key when the caller set none. When false, such
  // calls carry no key and are not retried.
  bool auto_idempotency = true;
  // Test hook called instead of waiting between retries and reconnections. Null: retries wait on
  // an Asio timer of the event loop (no thread blocked), blocking watches sleep their thread and
  // asynchronous ones wait on a timer.
  std::function<void(std::chrono::milliseconds)> sleep;
  // Optional log (logging.h): each attempt of a unary call at kInfo, request headers at kDebug,
  // secrets redacted. Lines below `log_level` are neither formatted nor delivered; without a
  // logger nothing is.
  Logger logger;
  LogLevel log_level = LogLevel::kInfo;
};

class Client {
 public:
  // Fails with kInvalidArgument, before any request, on an empty key ("transcodely: api key is
  // required"), a key or header value with control characters, or a malformed base URL.
  static connectrpc::Result<Client> Create(ClientOptions options = {});

  // From the key prefix (ak_live_ / ak_test_), for information only.
  Environment environment() const { return environment_; }
  // The base URL without a trailing '/'.
  const std::string& base_url() const { return base_url_; }

  ApiKeys& api_keys() { return *api_keys_; }
  Apps& apps() { return *apps_; }
  Billing& billing() { return *billing_; }
  Health& health() { return *health_; }
  Jobs& jobs() { return *jobs_; }
  Memberships& memberships() { return *memberships_; }
  Organizations& organizations() { return *organizations_; }
  Origins& origins() { return *origins_; }
  Presets& presets() { return *presets_; }
  Users& users() { return *users_; }
  Videos& videos() { return *videos_; }
  Webhooks& webhooks() { return *webhooks_; }

  // The underlying Connect clients, for generated clients of other services or raw calls.
  const std::shared_ptr<connectrpc::Client>& connect_client() const { return unary_; }
  const std::shared_ptr<connectrpc::Client>& stream_client() const { return stream_; }

 private:
  Client() = default;

  Environment environment_ = Environment::kUnspecified;
  std::string base_url_;
  std::shared_ptr<connectrpc::Client> unary_;
  std::shared_ptr<connectrpc::Client> stream_;
  std::unique_ptr<ApiKeys> api_keys_;
  std::unique_ptr<Apps> apps_;
  std::unique_ptr<Billing> billing_;
  std::unique_ptr<Health> health_;
  std::unique_ptr<Jobs> jobs_;
  std::unique_ptr<Memberships> memberships_;
  std::unique_ptr<Organizations> organizations_;
  std::unique_ptr<Origins> origins_;
  std::unique_ptr<Presets> presets_;
  std::unique_ptr<Users> users_;
  std::unique_ptr<Videos> videos_;
  std::unique_ptr<Webhooks> webhooks_;
};

}  // namespace transcodely

#endif  // TRANSCODELY_CLIENT_H_
