// The sandbox's --verbose request log: one line per RPC with its procedure, peer, status code,
// duration, request headers and error message, every secret redacted (transcodely/redact.h).
//
//   transcodely-sandbox: /transcodely.v1.JobService/Get peer=127.0.0.1:50312 code=unauthenticated
//   2 ms headers={authorization: "Bearer ak_live_…StUv", user-agent: "transcodely-cpp/0.1.0"}
//   message="API key has been revoked"
//
// (one line). The message is the one sent to the client.
#ifndef CONNECTRPC_SANDBOX_REQUEST_LOG_H_
#define CONNECTRPC_SANDBOX_REQUEST_LOG_H_

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <utility>

#include "connectrpc/headers.h"
#include "connectrpc/server.h"
#include "connectrpc/status.h"

namespace sandbox {

using LogLineSink = std::function<void(std::string_view line)>;

// The log line of one call (without a trailing newline).
std::string FormatRequestLogLine(std::string_view procedure, std::string_view peer,
                                 const connectrpc::Headers& request_headers,
                                 const connectrpc::Status& status,
                                 std::chrono::milliseconds duration);

// Logs every call it wraps once it ends. Install it first, so that it sees the status of the
// authentication and every other interceptor.
class RequestLogInterceptor : public connectrpc::ServerInterceptor {
 public:
  explicit RequestLogInterceptor(LogLineSink sink) : sink_(std::move(sink)) {}
  connectrpc::Task<connectrpc::Status> Intercept(connectrpc::ServerContext& context,
                                                 connectrpc::ServerNext next) override;

 private:
  LogLineSink sink_;
};

}  // namespace sandbox

#endif  // CONNECTRPC_SANDBOX_REQUEST_LOG_H_
