// A small regular-expression matcher for the RE2 syntax subset that protovalidate `pattern` rules
// use: literals, `.`, classes (`[a-z0-9._-]`, `[^...]`, `\d \w \s` and their negations),
// groups (`(...)`, `(?:...)`), alternation, the quantifiers `* + ? {n} {n,} {n,m}` (lazy forms
// accepted, they do not change whether a match exists) and the anchors `^ $ \A \z`.
//
// Matching is a Pike VM over UTF-8 code points: linear in the input, no recursion, no
// backtracking, so long inputs are safe. Like RE2 (and unlike std::regex_search), `$` matches
// only at the very end of the text and `.` does not match "\n".
#ifndef CONNECTRPC_VALIDATE_SRC_PATTERN_REGEX_H_
#define CONNECTRPC_VALIDATE_SRC_PATTERN_REGEX_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace connectrpc::validate::internal {

class Regex {
 public:
  // Compiles `pattern`; on failure returns nullptr and sets `*error` (if not null).
  static std::unique_ptr<Regex> Compile(std::string_view pattern, std::string* error);

  // True if the regex matches anywhere in `text` (RE2::PartialMatch semantics).
  bool PartialMatch(std::string_view text) const;

  struct Inst {
    enum class Op { kClass, kSplit, kJmp, kBegin, kEnd, kMatch };
    Op op = Op::kMatch;
    int x = 0;  // kSplit/kJmp: target; kSplit: preferred branch
    int y = 0;  // kSplit: other branch
    bool negated = false;
    std::vector<std::pair<uint32_t, uint32_t>> ranges;  // kClass: inclusive ranges
  };

 private:
  Regex() = default;
  std::vector<Inst> prog_;
};

}  // namespace connectrpc::validate::internal

#endif  // CONNECTRPC_VALIDATE_SRC_PATTERN_REGEX_H_
