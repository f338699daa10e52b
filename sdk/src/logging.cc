// The SDK's log lines: attempts of unary calls and request headers, redacted.
#include "transcodely/logging.h"

#include <string>
#include <utility>

#include "connectrpc/code.h"
#include "transcodely/redact.h"

namespace transcodely {

std::string_view LogLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      break;
  }
  return "info";
}

std::string FormatAttempt(const AttemptReport& report) {
  std::string line = "transcodely: ";
  line.append(report.method->procedure);
  line.append(" attempt ").append(std::to_string(report.attempt)).append(": ");
  line.append(connectrpc::CodeName(report.status->code()));
  line.append(" in ").append(std::to_string(report.duration.count())).append(" ms");
  if (auto id = report.status->metadata().Get("x-request-id")) {
    line.append(" (request id ").append(RedactSecrets(*id)).append(")");
  }
  if (!report.status->ok() && !report.status->message().empty()) {
    // A server or a transport error may quote what it was sent.
    line.append(": ").append(RedactSecrets(report.status->message()));
  }
  if (report.retry_delay) {
    line.append("; retrying in ").append(std::to_string(report.retry_delay->count())).append(" ms");
  }
  return line;
}

std::string FormatRequestHeaders(const connectrpc::MethodInfo& method,
                                 const connectrpc::Headers& headers) {
  std::string line = "transcodely: ";
  line.append(method.procedure).append(" request headers:");
  bool first = true;
  for (const auto& [name, value] : headers) {
    line.append(first ? " " : ", ");
    first = false;
    line.append(name).append(": ").append(RedactHeaderValue(name, value));
  }
  return line;
}

boost::asio::awaitable<connectrpc::Status> RequestHeaderLogInterceptor::InterceptUnary(
    connectrpc::ClientCallInfo& info, const google::protobuf::Message& request,
    google::protobuf::Message* response, const UnaryNext& next) {
  if (sink_.Enabled(LogLevel::kDebug)) {
    sink_.Log(LogLevel::kDebug, FormatRequestHeaders(info.method, info.request_headers));
  }
  co_return co_await next(info, request, response);
}

connectrpc::Status RequestHeaderLogInterceptor::OnStreamStart(connectrpc::ClientCallInfo& info) {
  if (sink_.Enabled(LogLevel::kDebug)) {
    sink_.Log(LogLevel::kDebug, FormatRequestHeaders(info.method, info.request_headers));
  }
  return connectrpc::Status();
}

}  // namespace transcodely
