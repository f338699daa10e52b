#include "printer.h"

#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace connectrpc::plugin {
namespace {

[[noreturn]] void Fail(const std::string& message) {
  std::fprintf(stderr, "protoc-gen-connect-cpp: internal error: %s\n", message.c_str());
  std::abort();
}

std::vector<std::string_view> SplitLines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    size_t end = text.find('\n');
    if (end == std::string_view::npos) {
      lines.push_back(text);
      break;
    }
    lines.push_back(text.substr(0, end));
    text.remove_prefix(end + 1);
  }
  return lines;
}

bool IsBlank(std::string_view line) { return line.find_first_not_of(" \t") == line.npos; }

bool IsIdentifier(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

std::string EscapeDollars(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '$') out += '$';
    out += c;
  }
  return out;
}

// Checks the `$name$` references of one template line against `vars`.
void CheckReferences(std::string_view line, const Printer::Vars& vars,
                     std::set<std::string>* used) {
  size_t pos = 0;
  while ((pos = line.find('$', pos)) != std::string_view::npos) {
    size_t end = line.find('$', pos + 1);
    if (end == std::string_view::npos) {
      Fail("unpaired '$' in template line: " + std::string(line));
    }
    std::string name(line.substr(pos + 1, end - pos - 1));
    if (!name.empty()) {
      if (vars.find(name) == vars.end()) Fail("undefined template variable $" + name + "$");
      used->insert(name);
    }
    pos = end + 1;
  }
}

}  // namespace

std::string Dedent(std::string_view raw_template) {
  std::vector<std::string_view> lines = SplitLines(raw_template);
  if (!lines.empty() && lines.front().empty()) lines.erase(lines.begin());
  if (!lines.empty() && IsBlank(lines.back())) lines.pop_back();
  size_t indent = std::string_view::npos;
  for (std::string_view line : lines) {
    if (IsBlank(line)) continue;
    indent = std::min(indent, line.find_first_not_of(' '));
  }
  std::string out;
  for (std::string_view line : lines) {
    if (!IsBlank(line)) out += line.substr(indent);
    out += '\n';
  }
  return out;
}

std::string ExpandTemplate(const Printer::Vars& vars, std::string_view raw_template) {
  std::set<std::string> used;
  std::string out;
  std::string text = Dedent(raw_template);
  for (std::string_view line : SplitLines(text)) {
    size_t first = line.find_first_not_of(' ');
    std::string_view body = first == line.npos ? std::string_view() : line.substr(first);
    if (body.size() > 2 && body.front() == '$' && body.back() == '$' &&
        IsIdentifier(body.substr(1, body.size() - 2))) {
      std::string name(body.substr(1, body.size() - 2));
      auto it = vars.find(name);
      if (it == vars.end()) Fail("undefined template variable $" + name + "$");
      used.insert(name);
      for (std::string_view value_line : SplitLines(it->second)) {
        if (!value_line.empty()) out += std::string(first, ' ') + EscapeDollars(value_line);
        out += '\n';
      }
      continue;
    }
    CheckReferences(line, vars, &used);
    out += line;
    out += '\n';
  }
  for (const auto& [name, value] : vars) {
    if (used.count(name) == 0) Fail("unused template variable $" + name + "$");
  }
  return out;
}

Printer::Printer(google::protobuf::io::ZeroCopyOutputStream* output) : printer_(output, '$') {}

void Printer::Emit(const Vars& vars, std::string_view raw_template) {
  std::string text = ExpandTemplate(vars, raw_template);
  printer_.Print(vars, text.c_str());
}

}  // namespace connectrpc::plugin
