// The Connect protocol's wire rules as pure functions: content types, timeouts, error and
// end-stream JSON, GET queries, compression negotiation, and trailer headers. Nothing here does
// I/O, so every rule is unit-testable.
//
//   std::string body = connectrpc::protocol::ErrorToJson(status);
//   connectrpc::Status back = connectrpc::protocol::ErrorFromJson(body, 404);
#ifndef CONNECTRPC_PROTOCOL_CONNECT_H_
#define CONNECTRPC_PROTOCOL_CONNECT_H_

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "connectrpc/envelope.h"
#include "connectrpc/headers.h"
#include "connectrpc/result.h"
#include "connectrpc/status.h"

namespace connectrpc::protocol {

inline constexpr std::string_view kProtocolVersionHeader = "connect-protocol-version";
inline constexpr std::string_view kProtocolVersion = "1";
inline constexpr std::string_view kTimeoutHeader = "connect-timeout-ms";
inline constexpr std::string_view kStreamEncodingHeader = "connect-content-encoding";
inline constexpr std::string_view kStreamAcceptEncodingHeader = "connect-accept-encoding";
inline constexpr std::string_view kTrailerPrefix = "trailer-";
inline constexpr std::string_view kJsonErrorContentType = "application/json";

// True when a stream frame's flags set a bit Connect does not define (it defines compressed and
// end-stream). Such a frame is not a message; connect-go does not read one as a message either.
constexpr bool HasUndefinedEnvelopeFlags(uint8_t flags) {
  return (flags & ~(kEnvelopeCompressed | kEnvelopeEndStream)) != 0;
}

// A parsed Content-Type: streaming ("application/connect+<codec>") or unary
// ("application/<codec>").
struct ContentType {
  bool streaming = false;
  std::string codec;  // "proto", "json", ...
};

// Parses a Connect content type (parameters such as "; charset=utf-8" are ignored);
// nullopt when it is not "application/..." at all.
std::optional<ContentType> ParseContentType(std::string_view value);
// "application/proto" or "application/connect+proto".
std::string FormatContentType(bool streaming, std::string_view codec);

// Parses Connect-Timeout-Ms: 1 to 10 ASCII digits. Anything else is kInvalidArgument.
Result<std::chrono::milliseconds> ParseTimeout(std::string_view value);

// The error JSON of a unary error body or an end-stream "error" member. Details carry the bare type
// name and unpadded standard base64.
std::string ErrorToJson(const Status& status);
// Reads a unary error body. When the body is not a valid Connect error the code comes from the
// HTTP status (CodeFromHttpStatus) and the message says what was wrong.
Status ErrorFromJson(std::string_view body, int http_status);

// The end-stream JSON: {} on success, {"error":..., "metadata":...} otherwise.
std::string EndStreamToJson(const Status& status, const Headers& trailers);
// Reads an end-stream message: returns the call's final status (OK or the error) and fills
// `trailers`. A malformed message yields kInternal; an error with a missing or unknown code,
// kUnknown.
Status ParseEndStream(std::string_view json, Headers* trailers);

// A Connect GET request's query parameters.
struct GetQuery {
  std::string codec;        // the "encoding" parameter
  std::string compression;  // the "compression" parameter; empty for identity
  std::string message;      // the decoded message bytes (still compressed if compression is set)
};
// Builds "connect=v1&base64=1&compression=gzip&encoding=proto&message=..." (base64 is omitted only
// for uncompressed JSON, which travels percent-encoded).
std::string BuildGetQuery(std::string_view codec, std::string_view compression,
                          std::string_view message);
// Parses a GET query string (without '?'). Missing "encoding" or "message", or an undecodable
// message, fail with kInvalidArgument.
Result<GetQuery> ParseGetQuery(std::string_view query);

// The response encoding a server picks: the request's own non-identity encoding, else the first
// supported entry of `accept` (comma-separated), else "identity".
std::string_view NegotiateResponseEncoding(std::string_view request_encoding,
                                           std::string_view accept);

// True for headers the protocol owns (content-type, content-length, connect-*, ...), which user
// metadata must not set or see as custom metadata. `key` may be in any case.
bool IsReservedHeader(std::string_view key);

// Appends `text` as a JSON string literal, quotes included. Control characters are escaped and
// invalid UTF-8 becomes U+FFFD, so the output is always valid JSON.
void AppendJsonString(std::string_view text, std::string* out);

// Base64 helpers: encoding is standard alphabet without padding; decoding accepts the standard and
// URL-safe alphabets, padded or not. nullopt on invalid input.
std::string Base64Encode(std::string_view bytes);
std::string Base64UrlEncode(std::string_view bytes);
std::optional<std::string> Base64Decode(std::string_view text);

}  // namespace connectrpc::protocol

#endif  // CONNECTRPC_PROTOCOL_CONNECT_H_
