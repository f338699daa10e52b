#include "pattern_regex.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <utility>

namespace connectrpc::validate::internal {
namespace {

using Ranges = std::vector<std::pair<uint32_t, uint32_t>>;
constexpr uint32_t kMaxRune = 0x10FFFF;
constexpr int kMaxRepeat = 1000;
constexpr size_t kMaxProgram = 100000;

std::vector<uint32_t> DecodeUtf8(std::string_view s) {
  std::vector<uint32_t> out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    int extra = 0;
    uint32_t cp = 0;
    if (b < 0x80) {
      cp = b;
    } else if ((b & 0xE0) == 0xC0) {
      extra = 1;
      cp = b & 0x1F;
    } else if ((b & 0xF0) == 0xE0) {
      extra = 2;
      cp = b & 0x0F;
    } else if ((b & 0xF8) == 0xF0) {
      extra = 3;
      cp = b & 0x07;
    } else {
      out.push_back(0xFFFD);
      ++i;
      continue;
    }
    bool ok = true;
    for (int k = 1; k <= extra; ++k) {
      if (i + k >= s.size() || (static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) {
        ok = false;
        break;
      }
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    }
    if (!ok) {
      out.push_back(0xFFFD);
      ++i;
      continue;
    }
    out.push_back(cp);
    i += extra + 1;
  }
  return out;
}

struct Node {
  enum class Kind { kEmpty, kClass, kConcat, kAlt, kRepeat, kBegin, kEnd };
  Kind kind = Kind::kEmpty;
  Ranges ranges;
  bool negated = false;
  std::vector<Node> kids;
  int min = 0;
  int max = 0;  // -1: unbounded
};

Ranges Complement(Ranges r) {
  std::sort(r.begin(), r.end());
  Ranges out;
  uint32_t next = 0;
  for (const auto& [lo, hi] : r) {
    if (lo > next) out.emplace_back(next, lo - 1);
    if (hi + 1 > next) next = hi + 1;
  }
  if (next <= kMaxRune) out.emplace_back(next, kMaxRune);
  return out;
}

Node ClassNode(Ranges ranges, bool negated = false) {
  Node n;
  n.kind = Node::Kind::kClass;
  n.ranges = std::move(ranges);
  n.negated = negated;
  return n;
}

bool IsAsciiAlnum(uint32_t c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

int HexValue(uint32_t c) {
  if (c >= '0' && c <= '9') return static_cast<int>(c - '0');
  if (c >= 'a' && c <= 'f') return static_cast<int>(c - 'a' + 10);
  if (c >= 'A' && c <= 'F') return static_cast<int>(c - 'A' + 10);
  return -1;
}

class Parser {
 public:
  explicit Parser(std::vector<uint32_t> cps) : cps_(std::move(cps)) {}

  bool Parse(Node* out, std::string* error) {
    *out = ParseAlt();
    if (ok_ && pos_ != cps_.size()) Fail("unexpected )");
    if (!ok_ && error != nullptr) *error = error_;
    return ok_;
  }

 private:
  bool AtEnd() const { return pos_ >= cps_.size(); }
  uint32_t Peek(size_t ahead = 0) const {
    return pos_ + ahead < cps_.size() ? cps_[pos_ + ahead] : 0xFFFFFFFF;
  }
  void Fail(const char* why) {
    if (ok_) error_ = why;
    ok_ = false;
    pos_ = cps_.size();
  }

  Node ParseAlt() {
    Node alt;
    alt.kind = Node::Kind::kAlt;
    alt.kids.push_back(ParseConcat());
    while (ok_ && Peek() == '|') {
      ++pos_;
      alt.kids.push_back(ParseConcat());
    }
    if (alt.kids.size() == 1) return std::move(alt.kids[0]);
    return alt;
  }

  Node ParseConcat() {
    Node cat;
    cat.kind = Node::Kind::kConcat;
    while (ok_ && !AtEnd() && Peek() != '|' && Peek() != ')') {
      Node atom = ParseAtom();
      if (!ok_) break;
      int min = 0;
      int max = 0;
      if (ParseQuantifier(&min, &max)) {
        if (Peek() == '?') ++pos_;  // lazy: same match/no-match answer
        if (Peek() == '*' || Peek() == '+' || Peek() == '?') {
          Fail("bad repetition operator");
          break;
        }
        Node rep;
        rep.kind = Node::Kind::kRepeat;
        rep.min = min;
        rep.max = max;
        rep.kids.push_back(std::move(atom));
        atom = std::move(rep);
      }
      cat.kids.push_back(std::move(atom));
    }
    return cat;
  }

  // Consumes a quantifier if one follows. A `{` that does not start a valid repetition is left
  // in place and later read as a literal, as RE2 does.
  bool ParseQuantifier(int* min, int* max) {
    const uint32_t c = Peek();
    if (c == '*' || c == '+' || c == '?') {
      ++pos_;
      *min = c == '+' ? 1 : 0;
      *max = c == '?' ? 1 : -1;
      return true;
    }
    if (c != '{') return false;
    size_t p = pos_ + 1;
    auto read_int = [&](int* v) {
      const size_t start = p;
      int64_t value = 0;
      while (p < cps_.size() && cps_[p] >= '0' && cps_[p] <= '9') {
        value = value * 10 + (cps_[p] - '0');
        if (value > 100000) value = 100000;
        ++p;
      }
      *v = static_cast<int>(value);
      return p > start;
    };
    int lo = 0;
    int hi = 0;
    if (!read_int(&lo)) return false;
    if (p < cps_.size() && cps_[p] == ',') {
      ++p;
      if (!read_int(&hi)) hi = -1;
    } else {
      hi = lo;
    }
    if (p >= cps_.size() || cps_[p] != '}') return false;
    pos_ = p + 1;
    if (lo > kMaxRepeat || hi > kMaxRepeat || (hi != -1 && hi < lo)) {
      Fail("bad repetition operator");
      return false;
    }
    *min = lo;
    *max = hi;
    return true;
  }

  Node ParseAtom() {
    const uint32_t c = cps_[pos_++];
    switch (c) {
      case '(': {
        if (Peek() == '?') {
          if (Peek(1) == ':') {
            pos_ += 2;
          } else {
            Fail("unsupported group flags");
            return {};
          }
        }
        // Parsing, compiling and freeing the tree recurse once per level of nesting.
        if (++depth_ > kMaxNesting) {
          Fail("groups nested too deeply");
          return {};
        }
        Node inner = ParseAlt();
        --depth_;
        if (!ok_) return {};
        if (Peek() != ')') {
          Fail("missing )");
          return {};
        }
        ++pos_;
        return inner;
      }
      case '[':
        return ParseClass();
      case '.':
        return ClassNode({{0, '\n' - 1}, {'\n' + 1, kMaxRune}});
      case '^': {
        Node n;
        n.kind = Node::Kind::kBegin;
        return n;
      }
      case '$': {
        Node n;
        n.kind = Node::Kind::kEnd;
        return n;
      }
      case '*':
      case '+':
      case '?':
        Fail("missing argument to repetition operator");
        return {};
      case '\\':
        return ParseEscape(/*in_class=*/false);
      default:
        return ClassNode({{c, c}});
    }
  }

  // After a backslash. In a class, \A and \z are errors.
  Node ParseEscape(bool in_class) {
    if (AtEnd()) {
      Fail("trailing \\");
      return {};
    }
    const uint32_t c = cps_[pos_++];
    static const Ranges kDigit = {{'0', '9'}};
    static const Ranges kWord = {{'0', '9'}, {'A', 'Z'}, {'_', '_'}, {'a', 'z'}};
    static const Ranges kSpace = {{'\t', '\n'}, {'\f', '\r'}, {' ', ' '}};
    switch (c) {
      case 'd':
        return ClassNode(kDigit);
      case 'D':
        return ClassNode(Complement(kDigit));
      case 'w':
        return ClassNode(kWord);
      case 'W':
        return ClassNode(Complement(kWord));
      case 's':
        return ClassNode(kSpace);
      case 'S':
        return ClassNode(Complement(kSpace));
      case 'n':
        return ClassNode({{'\n', '\n'}});
      case 't':
        return ClassNode({{'\t', '\t'}});
      case 'r':
        return ClassNode({{'\r', '\r'}});
      case 'f':
        return ClassNode({{'\f', '\f'}});
      case 'v':
        return ClassNode({{'\v', '\v'}});
      case 'x': {
        uint32_t value = 0;
        if (Peek() == '{') {
          ++pos_;
          int digits = 0;
          while (!AtEnd() && HexValue(Peek()) >= 0 && digits < 8) {
            value = value * 16 + static_cast<uint32_t>(HexValue(cps_[pos_++]));
            ++digits;
          }
          if (digits == 0 || Peek() != '}' || value > kMaxRune) {
            Fail("bad \\x escape");
            return {};
          }
          ++pos_;
        } else {
          if (HexValue(Peek()) < 0 || HexValue(Peek(1)) < 0) {
            Fail("bad \\x escape");
            return {};
          }
          value = static_cast<uint32_t>(HexValue(Peek()) * 16 + HexValue(Peek(1)));
          pos_ += 2;
        }
        return ClassNode({{value, value}});
      }
      case 'A':
      case 'z': {
        if (in_class) break;
        Node n;
        n.kind = c == 'A' ? Node::Kind::kBegin : Node::Kind::kEnd;
        return n;
      }
      default:
        if (c < 0x80 && !IsAsciiAlnum(c)) return ClassNode({{c, c}});
        break;
    }
    Fail("invalid escape sequence");
    return {};
  }

  Node ParseClass() {
    bool negated = false;
    if (Peek() == '^') {
      negated = true;
      ++pos_;
    }
    Ranges ranges;
    bool first = true;
    while (ok_) {
      if (AtEnd()) {
        Fail("missing ]");
        return {};
      }
      uint32_t c = Peek();
      if (c == ']' && !first) {
        ++pos_;
        break;
      }
      first = false;
      ++pos_;
      uint32_t lo = c;
      if (c == '\\') {
        Node esc = ParseEscape(/*in_class=*/true);
        if (!ok_) return {};
        const Ranges r = esc.negated ? Complement(esc.ranges) : esc.ranges;
        if (r.size() != 1 || r[0].first != r[0].second) {  // \d, \w, ...: no ranges
          ranges.insert(ranges.end(), r.begin(), r.end());
          continue;
        }
        lo = r[0].first;
      }
      uint32_t hi = lo;
      if (Peek() == '-' && Peek(1) != ']' && pos_ + 1 < cps_.size()) {
        ++pos_;
        hi = cps_[pos_++];
        if (hi == '\\') {
          Node esc = ParseEscape(/*in_class=*/true);
          if (!ok_) return {};
          if (esc.ranges.size() != 1 || esc.ranges[0].first != esc.ranges[0].second) {
            Fail("bad character class range");
            return {};
          }
          hi = esc.ranges[0].first;
        }
        if (hi < lo) {
          Fail("bad character class range");
          return {};
        }
      }
      ranges.emplace_back(lo, hi);
    }
    return ClassNode(std::move(ranges), negated);
  }

  // As RE2 allows: enough for any real pattern, and a bounded stack for any input.
  static constexpr int kMaxNesting = 1000;

  std::vector<uint32_t> cps_;
  size_t pos_ = 0;
  int depth_ = 0;
  bool ok_ = true;
  std::string error_;
};

using Inst = Regex::Inst;

bool Emit(const Node& n, std::vector<Inst>* prog) {
  if (prog->size() > kMaxProgram) return false;
  auto push = [&](Inst::Op op) {
    prog->emplace_back();
    prog->back().op = op;
    return static_cast<int>(prog->size() - 1);
  };
  switch (n.kind) {
    case Node::Kind::kEmpty:
      return true;
    case Node::Kind::kClass: {
      const int pc = push(Inst::Op::kClass);
      (*prog)[pc].ranges = n.ranges;
      (*prog)[pc].negated = n.negated;
      return true;
    }
    case Node::Kind::kBegin:
      push(Inst::Op::kBegin);
      return true;
    case Node::Kind::kEnd:
      push(Inst::Op::kEnd);
      return true;
    case Node::Kind::kConcat:
      for (const Node& kid : n.kids) {
        if (!Emit(kid, prog)) return false;
      }
      return true;
    case Node::Kind::kAlt: {
      std::vector<int> jumps;
      for (size_t i = 0; i + 1 < n.kids.size(); ++i) {
        const int split = push(Inst::Op::kSplit);
        (*prog)[split].x = split + 1;
        if (!Emit(n.kids[i], prog)) return false;
        jumps.push_back(push(Inst::Op::kJmp));
        (*prog)[split].y = static_cast<int>(prog->size());
      }
      if (!Emit(n.kids.back(), prog)) return false;
      for (int j : jumps) (*prog)[j].x = static_cast<int>(prog->size());
      return true;
    }
    case Node::Kind::kRepeat: {
      for (int i = 0; i < n.min; ++i) {
        if (!Emit(n.kids[0], prog)) return false;
      }
      if (n.max == -1) {
        const int split = push(Inst::Op::kSplit);
        (*prog)[split].x = split + 1;
        if (!Emit(n.kids[0], prog)) return false;
        const int jmp = push(Inst::Op::kJmp);
        (*prog)[jmp].x = split;
        (*prog)[split].y = static_cast<int>(prog->size());
        return true;
      }
      std::vector<int> splits;
      for (int i = n.min; i < n.max; ++i) {
        const int split = push(Inst::Op::kSplit);
        (*prog)[split].x = split + 1;
        splits.push_back(split);
        if (!Emit(n.kids[0], prog)) return false;
      }
      for (int s : splits) (*prog)[s].y = static_cast<int>(prog->size());
      return true;
    }
  }
  return false;
}

bool ClassMatches(const Inst& inst, uint32_t c) {
  bool in = false;
  for (const auto& [lo, hi] : inst.ranges) {
    if (c >= lo && c <= hi) {
      in = true;
      break;
    }
  }
  return in != inst.negated;
}

}  // namespace

std::unique_ptr<Regex> Regex::Compile(std::string_view pattern,
                                                        std::string* error) {
  Node root;
  Parser parser(DecodeUtf8(pattern));
  if (!parser.Parse(&root, error)) return nullptr;
  std::unique_ptr<Regex> re(new Regex());
  if (!Emit(root, &re->prog_)) {
    if (error != nullptr) *error = "pattern too large";
    return nullptr;
  }
  re->prog_.emplace_back();
  re->prog_.back().op = Inst::Op::kMatch;
  return re;
}

bool Regex::PartialMatch(std::string_view text) const {
  const std::vector<uint32_t> cps = DecodeUtf8(text);
  const size_t len = cps.size();
  std::vector<size_t> mark(prog_.size(), static_cast<size_t>(-1));
  std::vector<int> clist;
  std::vector<int> nlist;
  std::vector<int> stack;
  // Follows empty transitions from `start` at position `pos`; class instructions reached are
  // appended to `list`. Returns true if kMatch is reachable.
  auto add = [&](std::vector<int>* list, int start, size_t pos) {
    stack.assign(1, start);
    while (!stack.empty()) {
      const int pc = stack.back();
      stack.pop_back();
      if (mark[pc] == pos) continue;
      mark[pc] = pos;
      const Inst& inst = prog_[pc];
      switch (inst.op) {
        case Inst::Op::kJmp:
          stack.push_back(inst.x);
          break;
        case Inst::Op::kSplit:
          stack.push_back(inst.y);
          stack.push_back(inst.x);
          break;
        case Inst::Op::kBegin:
          if (pos == 0) stack.push_back(pc + 1);
          break;
        case Inst::Op::kEnd:
          if (pos == len) stack.push_back(pc + 1);
          break;
        case Inst::Op::kMatch:
          return true;
        case Inst::Op::kClass:
          list->push_back(pc);
          break;
      }
    }
    return false;
  };
  for (size_t pos = 0;; ++pos) {
    if (add(&clist, 0, pos)) return true;  // unanchored search: a new thread at every position
    if (pos == len) return false;
    nlist.clear();
    const uint32_t c = cps[pos];
    for (int pc : clist) {
      if (ClassMatches(prog_[pc], c) && add(&nlist, pc + 1, pos + 1)) return true;
    }
    std::swap(clist, nlist);
  }
}

}  // namespace connectrpc::validate::internal
