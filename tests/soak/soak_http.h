// Raw HTTP/1.1 exchanges for the soak driver: requests are written as hand-made bytes (so they
// can be malformed in any way), responses are read with Beast's parser, and every operation is
// bounded by the stream's deadline, so a server that never answers shows up as a timeout.
#ifndef TESTS_SOAK_SOAK_HTTP_H_
#define TESTS_SOAK_SOAK_HTTP_H_

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdint>
#include <string>

namespace soak {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// What one exchange produced.
struct Reply {
  bool timed_out = false;         // the deadline passed before the response (or stream) ended
  bool closed = false;            // the peer closed or reset before a complete response
  bool got_head = false;          // a status line and headers arrived
  int status = 0;                 // the HTTP status, when got_head
  bool keep_alive = false;        // the connection may carry another request
  std::string body;               // the (de-chunked) body read so far
  int data_messages = 0;          // streams: data envelopes seen
  bool end_stream = false;        // streams: the end-stream envelope arrived
  bool end_stream_error = false;  // ... and it carried an error
};

// One connection with its read buffer.
struct Connection {
  explicit Connection(const asio::any_io_executor& executor) : stream(executor) {}
  beast::tcp_stream stream;
  beast::flat_buffer buffer;
  bool open = false;
};

inline asio::awaitable<bool> Connect(Connection& c, const tcp::endpoint& endpoint,
                                     std::chrono::milliseconds bound) {
  beast::error_code ec;
  c.buffer.clear();
  c.stream.expires_after(bound);
  co_await c.stream.async_connect(endpoint, asio::redirect_error(asio::use_awaitable, ec));
  c.open = !ec;
  co_return c.open;
}

// Writes `bytes` whole; false if the peer closed or reset (it may have answered early) or the
// deadline passed (then also marks `reply` timed out: a server that stops reading is a hang).
inline asio::awaitable<bool> WriteAll(Connection& c, const std::string& bytes,
                                      std::chrono::milliseconds bound, Reply& reply) {
  beast::error_code ec;
  c.stream.expires_after(bound);
  co_await asio::async_write(c.stream, asio::buffer(bytes),
                             asio::redirect_error(asio::use_awaitable, ec));
  if (ec == beast::error::timeout) reply.timed_out = true;
  co_return !ec;
}

// Closes the connection; with `reset`, with SO_LINGER 0 so the peer sees a RST instead of a FIN.
inline void Close(Connection& c, bool reset) {
  beast::error_code ec;
  if (reset) c.stream.socket().set_option(asio::socket_base::linger(true, 0), ec);
  c.stream.socket().close(ec);
  c.open = false;
}

// Reads one whole response (unary or error) into `reply`.
inline asio::awaitable<void> ReadResponse(Connection& c, Reply& reply,
                                          std::chrono::milliseconds bound) {
  http::response_parser<http::string_body> parser;
  parser.body_limit(16u << 20);
  beast::error_code ec;
  c.stream.expires_after(bound);
  co_await http::async_read(c.stream, c.buffer, parser,
                            asio::redirect_error(asio::use_awaitable, ec));
  if (parser.is_header_done()) {
    reply.got_head = true;
    reply.status = static_cast<int>(parser.get().result_int());
  }
  if (ec == beast::error::timeout) {
    reply.timed_out = true;
  } else if (ec) {
    reply.closed = true;
  } else {
    reply.keep_alive = parser.keep_alive();
  }
  reply.body = std::move(parser.get().body());
}

// Reads a streaming response until `want_messages` data envelopes or the end-stream envelope
// have arrived (a non-200 answer is read whole, like a unary one).
inline asio::awaitable<void> ReadStream(Connection& c, Reply& reply, int want_messages,
                                        std::chrono::milliseconds bound) {
  http::response_parser<http::string_body> parser;
  parser.body_limit(16u << 20);
  beast::error_code ec;
  c.stream.expires_after(bound);
  co_await http::async_read_header(c.stream, c.buffer, parser,
                                   asio::redirect_error(asio::use_awaitable, ec));
  if (!ec) {
    reply.got_head = true;
    reply.status = static_cast<int>(parser.get().result_int());
  }
  size_t pos = 0;
  while (!ec && !parser.is_done()) {
    co_await http::async_read_some(c.stream, c.buffer, parser,
                                   asio::redirect_error(asio::use_awaitable, ec));
    if (ec || reply.status != 200) continue;
    const std::string& body = parser.get().body();
    while (body.size() - pos >= 5) {
      const auto* p = reinterpret_cast<const unsigned char*>(body.data() + pos);
      const uint32_t length =
          (uint32_t{p[1]} << 24) | (uint32_t{p[2]} << 16) | (uint32_t{p[3]} << 8) | uint32_t{p[4]};
      if (body.size() - pos - 5 < length) break;
      if ((p[0] & 0x02) != 0) {
        reply.end_stream = true;
        reply.end_stream_error = body.compare(pos + 5, 9, "{\"error\":") == 0;
      } else {
        ++reply.data_messages;
      }
      pos += 5 + length;
    }
    if (reply.end_stream || reply.data_messages >= want_messages) break;
  }
  if (ec == beast::error::timeout) {
    reply.timed_out = true;
  } else if (ec && !reply.end_stream && reply.data_messages < want_messages) {
    reply.closed = true;
  }
  reply.body = std::move(parser.get().body());
}

}  // namespace soak

#endif  // TESTS_SOAK_SOAK_HTTP_H_
