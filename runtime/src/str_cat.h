// StrCat: concatenates strings, string_views, characters and integers into a std::string.
//
// Debian's Abseil is built with its own absl::string_view (ABSL_OPTION_USE_STD_STRING_VIEW 0), so
// absl::StrCat does not take std::string_view; this helper is the runtime's replacement.
#ifndef CONNECTRPC_SRC_STR_CAT_H_
#define CONNECTRPC_SRC_STR_CAT_H_

#include <charconv>
#include <concepts>
#include <string>
#include <string_view>
#include <type_traits>

namespace connectrpc::internal {

class StrPiece {
 public:
  StrPiece(std::string_view s) : view_(s) {}    // NOLINT(google-explicit-constructor)
  StrPiece(const std::string& s) : view_(s) {}  // NOLINT(google-explicit-constructor)
  StrPiece(const char* s) : view_(s) {}         // NOLINT(google-explicit-constructor)
  StrPiece(char c) : size_(1) {                 // NOLINT(google-explicit-constructor)
    digits_[0] = c;
    view_ = std::string_view(digits_, 1);
  }
  template <typename T>
  requires(std::integral<T> && !std::same_as<T, char> && !std::same_as<T, bool>)
      // NOLINTNEXTLINE(google-explicit-constructor)
      StrPiece(T value) {
    auto result = std::to_chars(digits_, digits_ + sizeof(digits_), value);
    size_ = static_cast<size_t>(result.ptr - digits_);
    view_ = std::string_view(digits_, size_);
  }
  StrPiece(const StrPiece&) = delete;
  StrPiece& operator=(const StrPiece&) = delete;

  std::string_view view() const { return view_; }

 private:
  char digits_[24];
  size_t size_ = 0;
  std::string_view view_;
};

inline void StrAppendPieces(std::string* out, std::initializer_list<std::string_view> pieces) {
  size_t total = out->size();
  for (std::string_view piece : pieces) total += piece.size();
  out->reserve(total);
  for (std::string_view piece : pieces) out->append(piece);
}

template <typename... Args>
std::string StrCat(const Args&... args) {
  std::string out;
  StrAppendPieces(&out, {StrPiece(args).view()...});
  return out;
}

template <typename... Args>
void StrAppend(std::string* out, const Args&... args) {
  StrAppendPieces(out, {StrPiece(args).view()...});
}

}  // namespace connectrpc::internal

#endif  // CONNECTRPC_SRC_STR_CAT_H_
