// StreamCallImpl: operations queue up and run one at a time on the event loop. The stream starts
// (connection, request head) with its first operation; the head goes out with the first message.
#include "client/stream_call.h"

#include <boost/asio/post.hpp>
#include <deque>
#include <string>
#include <utility>

#include "client/call_guard.h"
#include "client/connect_client_protocol.h"
#include "connectrpc/envelope.h"
#include "connectrpc/protocol_connect.h"
#include "str_cat.h"

namespace connectrpc::internal {
namespace {

using Continue = absl::AnyInvocable<void(bool)>;

class StreamCallImpl final : public StreamCall,
                             public std::enable_shared_from_this<StreamCallImpl> {
 public:
  StreamCallImpl(std::shared_ptr<ClientCore> core, HttpRequestHead head,
                 std::optional<Clock::time_point> deadline,
                 std::shared_ptr<CancellationToken> cancellation, Status start_status)
      : core_(std::move(core)),
        options_(core_->options),
        head_(std::move(head)),
        deadline_(deadline),
        cancellation_(cancellation ? std::move(cancellation)
                                   : std::make_shared<CancellationToken>()),
        request_compressor_(FindCompressor(options_.compression)),
        reader_(options_.max_receive_message_bytes) {
    if (!start_status.ok()) {
      done_ = true;
      status_ = std::move(start_status);
    }
  }

  void Send(const google::protobuf::Message& message, Completion<bool> done) override {
    std::string frame;
    Status encoded = EncodeStreamMessage(options_, request_compressor_, message, &frame);
    Enqueue([this, frame = std::move(frame), encoded = std::move(encoded),
             done = std::move(done)]() mutable {
      DoSend(std::move(frame), std::move(encoded), std::move(done));
    });
  }

  void CloseSend(Completion<bool> done) override {
    Enqueue([this, done = std::move(done)]() mutable {
      if (done_) return Complete(done, false);
      if (send_closed_) return Complete(done, send_failed_.ok());
      CloseSendThen([this, done = std::move(done)](bool ok) mutable { Complete(done, ok); });
    });
  }

  void Receive(google::protobuf::Message* message, Completion<bool> done) override {
    Enqueue([this, message, done = std::move(done)]() mutable {
      if (done_) return Complete(done, false);
      if (!send_closed_) {
        return CloseSendThen([this, message, done = std::move(done)](bool) mutable {
          if (done_) return Complete(done, false);
          ReceiveAfterClose(message, std::move(done));
        });
      }
      ReceiveAfterClose(message, std::move(done));
    });
  }

  void Abort(Status status) override {
    Finish(std::move(status));
    if (exchange_) exchange_->Cancel();
  }

  const Status& status() const override { return status_; }
  const Headers& response_headers() const override { return response_headers_; }
  const Headers& response_trailers() const override { return response_trailers_; }
  void Cancel() override { cancellation_->Cancel(); }
  const boost::asio::any_io_executor& executor() const override { return core_->executor(); }
  bool InEventLoopThread() const override { return core_->loop->InLoopThread(); }

 private:
  // Operation queue: `op` runs on the loop after every earlier operation has completed.
  void Enqueue(absl::AnyInvocable<void()> op) {
    boost::asio::post(core_->executor(), [self = shared_from_this(), op = std::move(op)]() mutable {
      self->queue_.push_back(std::move(op));
      self->Pump();
    });
  }
  void Pump() {
    if (busy_ || queue_.empty()) return;
    busy_ = true;
    absl::AnyInvocable<void()> op = std::move(queue_.front());
    queue_.pop_front();
    keep_alive_ = shared_from_this();  // until the operation completes
    op();
  }
  void Complete(Completion<bool>& done, bool ok) {
    std::shared_ptr<StreamCallImpl> self = std::move(keep_alive_);
    busy_ = false;
    Completion<bool> callback = std::move(done);
    callback(ok);
    Pump();
  }

  void DoSend(std::string frame, Status encoded, Completion<bool> done) {
    if (done_ || send_closed_) return Complete(done, false);
    if (!encoded.ok()) {
      Fail(std::move(encoded));
      return Complete(done, false);
    }
    frame_ = std::move(frame);
    auto written = [this, done = std::move(done)](Status status) mutable {
      if (!status.ok()) {
        // The server may have answered early; the response says why.
        send_failed_ = std::move(status);
        send_closed_ = true;
        return Complete(done, false);
      }
      Complete(done, true);
    };
    if (exchange_) return exchange_->WriteBody(frame_, false, std::move(written));
    StartThen([this, written = std::move(written)](bool ok) mutable {
      if (!ok) return written(status_);
      exchange_->WriteHead(head_, frame_, false, std::move(written));
    });
  }

  void CloseSendThen(Continue then) {
    send_closed_ = true;
    auto written = [this, then = std::move(then)](Status status) mutable {
      if (!status.ok()) {
        send_failed_ = std::move(status);
        return then(false);
      }
      then(true);
    };
    if (exchange_) return exchange_->WriteBody({}, true, std::move(written));
    StartThen([this, written = std::move(written)](bool ok) mutable {
      if (!ok) return written(status_);
      exchange_->WriteHead(head_, {}, true, std::move(written));
    });
  }

  // Opens the exchange; `then(false)` if the call failed instead.
  void StartThen(Continue then) {
    if (cancellation_->cancelled()) {
      Fail(CanceledStatus());
      return then(false);
    }
    // The timeout header carries the budget left when the request actually starts.
    if (deadline_) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*deadline_ - Clock::now());
      if (left.count() <= 0) {
        Fail(DeadlineExceededStatus());
        return then(false);
      }
      head_.headers.Set(protocol::kTimeoutHeader, std::to_string(left.count()));
    }
    Status armed = guard_.Arm(core_->executor(), deadline_, cancellation_, weak_from_this(),
                              [weak = weak_from_this()] {
                                if (auto self = weak.lock(); self && self->exchange_) {
                                  self->exchange_->Cancel();
                                }
                              });
    if (!armed.ok()) {
      Fail(std::move(armed));
      return then(false);
    }
    core_->transport->Open(deadline_, [this, self = shared_from_this(), then = std::move(then)](
                                          Result<std::shared_ptr<HttpExchange>> opened) mutable {
      if (!opened.ok()) {
        Fail(opened.status());
        return then(false);
      }
      exchange_ = std::move(*opened);
      if (!guard_.fired().ok() || done_) {
        Fail(guard_.fired());
        return then(false);
      }
      then(true);
    });
  }

  void ReceiveAfterClose(google::protobuf::Message* message, Completion<bool> done) {
    if (!exchange_) {
      Fail(send_failed_.ok() ? Status(Code::kInternal, "stream has no connection") : send_failed_);
      return Complete(done, false);
    }
    if (head_read_) return ReadFrames(message, std::move(done));
    head_read_ = true;
    exchange_->ReadHead([this, self = shared_from_this(), message,
                         done = std::move(done)](Result<HttpResponseHead> head) mutable {
      if (!head.ok()) {
        Fail(send_failed_.ok() ? head.status() : send_failed_);
        return Complete(done, false);
      }
      response_headers_ = std::move(head->headers);
      if (head->status != 200) {
        const int http_status = head->status;
        return ReadAll([this, http_status, done = std::move(done)]() mutable {
          Status status = protocol::ErrorFromJson(error_body_, http_status);
          status.mutable_metadata() = response_headers_;
          Fail(std::move(status));
          Complete(done, false);
        });
      }
      Status checked = CheckStreamResponseHead(options_, response_headers_, &response_compressor_);
      if (!checked.ok()) {
        Fail(std::move(checked));
        return Complete(done, false);
      }
      ReadFrames(message, std::move(done));
    });
  }

  // Reads an error body (up to 1 MiB; read errors end it quietly) into error_body_.
  void ReadAll(absl::AnyInvocable<void()> then) {
    exchange_->ReadBody(&error_body_, [this, self = shared_from_this(),
                                       then = std::move(then)](Result<bool> more) mutable {
      if (more.ok() && *more && error_body_.size() <= (1u << 20)) return ReadAll(std::move(then));
      then();
    });
  }

  void ReadFrames(google::protobuf::Message* message, Completion<bool> done) {
    for (;;) {
      Envelope frame;
      EnvelopeReader::Outcome outcome = reader_.Next(&frame);
      if (outcome == EnvelopeReader::kError) {
        Fail(reader_.status());
        return Complete(done, false);
      }
      if (outcome == EnvelopeReader::kFrame) return OnFrame(frame, message, std::move(done));
      if (body_ended_) {
        Fail(Status(Code::kInternal, reader_.HasPartialFrame()
                                         ? "protocol error: stream ends inside a message"
                                         : "protocol error: missing end-stream message"));
        return Complete(done, false);
      }
      pending_.clear();
      return exchange_->ReadBody(&pending_, [this, self = shared_from_this(), message,
                                             done = std::move(done)](Result<bool> more) mutable {
        if (!more.ok()) {
          Fail(more.status());
          return Complete(done, false);
        }
        if (!*more) body_ended_ = true;
        reader_.Feed(pending_);
        ReadFrames(message, std::move(done));
      });
    }
  }

  void OnFrame(Envelope& frame, google::protobuf::Message* message, Completion<bool> done) {
    if (ended_stream_) {
      Fail(Status(Code::kInternal, "protocol error: data after the end-stream message"));
      return Complete(done, false);
    }
    if (protocol::HasUndefinedEnvelopeFlags(frame.flags)) {
      Fail(Status(Code::kInternal, internal::StrCat("protocol error: invalid envelope flags ",
                                                    static_cast<int>(frame.flags))));
      return Complete(done, false);
    }
    Status status = InflateFrame(response_compressor_, options_.max_receive_message_bytes, &frame);
    if (!status.ok()) {
      Fail(std::move(status));
      return Complete(done, false);
    }
    if (frame.flags & kEnvelopeEndStream) {
      ended_stream_ = true;
      status = protocol::ParseEndStream(frame.payload, &response_trailers_);
      if (status.ok() && reader_.HasPartialFrame()) {
        status = Status(Code::kInternal, "protocol error: data after the end-stream message");
      }
      if (!status.ok()) {
        Headers metadata = response_headers_;
        metadata.Append(response_trailers_);
        status.mutable_metadata() = std::move(metadata);
      }
      if (!status.ok() || body_ended_) {
        Finish(std::move(status));
        return Complete(done, false);
      }
      // The body must end right after the end-stream message; reading to its end also lets the
      // connection go back to the pool.
      rest_.clear();
      return exchange_->ReadBody(&rest_, [this, self = shared_from_this(),
                                          done = std::move(done)](Result<bool> more) mutable {
        Status final_status;
        if (more.ok() && (*more || !rest_.empty())) {
          final_status =
              Status(Code::kInternal, "protocol error: data after the end-stream message");
        }
        Finish(std::move(final_status));
        Complete(done, false);
      });
    }
    status = DecodeStreamMessage(options_, frame, message);
    if (!status.ok()) {
      Fail(std::move(status));
      return Complete(done, false);
    }
    Complete(done, true);
  }

  // Ends the call with an error (metadata: the response headers, unless it has its own).
  void Fail(Status status) {
    if (done_) return;
    if (status.metadata().empty()) status.mutable_metadata() = response_headers_;
    Finish(std::move(status));
  }

  void Finish(Status status) {
    if (done_) return;
    done_ = true;
    if (!guard_.fired().ok() && !status.ok()) status = guard_.fired();
    status_ = std::move(status);
    guard_.Disarm();
    if (!status_.ok() || !ended_stream_) {
      if (exchange_) exchange_->Cancel();
    }
  }

  std::shared_ptr<ClientCore> core_;
  const ClientOptions& options_;
  HttpRequestHead head_;
  std::optional<Clock::time_point> deadline_;
  std::shared_ptr<CancellationToken> cancellation_;
  const Compressor* request_compressor_;
  const Compressor* response_compressor_ = nullptr;
  CallGuard guard_;
  std::shared_ptr<HttpExchange> exchange_;
  std::deque<absl::AnyInvocable<void()>> queue_;
  std::shared_ptr<StreamCallImpl> keep_alive_;
  EnvelopeReader reader_;
  std::string frame_;
  std::string pending_;
  std::string rest_;
  std::string error_body_;
  Headers response_headers_;
  Headers response_trailers_;
  Status status_;
  Status send_failed_;
  bool busy_ = false;
  bool send_closed_ = false;
  bool head_read_ = false;
  bool body_ended_ = false;
  bool ended_stream_ = false;
  bool done_ = false;
};

}  // namespace

std::shared_ptr<StreamCall> MakeStreamCall(std::shared_ptr<ClientCore> core, HttpRequestHead head,
                                           std::optional<Clock::time_point> deadline,
                                           std::shared_ptr<CancellationToken> cancellation,
                                           Status start_status) {
  return std::make_shared<StreamCallImpl>(std::move(core), std::move(head), deadline,
                                          std::move(cancellation), std::move(start_status));
}

}  // namespace connectrpc::internal
