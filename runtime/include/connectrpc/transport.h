// Transport: the asynchronous HTTP seam under Client. The built-in transport speaks HTTP/1.1 over
// Boost.Beast (plain TCP or TLS) with a keep-alive connection pool; tests and future protocols
// (HTTP/2) plug in here. A transport knows HTTP only: heads, streamed bodies, connections.
//
//   auto transport = connectrpc::MakeHttp1Transport(executor, "127.0.0.1", 8080, false, {});
//   (*transport)->Open(std::nullopt, [](connectrpc::Result<std::shared_ptr<HttpExchange>> e) {
//     (*e)->WriteHead(head, body, /*last=*/true, [e = *e](connectrpc::Status written) { ... });
//   });
//
// Threading contract: every method except HttpExchange::Cancel is called on the transport's
// executor (the client's event loop), one operation at a time per exchange, and every callback
// runs there too, never inside the call that started the operation. Cancel may be called from
// any thread. Buffers passed in must stay valid until the operation's callback has run.
#ifndef CONNECTRPC_TRANSPORT_H_
#define CONNECTRPC_TRANSPORT_H_

#include <absl/functional/any_invocable.h>

#include <boost/asio/any_io_executor.hpp>
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

// One request/response exchange on one connection.
class HttpExchange {
 public:
  using WriteCallback = absl::AnyInvocable<void(Status)>;
  using HeadCallback = absl::AnyInvocable<void(Result<HttpResponseHead>)>;
  using BodyCallback = absl::AnyInvocable<void(Result<bool>)>;

  virtual ~HttpExchange() = default;
  // Sends the head followed by the first `body` bytes in one write; `last` also ends the request
  // body (with a known content length, `body` is then the whole body).
  virtual void WriteHead(const HttpRequestHead& head, std::string_view body, bool last,
                         WriteCallback done) = 0;
  // Sends more body bytes (one chunk when the body is chunked); `last` ends the body.
  virtual void WriteBody(std::string_view data, bool last, WriteCallback done) = 0;
  virtual void ReadHead(HeadCallback done) = 0;
  // Appends the next available body bytes to `out`; completes with false once the body ended.
  virtual void ReadBody(std::string* out, BodyCallback done) = 0;
  // Aborts the exchange from any thread; pending and later operations fail with kCanceled and the
  // connection is closed, never reused.
  virtual void Cancel() = 0;
};

class Transport {
 public:
  using OpenCallback = absl::AnyInvocable<void(Result<std::shared_ptr<HttpExchange>>)>;

  virtual ~Transport() = default;
  // Starts an exchange, reusing an idle connection when one is available. Connecting fails with
  // kDeadlineExceeded once `deadline` passes, and with kUnavailable on network errors. `done` may
  // run before Open returns (an idle connection taken on the loop thread).
  virtual void Open(std::optional<Clock::time_point> deadline, OpenCallback done) = 0;
  // Closes idle connections; the client calls it when it goes away. Thread-safe.
  virtual void Shutdown() {}
};

// The built-in HTTP/1.1 transport to one origin, driven by `executor`, whose handlers must not
// run concurrently (an io_context run by one thread, or a strand). `use_tls` selects https.
Result<std::shared_ptr<Transport>> MakeHttp1Transport(boost::asio::any_io_executor executor,
                                                      std::string host, uint16_t port, bool use_tls,
                                                      const TransportOptions& options);

}  // namespace connectrpc

#endif  // CONNECTRPC_TRANSPORT_H_
