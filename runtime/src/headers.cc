// Headers: an ordered, case-insensitive multimap of metadata entries.
#include "connectrpc/headers.h"

#include <algorithm>
#include <string>

#include "connectrpc/protocol_connect.h"

namespace connectrpc {
namespace {

char ToLowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string Lowercase(std::string_view key) {
  std::string out(key);
  for (char& c : out) c = ToLowerAscii(c);
  return out;
}

// Stored keys are lowercase, so only the probe needs folding.
bool KeyEquals(const std::string& stored, std::string_view probe) {
  if (stored.size() != probe.size()) return false;
  for (size_t i = 0; i < stored.size(); ++i) {
    if (stored[i] != ToLowerAscii(probe[i])) return false;
  }
  return true;
}

bool IsTchar(unsigned char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
      return true;
    default:
      return false;
  }
}

}  // namespace

Headers::Headers(std::initializer_list<Entry> entries) {
  entries_.reserve(entries.size());
  for (const Entry& entry : entries) Add(entry.first, entry.second);
}

void Headers::Add(std::string_view key, std::string_view value) {
  entries_.emplace_back(Lowercase(key), std::string(value));
}

void Headers::Set(std::string_view key, std::string_view value) {
  // Keep the position of the first existing entry so that ordering stays stable.
  auto first = std::find_if(entries_.begin(), entries_.end(),
                            [&](const Entry& e) { return KeyEquals(e.first, key); });
  if (first == entries_.end()) {
    Add(key, value);
    return;
  }
  first->second.assign(value);
  auto rest = std::remove_if(first + 1, entries_.end(),
                             [&](const Entry& e) { return KeyEquals(e.first, key); });
  entries_.erase(rest, entries_.end());
}

void Headers::AddBinary(std::string_view key, std::string_view bytes) {
  Add(key, protocol::Base64Encode(bytes));
}

size_t Headers::Remove(std::string_view key) {
  auto rest = std::remove_if(entries_.begin(), entries_.end(),
                             [&](const Entry& e) { return KeyEquals(e.first, key); });
  const size_t removed = static_cast<size_t>(entries_.end() - rest);
  entries_.erase(rest, entries_.end());
  return removed;
}

std::optional<std::string_view> Headers::Get(std::string_view key) const {
  for (const Entry& entry : entries_) {
    if (KeyEquals(entry.first, key)) return std::string_view(entry.second);
  }
  return std::nullopt;
}

std::vector<std::string_view> Headers::GetAll(std::string_view key) const {
  std::vector<std::string_view> values;
  for (const Entry& entry : entries_) {
    if (KeyEquals(entry.first, key)) values.emplace_back(entry.second);
  }
  return values;
}

std::optional<std::string> Headers::GetBinary(std::string_view key) const {
  std::optional<std::string_view> value = Get(key);
  if (!value) return std::nullopt;
  return protocol::Base64Decode(*value);
}

bool Headers::Contains(std::string_view key) const { return Get(key).has_value(); }

void Headers::Append(const Headers& other) {
  if (&other == this) {
    const std::vector<Entry> copy = entries_;
    entries_.insert(entries_.end(), copy.begin(), copy.end());
    return;
  }
  entries_.insert(entries_.end(), other.entries_.begin(), other.entries_.end());
}

bool IsValidHeaderValue(std::string_view value) {
  for (char ch : value) {
    const auto c = static_cast<unsigned char>(ch);
    // CR, LF and NUL allow header injection; other controls (except HTAB) and DEL are not
    // field-vchars either. Bytes >= 0x80 (obs-text) are tolerated.
    if ((c < 0x20 && c != '\t') || c == 0x7f) return false;
  }
  return true;
}

bool IsValidHeaderKey(std::string_view key) {
  if (key.empty()) return false;
  return std::all_of(key.begin(), key.end(),
                     [](char c) { return IsTchar(static_cast<unsigned char>(c)); });
}

}  // namespace connectrpc
