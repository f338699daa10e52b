// Header-level parsers: Connect-Timeout-Ms, content types, header key/value validation and the
// base64 of "-bin" values.
#include <cstddef>
#include <cstdint>
#include <string>

#include "connectrpc/headers.h"
#include "connectrpc/protocol_connect.h"
#include "tests/fuzz/fuzz_input.h"

namespace {

using connectrpc::fuzz::Check;

void CheckTimeout(std::string_view value) {
  const auto parsed = connectrpc::protocol::ParseTimeout(value);
  bool digits = !value.empty() && value.size() <= 10;
  int64_t expected = 0;
  for (char c : value) {
    digits = digits && c >= '0' && c <= '9';
    if (digits) expected = expected * 10 + (c - '0');
  }
  Check(parsed.ok() == digits, "connect-timeout-ms accepted something other than 1-10 digits");
  if (parsed.ok()) Check(parsed.value().count() == expected, "the timeout's value is wrong");
}

void CheckHeaderValue(std::string_view value) {
  if (connectrpc::IsValidHeaderValue(value)) {
    for (char c : value) {
      Check(c != '\r' && c != '\n' && c != '\0', "a value with CR, LF or NUL is valid");
    }
  }
}

void CheckBase64(std::string_view text) {
  const std::optional<std::string> bytes = connectrpc::protocol::Base64Decode(text);
  if (!bytes) return;
  const std::string standard = connectrpc::protocol::Base64Encode(*bytes);
  const std::string url = connectrpc::protocol::Base64UrlEncode(*bytes);
  Check(connectrpc::protocol::Base64Decode(standard) == bytes, "standard base64 round trip");
  Check(connectrpc::protocol::Base64Decode(url) == bytes, "URL-safe base64 round trip");
  connectrpc::Headers headers;
  headers.AddBinary("x-data-bin", *bytes);
  Check(headers.GetBinary("x-data-bin") == bytes, "a -bin header round trip");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  connectrpc::fuzz::FuzzInput input(data, size);
  const uint8_t which = input.Byte();
  const std::string_view text = input.Rest();
  switch (which % 4) {
    case 0:
      CheckTimeout(text);
      break;
    case 1:
      (void)connectrpc::protocol::ParseContentType(text);
      (void)connectrpc::protocol::NegotiateResponseEncoding(text, text);
      (void)connectrpc::protocol::IsReservedHeader(text);
      break;
    case 2:
      CheckHeaderValue(text);
      (void)connectrpc::IsValidHeaderKey(text);
      break;
    default:
      CheckBase64(text);
      break;
  }
  return 0;
}
