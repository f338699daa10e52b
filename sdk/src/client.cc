// transcodely::Client: options, the shared Connect clients and their interceptors.
#include "transcodely/client.h"

#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "transcodely/json_dialect.h"

namespace transcodely {
namespace {

connectrpc::Status InvalidOption(std::string message) {
  return connectrpc::Status(connectrpc::Code::kInvalidArgument,
                            "transcodely: " + std::move(message));
}

connectrpc::Status ValidateOptions(const ClientOptions& options) {
  if (connectrpc::Status status = ValidateApiKey(options.api_key); !status.ok()) return status;
  if (options.base_url.empty()) return InvalidOption("base url is required");
  if (!connectrpc::IsValidHeaderValue(options.api_version)) {
    return InvalidOption("api version contains control characters");
  }
  if (!connectrpc::IsValidHeaderValue(options.organization_id)) {
    return InvalidOption("organization id contains control characters");
  }
  if (!connectrpc::IsValidHeaderValue(options.user_agent_suffix)) {
    return InvalidOption("user agent suffix contains control characters");
  }
  if (options.user_agent_suffix.rfind("transcodely-go/", 0) == 0) {
    return InvalidOption("user agent suffix must not start with transcodely-go/");
  }
  for (const auto& [key, value] : options.default_headers) {
    if (!connectrpc::IsValidHeaderKey(key) || !connectrpc::IsValidHeaderValue(value)) {
      return InvalidOption("default header \"" + key + "\" is not a valid header");
    }
  }
  return connectrpc::Status();
}

}  // namespace

connectrpc::Result<Client> Client::Create(ClientOptions options) {
  if (options.api_key.empty()) {
    if (const char* from_env = std::getenv(kApiKeyEnvironmentVariable); from_env != nullptr) {
      options.api_key = from_env;
    }
  }
  while (!options.base_url.empty() && options.base_url.back() == '/') options.base_url.pop_back();
  if (connectrpc::Status status = ValidateOptions(options); !status.ok()) return status;

  SleepFunction sleep = options.sleep ? options.sleep : DefaultSleep();
  const std::string user_agent = UserAgent(options.user_agent_suffix);

  RequestHeaderConfig headers;
  headers.api_key = options.api_key;
  headers.api_version = options.api_version;
  headers.organization_id = options.organization_id;
  headers.user_agent = user_agent;
  headers.default_headers = options.default_headers;

  RetryPolicy retry;
  retry.max_retries = options.max_retries;
  retry.sleep = options.sleep;
  LogSink log{options.logger, options.log_level};
  retry.log = log;

  // Headers first (outermost), then the idempotency key, then the retry loop, so every attempt
  // of a call carries the same key.
  std::vector<std::shared_ptr<connectrpc::ClientInterceptor>> interceptors = {
      std::make_shared<AuthHeadersInterceptor>(std::move(headers)),
      std::make_shared<IdempotencyInterceptor>(options.auto_idempotency),
      std::make_shared<RetryInterceptor>(std::move(retry)),
  };
  // Innermost, so that it sees every attempt's headers as sent.
  if (log.Enabled(LogLevel::kDebug)) {
    interceptors.push_back(std::make_shared<RequestHeaderLogInterceptor>(log));
  }

  connectrpc::ClientOptions connect;
  connect.codec = &DialectCodec();
  connect.user_agent = user_agent;
  connect.interceptors = interceptors;
  connect.transport_options = options.transport;
  if (options.timeout.count() > 0) connect.default_timeout = options.timeout;
  auto unary = connectrpc::Client::Create(options.base_url, connect);
  if (!unary.ok()) return unary.status();

  // Streams use the same interceptors but no wall-clock deadline.
  connectrpc::ClientOptions stream_options = std::move(connect);
  stream_options.default_timeout.reset();
  if (options.stream_idle_timeout.count() > 0) {
    stream_options.transport_options.idle_timeout = options.stream_idle_timeout;
  }
  auto stream = connectrpc::Client::Create(options.base_url, std::move(stream_options));
  if (!stream.ok()) return stream.status();

  Client client;
  client.environment_ = EnvironmentFromKey(options.api_key);
  client.base_url_ = options.base_url;
  client.unary_ = std::move(*unary);
  client.stream_ = std::move(*stream);
  StreamContext streams{client.stream_, sleep, options.sleep};
  client.api_keys_ = std::make_unique<ApiKeys>(client.unary_);
  client.apps_ = std::make_unique<Apps>(client.unary_);
  client.billing_ = std::make_unique<Billing>(client.unary_);
  client.health_ = std::make_unique<Health>(client.unary_);
  client.jobs_ = std::make_unique<Jobs>(client.unary_, streams);
  client.memberships_ = std::make_unique<Memberships>(client.unary_);
  client.organizations_ = std::make_unique<Organizations>(client.unary_);
  client.origins_ = std::make_unique<Origins>(client.unary_);
  client.presets_ = std::make_unique<Presets>(client.unary_);
  client.users_ = std::make_unique<Users>(client.unary_);
  client.videos_ = std::make_unique<Videos>(client.unary_, streams);
  client.webhooks_ = std::make_unique<Webhooks>(client.unary_);
  return client;
}

}  // namespace transcodely
