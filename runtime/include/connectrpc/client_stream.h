// Client-side streams: ServerStreamReader, ClientStreamWriter and BidiStream, returned by
// generated clients for streaming methods.
//
//   auto stream = echo.Ticks(request);
//   for (const connectrpc::Result<foo::v1::Tick>& tick : stream) {
//     if (!tick.ok()) { /* the final error */ break; }
//     use(*tick);
//   }
//
// A stream object is used by one thread at a time; Cancel() may be called from any thread.
// Over HTTP/1.1 a BidiStream is half-duplex: send everything, CloseSend(), then read.
#ifndef CONNECTRPC_CLIENT_STREAM_H_
#define CONNECTRPC_CLIENT_STREAM_H_

#include <google/protobuf/message.h>

#include <iterator>
#include <memory>
#include <optional>
#include <utility>

#include "connectrpc/headers.h"
#include "connectrpc/result.h"
#include "connectrpc/status.h"

namespace connectrpc {
namespace internal {

// One streaming call, type-erased. Implemented by the runtime.
class StreamCall {
 public:
  virtual ~StreamCall() = default;
  // Sends one request message; false once the call has failed (see status()).
  virtual bool Send(const google::protobuf::Message& message) = 0;
  // Ends the request stream; false once the call has failed.
  virtual bool CloseSend() = 0;
  // Reads the next response message; false at the end of the stream or on failure.
  virtual bool Receive(google::protobuf::Message* message) = 0;
  // The final status, once Receive has returned false. Error metadata is in status().metadata().
  virtual const Status& status() const = 0;
  // Response headers (available after the first Receive) and trailers (after the last).
  virtual const Headers& response_headers() const = 0;
  virtual const Headers& response_trailers() const = 0;
  // Thread-safe: abandons the call; it ends with kCanceled.
  virtual void Cancel() = 0;
};

// Input iterator over a stream's messages yielding Result<T>; a failed stream's last element is
// its error.
template <typename T>
class StreamIterator {
 public:
  using iterator_category = std::input_iterator_tag;
  using value_type = Result<T>;
  using difference_type = std::ptrdiff_t;
  using pointer = const Result<T>*;
  using reference = const Result<T>&;

  StreamIterator() = default;
  explicit StreamIterator(StreamCall* call) : call_(call) { Advance(); }

  reference operator*() const { return *current_; }
  pointer operator->() const { return &*current_; }
  StreamIterator& operator++() {
    Advance();
    return *this;
  }
  void operator++(int) { Advance(); }
  friend bool operator==(const StreamIterator& a, const StreamIterator& b) {
    return a.call_ == b.call_;
  }

 private:
  void Advance() {
    if (call_ == nullptr) return;
    if (done_) {
      call_ = nullptr;
      return;
    }
    T message;
    if (call_->Receive(&message)) {
      current_.emplace(std::move(message));
    } else if (!call_->status().ok()) {
      current_.emplace(call_->status());
      done_ = true;
    } else {
      call_ = nullptr;
    }
  }

  StreamCall* call_ = nullptr;
  std::optional<Result<T>> current_;
  bool done_ = false;
};

}  // namespace internal

// The response side of a server-streaming call.
template <typename Response>
class ServerStreamReader {
 public:
  explicit ServerStreamReader(std::unique_ptr<internal::StreamCall> call)
      : call_(std::move(call)) {}

  // Reads the next message; false at the end (then check status()).
  bool Read(Response* response) { return call_->Receive(response); }
  const Status& status() const { return call_->status(); }
  const Headers& response_headers() const { return call_->response_headers(); }
  const Headers& response_trailers() const { return call_->response_trailers(); }
  void Cancel() { call_->Cancel(); }

  internal::StreamIterator<Response> begin() {
    return internal::StreamIterator<Response>(call_.get());
  }
  internal::StreamIterator<Response> end() { return {}; }

 private:
  std::unique_ptr<internal::StreamCall> call_;
};

// A client-streaming call: Send() any number of requests, then CloseAndReceive().
template <typename Request, typename Response>
class ClientStreamWriter {
 public:
  explicit ClientStreamWriter(std::unique_ptr<internal::StreamCall> call)
      : call_(std::move(call)) {}

  // Sends one request; false if the call already failed (CloseAndReceive() reports why).
  bool Send(const Request& request) { return call_->Send(request); }
  // Ends the request stream and waits for the single response.
  Result<Response> CloseAndReceive() {
    call_->CloseSend();
    Response response;
    if (!call_->Receive(&response)) {
      if (!call_->status().ok()) return call_->status();
      return Status(Code::kUnimplemented, "client stream: server sent no response message");
    }
    Response extra;
    if (call_->Receive(&extra)) {
      return Status(Code::kUnimplemented, "client stream: server sent more than one response");
    }
    if (!call_->status().ok()) return call_->status();
    return response;
  }
  const Headers& response_headers() const { return call_->response_headers(); }
  const Headers& response_trailers() const { return call_->response_trailers(); }
  void Cancel() { call_->Cancel(); }

 private:
  std::unique_ptr<internal::StreamCall> call_;
};

// A bidirectional stream. Over HTTP/1.1 it is half-duplex: responses arrive after CloseSend().
template <typename Request, typename Response>
class BidiStream {
 public:
  explicit BidiStream(std::unique_ptr<internal::StreamCall> call) : call_(std::move(call)) {}

  bool Send(const Request& request) { return call_->Send(request); }
  bool CloseSend() { return call_->CloseSend(); }
  bool Read(Response* response) { return call_->Receive(response); }
  const Status& status() const { return call_->status(); }
  const Headers& response_headers() const { return call_->response_headers(); }
  const Headers& response_trailers() const { return call_->response_trailers(); }
  void Cancel() { call_->Cancel(); }

  internal::StreamIterator<Response> begin() {
    return internal::StreamIterator<Response>(call_.get());
  }
  internal::StreamIterator<Response> end() { return {}; }

 private:
  std::unique_ptr<internal::StreamCall> call_;
};

}  // namespace connectrpc

#endif  // CONNECTRPC_CLIENT_STREAM_H_
