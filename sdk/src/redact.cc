// Redaction of secrets for log lines.
#include "transcodely/redact.h"

#include <array>
#include <string>
#include <string_view>

namespace transcodely {
namespace {

constexpr std::array<std::string_view, 2> kApiKeyPrefixes = {"ak_live_", "ak_test_"};
constexpr std::string_view kWebhookSecretPrefix = "whsec_";
// Below this many characters after the prefix, the last four would give away too much of it.
constexpr size_t kMinimumHintedSuffix = 16;
constexpr size_t kHintLength = 4;

// Characters that may continue a secret: a presented key need not be well formed, so this is
// wider than the base62 of minted keys.
bool IsTokenChar(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         c == '-';
}

bool IsSchemeChar(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

char LowerAscii(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (LowerAscii(a[i]) != LowerAscii(b[i])) return false;
  }
  return true;
}

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsBlank(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsBlank(s.back())) s.remove_suffix(1);
  return s;
}

// The API key prefix `text` starts with, or empty.
std::string_view ApiKeyPrefixOf(std::string_view text) {
  for (std::string_view prefix : kApiKeyPrefixes) {
    if (text.starts_with(prefix)) return prefix;
  }
  return {};
}

}  // namespace

std::string RedactApiKey(std::string_view key) {
  std::string_view prefix = ApiKeyPrefixOf(key);
  if (prefix.empty()) return std::string(kRedacted);
  std::string_view rest = key.substr(prefix.size());
  for (char c : rest) {
    if (!IsTokenChar(c)) return std::string(kRedacted);
  }
  std::string out(prefix);
  if (rest.empty()) return out;  // the bare prefix is public
  if (rest.size() < kMinimumHintedSuffix) {
    out.append(kRedacted);
    return out;
  }
  out.append("…");
  out.append(rest.substr(rest.size() - kHintLength));
  return out;
}

std::string RedactAuthorization(std::string_view value) {
  value = Trim(value);
  size_t scheme_end = 0;
  while (scheme_end < value.size() && IsSchemeChar(value[scheme_end])) ++scheme_end;
  // A scheme is letters followed by a blank and credentials; anything else may be a bare secret.
  if (scheme_end == 0 || scheme_end == value.size() || !IsBlank(value[scheme_end])) {
    return std::string(kRedacted);
  }
  std::string_view scheme = value.substr(0, scheme_end);
  std::string_view credentials = Trim(value.substr(scheme_end));
  std::string out(scheme);
  out.push_back(' ');
  if (EqualsIgnoreCase(scheme, "bearer")) {
    out.append(RedactApiKey(credentials));
  } else {
    out.append(kRedacted);
  }
  return out;
}

bool IsCredentialHeader(std::string_view name) {
  constexpr std::array<std::string_view, 5> kCredentialHeaders = {
      "authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key"};
  for (std::string_view header : kCredentialHeaders) {
    if (EqualsIgnoreCase(name, header)) return true;
  }
  return false;
}

std::string RedactHeaderValue(std::string_view name, std::string_view value) {
  if (EqualsIgnoreCase(name, "authorization")) return RedactAuthorization(value);
  if (IsCredentialHeader(name)) return std::string(kRedacted);
  return RedactSecrets(value);
}

std::string RedactSecrets(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    std::string_view rest = text.substr(i);
    std::string_view prefix = ApiKeyPrefixOf(rest);
    const bool webhook = prefix.empty() && rest.starts_with(kWebhookSecretPrefix);
    if (webhook) prefix = kWebhookSecretPrefix;
    if (prefix.empty()) {
      out.push_back(text[i]);
      ++i;
      continue;
    }
    size_t end = prefix.size();
    while (end < rest.size() && IsTokenChar(rest[end])) ++end;
    if (end == prefix.size()) {
      out.append(prefix);  // a bare prefix is public
    } else if (webhook) {
      out.append(prefix);
      out.append(kRedacted);
    } else {
      out.append(RedactApiKey(rest.substr(0, end)));
    }
    i += end;
  }
  return out;
}

}  // namespace transcodely
