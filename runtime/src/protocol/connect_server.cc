#include "protocol/connect_server.h"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "connectrpc/compression.h"
#include "connectrpc/envelope.h"
#include "connectrpc/protocol_connect.h"
#include "str_cat.h"
#include "util/ascii.h"

namespace connectrpc::internal {
namespace {

const Codec* FindCodec(std::span<const Codec* const> extra, std::string_view name) {
  for (const Codec* codec : extra) {
    if (codec != nullptr && codec->name() == name) return codec;
  }
  if (name == "proto") return &ProtoCodec();
  if (name == "json") return &JsonCodec();
  return nullptr;
}

// The media type without parameters, and whether it is a streaming one, without allocating.
struct MediaType {
  bool application = false;
  bool streaming = false;
  std::string_view codec;
};

MediaType ParseMediaType(std::string_view value) {
  if (const size_t semicolon = value.find(';'); semicolon != std::string_view::npos) {
    value = value.substr(0, semicolon);
  }
  value = TrimOptionalWhitespace(value);
  MediaType result;
  constexpr std::string_view kApplication = "application/";
  constexpr std::string_view kConnectPrefix = "connect+";
  if (value.size() <= kApplication.size() || !AsciiStartsWithIgnoreCase(value, kApplication)) {
    return result;
  }
  result.application = true;
  value.remove_prefix(kApplication.size());
  if (AsciiStartsWithIgnoreCase(value, kConnectPrefix)) {
    result.streaming = true;
    value.remove_prefix(kConnectPrefix.size());
  }
  result.codec = value;
  return result;
}

std::string_view UnaryContentType(const Codec& codec, std::string* storage) {
  if (codec.name() == "proto") return "application/proto";
  if (codec.name() == "json") return "application/json";
  *storage = protocol::FormatContentType(false, codec.name());
  return *storage;
}

std::string_view StreamContentType(const Codec& codec, std::string* storage) {
  if (codec.name() == "proto") return "application/connect+proto";
  if (codec.name() == "json") return "application/connect+json";
  *storage = protocol::FormatContentType(true, codec.name());
  return *storage;
}

// The value of the GET query parameter `key` (not decoded), if present.
std::optional<std::string_view> QueryParameter(std::string_view query, std::string_view key) {
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    const size_t eq = pair.find('=');
    if (pair.substr(0, eq) == key) {
      return eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    }
  }
  return std::nullopt;
}

// Adds valid custom metadata; protocol-owned and invalid keys or values are dropped, so a
// handler can never split the response or override framing.
void AddMetadata(const Headers& metadata, std::string_view prefix, ServerExchange& exchange,
                 std::string* scratch) {
  for (const auto& [key, value] : metadata) {
    if (protocol::IsReservedHeader(key) || !IsValidHeaderKey(key) || !IsValidHeaderValue(value)) {
      continue;
    }
    if (prefix.empty()) {
      exchange.AddHeader(key, value);
    } else {
      scratch->assign(prefix);
      scratch->append(key);
      exchange.AddHeader(*scratch, value);
    }
  }
}

std::string_view SupportedContentTypes(StreamType type) {
  if (type == StreamType::kUnary) return "application/proto, application/json";
  return "application/connect+proto, application/connect+json";
}

class ConnectServerCall final : public ServerProtocolCall {
 public:
  ConnectServerCall(const MethodInfo& method, const Codec& codec,
                    const ServerProtocolOptions& options)
      : codec_(&codec),
        options_(options),
        streaming_(method.stream_type != StreamType::kUnary) {}

  // Reads what the request head says about compression and timeouts.
  void Configure(const RequestHead& head, bool is_get, std::string_view get_compression) {
    const RequestFields& fields = head.fields;
    if (std::string_view version = fields.Get(protocol::kProtocolVersionHeader);
        !is_get && fields.Contains(protocol::kProtocolVersionHeader) &&
        TrimOptionalWhitespace(version) != protocol::kProtocolVersion) {
      Fail(Status(Code::kInvalidArgument,
                  StrCat("connect-protocol-version must be \"1\", got \"", version, "\"")));
    }
    if (fields.Contains(protocol::kTimeoutHeader)) {
      Result<std::chrono::milliseconds> ms =
          protocol::ParseTimeout(fields.Get(protocol::kTimeoutHeader));
      if (ms.ok()) {
        timeout_ = *ms;
      } else {
        Fail(ms.status());
      }
    }
    const std::string_view request_encoding = TrimOptionalWhitespace(
        is_get ? get_compression
               : fields.Get(streaming_ ? protocol::kStreamEncodingHeader : "content-encoding"));
    if (!request_encoding.empty() && !AsciiEqualsIgnoreCase(request_encoding, kIdentityEncoding)) {
      request_compressor_ = FindCompressor(request_encoding);
      if (request_compressor_ == nullptr) {
        Fail(Status(Code::kUnimplemented,
                    StrCat("unsupported compression \"", request_encoding,
                           "\": supported encodings are gzip, identity")));
      }
    }
    const std::string_view accept =
        fields.Get(streaming_ ? protocol::kStreamAcceptEncodingHeader : "accept-encoding");
    response_compressor_ =
        FindCompressor(protocol::NegotiateResponseEncoding(request_encoding, accept));
  }

  void Fail(Status status) {
    if (start_status_.ok()) start_status_ = std::move(status);
  }

  // A GET request's message, decoded from the URL.
  void SetGetMessage(std::string message) {
    input_ = std::move(message);
    body_free_ = true;
  }

  const Status& start_status() const override { return start_status_; }
  std::optional<std::chrono::milliseconds> timeout() const override { return timeout_; }
  const Codec& codec() const override { return *codec_; }
  bool body_free() const override { return body_free_; }

  std::string& input() override {
    if (offset_ > 0) {
      input_.erase(0, offset_);
      offset_ = 0;
    }
    return input_;
  }

  Next NextMessage(std::string_view* message, Status* error) override {
    return streaming_ ? NextEnvelope(message, error) : NextUnary(message, error);
  }

  Status FinishInput() override {
    input_complete_ = true;
    return Status();
  }

  bool streams_response() const override { return streaming_; }

  void StartResponse(ServerExchange& exchange, const Headers& headers) override {
    exchange.SetStatus(200);
    exchange.AddHeader("content-type", StreamContentType(*codec_, &scratch_));
    if (response_compressor_ != nullptr) {
      exchange.AddHeader(protocol::kStreamEncodingHeader, response_compressor_->name());
    }
    exchange.AddHeader(protocol::kStreamAcceptEncodingHeader, SupportedEncodings());
    AddMetadata(headers, "", exchange, &scratch_);
  }

  Status EncodeMessage(const google::protobuf::Message& message, std::string* out) override {
    Status status = codec_->Marshal(message, &encoded_);
    if (!status.ok()) return status;
    if (!streaming_) {
      // The single unary response message is the body; it is compressed at the end, once.
      out->swap(encoded_);
      return Status();
    }
    if (ShouldCompress(encoded_.size())) {
      std::string packed;
      if (response_compressor_->Compress(encoded_, &packed).ok()) {
        AppendEnvelope(kEnvelopeCompressed, packed, out);
        return Status();
      }
    }
    AppendEnvelope(0, encoded_, out);
    return Status();
  }

  void EncodeEnd(ServerExchange& exchange, const Status& status, const Headers& headers,
                 const Headers& trailers, std::string* buffered_message) override {
    std::string& body = exchange.body_buffer();
    if (streaming_) {
      if (!exchange.head_sent()) StartResponse(exchange, headers);
      AppendEnvelope(kEnvelopeEndStream, protocol::EndStreamToJson(status, trailers), &body);
      return;
    }
    exchange.SetStatus(status.ok() ? 200 : HttpStatusFromCode(status.code()));
    AddMetadata(headers, "", exchange, &scratch_);
    if (status.ok()) {
      exchange.AddHeader("content-type", UnaryContentType(*codec_, &scratch_));
      if (buffered_message != nullptr && ShouldCompress(buffered_message->size())) {
        std::string packed;
        if (response_compressor_->Compress(*buffered_message, &packed).ok()) {
          exchange.AddHeader("content-encoding", response_compressor_->name());
          buffered_message->swap(packed);
        }
      }
      if (buffered_message != nullptr) body.swap(*buffered_message);
    } else {
      AddMetadata(status.metadata(), "", exchange, &scratch_);
      exchange.AddHeader("content-type", protocol::kJsonErrorContentType);
      body = protocol::ErrorToJson(status);
    }
    exchange.AddHeader("accept-encoding", SupportedEncodings());
    AddMetadata(trailers, protocol::kTrailerPrefix, exchange, &scratch_);
  }

 private:
  bool ShouldCompress(size_t size) const {
    return response_compressor_ != nullptr && size > 0 && size >= options_.compress_min_bytes;
  }

  Status TooLarge(size_t size) const {
    return Status(Code::kResourceExhausted,
                  StrCat("request message of ", size, " bytes exceeds the limit of ",
                         options_.max_receive_message_bytes, " bytes"));
  }

  // Counts decoded request bytes against the per-request bound.
  bool WithinTotal(size_t size, Status* error) {
    decoded_total_ += size;
    const size_t bound = options_.max_request_decompressed_bytes;
    if (bound > 0 && decoded_total_ > bound) {
      *error = Status(Code::kResourceExhausted,
                      StrCat("request messages exceed the limit of ", bound, " bytes in total"));
      return false;
    }
    return true;
  }

  Next NextUnary(std::string_view* message, Status* error) {
    const size_t limit = options_.max_receive_message_bytes;
    if (!input_complete_) {
      // The whole body is the message: bound it while it arrives.
      if (request_compressor_ == nullptr && limit > 0 && input_.size() > limit) {
        *error = TooLarge(input_.size());
        return Next::kError;
      }
      if (!body_free_) return Next::kNeedMore;
      input_complete_ = true;
    }
    if (unary_taken_) {
      *error = Status(Code::kInternal, "the unary request message was already read");
      return Next::kError;
    }
    unary_taken_ = true;
    if (request_compressor_ != nullptr && !input_.empty()) {
      Status status = request_compressor_->Decompress(input_, &scratch_message_, limit);
      if (!status.ok()) {
        *error = std::move(status);
        return Next::kError;
      }
      input_.swap(scratch_message_);
    } else if (limit > 0 && input_.size() > limit) {
      *error = TooLarge(input_.size());
      return Next::kError;
    }
    if (!WithinTotal(input_.size(), error)) return Next::kError;
    *message = input_;
    return Next::kMessage;
  }

  // kNeedMore, or an error once the body has ended with a partial frame buffered.
  Next NeedMore(size_t available, Status* error) const {
    if (input_complete_ && available > 0) {
      *error = Status(Code::kInvalidArgument, "request stream ends inside a message frame");
      return Next::kError;
    }
    return Next::kNeedMore;
  }

  Next NextEnvelope(std::string_view* message, Status* error) {
    const size_t available = input_.size() - offset_;
    if (available < kEnvelopeHeaderSize) return NeedMore(available, error);
    const auto* p = reinterpret_cast<const uint8_t*>(input_.data() + offset_);
    const uint8_t flags = p[0];
    const size_t length = (size_t{p[1]} << 24) | (size_t{p[2]} << 16) | (size_t{p[3]} << 8) | p[4];
    const size_t limit = options_.max_receive_message_bytes;
    const bool compressed = (flags & kEnvelopeCompressed) != 0;
    // Refused as soon as the prefix arrives.
    if (protocol::HasUndefinedEnvelopeFlags(flags)) {
      *error = Status(Code::kInvalidArgument,
                      internal::StrCat("request stream frame has unknown flags ",
                                       static_cast<int>(flags)));
      return Next::kError;
    }
    // A compressed frame may not be larger than the limit either: a message that compresses
    // to more than its own size is not worth accepting.
    if (limit > 0 && length > limit) {
      *error = TooLarge(length);
      return Next::kError;
    }
    if (available < kEnvelopeHeaderSize + length) return NeedMore(available, error);
    if (flags & kEnvelopeEndStream) {
      *error = Status(Code::kInvalidArgument, "request stream carries an end-stream frame");
      return Next::kError;
    }
    std::string_view payload(input_.data() + offset_ + kEnvelopeHeaderSize, length);
    offset_ += kEnvelopeHeaderSize + length;
    if (compressed) {
      if (request_compressor_ == nullptr) {
        *error = Status(Code::kInternal,
                        "protocol error: compressed message without Connect-Content-Encoding");
        return Next::kError;
      }
      Status status = request_compressor_->Decompress(payload, &scratch_message_, limit);
      if (!status.ok()) {
        *error = std::move(status);
        return Next::kError;
      }
      payload = scratch_message_;
    }
    if (!WithinTotal(payload.size(), error)) return Next::kError;
    *message = payload;
    return Next::kMessage;
  }

  const Codec* codec_;
  const ServerProtocolOptions& options_;
  const bool streaming_;
  Status start_status_;
  std::optional<std::chrono::milliseconds> timeout_;
  const Compressor* request_compressor_ = nullptr;
  const Compressor* response_compressor_ = nullptr;
  std::string input_;
  size_t offset_ = 0;
  bool body_free_ = false;
  bool input_complete_ = false;
  bool unary_taken_ = false;
  size_t decoded_total_ = 0;
  std::string scratch_message_;
  std::string encoded_;
  std::string scratch_;
};

}  // namespace

bool ConnectServerProtocol::Claims(const RequestHead&) const { return true; }

HttpRejection ConnectServerProtocol::NotFound(const RequestHead& head) const {
  HttpRejection rejection;
  rejection.http_status = 404;
  rejection.content_type = std::string(protocol::kJsonErrorContentType);
  rejection.body = protocol::ErrorToJson(
      Status(Code::kUnimplemented, StrCat("no procedure at path ", head.path)));
  return rejection;
}

std::unique_ptr<ServerProtocolCall> ConnectServerProtocol::StartCall(
    const RequestHead& head, const MethodInfo& method, const ServerProtocolOptions& options,
    HttpRejection* rejection) const {
  const bool get_allowed =
      method.stream_type == StreamType::kUnary && method.idempotency == Idempotency::kNoSideEffects;
  const bool is_get = head.method == "GET";
  if (head.method != "POST" && !(is_get && get_allowed)) {
    rejection->http_status = 405;
    rejection->body =
        StrCat("method ", head.method, " is not allowed for ", head.path);
    rejection->headers.Add("allow", get_allowed ? "GET, POST" : "POST");
    return nullptr;
  }
  const bool streaming = method.stream_type != StreamType::kUnary;
  if (is_get) {
    Result<protocol::GetQuery> parsed = protocol::ParseGetQuery(head.query);
    const Codec* codec = nullptr;
    if (parsed.ok()) {
      codec = FindCodec(options.codecs, parsed->codec);
      if (codec == nullptr) {
        rejection->http_status = 415;
        rejection->body = StrCat("unsupported encoding \"", parsed->codec,
                                 "\": supported are proto, json");
        return nullptr;
      }
    }
    auto call = std::make_unique<ConnectServerCall>(method, codec ? *codec : ProtoCodec(), options);
    if (!parsed.ok()) {
      call->Fail(parsed.status());
      call->SetGetMessage({});
      return call;
    }
    if (std::optional<std::string_view> version = QueryParameter(head.query, "connect");
        version && *version != "v1") {
      call->Fail(Status(Code::kInvalidArgument,
                        StrCat("connect query parameter must be \"v1\", got \"", *version, "\"")));
    }
    call->Configure(head, /*is_get=*/true, parsed->compression);
    call->SetGetMessage(std::move(parsed->message));
    return call;
  }
  const std::string_view content_type = head.fields.Get("content-type");
  const MediaType media = ParseMediaType(content_type);
  std::string codec_name;  // lowercased codec name
  for (char c : media.codec) codec_name.push_back(AsciiToLower(c));
  const Codec* codec = media.application ? FindCodec(options.codecs, codec_name) : nullptr;
  if (codec == nullptr || media.streaming != streaming) {
    rejection->http_status = 415;
    rejection->body = StrCat("unsupported content type \"", content_type, "\" for ", head.path);
    rejection->headers.Add("accept-post", SupportedContentTypes(method.stream_type));
    return nullptr;
  }
  auto call = std::make_unique<ConnectServerCall>(method, *codec, options);
  call->Configure(head, /*is_get=*/false, {});
  return call;
}

}  // namespace connectrpc::internal
