// Webhook signatures (HMAC-SHA256 over "t.payload") and the event envelope.
#include "transcodely/webhook.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

namespace transcodely {
namespace {

namespace json = boost::json;

connectrpc::Status Invalid(std::string message) {
  return connectrpc::Status(connectrpc::Code::kInvalidArgument,
                            "transcodely: webhook: " + std::move(message));
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

char LowerAscii(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

struct SignatureHeader {
  std::optional<std::string_view> timestamp;
  std::vector<std::string> signatures;
};

SignatureHeader ParseHeader(std::string_view header) {
  SignatureHeader parsed;
  while (true) {
    const size_t comma = header.find(',');
    std::string_view part = Trim(header.substr(0, comma));
    const size_t equals = part.find('=');
    if (equals != std::string_view::npos) {
      std::string_view key = Trim(part.substr(0, equals));
      std::string_view value = Trim(part.substr(equals + 1));
      if (key == "t" && !parsed.timestamp) {
        parsed.timestamp = value;
      } else if (key == "v1") {
        std::string candidate(value);
        for (char& c : candidate) c = LowerAscii(c);
        parsed.signatures.push_back(std::move(candidate));
      }
    }
    if (comma == std::string_view::npos) break;
    header.remove_prefix(comma + 1);
  }
  return parsed;
}

std::optional<int64_t> ParseInteger(std::string_view text) {
  int64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, error] = std::from_chars(text.data(), end, value);
  if (text.empty() || error != std::errc() || ptr != end) return std::nullopt;
  return value;
}

}  // namespace

std::string ComputeWebhookSignature(std::string_view secret, int64_t timestamp,
                                    std::string_view payload) {
  std::string message = std::to_string(timestamp);
  message.push_back('.');
  message.append(payload);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
           reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest,
           &length) == nullptr) {
    return {};
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(static_cast<size_t>(length) * 2);
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0x0f]);
  }
  return hex;
}

connectrpc::Status VerifyWebhookSignature(
    std::string_view payload, std::string_view signature_header,
    const std::vector<std::string>& secrets, std::chrono::seconds tolerance,
    std::optional<std::chrono::system_clock::time_point> now) {
  if (secrets.empty()) return Invalid("no webhook secret configured");
  // HMAC with an empty key is a key everyone knows: an unset TRANSCODELY_WEBHOOK_SECRET must not
  // make forged events verify.
  for (const std::string& secret : secrets) {
    if (secret.empty()) return Invalid("a configured webhook secret is empty");
  }
  if (Trim(signature_header).empty()) return Invalid("missing signature header");
  SignatureHeader header = ParseHeader(signature_header);
  if (!header.timestamp) return Invalid("signature header has no timestamp (t=)");
  if (header.signatures.empty()) return Invalid("signature header has no v1 signature");
  std::optional<int64_t> timestamp = ParseInteger(*header.timestamp);
  if (!timestamp) return Invalid("signature timestamp is not an integer");
  const int64_t now_seconds = std::chrono::duration_cast<std::chrono::seconds>(
                                  now.value_or(std::chrono::system_clock::now()).time_since_epoch())
                                  .count();
  // Unsigned distance, so that extreme timestamps cannot overflow.
  const uint64_t distance =
      *timestamp > now_seconds
          ? static_cast<uint64_t>(*timestamp) - static_cast<uint64_t>(now_seconds)
          : static_cast<uint64_t>(now_seconds) - static_cast<uint64_t>(*timestamp);
  if (tolerance.count() >= 0 && distance > static_cast<uint64_t>(tolerance.count())) {
    return Invalid("signature timestamp is outside the tolerance of " +
                   std::to_string(tolerance.count()) + " s");
  }
  for (const std::string& secret : secrets) {
    const std::string expected = ComputeWebhookSignature(secret, *timestamp, payload);
    if (expected.empty()) continue;
    for (const std::string& candidate : header.signatures) {
      if (candidate.size() == expected.size() &&
          CRYPTO_memcmp(candidate.data(), expected.data(), expected.size()) == 0) {
        return connectrpc::Status();
      }
    }
  }
  return Invalid("no signature matches the payload");
}

connectrpc::Result<WebhookEvent> ParseWebhookEvent(std::string_view payload) {
  std::error_code error;
  json::value value = json::parse(payload, error);
  if (error || !value.is_object()) return Invalid("payload is not a JSON object");
  const json::object& object = value.get_object();
  WebhookEvent event;
  auto required_string = [&object](std::string_view key, std::string* out) {
    const json::value* field = object.if_contains(key);
    if (field == nullptr || !field->is_string() || field->get_string().empty()) return false;
    *out = std::string(field->get_string());
    return true;
  };
  if (!required_string("id", &event.id)) return Invalid("event has no id");
  if (!required_string("object", &event.object) || event.object != "event") {
    return Invalid("event object is not \"event\"");
  }
  if (!required_string("type", &event.type)) return Invalid("event has no type");
  if (!required_string("api_version", &event.api_version)) {
    return Invalid("event has no api_version");
  }
  if (!required_string("created", &event.created)) return Invalid("event has no created time");
  const json::value* data = object.if_contains("data");
  if (data == nullptr || !data->is_object()) return Invalid("event data is not an object");
  event.data = json::serialize(*data);
  if (const json::value* pending = object.if_contains("pending_webhooks"); pending != nullptr) {
    if (pending->is_int64()) {
      event.pending_webhooks = pending->get_int64();
    } else if (pending->is_uint64()) {
      event.pending_webhooks = static_cast<int64_t>(pending->get_uint64());
    } else if (!pending->is_null()) {
      return Invalid("event pending_webhooks is not an integer");
    }
  }
  if (const json::value* request = object.if_contains("request");
      request != nullptr && !request->is_null()) {
    if (!request->is_object()) return Invalid("event request is not an object");
    const json::object& fields = request->get_object();
    if (const json::value* id = fields.if_contains("id"); id != nullptr && !id->is_null()) {
      if (!id->is_string() || id->get_string().empty()) {
        return Invalid("event request.id is not a non-empty string");
      }
      event.request_id = std::string(id->get_string());
    }
    if (const json::value* key = fields.if_contains("idempotency_key");
        key != nullptr && !key->is_null()) {
      if (!key->is_string()) return Invalid("event request.idempotency_key is not a string");
      event.idempotency_key = std::string(key->get_string());
    }
  }
  return event;
}

connectrpc::Result<WebhookEvent> ConstructEvent(
    std::string_view payload, std::string_view signature_header,
    const std::vector<std::string>& secrets, std::chrono::seconds tolerance,
    std::optional<std::chrono::system_clock::time_point> now) {
  connectrpc::Status verified =
      VerifyWebhookSignature(payload, signature_header, secrets, tolerance, now);
  if (!verified.ok()) return verified;
  return ParseWebhookEvent(payload);
}

}  // namespace transcodely
