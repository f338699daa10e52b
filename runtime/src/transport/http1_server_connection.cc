#include "transport/http1_server_connection.h"

#if defined(__linux__)
#include <linux/sockios.h>  // SIOCOUTQ
#include <sys/ioctl.h>
#endif

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_allocator.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_suffix.hpp>
#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/error.hpp>
#include <charconv>
#include <chrono>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "str_cat.h"
#include "util/ascii.h"

namespace connectrpc::internal {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;
using asio::awaitable;
using Clock = std::chrono::steady_clock;
using boost::system::error_code;
constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);

constexpr size_t kIdleBufferBytes = 2048;      // read buffer while waiting for a request head
constexpr size_t kBodyBufferBytes = 64u << 10;  // read buffer while a body streams in
constexpr size_t kMaxKeptBodyBuffer = 64u << 10;
constexpr size_t kMaxWriteSome = 64u << 10;  // per write_some, as asio::transfer_all

// "HTTP/1.1 200 OK\r\n" for the statuses a server sends; others are formatted per response.
std::string_view StatusLine(int status) {
  switch (status) {
    case 100: return "HTTP/1.1 100 Continue\r\n";
    case 200: return "HTTP/1.1 200 OK\r\n";
    case 400: return "HTTP/1.1 400 Bad Request\r\n";
    case 401: return "HTTP/1.1 401 Unauthorized\r\n";
    case 403: return "HTTP/1.1 403 Forbidden\r\n";
    case 404: return "HTTP/1.1 404 Not Found\r\n";
    case 405: return "HTTP/1.1 405 Method Not Allowed\r\n";
    case 408: return "HTTP/1.1 408 Request Timeout\r\n";
    case 409: return "HTTP/1.1 409 Conflict\r\n";
    case 412: return "HTTP/1.1 412 Precondition Failed\r\n";
    case 413: return "HTTP/1.1 413 Content Too Large\r\n";
    case 415: return "HTTP/1.1 415 Unsupported Media Type\r\n";
    case 429: return "HTTP/1.1 429 Too Many Requests\r\n";
    case 431: return "HTTP/1.1 431 Request Header Fields Too Large\r\n";
    case 500: return "HTTP/1.1 500 Internal Server Error\r\n";
    case 501: return "HTTP/1.1 501 Not Implemented\r\n";
    case 502: return "HTTP/1.1 502 Bad Gateway\r\n";
    case 503: return "HTTP/1.1 503 Service Unavailable\r\n";
    case 504: return "HTTP/1.1 504 Gateway Timeout\r\n";
    default: return {};
  }
}

// A framing problem found in a request head, answered before the connection closes.
struct FramingError {
  int status = 400;
  std::string message;
};

// Beast's basic_parser with callbacks that copy the head into connection-owned storage and
// hand body bytes to whoever is reading the body.
class RequestParser final : public http::basic_parser<true> {
 public:
  // Head storage, reused across requests.
  struct Head {
    std::string arena;  // method, target and every field, back to back
    std::vector<std::array<uint32_t, 4>> field_offsets;  // name offset/size, value offset/size
    std::vector<HeaderField> fields;
    std::string_view method;
    std::string_view target;
    size_t method_offset = 0, method_size = 0, target_offset = 0, target_size = 0;
    int version = 11;
    bool saw_content_length = false;
    bool saw_transfer_encoding = false;
    std::string_view transfer_encoding_last;  // the last Transfer-Encoding field value
    size_t host_count = 0;
    bool expect_continue = false;
    std::optional<FramingError> error;

    void Clear() {
      arena.clear();
      field_offsets.clear();
      fields.clear();
      method = target = {};
      version = 11;
      saw_content_length = saw_transfer_encoding = expect_continue = false;
      host_count = 0;
      error.reset();
    }
  };

  explicit RequestParser(Head* head) : head_(head) {}

  // Where body bytes go during put(): appended to `out`, at most `room` more. Null discards.
  void SetBodySink(std::string* out, size_t room) {
    sink_ = out;
    room_ = room;
  }
  bool body_done() const { return body_done_; }

 private:
  uint32_t Append(std::string_view s) {
    const auto offset = static_cast<uint32_t>(head_->arena.size());
    head_->arena.append(s);
    return offset;
  }

  void on_request_impl(http::verb, boost::beast::string_view method,
                       boost::beast::string_view target, int version, error_code&) override {
    head_->method_offset = Append({method.data(), method.size()});
    head_->method_size = method.size();
    head_->target_offset = Append({target.data(), target.size()});
    head_->target_size = target.size();
    head_->version = version;
  }

  void on_response_impl(int, boost::beast::string_view, int, error_code& ec) override {
    ec = http::error::bad_method;
  }

  void on_field_impl(http::field name, boost::beast::string_view name_string,
                     boost::beast::string_view value, error_code&) override {
    // A field after the head is a chunked body's trailer field. Requests carry no trailers we
    // use, and RFC 9112 §7.1.2 lets a recipient discard them; they must not go into the arena,
    // which the head's views (method, target, fields) point into while the body is read.
    if (is_header_done()) return;
    const uint32_t name_offset = Append({name_string.data(), name_string.size()});
    const uint32_t value_offset = Append({value.data(), value.size()});
    head_->field_offsets.push_back({name_offset, static_cast<uint32_t>(name_string.size()),
                                    value_offset, static_cast<uint32_t>(value.size())});
    switch (name) {
      case http::field::content_length:
        head_->saw_content_length = true;
        break;
      case http::field::transfer_encoding:
        head_->saw_transfer_encoding = true;
        break;
      case http::field::host:
        ++head_->host_count;
        break;
      case http::field::expect:
        head_->expect_continue =
            AsciiEqualsIgnoreCase(TrimOptionalWhitespace({value.data(), value.size()}),
                                  "100-continue");
        break;
      default:
        break;
    }
  }

  void on_header_impl(error_code& ec) override {
    Head& h = *head_;
    const std::string_view arena = h.arena;
    h.method = arena.substr(h.method_offset, h.method_size);
    h.target = arena.substr(h.target_offset, h.target_size);
    h.fields.clear();
    std::string_view last_transfer_encoding;
    for (const auto& [no, ns, vo, vs] : h.field_offsets) {
      HeaderField field{arena.substr(no, ns), arena.substr(vo, vs)};
      if (AsciiEqualsIgnoreCase(field.name, "transfer-encoding")) {
        last_transfer_encoding = field.value;
      }
      h.fields.push_back(field);
    }
    // RFC 9112 §6.1, §6.3: Transfer-Encoding with Content-Length is a smuggling vector, and a
    // request whose final coding is not chunked cannot be framed; we implement no other coding.
    if (h.saw_transfer_encoding && h.saw_content_length) {
      h.error = FramingError{400, "both Transfer-Encoding and Content-Length are present"};
    } else if (h.saw_transfer_encoding) {
      std::string_view codings = last_transfer_encoding;
      const size_t comma = codings.rfind(',');
      const std::string_view final_coding =
          TrimOptionalWhitespace(comma == std::string_view::npos ? codings : codings.substr(comma + 1));
      const bool only_chunked = comma == std::string_view::npos &&
                                AsciiEqualsIgnoreCase(final_coding, "chunked");
      if (!AsciiEqualsIgnoreCase(final_coding, "chunked")) {
        h.error = FramingError{400, StrCat("the final transfer coding must be chunked, got \"",
                                           last_transfer_encoding, "\"")};
      } else if (!only_chunked) {
        h.error = FramingError{501, StrCat("transfer coding \"", last_transfer_encoding,
                                           "\" is not implemented; only chunked is")};
      }
    } else if (h.version >= 11 && h.host_count != 1) {
      h.error = FramingError{400, h.host_count == 0 ? "the Host header is missing"
                                                    : "more than one Host header"};
    }
    if (h.error) ec = http::error::bad_transfer_encoding;
  }

  void on_body_init_impl(const boost::optional<std::uint64_t>&, error_code&) override {}

  size_t Take(boost::beast::string_view body) {
    if (sink_ == nullptr) return body.size();
    const size_t n = std::min(body.size(), room_);
    sink_->append(body.data(), n);
    room_ -= n;
    return n;
  }

  size_t on_body_impl(boost::beast::string_view body, error_code&) override { return Take(body); }
  void on_chunk_header_impl(std::uint64_t, boost::beast::string_view, error_code&) override {}
  size_t on_chunk_body_impl(std::uint64_t, boost::beast::string_view body,
                            error_code&) override {
    return Take(body);
  }
  void on_finish_impl(error_code&) override { body_done_ = true; }

  Head* head_;
  std::string* sink_ = nullptr;
  size_t room_ = 0;
  bool body_done_ = false;
};

// The storage a connection uses while it serves a request: its read buffer, the request head's
// text and fields, the response head and body. Between requests a plain-TCP connection hands it
// to its I/O thread's pool (a connection lives on one thread), so an idle keep-alive connection
// holds none of it and a busy loop cycles a few warm sets instead of allocating per request.
struct ExchangeStorage {
  std::string read_buffer;
  std::string head_arena;
  std::vector<std::array<uint32_t, 4>> field_offsets;
  std::vector<HeaderField> fields;
  std::string response_fields;
  std::string response_body;
};

class ExchangeStoragePool {
 public:
  static ExchangeStoragePool& ForThisThread() {
    thread_local ExchangeStoragePool pool;
    return pool;
  }
  ExchangeStorage Take() {
    if (free_.empty()) return {};
    ExchangeStorage storage = std::move(free_.back());
    free_.pop_back();
    return storage;
  }
  void Give(ExchangeStorage storage) {
    if (storage.read_buffer.capacity() == 0) return;  // nothing worth keeping
    if (free_.size() >= kMaxPooled || storage.read_buffer.capacity() > kBodyBufferBytes ||
        storage.response_body.capacity() > kMaxKeptBodyBuffer) {
      return;
    }
    free_.push_back(std::move(storage));
  }

 private:
  // As many sets as calls a busy loop has in progress at once; more are freed.
  static constexpr size_t kMaxPooled = 64;
  std::vector<ExchangeStorage> free_;
};

// Strips the scheme and authority of an absolute-form target (RFC 9112 §3.2.2).
std::string_view OriginForm(std::string_view target) {
  if (target.empty() || target.front() == '/') return target;
  const size_t scheme_end = target.find("://");
  if (scheme_end == std::string_view::npos) return target;
  const size_t path = target.find_first_of("/?", scheme_end + 3);
  if (path == std::string_view::npos) return "/";
  return target.substr(path);  // "/path?q", or "?q" (no path: answered 404)
}

template <typename Stream>
class Http1Connection final : public Connection, public ServerExchange {
 public:
  static constexpr bool kTls = !std::is_same_v<Stream, tcp::socket>;

  template <typename... Args>
  explicit Http1Connection(ConnectionHost& host, Args&&... args)
      : host_(host), stream_(std::forward<Args>(args)...), executor_(stream_.get_executor()) {
    error_code ec;
    tcp::socket& socket = Socket();
    socket.set_option(tcp::no_delay(true), ec);
    // Plain TCP reads and writes are first tried synchronously (see ReadAvailable, WriteBuffers).
    if constexpr (!kTls) socket.non_blocking(true, ec);
    auto endpoint = socket.remote_endpoint(ec);
    if (!ec) peer_ = StrCat(endpoint.address().to_string(), ":", endpoint.port());
  }

  static awaitable<void> Run(std::unique_ptr<Http1Connection> self) {
    self->host_.Register(self.get());
    co_await self->Serve();
    self->Close();
    self->host_.Unregister(self.get());
  }

  // Connection.
  void CloseIfIdle() override {
    if (idle_) Close();
  }
  void Abort() override {
    CancelWith(ExchangeError::kCancelled);
    Close();
  }
  void Tick(Clock::time_point now) override {
    if (write_pending_) NoteWriteProgress(now);
    const Clock::time_point deadline = std::min(read_deadline_, write_deadline_);
    if (deadline != Clock::time_point::max() && now >= deadline) {
      timed_out_ = true;
      read_deadline_ = write_deadline_ = Clock::time_point::max();
      CancelWith(ExchangeError::kTimeout);
    }
    if (idle_ && begin_ == end_ && buffer_.size() > kIdleBufferBytes && !read_pending_) {
      std::string().swap(buffer_);
      begin_ = end_ = 0;
    }
    if (idle_ && body_.capacity() > kMaxKeptBodyBuffer) std::string().swap(body_);
  }

  // ServerExchange.
  const RequestHead& head() const override { return request_; }
  const asio::any_io_executor& executor() const override { return executor_; }

  awaitable<ExchangeError> ReadBody(std::string* out, size_t max_bytes, bool* end) override {
    *end = false;
    if (parser_->body_done()) {
      *end = true;
      co_return ExchangeError::kNone;
    }
    if (cancelled_ || read_cancelled_) co_return ExchangeError::kCancelled;
    if (head_.expect_continue && !continue_sent_) {
      continue_sent_ = true;
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      const std::array<asio::const_buffer, 1> continue_buffers{
          asio::buffer(kContinue.data(), kContinue.size())};
      const ExchangeError e = co_await WriteBuffers(continue_buffers);
      if (e != ExchangeError::kNone) co_return e;
    }
    const size_t before = out->size();
    for (;;) {
      if (begin_ < end_) {
        parser_->SetBodySink(out, max_bytes - (out->size() - before));
        error_code ec;
        const size_t used = parser_->put(asio::buffer(buffer_.data() + begin_, end_ - begin_), ec);
        parser_->SetBodySink(nullptr, 0);
        begin_ += used;
        if (ec && ec != http::error::need_more) {
          co_return ec == http::error::body_limit ? ExchangeError::kTooLarge
                                                  : ExchangeError::kMalformed;
        }
        if (parser_->body_done()) {
          *end = true;
          co_return ExchangeError::kNone;
        }
        if (out->size() > before) co_return ExchangeError::kNone;
        if (FramingLineTooLong(used)) co_return ExchangeError::kMalformed;
        if (used > 0 && begin_ < end_) continue;
      }
      const ExchangeError e = co_await ReadMore(kBodyBufferBytes, host_.limits().idle_timeout);
      if (e != ExchangeError::kNone) {
        keep_alive_ = false;
        co_return read_cancelled_ ? ExchangeError::kCancelled : e;
      }
    }
  }

  void SetStatus(int status) override {
    status_ = status;
    fields_.clear();
  }
  void AddHeader(std::string_view name, std::string_view value) override {
    fields_.append(name);
    fields_.append(": ");
    fields_.append(value);
    fields_.append("\r\n");
  }
  std::string& body_buffer() override { return body_; }
  bool head_sent() const override { return head_sent_; }

  awaitable<ExchangeError> Write(bool last) override {
    if (cancelled_) co_return ExchangeError::kCancelled;
    if (response_done_) co_return ExchangeError::kClosed;
    std::array<asio::const_buffer, 6> buffers;
    size_t count = 0;
    const bool head_only = request_.method == "HEAD";
    if (!head_sent_) {
      status_line_ = StatusLine(status_);
      if (status_line_.empty()) {
        custom_status_line_ = StrCat("HTTP/1.1 ", status_, " Status\r\n");
        status_line_ = custom_status_line_;
      }
      chunked_ = !last;
      if (chunked_) {
        fields_.append("transfer-encoding: chunked\r\n");
      } else {
        fields_.append("content-length: ");
        char digits[24];
        const char* end = std::to_chars(digits, digits + sizeof(digits), body_.size()).ptr;
        fields_.append(digits, static_cast<size_t>(end - digits));
        fields_.append("\r\n");
      }
      keep_alive_ = keep_alive_ && !host_.draining() && !cancelled_;
      if (!keep_alive_) fields_.append("connection: close\r\n");
      fields_.append("\r\n");
      buffers[count++] = asio::buffer(status_line_.data(), status_line_.size());
      buffers[count++] = asio::buffer(fields_);
      head_sent_ = true;
    }
    if (!head_only) {
      if (chunked_) {
        if (!body_.empty()) {
          char* end = std::to_chars(chunk_prefix_, chunk_prefix_ + 16, body_.size(), 16).ptr;
          *end++ = '\r';
          *end++ = '\n';
          buffers[count++] = asio::buffer(chunk_prefix_, static_cast<size_t>(end - chunk_prefix_));
          buffers[count++] = asio::buffer(body_);
          buffers[count++] = asio::buffer("\r\n", 2);
        }
        if (last) buffers[count++] = asio::buffer("0\r\n\r\n", 5);
      } else if (!body_.empty()) {
        buffers[count++] = asio::buffer(body_);
      }
    }
    ExchangeError e = co_await WriteBuffers(std::span(buffers.data(), count), last);
    body_.clear();
    if (e != ExchangeError::kNone) {
      keep_alive_ = false;
      co_return e;
    }
    if (last) response_done_ = true;
    co_return ExchangeError::kNone;
  }

  void CancelRead() override {
    if (read_cancelled_) return;
    read_cancelled_ = true;
    if (!parser_ || !parser_->body_done()) keep_alive_ = false;
    read_cancel_.emit(asio::cancellation_type::terminal);
  }

  void Cancel() override { CancelWith(ExchangeError::kCancelled); }

  void SetObserver(ExchangeObserver* observer) override { observer_ = observer; }

 private:
  tcp::socket& Socket() {
    if constexpr (kTls) {
      return stream_.next_layer();
    } else {
      return stream_;
    }
  }

  void Close() {
    error_code ec;
    Socket().shutdown(tcp::socket::shutdown_both, ec);
    Socket().close(ec);
  }

  // Moves the per-request storage to this thread's pool (ExchangeStorage), and back. The read
  // buffer keeps its size (its bytes are garbage until read into).
  void ReleaseStorage() {
    ExchangeStorage storage;
    storage.read_buffer = std::move(buffer_);
    storage.head_arena = std::move(head_.arena);
    storage.field_offsets = std::move(head_.field_offsets);
    storage.fields = std::move(head_.fields);
    storage.response_fields = std::move(fields_);
    storage.response_body = std::move(body_);
    ExchangeStoragePool::ForThisThread().Give(std::move(storage));
    buffer_.clear();
    head_.arena.clear();
    head_.field_offsets.clear();
    head_.fields.clear();
    fields_.clear();
    body_.clear();
    begin_ = end_ = 0;
  }
  void AcquireStorage() {
    ExchangeStorage storage = ExchangeStoragePool::ForThisThread().Take();
    buffer_ = std::move(storage.read_buffer);
    head_.arena = std::move(storage.head_arena);
    head_.field_offsets = std::move(storage.field_offsets);
    head_.fields = std::move(storage.fields);
    fields_ = std::move(storage.response_fields);
    body_ = std::move(storage.response_body);
    head_.arena.clear();
    head_.field_offsets.clear();
    head_.fields.clear();
    fields_.clear();
    body_.clear();
  }

  void CancelWith(ExchangeError why) {
    if (cancelled_) return;
    cancelled_ = true;
    keep_alive_ = false;
    error_code ec;
    Socket().cancel(ec);
    if (observer_ != nullptr) observer_->OnExchangeCancelled(why);
  }

  ExchangeError MapError(const error_code& ec) {
    if (timed_out_) return ExchangeError::kTimeout;
    if (cancelled_ || ec == asio::error::operation_aborted) return ExchangeError::kCancelled;
    return ExchangeError::kClosed;
  }

  // A pending write makes progress while the peer drains the socket's send queue, even when
  // the kernel does not yet wake the writer (it waits until a good part of a large send buffer
  // is free). The sweep samples the queue: any change moves the write deadline.
  void NoteWriteProgress(Clock::time_point now) {
#ifdef SIOCOUTQ
    int queued = 0;
    if (ioctl(Socket().native_handle(), SIOCOUTQ, &queued) != 0) return;
    if (queued != last_send_queue_) {
      last_send_queue_ = queued;
      write_deadline_ = now + host_.limits().write_timeout;
    }
#else
    (void)now;
#endif
  }

  // Writes every buffer. The write timeout counts from the last progress, not from the start: a
  // large response to a peer that reads slowly but steadily is not cut off.
  template <typename Buffers>
  awaitable<ExchangeError> WriteBuffers(const Buffers& buffers, bool ends_response = false) {
    boost::beast::buffers_suffix<Buffers> rest(buffers);
    if constexpr (!kTls) {
      error_code ec;
      size_t sent = 0;
      if (ends_response) {
        // Asio sends at once and queues the completion behind the loop's other ready work, so
        // the connections that are ready are answered first and this one looks for its next
        // request later, when it has usually arrived (a read straight after the response finds
        // nothing and costs a wait registration besides).
        auto [write_ec, n] = co_await Socket().async_write_some(buffers, kUseTuple);
        ec = write_ec;
        sent = n;
      } else {
        // The socket is non-blocking: send what fits now, with no suspension (a message
        // usually fits the socket buffer whole), and wait only for what is left.
        sent = Socket().write_some(buffers, ec);
      }
      if (ec && ec != asio::error::would_block) co_return MapError(ec);
      rest.consume(sent);
      if (asio::buffer_size(rest) == 0) co_return ExchangeError::kNone;
    }
    const std::chrono::milliseconds timeout = host_.limits().write_timeout;
    write_deadline_ = Clock::now() + timeout;
    last_send_queue_ = -1;
    write_pending_ = true;
    // Called before each partial write with the bytes written so far: after the first, each
    // call follows a write that made progress.
    auto on_progress = [this, timeout](const error_code& ec, size_t written) -> size_t {
      if (ec) return 0;
      if (written > 0) write_deadline_ = Clock::now() + timeout;
      return kMaxWriteSome;
    };
    auto [ec, n] = co_await asio::async_write(stream_, rest, on_progress, kUseTuple);
    write_pending_ = false;
    write_deadline_ = Clock::time_point::max();
    if (ec) co_return MapError(ec);
    co_return ExchangeError::kNone;
  }

  // Whether the parser, given every unparsed byte and consuming none of them, still needs more:
  // a chunk-size line (with its extensions) or a trailer section longer than a whole request
  // head may be. Beast bounds neither, and the read buffer would grow without end.
  bool FramingLineTooLong(size_t used) const {
    return used == 0 && end_ - begin_ > host_.limits().max_header_bytes;
  }

  // Makes room after end_ in the read buffer: compacts it, or grows it up to `grow_to`.
  void PrepareReadSpace(size_t grow_to) {
    if (begin_ == end_) {
      begin_ = end_ = 0;
    } else if (begin_ > 0 && end_ == buffer_.size()) {
      std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
      end_ -= begin_;
      begin_ = 0;
    }
    if (end_ == buffer_.size()) {
      const size_t want = std::max(buffer_.size() * 2, std::max(grow_to, kIdleBufferBytes));
      buffer_.resize(std::min(want, std::max(grow_to, buffer_.size() + kIdleBufferBytes)));
    }
  }

  // Reads more bytes into the buffer (growing it up to `grow_to`), waiting at most `timeout` for
  // progress.
  awaitable<ExchangeError> ReadMore(size_t grow_to, std::chrono::milliseconds timeout) {
    // Nothing more can arrive after the end of the stream. Asio would wait for a readiness event
    // that never comes: after a speculative read finds the end, it stops reading speculatively
    // until the next event, and the edge-triggered end was reported already.
    if (read_closed_) co_return ExchangeError::kClosed;
    PrepareReadSpace(grow_to);
    read_deadline_ = std::min(read_deadline_, Clock::now() + timeout);
    read_pending_ = true;
    auto [ec, n] = co_await stream_.async_read_some(
        asio::buffer(buffer_.data() + end_, buffer_.size() - end_),
        asio::bind_cancellation_slot(read_cancel_.slot(), kUseTuple));
    read_pending_ = false;
    if (!head_deadline_armed_) read_deadline_ = Clock::time_point::max();
    if (ec) {
      if (ec != asio::error::operation_aborted) read_closed_ = true;
      co_return MapError(ec);
    }
    end_ += n;
    co_return ExchangeError::kNone;
  }

  // Plain TCP, after readiness: reads what the socket has without suspending. False on end of
  // stream or an error; true with nothing read if the readiness was spurious.
  bool ReadAvailable() {
    PrepareReadSpace(kIdleBufferBytes);
    error_code ec;
    const size_t n = Socket().read_some(asio::buffer(buffer_.data() + end_, buffer_.size() - end_), ec);
    if (ec == asio::error::would_block) return true;
    if (ec) {
      read_closed_ = true;
      return false;
    }
    end_ += n;
    return true;
  }

  // Reads and parses the next request head. Returns false when the connection must close
  // (after answering a framing error, if there was one).
  awaitable<bool> ReadHead() {
    head_.Clear();
    parser_.emplace(&head_);
    parser_->header_limit(static_cast<std::uint32_t>(host_.limits().max_header_bytes));
    parser_->body_limit(host_.limits().max_request_body_bytes);
    parser_->eager(true);
    idle_ = begin_ == end_;
    head_deadline_armed_ = false;
    for (;;) {
      if (begin_ < end_) {
        idle_ = false;
        if (!head_deadline_armed_) {
          // The whole head must arrive within the idle timeout of its first byte.
          head_deadline_armed_ = true;
          read_deadline_ = Clock::now() + host_.limits().idle_timeout;
        }
        error_code ec;
        parser_->SetBodySink(nullptr, 0);
        // Parse the head only: body bytes stay in the buffer until the handler reads them.
        parser_->eager(false);
        const size_t used = parser_->put(asio::buffer(buffer_.data() + begin_, end_ - begin_), ec);
        parser_->eager(true);
        begin_ += used;
        if (!ec && parser_->is_header_done()) {
          head_deadline_armed_ = false;
          read_deadline_ = Clock::time_point::max();
          co_return true;
        }
        if (ec && ec != http::error::need_more) {
          head_deadline_armed_ = false;
          read_deadline_ = Clock::time_point::max();
          int status = 400;
          std::string message;
          if (head_.error) {
            status = head_.error->status;
            message = head_.error->message;
          } else if ((ec == http::error::bad_transfer_encoding && head_.saw_content_length) ||
                     (ec == http::error::bad_content_length && head_.saw_transfer_encoding)) {
            message = "both Transfer-Encoding and Content-Length are present";
          } else if (ec == http::error::header_limit) {
            status = 431;
            message = StrCat("the request head exceeds ", host_.limits().max_header_bytes, " bytes");
          } else {
            message = StrCat("malformed HTTP request: ", ec.message());
          }
          co_await WriteFramingError(status, message);
          co_return false;
        }
      }
      if (host_.draining() && begin_ == end_) co_return false;
      if constexpr (!kTls) {
        if (begin_ == end_) {
          // On a busy connection the next request is usually here already: read it without
          // suspending.
          if (!ReadAvailable()) co_return false;
          if (begin_ < end_) continue;
          // Between requests: wait for readability holding no storage. TLS reads directly: its
          // stream may hold decrypted bytes that the socket's readiness would not show.
          ReleaseStorage();
          read_deadline_ = Clock::now() + host_.limits().idle_timeout;
          auto [ec] = co_await Socket().async_wait(
              tcp::socket::wait_read,
              asio::bind_allocator(std::allocator<void>(),
                                   asio::bind_cancellation_slot(read_cancel_.slot(), kUseTuple)));
          read_deadline_ = Clock::time_point::max();
          AcquireStorage();
          if (ec || !ReadAvailable()) co_return false;
          continue;
        }
      }
      const auto timeout = host_.limits().idle_timeout;
      const ExchangeError e = co_await ReadMore(kIdleBufferBytes, timeout);
      if (e != ExchangeError::kNone) {
        if (e == ExchangeError::kTimeout && begin_ < end_) {
          co_await WriteFramingError(408, "the request head did not arrive in time");
        }
        co_return false;
      }
    }
  }

  awaitable<void> WriteFramingError(int status, std::string_view message) {
    std::string_view line = StatusLine(status);
    std::string response = StrCat(line.empty() ? "HTTP/1.1 400 Bad Request\r\n" : line,
                                  "content-type: text/plain; charset=utf-8\r\ncontent-length: ",
                                  message.size(), "\r\nconnection: close\r\n\r\n", message);
    co_await WriteBuffers(std::array<asio::const_buffer, 1>{asio::buffer(response)});
  }

  void PrepareRequest() {
    request_ = RequestHead{};
    std::string_view target = OriginForm(head_.target);
    const size_t q = target.find('?');
    request_.path = target.substr(0, q);
    request_.query = q == std::string_view::npos ? std::string_view() : target.substr(q + 1);
    request_.method = head_.method;
    request_.fields = RequestFields(head_.fields);
    request_.peer = peer_;
    status_ = 200;
    fields_.clear();
    body_.clear();
    head_sent_ = response_done_ = chunked_ = continue_sent_ = read_cancelled_ = false;
    observer_ = nullptr;
    keep_alive_ = parser_->keep_alive();
  }

  // Reads and discards what is left of the request body (a handler that answered without
  // reading it all), within the body limit; false if the connection cannot be reused. Closing
  // with unread bytes would reset the connection under a client still sending its body.
  awaitable<bool> DrainBody() {
    const size_t max_drain = host_.limits().max_request_body_bytes;
    size_t drained = 0;
    while (!parser_->body_done()) {
      if (begin_ < end_) {
        error_code ec;
        parser_->SetBodySink(nullptr, 0);
        const size_t used = parser_->put(asio::buffer(buffer_.data() + begin_, end_ - begin_), ec);
        begin_ += used;
        drained += used;
        if (ec && ec != http::error::need_more) co_return false;
        if (parser_->body_done()) break;
        if (FramingLineTooLong(used)) co_return false;
      }
      if (drained > max_drain) co_return false;
      const ExchangeError e = co_await ReadMore(kBodyBufferBytes, host_.limits().idle_timeout);
      if (e != ExchangeError::kNone) co_return false;
    }
    co_return true;
  }

  awaitable<void> Serve() {
    if constexpr (kTls) {
      read_deadline_ = Clock::now() + host_.limits().idle_timeout;
      auto [ec] = co_await stream_.async_handshake(asio::ssl::stream_base::server, kUseTuple);
      read_deadline_ = Clock::time_point::max();
      if (ec) co_return;
    }
    for (;;) {
      const bool have_request = co_await ReadHead();
      if (!have_request) co_return;
      idle_ = false;
      PrepareRequest();
      co_await host_.exchange_handler().Serve(*this);
      // A cancelled read (a call's deadline) already cleared keep_alive_ if the body was cut
      // short; with the body complete, the connection stays usable, as its response promised.
      if (!response_done_ || cancelled_) co_return;
      const bool drained = co_await DrainBody();
      if (!drained || !keep_alive_ || host_.draining()) co_return;
    }
  }

  ConnectionHost& host_;
  Stream stream_;
  asio::any_io_executor executor_;
  std::string peer_;

  // Read side.
  std::string buffer_;  // bytes [begin_, end_) are received and not yet parsed
  size_t begin_ = 0, end_ = 0;
  RequestParser::Head head_;
  std::optional<RequestParser> parser_;
  RequestHead request_;
  bool read_pending_ = false;
  bool read_closed_ = false;  // the peer ended its side (or the socket failed): no more reads
  bool continue_sent_ = false;
  bool read_cancelled_ = false;
  asio::cancellation_signal read_cancel_;
  ExchangeObserver* observer_ = nullptr;

  // Write side.
  int status_ = 200;
  std::string_view status_line_;
  std::string custom_status_line_;
  std::string fields_;
  std::string body_;
  char chunk_prefix_[24] = {};
  bool head_sent_ = false;
  bool response_done_ = false;
  bool chunked_ = false;
  bool keep_alive_ = true;

  // State and timeouts.
  bool idle_ = false;
  bool cancelled_ = false;
  bool timed_out_ = false;
  bool head_deadline_armed_ = false;
  // A read and a write may be pending at once (a full-duplex handler): each has its deadline.
  Clock::time_point read_deadline_ = Clock::time_point::max();
  Clock::time_point write_deadline_ = Clock::time_point::max();
  bool write_pending_ = false;
  int last_send_queue_ = -1;  // bytes in the socket's send queue at the last sweep
};

}  // namespace

void StartHttp1Connection(tcp::socket socket, asio::ssl::context* tls, ConnectionHost& host) {
  auto executor = socket.get_executor();
  if (tls != nullptr) {
    using Conn = Http1Connection<asio::ssl::stream<tcp::socket>>;
    auto connection = std::make_unique<Conn>(host, std::move(socket), *tls);
    asio::co_spawn(executor, Conn::Run(std::move(connection)), asio::detached);
  } else {
    using Conn = Http1Connection<tcp::socket>;
    auto connection = std::make_unique<Conn>(host, std::move(socket));
    asio::co_spawn(executor, Conn::Run(std::move(connection)), asio::detached);
  }
}

}  // namespace connectrpc::internal
