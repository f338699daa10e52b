#include "request_log.h"

#include <string>

#include "connectrpc/code.h"
#include "connectrpc/server_context.h"
#include "transcodely/redact.h"

namespace sandbox {
namespace {

// Appends `text` in double quotes, escaping quotes, backslashes and control characters, so that
// one call stays on one line whatever a client sent.
void AppendQuoted(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (byte < 0x20 || byte == 0x7f) {
      out.append("\\x");
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 0x0f]);
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
}

}  // namespace

std::string FormatRequestLogLine(std::string_view procedure, std::string_view peer,
                                 const connectrpc::Headers& request_headers,
                                 const connectrpc::Status& status,
                                 std::chrono::milliseconds duration) {
  std::string line = "transcodely-sandbox: ";
  line.append(transcodely::RedactSecrets(procedure));
  line.append(" peer=").append(peer);
  line.append(" code=").append(connectrpc::CodeName(status.code()));
  line.append(" ").append(std::to_string(duration.count())).append(" ms headers={");
  bool first = true;
  for (const auto& [name, value] : request_headers) {
    if (!first) line.append(", ");
    first = false;
    line.append(transcodely::RedactSecrets(name)).append(": ");
    AppendQuoted(line, transcodely::RedactHeaderValue(name, value));
  }
  line.push_back('}');
  if (!status.ok()) {
    line.append(" message=");
    AppendQuoted(line, transcodely::RedactSecrets(status.message()));
  }
  return line;
}

connectrpc::Task<connectrpc::Status> RequestLogInterceptor::Intercept(
    connectrpc::ServerContext& context, connectrpc::ServerNext next) {
  const auto started = std::chrono::steady_clock::now();
  connectrpc::Status status = co_await next();
  const auto duration = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  sink_(FormatRequestLogLine(context.method().procedure, context.peer(), context.request_headers(),
                             status, duration));
  co_return status;
}

}  // namespace sandbox
