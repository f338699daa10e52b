#include "server_call.h"

#include <boost/asio/post.hpp>
#include <utility>

#include "connectrpc/envelope.h"

namespace connectrpc::internal {
namespace {

// Output a handler may queue ahead of the network before Write() blocks.
constexpr size_t kMaxQueuedBytes = 1u << 20;
constexpr size_t kMaxQueuedEvents = 64;

}  // namespace

ServerCallImpl::ServerCallImpl(CallSetup setup, boost::asio::any_io_executor executor)
    : setup_(std::move(setup)), wake_(std::move(executor)) {}

bool ServerCallImpl::ReadMessage(google::protobuf::Message* message) {
  if (!read_error_.ok() || next_request_ >= setup_.requests.size()) return false;
  Status status = setup_.codec->Unmarshal(setup_.requests[next_request_], message);
  // Free the bytes as soon as they are decoded: a long client stream should not hold them twice.
  std::string().swap(setup_.requests[next_request_]);
  ++next_request_;
  if (!status.ok()) {
    read_error_ =
        Status(Code::kInvalidArgument, "failed to unmarshal request message: " + status.message());
    return false;
  }
  return true;
}

bool ServerCallImpl::WriteMessage(const google::protobuf::Message& message) {
  std::string bytes;
  Status status = setup_.codec->Marshal(message, &bytes);
  if (!status.ok()) {
    Abort(Status(Code::kInternal, "failed to marshal response message: " + status.message()));
    return false;
  }
  const Compressor* compressor = setup_.response_compressor;
  bool compress =
      compressor != nullptr && !bytes.empty() && bytes.size() >= setup_.compress_min_bytes;
  if (!setup_.streaming_protocol) {
    // Unary responses are written when the handler returns.
    if (compress) {
      std::string packed;
      if (!compressor->Compress(bytes, &packed).ok())
        compress = false;
      else
        bytes.swap(packed);
    }
    unary_response_.emplace(std::move(bytes));
    unary_compressed_ = compress;
    return cancellation().ok();
  }
  ResponseEvent event;
  event.kind = ResponseEvent::kMessage;
  if (compress) {
    std::string packed;
    if (compressor->Compress(bytes, &packed).ok()) {
      AppendEnvelope(kEnvelopeCompressed, packed, &event.payload);
    } else {
      compress = false;
    }
  }
  if (!compress) AppendEnvelope(0, bytes, &event.payload);
  if (!headers_pushed_) {
    event.headers = response_headers_;
    headers_pushed_ = true;
  }
  return Push(std::move(event));
}

bool ServerCallImpl::FlushHeaders() {
  if (headers_pushed_) return cancellation().ok();
  ResponseEvent event;
  event.kind = ResponseEvent::kHeaders;
  event.headers = response_headers_;
  headers_pushed_ = true;
  return Push(std::move(event));
}

void ServerCallImpl::Complete(Status handler_status) {
  ResponseEvent event;
  event.kind = ResponseEvent::kEnd;
  event.status = read_error_.ok() ? std::move(handler_status) : read_error_;
  if (event.status.ok() && !setup_.streaming_protocol) {
    if (!unary_response_) {
      event.status = Status(Code::kInternal, "handler returned OK without a response message");
    } else {
      event.payload = std::move(*unary_response_);
      event.payload_compressed = unary_compressed_;
    }
  }
  if (!headers_pushed_) event.headers = response_headers_;
  event.trailers = response_trailers_;
  Push(std::move(event));
}

bool ServerCallImpl::Abort(Status reason) {
  std::lock_guard<std::mutex> lock(mu_);
  if (ended_) return false;
  ended_ = true;
  abort_reason_ = reason;
  ResponseEvent event;
  event.kind = ResponseEvent::kEnd;
  event.status = std::move(reason);
  events_.push_back(std::move(event));
  WakeLocked();
  cv_.notify_all();
  return true;
}

bool ServerCallImpl::Push(ResponseEvent event) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [&] {
    return ended_ || (queued_bytes_ < kMaxQueuedBytes && events_.size() < kMaxQueuedEvents);
  });
  if (ended_) return false;
  if (event.kind == ResponseEvent::kEnd) ended_ = true;
  queued_bytes_ += event.payload.size();
  events_.push_back(std::move(event));
  WakeLocked();
  return true;
}

void ServerCallImpl::WakeLocked() {
  if (!io_waiting_) return;
  io_waiting_ = false;
  boost::asio::post(wake_.get_executor(), [weak = weak_from_this()] {
    if (auto self = weak.lock()) self->wake_.cancel();
  });
}

std::optional<ResponseEvent> ServerCallImpl::PopEvent() {
  std::lock_guard<std::mutex> lock(mu_);
  if (events_.empty()) {
    io_waiting_ = true;
    wake_.expires_at(boost::asio::steady_timer::time_point::max());
    return std::nullopt;
  }
  ResponseEvent event = std::move(events_.front());
  events_.pop_front();
  queued_bytes_ -= event.payload.size();
  cv_.notify_all();
  return event;
}

Status ServerCallImpl::cancellation() const {
  std::lock_guard<std::mutex> lock(mu_);
  return abort_reason_;
}

bool ServerCallImpl::WaitFor(std::chrono::milliseconds duration) const {
  std::unique_lock<std::mutex> lock(mu_);
  return !cv_.wait_for(lock, duration, [&] { return !abort_reason_.ok(); });
}

}  // namespace connectrpc::internal
