// The validation library's pattern matcher (buf.validate `pattern` rules come from schemas, the
// texts from requests): compiling any pattern and matching any text must neither crash nor
// overflow the stack (deeply nested groups included), and literal patterns must match exactly
// where the text contains them.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "pattern_regex.h"
#include "tests/fuzz/fuzz_input.h"

namespace {

bool IsPlainLiteral(std::string_view pattern) {
  for (char c : pattern) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using connectrpc::fuzz::Check;
  using connectrpc::validate::internal::Regex;
  // The pattern runs up to the first NUL; the text is the rest.
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t nul = input.find('\0');
  const std::string_view pattern = input.substr(0, nul);
  const std::string_view text =
      nul == std::string_view::npos ? std::string_view() : input.substr(nul + 1);

  std::string error;
  const std::unique_ptr<Regex> regex = Regex::Compile(pattern, &error);
  if (regex == nullptr) {
    Check(!error.empty(), "a pattern failed to compile without a reason");
    return 0;
  }
  const bool matched = regex->PartialMatch(text);
  if (IsPlainLiteral(pattern)) {
    Check(matched == (text.find(pattern) != std::string_view::npos),
          "a literal pattern disagrees with a substring search");
    Check(regex->PartialMatch(pattern), "a literal pattern does not match itself");
  }
  return 0;
}
