// API key checks and the SDK's request headers.
#include "transcodely/auth.h"

#include <string>
#include <string_view>
#include <utility>

#include "connectrpc/method.h"
#include "transcodely/version.h"

namespace transcodely {
namespace {

constexpr std::string_view kLivePrefix = "ak_live_";
constexpr std::string_view kTestPrefix = "ak_test_";

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

}  // namespace

Environment EnvironmentFromKey(std::string_view api_key) {
  if (StartsWith(api_key, kLivePrefix)) return Environment::kLive;
  if (StartsWith(api_key, kTestPrefix)) return Environment::kTest;
  return Environment::kUnspecified;
}

std::string_view EnvironmentName(Environment environment) {
  switch (environment) {
    case Environment::kLive:
      return "live";
    case Environment::kTest:
      return "test";
    case Environment::kUnspecified:
      break;
  }
  return "unspecified";
}

connectrpc::Status ValidateApiKey(std::string_view api_key) {
  if (api_key.empty()) {
    return connectrpc::Status(connectrpc::Code::kInvalidArgument,
                              "transcodely: api key is required");
  }
  for (char c : api_key) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) {
      return connectrpc::Status(connectrpc::Code::kInvalidArgument,
                                "transcodely: api key contains control characters (CR, LF, ...)");
    }
  }
  return connectrpc::Status();
}

std::string UserAgent(std::string_view suffix) {
  std::string agent = "transcodely-cpp/";
  agent.append(kSdkVersion);
  if (!suffix.empty()) {
    agent.push_back(' ');
    agent.append(suffix);
  }
  return agent;
}

AuthHeadersInterceptor::AuthHeadersInterceptor(RequestHeaderConfig config)
    : config_(std::move(config)) {}

boost::asio::awaitable<connectrpc::Status> AuthHeadersInterceptor::InterceptUnary(
    connectrpc::ClientCallInfo& info, const google::protobuf::Message& request,
    google::protobuf::Message* response, const UnaryNext& next) {
  Apply(info);
  co_return co_await next(info, request, response);
}

connectrpc::Status AuthHeadersInterceptor::OnStreamStart(connectrpc::ClientCallInfo& info) {
  Apply(info);
  return connectrpc::Status();
}

void AuthHeadersInterceptor::Apply(connectrpc::ClientCallInfo& info) const {
  connectrpc::Headers& headers = info.request_headers;
  // Per-call headers are already present and win; default headers come next.
  const connectrpc::Headers per_call = headers;
  for (const auto& [key, value] : config_.default_headers) {
    if (!per_call.Contains(key)) headers.Add(key, value);
  }
  auto set_if_absent = [&headers](std::string_view key, std::string_view value) {
    if (!value.empty() && !headers.Contains(key)) headers.Set(key, value);
  };
  set_if_absent("authorization", "Bearer " + config_.api_key);
  set_if_absent("transcodely-version", config_.api_version);
  set_if_absent("user-agent", config_.user_agent);
  set_if_absent("x-organization-id", config_.organization_id);
  const bool stream = info.method.stream_type != connectrpc::StreamType::kUnary;
  set_if_absent("accept", stream ? "application/connect+json" : "application/json");
}

}  // namespace transcodely
