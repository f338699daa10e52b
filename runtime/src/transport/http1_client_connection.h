// One HTTP/1.1 client connection (TCP, optionally TLS) and the pool interface an exchange returns
// it to. Bytes only: nothing here knows Connect.
#ifndef CONNECTRPC_SRC_TRANSPORT_HTTP1_CLIENT_CONNECTION_H_
#define CONNECTRPC_SRC_TRANSPORT_HTTP1_CLIENT_CONNECTION_H_

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "connectrpc/transport.h"

namespace connectrpc::transport {

inline constexpr size_t kReadChunkBytes = 64u << 10;

struct Http1ClientConnection {
  using Tcp = boost::asio::ip::tcp::socket;
  using Tls = boost::asio::ssl::stream<Tcp>;

  Http1ClientConnection(const boost::asio::any_io_executor& executor,
                        boost::asio::ssl::context* tls_context) {
    if (tls_context != nullptr) {
      tls.emplace(executor, *tls_context);
    } else {
      plain.emplace(executor);
    }
    buffer.reserve(kReadChunkBytes);
  }

  Tcp& socket() { return tls ? tls->next_layer() : *plain; }
  // Hands the top layer (TLS or TCP) to generic code.
  template <typename F>
  void Visit(F&& f) {
    if (tls) {
      f(*tls);
    } else {
      f(*plain);
    }
  }
  void Close() {
    boost::system::error_code ignored;
    socket().shutdown(Tcp::shutdown_both, ignored);
    socket().close(ignored);
  }

  std::optional<Tcp> plain;
  std::optional<Tls> tls;
  boost::beast::flat_buffer buffer;  // bytes read but not yet parsed; reused across exchanges
  std::string head;                  // the serialized request head; reused across exchanges
  std::optional<boost::asio::steady_timer> idle_timer;  // only with TransportOptions.idle_timeout
  Clock::time_point idle_since;                         // when it last went back to the pool
  bool reused = false;
};

// Where an exchange returns a healthy connection.
class Http1ConnectionPool {
 public:
  virtual ~Http1ConnectionPool() = default;
  virtual void Release(std::shared_ptr<Http1ClientConnection> connection) = 0;
  virtual const TransportOptions& options() const = 0;
  virtual const std::string& host_header() const = 0;
};

// An exchange over `connection`, which it returns to `pool` once the response has been read in
// full on a keep-alive connection.
std::shared_ptr<HttpExchange> MakeHttp1ClientExchange(
    std::shared_ptr<Http1ConnectionPool> pool, std::shared_ptr<Http1ClientConnection> connection);

}  // namespace connectrpc::transport

#endif  // CONNECTRPC_SRC_TRANSPORT_HTTP1_CLIENT_CONNECTION_H_
