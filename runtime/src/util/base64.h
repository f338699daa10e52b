// Base64 (RFC 4648): encoding without padding in the standard or URL-safe alphabet; decoding
// accepts either alphabet, padded or not.
#ifndef CONNECTRPC_SRC_UTIL_BASE64_H_
#define CONNECTRPC_SRC_UTIL_BASE64_H_

#include <optional>
#include <string>
#include <string_view>

namespace connectrpc::internal {

std::string Base64Encode(std::string_view bytes);
std::string Base64UrlEncode(std::string_view bytes);
// nullopt for a character outside both alphabets, misplaced padding or an impossible length.
std::optional<std::string> Base64Decode(std::string_view text);

}  // namespace connectrpc::internal

#endif  // CONNECTRPC_SRC_UTIL_BASE64_H_
