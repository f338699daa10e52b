// Server: an RPC server (Connect over HTTP/1.1, plain or TLS). Generated Register<Service>Handler
// functions add routes; Listen() binds; Start() serves on background threads.
//
//   connectrpc::Server server;
//   foo::v1::RegisterEchoServiceHandler(server, std::make_shared<MyEcho>());
//   if (auto s = server.Listen("127.0.0.1", 8080); !s.ok()) return 1;
//   server.Start();
//   server.Wait();  // until Shutdown() from another thread
//
// Threads. `io_threads` event loops run every socket, and coroutine handlers (generated
// <Service>AsyncHandler classes) run on them with no thread hop: they must never block. Blocking
// handlers (<Service>Handler) run on a bounded pool of `handler_threads`; a call waiting for a
// pool thread holds no I/O thread. Use coroutine handlers for cheap or asynchronous work and for
// long-lived streams; blocking handlers for work that blocks (files, databases, locks).
//
// Safety. Every request's head, body, messages and decompressed total are bounded; calls beyond
// the concurrency limits fail fast; handler and interceptor exceptions become a generic
// kInternal for the peer (the detail goes to `error_log`). Routes must be registered before
// Start(); after that the server is thread-safe.
#ifndef CONNECTRPC_SERVER_H_
#define CONNECTRPC_SERVER_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "connectrpc/codec.h"
#include "connectrpc/method.h"
#include "connectrpc/server_adapters.h"
#include "connectrpc/server_call.h"
#include "connectrpc/server_context.h"
#include "connectrpc/server_stream.h"
#include "connectrpc/status.h"

namespace connectrpc {

class ServerInterceptor;

// The rest of an interceptor chain: the next interceptors and the handler.
class ServerNext {
 public:
  Task<Status> operator()() const;

 private:
  friend class ServerChain;
  ServerNext(ServerCall* call, size_t index) : call_(call), index_(index) {}
  ServerCall* call_;
  size_t index_;
};

// Wraps every call: authentication, logging, metrics. Runs on the call's I/O thread before any
// request message is read; return an error to end the call without running the handler, or
// co_await next() to go on. Interceptors must be thread-safe and must not block.
class ServerInterceptor {
 public:
  virtual ~ServerInterceptor() = default;
  virtual Task<Status> Intercept(ServerContext& context, ServerNext next) {
    (void)context;
    co_return co_await next();
  }
};

struct ServerOptions {
  // Largest request message accepted, after decompression (per message); larger ones fail with
  // kResourceExhausted.
  size_t max_receive_message_bytes = 4u << 20;
  // Largest total of decompressed request messages in one call.
  size_t max_request_decompressed_bytes = 64u << 20;
  // Largest HTTP request body accepted as it arrives on the wire.
  size_t max_request_body_bytes = 64u << 20;
  // Largest request header block.
  size_t max_header_bytes = 16u << 10;
  // Event loops running socket I/O and coroutine handlers, and threads running blocking
  // handlers.
  int io_threads = 1;
  int handler_threads = 16;
  // Blocking calls waiting for a pool thread beyond these fail: more than
  // `max_queued_blocking_calls` waiting fail at once with kResourceExhausted, and one that waited
  // `blocking_queue_timeout` fails with kUnavailable.
  size_t max_queued_blocking_calls = 256;
  std::chrono::milliseconds blocking_queue_timeout{10'000};
  // Calls in progress at once (all kinds); more fail at once with kResourceExhausted.
  size_t max_concurrent_calls = 100'000;
  // Open connections; beyond it the server stops accepting until one closes.
  size_t max_connections = 100'000;
  // Response messages at least this large are compressed when the client accepts gzip.
  size_t compress_min_bytes = 0;
  // How long a connection may wait for the next request, for a whole request head, or for any
  // progress in a request body, before it is closed.
  std::chrono::milliseconds idle_timeout{60'000};
  // How long a response write may make no progress (a peer that stops reading).
  std::chrono::milliseconds write_timeout{30'000};
  std::vector<std::shared_ptr<ServerInterceptor>> interceptors;
  // Serve HTTPS with this PEM certificate chain (leaf first) and PEM private key; both empty
  // serves plain HTTP.
  std::string tls_certificate_chain_pem;
  std::string tls_private_key_pem;
  // Extra codecs, looked up by name before the built-in "proto" and "json" (so a codec named
  // "json" replaces the built-in JSON codec). Each must outlive the server.
  std::vector<const Codec*> codecs;
  // Called for every response the server writes, including protocol errors that never reach a
  // handler (404, 415, ...), to add headers such as a request id. Runs on an I/O thread: keep it
  // cheap and thread-safe.
  std::function<void(const Headers& request_headers, Headers& response_headers)> decorate_response;
  // Where server-side problems go (handler exceptions, accept failures); never to a peer.
  // Default: standard error.
  std::function<void(std::string_view message)> error_log;
};

// A type-erased route: runs one call to its end and returns the handler's status.
using RouteHandler = std::function<Task<Status>(ServerCall& call)>;

class Server {
 public:
  explicit Server(ServerOptions options = {});
  // Shuts down if still running. (Only a failing mutex or thread join, i.e. a broken process,
  // could throw here; std::terminate is the right end for that.)
  ~Server();  // NOLINT(bugprone-exception-escape)
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // One-line registration of a handler method, used by generated code: blocking methods
  // (returning Status) run on the handler pool, coroutine methods (returning Task<Status>) on
  // the I/O threads.
  template <typename H, typename Request, typename Response>
  void Handle(const MethodInfo& method, std::shared_ptr<H> handler,
              Status (H::*fn)(ServerContext&, const Request&, Response*)) {
    RegisterUnary<Request, Response>(method, internal::Bind(std::move(handler), fn));
  }
  template <typename H, typename Request, typename Response>
  void Handle(const MethodInfo& method, std::shared_ptr<H> handler,
              Status (H::*fn)(ServerContext&, const Request&, ServerWriter<Response>&)) {
    RegisterServerStream<Request, Response>(method, internal::Bind(std::move(handler), fn));
  }
  template <typename H, typename Request, typename Response>
  void Handle(const MethodInfo& method, std::shared_ptr<H> handler,
              Status (H::*fn)(ServerContext&, ServerReader<Request>&, Response*)) {
    RegisterClientStream<Request, Response>(method, internal::Bind(std::move(handler), fn));
  }
  template <typename H, typename Request, typename Response>
  void Handle(const MethodInfo& method, std::shared_ptr<H> handler,
              Status (H::*fn)(ServerContext&, ServerReaderWriter<Request, Response>&)) {
    RegisterBidiStream<Request, Response>(method, internal::Bind(std::move(handler), fn));
  }
  template <typename H, typename Request, typename Response>
  void Handle(const MethodInfo& method, std::shared_ptr<H> handler,
              Task<Status> (H::*fn)(ServerContext&, const Request&, Response*)) {
    AddRoute(method, [fn = internal::Bind(std::move(handler), fn)](ServerCall& call) {
      return internal::AsyncUnary<Request, Response>(fn, call);
    });
  }
  template <typename H, typename Request, typename Response>
  void Handle(const MethodInfo& method, std::shared_ptr<H> handler,
              Task<Status> (H::*fn)(ServerContext&, const Request&, AsyncServerWriter<Response>&)) {
    AddRoute(method, [fn = internal::Bind(std::move(handler), fn)](ServerCall& call) {
      return internal::AsyncServerStream<Request, Response>(fn, call);
    });
  }
  template <typename H, typename Request, typename Response>
  void Handle(const MethodInfo& method, std::shared_ptr<H> handler,
              Task<Status> (H::*fn)(ServerContext&, AsyncServerReader<Request>&, Response*)) {
    AddRoute(method, [fn = internal::Bind(std::move(handler), fn)](ServerCall& call) {
      return internal::AsyncClientStream<Request, Response>(fn, call);
    });
  }
  template <typename H, typename Request, typename Response>
  void Handle(const MethodInfo& method, std::shared_ptr<H> handler,
              Task<Status> (H::*fn)(ServerContext&, AsyncServerReaderWriter<Request, Response>&)) {
    AddRoute(method, [fn = internal::Bind(std::move(handler), fn)](ServerCall& call) {
      return internal::AsyncBidiStream<Request, Response>(fn, call);
    });
  }

  // Blocking routes from plain functions; each runs on the handler pool.
  template <typename Request, typename Response>
  void RegisterUnary(const MethodInfo& method,
                     std::function<Status(ServerContext&, const Request&, Response*)> handler) {
    AddRoute(method, [fn = std::move(handler)](ServerCall& call) {
      return internal::BlockingUnary<Request, Response>(fn, call);
    });
  }
  template <typename Request, typename Response>
  void RegisterServerStream(
      const MethodInfo& method,
      std::function<Status(ServerContext&, const Request&, ServerWriter<Response>&)> handler) {
    AddRoute(method, [fn = std::move(handler)](ServerCall& call) {
      return internal::BlockingServerStream<Request, Response>(fn, call);
    });
  }
  template <typename Request, typename Response>
  void RegisterClientStream(
      const MethodInfo& method,
      std::function<Status(ServerContext&, ServerReader<Request>&, Response*)> handler) {
    AddRoute(method, [fn = std::move(handler)](ServerCall& call) {
      return internal::BlockingClientStream<Request, Response>(fn, call);
    });
  }
  template <typename Request, typename Response>
  void RegisterBidiStream(
      const MethodInfo& method,
      std::function<Status(ServerContext&, ServerReaderWriter<Request, Response>&)> handler) {
    AddRoute(method, [fn = std::move(handler)](ServerCall& call) {
      return internal::BlockingBidiStream<Request, Response>(fn, call);
    });
  }

  // Registers a type-erased route. A second route for the same procedure replaces the first.
  // The handler object is kept until the server and every call that uses it are gone.
  void AddRoute(const MethodInfo& method, RouteHandler handler);

  // Binds and listens; port 0 picks a free port (see port()). Fails with kUnavailable.
  Status Listen(std::string_view host, uint16_t port);
  uint16_t port() const;
  // Starts serving on background threads.
  void Start();
  // Stops accepting, lets in-flight calls finish for up to `grace`, then cancels the rest and
  // closes every connection. Returns within `grace` plus about a second, even when handlers
  // never return (their pool threads are then left to finish on their own).
  void Shutdown(std::chrono::milliseconds grace = std::chrono::milliseconds(5'000));
  // Blocks until Shutdown() has completed.
  void Wait();

 private:
  class Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace connectrpc

#endif  // CONNECTRPC_SERVER_H_
