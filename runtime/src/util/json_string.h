// JSON string literals (RFC 8259) written from arbitrary bytes.
#ifndef CONNECTRPC_SRC_UTIL_JSON_STRING_H_
#define CONNECTRPC_SRC_UTIL_JSON_STRING_H_

#include <string>
#include <string_view>

namespace connectrpc::internal {

// Appends `s` as a quoted JSON string. Control characters are escaped, valid UTF-8 passes through
// unchanged, and invalid UTF-8 bytes become U+FFFD so that the output is always valid JSON.
void AppendJsonString(std::string_view s, std::string* out);

// Appends the JSON escape of one ASCII byte that cannot stand as itself in a JSON string: `"`,
// `\`, or a control character (short forms where JSON has them, else \u00XX).
void AppendJsonEscape(unsigned char c, std::string* out);

}  // namespace connectrpc::internal

#endif  // CONNECTRPC_SRC_UTIL_JSON_STRING_H_
