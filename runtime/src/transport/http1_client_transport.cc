// The built-in HTTP/1.1 client transport: connecting (TCP, TLS with SNI and verification) and a
// keep-alive pool, all on one executor.
//
// A connection taken from the pool after a short idle time is used without probing it; one idle
// longer is probed first (a peer closes idle connections after seconds, not microseconds), so a
// hot connection costs no system call beyond its own I/O.
#include <openssl/ssl.h>

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/steady_timer.hpp>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "str_cat.h"
#include "transport/http1_client_connection.h"

namespace connectrpc {
namespace transport {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// Idle connections older than this are probed before reuse.
constexpr auto kProbeAfterIdle = std::chrono::milliseconds(100);

// One connection attempt: resolve (host names only), connect and handshake under one time limit.
struct ConnectAttempt {
  ConnectAttempt(const asio::any_io_executor& executor, asio::ssl::context* tls,
                 Transport::OpenCallback callback)
      : connection(std::make_shared<Http1ClientConnection>(executor, tls)),
        timer(executor),
        resolver(executor),
        done(std::move(callback)) {}

  std::shared_ptr<Http1ClientConnection> connection;
  asio::steady_timer timer;
  tcp::resolver resolver;
  Transport::OpenCallback done;
  bool limited_by_deadline = false;
  bool timed_out = false;
};

class Http1ClientTransport final : public Transport,
                                   public Http1ConnectionPool,
                                   public std::enable_shared_from_this<Http1ClientTransport> {
 public:
  Http1ClientTransport(asio::any_io_executor executor, std::string host, uint16_t port,
                       const TransportOptions& options,
                       std::shared_ptr<asio::ssl::context> tls_context)
      : executor_(std::move(executor)),
        host_(std::move(host)),
        port_(port),
        options_(options),
        tls_context_(std::move(tls_context)) {
    const uint16_t default_port = tls_context_ ? 443 : 80;
    host_header_ = port_ == default_port ? host_ : internal::StrCat(host_, ":", port_);
    if (host_.find(':') != std::string::npos) {
      host_header_ = internal::StrCat("[", host_, "]:", port_);
    }
  }

  void Open(std::optional<Clock::time_point> deadline, OpenCallback done) override {
    if (std::shared_ptr<Http1ClientConnection> idle = TakeIdle()) {
      // On the loop (where calls open exchanges) this runs at once: a round through the loop's
      // queue would cost a reactor poll between the calls sharing it.
      asio::dispatch(executor_, [self = shared_from_this(), idle = std::move(idle),
                             done = std::move(done)]() mutable {
        done(MakeHttp1ClientExchange(self, std::move(idle)));
      });
      return;
    }
    Connect(deadline, std::move(done));
  }

  void Shutdown() override {
    asio::post(executor_, [self = shared_from_this()] {
      std::deque<std::shared_ptr<Http1ClientConnection>> idle;
      {
        std::lock_guard<std::mutex> lock(self->mu_);
        self->closing_ = true;
        idle.swap(self->idle_);
      }
      for (auto& connection : idle) connection->Close();
    });
  }

  void Release(std::shared_ptr<Http1ClientConnection> connection) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!closing_ && idle_.size() < options_.max_idle_connections) {
        connection->idle_since = Clock::now();
        idle_.push_back(std::move(connection));
        return;
      }
    }
    connection->Close();
  }

  const TransportOptions& options() const override { return options_; }
  const std::string& host_header() const override { return host_header_; }

 private:
  std::shared_ptr<Http1ClientConnection> TakeIdle() {
    std::lock_guard<std::mutex> lock(mu_);
    while (!idle_.empty()) {
      std::shared_ptr<Http1ClientConnection> connection = std::move(idle_.back());
      idle_.pop_back();
      if (StillAlive(*connection)) {
        connection->reused = true;
        return connection;
      }
    }
    return nullptr;
  }

  // True if a pooled connection still looks usable: open, nothing unread, no EOF pending. Only
  // connections idle for a while are probed (one system call); a hot connection is taken as is.
  static bool StillAlive(Http1ClientConnection& connection) {
    auto& socket = connection.socket();
    if (!socket.is_open() || connection.buffer.size() > 0) return false;
    if (Clock::now() - connection.idle_since < kProbeAfterIdle) return true;
    boost::system::error_code ec;
    socket.non_blocking(true, ec);
    if (ec) return false;
    char byte;
    socket.receive(asio::buffer(&byte, 1), tcp::socket::message_peek, ec);
    return ec == asio::error::would_block;
  }

  Status TimeoutStatus(const ConnectAttempt& attempt, std::string_view what) const {
    if (attempt.limited_by_deadline) {
      return Status(Code::kDeadlineExceeded,
                    internal::StrCat("the call's deadline was exceeded while ", what));
    }
    return Status(Code::kUnavailable, internal::StrCat("timed out ", what, " ", host_, ":", port_));
  }

  void Connect(std::optional<Clock::time_point> deadline, OpenCallback done) {
    auto attempt = std::make_shared<ConnectAttempt>(executor_, tls_context_.get(), std::move(done));
    Clock::time_point limit = Clock::now() + options_.connect_timeout;
    attempt->limited_by_deadline = deadline && *deadline < limit;
    if (attempt->limited_by_deadline) limit = *deadline;
    attempt->timer.expires_at(limit);
    attempt->timer.async_wait([attempt](boost::system::error_code ec) {
      if (ec) return;
      attempt->timed_out = true;
      attempt->resolver.cancel();
      attempt->connection->Close();
    });
    boost::system::error_code ec;
    const asio::ip::address address = asio::ip::make_address(host_, ec);
    if (!ec) {
      attempt->connection->socket().async_connect(
          tcp::endpoint(address, port_),
          [self = shared_from_this(), attempt](boost::system::error_code e) {
            self->OnConnected(attempt, e);
          });
      return;
    }
    attempt->resolver.async_resolve(
        host_, std::to_string(port_),
        [self = shared_from_this(), attempt](boost::system::error_code e,
                                             const tcp::resolver::results_type& endpoints) {
          if (e) {
            if (attempt->timed_out)
              return self->Fail(attempt, self->TimeoutStatus(*attempt, "resolving"));
            return self->Fail(
                attempt, Status(Code::kUnavailable, internal::StrCat("cannot resolve ", self->host_,
                                                                     ": ", e.message())));
          }
          asio::async_connect(attempt->connection->socket(), endpoints,
                              [self, attempt](boost::system::error_code e2, const tcp::endpoint&) {
                                self->OnConnected(attempt, e2);
                              });
        });
  }

  void OnConnected(const std::shared_ptr<ConnectAttempt>& attempt, boost::system::error_code ec) {
    if (ec) {
      if (attempt->timed_out) return Fail(attempt, TimeoutStatus(*attempt, "connecting to"));
      return Fail(attempt,
                  Status(Code::kUnavailable, internal::StrCat("cannot connect to ", host_, ":",
                                                              port_, ": ", ec.message())));
    }
    boost::system::error_code ignored;
    attempt->connection->socket().set_option(tcp::no_delay(true), ignored);
    auto& tls = attempt->connection->tls;
    if (!tls) return Succeed(attempt);
    if (!SSL_set_tlsext_host_name(tls->native_handle(), host_.c_str())) {
      return Fail(attempt, Status(Code::kUnavailable, "TLS: cannot set the server name"));
    }
    if (options_.verify_peer) tls->set_verify_callback(asio::ssl::host_name_verification(host_));
    tls->async_handshake(asio::ssl::stream_base::client, [self = shared_from_this(),
                                                          attempt](boost::system::error_code e) {
      if (!e) return self->Succeed(attempt);
      if (attempt->timed_out) {
        return self->Fail(attempt, self->TimeoutStatus(*attempt, "during the TLS handshake with"));
      }
      self->Fail(attempt, Status(Code::kUnavailable,
                                 internal::StrCat("TLS handshake with ", self->host_, ":",
                                                  self->port_, " failed: ", e.message())));
    });
  }

  void Succeed(const std::shared_ptr<ConnectAttempt>& attempt) {
    attempt->timer.cancel();
    attempt->done(MakeHttp1ClientExchange(shared_from_this(), std::move(attempt->connection)));
  }

  void Fail(const std::shared_ptr<ConnectAttempt>& attempt, Status status) {
    attempt->timer.cancel();
    attempt->connection->Close();
    attempt->done(std::move(status));
  }

  asio::any_io_executor executor_;
  std::string host_;
  uint16_t port_;
  TransportOptions options_;
  std::string host_header_;
  std::shared_ptr<asio::ssl::context> tls_context_;  // null for plain http
  std::mutex mu_;
  std::deque<std::shared_ptr<Http1ClientConnection>> idle_;  // guarded by mu_
  bool closing_ = false;                                     // guarded by mu_
};

}  // namespace
}  // namespace transport

Result<std::shared_ptr<Transport>> MakeHttp1Transport(boost::asio::any_io_executor executor,
                                                      std::string host, uint16_t port, bool use_tls,
                                                      const TransportOptions& options) {
  namespace asio = boost::asio;
  if (host.empty()) return Status(Code::kInvalidArgument, "empty host");
  if (!executor) return Status(Code::kInvalidArgument, "no executor");
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
    if (!options.ca_pem.empty()) {
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
  return std::shared_ptr<Transport>(std::make_shared<transport::Http1ClientTransport>(
      std::move(executor), std::move(host), port, options, std::move(tls_context)));
}

}  // namespace connectrpc
