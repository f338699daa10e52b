// Client: URL parsing, the unary call path (POST and GET), and helpers shared with streams.
#include "connectrpc/client.h"

#include <algorithm>
#include <boost/url/parse.hpp>
#include <utility>

#include "cancellation_state.h"
#include "client_internal.h"
#include "connectrpc/compression.h"
#include "connectrpc/protocol_connect.h"
#include "str_cat.h"

namespace connectrpc {
namespace internal {

std::optional<Clock::time_point> CallDeadline(const ClientOptions& client_options,
                                              const CallOptions& options) {
  auto timeout = options.timeout ? options.timeout : client_options.default_timeout;
  if (!timeout) return std::nullopt;
  return Clock::now() + *timeout;
}

void AddCommonHeaders(const ClientOptions& client_options,
                      std::optional<Clock::time_point> deadline, Headers* headers) {
  headers->Set(protocol::kProtocolVersionHeader, protocol::kProtocolVersion);
  if (deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - Clock::now());
    headers->Set(protocol::kTimeoutHeader, std::to_string(std::max<int64_t>(left.count(), 1)));
  }
  if (!client_options.user_agent.empty() && !headers->Contains("user-agent")) {
    headers->Set("user-agent", client_options.user_agent);
  }
}

Result<Headers> MergeUserHeaders(const ClientOptions& client_options, const CallOptions& options) {
  Headers merged = client_options.headers;
  merged.Append(options.headers);
  for (const auto& [key, value] : merged) {
    if (!IsValidHeaderKey(key)) {
      return Status(Code::kInvalidArgument, internal::StrCat("invalid header name \"", key, "\""));
    }
    if (!IsValidHeaderValue(value)) {
      return Status(Code::kInvalidArgument,
                    internal::StrCat("header \"", key, "\" has a value with CR, LF or NUL"));
    }
  }
  return merged;
}

void SplitTrailers(const Headers& all, Headers* headers, Headers* trailers) {
  for (const auto& [key, value] : all) {
    if (key.size() > protocol::kTrailerPrefix.size() &&
        std::string_view(key).substr(0, protocol::kTrailerPrefix.size()) ==
            protocol::kTrailerPrefix) {
      trailers->Add(std::string_view(key).substr(protocol::kTrailerPrefix.size()), value);
    } else {
      headers->Add(key, value);
    }
  }
}

Status ReadWholeBody(HttpExchange& exchange, size_t max_bytes, std::string* body) {
  for (;;) {
    Result<bool> more = exchange.ReadBody(body);
    if (!more.ok()) return more.status();
    if (!*more) return Status();
    if (max_bytes > 0 && body->size() > max_bytes) {
      return Status(Code::kResourceExhausted,
                    internal::StrCat("response body exceeds the limit of ", max_bytes, " bytes"));
    }
  }
}

bool CancelLink::Attach(const std::shared_ptr<CancellationToken>& token, HttpExchange* exchange) {
  if (!token) return true;
  token_ = token;
  target_ = std::make_shared<Target>();
  target_->exchange = exchange;
  subscription_ = token->state()->Subscribe([target = target_] {
    std::lock_guard<std::mutex> lock(target->mu);
    if (target->exchange != nullptr) target->exchange->Cancel();
  });
  return subscription_ >= 0;
}

void CancelLink::Detach() {
  if (!target_) return;
  token_->state()->Unsubscribe(subscription_);
  {
    std::lock_guard<std::mutex> lock(target_->mu);
    target_->exchange = nullptr;
  }
  target_.reset();
  token_.reset();
}

}  // namespace internal

namespace {

// The upper bound on a response body whose decompressed form must fit in `limit` bytes.
size_t WireLimit(size_t limit) { return limit == 0 ? 0 : limit + limit / 512 + 1024; }

Status DecodeUnaryResponse(const ClientOptions& options, const HttpResponseHead& head,
                           std::string body, google::protobuf::Message* response) {
  auto content_type = head.headers.Get("content-type");
  std::optional<protocol::ContentType> parsed =
      content_type ? protocol::ParseContentType(*content_type) : std::nullopt;
  if (!parsed) {
    return Status(Code::kUnknown, internal::StrCat("unexpected response content type \"",
                                                   content_type.value_or(""), "\""));
  }
  if (parsed->streaming || parsed->codec != options.codec->name()) {
    return Status(Code::kInternal,
                  internal::StrCat("response content type \"", *content_type,
                                   "\" does not match the request codec ", options.codec->name()));
  }
  auto encoding = head.headers.Get("content-encoding");
  if (encoding && *encoding != kIdentityEncoding && !body.empty()) {
    const Compressor* compressor = FindCompressor(*encoding);
    if (compressor == nullptr) {
      return Status(Code::kInternal,
                    internal::StrCat("response uses unsupported compression \"", *encoding, "\""));
    }
    std::string plain;
    Status status = compressor->Decompress(body, &plain, options.max_receive_message_bytes);
    if (!status.ok()) return status;
    body.swap(plain);
  } else if (options.max_receive_message_bytes > 0 &&
             body.size() > options.max_receive_message_bytes) {
    return Status(
        Code::kResourceExhausted,
        internal::StrCat("response message of ", body.size(), " bytes exceeds the limit of ",
                         options.max_receive_message_bytes, " bytes"));
  }
  Status status = options.codec->Unmarshal(body, response);
  if (!status.ok()) {
    return Status(Code::kInternal, "failed to unmarshal response: " + status.message());
  }
  return Status();
}

Status DecodeUnaryError(const HttpResponseHead& head, std::string body) {
  auto encoding = head.headers.Get("content-encoding");
  if (encoding && *encoding != kIdentityEncoding && !body.empty()) {
    if (const Compressor* compressor = FindCompressor(*encoding)) {
      std::string plain;
      if (compressor->Decompress(body, &plain, 1u << 20).ok()) body.swap(plain);
    }
  }
  Status status = protocol::ErrorFromJson(body, head.status);
  internal::SplitTrailers(head.headers, &status.mutable_metadata(), &status.mutable_metadata());
  return status;
}

}  // namespace

Result<std::shared_ptr<Client>> Client::Create(std::string_view base_url, ClientOptions options) {
  auto url = boost::urls::parse_uri(base_url);
  if (!url) {
    return Status(Code::kInvalidArgument, internal::StrCat("invalid base URL \"", base_url, "\""));
  }
  std::string scheme(url->scheme());
  if (scheme != "http" && scheme != "https") {
    return Status(Code::kInvalidArgument,
                  internal::StrCat("base URL scheme must be http or https, got \"", scheme, "\""));
  }
  if (options.codec == nullptr)
    return Status(Code::kInvalidArgument, "ClientOptions.codec is null");
  if (options.compression != kIdentityEncoding && FindCompressor(options.compression) == nullptr) {
    return Status(Code::kInvalidArgument,
                  internal::StrCat("unsupported compression \"", options.compression, "\""));
  }
  const bool tls = scheme == "https";
  std::string host(url->host_address());
  uint16_t port = tls ? 443 : 80;
  if (url->has_port()) port = url->port_number();
  std::string prefix(url->encoded_path());
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  std::shared_ptr<Transport> transport = options.transport;
  if (!transport) {
    auto made = MakeHttp1Transport(host, port, tls, options.transport_options);
    if (!made.ok()) return made.status();
    transport = std::move(*made);
  }
  return std::shared_ptr<Client>(new Client(std::string(base_url), std::move(prefix),
                                            std::move(options), std::move(transport)));
}

Client::Client(std::string base_url, std::string path_prefix, ClientOptions options,
               std::shared_ptr<Transport> transport)
    : base_url_(std::move(base_url)),
      path_prefix_(std::move(path_prefix)),
      options_(std::move(options)),
      transport_(std::move(transport)) {}

Status Client::Unary(const MethodInfo& method, const google::protobuf::Message& request,
                     google::protobuf::Message* response, const CallOptions& options) {
  Result<Headers> headers = internal::MergeUserHeaders(options_, options);
  if (!headers.ok()) return headers.status();
  ClientCallInfo info{method, *headers};
  ClientInterceptor::UnaryNext next = [this, &options](ClientCallInfo& call_info,
                                                       const google::protobuf::Message& req,
                                                       google::protobuf::Message* resp) {
    return UnaryOnce(call_info, options, req, resp);
  };
  for (auto it = options_.interceptors.rbegin(); it != options_.interceptors.rend(); ++it) {
    next = [interceptor = it->get(), next = std::move(next)](ClientCallInfo& call_info,
                                                             const google::protobuf::Message& req,
                                                             google::protobuf::Message* resp) {
      return interceptor->InterceptUnary(call_info, req, resp, next);
    };
  }
  return next(info, request, response);
}

Status Client::UnaryOnce(ClientCallInfo& info, const CallOptions& options,
                         const google::protobuf::Message& request,
                         google::protobuf::Message* response) {
  const std::optional<Clock::time_point> deadline = internal::CallDeadline(options_, options);
  std::string body;
  Status status = options_.codec->Marshal(request, &body);
  if (!status.ok()) {
    return Status(Code::kInternal, "failed to marshal request: " + status.message());
  }
  const Compressor* compressor = FindCompressor(options_.compression);
  bool compressed = false;
  // Even an empty body is compressed: the request's declared encoding must match the call's.
  if (compressor != nullptr && body.size() >= options_.compress_min_bytes) {
    std::string packed;
    status = compressor->Compress(body, &packed);
    if (!status.ok()) return status;
    body.swap(packed);
    compressed = true;
  }

  HttpRequestHead head;
  head.headers = info.request_headers;
  const bool use_get = options.use_get && info.method.idempotency == Idempotency::kNoSideEffects;
  if (use_get) {
    head.method = "GET";
    head.target = internal::StrCat(
        path_prefix_, info.method.procedure, "?",
        protocol::BuildGetQuery(options_.codec->name(),
                                compressed ? compressor->name() : std::string_view(), body));
    head.content_length = 0;
    body.clear();
  } else {
    head.method = "POST";
    head.target = internal::StrCat(path_prefix_, info.method.procedure);
    head.headers.Set("content-type", protocol::FormatContentType(false, options_.codec->name()));
    if (compressed) head.headers.Set("content-encoding", compressor->name());
    head.content_length = body.size();
  }
  head.headers.Set("accept-encoding", SupportedEncodings());
  internal::AddCommonHeaders(options_, deadline, &head.headers);

  if (options.cancellation && options.cancellation->cancelled()) {
    return Status(Code::kCanceled, "call was cancelled before it started");
  }
  Result<std::unique_ptr<HttpExchange>> opened = transport_->Open(deadline);
  if (!opened.ok()) return opened.status();
  HttpExchange& exchange = **opened;
  internal::CancelLink cancel_link;
  if (!cancel_link.Attach(options.cancellation, &exchange)) {
    return Status(Code::kCanceled, "call was cancelled");
  }
  status = exchange.WriteHead(head);
  if (status.ok() && !body.empty()) status = exchange.WriteBody(body);
  if (status.ok()) status = exchange.FinishBody();
  if (!status.ok()) return status;
  Result<HttpResponseHead> response_head = exchange.ReadHead();
  if (!response_head.ok()) return response_head.status();
  std::string response_body;
  const size_t wire_limit =
      response_head->status == 200 ? WireLimit(options_.max_receive_message_bytes) : 1u << 20;
  status = internal::ReadWholeBody(exchange, wire_limit, &response_body);
  if (!status.ok()) return status;
  if (response_head->status != 200) {
    return DecodeUnaryError(*response_head, std::move(response_body));
  }
  status = DecodeUnaryResponse(options_, *response_head, std::move(response_body), response);
  if (!status.ok()) {
    internal::SplitTrailers(response_head->headers, &status.mutable_metadata(),
                            &status.mutable_metadata());
    return status;
  }
  if (options.response_metadata != nullptr) {
    options.response_metadata->headers.Clear();
    options.response_metadata->trailers.Clear();
    internal::SplitTrailers(response_head->headers, &options.response_metadata->headers,
                            &options.response_metadata->trailers);
  }
  return Status();
}

}  // namespace connectrpc
