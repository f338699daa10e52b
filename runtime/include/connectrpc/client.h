// Client: a Connect client for one base URL, shared by generated service clients.
//
//   auto client = connectrpc::Client::Create("http://127.0.0.1:8080").value();
//   foo::v1::EchoServiceClient echo(client);
//   connectrpc::Result<foo::v1::SayResponse> r = echo.Say(request);
//
// A Client is thread-safe: any number of threads may make calls at once. Calls block the calling
// thread until they finish, fail, time out or are cancelled; each in-flight call uses its own
// keep-alive connection, taken from and returned to a pool.
#ifndef CONNECTRPC_CLIENT_H_
#define CONNECTRPC_CLIENT_H_

#include <google/protobuf/message.h>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "connectrpc/call_options.h"
#include "connectrpc/client_stream.h"
#include "connectrpc/codec.h"
#include "connectrpc/compression.h"
#include "connectrpc/method.h"
#include "connectrpc/result.h"
#include "connectrpc/status.h"
#include "connectrpc/transport.h"

namespace connectrpc {

// What a client interceptor sees of a call.
struct ClientCallInfo {
  const MethodInfo& method;
  Headers& request_headers;  // mutable: interceptors may add metadata
};

// Wraps calls made by a Client: add headers, log, retry unary calls, fail early.
// Interceptors run in the order given, the first one outermost. They must be thread-safe.
class ClientInterceptor {
 public:
  using UnaryNext = std::function<Status(ClientCallInfo&, const google::protobuf::Message&,
                                         google::protobuf::Message*)>;
  virtual ~ClientInterceptor() = default;
  // Around a unary call. Call `next` zero or more times.
  virtual Status InterceptUnary(ClientCallInfo& info, const google::protobuf::Message& request,
                                google::protobuf::Message* response, const UnaryNext& next) {
    return next(info, request, response);
  }
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
  // The HTTP transport; nullptr selects the built-in HTTP/1.1 transport (Boost.Beast).
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

  // Typed entry points used by generated clients.
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
    auto call = StartStream(method, options);
    if (call->Send(request)) call->CloseSend();
    return ServerStreamReader<Response>(std::move(call));
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

  // Type-erased unary call: fills `response` on success.
  Status Unary(const MethodInfo& method, const google::protobuf::Message& request,
               google::protobuf::Message* response, const CallOptions& options);
  // Type-erased streaming call of any kind; never null (a failure to start shows in its status).
  std::unique_ptr<internal::StreamCall> StartStream(const MethodInfo& method,
                                                    const CallOptions& options);

  const ClientOptions& options() const { return options_; }
  const std::string& base_url() const { return base_url_; }

 private:
  Client(std::string base_url, std::string path_prefix, ClientOptions options,
         std::shared_ptr<Transport> transport);
  Status UnaryOnce(ClientCallInfo& info, const CallOptions& options,
                   const google::protobuf::Message& request, google::protobuf::Message* response);

  std::string base_url_;
  std::string path_prefix_;
  ClientOptions options_;
  std::shared_ptr<Transport> transport_;
};

}  // namespace connectrpc

#endif  // CONNECTRPC_CLIENT_H_
