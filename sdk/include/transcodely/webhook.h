// Webhook signature verification and event parsing (wire contract §8).
//
//   connectrpc::Result<transcodely::WebhookEvent> event = transcodely::ConstructEvent(
//       raw_body, request.header("Transcodely-Signature"), {secret});
//   if (!event.ok()) return 400;
//   if (event->type == "job.succeeded") ...
//
// Header: "t=<unix seconds>,v1=<hex>[,v1=<hex>...]". v1 = lowercase hex of
// HMAC-SHA256(secret bytes including "whsec_", t + "." + payload). Valid if any v1 matches any
// secret (constant-time) and |now - t| <= tolerance.
#ifndef TRANSCODELY_WEBHOOK_H_
#define TRANSCODELY_WEBHOOK_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "connectrpc/result.h"
#include "connectrpc/status.h"

namespace transcodely {

inline constexpr std::string_view kWebhookSignatureHeader = "Transcodely-Signature";
inline constexpr std::string_view kWebhookIdHeader = "Webhook-Id";
inline constexpr std::chrono::seconds kDefaultWebhookTolerance{300};

// The lowercase hex v1 signature of `payload` signed at `timestamp` with `secret`.
std::string ComputeWebhookSignature(std::string_view secret, int64_t timestamp,
                                    std::string_view payload);

// OK if the header carries a valid signature; otherwise kInvalidArgument with a message naming
// the problem (missing timestamp, no v1 signature, bad timestamp, outside the tolerance, no
// matching signature, no secrets, an empty secret). `now` defaults to the system clock.
connectrpc::Status VerifyWebhookSignature(
    std::string_view payload, std::string_view signature_header,
    const std::vector<std::string>& secrets,
    std::chrono::seconds tolerance = kDefaultWebhookTolerance,
    std::optional<std::chrono::system_clock::time_point> now = std::nullopt);

// The event envelope. `data` is the raw JSON text of the "data" object (in the Transcodely JSON
// dialect; parse it into v1::Job, v1::Video, ... with DialectCodec() according to `type`).
struct WebhookEvent {
  std::string id;           // "evt_..."
  std::string object;       // "event"
  std::string type;         // "job.succeeded"
  std::string api_version;  // "2026-05-23"
  std::string created;      // RFC 3339
  std::string data;         // raw JSON object
  std::optional<int64_t> pending_webhooks;
  std::optional<std::string> request_id;       // request.id; nullopt when null or absent
  std::optional<std::string> idempotency_key;  // request.idempotency_key
};

// Parses an envelope without verifying it. kInvalidArgument if the JSON or a required field is
// missing or malformed.
connectrpc::Result<WebhookEvent> ParseWebhookEvent(std::string_view payload);

// Verifies the signature, then parses the envelope.
connectrpc::Result<WebhookEvent> ConstructEvent(
    std::string_view payload, std::string_view signature_header,
    const std::vector<std::string>& secrets,
    std::chrono::seconds tolerance = kDefaultWebhookTolerance,
    std::optional<std::chrono::system_clock::time_point> now = std::nullopt);

}  // namespace transcodely

#endif  // TRANSCODELY_WEBHOOK_H_
