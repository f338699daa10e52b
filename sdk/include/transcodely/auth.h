// API keys and the request headers every Transcodely call carries (wire contract §1.2, §9.3).
//
//   transcodely::EnvironmentFromKey("ak_test_abc");  // Environment::kTest
//   transcodely::ValidateApiKey("");                  // kInvalidArgument
#ifndef TRANSCODELY_AUTH_H_
#define TRANSCODELY_AUTH_H_

#include <string>
#include <string_view>

#include "connectrpc/client.h"
#include "connectrpc/headers.h"
#include "connectrpc/status.h"

namespace transcodely {

// The environment an API key belongs to, read from its prefix; for information only (the
// server decides). Plain "ak_" keys are kUnspecified.
enum class Environment { kUnspecified, kLive, kTest };

Environment EnvironmentFromKey(std::string_view api_key);
std::string_view EnvironmentName(Environment environment);  // "live", "test", "unspecified"

// OK for any non-empty key without control characters (CR, LF, NUL, ...); any prefix is accepted.
connectrpc::Status ValidateApiKey(std::string_view api_key);

// "transcodely-cpp/<version>", plus " <suffix>" when the suffix is not empty.
std::string UserAgent(std::string_view suffix);

struct RequestHeaderConfig {
  std::string api_key;
  std::string api_version;
  std::string organization_id;  // empty: X-Organization-ID is not sent
  std::string user_agent;
  connectrpc::Headers default_headers;
};

// Adds Authorization, Transcodely-Version, User-Agent, Accept, X-Organization-ID and the default
// headers to unary calls and streams. Precedence: per-call headers, then default headers, then
// the SDK's own.
class AuthHeadersInterceptor : public connectrpc::ClientInterceptor {
 public:
  explicit AuthHeadersInterceptor(RequestHeaderConfig config);

  boost::asio::awaitable<connectrpc::Status> InterceptUnary(
      connectrpc::ClientCallInfo& info, const google::protobuf::Message& request,
      google::protobuf::Message* response, const UnaryNext& next) override;
  connectrpc::Status OnStreamStart(connectrpc::ClientCallInfo& info) override;

 private:
  void Apply(connectrpc::ClientCallInfo& info) const;

  RequestHeaderConfig config_;
};

}  // namespace transcodely

#endif  // TRANSCODELY_AUTH_H_
