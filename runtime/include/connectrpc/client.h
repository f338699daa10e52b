// Client: a Connect client for one base URL, shared by generated service clients.
//
//   auto client = connectrpc::Client::Create("http://127.0.0.1:8080").value();
//   foo::v1::EchoServiceClient echo(client);
//   connectrpc::Result<foo::v1::SayResponse> r = echo.Say(request);           // blocking
//   auto r2 = co_await echo.SayAsync(request, boost::asio::use_awaitable);    // coroutine
//   std::future<connectrpc::Result<foo::v1::SayResponse>> f =
//       echo.SayAsync(request, boost::asio::use_future);                      // future
//   echo.SayAsync(request, [](connectrpc::Result<foo::v1::SayResponse> r) { ... });  // callback
//
// One event loop drives every connection of a Client: the executor given in
// ClientOptions::executor, or an io_context the Client owns, run by one background thread.
// Asynchronous calls complete through their handler's associated executor (the loop itself for
// plain callbacks, which must then not block). A Client is thread-safe: any number of threads may
// make calls at once. Blocking calls wait on the calling thread; making one on the event loop
// thread is an error (it fails at once with kFailedPrecondition instead of deadlocking). Pending
// calls and streams keep what they need alive, so they may outlive the Client object.
#ifndef CONNECTRPC_CLIENT_H_
#define CONNECTRPC_CLIENT_H_

#include <absl/functional/any_invocable.h>
#include <google/protobuf/message.h>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "connectrpc/call_options.h"
#include "connectrpc/client_stream.h"
#include "connectrpc/codec.h"
#include "connectrpc/compression.h"
#include "connectrpc/internal/async_result.h"
#include "connectrpc/method.h"
#include "connectrpc/result.h"
#include "connectrpc/status.h"
#include "connectrpc/transport.h"

namespace connectrpc {
namespace internal {
struct ClientCore;
}  // namespace internal

// What a client interceptor sees of a call.
struct ClientCallInfo {
  const MethodInfo& method;
  Headers& request_headers;  // mutable: interceptors may add metadata
};

// Wraps calls made by a Client, blocking and asynchronous alike: add headers, log, retry unary
// calls, fail early. Interceptors run in the order given, the first one outermost, as coroutines
// on the client's event loop: they must not block (wait with an Asio timer on
// `co_await boost::asio::this_coro::executor`). They must be thread-safe.
//
//   class AddToken : public connectrpc::ClientInterceptor {
//     boost::asio::awaitable<connectrpc::Status> InterceptUnary(
//         connectrpc::ClientCallInfo& info, const google::protobuf::Message& request,
//         google::protobuf::Message* response, const UnaryNext& next) override {
//       info.request_headers.Set("authorization", "Bearer t0k3n");
//       co_return co_await next(info, request, response);
//     }
//   };
class ClientInterceptor {
 public:
  using UnaryNext = std::function<boost::asio::awaitable<Status>(
      ClientCallInfo&, const google::protobuf::Message&, google::protobuf::Message*)>;
  virtual ~ClientInterceptor() = default;
  // Around a unary call. Await `next` zero or more times.
  virtual boost::asio::awaitable<Status> InterceptUnary(ClientCallInfo& info,
                                                        const google::protobuf::Message& request,
                                                        google::protobuf::Message* response,
                                                        const UnaryNext& next);
  // Before a streaming call sends its headers; a non-OK status fails the stream without sending.
  virtual Status OnStreamStart(ClientCallInfo& /*info*/) { return Status(); }
};

struct ClientOptions {
  // Message codec: ProtoCodec() or JsonCodec() or your own; must outlive the client.
  const Codec* codec = &ProtoCodec();
  // Compression for request messages: "identity" or "gzip". Responses may always be gzip.
  std::string compression{kIdentityEncoding};
  // Messages smaller than this are sent uncompressed even when compression is set.
  size_t compress_min_bytes = 0;
  // Used when a call sets no timeout; nullopt means no deadline.
  std::optional<std::chrono::milliseconds> default_timeout;
  // Largest response message accepted, after decompression; 0 means no limit.
  size_t max_receive_message_bytes = 32u << 20;
  // Sent as User-Agent.
  std::string user_agent = "connectrpc-cpp";
  // Headers added to every call.
  Headers headers;
  std::vector<std::shared_ptr<ClientInterceptor>> interceptors;
  // The event loop that drives every connection and completion. Its handlers must not run
  // concurrently: an io_context run by one thread, or a strand. It must outlive the client and
  // its calls, and keeps outstanding work while idle keep-alive connections exist. Empty: the
  // client owns an io_context with one background thread.
  boost::asio::any_io_executor executor;
  // The HTTP transport, which must use `executor`; nullptr selects the built-in HTTP/1.1
  // transport (Boost.Beast) on the client's event loop.
  std::shared_ptr<Transport> transport;
  // Options of the built-in transport.
  TransportOptions transport_options;
};

class Client : public std::enable_shared_from_this<Client> {
 public:
  // `base_url` is "http://host:port" or "https://host:port", optionally with a path prefix.
  // Fails with kInvalidArgument on a malformed URL or options.
  static Result<std::shared_ptr<Client>> Create(std::string_view base_url,
                                                ClientOptions options = {});
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Typed entry points used by generated clients: the blocking forms...
  template <typename Response>
  Result<Response> CallUnary(const MethodInfo& method, const google::protobuf::Message& request,
                             const CallOptions& options) {
    Response response;
    Status status = Unary(method, request, &response, options);
    if (!status.ok()) return status;
    return response;
  }
  template <typename Response>
  ServerStreamReader<Response> CallServerStream(const MethodInfo& method,
                                                const google::protobuf::Message& request,
                                                const CallOptions& options) {
    return ServerStreamReader<Response>(StartServerStream(method, request, options));
  }
  template <typename Request, typename Response>
  ClientStreamWriter<Request, Response> CallClientStream(const MethodInfo& method,
                                                         const CallOptions& options) {
    return ClientStreamWriter<Request, Response>(StartStream(method, options));
  }
  template <typename Request, typename Response>
  BidiStream<Request, Response> CallBidiStream(const MethodInfo& method,
                                               const CallOptions& options) {
    return BidiStream<Request, Response>(StartStream(method, options));
  }

  // ...and the asynchronous forms. A unary call completes with void(Result<Response>); the
  // request is serialized (or, with interceptors, copied) before this returns, and `options` is
  // copied (its response_metadata target must outlive the call).
  template <typename Response, typename CompletionToken>
  auto CallUnaryAsync(const MethodInfo& method, const google::protobuf::Message& request,
                      const CallOptions& options, CompletionToken&& token) {
    auto response = std::make_shared<Response>();
    UnaryStarter start = PrepareUnary(method, request, response.get(), options);
    return internal::InitiateAsync<Result<Response>>(
        executor(), std::forward<CompletionToken>(token),
        [start = std::move(start),
         response = std::move(response)](internal::Completion<Result<Response>> done) mutable {
          start([response = std::move(response), done = std::move(done)](Status status) mutable {
            if (!status.ok()) return done(Result<Response>(std::move(status)));
            done(Result<Response>(std::move(*response)));
          });
        });
  }
  template <typename Response>
  AsyncServerStream<Response> CallServerStreamAsync(const MethodInfo& method,
                                                    const google::protobuf::Message& request,
                                                    const CallOptions& options) {
    return AsyncServerStream<Response>(StartServerStream(method, request, options));
  }
  template <typename Request, typename Response>
  AsyncClientStream<Request, Response> CallClientStreamAsync(const MethodInfo& method,
                                                             const CallOptions& options) {
    return AsyncClientStream<Request, Response>(StartStream(method, options));
  }
  template <typename Request, typename Response>
  AsyncBidiStream<Request, Response> CallBidiStreamAsync(const MethodInfo& method,
                                                         const CallOptions& options) {
    return AsyncBidiStream<Request, Response>(StartStream(method, options));
  }

  // Type-erased blocking unary call: fills `response` on success.
  Status Unary(const MethodInfo& method, const google::protobuf::Message& request,
               google::protobuf::Message* response, const CallOptions& options);
  // The event loop's executor.
  const boost::asio::any_io_executor& executor() const;
  // True on the thread that runs the event loop (where blocking calls are refused).
  bool InEventLoopThread() const;
  const ClientOptions& options() const;
  const std::string& base_url() const;

 private:
  // Starts a unary call prepared by PrepareUnary; the callback runs on the event loop.
  using UnaryStarter = absl::AnyInvocable<void(internal::Completion<Status>)>;

  explicit Client(std::shared_ptr<internal::ClientCore> core);

  // Type-erased asynchronous unary call: prepares it now (the request is serialized or copied)
  // and returns the function that starts it. `response` must stay alive until the callback.
  UnaryStarter PrepareUnary(const MethodInfo& method, const google::protobuf::Message& request,
                            google::protobuf::Message* response, const CallOptions& options);
  // Type-erased streaming call of any kind; never null (a failure to start shows in its status).
  std::shared_ptr<internal::StreamCall> StartStream(const MethodInfo& method,
                                                    const CallOptions& options);
  // A stream with `request` sent and the request side closed (server streaming).
  std::shared_ptr<internal::StreamCall> StartServerStream(const MethodInfo& method,
                                                          const google::protobuf::Message& request,
                                                          const CallOptions& options);

  std::shared_ptr<internal::ClientCore> core_;
};

}  // namespace connectrpc

#endif  // CONNECTRPC_CLIENT_H_
