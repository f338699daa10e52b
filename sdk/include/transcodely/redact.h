// Redaction of secrets (API keys, Authorization values, webhook secrets) before text reaches a
// log line. Used by the SDK's logger (logging.h) and by the sandbox's request log.
//
//   RedactAuthorization("Bearer ak_live_AbCdEf1234567890GhIjKlMnOpQrStUv")
//       == "Bearer ak_live_…StUv"
//   RedactSecrets("bad key ak_test_0123456789abcdefXYZW") == "bad key ak_test_…XYZW"
//
// An API key keeps its prefix and last four characters (the key_hint the API itself returns,
// wire contract §API keys); a key too short for that, a webhook secret and any credential of
// another form become "[redacted]".
#ifndef TRANSCODELY_REDACT_H_
#define TRANSCODELY_REDACT_H_

#include <string>
#include <string_view>

namespace transcodely {

inline constexpr std::string_view kRedacted = "[redacted]";

// "ak_live_…StUv" for an API key; "ak_live_[redacted]" when the part after the prefix is too
// short for its last four characters to say nothing of the rest; "[redacted]" for anything else.
std::string RedactApiKey(std::string_view key);

// An Authorization header value: "Bearer " + RedactApiKey(token) for a bearer token, the scheme
// and "[redacted]" for another scheme, "[redacted]" for a value of no recognised shape.
std::string RedactAuthorization(std::string_view value);

// True for headers whose whole value is a credential (authorization, proxy-authorization,
// cookie, set-cookie, x-api-key); `name` in any case.
bool IsCredentialHeader(std::string_view name);

// A header value as it may be logged: RedactAuthorization for authorization, "[redacted]" for the
// other credential headers, RedactSecrets for the rest.
std::string RedactHeaderValue(std::string_view name, std::string_view value);

// `text` with every API-key-shaped token (ak_live_ / ak_test_ followed by letters and digits)
// replaced by RedactApiKey of it and every webhook secret (whsec_...) by "whsec_[redacted]".
std::string RedactSecrets(std::string_view text);

}  // namespace transcodely

#endif  // TRANSCODELY_REDACT_H_
