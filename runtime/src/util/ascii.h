// Small ASCII helpers shared by the transport and protocol layers (HTTP field names and tokens
// are ASCII and case-insensitive).
#ifndef CONNECTRPC_SRC_UTIL_ASCII_H_
#define CONNECTRPC_SRC_UTIL_ASCII_H_

#include <string_view>

namespace connectrpc::internal {

constexpr char AsciiToLower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

constexpr bool AsciiEqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (AsciiToLower(a[i]) != AsciiToLower(b[i])) return false;
  }
  return true;
}

constexpr bool AsciiStartsWithIgnoreCase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && AsciiEqualsIgnoreCase(text.substr(0, prefix.size()), prefix);
}

// Strips spaces and horizontal tabs (HTTP's optional whitespace) from both ends.
constexpr std::string_view TrimOptionalWhitespace(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace connectrpc::internal

#endif  // CONNECTRPC_SRC_UTIL_ASCII_H_
