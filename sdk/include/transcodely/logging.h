// The SDK's optional log: ClientOptions::logger receives one line per attempt of a unary call
// (kInfo: procedure, attempt number, status code, duration, the request id and message of a
// failed attempt, the retry delay when it retries), and at kDebug also the request headers of
// every attempt and stream (each Watch connection included). Secrets never reach it: header
// values go through RedactHeaderValue and messages through RedactSecrets (redact.h).
//
//   options.logger = [](transcodely::LogLevel level, std::string_view line) {
//     std::clog << transcodely::LogLevelName(level) << " " << line << "\n";
//   };
//   options.log_level = transcodely::LogLevel::kDebug;
//
// The logger is called on the client's event loop thread: it must be quick, thread-safe, and
// must not make blocking calls with the client. Without a logger the SDK formats nothing.
#ifndef TRANSCODELY_LOGGING_H_
#define TRANSCODELY_LOGGING_H_

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "connectrpc/client.h"
#include "connectrpc/headers.h"
#include "connectrpc/method.h"
#include "connectrpc/status.h"

namespace transcodely {

enum class LogLevel { kDebug = 0, kInfo = 1 };

// "debug", "info".
std::string_view LogLevelName(LogLevel level);

using Logger = std::function<void(LogLevel level, std::string_view line)>;

// A logger and the least severe level it wants; inactive without a logger.
struct LogSink {
  Logger logger;
  LogLevel level = LogLevel::kInfo;

  bool Enabled(LogLevel at) const { return logger && at >= level; }
  void Log(LogLevel at, std::string_view line) const {
    if (Enabled(at)) logger(at, line);
  }
};

// What one attempt of a unary call came to.
struct AttemptReport {
  const connectrpc::MethodInfo* method = nullptr;
  int attempt = 1;  // 1-based
  const connectrpc::Status* status = nullptr;
  std::chrono::milliseconds duration{0};
  std::optional<std::chrono::milliseconds> retry_delay;  // set when another attempt follows
};

// "transcodely: /transcodely.v1.JobService/Get attempt 2: unavailable in 12 ms (request id
// req_...): <redacted message>; retrying in 250 ms".
std::string FormatAttempt(const AttemptReport& report);

// "transcodely: /transcodely.v1.JobService/Get request headers: authorization: Bearer
// ak_live_…StUv, ..." with every value redacted.
std::string FormatRequestHeaders(const connectrpc::MethodInfo& method,
                                 const connectrpc::Headers& headers);

// The innermost interceptor of a client with a kDebug logger: logs each attempt's request headers
// (unary) and each stream's (Watch connections included) before they are sent.
class RequestHeaderLogInterceptor : public connectrpc::ClientInterceptor {
 public:
  explicit RequestHeaderLogInterceptor(LogSink sink) : sink_(std::move(sink)) {}

  boost::asio::awaitable<connectrpc::Status> InterceptUnary(
      connectrpc::ClientCallInfo& info, const google::protobuf::Message& request,
      google::protobuf::Message* response, const UnaryNext& next) override;
  connectrpc::Status OnStreamStart(connectrpc::ClientCallInfo& info) override;

 private:
  LogSink sink_;
};

}  // namespace transcodely

#endif  // TRANSCODELY_LOGGING_H_
