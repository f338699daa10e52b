// One HTTP/1.1 request/response on a pooled connection, asynchronous on the client's event loop.
//
// The head and the first body bytes go out in one write; response bodies are parsed straight into
// the caller's string. A keep-alive connection whose response was read in full goes back to the
// pool at once. No timer runs unless TransportOptions.idle_timeout is set.
#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/buffer.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_cat.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/chunk_encode.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "str_cat.h"
#include "transport/http1_client_connection.h"

namespace connectrpc::transport {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

class Http1ClientExchange final : public HttpExchange,
                                  public std::enable_shared_from_this<Http1ClientExchange> {
 public:
  Http1ClientExchange(std::shared_ptr<Http1ConnectionPool> pool,
                      std::shared_ptr<Http1ClientConnection> connection)
      : pool_(std::move(pool)),
        connection_(std::move(connection)),
        executor_(connection_->socket().get_executor()) {}

  void WriteHead(const HttpRequestHead& head, std::string_view body, bool last,
                 WriteCallback done) override {
    if (Status status = Usable(); !status.ok()) return Post(std::move(done), std::move(status));
    std::string& out = connection_->head;
    out.clear();
    internal::StrAppend(&out, head.method, " ", head.target,
                        " HTTP/1.1\r\nhost: ", pool_->host_header(), "\r\n");
    for (const auto& [key, value] : head.headers) {
      if (!IsValidHeaderKey(key) || !IsValidHeaderValue(value)) {
        return Post(std::move(done),
                    Status(Code::kInvalidArgument,
                           internal::StrCat("invalid request header \"", key, "\"")));
      }
      internal::StrAppend(&out, key, ": ", value, "\r\n");
    }
    chunked_ = !head.content_length.has_value();
    const asio::const_buffer body_bytes = asio::buffer(body.data(), body.size());
    if (chunked_) {
      out.append("transfer-encoding: chunked\r\n\r\n");
      const asio::const_buffer head_bytes_chunked = asio::buffer(out);
      if (body.empty() && !last) return Write(head_bytes_chunked, false, std::move(done));
      if (body.empty()) {
        return Write(beast::buffers_cat(head_bytes_chunked, http::make_chunk_last()), true,
                     std::move(done));
      }
      if (!last) {
        return Write(beast::buffers_cat(head_bytes_chunked, http::make_chunk(body_bytes)), false,
                     std::move(done));
      }
      return Write(beast::buffers_cat(head_bytes_chunked, http::make_chunk(body_bytes),
                                      http::make_chunk_last()),
                   true, std::move(done));
    }
    if (*head.content_length > 0 || head.method != "GET") {
      internal::StrAppend(&out, "content-length: ", *head.content_length, "\r\n");
    }
    out.append("\r\n");
    Write(std::array<asio::const_buffer, 2>{asio::buffer(out), body_bytes}, last, std::move(done));
  }

  void WriteBody(std::string_view data, bool last, WriteCallback done) override {
    if (Status status = Usable(); !status.ok()) return Post(std::move(done), std::move(status));
    const asio::const_buffer bytes = asio::buffer(data.data(), data.size());
    if (!chunked_) return Write(bytes, last, std::move(done));
    if (data.empty() && !last) return Post(std::move(done), Status());  // would end the body
    if (data.empty()) return Write(http::make_chunk_last(), true, std::move(done));
    if (!last) return Write(http::make_chunk(bytes), false, std::move(done));
    Write(beast::buffers_cat(http::make_chunk(bytes), http::make_chunk_last()), true,
          std::move(done));
  }

  void ReadHead(HeadCallback done) override {
    if (Status status = Usable(); !status.ok()) return Post(std::move(done), std::move(status));
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(pool_->options().max_response_header_bytes));
    parser_->body_limit(boost::none);
    // Bytes the parser has not taken: a head (bounded by the header limit) or, while the body
    // is read, one read's worth plus a chunk-size line or trailer section, which Beast does not
    // bound itself.
    connection_->buffer.max_size(MaxBufferedBytes());
    StartIdleTimer();
    connection_->Visit([&](auto& stream) {
      http::async_read_header(stream, connection_->buffer, *parser_,
                              [self = shared_from_this(), done = std::move(done)](
                                  beast::error_code ec, size_t) mutable {
                                self->StopIdleTimer();
                                if (ec) return done(self->Failure(ec));
                                HttpResponseHead head;
                                head.status = static_cast<int>(self->parser_->get().result_int());
                                for (const auto& field : self->parser_->get()) {
                                  head.headers.Add(field.name_string(), field.value());
                                }
                                self->MaybeRelease();
                                done(std::move(head));
                              });
    });
  }

  static constexpr size_t kMinBodyStep = 4096;

  void ReadBody(std::string* out, BodyCallback done) override {
    if (!parser_) {
      return Post(std::move(done),
                  Result<bool>(Status(Code::kInternal, "ReadBody before ReadHead")));
    }
    if (parser_->is_done()) {
      MaybeRelease();
      return Post(std::move(done), Result<bool>(false));
    }
    if (Status status = Usable(); !status.ok()) {
      return Post(std::move(done), Result<bool>(std::move(status)));
    }
    // The body buffer is zero-filled up to `want` before the read (std::string has no
    // uninitialized resize), so ask for what is already buffered, or a small step, rather than
    // the whole 64 KiB chunk each time: a streamed message is usually far smaller.
    size_t want = std::min(kReadChunkBytes, std::max(connection_->buffer.size(), kMinBodyStep));
    if (auto remaining = parser_->content_length_remaining(); remaining && *remaining > 0) {
      want = static_cast<size_t>(std::min<std::uint64_t>(want, *remaining));
    }
    const size_t old_size = out->size();
    out->resize(old_size + want);
    parser_->get().body().data = out->data() + old_size;
    parser_->get().body().size = want;
    StartIdleTimer();
    connection_->Visit([&](auto& stream) {
      http::async_read_some(stream, connection_->buffer, *parser_,
                            [self = shared_from_this(), out, old_size, want,
                             done = std::move(done)](beast::error_code ec, size_t) mutable {
                              self->StopIdleTimer();
                              const size_t got = want - self->parser_->get().body().size;
                              out->resize(old_size + got);
                              if (ec == http::error::need_buffer) ec = {};
                              if (ec) return done(Result<bool>(self->Failure(ec)));
                              if (self->parser_->is_done()) self->MaybeRelease();
                              if (got > 0) return done(Result<bool>(true));
                              if (self->parser_->is_done()) return done(Result<bool>(false));
                              self->ReadBody(out, std::move(done));
                            });
    });
  }

  void Cancel() override {
    if (cancelled_.exchange(true)) return;
    asio::post(executor_, [self = shared_from_this()] {
      if (self->connection_) self->connection_->Close();
    });
  }

 private:
  Status Usable() {
    if (cancelled_) return Status(Code::kCanceled, "call was cancelled");
    if (failed_ || !connection_) return Status(Code::kUnavailable, "connection already failed");
    return Status();
  }

  template <typename Callback, typename Value>
  void Post(Callback done, Value value) {
    asio::post(executor_, [done = std::move(done), value = std::move(value)]() mutable {
      done(std::move(value));
    });
  }

  template <typename Buffers>
  void Write(const Buffers& buffers, bool last, WriteCallback done) {
    StartIdleTimer();
    connection_->Visit([&](auto& stream) {
      asio::async_write(stream, buffers,
                        [self = shared_from_this(), last, done = std::move(done)](
                            boost::system::error_code ec, size_t) mutable {
                          self->StopIdleTimer();
                          if (ec) return done(self->Failure(ec));
                          if (last) self->request_done_ = true;
                          done(Status());
                        });
    });
  }

  Status Failure(const boost::system::error_code& ec) {
    failed_ = true;
    if (connection_) connection_->Close();
    if (cancelled_) return Status(Code::kCanceled, "call was cancelled");
    if (idle_timed_out_) {
      return Status(Code::kUnavailable,
                    internal::StrCat("HTTP transport: nothing received or sent for ",
                                     pool_->options().idle_timeout->count(), " ms (idle timeout)"));
    }
    if (ec == http::error::buffer_overflow) {
      return Status(Code::kUnavailable,
                    internal::StrCat("HTTP transport: the response's chunk framing (a chunk-size "
                                     "line or the trailer section) exceeds ",
                                     MaxBufferedBytes() - kReadChunkBytes, " bytes"));
    }
    return Status(Code::kUnavailable, internal::StrCat("HTTP transport: ", ec.message()));
  }

  size_t MaxBufferedBytes() const {
    return pool_->options().max_response_header_bytes + kReadChunkBytes;
  }

  // Returns the connection to the pool once request and response are complete.
  void MaybeRelease() {
    if (connection_ && request_done_ && parser_ && parser_->is_done() &&
        parser_->get().keep_alive() && !cancelled_ && !failed_) {
      pool_->Release(std::move(connection_));
    }
  }

  void StartIdleTimer() {
    const auto& idle = pool_->options().idle_timeout;
    if (!idle) return;
    if (!connection_->idle_timer) connection_->idle_timer.emplace(executor_);
    const uint64_t epoch = ++idle_epoch_;
    idle_armed_ = true;
    connection_->idle_timer->expires_after(*idle);
    connection_->idle_timer->async_wait(
        [self = shared_from_this(), epoch](boost::system::error_code ec) {
          if (ec || !self->idle_armed_ || epoch != self->idle_epoch_) return;
          self->idle_timed_out_ = true;
          if (self->connection_) self->connection_->Close();
        });
  }

  void StopIdleTimer() {
    if (!idle_armed_) return;
    idle_armed_ = false;
    if (connection_ && connection_->idle_timer) connection_->idle_timer->cancel();
  }

  std::shared_ptr<Http1ConnectionPool> pool_;
  std::shared_ptr<Http1ClientConnection> connection_;  // null once released to the pool
  asio::any_io_executor executor_;
  std::optional<http::response_parser<http::buffer_body>> parser_;
  bool chunked_ = false;
  bool request_done_ = false;
  bool failed_ = false;
  bool idle_timed_out_ = false;
  bool idle_armed_ = false;
  uint64_t idle_epoch_ = 0;
  std::atomic<bool> cancelled_{false};
};

}  // namespace

std::shared_ptr<HttpExchange> MakeHttp1ClientExchange(
    std::shared_ptr<Http1ConnectionPool> pool, std::shared_ptr<Http1ClientConnection> connection) {
  return std::make_shared<Http1ClientExchange>(std::move(pool), std::move(connection));
}

}  // namespace connectrpc::transport
