// The Connect server: a Beast HTTP/1.1 listener, one coroutine per connection, request validation,
// and the writer that turns a call's response events into bytes on the wire.
#include "connectrpc/server.h"

#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <variant>
#include <vector>

#include "connectrpc/codec.h"
#include "connectrpc/compression.h"
#include "connectrpc/envelope.h"
#include "connectrpc/protocol_connect.h"
#include "server_call.h"
#include "str_cat.h"

namespace connectrpc {
namespace internal {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using asio::awaitable;
constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);
constexpr size_t kReadBufferBytes = 64u << 10;

const Codec* FindCodec(const std::vector<const Codec*>& extra, std::string_view name) {
  for (const Codec* codec : extra) {
    if (codec != nullptr && codec->name() == name) return codec;
  }
  if (name == "proto") return &ProtoCodec();
  if (name == "json") return &JsonCodec();
  return nullptr;
}

// A request the server answers without running a handler.
struct Rejection {
  int http_status = 400;
  // The Connect error to send; for plain HTTP rejections (405, 415) only its message is used.
  Status status;
  bool connect_error = true;  // body is Connect error JSON (else text/plain)
  bool streaming = false;     // answer as a stream: 200 + end-stream error
  std::string stream_codec;   // content type codec for streaming rejections
  Headers headers;
};

Rejection ConnectError(Status status) {
  Rejection r;
  r.http_status = HttpStatusFromCode(status.code());
  r.status = std::move(status);
  return r;
}

Rejection PlainError(int http_status, std::string message) {
  Rejection r;
  r.http_status = http_status;
  r.status = Status(Code::kUnknown, std::move(message));
  r.connect_error = false;
  return r;
}

std::string SupportedContentTypes(StreamType type) {
  if (type == StreamType::kUnary) return "application/proto, application/json";
  return "application/connect+proto, application/connect+json";
}

void CopyFields(const http::fields& fields, Headers* headers) {
  for (const auto& field : fields) headers->Add(field.name_string(), field.value());
}

// Sets valid custom metadata on a response; invalid keys or values (CR, LF, ...) are dropped so a
// handler can never split the response.
template <typename Fields>
void SetMetadata(const Headers& metadata, std::string_view prefix, Fields* fields) {
  for (const auto& [key, value] : metadata) {
    if (protocol::IsReservedHeader(key) || !IsValidHeaderKey(key) || !IsValidHeaderValue(value)) {
      continue;
    }
    if (prefix.empty()) {
      fields->insert(key, value);
    } else {
      fields->insert(internal::StrCat(prefix, key), value);
    }
  }
}

}  // namespace

// Lets the route table be searched with a string_view (no per-request allocation).
struct TransparentStringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
};

// Adds the headers of ServerOptions::decorate_response, if set.
template <typename Fields>
void Decorate(const ServerOptions& options, const Headers& request_headers, Fields* fields) {
  if (!options.decorate_response) return;
  Headers extra;
  options.decorate_response(request_headers, extra);
  SetMetadata(extra, "", fields);
}

struct Route {
  std::string procedure;
  MethodInfo method;
  RouteHandler handler;
};

class SessionBase;

class ServerImpl {
 public:
  explicit ServerImpl(ServerOptions opts) : options(std::move(opts)) {}

  ServerOptions options;
  // Boxed so that a Route (and the string its MethodInfo views) never moves.
  std::unordered_map<std::string, std::unique_ptr<Route>, TransparentStringHash, std::equal_to<>>
      routes;
  asio::io_context ioc;
  std::optional<tcp::acceptor> acceptor;
  std::unique_ptr<asio::thread_pool> handler_pool;
  std::vector<std::thread> io_threads;
  std::atomic<bool> shutting_down{false};

  std::mutex mu;
  std::condition_variable cv;
  std::unordered_set<std::shared_ptr<SessionBase>> sessions;
  std::unique_ptr<asio::ssl::context> tls_context;  // set when serving HTTPS
  bool started = false;
  bool stopped = false;

  void Accept();
  void Forget(const std::shared_ptr<SessionBase>& session) {
    std::lock_guard<std::mutex> lock(mu);
    sessions.erase(session);
    cv.notify_all();
  }
  std::variant<Rejection, CallSetup> Prepare(const http::request<http::string_body>& request,
                                             std::string body,
                                             std::chrono::steady_clock::time_point received_at,
                                             const Route** route_out);
  void RunHandler(const Route& route, std::shared_ptr<ServerCallImpl> call);
};

// What the server needs of a connection, whatever its stream type.
class SessionBase : public std::enable_shared_from_this<SessionBase> {
 public:
  virtual ~SessionBase() = default;
  // Serves requests until the connection closes.
  virtual awaitable<void> Run() = 0;
  // On the session's executor: closes the connection if it is between requests.
  virtual void CloseIfIdle() = 0;
  // On the session's executor: ends the active call and closes the connection.
  virtual void Abort() = 0;
  virtual asio::any_io_executor executor() = 0;
};

// One connection: plain TCP (Stream = beast::tcp_stream) or TLS (beast::ssl_stream over it).
template <typename Stream>
class Session final : public SessionBase {
 public:
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

  template <typename... StreamArgs>
  Session(ServerImpl* server, StreamArgs&&... stream_args)
      : server_(server), stream_(std::forward<StreamArgs>(stream_args)...) {
    boost::system::error_code ec;
    auto endpoint = Lowest().socket().remote_endpoint(ec);
    if (!ec) peer_ = internal::StrCat(endpoint.address().to_string(), ":", endpoint.port());
    Lowest().socket().set_option(tcp::no_delay(true), ec);
    // Beast sizes each socket read by the buffer's free capacity (at least 512 bytes); start
    // large so a big body takes a few reads, not hundreds.
    buffer_.reserve(kReadBufferBytes);
  }

  awaitable<void> Run() override;
  void CloseIfIdle() override {
    if (idle_) Close();
  }
  void Abort() override {
    if (active_call_) active_call_->Abort(Status(Code::kUnavailable, "server is shutting down"));
    Close();
  }
  asio::any_io_executor executor() override { return stream_.get_executor(); }

 private:
  beast::tcp_stream& Lowest() { return beast::get_lowest_layer(stream_); }
  void Close() {
    boost::system::error_code ec;
    Lowest().socket().shutdown(tcp::socket::shutdown_both, ec);
    Lowest().socket().close(ec);
  }
  // Serves one request; returns false when the connection must be closed.
  awaitable<bool> Serve(http::request<http::string_body>& request,
                        std::chrono::steady_clock::time_point received_at);
  awaitable<bool> WriteRejection(const Rejection& rejection, const http::fields& request_fields,
                                 unsigned version, bool keep_alive);
  awaitable<bool> DrainCall(const std::shared_ptr<ServerCallImpl>& call, unsigned version,
                            bool keep_alive);
  awaitable<bool> WriteStreamHead(const CallSetup& setup, const Headers& headers, unsigned version,
                                  bool keep_alive);
  awaitable<bool> WriteUnaryEnd(const CallSetup& setup, ResponseEvent& event, unsigned version,
                                bool keep_alive);

  ServerImpl* server_;
  Stream stream_;
  beast::flat_buffer buffer_;
  std::string peer_;
  bool idle_ = false;
  std::shared_ptr<ServerCallImpl> active_call_;
};

template <typename Stream>
awaitable<void> Session<Stream>::Run() {
  auto self = shared_from_this();
  const ServerOptions& options = server_->options;
  if constexpr (kTls) {
    Lowest().expires_after(options.idle_timeout);
    auto [handshake_ec] =
        co_await stream_.async_handshake(asio::ssl::stream_base::server, kUseTuple);
    if (handshake_ec) {
      Close();
      server_->Forget(self);
      co_return;
    }
  }
  while (!server_->shutting_down) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(options.max_header_bytes));
    parser.body_limit(options.max_request_body_bytes);
    idle_ = true;
    Lowest().expires_after(options.idle_timeout);
    auto [ec, n] = co_await http::async_read_header(stream_, buffer_, parser, kUseTuple);
    idle_ = false;
    if (ec == http::error::header_limit) {
      http::response<http::string_body> res{http::status::request_header_fields_too_large, 11};
      res.set(http::field::content_type, "text/plain");
      res.set(http::field::connection, "close");
      res.body() = "request header block too large";
      res.prepare_payload();
      co_await http::async_write(stream_, res, kUseTuple);
      break;
    }
    if (ec) break;
    const auto received_at = std::chrono::steady_clock::now();
    if (parser.get()[http::field::expect] == "100-continue") {
      http::response<http::empty_body> cont{http::status::continue_, 11};
      co_await http::async_write(stream_, cont, kUseTuple);
    }
    if (!parser.is_done()) {
      auto [body_ec, body_n] = co_await http::async_read(stream_, buffer_, parser, kUseTuple);
      if (body_ec == http::error::body_limit) {
        Rejection r = ConnectError(Status(
            Code::kResourceExhausted, internal::StrCat("request body exceeds the limit of ",
                                                       options.max_request_body_bytes, " bytes")));
        co_await WriteRejection(r, parser.get().base(), parser.get().version(),
                                /*keep_alive=*/false);
        break;
      }
      if (body_ec) break;
    }
    Lowest().expires_never();
    const bool keep_alive = parser.keep_alive();
    http::request<http::string_body> request = parser.release();
    bool ok = co_await Serve(request, received_at);
    if (!ok || !keep_alive) break;
  }
  Close();
  server_->Forget(self);
}

template <typename Stream>
awaitable<bool> Session<Stream>::Serve(http::request<http::string_body>& request,
                                       std::chrono::steady_clock::time_point received_at) {
  const unsigned version = request.version();
  const bool keep_alive = request.keep_alive() && !server_->shutting_down;
  const Route* route = nullptr;
  std::string body = std::move(request.body());
  auto prepared = server_->Prepare(request, std::move(body), received_at, &route);
  if (auto* rejection = std::get_if<Rejection>(&prepared)) {
    co_return co_await WriteRejection(*rejection, request.base(), version, keep_alive);
  }
  CallSetup& setup = std::get<CallSetup>(prepared);
  setup.peer = peer_;
  auto call = std::make_shared<ServerCallImpl>(std::move(setup), stream_.get_executor());
  active_call_ = call;

  asio::steady_timer deadline_timer(stream_.get_executor());
  if (call->setup().deadline) {
    deadline_timer.expires_at(*call->setup().deadline);
    deadline_timer.async_wait(
        [weak = std::weak_ptr<ServerCallImpl>(call)](boost::system::error_code ec) {
          if (ec) return;
          if (auto c = weak.lock()) {
            c->Abort(Status(Code::kDeadlineExceeded, "the call's deadline was exceeded"));
          }
        });
  }
  asio::post(*server_->handler_pool,
             [server = server_, route, call] { server->RunHandler(*route, call); });
  bool ok = co_await DrainCall(call, version, keep_alive);
  deadline_timer.cancel();
  active_call_.reset();
  co_return ok;
}

void ServerImpl::RunHandler(const Route& route, std::shared_ptr<ServerCallImpl> call) {
  ServerContext context(call.get());
  Status status;
  if (!call->cancellation().ok()) return;  // the deadline passed while the call was queued
  try {
    std::function<Status()> next = [&] { return route.handler(context, *call); };
    for (auto it = options.interceptors.rbegin(); it != options.interceptors.rend(); ++it) {
      next = [interceptor = it->get(), next = std::move(next), &context] {
        return interceptor->Intercept(context, next);
      };
    }
    status = next();
  } catch (const std::exception& e) {
    status = Status(Code::kInternal, internal::StrCat("handler threw an exception: ", e.what()));
  } catch (...) {
    status = Status(Code::kInternal, "handler threw an exception");
  }
  call->Complete(std::move(status));
}

template <typename Stream>
awaitable<bool> Session<Stream>::DrainCall(const std::shared_ptr<ServerCallImpl>& call,
                                           unsigned version, bool keep_alive) {
  const CallSetup& setup = call->setup();
  bool head_written = false;
  for (;;) {
    std::optional<ResponseEvent> event = call->PopEvent();
    if (!event) {
      co_await call->wake_timer().async_wait(kUseTuple);
      continue;
    }
    if (!setup.streaming_protocol) {
      if (event->kind != ResponseEvent::kEnd) continue;  // unary calls only produce an end
      co_return co_await WriteUnaryEnd(setup, *event, version, keep_alive);
    }
    if (!head_written) {
      if (!co_await WriteStreamHead(setup, event->headers, version, keep_alive)) {
        call->Abort(Status(Code::kCanceled, "the client went away"));
        co_return false;
      }
      head_written = true;
    }
    if (event->kind == ResponseEvent::kHeaders) continue;
    if (event->kind == ResponseEvent::kMessage) {
      auto [ec, n] = co_await asio::async_write(
          stream_, http::make_chunk(asio::buffer(event->payload)), kUseTuple);
      if (ec) {
        call->Abort(Status(Code::kCanceled, "the client went away"));
        co_return false;
      }
      continue;
    }
    std::string frame;
    AppendEnvelope(kEnvelopeEndStream, protocol::EndStreamToJson(event->status, event->trailers),
                   &frame);
    auto [ec, n] =
        co_await asio::async_write(stream_, http::make_chunk(asio::buffer(frame)), kUseTuple);
    if (ec) co_return false;
    auto [ec2, n2] = co_await asio::async_write(stream_, http::make_chunk_last(), kUseTuple);
    co_return !ec2 && keep_alive;
  }
}

template <typename Stream>
awaitable<bool> Session<Stream>::WriteStreamHead(const CallSetup& setup, const Headers& headers,
                                                 unsigned version, bool keep_alive) {
  http::response<http::empty_body> res{http::status::ok, version};
  res.set(http::field::content_type, protocol::FormatContentType(true, setup.codec->name()));
  if (setup.response_compressor != nullptr) {
    res.set(protocol::kStreamEncodingHeader, setup.response_compressor->name());
  }
  res.set(protocol::kStreamAcceptEncodingHeader, SupportedEncodings());
  SetMetadata(headers, "", &res.base());
  Decorate(server_->options, setup.request_headers, &res.base());
  res.keep_alive(keep_alive);
  res.chunked(true);
  http::response_serializer<http::empty_body> serializer(res);
  auto [ec, n] = co_await http::async_write_header(stream_, serializer, kUseTuple);
  co_return !ec;
}

template <typename Stream>
awaitable<bool> Session<Stream>::WriteUnaryEnd(const CallSetup& setup, ResponseEvent& event,
                                               unsigned version, bool keep_alive) {
  http::response<http::string_body> res;
  res.version(version);
  SetMetadata(event.headers, "", &res.base());
  if (event.status.ok()) {
    res.result(http::status::ok);
    res.set(http::field::content_type, protocol::FormatContentType(false, setup.codec->name()));
    if (event.payload_compressed) {
      res.set(http::field::content_encoding, setup.response_compressor->name());
    }
    res.body() = std::move(event.payload);
  } else {
    SetMetadata(event.status.metadata(), "", &res.base());
    res.result(static_cast<unsigned>(HttpStatusFromCode(event.status.code())));
    res.set(http::field::content_type, protocol::kJsonErrorContentType);
    res.body() = protocol::ErrorToJson(event.status);
  }
  res.set(http::field::accept_encoding, SupportedEncodings());
  SetMetadata(event.trailers, protocol::kTrailerPrefix, &res.base());
  Decorate(server_->options, setup.request_headers, &res.base());
  res.keep_alive(keep_alive);
  res.prepare_payload();
  auto [ec, n] = co_await http::async_write(stream_, res, kUseTuple);
  co_return !ec && keep_alive;
}

template <typename Stream>
awaitable<bool> Session<Stream>::WriteRejection(const Rejection& rejection,
                                                const http::fields& request_fields,
                                                unsigned version, bool keep_alive) {
  http::response<http::string_body> res;
  res.version(version);
  SetMetadata(rejection.headers, "", &res.base());
  if (server_->options.decorate_response) {
    Headers request_headers;
    CopyFields(request_fields, &request_headers);
    Decorate(server_->options, request_headers, &res.base());
  }
  if (rejection.streaming) {
    res.result(http::status::ok);
    res.set(http::field::content_type, protocol::FormatContentType(true, rejection.stream_codec));
    AppendEnvelope(kEnvelopeEndStream, protocol::EndStreamToJson(rejection.status, Headers()),
                   &res.body());
  } else if (rejection.connect_error) {
    res.result(static_cast<unsigned>(rejection.http_status));
    res.set(http::field::content_type, protocol::kJsonErrorContentType);
    res.body() = protocol::ErrorToJson(rejection.status);
  } else {
    res.result(static_cast<unsigned>(rejection.http_status));
    res.set(http::field::content_type, "text/plain; charset=utf-8");
    res.body() = rejection.status.message();
  }
  res.keep_alive(keep_alive);
  res.prepare_payload();
  auto [ec, n] = co_await http::async_write(stream_, res, kUseTuple);
  co_return !ec && keep_alive;
}

std::variant<Rejection, CallSetup> ServerImpl::Prepare(
    const http::request<http::string_body>& request, std::string body,
    std::chrono::steady_clock::time_point received_at, const Route** route_out) {
  std::string_view target = request.target();
  std::string_view path = target;
  std::string_view query;
  if (auto q = target.find('?'); q != std::string_view::npos) {
    path = target.substr(0, q);
    query = target.substr(q + 1);
  }
  auto it = routes.find(path);
  if (it == routes.end()) {
    Rejection r =
        ConnectError(Status(Code::kUnimplemented, internal::StrCat("no procedure at path ", path)));
    r.http_status = 404;
    return r;
  }
  const Route& route = *it->second;
  *route_out = &route;
  const MethodInfo& method = route.method;
  const bool get_allowed =
      method.stream_type == StreamType::kUnary && method.idempotency == Idempotency::kNoSideEffects;
  const bool is_get = request.method() == http::verb::get;
  if (request.method() != http::verb::post && !(is_get && get_allowed)) {
    Rejection r =
        PlainError(405, internal::StrCat("method ", std::string_view(request.method_string()),
                                         " is not allowed for ", path));
    r.headers.Add("allow", get_allowed ? "GET, POST" : "POST");
    return r;
  }

  CallSetup setup;
  setup.method = method;
  setup.http_method = std::string(request.method_string());
  CopyFields(request.base(), &setup.request_headers);
  const bool streaming = method.stream_type != StreamType::kUnary;
  setup.streaming_protocol = streaming;

  std::string request_encoding;
  std::string message_bytes;
  if (is_get) {
    setup.query = std::string(query);
    Result<protocol::GetQuery> parsed = protocol::ParseGetQuery(query);
    if (!parsed.ok()) return ConnectError(parsed.status());
    setup.codec = FindCodec(options.codecs, parsed->codec);
    if (setup.codec == nullptr) {
      return PlainError(415, internal::StrCat("unsupported encoding \"", parsed->codec,
                                              "\": supported are proto, json"));
    }
    request_encoding = std::move(parsed->compression);
    message_bytes = std::move(parsed->message);
  } else {
    std::string_view content_type = request[http::field::content_type];
    std::optional<protocol::ContentType> parsed = protocol::ParseContentType(content_type);
    if (parsed) setup.codec = FindCodec(options.codecs, parsed->codec);
    if (!parsed || parsed->streaming != streaming || setup.codec == nullptr) {
      Rejection r = PlainError(
          415, internal::StrCat("unsupported content type \"", content_type, "\" for ", path));
      r.headers.Add("accept-post", SupportedContentTypes(method.stream_type));
      return r;
    }
    request_encoding = std::string(request[streaming ? protocol::kStreamEncodingHeader
                                                     : std::string_view("content-encoding")]);
    message_bytes = std::move(body);
  }

  auto fail = [&](Status status) -> Rejection {
    Rejection r = ConnectError(std::move(status));
    r.streaming = streaming;
    r.stream_codec = std::string(setup.codec->name());
    return r;
  };

  if (auto timeout = request.find(protocol::kTimeoutHeader); timeout != request.end()) {
    Result<std::chrono::milliseconds> ms = protocol::ParseTimeout(timeout->value());
    if (!ms.ok()) return fail(ms.status());
    setup.deadline = received_at + *ms;
  }

  const Compressor* request_compressor = nullptr;
  if (!request_encoding.empty() && request_encoding != kIdentityEncoding) {
    request_compressor = FindCompressor(request_encoding);
    if (request_compressor == nullptr) {
      return fail(Status(Code::kUnimplemented,
                         internal::StrCat("unsupported compression \"", request_encoding,
                                          "\": supported encodings are gzip, identity")));
    }
  }
  std::string_view accept = request[streaming ? protocol::kStreamAcceptEncodingHeader
                                              : std::string_view("accept-encoding")];
  setup.response_compressor =
      FindCompressor(protocol::NegotiateResponseEncoding(request_encoding, accept));
  setup.compress_min_bytes = options.compress_min_bytes;

  const size_t limit = options.max_receive_message_bytes;
  auto too_big = [&](size_t size) {
    return fail(Status(Code::kResourceExhausted,
                       internal::StrCat("request message of ", size, " bytes exceeds the limit of ",
                                        limit, " bytes")));
  };
  if (!streaming) {
    if (request_compressor != nullptr && !message_bytes.empty()) {
      std::string plain;
      Status s = request_compressor->Decompress(message_bytes, &plain, limit);
      if (!s.ok()) return fail(std::move(s));
      message_bytes.swap(plain);
    } else if (limit > 0 && message_bytes.size() > limit) {
      return too_big(message_bytes.size());
    }
    setup.requests.push_back(std::move(message_bytes));
    return setup;
  }

  EnvelopeReader reader(request_compressor == nullptr ? limit : options.max_request_body_bytes);
  reader.Feed(message_bytes);
  std::string().swap(message_bytes);
  Envelope frame;
  for (;;) {
    EnvelopeReader::Outcome outcome = reader.Next(&frame);
    if (outcome == EnvelopeReader::kNeedMore) break;
    if (outcome == EnvelopeReader::kError) return fail(reader.status());
    if (frame.flags & kEnvelopeEndStream) {
      return fail(Status(Code::kInvalidArgument, "request stream carries an end-stream frame"));
    }
    if (frame.flags & kEnvelopeCompressed) {
      if (request_compressor == nullptr) {
        return fail(Status(Code::kInternal,
                           "protocol error: compressed message without Connect-Content-Encoding"));
      }
      std::string plain;
      Status s = request_compressor->Decompress(frame.payload, &plain, limit);
      if (!s.ok()) return fail(std::move(s));
      setup.requests.push_back(std::move(plain));
    } else {
      if (limit > 0 && frame.payload.size() > limit) return too_big(frame.payload.size());
      setup.requests.push_back(std::move(frame.payload));
    }
  }
  if (reader.HasPartialFrame()) {
    return fail(Status(Code::kInvalidArgument, "request stream ends inside a message frame"));
  }
  if (method.stream_type == StreamType::kServerStream && setup.requests.size() != 1) {
    return fail(Status(
        Code::kUnimplemented,
        internal::StrCat("server-streaming procedure ", path,
                         " expects exactly one request message, got ", setup.requests.size())));
  }
  return setup;
}

void ServerImpl::Accept() {
  acceptor->async_accept(
      asio::make_strand(ioc), [this](boost::system::error_code ec, tcp::socket socket) {
        if (ec) {
          if (ec == asio::error::operation_aborted || !acceptor->is_open()) return;
          Accept();
          return;
        }
        if (shutting_down) return;
        std::shared_ptr<SessionBase> session;
        if (tls_context) {
          session = std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(
              this, std::move(socket), *tls_context);
        } else {
          session = std::make_shared<Session<beast::tcp_stream>>(this, std::move(socket));
        }
        {
          std::lock_guard<std::mutex> lock(mu);
          sessions.insert(session);
        }
        asio::co_spawn(session->executor(), session->Run(), asio::detached);
        Accept();
      });
}

}  // namespace internal

Server::Server(ServerOptions options)
    : impl_(std::make_unique<internal::ServerImpl>(std::move(options))) {}

Server::~Server() { Shutdown(std::chrono::milliseconds(0)); }

void Server::AddRoute(const MethodInfo& method, internal::RouteHandler handler) {
  auto route = std::make_unique<internal::Route>();
  route->procedure = std::string(method.procedure);
  route->method = method;
  route->method.procedure = route->procedure;
  route->handler = std::move(handler);
  std::string key = route->procedure;
  impl_->routes.insert_or_assign(std::move(key), std::move(route));
}

Status Server::Listen(std::string_view host, uint16_t port) {
  namespace asio = boost::asio;
  using tcp = asio::ip::tcp;
  boost::system::error_code ec;
  auto address = asio::ip::make_address(host, ec);
  if (ec) {
    tcp::resolver resolver(impl_->ioc);
    auto results = resolver.resolve(host, std::to_string(port), ec);
    if (ec || results.empty()) {
      return Status(Code::kInvalidArgument, internal::StrCat("cannot resolve listen host ", host));
    }
    address = results.begin()->endpoint().address();
  }
  if (!impl_->options.tls_certificate_chain_pem.empty() ||
      !impl_->options.tls_private_key_pem.empty()) {
    auto context = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
    context->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                             asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                             asio::ssl::context::no_tlsv1_1,
                         ec);
    const std::string& chain = impl_->options.tls_certificate_chain_pem;
    const std::string& key = impl_->options.tls_private_key_pem;
    if (!ec) context->use_certificate_chain(asio::buffer(chain.data(), chain.size()), ec);
    if (!ec) {
      context->use_private_key(asio::buffer(key.data(), key.size()), asio::ssl::context::pem, ec);
    }
    if (ec) {
      return Status(
          Code::kInvalidArgument,
          internal::StrCat("TLS: cannot use the server certificate and key: ", ec.message()));
    }
    impl_->tls_context = std::move(context);
  }
  tcp::endpoint endpoint(address, port);
  tcp::acceptor acceptor(impl_->ioc);
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Status(Code::kUnavailable,
                  internal::StrCat("cannot listen on ", host, ":", port, ": ", ec.message()));
  }
  impl_->acceptor.emplace(std::move(acceptor));
  return Status();
}

uint16_t Server::port() const {
  if (!impl_->acceptor) return 0;
  boost::system::error_code ec;
  auto endpoint = impl_->acceptor->local_endpoint(ec);
  return ec ? 0 : endpoint.port();
}

void Server::Start() {
  std::lock_guard<std::mutex> lock(impl_->mu);
  if (impl_->started || !impl_->acceptor) return;
  impl_->started = true;
  impl_->handler_pool =
      std::make_unique<boost::asio::thread_pool>(std::max(1, impl_->options.handler_threads));
  impl_->Accept();
  for (int i = 0; i < std::max(1, impl_->options.io_threads); ++i) {
    impl_->io_threads.emplace_back([this] { impl_->ioc.run(); });
  }
}

void Server::Shutdown(std::chrono::milliseconds grace) {
  namespace asio = boost::asio;
  internal::ServerImpl& impl = *impl_;
  {
    std::lock_guard<std::mutex> lock(impl.mu);
    if (!impl.started || impl.stopped || impl.shutting_down.exchange(true)) return;
  }
  asio::post(impl.ioc, [&impl] {
    boost::system::error_code ec;
    if (impl.acceptor) impl.acceptor->close(ec);
  });
  auto for_each_session = [&impl](auto action) {
    std::lock_guard<std::mutex> lock(impl.mu);
    for (const auto& session : impl.sessions) {
      asio::post(session->executor(), [session, action] { action(*session); });
    }
  };
  for_each_session([](internal::SessionBase& s) { s.CloseIfIdle(); });
  {
    std::unique_lock<std::mutex> lock(impl.mu);
    impl.cv.wait_for(lock, grace, [&impl] { return impl.sessions.empty(); });
  }
  for_each_session([](internal::SessionBase& s) { s.Abort(); });
  {
    std::unique_lock<std::mutex> lock(impl.mu);
    impl.cv.wait_for(lock, std::chrono::seconds(5), [&impl] { return impl.sessions.empty(); });
  }
  impl.ioc.stop();
  for (auto& thread : impl.io_threads) thread.join();
  impl.io_threads.clear();
  if (impl.handler_pool) impl.handler_pool->join();
  {
    std::lock_guard<std::mutex> lock(impl.mu);
    impl.sessions.clear();
    impl.stopped = true;
  }
  impl.cv.notify_all();
}

void Server::Wait() {
  std::unique_lock<std::mutex> lock(impl_->mu);
  impl_->cv.wait(lock, [this] { return impl_->stopped || !impl_->started; });
}

}  // namespace connectrpc
