// UnaryCall.
#include "client/unary_call.h"

#include <boost/asio/post.hpp>
#include <utility>

#include "client/connect_client_protocol.h"
#include "str_cat.h"

namespace connectrpc::internal {

Result<std::shared_ptr<UnaryCall>> UnaryCall::Prepare(const std::shared_ptr<ClientCore>& core,
                                                      const MethodInfo& method, Headers headers,
                                                      const CallOptions& options,
                                                      const google::protobuf::Message& request,
                                                      google::protobuf::Message* response) {
  const std::optional<Clock::time_point> deadline = CallDeadline(core->options, options);
  auto call = std::make_shared<UnaryCall>(core, response, options, deadline);
  Status status =
      BuildUnaryRequest(core->options, core->path_prefix, method, options.use_get,
                        std::move(headers), deadline, request, &call->head_, &call->body_);
  if (!status.ok()) return status;
  return call;
}

UnaryCall::UnaryCall(std::shared_ptr<ClientCore> core, google::protobuf::Message* response,
                     const CallOptions& options, std::optional<Clock::time_point> deadline)
    : core_(std::move(core)),
      response_(response),
      response_metadata_(options.response_metadata),
      cancellation_(options.cancellation),
      deadline_(deadline) {}

void UnaryCall::Start(Completion<Status> done) {
  done_ = std::move(done);
  boost::asio::post(core_->executor(), [self = shared_from_this()] { self->Run(); });
}

void UnaryCall::Run() {
  if (cancellation_ && cancellation_->cancelled()) {
    return Finish(Status(Code::kCanceled, "call was cancelled before it started"));
  }
  if (cancellation_ || deadline_) {
    Status armed = guard_.Arm(core_->executor(), deadline_, cancellation_, weak_from_this(),
                              [weak = weak_from_this()] {
                                if (auto self = weak.lock(); self && self->exchange_) {
                                  self->exchange_->Cancel();
                                }
                              });
    if (!armed.ok()) return Finish(std::move(armed));
  }
  core_->transport->Open(
      deadline_, [self = shared_from_this()](Result<std::shared_ptr<HttpExchange>> exchange) {
        self->OnOpen(std::move(exchange));
      });
}

void UnaryCall::OnOpen(Result<std::shared_ptr<HttpExchange>> exchange) {
  if (!exchange.ok()) return Finish(exchange.status());
  exchange_ = std::move(*exchange);
  if (!guard_.fired().ok()) return Finish(guard_.fired());
  exchange_->WriteHead(head_, body_, /*last=*/true, [self = shared_from_this()](Status written) {
    if (!written.ok()) return self->Finish(std::move(written));
    self->exchange_->ReadHead(
        [self](Result<HttpResponseHead> head) { self->OnHead(std::move(head)); });
  });
}

void UnaryCall::OnHead(Result<HttpResponseHead> head) {
  if (!head.ok()) return Finish(head.status());
  response_head_ = std::move(*head);
  wire_limit_ = response_head_.status == 200 ? WireLimit(core_->options.max_receive_message_bytes)
                                             : size_t{1} << 20;
  ReadBody();
}

void UnaryCall::ReadBody() {
  exchange_->ReadBody(&response_body_, [self = shared_from_this()](Result<bool> more) {
    if (!more.ok()) return self->Finish(more.status());
    if (self->wire_limit_ > 0 && self->response_body_.size() > self->wire_limit_) {
      return self->Finish(
          Status(Code::kResourceExhausted,
                 StrCat("response body exceeds the limit of ", self->wire_limit_, " bytes")));
    }
    if (*more) return self->ReadBody();
    if (self->response_head_.status != 200) {
      return self->Finish(DecodeUnaryError(self->response_head_, std::move(self->response_body_)));
    }
    Status status = DecodeUnaryResponse(self->core_->options, self->response_head_,
                                        std::move(self->response_body_), self->response_);
    if (!status.ok()) {
      SplitTrailers(self->response_head_.headers, &status.mutable_metadata(),
                    &status.mutable_metadata());
      return self->Finish(std::move(status));
    }
    if (self->response_metadata_ != nullptr) {
      self->response_metadata_->headers.Clear();
      self->response_metadata_->trailers.Clear();
      SplitTrailers(self->response_head_.headers, &self->response_metadata_->headers,
                    &self->response_metadata_->trailers);
    }
    self->Finish(Status());
  });
}

void UnaryCall::Finish(Status status) {
  if (!guard_.fired().ok() && !status.ok()) status = guard_.fired();
  guard_.Disarm();
  exchange_.reset();
  Completion<Status> done = std::move(done_);
  done(std::move(status));
}

}  // namespace connectrpc::internal
