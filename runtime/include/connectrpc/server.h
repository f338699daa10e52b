// Server: a Connect server over HTTP/1.1 (Boost.Beast). Generated Register<Service>Handler
// functions add routes; Listen() binds; Start() serves on background threads.
//
//   connectrpc::Server server;
//   foo::v1::RegisterEchoServiceHandler(server, std::make_shared<MyEcho>());
//   if (auto s = server.Listen("127.0.0.1", 8080); !s.ok()) return 1;
//   server.Start();
//   server.Wait();  // until Shutdown() from another thread or a signal handler
//
// Socket I/O runs on `io_threads` Asio threads; handlers run on a separate pool of
// `handler_threads`, so a slow handler never stalls I/O. Every request's body, header block and
// messages are bounded. Routes must be registered before Start(); after that the server is
// thread-safe.
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
#include "connectrpc/server_context.h"
#include "connectrpc/server_stream.h"
#include "connectrpc/status.h"

namespace connectrpc {

// Wraps every handler invocation: authentication, logging, metrics. `next` runs the rest of the
// chain and the handler. Interceptors must be thread-safe.
class ServerInterceptor {
 public:
  virtual ~ServerInterceptor() = default;
  virtual Status Intercept(ServerContext& context, const std::function<Status()>& next) {
    (void)context;
    return next();
  }
};

struct ServerOptions {
  // Largest request message accepted, after decompression (per message); larger ones fail with
  // kResourceExhausted.
  size_t max_receive_message_bytes = 4u << 20;
  // Largest HTTP request body accepted as it arrives on the wire.
  size_t max_request_body_bytes = 64u << 20;
  // Largest request header block.
  size_t max_header_bytes = 16u << 10;
  // Threads running socket I/O, and threads running handlers.
  int io_threads = 1;
  int handler_threads = 16;
  // Response messages at least this large are compressed when the client accepts gzip.
  size_t compress_min_bytes = 0;
  // How long a connection may wait for the next request (or the rest of one) before it is closed.
  std::chrono::milliseconds idle_timeout{60'000};
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
};

namespace internal {
// A type-erased handler: reads requests from and writes responses to the call.
using RouteHandler = std::function<Status(ServerContext&, ServerCall&)>;
class ServerImpl;
}  // namespace internal

class Server {
 public:
  explicit Server(ServerOptions options = {});
  ~Server();  // shuts down if still running
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Route registration, used by generated Register<Service>Handler functions.
  template <typename Request, typename Response>
  void RegisterUnary(const MethodInfo& method,
                     std::function<Status(ServerContext&, const Request&, Response*)> handler) {
    AddRoute(method,
             [handler = std::move(handler)](ServerContext& ctx, internal::ServerCall& call) {
               Request request;
               if (!call.ReadMessage(&request))
                 return Status();  // the decode error is reported instead
               Response response;
               Status status = handler(ctx, request, &response);
               if (status.ok()) call.WriteMessage(response);
               return status;
             });
  }
  template <typename Request, typename Response>
  void RegisterServerStream(
      const MethodInfo& method,
      std::function<Status(ServerContext&, const Request&, ServerWriter<Response>&)> handler) {
    AddRoute(method,
             [handler = std::move(handler)](ServerContext& ctx, internal::ServerCall& call) {
               Request request;
               if (!call.ReadMessage(&request)) return Status();
               ServerWriter<Response> writer(&call);
               return handler(ctx, request, writer);
             });
  }
  template <typename Request, typename Response>
  void RegisterClientStream(
      const MethodInfo& method,
      std::function<Status(ServerContext&, ServerReader<Request>&, Response*)> handler) {
    AddRoute(method,
             [handler = std::move(handler)](ServerContext& ctx, internal::ServerCall& call) {
               ServerReader<Request> reader(&call);
               Response response;
               Status status = handler(ctx, reader, &response);
               if (status.ok()) call.WriteMessage(response);
               return status;
             });
  }
  template <typename Request, typename Response>
  void RegisterBidiStream(
      const MethodInfo& method,
      std::function<Status(ServerContext&, ServerReaderWriter<Request, Response>&)> handler) {
    AddRoute(method,
             [handler = std::move(handler)](ServerContext& ctx, internal::ServerCall& call) {
               ServerReaderWriter<Request, Response> stream(&call);
               return handler(ctx, stream);
             });
  }

  // Registers a type-erased route. A second route for the same procedure replaces the first.
  void AddRoute(const MethodInfo& method, internal::RouteHandler handler);

  // Binds and listens; port 0 picks a free port (see port()). Fails with kUnavailable.
  Status Listen(std::string_view host, uint16_t port);
  uint16_t port() const;
  // Starts serving on background threads.
  void Start();
  // Stops accepting, lets in-flight calls finish for up to `grace`, then closes every connection.
  void Shutdown(std::chrono::milliseconds grace = std::chrono::milliseconds(5'000));
  // Blocks until Shutdown() has completed.
  void Wait();

 private:
  std::unique_ptr<internal::ServerImpl> impl_;
};

}  // namespace connectrpc

#endif  // CONNECTRPC_SERVER_H_
