// Percent-encoding (RFC 3986) of URL query components.
#ifndef CONNECTRPC_SRC_UTIL_PERCENT_ENCODING_H_
#define CONNECTRPC_SRC_UTIL_PERCENT_ENCODING_H_

#include <optional>
#include <string>
#include <string_view>

namespace connectrpc::internal {

// Escapes every byte except the unreserved characters A-Z a-z 0-9 - . _ ~ as %XX.
std::string PercentEncode(std::string_view s);
// Decodes %XX escapes; '+' becomes a space when `plus_is_space` (form encoding). nullopt for a
// truncated or non-hex escape.
std::optional<std::string> PercentDecode(std::string_view s, bool plus_is_space);

}  // namespace connectrpc::internal

#endif  // CONNECTRPC_SRC_UTIL_PERCENT_ENCODING_H_
