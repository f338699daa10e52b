#include "auth.h"

#include <iostream>
#include <string_view>
#include <utility>

#include "connectrpc/server_context.h"
#include "errors.h"
#include "ids.h"
#include "time_util.h"

namespace sandbox {
namespace {

constexpr std::string_view kHealthServicePrefix = "/transcodely.v1.HealthService/";

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    char y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The key of "Bearer <key>", or empty if the header is absent or uses another scheme.
std::string_view BearerToken(const connectrpc::Headers& headers) {
  std::optional<std::string_view> value = headers.Get("authorization");
  if (!value) return {};
  std::string_view v = Trim(*value);
  size_t space = v.find(' ');
  if (space == std::string_view::npos) return {};
  if (!EqualsIgnoreCase(v.substr(0, space), "bearer")) return {};
  return Trim(v.substr(space + 1));
}

}  // namespace

connectrpc::Result<Caller> Authenticate(Store& store, const connectrpc::Headers& request_headers,
                                        int64_t now_ms) {
  std::string_view token = BearerToken(request_headers);
  if (token.empty()) {
    return Unauthenticated("missing_api_key",
                           "missing Authorization header: send Authorization: Bearer <API key>");
  }
  if (!EnvironmentFromSecret(token)) {
    return Unauthenticated("invalid_api_key_format",
                           "invalid API key format: keys start with ak_live_ or ak_test_");
  }
  auto found = store.FindApiKeyBySecretHash(Sha256Hex(token));
  if (!found.ok()) return Internal("could not check the API key");
  if (!found->has_value()) return Unauthenticated("invalid_api_key", "invalid API key");
  const ApiKeyRecord& key = **found;
  if (key.revoked_at_ms) {
    return Unauthenticated("revoked_api_key", "API key has been revoked");
  }
  if (key.expires_at_ms && *key.expires_at_ms <= now_ms) {
    return Unauthenticated("expired_api_key", "API key has expired");
  }
  if (connectrpc::Status s = store.TouchApiKey(key.id, now_ms); !s.ok()) {
    std::cerr << "transcodely-sandbox: " << s.ToString() << "\n";
  }
  return Caller{key.id, key.environment, key.app_id, key.expires_at_ms};
}

connectrpc::Status WrongEnvironment(Environment resource, Environment caller) {
  return Unauthenticated("wrong_environment", std::string("wrong environment: this is a ") +
                                                  std::string(EnvironmentName(resource)) +
                                                  " resource and the request used a " +
                                                  std::string(EnvironmentName(caller)) + " key");
}

const Caller* CallerOf(const connectrpc::ServerContext& context) {
  return context.GetValue<Caller>();
}

connectrpc::Task<connectrpc::Status> AuthInterceptor::Intercept(connectrpc::ServerContext& context,
                                                                connectrpc::ServerNext next) {
  if (!context.method().procedure.starts_with(kHealthServicePrefix)) {
    connectrpc::Result<Caller> caller =
        Authenticate(*store_, context.request_headers(), NowMillis());
    if (!caller.ok()) co_return caller.status();
    context.SetValue(std::move(*caller));
  }
  co_return co_await next();
}

}  // namespace sandbox
