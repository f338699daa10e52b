#include "sandbox_server.h"

#include <iostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api_key_service.h"
#include "auth.h"
#include "health_service.h"
#include "ids.h"
#include "job_change_hub.h"
#include "job_service.h"
#include "job_watch.h"
#include "time_util.h"
#include "transcodely/json_dialect.h"
#include "transcodely/redact.h"
#include "unimplemented_services.h"

namespace sandbox {
namespace {

// Mints one live and one test key if the data file has never been bootstrapped.
connectrpc::Result<std::optional<BootstrapSecrets>> BootstrapKeys(Store& store) {
  int64_t now = NowMillis();
  BootstrapSecrets secrets;
  std::vector<ApiKeyRecord> keys;
  keys.push_back(NewApiKeyRecord("Bootstrap live key", "Minted on the first start of the sandbox",
                                 Environment::kLive, std::nullopt, now, &secrets.live_secret));
  keys.push_back(NewApiKeyRecord("Bootstrap test key", "Minted on the first start of the sandbox",
                                 Environment::kTest, std::nullopt, now, &secrets.test_secret));
  auto inserted = store.BootstrapOnce(keys);
  if (!inserted.ok()) return inserted.status();
  if (!*inserted) return std::optional<BootstrapSecrets>();
  return std::optional<BootstrapSecrets>(std::move(secrets));
}

}  // namespace

connectrpc::Result<std::unique_ptr<Sandbox>> Sandbox::Start(const SandboxOptions& options) {
  std::unique_ptr<Sandbox> sandbox(new Sandbox());
  sandbox->options_ = options;
  auto store = Store::Open(options.data_path);
  if (!store.ok()) return store.status();
  sandbox->store_ = std::shared_ptr<Store>(std::move(*store));
  auto bootstrap = BootstrapKeys(*sandbox->store_);
  if (!bootstrap.ok()) return bootstrap.status();
  sandbox->bootstrap_ = std::move(*bootstrap);

  connectrpc::ServerOptions server_options;
  server_options.handler_threads = options.handler_threads;
  server_options.codecs.push_back(&transcodely::DialectCodec());
  // The request log first: it must see how authentication ended too.
  if (options.request_log) {
    server_options.interceptors.push_back(
        std::make_shared<RequestLogInterceptor>(options.request_log));
  }
  server_options.interceptors.push_back(std::make_shared<AuthInterceptor>(sandbox->store_));
  server_options.interceptors.push_back(std::make_shared<UnimplementedMessageInterceptor>());
  server_options.decorate_response = [](const connectrpc::Headers&,
                                        connectrpc::Headers& response_headers) {
    response_headers.Set("x-request-id", NewRequestId());
  };
  // A handler exception's text could quote a request; redact it like every other log line.
  server_options.error_log = [sink = options.error_log](std::string_view message) {
    std::string line = "transcodely-sandbox: " + transcodely::RedactSecrets(message);
    if (sink) {
      sink(line);
    } else {
      std::cerr << line + "\n";
    }
  };
  sandbox->server_ = std::make_unique<connectrpc::Server>(std::move(server_options));
  connectrpc::Server& server = *sandbox->server_;

  JobServiceOptions job_options;
  job_options.job_duration = options.job_duration;
  job_options.heartbeat_interval = options.heartbeat_interval;
  job_options.max_watches_per_key = options.max_watches_per_key;
  auto changes = std::make_shared<JobChangeHub>();
  transcodely::v1::RegisterJobServiceHandler(
      server, std::make_shared<JobService>(sandbox->store_, changes, job_options));
  // Watch is a coroutine on the I/O threads; this replaces the route registered just above.
  server.Handle(transcodely::v1::kJobServiceWatchMethod,
                std::make_shared<JobWatchHandler>(sandbox->store_, changes, job_options),
                &JobWatchHandler::Watch);
  transcodely::v1::RegisterAPIKeyServiceHandler(server,
                                                std::make_shared<ApiKeyService>(sandbox->store_));
  transcodely::v1::RegisterHealthServiceHandler(server, std::make_shared<HealthService>());
  RegisterUnimplementedServices(server);

  if (connectrpc::Status s = server.Listen(options.host, options.port); !s.ok()) return s;
  server.Start();
  return sandbox;
}

Sandbox::~Sandbox() { Shutdown(std::chrono::milliseconds(1000)); }

std::string Sandbox::base_url() const {
  std::string host = options_.host;
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return "http://" + host + ":" + std::to_string(port());
}

void Sandbox::Shutdown(std::chrono::milliseconds grace) {
  if (shut_down_ || server_ == nullptr) return;
  shut_down_ = true;
  server_->Shutdown(grace);
  server_->Wait();
}

}  // namespace sandbox
