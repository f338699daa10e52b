// The Connect protocol's wire rules: content types, timeouts, error and end-stream JSON, GET
// queries and compression negotiation (base64, percent-encoding and JSON strings: util/).
#include "connectrpc/protocol_connect.h"

#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "connectrpc/code.h"
#include "connectrpc/compression.h"
#include "util/ascii.h"
#include "util/base64.h"
#include "util/json_string.h"
#include "util/percent_encoding.h"
#include "util/utf8.h"

namespace connectrpc::protocol {
namespace {

namespace json = boost::json;

constexpr std::string_view kTypeUrlPrefixSeparator = "/";
constexpr size_t kMaxBodySnippet = 256;

using internal::AsciiEqualsIgnoreCase;
using internal::AsciiToLower;
using internal::TrimOptionalWhitespace;

std::string Lowercase(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = AsciiToLower(c);
  return out;
}

std::string_view TrimWhitespace(std::string_view s) {
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

std::string ToStdString(const json::string& s) { return std::string(s.data(), s.size()); }

// ---------------------------------------------------------------------------------------------
// Error objects.

void AppendErrorJson(const Status& status, std::string* out) {
  // An OK status is never sent as an error; write "unknown" rather than the invalid "ok".
  const Code code = status.ok() ? Code::kUnknown : status.code();
  out->append("{\"code\":");
  internal::AppendJsonString(CodeName(code), out);
  if (!status.message().empty()) {
    out->append(",\"message\":");
    internal::AppendJsonString(status.message(), out);
  }
  if (!status.details().empty()) {
    out->append(",\"details\":[");
    bool first = true;
    for (const ErrorDetail& detail : status.details()) {
      if (!first) out->push_back(',');
      first = false;
      out->append("{\"type\":");
      internal::AppendJsonString(detail.type, out);
      out->append(",\"value\":");
      internal::AppendJsonString(Base64Encode(detail.value), out);
      if (!detail.debug_json.empty()) {
        out->append(",\"debug\":");
        out->append(detail.debug_json);
      }
      out->push_back('}');
    }
    out->push_back(']');
  }
  out->push_back('}');
}

struct WireError {
  bool has_code = false;     // "code" present and not null
  std::optional<Code> code;  // set when "code" is one of the 16 names
  std::optional<std::string> message;
  std::vector<ErrorDetail> details;
};

// Reads the members of an error object leniently: unknown members are ignored, and details that
// cannot be understood are skipped.
WireError ReadErrorObject(const json::object& object) {
  WireError wire;
  if (const json::value* code = object.if_contains("code"); code != nullptr && !code->is_null()) {
    wire.has_code = true;
    if (code->is_string()) {
      const json::string& name = code->get_string();
      wire.code = CodeFromName(std::string_view(name.data(), name.size()));
    }
  }
  if (const json::value* message = object.if_contains("message");
      message != nullptr && message->is_string()) {
    wire.message = ToStdString(message->get_string());
  }
  if (const json::value* details = object.if_contains("details");
      details != nullptr && details->is_array()) {
    for (const json::value& item : details->get_array()) {
      if (!item.is_object()) continue;
      const json::object& detail = item.get_object();
      const json::value* type = detail.if_contains("type");
      const json::value* value = detail.if_contains("value");
      if (type == nullptr || !type->is_string() || value == nullptr || !value->is_string())
        continue;
      std::string type_name = ToStdString(type->get_string());
      // Accept Any-style type URLs ("type.googleapis.com/pkg.Msg") by keeping the bare name.
      if (const size_t slash = type_name.rfind(kTypeUrlPrefixSeparator);
          slash != std::string::npos) {
        type_name.erase(0, slash + 1);
      }
      if (type_name.empty()) continue;
      const json::string& encoded = value->get_string();
      std::optional<std::string> bytes =
          Base64Decode(std::string_view(encoded.data(), encoded.size()));
      if (!bytes) continue;
      ErrorDetail parsed{std::move(type_name), std::move(*bytes), {}};
      if (const json::value* debug = detail.if_contains("debug"); debug != nullptr) {
        parsed.debug_json = json::serialize(*debug);
      }
      wire.details.push_back(std::move(parsed));
    }
  }
  return wire;
}

std::string_view ReasonPhrase(int http_status) {
  switch (http_status) {
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 412:
      return "Precondition Failed";
    case 413:
      return "Payload Too Large";
    case 415:
      return "Unsupported Media Type";
    case 418:
      return "I'm a teapot";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 499:
      return "Client Closed Request";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "";
  }
}

// "HTTP 503 Service Unavailable: <start of body>" for a body that is not a Connect error.
std::string HttpFallbackMessage(std::string_view body, int http_status) {
  std::string message = "HTTP " + std::to_string(http_status);
  if (std::string_view reason = ReasonPhrase(http_status); !reason.empty()) {
    message += ' ';
    message += reason;
  }
  std::string_view snippet = TrimWhitespace(body);
  if (snippet.empty()) return message;
  bool truncated = false;
  if (snippet.size() > kMaxBodySnippet) {
    size_t cut = kMaxBodySnippet;
    // Do not split a UTF-8 sequence.
    while (cut > 0 && (static_cast<unsigned char>(snippet[cut]) & 0xc0) == 0x80) --cut;
    snippet = snippet.substr(0, cut);
    truncated = true;
  }
  message += ": ";
  // The message is text for people and may travel on in a proto string field or as JSON: control
  // characters become spaces and bytes that are not UTF-8 become U+FFFD.
  for (size_t i = 0; i < snippet.size();) {
    const size_t length = internal::Utf8SequenceLength(snippet, i);
    if (length == 0) {
      message += "\xEF\xBF\xBD";
      ++i;
      continue;
    }
    const auto u = static_cast<unsigned char>(snippet[i]);
    if (length == 1 && (u < 0x20 || u == 0x7f)) {
      message.push_back(' ');
    } else {
      message.append(snippet.substr(i, length));
    }
    i += length;
  }
  if (truncated) message += "...";
  return message;
}

// ---------------------------------------------------------------------------------------------
// Metadata objects.

void AppendMetadataJson(const Headers& headers, std::string* out) {
  std::vector<std::pair<std::string_view, std::vector<std::string_view>>> groups;
  for (const auto& [key, value] : headers) {
    auto it = std::find_if(groups.begin(), groups.end(),
                           [&key = key](const auto& g) { return g.first == key; });
    if (it == groups.end()) {
      groups.emplace_back(key, std::vector<std::string_view>{value});
    } else {
      it->second.emplace_back(value);
    }
  }
  out->push_back('{');
  bool first_key = true;
  for (const auto& [key, values] : groups) {
    if (!first_key) out->push_back(',');
    first_key = false;
    internal::AppendJsonString(key, out);
    out->append(":[");
    bool first_value = true;
    for (std::string_view value : values) {
      if (!first_value) out->push_back(',');
      first_value = false;
      internal::AppendJsonString(value, out);
    }
    out->push_back(']');
  }
  out->push_back('}');
}

Status EndStreamError(std::string_view why) {
  return Status(Code::kInternal, "protocol error: invalid end-stream message: " + std::string(why));
}

}  // namespace

// -----------------------------------------------------------------------------------------------
// Content types and timeouts.

std::optional<ContentType> ParseContentType(std::string_view value) {
  if (const size_t semicolon = value.find(';'); semicolon != std::string_view::npos) {
    value = value.substr(0, semicolon);
  }
  const std::string media_type = Lowercase(TrimOptionalWhitespace(value));
  constexpr std::string_view kApplication = "application/";
  constexpr std::string_view kConnectPrefix = "connect+";
  if (media_type.size() <= kApplication.size() ||
      media_type.compare(0, kApplication.size(), kApplication) != 0) {
    return std::nullopt;
  }
  std::string_view subtype = std::string_view(media_type).substr(kApplication.size());
  ContentType result;
  if (subtype.substr(0, kConnectPrefix.size()) == kConnectPrefix) {
    result.streaming = true;
    subtype.remove_prefix(kConnectPrefix.size());
  }
  result.codec = std::string(subtype);
  return result;
}

std::string FormatContentType(bool streaming, std::string_view codec) {
  std::string out = streaming ? "application/connect+" : "application/";
  out += codec;
  return out;
}

Result<std::chrono::milliseconds> ParseTimeout(std::string_view value) {
  const bool valid =
      !value.empty() && value.size() <= 10 &&
      std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!valid) {
    std::string shown(value.substr(0, 32));
    if (value.size() > shown.size()) shown += "...";
    for (char& c : shown) {
      if (static_cast<unsigned char>(c) < 0x20) c = ' ';
    }
    return Status(Code::kInvalidArgument, "protocol error: invalid connect-timeout-ms \"" + shown +
                                              "\": want 1 to 10 ASCII digits");
  }
  int64_t ms = 0;
  for (char c : value) ms = ms * 10 + (c - '0');
  return std::chrono::milliseconds(ms);
}

// -----------------------------------------------------------------------------------------------
// Error JSON.

std::string ErrorToJson(const Status& status) {
  std::string out;
  AppendErrorJson(status, &out);
  return out;
}

Status ErrorFromJson(std::string_view body, int http_status) {
  const Code http_code = CodeFromHttpStatus(http_status);
  boost::system::error_code ec;
  const json::value parsed = json::parse(json::string_view(body.data(), body.size()), ec);
  if (ec || !parsed.is_object()) {
    return Status(http_code, HttpFallbackMessage(body, http_status));
  }
  WireError wire = ReadErrorObject(parsed.get_object());
  Status status;
  if (wire.code) {
    // A valid code in the body always wins over the HTTP status.
    status = Status(*wire.code, wire.message.value_or(""));
  } else if (wire.message) {
    // A missing or unrecognized code: infer it from the HTTP status but keep the message.
    status = Status(http_code, *wire.message);
  } else {
    return Status(http_code, HttpFallbackMessage(body, http_status));
  }
  for (ErrorDetail& detail : wire.details) status.AddDetail(std::move(detail));
  return status;
}

// -----------------------------------------------------------------------------------------------
// End-stream JSON.

std::string EndStreamToJson(const Status& status, const Headers& trailers) {
  Headers metadata = trailers;
  if (!status.ok()) metadata.Append(status.metadata());
  if (status.ok() && metadata.empty()) return "{}";
  std::string out = "{";
  if (!status.ok()) {
    out.append("\"error\":");
    AppendErrorJson(status, &out);
  }
  if (!metadata.empty()) {
    if (!status.ok()) out.push_back(',');
    out.append("\"metadata\":");
    AppendMetadataJson(metadata, &out);
  }
  out.push_back('}');
  return out;
}

Status ParseEndStream(std::string_view json_text, Headers* trailers) {
  if (trailers != nullptr) trailers->Clear();
  boost::system::error_code ec;
  const json::value parsed = json::parse(json::string_view(json_text.data(), json_text.size()), ec);
  if (ec) return EndStreamError(ec.message());
  if (!parsed.is_object()) return EndStreamError("not a JSON object");
  const json::object& object = parsed.get_object();
  const json::value* error = nullptr;
  Headers metadata;
  for (const auto& member : object) {
    const std::string_view key(member.key().data(), member.key().size());
    if (key == "error") {
      error = &member.value();
    } else if (key == "metadata") {
      const json::value& value = member.value();
      if (value.is_null()) continue;
      if (!value.is_object()) return EndStreamError("metadata is not an object");
      for (const auto& entry : value.get_object()) {
        const std::string_view name(entry.key().data(), entry.key().size());
        if (!IsValidHeaderKey(name)) {
          return EndStreamError("invalid metadata key \"" + std::string(name) + "\"");
        }
        if (!entry.value().is_array()) {
          return EndStreamError("metadata value for \"" + std::string(name) +
                                "\" is not an array of strings");
        }
        for (const json::value& item : entry.value().get_array()) {
          if (!item.is_string()) {
            return EndStreamError("metadata value for \"" + std::string(name) +
                                  "\" is not an array of strings");
          }
          const std::string_view text(item.get_string().data(), item.get_string().size());
          if (!IsValidHeaderValue(text)) {
            return EndStreamError("metadata value for \"" + std::string(name) +
                                  "\" contains control characters");
          }
          metadata.Add(name, text);
        }
      }
    }
    // Readers ignore unknown keys, as with every other Connect JSON object.
  }
  Status result;
  if (error != nullptr && !error->is_null()) {
    if (!error->is_object()) return EndStreamError("error is not an object");
    WireError wire = ReadErrorObject(error->get_object());
    result = Status(wire.code.value_or(Code::kUnknown), wire.message.value_or(""));
    for (ErrorDetail& detail : wire.details) result.AddDetail(std::move(detail));
  }
  if (trailers != nullptr) *trailers = std::move(metadata);
  return result;
}

// -----------------------------------------------------------------------------------------------
// GET requests.

std::string BuildGetQuery(std::string_view codec, std::string_view compression,
                          std::string_view message) {
  const bool compressed = !compression.empty() && compression != kIdentityEncoding;
  const bool use_base64 = compressed || codec != "json";
  std::string out = "connect=v1";
  if (use_base64) out += "&base64=1";
  if (compressed) {
    out += "&compression=";
    out += internal::PercentEncode(compression);
  }
  out += "&encoding=";
  out += internal::PercentEncode(codec);
  out += "&message=";
  out += use_base64 ? Base64UrlEncode(message) : internal::PercentEncode(message);
  return out;
}

Result<GetQuery> ParseGetQuery(std::string_view query) {
  std::optional<std::string> encoding;
  std::optional<std::string> compression;
  std::optional<std::string_view> raw_message;
  bool base64 = false;
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = (amp == std::string_view::npos) ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    const std::string_view raw_key = pair.substr(0, eq);
    const std::string_view raw_value =
        (eq == std::string_view::npos) ? std::string_view() : pair.substr(eq + 1);
    std::optional<std::string> key = internal::PercentDecode(raw_key, /*plus_is_space=*/true);
    if (!key) return Status(Code::kInvalidArgument, "invalid percent-encoding in GET query");
    // As in url.Values.Get, the first occurrence of a parameter wins.
    if (*key == "message") {
      if (!raw_message) raw_message = raw_value;
      continue;
    }
    std::optional<std::string> value = internal::PercentDecode(raw_value, /*plus_is_space=*/true);
    if (!value) {
      return Status(Code::kInvalidArgument,
                    "invalid percent-encoding in GET query parameter \"" + *key + "\"");
    }
    if (*key == "encoding") {
      if (!encoding) encoding = std::move(*value);
    } else if (*key == "compression") {
      if (!compression) compression = std::move(*value);
    } else if (*key == "base64") {
      base64 = (*value == "1");
    }
    // "connect" and unknown parameters are ignored.
  }
  if (!encoding)
    return Status(Code::kInvalidArgument, "missing \"encoding\" parameter in GET query");
  if (!raw_message)
    return Status(Code::kInvalidArgument, "missing \"message\" parameter in GET query");
  GetQuery result;
  result.codec = std::move(*encoding);
  if (compression && *compression != kIdentityEncoding)
    result.compression = std::move(*compression);
  if (base64) {
    // The base64 alphabets contain no space, so a literal '+' is kept: it can only be a
    // standard-alphabet digit from a client that did not escape it.
    std::optional<std::string> text = internal::PercentDecode(*raw_message, /*plus_is_space=*/false);
    std::optional<std::string> bytes = text ? Base64Decode(*text) : std::nullopt;
    if (!bytes) {
      return Status(Code::kInvalidArgument, "invalid base64 in GET query \"message\" parameter");
    }
    result.message = std::move(*bytes);
  } else {
    std::optional<std::string> text = internal::PercentDecode(*raw_message, /*plus_is_space=*/true);
    if (!text) {
      return Status(Code::kInvalidArgument,
                    "invalid percent-encoding in GET query \"message\" parameter");
    }
    result.message = std::move(*text);
  }
  return result;
}

// -----------------------------------------------------------------------------------------------
// Compression negotiation and reserved headers.

std::string_view NegotiateResponseEncoding(std::string_view request_encoding,
                                           std::string_view accept) {
  const std::string_view requested = TrimOptionalWhitespace(request_encoding);
  if (!requested.empty() && FindCompressor(Lowercase(requested)) != nullptr) {
    return kGzipEncoding;
  }
  while (!accept.empty()) {
    const size_t comma = accept.find(',');
    std::string_view token = accept.substr(0, comma);
    accept = (comma == std::string_view::npos) ? std::string_view() : accept.substr(comma + 1);
    if (const size_t semicolon = token.find(';'); semicolon != std::string_view::npos) {
      token = token.substr(0, semicolon);  // q-values are ignored
    }
    token = TrimOptionalWhitespace(token);
    if (AsciiEqualsIgnoreCase(token, kGzipEncoding)) return kGzipEncoding;
    if (AsciiEqualsIgnoreCase(token, kIdentityEncoding)) return kIdentityEncoding;
  }
  return kIdentityEncoding;
}

bool IsReservedHeader(std::string_view key) {
  static constexpr std::array<std::string_view, 11> kReserved = {
      "content-type",
      "content-length",
      "content-encoding",
      "accept-encoding",
      "transfer-encoding",
      "connection",
      "host",
      "te",
      "trailer",
      "upgrade",
      "keep-alive",
  };
  for (std::string_view reserved : kReserved) {
    if (AsciiEqualsIgnoreCase(key, reserved)) return true;
  }
  return internal::AsciiStartsWithIgnoreCase(key, "connect-");
}

// Base64 and JSON strings: the protocol's public names for the general helpers in util/.

std::string Base64Encode(std::string_view bytes) { return internal::Base64Encode(bytes); }

std::string Base64UrlEncode(std::string_view bytes) { return internal::Base64UrlEncode(bytes); }

std::optional<std::string> Base64Decode(std::string_view text) {
  return internal::Base64Decode(text);
}

void AppendJsonString(std::string_view text, std::string* out) {
  internal::AppendJsonString(text, out);
}

}  // namespace connectrpc::protocol
