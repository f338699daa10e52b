// ServerExchange: the transport seam of the server. A transport (HTTP/1.1 today, HTTP/2 next)
// turns bytes on a connection into one ServerExchange per request: the request head, the body as
// a stream of bytes, and a response written as a head, body bytes and trailers. Nothing here knows
// any RPC protocol; protocols (protocol/) build calls on top of it.
//
// An exchange is used on its connection's executor only, by one operation of each direction at a
// time (one body read and one response write may be in flight together).
#ifndef CONNECTRPC_SRC_TRANSPORT_SERVER_EXCHANGE_H_
#define CONNECTRPC_SRC_TRANSPORT_SERVER_EXCHANGE_H_

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace connectrpc::internal {

// One request header field as received (the name keeps its case; compare case-insensitively).
struct HeaderField {
  std::string_view name;
  std::string_view value;
};

// The request header fields of one exchange; valid while the exchange is.
class RequestFields {
 public:
  explicit RequestFields(std::span<const HeaderField> fields) : fields_(fields) {}
  // The first value of `name` (ASCII case-insensitive); empty when absent.
  std::string_view Get(std::string_view name) const;
  bool Contains(std::string_view name) const;
  std::span<const HeaderField> fields() const { return fields_; }

 private:
  std::span<const HeaderField> fields_;
};

struct RequestHead {
  std::string_view method;  // "POST", "GET", ...
  std::string_view path;    // the origin-form path, without the query
  std::string_view query;   // without '?'
  RequestFields fields{{}};
  std::string_view peer;  // "ip:port"
};

// Why a body read or a response write failed.
enum class ExchangeError {
  kNone,
  kClosed,     // the peer closed the connection or reset it
  kTimeout,    // no progress within the transport's read or write timeout
  kCancelled,  // the exchange was cancelled (call deadline, server shutdown)
  kTooLarge,   // the request body exceeds the transport's limit
  kMalformed,  // the body's framing is invalid (e.g. a bad chunk)
};

class ExchangeObserver {
 public:
  virtual ~ExchangeObserver() = default;
  virtual void OnExchangeCancelled(ExchangeError why) = 0;
};

class ServerExchange {
 public:
  virtual ~ServerExchange() = default;

  virtual const RequestHead& head() const = 0;
  virtual const boost::asio::any_io_executor& executor() const = 0;

  // Request body. Appends the next body bytes that are available (waiting for some when none
  // are) to `out`, at most `max_bytes`. Sets `*end` once the body is complete (possibly together
  // with bytes). Returns kNone or why it failed.
  virtual boost::asio::awaitable<ExchangeError> ReadBody(std::string* out, size_t max_bytes,
                                                         bool* end) = 0;

  // Response head, before the first Write. The transport adds its own framing fields.
  virtual void SetStatus(int status) = 0;
  // Adds a field; the caller guarantees a valid name and value (no CR/LF).
  virtual void AddHeader(std::string_view name, std::string_view value) = 0;
  // A buffer the caller may fill with body bytes for the next Write (cleared by Write), so that
  // messages are encoded straight into the transport's output without a copy.
  virtual std::string& body_buffer() = 0;
  // Sends the head (if not sent yet) and the contents of body_buffer(). `last` ends the response;
  // a response written with one last Write gets a Content-Length.
  virtual boost::asio::awaitable<ExchangeError> Write(bool last) = 0;
  // True once the head has been written.
  virtual bool head_sent() const = 0;

  // Cancels a pending body read (it returns kCancelled) and later ones; writes still work, so
  // the call can still be answered. The connection is not reused if the body was not complete.
  virtual void CancelRead() = 0;
  // Cancels pending and future reads and writes (kCancelled) and tells the observer. The
  // connection is closed after the exchange instead of being reused.
  virtual void Cancel() = 0;
  // Told when the transport cancels the exchange itself (shutdown, timeouts, a broken
  // connection); null to stop being told.
  virtual void SetObserver(ExchangeObserver* observer) = 0;
};

}  // namespace connectrpc::internal

#endif  // CONNECTRPC_SRC_TRANSPORT_SERVER_EXCHANGE_H_
