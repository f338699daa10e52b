// Transport: the HTTP seam under Client. The built-in transport speaks HTTP/1.1 over Boost.Beast
// with a keep-alive connection pool; tests and future protocols (HTTP/2, TLS variants) plug in
// here.
//
// An HttpExchange is one request/response on one connection, driven by one thread. Every blocking
// operation honours the deadline given to Transport::Open; Cancel() may be called from any thread.
#ifndef CONNECTRPC_TRANSPORT_H_
#define CONNECTRPC_TRANSPORT_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "connectrpc/headers.h"
#include "connectrpc/result.h"
#include "connectrpc/status.h"

namespace connectrpc {

using Clock = std::chrono::steady_clock;

struct TransportOptions {
  std::chrono::milliseconds connect_timeout{10'000};
  // Idle keep-alive connections kept per transport.
  size_t max_idle_connections = 16;
  // When set, a connection on which no single read or write completes for this long fails with
  // kUnavailable (e.g. a long-lived stream whose peer vanished without closing the socket). It
  // applies on top of the call deadline.
  std::optional<std::chrono::milliseconds> idle_timeout;
  // Largest response header block accepted.
  size_t max_response_header_bytes = 64u << 10;
  // TLS (https:// URLs): verify the server certificate and host name against the system store
  // (or `ca_file` when set; `ca_pem` adds to either). Turning verification off is for tests only.
  bool verify_peer = true;
  std::string ca_file;
  // Extra trusted certificates in PEM form (e.g. a private CA or a test server's certificate).
  std::string ca_pem;
};

struct HttpRequestHead {
  std::string_view method;  // "POST" or "GET"
  std::string target;       // path and query
  Headers headers;
  // The body size when known up front; nullopt sends a chunked body.
  std::optional<size_t> content_length;
};

struct HttpResponseHead {
  int status = 0;
  Headers headers;
};

class HttpExchange {
 public:
  virtual ~HttpExchange() = default;
  virtual Status WriteHead(const HttpRequestHead& head) = 0;
  // Writes body bytes (one chunk when the body is chunked).
  virtual Status WriteBody(std::string_view data) = 0;
  // Ends the request body.
  virtual Status FinishBody() = 0;
  virtual Result<HttpResponseHead> ReadHead() = 0;
  // Appends the next available body bytes to `out`; returns false once the body has ended.
  virtual Result<bool> ReadBody(std::string* out) = 0;
  // Aborts the exchange from any thread; pending and later operations fail with kCanceled and the
  // connection is closed, never reused.
  virtual void Cancel() = 0;
};

class Transport {
 public:
  virtual ~Transport() = default;
  // Starts an exchange, reusing an idle connection when one is available. Operations on it fail
  // with kDeadlineExceeded once `deadline` passes, and with kUnavailable on network errors.
  virtual Result<std::unique_ptr<HttpExchange>> Open(std::optional<Clock::time_point> deadline) = 0;
};

// The built-in HTTP/1.1 transport to one origin. `use_tls` selects https.
Result<std::shared_ptr<Transport>> MakeHttp1Transport(std::string host, uint16_t port, bool use_tls,
                                                      const TransportOptions& options);

}  // namespace connectrpc

#endif  // CONNECTRPC_TRANSPORT_H_
