// Client-side streams returned by generated clients for streaming methods, in two forms.
//
// Blocking: ServerStreamReader, ClientStreamWriter and BidiStream.
//
//   auto stream = echo.Ticks(request);
//   for (const connectrpc::Result<foo::v1::Tick>& tick : stream) {
//     if (!tick.ok()) { /* the final error */ break; }
//     use(*tick);
//   }
//
// Asynchronous, with any Asio completion token (use_awaitable, use_future, a callback):
// AsyncServerStream, AsyncClientStream and AsyncBidiStream, from the `<Method>Async(...)` methods.
//
//   connectrpc::AsyncServerStream<foo::v1::Tick> ticks = echo.TicksAsync(request);
//   while (std::optional<foo::v1::Tick> tick = co_await ticks.Read(boost::asio::use_awaitable)) {
//     use(*tick);
//   }
//   if (!ticks.status().ok()) { /* the error that ended the stream */ }
//
//   auto sum = echo.SumAsync();
//   co_await sum.Send(request, boost::asio::use_awaitable);           // completes with bool
//   connectrpc::Result<SumResponse> total = co_await
//   sum.CloseAndReceive(boost::asio::use_awaitable);
//
// Operations of one stream run in the order they were started (start the next one after the
// previous completed, or queue them: each waits its turn). A stream object is used by one thread
// at a time; Cancel() may be called from any thread. Stream objects hold the call's shared state,
// so they may outlive the Client that made them. Over HTTP/1.1 a bidi stream is half-duplex:
// responses arrive after CloseSend(). The blocking forms must not be used on the client's event
// loop thread: there they fail at once with kFailedPrecondition instead of deadlocking.
#ifndef CONNECTRPC_CLIENT_STREAM_H_
#define CONNECTRPC_CLIENT_STREAM_H_

#include <google/protobuf/message.h>

#include <iterator>
#include <memory>
#include <optional>
#include <utility>

#include "connectrpc/headers.h"
#include "connectrpc/internal/async_result.h"
#include "connectrpc/internal/stream_call.h"
#include "connectrpc/result.h"
#include "connectrpc/status.h"

namespace connectrpc {
namespace internal {

// Reads one message: completes with it, or with nullopt at the end of the stream.
template <typename Response, typename CompletionToken>
auto AsyncRead(const std::shared_ptr<StreamCall>& call, CompletionToken&& token) {
  return InitiateAsync<std::optional<Response>>(
      call->executor(), std::forward<CompletionToken>(token),
      [call](Completion<std::optional<Response>> complete) {
        auto message = std::make_shared<Response>();
        call->Receive(message.get(), [message, complete = std::move(complete)](bool ok) mutable {
          complete(ok ? std::optional<Response>(std::move(*message)) : std::nullopt);
        });
      });
}

template <typename CompletionToken>
auto AsyncSend(const std::shared_ptr<StreamCall>& call, const google::protobuf::Message& message,
               CompletionToken&& token) {
  // Serialized when the operation starts (at once for eager tokens such as callbacks and
  // use_future; at co_await for use_awaitable), so `message` need not outlive that.
  return InitiateAsync<bool>(
      call->executor(), std::forward<CompletionToken>(token),
      [call, &message](Completion<bool> complete) { call->Send(message, std::move(complete)); });
}

template <typename CompletionToken>
auto AsyncCloseSend(const std::shared_ptr<StreamCall>& call, CompletionToken&& token) {
  return InitiateAsync<bool>(
      call->executor(), std::forward<CompletionToken>(token),
      [call](Completion<bool> complete) { call->CloseSend(std::move(complete)); });
}

// Ends the request stream and reads the single response of a client-streaming call.
template <typename Response>
void CloseAndReceive(const std::shared_ptr<StreamCall>& call,
                     Completion<Result<Response>> complete) {
  call->CloseSend([call, complete = std::move(complete)](bool) mutable {
    auto response = std::make_shared<Response>();
    call->Receive(
        response.get(), [call, response, complete = std::move(complete)](bool got) mutable {
          if (!got) {
            if (!call->status().ok()) return complete(call->status());
            return complete(
                Status(Code::kUnimplemented, "client stream: server sent no response message"));
          }
          auto extra = std::make_shared<Response>();
          call->Receive(extra.get(), [call, response, extra,
                                      complete = std::move(complete)](bool more) mutable {
            if (more) {
              return complete(Status(Code::kUnimplemented,
                                     "client stream: server sent more than one response"));
            }
            if (!call->status().ok()) return complete(call->status());
            complete(std::move(*response));
          });
        });
  });
}

}  // namespace internal

// Input iterator over a blocking stream's messages (begin() of ServerStreamReader and
// BidiStream), yielding Result<T>; a failed stream's last element is its error.
template <typename T>
class StreamIterator {
 public:
  using iterator_category = std::input_iterator_tag;
  using value_type = Result<T>;
  using difference_type = std::ptrdiff_t;
  using pointer = const Result<T>*;
  using reference = const Result<T>&;

  StreamIterator() = default;  // the end

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
  template <typename Response>
  friend class ServerStreamReader;
  template <typename Request, typename Response>
  friend class BidiStream;
  explicit StreamIterator(internal::StreamCall* call) : call_(call) { Advance(); }

  void Advance() {
    if (call_ == nullptr) return;
    if (done_) {
      call_ = nullptr;
      return;
    }
    T message;
    if (internal::BlockingReceive(*call_, &message)) {
      current_.emplace(std::move(message));
    } else if (!call_->status().ok()) {
      current_.emplace(call_->status());
      done_ = true;
    } else {
      call_ = nullptr;
    }
  }

  internal::StreamCall* call_ = nullptr;
  std::optional<Result<T>> current_;
  bool done_ = false;
};

// What every client stream offers. Copies share the one call.
class StreamHandle {
 public:
  // The call's status: OK, or the error that ended it; final once the stream has ended.
  const Status& status() const { return call_->status(); }
  const Headers& response_headers() const { return call_->response_headers(); }
  const Headers& response_trailers() const { return call_->response_trailers(); }
  // Thread-safe: ends the call with kCanceled; a pending operation completes as failed (a Read
  // with false or nullopt).
  void Cancel() { call_->Cancel(); }

 protected:
  explicit StreamHandle(std::shared_ptr<internal::StreamCall> call) : call_(std::move(call)) {}
  ~StreamHandle() = default;
  StreamHandle(const StreamHandle&) = default;
  StreamHandle& operator=(const StreamHandle&) = default;
  StreamHandle(StreamHandle&&) = default;
  StreamHandle& operator=(StreamHandle&&) = default;

  std::shared_ptr<internal::StreamCall> call_;
};

class Client;

// The response side of a server-streaming call (blocking).
template <typename Response>
class ServerStreamReader : public StreamHandle {
 public:
  // Reads the next message; false at the end (then check status()).
  bool Read(Response* response) { return internal::BlockingReceive(*call_, response); }

  StreamIterator<Response> begin() { return StreamIterator<Response>(call_.get()); }
  StreamIterator<Response> end() { return {}; }

 private:
  friend class Client;
  explicit ServerStreamReader(std::shared_ptr<internal::StreamCall> call)
      : StreamHandle(std::move(call)) {}
};

// A client-streaming call (blocking): Send() any number of requests, then CloseAndReceive().
template <typename Request, typename Response>
class ClientStreamWriter : public StreamHandle {
 public:
  // Sends one request; false if the call already failed (CloseAndReceive() reports why).
  bool Send(const Request& request) { return internal::BlockingSend(*call_, request); }
  // Ends the request stream and waits for the single response.
  Result<Response> CloseAndReceive() {
    if (call_->InEventLoopThread()) {
      internal::BlockingCloseSend(*call_);  // aborts the call, see stream_call.h
      return call_->status();
    }
    return internal::BlockingWait<Result<Response>>(
        [this](internal::Completion<Result<Response>> complete) {
          internal::CloseAndReceive<Response>(call_, std::move(complete));
        });
  }

 private:
  friend class Client;
  explicit ClientStreamWriter(std::shared_ptr<internal::StreamCall> call)
      : StreamHandle(std::move(call)) {}
};

// A bidirectional stream (blocking). Over HTTP/1.1 it is half-duplex: responses arrive after
// CloseSend().
template <typename Request, typename Response>
class BidiStream : public StreamHandle {
 public:
  bool Send(const Request& request) { return internal::BlockingSend(*call_, request); }
  bool CloseSend() { return internal::BlockingCloseSend(*call_); }
  bool Read(Response* response) { return internal::BlockingReceive(*call_, response); }

  StreamIterator<Response> begin() { return StreamIterator<Response>(call_.get()); }
  StreamIterator<Response> end() { return {}; }

 private:
  friend class Client;
  explicit BidiStream(std::shared_ptr<internal::StreamCall> call)
      : StreamHandle(std::move(call)) {}
};

// The response side of a server-streaming call (asynchronous). The request was sent when the
// stream was made.
template <typename Response>
class AsyncServerStream : public StreamHandle {
 public:
  // Reads the next message. Completion signature: void(std::optional<Response>); nullopt at the
  // end of the stream, after which status() is final (OK or the error that ended it).
  template <typename CompletionToken>
  auto Read(CompletionToken&& token) {
    return internal::AsyncRead<Response>(call_, std::forward<CompletionToken>(token));
  }

 private:
  friend class Client;
  explicit AsyncServerStream(std::shared_ptr<internal::StreamCall> call)
      : StreamHandle(std::move(call)) {}
};

// A client-streaming call (asynchronous): Send() requests, then CloseAndReceive().
template <typename Request, typename Response>
class AsyncClientStream : public StreamHandle {
 public:
  // Sends one request (serialized at once, so `request` may go away). Completion signature:
  // void(bool); false if the call already failed (CloseAndReceive() reports why).
  template <typename CompletionToken>
  auto Send(const Request& request, CompletionToken&& token) {
    return internal::AsyncSend(call_, request, std::forward<CompletionToken>(token));
  }
  // Ends the request stream and reads the single response. Completion signature:
  // void(connectrpc::Result<Response>).
  template <typename CompletionToken>
  auto CloseAndReceive(CompletionToken&& token) {
    return internal::InitiateAsync<Result<Response>>(
        call_->executor(), std::forward<CompletionToken>(token),
        [call = call_](internal::Completion<Result<Response>> complete) {
          internal::CloseAndReceive<Response>(call, std::move(complete));
        });
  }

 private:
  friend class Client;
  explicit AsyncClientStream(std::shared_ptr<internal::StreamCall> call)
      : StreamHandle(std::move(call)) {}
};

// A bidirectional stream (asynchronous); half-duplex over HTTP/1.1.
template <typename Request, typename Response>
class AsyncBidiStream : public StreamHandle {
 public:
  // Completion signature: void(bool), as AsyncClientStream::Send.
  template <typename CompletionToken>
  auto Send(const Request& request, CompletionToken&& token) {
    return internal::AsyncSend(call_, request, std::forward<CompletionToken>(token));
  }
  // Ends the request stream. Completion signature: void(bool); false if the call failed.
  template <typename CompletionToken>
  auto CloseSend(CompletionToken&& token) {
    return internal::AsyncCloseSend(call_, std::forward<CompletionToken>(token));
  }
  // Completion signature: void(std::optional<Response>), as AsyncServerStream::Read.
  template <typename CompletionToken>
  auto Read(CompletionToken&& token) {
    return internal::AsyncRead<Response>(call_, std::forward<CompletionToken>(token));
  }

 private:
  friend class Client;
  explicit AsyncBidiStream(std::shared_ptr<internal::StreamCall> call)
      : StreamHandle(std::move(call)) {}
};

}  // namespace connectrpc

#endif  // CONNECTRPC_CLIENT_STREAM_H_
