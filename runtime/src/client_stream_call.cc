// The client side of Connect streaming calls (client, server and half-duplex bidi streams).
#include <utility>

#include "cancellation_state.h"
#include "client_internal.h"
#include "connectrpc/client.h"
#include "connectrpc/compression.h"
#include "connectrpc/envelope.h"
#include "connectrpc/protocol_connect.h"
#include "str_cat.h"

namespace connectrpc {
namespace {

class StreamCallImpl final : public internal::StreamCall {
 public:
  StreamCallImpl(const ClientOptions& options, std::shared_ptr<Transport> transport,
                 HttpRequestHead head, std::optional<Clock::time_point> deadline,
                 std::shared_ptr<CancellationToken> cancellation, Status start_status)
      : options_(options),
        transport_(std::move(transport)),
        head_(std::move(head)),
        deadline_(deadline),
        cancellation_(cancellation ? std::move(cancellation)
                                   : std::make_shared<CancellationToken>()),
        request_compressor_(FindCompressor(options.compression)),
        reader_(options.max_receive_message_bytes) {
    if (!start_status.ok()) Fail(std::move(start_status));
  }

  bool Send(const google::protobuf::Message& message) override {
    if (done_ || send_closed_) return false;
    if (!EnsureStarted()) return false;
    std::string bytes;
    Status status = options_.codec->Marshal(message, &bytes);
    if (!status.ok()) {
      Fail(Status(Code::kInternal, "failed to marshal request: " + status.message()));
      return false;
    }
    frame_.clear();
    if (request_compressor_ != nullptr && !bytes.empty() &&
        bytes.size() >= options_.compress_min_bytes) {
      std::string packed;
      status = request_compressor_->Compress(bytes, &packed);
      if (!status.ok()) {
        Fail(std::move(status));
        return false;
      }
      AppendEnvelope(kEnvelopeCompressed, packed, &frame_);
    } else {
      AppendEnvelope(0, bytes, &frame_);
    }
    status = exchange_->WriteBody(frame_);
    if (!status.ok()) {
      // The server may have answered early; the response says why.
      send_failed_ = status;
      send_closed_ = true;
      return false;
    }
    return true;
  }

  bool CloseSend() override {
    if (done_) return false;
    if (send_closed_) return send_failed_.ok();
    if (!EnsureStarted()) return false;
    send_closed_ = true;
    Status status = exchange_->FinishBody();
    if (!status.ok()) {
      send_failed_ = status;
      return false;
    }
    return true;
  }

  bool Receive(google::protobuf::Message* message) override {
    if (done_) return false;
    if (!send_closed_) CloseSend();
    if (done_) return false;
    if (!head_read_ && !ReadResponseHead()) return false;
    for (;;) {
      Envelope frame;
      EnvelopeReader::Outcome outcome = reader_.Next(&frame);
      if (outcome == EnvelopeReader::kError) return Fail(reader_.status());
      if (outcome == EnvelopeReader::kFrame) {
        if (!DecodeFrame(frame, message)) return false;
        if (frame.flags & kEnvelopeEndStream) return false;
        return true;
      }
      if (body_ended_) {
        return Fail(Status(Code::kInternal, reader_.HasPartialFrame()
                                                ? "protocol error: stream ends inside a message"
                                                : "protocol error: missing end-stream message"));
      }
      pending_.clear();
      Result<bool> more = exchange_->ReadBody(&pending_);
      if (!more.ok()) return Fail(more.status());
      if (!*more) body_ended_ = true;
      reader_.Feed(pending_);
    }
  }

  const Status& status() const override { return status_; }
  const Headers& response_headers() const override { return response_headers_; }
  const Headers& response_trailers() const override { return response_trailers_; }
  void Cancel() override { cancellation_->Cancel(); }

 private:
  bool EnsureStarted() {
    if (exchange_) return true;
    if (cancellation_->cancelled()) {
      return Fail(Status(Code::kCanceled, "call was cancelled"));
    }
    // The timeout header carries the budget left when the request actually starts.
    if (deadline_) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*deadline_ - Clock::now());
      if (left.count() <= 0) {
        return Fail(Status(Code::kDeadlineExceeded, "the call's deadline was exceeded"));
      }
      head_.headers.Set(protocol::kTimeoutHeader, std::to_string(left.count()));
    }
    Result<std::unique_ptr<HttpExchange>> opened = transport_->Open(deadline_);
    if (!opened.ok()) return Fail(opened.status());
    exchange_ = std::move(*opened);
    if (!cancel_link_.Attach(cancellation_, exchange_.get())) {
      return Fail(Status(Code::kCanceled, "call was cancelled"));
    }
    Status status = exchange_->WriteHead(head_);
    if (!status.ok()) return Fail(std::move(status));
    return true;
  }

  bool ReadResponseHead() {
    head_read_ = true;
    Result<HttpResponseHead> head = exchange_->ReadHead();
    if (!head.ok()) return Fail(send_failed_.ok() ? head.status() : send_failed_);
    response_headers_ = std::move(head->headers);
    if (head->status != 200) {
      std::string body;
      internal::ReadWholeBody(*exchange_, 1u << 20, &body);
      Status status = protocol::ErrorFromJson(body, head->status);
      status.mutable_metadata() = response_headers_;
      return Fail(std::move(status));
    }
    auto content_type = response_headers_.Get("content-type");
    std::optional<protocol::ContentType> parsed =
        content_type ? protocol::ParseContentType(*content_type) : std::nullopt;
    if (!parsed) {
      return Fail(Status(Code::kUnknown, internal::StrCat("unexpected response content type \"",
                                                          content_type.value_or(""), "\"")));
    }
    if (!parsed->streaming || parsed->codec != options_.codec->name()) {
      return Fail(
          Status(Code::kInternal,
                 internal::StrCat("response content type \"", *content_type,
                                  "\" does not match the request codec ", options_.codec->name())));
    }
    auto encoding = response_headers_.Get(protocol::kStreamEncodingHeader);
    if (encoding && *encoding != kIdentityEncoding) {
      response_compressor_ = FindCompressor(*encoding);
      if (response_compressor_ == nullptr) {
        return Fail(
            Status(Code::kInternal,
                   internal::StrCat("response uses unsupported compression \"", *encoding, "\"")));
      }
    }
    return true;
  }

  // Handles one frame: a message into `message`, or the end-stream. False if the call ended.
  bool DecodeFrame(Envelope& frame, google::protobuf::Message* message) {
    if (ended_stream_) {
      return Fail(Status(Code::kInternal, "protocol error: data after the end-stream message"));
    }
    if (frame.flags & kEnvelopeCompressed) {
      if (response_compressor_ == nullptr) {
        return Fail(Status(Code::kInternal,
                           "protocol error: compressed message without Connect-Content-Encoding"));
      }
      std::string plain;
      Status status = response_compressor_->Decompress(frame.payload, &plain,
                                                       options_.max_receive_message_bytes);
      if (!status.ok()) return Fail(std::move(status));
      frame.payload.swap(plain);
    }
    if (frame.flags & kEnvelopeEndStream) {
      ended_stream_ = true;
      Status status = protocol::ParseEndStream(frame.payload, &response_trailers_);
      if (status.ok() && reader_.HasPartialFrame()) {
        status = Status(Code::kInternal, "protocol error: data after the end-stream message");
      }
      if (!status.ok()) {
        Headers metadata = response_headers_;
        metadata.Append(response_trailers_);
        status.mutable_metadata() = std::move(metadata);
      }
      // The body must end right after the end-stream message.
      Finish(std::move(status));
      return true;
    }
    if (options_.max_receive_message_bytes > 0 &&
        frame.payload.size() > options_.max_receive_message_bytes) {
      return Fail(Status(Code::kResourceExhausted,
                         internal::StrCat("response message of ", frame.payload.size(),
                                          " bytes exceeds the limit of ",
                                          options_.max_receive_message_bytes, " bytes")));
    }
    Status status = options_.codec->Unmarshal(frame.payload, message);
    if (!status.ok()) {
      return Fail(Status(Code::kInternal, "failed to unmarshal response: " + status.message()));
    }
    return true;
  }

  // Ends the call with `status`; always returns false so callers can `return Fail(...)`.
  bool Fail(Status status) {
    if (!done_) {
      if (status.metadata().empty()) status.mutable_metadata() = response_headers_;
      Finish(std::move(status));
    }
    return false;
  }

  void Finish(Status status) {
    if (done_) return;
    done_ = true;
    status_ = std::move(status);
    if (exchange_ && ended_stream_ && status_.ok()) {
      // Drain the (normally empty) rest of the body so the connection can be reused.
      std::string rest;
      Result<bool> more = exchange_->ReadBody(&rest);
      if (more.ok() && (*more || !rest.empty())) {
        status_ = Status(Code::kInternal, "protocol error: data after the end-stream message");
      }
    }
    cancel_link_.Detach();
    if (!status_.ok() || !ended_stream_) exchange_.reset();
  }

  const ClientOptions& options_;
  std::shared_ptr<Transport> transport_;
  HttpRequestHead head_;
  std::optional<Clock::time_point> deadline_;
  std::shared_ptr<CancellationToken> cancellation_;
  const Compressor* request_compressor_;
  const Compressor* response_compressor_ = nullptr;
  std::unique_ptr<HttpExchange> exchange_;
  internal::CancelLink cancel_link_;
  EnvelopeReader reader_;
  std::string frame_;
  std::string pending_;
  Headers response_headers_;
  Headers response_trailers_;
  Status status_;
  Status send_failed_;
  bool send_closed_ = false;
  bool head_read_ = false;
  bool body_ended_ = false;
  bool ended_stream_ = false;
  bool done_ = false;
};

}  // namespace

std::unique_ptr<internal::StreamCall> Client::StartStream(const MethodInfo& method,
                                                          const CallOptions& options) {
  const std::optional<Clock::time_point> deadline = internal::CallDeadline(options_, options);
  HttpRequestHead head;
  head.method = "POST";
  head.target = internal::StrCat(path_prefix_, method.procedure);
  Status start_status;
  Result<Headers> headers = internal::MergeUserHeaders(options_, options);
  if (headers.ok()) {
    head.headers = std::move(*headers);
    ClientCallInfo info{method, head.headers};
    for (const auto& interceptor : options_.interceptors) {
      start_status = interceptor->OnStreamStart(info);
      if (!start_status.ok()) break;
    }
  } else {
    start_status = headers.status();
  }
  head.headers.Set("content-type", protocol::FormatContentType(true, options_.codec->name()));
  if (options_.compression != kIdentityEncoding) {
    head.headers.Set(protocol::kStreamEncodingHeader, options_.compression);
  }
  head.headers.Set(protocol::kStreamAcceptEncodingHeader, SupportedEncodings());
  internal::AddCommonHeaders(options_, deadline, &head.headers);
  return std::make_unique<StreamCallImpl>(options_, transport_, std::move(head), deadline,
                                          options.cancellation, std::move(start_status));
}

}  // namespace connectrpc
