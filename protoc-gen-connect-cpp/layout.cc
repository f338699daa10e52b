#include "layout.h"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace connectrpc::plugin {

std::string WrapListImpl(size_t indent, std::string_view prefix, std::string_view head,
                         const std::vector<std::string>& items, std::string_view tail,
                         bool braced);

namespace {

constexpr size_t kContinuationIndent = 4;

// Greedily packs `items` (", "-separated, `tail` after the last) into lines starting at `column`.
// Returns false if a line exceeds the column limit.
bool Pack(size_t column, const std::vector<std::string>& items, std::string_view tail,
          std::vector<std::string>* lines) {
  lines->clear();
  std::string line;
  bool fits = true;
  for (size_t i = 0; i < items.size(); ++i) {
    std::string item = items[i] + (i + 1 == items.size() ? std::string(tail) : std::string(","));
    if (line.empty()) {
      line = item;
    } else if (column + line.size() + 1 + item.size() <= kColumnLimit) {
      line += " " + item;
    } else {
      lines->push_back(line);
      line = item;
    }
  }
  if (items.empty()) line = tail;
  lines->push_back(line);
  for (const std::string& l : *lines) fits = fits && column + l.size() <= kColumnLimit;
  return fits;
}

std::string Join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += separator;
    out += items[i];
  }
  return out;
}


// A type on a line of its own, its template arguments wrapped when it is too long.
std::string WrapType(size_t indent, std::string_view type) {
  size_t open = type.find('<');
  if (indent + type.size() <= kColumnLimit || open == type.npos || type.back() != '>') {
    return std::string(type);
  }
  std::vector<std::string> args;
  int depth = 0;
  size_t start = open + 1;
  for (size_t i = start; i + 1 < type.size(); ++i) {
    if (type[i] == '<') ++depth;
    if (type[i] == '>') --depth;
    if (type[i] == ',' && depth == 0) {
      args.emplace_back(type.substr(start, i - start));
      start = i + 2;  // skip ", "
    }
  }
  args.emplace_back(type.substr(start, type.size() - 1 - start));
  return WrapList(indent, "", type.substr(0, open + 1), args, ">");
}

std::string ArgumentText(const CallArgument& arg) {
  return arg.open + Join(arg.items, ", ") + arg.close;
}

// Breaks `arg` (ending in `suffix`) into lines that start at `column`: aligned after its opening
// bracket, or, when `allow_continuation`, on the lines after it indented by 4 when aligning does
// not fit. Returns false if a line exceeds the column limit.
bool BreakArgument(size_t column, const CallArgument& arg, const std::string& suffix,
                   bool allow_continuation, std::vector<std::string>* lines) {
  lines->clear();
  std::vector<std::string> packed;
  const std::string tail = arg.close + suffix;
  if (Pack(column + arg.open.size(), arg.items, tail, &packed)) {
    lines->push_back(arg.open + packed[0]);
    for (size_t i = 1; i < packed.size(); ++i) {
      lines->push_back(std::string(arg.open.size(), ' ') + packed[i]);
    }
    return true;
  }
  if (!allow_continuation) return false;
  bool fits = Pack(column + kContinuationIndent, arg.items, tail, &packed);
  lines->push_back(arg.open);
  for (const std::string& line : packed) {
    lines->push_back(std::string(kContinuationIndent, ' ') + line);
  }
  return fits;
}

// How PackArguments may break an argument that does not fit on a line of its own: only a
// parenthesized list, after its "(" (clang-format's cheapest break); any list, after its opening
// bracket; any list, also on the lines after it.
enum class ArgumentBreaks { kParenthesesAligned, kAligned, kAny };

// Packs the arguments of WrapCall into lines starting at `column`. Returns false if a line
// exceeds the column limit.
bool PackArguments(size_t column, const std::vector<CallArgument>& args, std::string_view tail,
                   ArgumentBreaks breaks, std::vector<std::string>* lines) {
  lines->clear();
  bool fits = true;
  std::string line;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string suffix = i + 1 == args.size() ? std::string(tail) : std::string(",");
    const std::string text = ArgumentText(args[i]) + suffix;
    if (!line.empty() && column + line.size() + 1 + text.size() <= kColumnLimit) {
      line += " " + text;
      continue;
    }
    if (!line.empty()) lines->push_back(line);
    line.clear();
    if (column + text.size() <= kColumnLimit || args[i].items.empty() ||
        (breaks == ArgumentBreaks::kParenthesesAligned && args[i].open != "(")) {
      fits = fits && column + text.size() <= kColumnLimit;
      line = text;
      continue;
    }
    std::vector<std::string> broken;
    fits = BreakArgument(column, args[i], suffix, breaks == ArgumentBreaks::kAny, &broken) && fits;
    lines->insert(lines->end(), broken.begin(), broken.end());
  }
  if (!line.empty()) lines->push_back(line);
  return fits;
}

}  // namespace

std::string WrapCall(size_t indent, std::string_view head, const std::vector<CallArgument>& args,
                     std::string_view tail) {
  std::vector<std::string> texts;
  for (const CallArgument& arg : args) texts.push_back(ArgumentText(arg));
  std::string one_line = std::string(head) + Join(texts, ", ") + std::string(tail);
  if (indent + one_line.size() <= kColumnLimit || args.empty()) return one_line;
  // From the most preferred layout to the least, each after `head`, then on the next lines.
  std::vector<std::string> lines;
  for (ArgumentBreaks breaks : {ArgumentBreaks::kParenthesesAligned, ArgumentBreaks::kAligned,
                                ArgumentBreaks::kAny}) {
    if (PackArguments(indent + head.size(), args, tail, breaks, &lines)) {
      std::string out = std::string(head) + lines[0];
      for (size_t i = 1; i < lines.size(); ++i) {
        out += "\n" + std::string(head.size(), ' ') + lines[i];
      }
      return out;
    }
    if (PackArguments(indent + kContinuationIndent, args, tail, breaks, &lines) ||
        breaks == ArgumentBreaks::kAny) {
      std::string out(head);
      for (const std::string& line : lines) {
        out += "\n" + std::string(kContinuationIndent, ' ') + line;
      }
      return out;
    }
  }
  return one_line;  // not reached: the last layout is always taken
}

std::string WrapList(size_t indent, std::string_view prefix, std::string_view head,
                     const std::vector<std::string>& items, std::string_view tail) {
  return WrapListImpl(indent, prefix, head, items, tail, /*braced=*/false);
}

std::string WrapBracedList(size_t indent, std::string_view prefix, std::string_view head,
                           const std::vector<std::string>& items, std::string_view tail) {
  return WrapListImpl(indent, prefix, head, items, tail, /*braced=*/true);
}

std::string WrapListImpl(size_t indent, std::string_view prefix, std::string_view head,
                         const std::vector<std::string>& items, std::string_view tail,
                         bool braced) {
  std::string first = prefix.empty() ? std::string(head) : std::string(prefix) + " " + std::string(head);
  std::string one_line = first + Join(items, ", ") + std::string(tail);
  if (indent + one_line.size() <= kColumnLimit) return one_line;
  if (items.empty()) {
    if (prefix.empty()) return one_line;
    return WrapType(indent, prefix) + "\n" + std::string(head) + std::string(tail);
  }
  if (!prefix.empty() && indent + first.size() > kColumnLimit) {
    return WrapType(indent, prefix) + "\n" + WrapList(indent, "", head, items, tail);
  }
  std::vector<std::string> aligned;
  std::vector<std::string> broken;
  bool aligned_fits = Pack(indent + first.size(), items, tail, &aligned);
  Pack(indent + kContinuationIndent, items, tail, &broken);
  // clang-format aligns parameters after "(" whenever they fit there; a braced list only when
  // breaking after "{" would not save lines.
  if (aligned_fits && (!braced || aligned.size() <= broken.size() + 1)) {
    std::string out = first + aligned[0];
    for (size_t i = 1; i < aligned.size(); ++i) {
      out += "\n" + std::string(first.size(), ' ') + aligned[i];
    }
    return out;
  }
  std::string out = first;
  for (const std::string& line : broken) {
    out += "\n" + std::string(kContinuationIndent, ' ') + line;
  }
  return out;
}

std::string WrapAssignment(size_t indent, std::string_view lhs, std::string_view rhs) {
  std::string one_line = std::string(lhs) + " = " + std::string(rhs) + ";";
  if (indent + one_line.size() <= kColumnLimit) return one_line;
  return std::string(lhs) + " =\n" + std::string(kContinuationIndent, ' ') + std::string(rhs) +
         ";";
}

std::string FunctionDefinition(size_t indent, std::string_view signature, std::string_view body) {
  std::string one_line = std::string(signature) + " " + std::string(body) + " }";
  if (signature.find('\n') == signature.npos && body.find('\n') == body.npos &&
      indent + one_line.size() <= kColumnLimit) {
    return one_line;
  }
  std::string out = std::string(signature) + "\n";
  std::string_view rest = body;
  while (!rest.empty()) {
    size_t end = rest.find('\n');
    std::string_view line = rest.substr(0, end);
    out += (line.empty() ? "" : "  ") + std::string(line) + "\n";
    rest = end == rest.npos ? std::string_view() : rest.substr(end + 1);
  }
  return out + "}";
}

std::string CommentBlock(size_t indent, const std::vector<std::string>& lines) {
  std::string out;
  auto add = [&out](std::string_view line) {
    if (!out.empty()) out += "\n";
    out += line;
  };
  for (const std::string& raw : lines) {
    if (raw.empty()) {
      add("//");
      continue;
    }
    // clang-format wants a space after "//"; keep any deeper indentation of the comment text.
    size_t text_start = raw.find_first_not_of(' ');
    std::string lead = "//" + (text_start == 0 ? std::string(" ") : raw.substr(0, text_start));
    std::string_view text = std::string_view(raw).substr(text_start);
    std::string line = lead;
    bool line_has_word = false;
    while (!text.empty()) {
      size_t space = text.find(' ');
      std::string_view word = text.substr(0, space);
      text = space == text.npos ? std::string_view() : text.substr(space + 1);
      if (word.empty()) {
        if (line_has_word) line += " ";
        continue;
      }
      if (line_has_word && indent + line.size() + 1 + word.size() > kColumnLimit) {
        add(line);
        line = lead;
        line_has_word = false;
      }
      if (line_has_word) line += " ";
      line += word;
      line_has_word = true;
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    // A trailing backslash would continue the comment onto the next source line.
    if (!line.empty() && line.back() == '\\') line += " //";
    add(line);
  }
  return out;
}

}  // namespace connectrpc::plugin
