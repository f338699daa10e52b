// What a server transport connection needs from the server that owns it: limits and timeouts, the
// handler for each exchange, and a place to register itself for timeouts and shutdown. The
// server implements it (server/); transports depend only on this interface.
#ifndef CONNECTRPC_SRC_TRANSPORT_CONNECTION_HOST_H_
#define CONNECTRPC_SRC_TRANSPORT_CONNECTION_HOST_H_

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstddef>

#include "transport/server_exchange.h"

namespace connectrpc::internal {

struct TransportLimits {
  size_t max_header_bytes = 16u << 10;
  size_t max_request_body_bytes = 64u << 20;
  // Longest wait for the next request on a kept-alive connection, for a whole request head, and
  // for any progress while reading a body.
  std::chrono::milliseconds idle_timeout{60'000};
  // Longest wait for progress while writing (a peer that stops reading).
  std::chrono::milliseconds write_timeout{30'000};
};

// Serves one exchange: routing, protocol, call. Runs on the connection's executor; returns once
// the response is complete (or abandoned).
class ExchangeHandler {
 public:
  virtual ~ExchangeHandler() = default;
  virtual boost::asio::awaitable<void> Serve(ServerExchange& exchange) = 0;
};

// A live connection as the server sees it; all calls happen on the connection's executor.
class Connection {
 public:
  virtual ~Connection() = default;
  // Closes the connection if no request is in progress.
  virtual void CloseIfIdle() = 0;
  // Cancels the exchange in progress (if any) and closes the connection.
  virtual void Abort() = 0;
  // Called periodically: enforces read, write and idle timeouts against `now`, and releases
  // buffers of connections that have been idle for a while.
  virtual void Tick(std::chrono::steady_clock::time_point now) = 0;

  // Intrusive list links, owned by the connection's loop.
  Connection* prev = nullptr;
  Connection* next = nullptr;
};

class ConnectionHost {
 public:
  virtual ~ConnectionHost() = default;
  virtual const TransportLimits& limits() const = 0;
  virtual ExchangeHandler& exchange_handler() = 0;
  // True once the server is shutting down: connections stop keeping alive.
  virtual bool draining() const = 0;
  // Called on the connection's executor when it starts and when it has closed.
  virtual void Register(Connection* connection) = 0;
  virtual void Unregister(Connection* connection) = 0;
  // Logs a server-side problem (never sent to the peer).
  virtual void Log(std::string_view message) = 0;
};

}  // namespace connectrpc::internal

#endif  // CONNECTRPC_SRC_TRANSPORT_CONNECTION_HOST_H_
