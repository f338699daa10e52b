// The client's half of the Connect protocol.
#include "client/connect_client_protocol.h"

#include <algorithm>
#include <utility>

#include "connectrpc/protocol_connect.h"
#include "str_cat.h"

namespace connectrpc::internal {

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
      return Status(Code::kInvalidArgument, StrCat("invalid header name \"", key, "\""));
    }
    if (!IsValidHeaderValue(value)) {
      return Status(Code::kInvalidArgument,
                    StrCat("header \"", key, "\" has a value with CR, LF or NUL"));
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

size_t WireLimit(size_t limit) { return limit == 0 ? 0 : limit + limit / 512 + 1024; }

Status BuildUnaryRequest(const ClientOptions& client_options, std::string_view path_prefix,
                         const MethodInfo& method, bool use_get, Headers headers,
                         std::optional<Clock::time_point> deadline,
                         const google::protobuf::Message& request, HttpRequestHead* head,
                         std::string* body) {
  Status status = client_options.codec->Marshal(request, body);
  if (!status.ok()) {
    return Status(Code::kInternal, "failed to marshal request: " + status.message());
  }
  const Compressor* compressor = FindCompressor(client_options.compression);
  bool compressed = false;
  // Even an empty body is compressed: the request's declared encoding must match the call's.
  if (compressor != nullptr && body->size() >= client_options.compress_min_bytes) {
    std::string packed;
    status = compressor->Compress(*body, &packed);
    if (!status.ok()) return status;
    body->swap(packed);
    compressed = true;
  }
  head->headers = std::move(headers);
  if (use_get && method.idempotency == Idempotency::kNoSideEffects) {
    head->method = "GET";
    head->target = StrCat(
        path_prefix, method.procedure, "?",
        protocol::BuildGetQuery(client_options.codec->name(),
                                compressed ? compressor->name() : std::string_view(), *body));
    head->content_length = 0;
    body->clear();
  } else {
    head->method = "POST";
    head->target = StrCat(path_prefix, method.procedure);
    head->headers.Set("content-type",
                      protocol::FormatContentType(false, client_options.codec->name()));
    if (compressed) head->headers.Set("content-encoding", compressor->name());
    head->content_length = body->size();
  }
  head->headers.Set("accept-encoding", SupportedEncodings());
  AddCommonHeaders(client_options, deadline, &head->headers);
  return Status();
}

Status DecodeUnaryResponse(const ClientOptions& options, const HttpResponseHead& head,
                           std::string body, google::protobuf::Message* response) {
  auto content_type = head.headers.Get("content-type");
  std::optional<protocol::ContentType> parsed =
      content_type ? protocol::ParseContentType(*content_type) : std::nullopt;
  if (!parsed) {
    return Status(Code::kUnknown,
                  StrCat("unexpected response content type \"", content_type.value_or(""), "\""));
  }
  if (parsed->streaming || parsed->codec != options.codec->name()) {
    return Status(Code::kInternal,
                  StrCat("response content type \"", *content_type,
                         "\" does not match the request codec ", options.codec->name()));
  }
  auto encoding = head.headers.Get("content-encoding");
  if (encoding && *encoding != kIdentityEncoding && !body.empty()) {
    const Compressor* compressor = FindCompressor(*encoding);
    if (compressor == nullptr) {
      return Status(Code::kInternal,
                    StrCat("response uses unsupported compression \"", *encoding, "\""));
    }
    std::string plain;
    Status status = compressor->Decompress(body, &plain, options.max_receive_message_bytes);
    if (!status.ok()) return status;
    body.swap(plain);
  } else if (options.max_receive_message_bytes > 0 &&
             body.size() > options.max_receive_message_bytes) {
    return Status(Code::kResourceExhausted,
                  StrCat("response message of ", body.size(), " bytes exceeds the limit of ",
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
  SplitTrailers(head.headers, &status.mutable_metadata(), &status.mutable_metadata());
  return status;
}

HttpRequestHead BuildStreamHead(const ClientOptions& client_options, std::string_view path_prefix,
                                const MethodInfo& method, Headers headers) {
  HttpRequestHead head;
  head.method = "POST";
  head.target = StrCat(path_prefix, method.procedure);
  head.headers = std::move(headers);
  head.headers.Set("content-type", protocol::FormatContentType(true, client_options.codec->name()));
  if (client_options.compression != kIdentityEncoding) {
    head.headers.Set(protocol::kStreamEncodingHeader, client_options.compression);
  }
  head.headers.Set(protocol::kStreamAcceptEncodingHeader, SupportedEncodings());
  AddCommonHeaders(client_options, std::nullopt, &head.headers);
  return head;
}

Status EncodeStreamMessage(const ClientOptions& options, const Compressor* compressor,
                           const google::protobuf::Message& message, std::string* frame) {
  std::string bytes;
  Status status = options.codec->Marshal(message, &bytes);
  if (!status.ok()) {
    return Status(Code::kInternal, "failed to marshal request: " + status.message());
  }
  frame->clear();
  if (compressor != nullptr && !bytes.empty() && bytes.size() >= options.compress_min_bytes) {
    std::string packed;
    status = compressor->Compress(bytes, &packed);
    if (!status.ok()) return status;
    AppendEnvelope(kEnvelopeCompressed, packed, frame);
  } else {
    AppendEnvelope(0, bytes, frame);
  }
  return Status();
}

Status CheckStreamResponseHead(const ClientOptions& options, const Headers& headers,
                               const Compressor** compressor) {
  auto content_type = headers.Get("content-type");
  std::optional<protocol::ContentType> parsed =
      content_type ? protocol::ParseContentType(*content_type) : std::nullopt;
  if (!parsed) {
    return Status(Code::kUnknown,
                  StrCat("unexpected response content type \"", content_type.value_or(""), "\""));
  }
  if (!parsed->streaming || parsed->codec != options.codec->name()) {
    return Status(Code::kInternal,
                  StrCat("response content type \"", *content_type,
                         "\" does not match the request codec ", options.codec->name()));
  }
  *compressor = nullptr;
  auto encoding = headers.Get(protocol::kStreamEncodingHeader);
  if (encoding && *encoding != kIdentityEncoding) {
    *compressor = FindCompressor(*encoding);
    if (*compressor == nullptr) {
      return Status(Code::kInternal,
                    StrCat("response uses unsupported compression \"", *encoding, "\""));
    }
  }
  return Status();
}

Status InflateFrame(const Compressor* compressor, size_t max_bytes, Envelope* frame) {
  if (!(frame->flags & kEnvelopeCompressed)) return Status();
  if (compressor == nullptr) {
    return Status(Code::kInternal,
                  "protocol error: compressed message without Connect-Content-Encoding");
  }
  std::string plain;
  Status status = compressor->Decompress(frame->payload, &plain, max_bytes);
  if (!status.ok()) return status;
  frame->payload.swap(plain);
  return Status();
}

Status DecodeStreamMessage(const ClientOptions& options, const Envelope& frame,
                           google::protobuf::Message* message) {
  if (options.max_receive_message_bytes > 0 &&
      frame.payload.size() > options.max_receive_message_bytes) {
    return Status(Code::kResourceExhausted, StrCat("response message of ", frame.payload.size(),
                                                   " bytes exceeds the limit of ",
                                                   options.max_receive_message_bytes, " bytes"));
  }
  Status status = options.codec->Unmarshal(frame.payload, message);
  if (!status.ok()) {
    return Status(Code::kInternal, "failed to unmarshal response: " + status.message());
  }
  return Status();
}

}  // namespace connectrpc::internal
