// UTF-8 validation (RFC 3629: no overlong forms, no surrogates, nothing beyond U+10FFFF).
#ifndef CONNECTRPC_SRC_UTIL_UTF8_H_
#define CONNECTRPC_SRC_UTIL_UTF8_H_

#include <cstddef>
#include <string_view>

namespace connectrpc::internal {

// Length of the valid UTF-8 sequence starting at s[i] (i < s.size()), or 0 if the bytes there
// are not valid UTF-8.
size_t Utf8SequenceLength(std::string_view s, size_t i);

}  // namespace connectrpc::internal

#endif  // CONNECTRPC_SRC_UTIL_UTF8_H_
