// The built-in HTTP/1.1 transport: blocking exchanges on pooled keep-alive connections.
//
// Each connection owns a private io_context. An operation starts an asynchronous Beast/Asio
// operation and runs that io_context on the calling thread until it completes; the stream's
// expiry enforces the call deadline, and Cancel() posts a socket close from any thread.
#include <openssl/ssl.h>

#include <array>
#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "connectrpc/transport.h"
#include "str_cat.h"

namespace connectrpc {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

constexpr size_t kReadChunkBytes = 64u << 10;

// One connection: a TCP stream, optionally wrapped in TLS. `tcp()` is the transport layer (for
// timeouts and closing); `Visit` hands the top layer to generic code.
struct Connection {
  asio::io_context ioc{1};
  std::unique_ptr<beast::tcp_stream> plain;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> tls;
  beast::flat_buffer buffer;

  Connection() { buffer.reserve(kReadChunkBytes); }  // see the server's kReadBufferBytes

  beast::tcp_stream& tcp() { return tls ? tls->next_layer() : *plain; }
  template <typename F>
  void Visit(F&& f) {
    if (tls) {
      f(*tls);
    } else {
      f(*plain);
    }
  }
};

// True if an idle pooled connection still looks usable: open, nothing unread, no EOF pending.
bool StillAlive(Connection& connection) {
  auto& socket = connection.tcp().socket();
  if (!socket.is_open() || connection.buffer.size() > 0) return false;
  boost::system::error_code ec;
  socket.non_blocking(true, ec);
  if (ec) return false;
  char byte;
  socket.receive(asio::buffer(&byte, 1), tcp::socket::message_peek, ec);
  boost::system::error_code ignored;
  socket.non_blocking(false, ignored);
  return ec == asio::error::would_block;
}

class Http1Transport final : public Transport, public std::enable_shared_from_this<Http1Transport> {
 public:
  Http1Transport(std::string host, uint16_t port, const TransportOptions& options,
                 std::shared_ptr<asio::ssl::context> tls_context)
      : host_(std::move(host)),
        port_(port),
        options_(options),
        tls_context_(std::move(tls_context)) {
    const uint16_t default_port = tls_context_ ? 443 : 80;
    host_header_ = port_ == default_port ? host_ : internal::StrCat(host_, ":", port_);
    if (host_.find(':') != std::string::npos)
      host_header_ = internal::StrCat("[", host_, "]:", port_);
  }

  Result<std::unique_ptr<HttpExchange>> Open(std::optional<Clock::time_point> deadline) override;

  void Release(std::unique_ptr<Connection> connection) {
    std::lock_guard<std::mutex> lock(mu_);
    if (idle_.size() < options_.max_idle_connections) idle_.push_back(std::move(connection));
  }
  const TransportOptions& options() const { return options_; }
  const std::string& host_header() const { return host_header_; }

 private:
  std::unique_ptr<Connection> TakeIdle() {
    std::lock_guard<std::mutex> lock(mu_);
    while (!idle_.empty()) {
      std::unique_ptr<Connection> connection = std::move(idle_.back());
      idle_.pop_back();
      if (StillAlive(*connection)) return connection;
    }
    return nullptr;
  }
  Result<std::unique_ptr<Connection>> Connect(std::optional<Clock::time_point> deadline);

  std::string host_;
  uint16_t port_;
  TransportOptions options_;
  std::string host_header_;
  std::shared_ptr<asio::ssl::context> tls_context_;  // null for plain http
  std::mutex mu_;
  std::deque<std::unique_ptr<Connection>> idle_;
};

class Http1Exchange final : public HttpExchange {
 public:
  Http1Exchange(std::shared_ptr<Http1Transport> transport, std::unique_ptr<Connection> connection,
                std::optional<Clock::time_point> deadline)
      : transport_(std::move(transport)), connection_(std::move(connection)), deadline_(deadline) {}

  ~Http1Exchange() override {
    std::lock_guard<std::mutex> lock(cancel_mu_);
    if (request_done_ && parser_ && parser_->is_done() && parser_->get().keep_alive() &&
        !cancelled_ && !failed_) {
      transport_->Release(std::move(connection_));
    }
  }

  Status WriteHead(const HttpRequestHead& head) override {
    head_ = internal::StrCat(head.method, " ", head.target,
                             " HTTP/1.1\r\nhost: ", transport_->host_header(), "\r\n");
    for (const auto& [key, value] : head.headers) {
      if (!IsValidHeaderKey(key) || !IsValidHeaderValue(value)) {
        return Status(Code::kInvalidArgument,
                      internal::StrCat("invalid request header \"", key, "\""));
      }
      internal::StrAppend(&head_, key, ": ", value, "\r\n");
    }
    chunked_ = !head.content_length.has_value();
    if (chunked_) {
      internal::StrAppend(&head_, "transfer-encoding: chunked\r\n\r\n");
      return Write(asio::buffer(head_));
    }
    if (*head.content_length > 0 || head.method != "GET") {
      internal::StrAppend(&head_, "content-length: ", *head.content_length, "\r\n");
    }
    internal::StrAppend(&head_, "\r\n");
    head_pending_ = true;  // sent together with the body in one write
    return Status();
  }

  Status WriteBody(std::string_view data) override {
    if (chunked_) {
      if (data.empty()) return Status();  // an empty chunk would end the body
      return Write(http::make_chunk(asio::buffer(data.data(), data.size())));
    }
    if (head_pending_) {
      head_pending_ = false;
      std::array<asio::const_buffer, 2> buffers{asio::buffer(head_),
                                                asio::buffer(data.data(), data.size())};
      return Write(buffers);
    }
    return Write(asio::buffer(data.data(), data.size()));
  }

  Status FinishBody() override {
    Status status;
    if (chunked_) {
      status = Write(http::make_chunk_last());
    } else if (head_pending_) {
      head_pending_ = false;
      status = Write(asio::buffer(head_));
    }
    if (status.ok()) request_done_ = true;
    return status;
  }

  Result<HttpResponseHead> ReadHead() override {
    parser_.emplace();
    parser_->header_limit(
        static_cast<std::uint32_t>(transport_->options().max_response_header_bytes));
    parser_->body_limit(boost::none);
    Status status = Run([&](auto handler) {
      connection_->Visit([&](auto& stream) {
        http::async_read_header(stream, connection_->buffer, *parser_, std::move(handler));
      });
    });
    if (!status.ok()) return status;
    HttpResponseHead head;
    head.status = static_cast<int>(parser_->get().result_int());
    for (const auto& field : parser_->get()) head.headers.Add(field.name_string(), field.value());
    return head;
  }

  Result<bool> ReadBody(std::string* out) override {
    if (!parser_) return Status(Code::kInternal, "ReadBody before ReadHead");
    while (!parser_->is_done()) {
      size_t old_size = out->size();
      out->resize(old_size + kReadChunkBytes);
      parser_->get().body().data = out->data() + old_size;
      parser_->get().body().size = kReadChunkBytes;
      Status status = Run([&](auto handler) {
        connection_->Visit([&](auto& stream) {
          http::async_read_some(stream, connection_->buffer, *parser_, std::move(handler));
        });
      });
      size_t got = kReadChunkBytes - parser_->get().body().size;
      out->resize(old_size + got);
      if (!status.ok()) return status;
      if (got > 0) return true;
    }
    return false;
  }

  void Cancel() override {
    std::lock_guard<std::mutex> lock(cancel_mu_);
    if (cancelled_.exchange(true) || !connection_) return;
    asio::post(connection_->ioc, [connection = connection_.get()] {
      boost::system::error_code ec;
      connection->tcp().socket().close(ec);
    });
  }

 private:
  template <typename Buffers>
  Status Write(const Buffers& buffers) {
    return Run([&](auto handler) {
      connection_->Visit(
          [&](auto& stream) { asio::async_write(stream, buffers, std::move(handler)); });
    });
  }

  // Starts an operation via `initiate(handler)` and runs the connection's io_context until done.
  template <typename Initiate>
  Status Run(Initiate&& initiate) {
    if (cancelled_) return Status(Code::kCanceled, "call was cancelled");
    if (failed_) return Status(Code::kUnavailable, "connection already failed");
    const Clock::time_point now = Clock::now();
    if (deadline_ && now >= *deadline_) {
      failed_ = true;
      return Status(Code::kDeadlineExceeded, "the call's deadline was exceeded");
    }
    std::optional<Clock::time_point> limit = deadline_;
    bool idle_limited = false;
    const auto& idle = transport_->options().idle_timeout;
    if (idle && (!limit || now + *idle < *limit)) {
      limit = now + *idle;
      idle_limited = true;
    }
    if (limit) {
      connection_->tcp().expires_at(*limit);
    } else {
      connection_->tcp().expires_never();
    }
    boost::system::error_code result;
    initiate([&result](boost::system::error_code ec, std::size_t) { result = ec; });
    connection_->ioc.restart();
    connection_->ioc.run();
    if (!result || result == http::error::need_buffer) return Status();
    failed_ = true;
    if (cancelled_) return Status(Code::kCanceled, "call was cancelled");
    if (result == beast::error::timeout) {
      if (idle_limited) {
        return Status(
            Code::kUnavailable,
            internal::StrCat("HTTP transport: nothing received or sent for ",
                             transport_->options().idle_timeout->count(), " ms (idle timeout)"));
      }
      return Status(Code::kDeadlineExceeded, "the call's deadline was exceeded");
    }
    return Status(Code::kUnavailable, internal::StrCat("HTTP transport: ", result.message()));
  }

  std::shared_ptr<Http1Transport> transport_;
  std::unique_ptr<Connection> connection_;
  std::optional<Clock::time_point> deadline_;
  std::optional<http::response_parser<http::buffer_body>> parser_;
  std::string head_;
  bool head_pending_ = false;
  bool chunked_ = false;
  bool request_done_ = false;
  bool failed_ = false;
  std::atomic<bool> cancelled_{false};
  std::mutex cancel_mu_;
};

Result<std::unique_ptr<Connection>> Http1Transport::Connect(
    std::optional<Clock::time_point> deadline) {
  auto connection = std::make_unique<Connection>();
  Clock::time_point limit = Clock::now() + options_.connect_timeout;
  const bool limited_by_deadline = deadline && *deadline < limit;
  if (limited_by_deadline) limit = *deadline;
  auto timeout_status = [&](std::string_view what) {
    if (limited_by_deadline) {
      return Status(Code::kDeadlineExceeded,
                    internal::StrCat("the call's deadline was exceeded while ", what));
    }
    return Status(Code::kUnavailable, internal::StrCat("timed out ", what, " ", host_, ":", port_));
  };
  boost::system::error_code ec;
  tcp::resolver resolver(connection->ioc);
  auto endpoints = resolver.resolve(host_, std::to_string(port_), ec);
  if (ec) {
    return Status(Code::kUnavailable,
                  internal::StrCat("cannot resolve ", host_, ": ", ec.message()));
  }
  if (tls_context_) {
    connection->tls =
        std::make_unique<beast::ssl_stream<beast::tcp_stream>>(connection->ioc, *tls_context_);
  } else {
    connection->plain = std::make_unique<beast::tcp_stream>(connection->ioc);
  }
  beast::tcp_stream& stream = connection->tcp();
  stream.expires_at(limit);
  boost::system::error_code result;
  stream.async_connect(
      endpoints, [&result](boost::system::error_code e, const tcp::endpoint&) { result = e; });
  connection->ioc.run();
  if (result) {
    if (result == beast::error::timeout) return timeout_status("connecting to");
    return Status(Code::kUnavailable, internal::StrCat("cannot connect to ", host_, ":", port_,
                                                       ": ", result.message()));
  }
  stream.socket().set_option(tcp::no_delay(true), ec);
  if (connection->tls) {
    // SNI and host name verification, then the handshake, under the same time limit.
    if (!SSL_set_tlsext_host_name(connection->tls->native_handle(), host_.c_str())) {
      return Status(Code::kUnavailable, "TLS: cannot set the server name");
    }
    if (options_.verify_peer) {
      connection->tls->set_verify_callback(asio::ssl::host_name_verification(host_));
    }
    connection->ioc.restart();
    connection->tls->async_handshake(asio::ssl::stream_base::client,
                                     [&result](boost::system::error_code e) { result = e; });
    connection->ioc.run();
    if (result) {
      if (result == beast::error::timeout) return timeout_status("during the TLS handshake with");
      return Status(Code::kUnavailable, internal::StrCat("TLS handshake with ", host_, ":", port_,
                                                         " failed: ", result.message()));
    }
  }
  return connection;
}

Result<std::unique_ptr<HttpExchange>> Http1Transport::Open(
    std::optional<Clock::time_point> deadline) {
  std::unique_ptr<Connection> connection = TakeIdle();
  if (!connection) {
    Result<std::unique_ptr<Connection>> fresh = Connect(deadline);
    if (!fresh.ok()) return fresh.status();
    connection = std::move(*fresh);
  }
  return std::unique_ptr<HttpExchange>(
      std::make_unique<Http1Exchange>(shared_from_this(), std::move(connection), deadline));
}

}  // namespace

Result<std::shared_ptr<Transport>> MakeHttp1Transport(std::string host, uint16_t port, bool use_tls,
                                                      const TransportOptions& options) {
  if (host.empty()) return Status(Code::kInvalidArgument, "empty host");
  std::shared_ptr<asio::ssl::context> tls_context;
  if (use_tls) {
    tls_context = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
    boost::system::error_code ec;
    tls_context->set_options(asio::ssl::context::default_workarounds |
                                 asio::ssl::context::no_sslv2 | asio::ssl::context::no_sslv3 |
                                 asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1,
                             ec);
    if (options.ca_file.empty()) {
      tls_context->set_default_verify_paths(ec);
    } else {
      tls_context->load_verify_file(options.ca_file, ec);
    }
    if (ec) {
      return Status(Code::kInvalidArgument,
                    internal::StrCat("TLS: cannot load trusted certificates",
                                     options.ca_file.empty() ? "" : " from ", options.ca_file, ": ",
                                     ec.message()));
    }
    if (!ec && !options.ca_pem.empty()) {
      tls_context->add_certificate_authority(
          asio::buffer(options.ca_pem.data(), options.ca_pem.size()), ec);
    }
    if (ec) {
      return Status(Code::kInvalidArgument,
                    internal::StrCat("TLS: invalid ca_pem: ", ec.message()));
    }
    tls_context->set_verify_mode(
        options.verify_peer ? asio::ssl::verify_peer : asio::ssl::verify_none, ec);
  }
  return std::shared_ptr<Transport>(
      std::make_shared<Http1Transport>(std::move(host), port, options, std::move(tls_context)));
}

}  // namespace connectrpc
