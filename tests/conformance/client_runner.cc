#include "tests/conformance/client_runner.h"

#include <boost/asio/use_future.hpp>
#include <google/protobuf/any.pb.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "connectrpc/call_options.h"
#include "connectrpc/client_stream.h"
#include "connectrpc/codec.h"
#include "connectrpc/compression.h"
#include "connectrpc/headers.h"
#include "connectrpc/status.h"
#include "tests/conformance/conformance_util.h"

namespace connectrpc::conformance {
namespace {

using google::protobuf::Any;

constexpr std::string_view kServiceName = "connectrpc.conformance.v1.ConformanceService";
constexpr std::string_view kTypeUrlPrefix = "type.googleapis.com/";

// Runs `action` after `delay` on its own thread unless destroyed first.
class DelayedAction {
 public:
  DelayedAction(std::chrono::milliseconds delay, std::function<void()> action)
      : thread_([this, delay, action = std::move(action)] {
          std::unique_lock<std::mutex> lock(mu_);
          if (!cv_.wait_for(lock, delay, [this] { return stopped_; })) action();
        }) {}
  ~DelayedAction() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopped_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  DelayedAction(const DelayedAction&) = delete;
  DelayedAction& operator=(const DelayedAction&) = delete;

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopped_ = false;  // guarded by mu_
  std::thread thread_;    // last: starts after the members above exist
};

// When to cancel, as in the reference client: -1 means "not requested".
struct CancelPlan {
  bool before_close_send = false;
  int after_close_send_ms = -1;
  int after_num_responses = -1;
};

CancelPlan GetCancelPlan(const v1::ClientCompatRequest& request) {
  CancelPlan plan;
  if (!request.has_cancel()) return plan;
  const v1::ClientCompatRequest::Cancel& cancel = request.cancel();
  switch (cancel.cancel_timing_case()) {
    case v1::ClientCompatRequest::Cancel::kBeforeCloseSend:
      plan.before_close_send = true;
      break;
    case v1::ClientCompatRequest::Cancel::kAfterCloseSendMs:
      plan.after_close_send_ms = static_cast<int>(cancel.after_close_send_ms());
      break;
    case v1::ClientCompatRequest::Cancel::kAfterNumResponses:
      plan.after_num_responses = static_cast<int>(cancel.after_num_responses());
      break;
    case v1::ClientCompatRequest::Cancel::CANCEL_TIMING_NOT_SET:
      plan.after_close_send_ms = 0;
      break;
  }
  return plan;
}

// Unpacks `any` into `out` after checking that the type URL names `out`'s type.
template <typename Message>
std::optional<std::string> Unpack(const Any& any, Message* out) {
  const std::string_view type = TypeNameFromUrl(any.type_url());
  if (type != Message::descriptor()->full_name()) {
    return "request message has type " + std::string(type) + ", want " +
           Message::descriptor()->full_name();
  }
  if (!out->ParseFromString(any.value())) {
    return "cannot parse request message of type " + std::string(type);
  }
  return std::nullopt;
}

template <typename Message>
std::optional<std::string> UnpackAll(const v1::ClientCompatRequest& request,
                                     std::vector<Message>* out) {
  out->resize(request.request_messages_size());
  for (int i = 0; i < request.request_messages_size(); ++i) {
    if (auto error = Unpack(request.request_messages(i), &(*out)[i])) return error;
  }
  return std::nullopt;
}

void SetError(const Status& status, v1::ClientResponseResult* result) {
  v1::Error* error = result->mutable_error();
  error->set_code(static_cast<v1::Code>(static_cast<int>(status.code())));
  error->set_message(status.message());
  for (const ErrorDetail& detail : status.details()) {
    Any* any = error->add_details();
    any->set_type_url(std::string(kTypeUrlPrefix) + detail.type);
    any->set_value(detail.value);
  }
}

// Error metadata of a failed unary or client-stream call, all reported as trailers (the runner
// accepts that for these call types). Every source may repeat what another holds, so a key is
// taken from the first source that has it.
void SetErrorMetadata(std::initializer_list<const Headers*> sources,
                      v1::ClientResponseResult* result) {
  Headers merged;
  std::set<std::string> seen;
  for (const Headers* source : sources) {
    std::set<std::string> keys;
    for (const auto& [key, value] : *source) {
      if (seen.count(key) > 0) continue;
      merged.Add(key, value);
      keys.insert(key);
    }
    seen.insert(keys.begin(), keys.end());
  }
  AppendProtoHeaders(merged, result->mutable_response_trailers());
}

void SleepMs(uint32_t ms) {
  if (ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

// The asynchronous streams with blocking-looking operations, each waiting on a future, so that
// one piece of conformance logic drives either form.
template <typename Response>
class WaitingServerStream : public AsyncServerStream<Response> {
 public:
  explicit WaitingServerStream(AsyncServerStream<Response> stream)
      : AsyncServerStream<Response>(std::move(stream)) {}
  bool Read(Response* response) {
    std::optional<Response> message =
        AsyncServerStream<Response>::Read(boost::asio::use_future).get();
    if (!message) return false;
    *response = std::move(*message);
    return true;
  }
};

template <typename Request, typename Response>
class WaitingClientStream : public AsyncClientStream<Request, Response> {
 public:
  using Base = AsyncClientStream<Request, Response>;
  explicit WaitingClientStream(Base stream) : Base(std::move(stream)) {}
  bool Send(const Request& request) { return Base::Send(request, boost::asio::use_future).get(); }
  Result<Response> CloseAndReceive() {
    return Base::CloseAndReceive(boost::asio::use_future).get();
  }
};

template <typename Request, typename Response>
class WaitingBidiStream : public AsyncBidiStream<Request, Response> {
 public:
  using Base = AsyncBidiStream<Request, Response>;
  explicit WaitingBidiStream(Base stream) : Base(std::move(stream)) {}
  bool Send(const Request& request) { return Base::Send(request, boost::asio::use_future).get(); }
  bool CloseSend() { return Base::CloseSend(boost::asio::use_future).get(); }
  bool Read(Response* response) {
    std::optional<Response> message = Base::Read(boost::asio::use_future).get();
    if (!message) return false;
    *response = std::move(*message);
    return true;
  }
};

// One RPC in progress: the request, the options derived from it and the result being built.
class Invocation {
 public:
  Invocation(const v1::ClientCompatRequest& request, std::shared_ptr<Client> client,
             CallForm form, v1::ClientResponseResult* result)
      : request_(request),
        form_(form),
        stub_(std::move(client)),
        result_(result),
        plan_(GetCancelPlan(request)),
        token_(std::make_shared<CancellationToken>()) {
    AddHeadersFromProto(request.request_headers(), &options_.headers);
    if (request.has_timeout_ms())
      options_.timeout = std::chrono::milliseconds(request.timeout_ms());
    options_.use_get = request.use_get_http_method();
    options_.cancellation = token_;
  }

  // Each returns an error message when the call cannot be attempted.
  std::optional<std::string> Unary() {
    return RunUnary<v1::UnaryRequest, v1::UnaryResponse>(
        [this](const v1::UnaryRequest& m, const CallOptions& o) {
          if (form_ == CallForm::kAsync) {
            return stub_.UnaryAsync(m, o, boost::asio::use_future).get();
          }
          return stub_.Unary(m, o);
        });
  }
  std::optional<std::string> IdempotentUnary() {
    return RunUnary<v1::IdempotentUnaryRequest, v1::IdempotentUnaryResponse>(
        [this](const v1::IdempotentUnaryRequest& m, const CallOptions& o) {
          if (form_ == CallForm::kAsync) {
            return stub_.IdempotentUnaryAsync(m, o, boost::asio::use_future).get();
          }
          return stub_.IdempotentUnary(m, o);
        });
  }
  std::optional<std::string> Unimplemented() {
    return RunUnary<v1::UnimplementedRequest, v1::UnimplementedResponse>(
        [this](const v1::UnimplementedRequest& m, const CallOptions& o) {
          if (form_ == CallForm::kAsync) {
            return stub_.UnimplementedAsync(m, o, boost::asio::use_future).get();
          }
          return stub_.Unimplemented(m, o);
        });
  }
  std::optional<std::string> ServerStream();
  std::optional<std::string> ClientStream();
  std::optional<std::string> BidiStream();

 private:
  template <typename Stream>
  void ReadServerStream(Stream stream);
  template <typename Stream>
  void DriveClientStream(Stream stream, const std::vector<v1::ClientStreamRequest>& messages);
  template <typename Stream>
  void DriveBidiStream(Stream stream, const std::vector<v1::BidiStreamRequest>& messages);

  template <typename Request, typename Response, typename Call>
  std::optional<std::string> RunUnary(Call call);

  // Arms the after-close-send cancel timer, if the request asks for one.
  std::unique_ptr<DelayedAction> ArmCancelTimer() {
    if (plan_.after_close_send_ms < 0) return nullptr;
    return std::make_unique<DelayedAction>(std::chrono::milliseconds(plan_.after_close_send_ms),
                                           [token = token_] { token->Cancel(); });
  }

  // Headers and trailers of a stream call; error metadata falls back to the status.
  void SetStreamMetadata(const Headers& headers, const Headers& trailers, const Status& status) {
    AppendProtoHeaders(headers, result_->mutable_response_headers());
    AppendProtoHeaders(trailers, result_->mutable_response_trailers());
    if (!status.ok() && headers.empty() && trailers.empty()) {
      AppendProtoHeaders(status.metadata(), result_->mutable_response_trailers());
    }
  }

  const v1::ClientCompatRequest& request_;
  const CallForm form_;
  v1::ConformanceServiceClient stub_;
  v1::ClientResponseResult* result_;
  const CancelPlan plan_;
  std::shared_ptr<CancellationToken> token_;
  CallOptions options_;
};

template <typename Message>
const v1::ConformancePayload* PayloadOf(const Message& message) {
  return &message.payload();
}
const v1::ConformancePayload* PayloadOf(const v1::UnimplementedResponse& /*message*/) {
  return nullptr;
}

template <typename Request, typename Response, typename Call>
std::optional<std::string> Invocation::RunUnary(Call call) {
  if (request_.request_messages_size() != 1) {
    return "unary calls must specify exactly one request message";
  }
  Request message;
  if (auto error = Unpack(request_.request_messages(0), &message)) return error;

  ResponseMetadata metadata;
  CallOptions options = options_;
  options.response_metadata = &metadata;
  Result<Response> response = [&] {
    // For unary calls the after-close-send clock starts with the call.
    std::unique_ptr<DelayedAction> timer = ArmCancelTimer();
    return call(message, options);
  }();
  if (response.ok()) {
    if (const v1::ConformancePayload* payload = PayloadOf(*response)) {
      *result_->add_payloads() = *payload;
    }
    AppendProtoHeaders(metadata.headers, result_->mutable_response_headers());
    AppendProtoHeaders(metadata.trailers, result_->mutable_response_trailers());
  } else {
    SetError(response.status(), result_);
    SetErrorMetadata({&response.status().metadata(), &metadata.headers, &metadata.trailers},
                     result_);
  }
  return std::nullopt;
}

std::optional<std::string> Invocation::ServerStream() {
  if (request_.request_messages_size() != 1) {
    return "server streaming calls must specify exactly one request message";
  }
  v1::ServerStreamRequest message;
  if (auto error = Unpack(request_.request_messages(0), &message)) return error;

  if (form_ == CallForm::kAsync) {
    ReadServerStream(WaitingServerStream(stub_.ServerStreamAsync(message, options_)));
  } else {
    ReadServerStream(stub_.ServerStream(message, options_));
  }
  return std::nullopt;
}

template <typename Stream>
void Invocation::ReadServerStream(Stream stream) {
  // The request is sent and closed when the call starts, so the clock starts now too.
  std::unique_ptr<DelayedAction> timer = ArmCancelTimer();
  v1::ServerStreamResponse response;
  int received = 0;
  while (stream.Read(&response)) {
    *result_->add_payloads() = response.payload();
    if (++received == plan_.after_num_responses) stream.Cancel();
  }
  timer.reset();
  const Status& status = stream.status();
  if (!status.ok()) SetError(status, result_);
  SetStreamMetadata(stream.response_headers(), stream.response_trailers(), status);
}

std::optional<std::string> Invocation::ClientStream() {
  std::vector<v1::ClientStreamRequest> messages;
  if (auto error = UnpackAll(request_, &messages)) return error;
  if (form_ == CallForm::kAsync) {
    DriveClientStream(WaitingClientStream(stub_.ClientStreamAsync(options_)), messages);
  } else {
    DriveClientStream(stub_.ClientStream(options_), messages);
  }
  return std::nullopt;
}

template <typename Stream>
void Invocation::DriveClientStream(Stream stream,
                                   const std::vector<v1::ClientStreamRequest>& messages) {
  for (size_t i = 0; i < messages.size(); ++i) {
    SleepMs(request_.request_delay_ms());
    if (!stream.Send(messages[i])) {
      result_->set_num_unsent_requests(static_cast<int32_t>(messages.size() - i));
      break;
    }
  }
  std::unique_ptr<DelayedAction> timer;
  if (plan_.before_close_send) {
    stream.Cancel();
  } else {
    timer = ArmCancelTimer();
  }
  Result<v1::ClientStreamResponse> response = stream.CloseAndReceive();
  timer.reset();
  if (response.ok()) {
    *result_->add_payloads() = response->payload();
    AppendProtoHeaders(stream.response_headers(), result_->mutable_response_headers());
    AppendProtoHeaders(stream.response_trailers(), result_->mutable_response_trailers());
  } else {
    SetError(response.status(), result_);
    SetErrorMetadata(
        {&stream.response_headers(), &stream.response_trailers(), &response.status().metadata()},
        result_);
  }
}

std::optional<std::string> Invocation::BidiStream() {
  std::vector<v1::BidiStreamRequest> messages;
  if (auto error = UnpackAll(request_, &messages)) return error;
  if (form_ == CallForm::kAsync) {
    DriveBidiStream(WaitingBidiStream(stub_.BidiStreamAsync(options_)), messages);
  } else {
    DriveBidiStream(stub_.BidiStream(options_), messages);
  }
  return std::nullopt;
}

template <typename Stream>
void Invocation::DriveBidiStream(Stream stream,
                                 const std::vector<v1::BidiStreamRequest>& messages) {
  const bool full_duplex = request_.stream_type() == v1::STREAM_TYPE_FULL_DUPLEX_BIDI_STREAM;
  v1::BidiStreamResponse response;
  int received = 0;
  bool done = false;  // the response stream has ended
  for (size_t i = 0; i < messages.size(); ++i) {
    SleepMs(request_.request_delay_ms());
    if (!stream.Send(messages[i])) {
      result_->set_num_unsent_requests(static_cast<int32_t>(messages.size() - i));
      break;
    }
    if (full_duplex) {
      if (!stream.Read(&response)) {
        done = true;
        break;
      }
      *result_->add_payloads() = response.payload();
      if (++received == plan_.after_num_responses) stream.Cancel();
    }
  }
  if (plan_.before_close_send) {
    stream.Cancel();
  } else {
    stream.CloseSend();
  }
  if (plan_.after_close_send_ms >= 0) {
    SleepMs(static_cast<uint32_t>(plan_.after_close_send_ms));
    stream.Cancel();
  }
  while (!done && stream.Read(&response)) {
    *result_->add_payloads() = response.payload();
    if (++received == plan_.after_num_responses) stream.Cancel();
  }
  const Status& status = stream.status();
  if (!status.ok()) SetError(status, result_);
  SetStreamMetadata(stream.response_headers(), stream.response_trailers(), status);
}

// Why the request cannot be attempted by this client, if it cannot.
std::optional<std::string> CheckSupported(const v1::ClientCompatRequest& request) {
  if (request.http_version() != v1::HTTP_VERSION_1 &&
      request.http_version() != v1::HTTP_VERSION_UNSPECIFIED) {
    return "unsupported HTTP version " + v1::HTTPVersion_Name(request.http_version());
  }
  if (request.protocol() != v1::PROTOCOL_CONNECT &&
      request.protocol() != v1::PROTOCOL_UNSPECIFIED) {
    return "unsupported protocol " + v1::Protocol_Name(request.protocol());
  }
  if (request.codec() != v1::CODEC_PROTO && request.codec() != v1::CODEC_JSON &&
      request.codec() != v1::CODEC_UNSPECIFIED) {
    return "unsupported codec " + v1::Codec_Name(request.codec());
  }
  if (request.compression() != v1::COMPRESSION_IDENTITY &&
      request.compression() != v1::COMPRESSION_GZIP &&
      request.compression() != v1::COMPRESSION_UNSPECIFIED) {
    return "unsupported compression " + v1::Compression_Name(request.compression());
  }
  if (request.has_client_tls_creds()) return "TLS client certificates are not supported";
  if (request.stream_type() == v1::STREAM_TYPE_FULL_DUPLEX_BIDI_STREAM) {
    return "full-duplex bidi streams need HTTP/2, which is not supported";
  }
  if (request.has_raw_request()) return "raw requests are not supported";
  if (request.has_service() && request.service() != kServiceName) {
    return "unknown service " + request.service();
  }
  return std::nullopt;
}

}  // namespace

Result<std::shared_ptr<Client>> ClientRunner::GetClient(const v1::ClientCompatRequest& request) {
  const bool json = request.codec() == v1::CODEC_JSON;
  const bool gzip = request.compression() == v1::COMPRESSION_GZIP;
  std::string host = request.host().empty() ? "127.0.0.1" : request.host();
  if (host.find(':') != std::string::npos && host.front() != '[') host = "[" + host + "]";
  const bool tls = !request.server_tls_cert().empty();
  const std::string url =
      (tls ? "https://" : "http://") + host + ":" + std::to_string(request.port());
  const std::string key = url + "|" + (json ? "json" : "proto") + "|" + (gzip ? "gzip" : "id") +
                          "|" + std::to_string(request.message_receive_limit()) + "|" +
                          request.server_tls_cert();

  std::lock_guard<std::mutex> lock(mu_);
  if (auto it = clients_.find(key); it != clients_.end()) return it->second;
  ClientOptions options;
  options.codec = json ? &JsonCodec() : &ProtoCodec();
  options.compression = std::string(gzip ? kGzipEncoding : kIdentityEncoding);
  if (request.message_receive_limit() > 0) {
    options.max_receive_message_bytes = request.message_receive_limit();
  }
  // Trust exactly the runner's self-signed certificate.
  if (tls) options.transport_options.ca_pem = request.server_tls_cert();
  Result<std::shared_ptr<Client>> client = Client::Create(url, std::move(options));
  if (client.ok()) clients_.emplace(key, *client);
  return client;
}

v1::ClientCompatResponse ClientRunner::Run(const v1::ClientCompatRequest& request) {
  v1::ClientCompatResponse response;
  response.set_test_name(request.test_name());
  auto fail = [&response](std::string message) {
    response.mutable_error()->set_message(std::move(message));
    return response;
  };
  if (auto error = CheckSupported(request)) return fail(*error);

  Result<std::shared_ptr<Client>> client = GetClient(request);
  if (!client.ok()) return fail("cannot create client: " + client.status().ToString());

  v1::ClientResponseResult result;
  std::optional<std::string> error;
  try {
    Invocation invocation(request, *client, form_, &result);
    const std::string& method = request.method();
    if (method == "Unary") {
      error = invocation.Unary();
    } else if (method == "IdempotentUnary") {
      error = invocation.IdempotentUnary();
    } else if (method == "ServerStream") {
      error = invocation.ServerStream();
    } else if (method == "ClientStream") {
      error = invocation.ClientStream();
    } else if (method == "BidiStream") {
      error = invocation.BidiStream();
    } else if (method == "Unimplemented") {
      error = invocation.Unimplemented();
    } else {
      error = "method " + method + " does not exist on service " + std::string(kServiceName);
    }
  } catch (const std::exception& e) {
    // An exception carries no RPC code: report it as unknown.
    result.Clear();
    SetError(Status(Code::kUnknown, e.what()), &result);
  }
  if (error) return fail(*error);
  *response.mutable_response() = std::move(result);
  return response;
}

}  // namespace connectrpc::conformance
