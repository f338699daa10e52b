#include "connectrpc/validate/validator.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>
#include <google/protobuf/unknown_field_set.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <type_traits>
#include <utility>

#include "buf/validate/validate.pb.h"
#include "cel_rules.h"
#include "pattern_regex.h"

namespace connectrpc::validate {
namespace {

using buf::validate::FieldRules;
using buf::validate::MessageRules;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;
using google::protobuf::UnknownField;
using google::protobuf::UnknownFieldSet;
using internal::CelRule;
using internal::CelScalar;
using internal::FindCelRule;

constexpr int kValidateExtensionNumber = 1159;

std::atomic<int64_t> g_skipped_cel{0};
std::atomic<int64_t> g_skipped_rules{0};  // CEL included

// ---------------------------------------------------------------------------------------------
// Reading the annotations.

// Finds the extension in the options' unknown fields: used when the options were parsed
// without validate.pb.cc's extensions being known (e.g. descriptors from another pool).
template <typename Rules>
bool RulesFromUnknown(const Message& options, Rules* out) {
  const UnknownFieldSet& unknown = options.GetReflection()->GetUnknownFields(options);
  bool found = false;
  for (int i = 0; i < unknown.field_count(); ++i) {
    const UnknownField& f = unknown.field(i);
    if (f.number() == kValidateExtensionNumber && f.type() == UnknownField::TYPE_LENGTH_DELIMITED) {
      found = out->MergeFromString(f.length_delimited()) || found;
    }
  }
  return found;
}

const FieldRules* GetFieldRules(const FieldDescriptor* field, FieldRules* storage) {
  const auto& options = field->options();
  if (options.HasExtension(buf::validate::field)) {
    return &options.GetExtension(buf::validate::field);
  }
  return RulesFromUnknown(options, storage) ? storage : nullptr;
}

const MessageRules* GetMessageRules(const google::protobuf::Descriptor* descriptor,
                                    MessageRules* storage) {
  const auto& options = descriptor->options();
  if (options.HasExtension(buf::validate::message)) {
    return &options.GetExtension(buf::validate::message);
  }
  return RulesFromUnknown(options, storage) ? storage : nullptr;
}

// ---------------------------------------------------------------------------------------------
// Formatting.

std::string FormatNumber(int64_t v) { return std::to_string(v); }
std::string FormatNumber(int32_t v) { return std::to_string(v); }
std::string FormatNumber(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  char buf[64];
  const auto result = std::to_chars(buf, buf + sizeof(buf), v);
  return std::string(buf, result.ptr);
}

template <typename List>
std::string FormatList(const List& list) {
  std::string out = "[";
  bool first = true;
  for (const auto& item : list) {
    if (!first) out += ", ";
    first = false;
    if constexpr (std::is_convertible_v<decltype(item), std::string>) {
      out += item;
    } else {
      out += FormatNumber(item);
    }
  }
  return out + "]";
}

std::string JoinPath(const std::string& prefix, const std::string& name) {
  return prefix.empty() ? name : prefix + "." + name;
}

std::string QuoteKey(const std::string& key) {
  std::string out = "\"";
  for (char c : key) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// ---------------------------------------------------------------------------------------------
// String checks.

size_t CodePoints(std::string_view s) {
  size_t n = 0;
  for (char c : s) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

// Compiled patterns, shared by all calls; nullptr with an error for an invalid pattern.
struct CachedRegex {
  std::shared_ptr<const internal::Regex> regex;
  std::string error;
};

CachedRegex GetRegex(const std::string& pattern) {
  static std::mutex mu;
  static auto* cache = new std::map<std::string, CachedRegex, std::less<>>();
  std::lock_guard<std::mutex> lock(mu);
  auto it = cache->find(pattern);
  if (it == cache->end()) {
    CachedRegex entry;
    entry.regex = internal::Regex::Compile(pattern, &entry.error);
    it = cache->emplace(pattern, std::move(entry)).first;
  }
  return it->second;
}

bool MatchesPattern(const std::string& pattern, std::string_view value) {
  const CachedRegex re = GetRegex(pattern);
  return re.regex != nullptr && re.regex->PartialMatch(value);
}

bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsHex(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool IsUnreserved(char c) {
  return IsAlpha(c) || IsDigit(c) || c == '-' || c == '.' || c == '_' || c == '~';
}
bool IsSubDelim(char c) {
  return c == '!' || c == '$' || c == '&' || c == '\'' || c == '(' || c == ')' || c == '*' ||
         c == '+' || c == ',' || c == ';' || c == '=';
}

// True if every character of `s` is allowed by `allowed` or part of a valid %HH escape.
template <typename Pred>
bool AllUriChars(std::string_view s, Pred allowed) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%') {
      if (i + 2 >= s.size() || !IsHex(s[i + 1]) || !IsHex(s[i + 2])) return false;
      i += 2;
    } else if (!allowed(s[i])) {
      return false;
    }
  }
  return true;
}

bool IsPchar(char c) { return IsUnreserved(c) || IsSubDelim(c) || c == ':' || c == '@'; }

// An absolute URI per RFC 3986 (`scheme ":" hier-part [ "?" query ] [ "#" fragment ]`).
bool IsUri(std::string_view s) {
  const size_t colon = s.find(':');
  if (colon == std::string_view::npos || colon == 0 || !IsAlpha(s[0])) return false;
  for (size_t i = 1; i < colon; ++i) {
    const char c = s[i];
    if (!IsAlpha(c) && !IsDigit(c) && c != '+' && c != '-' && c != '.') return false;
  }
  std::string_view rest = s.substr(colon + 1);
  auto query_char = [](char c) { return IsPchar(c) || c == '/' || c == '?'; };
  if (const size_t hash = rest.find('#'); hash != std::string_view::npos) {
    if (!AllUriChars(rest.substr(hash + 1), query_char)) return false;
    rest = rest.substr(0, hash);
  }
  if (const size_t q = rest.find('?'); q != std::string_view::npos) {
    if (!AllUriChars(rest.substr(q + 1), query_char)) return false;
    rest = rest.substr(0, q);
  }
  auto path_char = [](char c) { return IsPchar(c) || c == '/'; };
  if (!rest.starts_with("//")) return AllUriChars(rest, path_char);
  rest = rest.substr(2);
  const size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos && !AllUriChars(rest.substr(slash), path_char)) return false;
  if (const size_t at = authority.rfind('@'); at != std::string_view::npos) {
    if (!AllUriChars(authority.substr(0, at),
                     [](char c) { return IsUnreserved(c) || IsSubDelim(c) || c == ':'; })) {
      return false;
    }
    authority = authority.substr(at + 1);
  }
  std::string_view port;
  if (authority.starts_with('[')) {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos || close < 3) return false;
    for (char c : authority.substr(1, close - 1)) {
      if (!IsHex(c) && c != ':' && c != '.') return false;
    }
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') return false;
      port = after.substr(1);
    }
  } else {
    const size_t pc = authority.find(':');
    if (pc != std::string_view::npos) {
      port = authority.substr(pc + 1);
      authority = authority.substr(0, pc);
    }
    if (!AllUriChars(authority, [](char c) { return IsUnreserved(c) || IsSubDelim(c); })) {
      return false;
    }
  }
  return std::all_of(port.begin(), port.end(), IsDigit);
}

bool IsHostname(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  if (s.back() == '.') s.remove_suffix(1);
  if (s.empty()) return false;
  bool last_all_digits = false;
  while (true) {
    const size_t dot = s.find('.');
    const std::string_view label = s.substr(0, dot);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return false;
    }
    last_all_digits = true;
    for (char c : label) {
      if (!IsAlpha(c) && !IsDigit(c) && c != '-') return false;
      if (!IsDigit(c)) last_all_digits = false;
    }
    if (dot == std::string_view::npos) break;
    s = s.substr(dot + 1);
  }
  return !last_all_digits;
}

// The HTML5 "valid e-mail address" definition, as protovalidate uses.
bool IsEmail(std::string_view s) {
  return MatchesPattern(
      "^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
      "(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$",
      s);
}

bool IsUuid(std::string_view s) {
  return MatchesPattern(
      "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", s);
}

// ---------------------------------------------------------------------------------------------
// Values.

// One field value: a singular field, a repeated element, a map key or a map value.
struct Value {
  const FieldDescriptor* field = nullptr;  // its type (for map keys/values: the entry's field)
  std::string string;
  int64_t integer = 0;  // int32, int64, enum, bool (0/1)
  uint64_t unsigned_integer = 0;
  double number = 0;
  const Message* message = nullptr;
};

Value GetValue(const Message& m, const FieldDescriptor* f, int index) {
  const Reflection* r = m.GetReflection();
  Value v;
  v.field = f;
  const bool rep = index >= 0;
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      v.string = rep ? r->GetRepeatedString(m, f, index) : r->GetString(m, f);
      break;
    case FieldDescriptor::CPPTYPE_INT32:
      v.integer = rep ? r->GetRepeatedInt32(m, f, index) : r->GetInt32(m, f);
      break;
    case FieldDescriptor::CPPTYPE_INT64:
      v.integer = rep ? r->GetRepeatedInt64(m, f, index) : r->GetInt64(m, f);
      break;
    case FieldDescriptor::CPPTYPE_UINT32:
      v.unsigned_integer = rep ? r->GetRepeatedUInt32(m, f, index) : r->GetUInt32(m, f);
      break;
    case FieldDescriptor::CPPTYPE_UINT64:
      v.unsigned_integer = rep ? r->GetRepeatedUInt64(m, f, index) : r->GetUInt64(m, f);
      break;
    case FieldDescriptor::CPPTYPE_DOUBLE:
      v.number = rep ? r->GetRepeatedDouble(m, f, index) : r->GetDouble(m, f);
      break;
    case FieldDescriptor::CPPTYPE_FLOAT:
      v.number = rep ? r->GetRepeatedFloat(m, f, index) : r->GetFloat(m, f);
      break;
    case FieldDescriptor::CPPTYPE_BOOL:
      v.integer = (rep ? r->GetRepeatedBool(m, f, index) : r->GetBool(m, f)) ? 1 : 0;
      break;
    case FieldDescriptor::CPPTYPE_ENUM:
      v.integer = rep ? r->GetRepeatedEnumValue(m, f, index) : r->GetEnumValue(m, f);
      break;
    case FieldDescriptor::CPPTYPE_MESSAGE:
      v.message = rep ? &r->GetRepeatedMessage(m, f, index) : &r->GetMessage(m, f);
      break;
  }
  return v;
}

bool IsZero(const Value& v) {
  switch (v.field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      return v.string.empty();
    case FieldDescriptor::CPPTYPE_UINT32:
    case FieldDescriptor::CPPTYPE_UINT64:
      return v.unsigned_integer == 0;
    case FieldDescriptor::CPPTYPE_DOUBLE:
    case FieldDescriptor::CPPTYPE_FLOAT:
      return v.number == 0;
    case FieldDescriptor::CPPTYPE_MESSAGE:
      return false;
    default:
      return v.integer == 0;
  }
}

CelScalar ToCelScalar(const Value& v) {
  CelScalar s;
  s.string = v.string;
  s.number = v.number;
  s.integer = v.integer;
  s.boolean = v.integer != 0;
  return s;
}

// ---------------------------------------------------------------------------------------------
// Rules the evaluator does not implement.

// The name of `rules`' type-specific rule kind if the evaluator skips it ("uint32",
// "string.ip", ...), else empty. Repeated and map rules are implemented.
std::string UnsupportedKind(const FieldRules& rules) {
  switch (rules.type_case()) {
    case FieldRules::TYPE_NOT_SET:
    case FieldRules::kInt32:
    case FieldRules::kInt64:
    case FieldRules::kDouble:
    case FieldRules::kEnum:
    case FieldRules::kRepeated:
    case FieldRules::kMap:
      return "";
    case FieldRules::kString: {
      using SR = buf::validate::StringRules;
      switch (rules.string().well_known_case()) {
        case SR::WELL_KNOWN_NOT_SET:
        case SR::kEmail:
        case SR::kHostname:
        case SR::kUri:
        case SR::kUuid:
          return "";
        default: {
          const auto* field =
              SR::descriptor()->FindFieldByNumber(static_cast<int>(rules.string().well_known_case()));
          return "string." + (field != nullptr ? field->name() : std::string("well_known"));
        }
      }
    }
    default: {
      const auto* field =
          FieldRules::descriptor()->FindFieldByNumber(static_cast<int>(rules.type_case()));
      return field != nullptr ? field->name() : std::string("type");
    }
  }
}

// Collects the unsupported rules reachable from a message type (UnsupportedRules()).
class UnsupportedCollector {
 public:
  std::vector<std::string> Take() { return std::move(found_); }

  void Message(const google::protobuf::Descriptor* d) {
    if (!visited_.insert(d).second) return;
    MessageRules storage;
    if (const MessageRules* rules = GetMessageRules(d, &storage)) {
      for (const auto& rule : rules->cel()) Cel(d->full_name(), rule, /*message_level=*/true);
      for (const auto& expression : rules->cel_expression()) {
        found_.push_back(d->full_name() + ": cel_expression `" + expression + "`");
      }
      if (rules->oneof_size() > 0) found_.push_back(d->full_name() + ": oneof");
    }
    for (int i = 0; i < d->field_count(); ++i) Field(d->field(i));
  }

 private:
  void Field(const FieldDescriptor* f) {
    FieldRules storage;
    if (const FieldRules* rules = GetFieldRules(f, &storage)) {
      Rules(f->full_name(), *rules, /*scalar=*/!f->is_repeated());
      if (rules->has_repeated() && rules->repeated().has_items()) {
        Rules(f->full_name() + "[]", rules->repeated().items(), /*scalar=*/true);
      }
      if (rules->has_map()) {
        if (rules->map().has_keys()) Rules(f->full_name() + "[key]", rules->map().keys(), true);
        if (rules->map().has_values()) {
          Rules(f->full_name() + "[value]", rules->map().values(), true);
        }
      }
    }
    const google::protobuf::Descriptor* next = nullptr;
    if (f->is_map()) {
      const FieldDescriptor* value = f->message_type()->map_value();
      if (value->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) next = value->message_type();
    } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      next = f->message_type();
    }
    if (next != nullptr) Message(next);
  }

  // `scalar`: the rules apply to one value (CEL field predicates can run on it).
  void Rules(const std::string& where, const FieldRules& rules, bool scalar) {
    const std::string kind = UnsupportedKind(rules);
    if (!kind.empty()) found_.push_back(where + ": " + kind);
    for (const auto& rule : rules.cel()) {
      const CelRule* impl = FindCelRule(rule.id());
      if (impl == nullptr || impl->field == nullptr || !scalar) {
        found_.push_back(where + ": cel id `" + rule.id() + "`");
      }
    }
    for (const auto& expression : rules.cel_expression()) {
      std::string entry = where;
      entry.append(": cel_expression `").append(expression).append("`");
      found_.push_back(std::move(entry));
    }
  }

  void Cel(const std::string& where, const buf::validate::Rule& rule, bool message_level) {
    const CelRule* impl = FindCelRule(rule.id());
    if (impl == nullptr || (message_level && impl->message == nullptr)) {
      found_.push_back(where + ": cel id `" + rule.id() + "`");
    }
  }

  std::set<const google::protobuf::Descriptor*> visited_;
  std::vector<std::string> found_;
};

// ---------------------------------------------------------------------------------------------
// The evaluator.

class Evaluator {
 public:
  Evaluator(const ValidateOptions& options, ValidateStats* stats)
      : options_(options), stats_(stats) {}

  std::vector<FieldViolation> TakeViolations() { return std::move(violations_); }

  void ValidateMessage(const Message& m, const std::string& path) {
    MessageRules storage;
    if (const MessageRules* rules = GetMessageRules(m.GetDescriptor(), &storage)) {
      for (const auto& rule : rules->cel()) {
        const CelRule* impl = LookUpCel(rule);
        if (impl == nullptr) continue;
        if (impl->message == nullptr) {
          SkipCel(rule.id());
          continue;
        }
        if (!impl->message(m)) AddCel(path, rule);
      }
      for (const auto& expression : rules->cel_expression()) SkipCel(expression);
      if (rules->oneof_size() > 0) SkipRule(m.GetDescriptor()->full_name() + ": oneof");
    }
    const auto* descriptor = m.GetDescriptor();
    for (int i = 0; i < descriptor->field_count(); ++i) {
      ValidateField(m, descriptor->field(i), path);
    }
  }

 private:
  void Add(const std::string& path, std::string rule_id, std::string description) {
    violations_.push_back({path, std::move(description), std::move(rule_id), false});
  }

  void AddCel(const std::string& path, const buf::validate::Rule& rule) {
    Add(path, rule.id(),
        rule.message().empty() ? "failed rule " + rule.id() + ": " + rule.expression()
                               : rule.message());
  }

  void SkipRule(const std::string& what) {
    g_skipped_rules.fetch_add(1, std::memory_order_relaxed);
    if (stats_ != nullptr) stats_->skipped_rules.push_back(what);
  }

  void SkipCel(const std::string& what) {
    g_skipped_cel.fetch_add(1, std::memory_order_relaxed);
    g_skipped_rules.fetch_add(1, std::memory_order_relaxed);
    if (stats_ != nullptr) stats_->skipped_cel.push_back(what);
  }

  // The implementation of `rule`, or nullptr (and the rule counted as skipped).
  const CelRule* LookUpCel(const buf::validate::Rule& rule) {
    const CelRule* impl = FindCelRule(rule.id());
    if (impl == nullptr) {
      SkipCel(rule.id().empty() ? rule.expression() : rule.id());
      return nullptr;
    }
    if (stats_ != nullptr && impl->expression != rule.expression()) {
      stats_->mismatched_cel.push_back(rule.id());
    }
    return impl;
  }

  void ValidateField(const Message& m, const FieldDescriptor* f, const std::string& prefix) {
    FieldRules storage;
    const FieldRules* rules = GetFieldRules(f, &storage);
    if (rules != nullptr && rules->ignore() == buf::validate::IGNORE_ALWAYS) return;
    const Reflection* r = m.GetReflection();
    const std::string path = JoinPath(prefix, f->name());
    const bool present = f->is_repeated() ? r->FieldSize(m, f) > 0 : r->HasField(m, f);
    const bool ignore_zero =
        (rules != nullptr && rules->ignore() == buf::validate::IGNORE_IF_ZERO_VALUE) ||
        options_.ignore_if_zero.count(f->full_name()) > 0;
    // ValidateOptions::ignore_if_zero also waives `required` (protovalidate rejects
    // IGNORE_IF_ZERO_VALUE together with `required`, so annotations never combine them).
    if (!present && ignore_zero) return;
    if (rules != nullptr && rules->required() && !present) {
      Add(path, "required", "value is required");
      return;
    }
    if (!present && f->has_presence()) return;

    if (f->is_map()) {
      ValidateMap(m, f, rules, path);
    } else if (f->is_repeated()) {
      ValidateRepeated(m, f, rules, path);
    } else {
      const Value v = GetValue(m, f, -1);
      if (ignore_zero && IsZero(v)) return;
      ValidateValue(v, rules, path, /*element=*/false);
    }
  }

  void ValidateRepeated(const Message& m, const FieldDescriptor* f, const FieldRules* rules,
                        const std::string& path) {
    const int size = m.GetReflection()->FieldSize(m, f);
    const FieldRules* items = nullptr;
    if (rules != nullptr && rules->has_repeated()) {
      const auto& rr = rules->repeated();
      if (rr.has_min_items() && static_cast<uint64_t>(size) < rr.min_items()) {
        Add(path, "repeated.min_items",
            "value must contain at least " + std::to_string(rr.min_items()) + " item(s)");
      }
      if (rr.has_max_items() && static_cast<uint64_t>(size) > rr.max_items()) {
        Add(path, "repeated.max_items",
            "value must contain no more than " + std::to_string(rr.max_items()) + " item(s)");
      }
      if (rr.unique() && !Unique(m, f)) {
        Add(path, "repeated.unique", "repeated value must contain unique items");
      }
      if (rr.has_items()) items = &rr.items();
    }
    if (rules != nullptr) FieldCel(*rules, nullptr, path);
    if (items == nullptr && f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) return;
    for (int i = 0; i < size; ++i) {
      ValidateValue(GetValue(m, f, i), items, path + "[" + std::to_string(i) + "]",
                    /*element=*/true);
    }
  }

  static bool Unique(const Message& m, const FieldDescriptor* f) {
    const int size = m.GetReflection()->FieldSize(m, f);
    std::set<std::string> strings;
    std::set<int64_t> ints;
    std::set<uint64_t> uints;
    std::set<double> doubles;
    for (int i = 0; i < size; ++i) {
      const Value v = GetValue(m, f, i);
      bool inserted = true;
      switch (f->cpp_type()) {
        case FieldDescriptor::CPPTYPE_STRING:
          inserted = strings.insert(v.string).second;
          break;
        case FieldDescriptor::CPPTYPE_UINT32:
        case FieldDescriptor::CPPTYPE_UINT64:
          inserted = uints.insert(v.unsigned_integer).second;
          break;
        case FieldDescriptor::CPPTYPE_DOUBLE:
        case FieldDescriptor::CPPTYPE_FLOAT:
          if (!std::isnan(v.number)) inserted = doubles.insert(v.number + 0.0).second;
          break;
        case FieldDescriptor::CPPTYPE_MESSAGE:
          break;  // protovalidate supports `unique` on scalars only
        default:
          inserted = ints.insert(v.integer).second;
          break;
      }
      if (!inserted) return false;
    }
    return true;
  }

  void ValidateMap(const Message& m, const FieldDescriptor* f, const FieldRules* rules,
                   const std::string& path) {
    const Reflection* r = m.GetReflection();
    const int size = r->FieldSize(m, f);
    const FieldRules* keys = nullptr;
    const FieldRules* values = nullptr;
    if (rules != nullptr && rules->has_map()) {
      const auto& mr = rules->map();
      if (mr.has_min_pairs() && static_cast<uint64_t>(size) < mr.min_pairs()) {
        Add(path, "map.min_pairs",
            "map must be at least " + std::to_string(mr.min_pairs()) + " entries");
      }
      if (mr.has_max_pairs() && static_cast<uint64_t>(size) > mr.max_pairs()) {
        Add(path, "map.max_pairs",
            "map must be at most " + std::to_string(mr.max_pairs()) + " entries");
      }
      if (mr.has_keys()) keys = &mr.keys();
      if (mr.has_values()) values = &mr.values();
    }
    if (rules != nullptr) FieldCel(*rules, nullptr, path);
    const FieldDescriptor* key_field = f->message_type()->map_key();
    const FieldDescriptor* value_field = f->message_type()->map_value();
    if (keys == nullptr && values == nullptr &&
        value_field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) {
      return;
    }
    // Entries in key order, so that the result does not depend on hash order.
    struct Entry {
      std::string label;
      Value key;
      Value value;
    };
    std::vector<Entry> entries;
    for (int i = 0; i < size; ++i) {
      const Message& entry = r->GetRepeatedMessage(m, f, i);
      Entry e{"", GetValue(entry, key_field, -1), GetValue(entry, value_field, -1)};
      switch (key_field->cpp_type()) {
        case FieldDescriptor::CPPTYPE_STRING:
          e.label = QuoteKey(e.key.string);
          break;
        case FieldDescriptor::CPPTYPE_BOOL:
          e.label = e.key.integer != 0 ? "true" : "false";
          break;
        case FieldDescriptor::CPPTYPE_UINT32:
        case FieldDescriptor::CPPTYPE_UINT64:
          e.label = std::to_string(e.key.unsigned_integer);
          break;
        default:
          e.label = std::to_string(e.key.integer);
          break;
      }
      entries.push_back(std::move(e));
    }
    std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
      if (a.key.string != b.key.string) return a.key.string < b.key.string;
      if (a.key.integer != b.key.integer) return a.key.integer < b.key.integer;
      return a.key.unsigned_integer < b.key.unsigned_integer;
    });
    for (const Entry& e : entries) {
      const std::string entry_path = path + "[" + e.label + "]";
      if (keys != nullptr) {
        const size_t before = violations_.size();
        ValidateValue(e.key, keys, entry_path, /*element=*/true);
        for (size_t i = before; i < violations_.size(); ++i) violations_[i].for_key = true;
      }
      ValidateValue(e.value, values, entry_path, /*element=*/true);
    }
  }

  // Checks one value (a singular field's, or an element's/key's/value's with `element` set)
  // against `rules` (may be null), then recurses into a message value.
  void ValidateValue(const Value& v, const FieldRules* rules, const std::string& path,
                     bool element) {
    if (rules != nullptr) {
      if (element) {
        if (rules->ignore() == buf::validate::IGNORE_ALWAYS) return;
        if (rules->ignore() == buf::validate::IGNORE_IF_ZERO_VALUE && IsZero(v)) return;
        if (rules->required() && IsZero(v)) {
          Add(path, "required", "value is required");
          return;
        }
      }
      if (const std::string kind = UnsupportedKind(*rules); !kind.empty()) {
        SkipRule(v.field->full_name() + ": " + kind);
      }
      switch (rules->type_case()) {
        case FieldRules::kString:
          if (v.field->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
            StringRules(v.string, rules->string(), path);
          }
          break;
        case FieldRules::kInt32:
          if (v.field->cpp_type() == FieldDescriptor::CPPTYPE_INT32) {
            NumericRules(static_cast<int32_t>(v.integer), rules->int32(), "int32", path);
          }
          break;
        case FieldRules::kInt64:
          if (v.field->cpp_type() == FieldDescriptor::CPPTYPE_INT64) {
            NumericRules(v.integer, rules->int64(), "int64", path);
          }
          break;
        case FieldRules::kDouble:
          if (v.field->cpp_type() == FieldDescriptor::CPPTYPE_DOUBLE) {
            NumericRules(v.number, rules->double_(), "double", path);
          }
          break;
        case FieldRules::kEnum:
          if (v.field->cpp_type() == FieldDescriptor::CPPTYPE_ENUM) {
            EnumRules(static_cast<int32_t>(v.integer), v.field, rules->enum_(), path);
          }
          break;
        default:
          break;  // repeated/map rules are handled by the caller; the others are empty here
      }
      FieldCel(*rules, &v, path);
    }
    if (v.message != nullptr) ValidateMessage(*v.message, path);
  }

  // Field-level CEL rules; `v` is null for repeated and map fields.
  void FieldCel(const FieldRules& rules, const Value* v, const std::string& path) {
    for (const auto& rule : rules.cel()) {
      const CelRule* impl = LookUpCel(rule);
      if (impl == nullptr) continue;
      if (impl->field == nullptr || v == nullptr || v->message != nullptr) {
        SkipCel(rule.id());
        continue;
      }
      if (!impl->field(ToCelScalar(*v))) AddCel(path, rule);
    }
    for (const auto& expression : rules.cel_expression()) SkipCel(expression);
  }

  void StringRules(const std::string& s, const buf::validate::StringRules& r,
                   const std::string& path) {
    if (r.has_const_() && s != r.const_()) {
      Add(path, "string.const", "value must equal `" + r.const_() + "`");
    }
    const size_t chars = (r.has_len() || r.has_min_len() || r.has_max_len()) ? CodePoints(s) : 0;
    if (r.has_len() && chars != r.len()) {
      Add(path, "string.len", "value length must be " + std::to_string(r.len()) + " characters");
    }
    if (r.has_min_len() && chars < r.min_len()) {
      Add(path, "string.min_len",
          "value length must be at least " + std::to_string(r.min_len()) + " characters");
    }
    if (r.has_max_len() && chars > r.max_len()) {
      Add(path, "string.max_len",
          "value length must be at most " + std::to_string(r.max_len()) + " characters");
    }
    if (r.has_len_bytes() && s.size() != r.len_bytes()) {
      Add(path, "string.len_bytes",
          "value length must be " + std::to_string(r.len_bytes()) + " bytes");
    }
    if (r.has_min_bytes() && s.size() < r.min_bytes()) {
      Add(path, "string.min_bytes",
          "value length must be at least " + std::to_string(r.min_bytes()) + " bytes");
    }
    if (r.has_max_bytes() && s.size() > r.max_bytes()) {
      Add(path, "string.max_bytes",
          "value length must be at most " + std::to_string(r.max_bytes()) + " bytes");
    }
    if (r.has_pattern()) {
      const CachedRegex re = GetRegex(r.pattern());
      if (re.regex == nullptr) {
        Add(path, "string.pattern", "invalid regex pattern `" + r.pattern() + "`: " + re.error);
      } else if (!re.regex->PartialMatch(s)) {
        Add(path, "string.pattern", "value does not match regex pattern `" + r.pattern() + "`");
      }
    }
    if (r.has_prefix() && !std::string_view(s).starts_with(r.prefix())) {
      Add(path, "string.prefix", "value does not have prefix `" + r.prefix() + "`");
    }
    if (r.has_suffix() && !std::string_view(s).ends_with(r.suffix())) {
      Add(path, "string.suffix", "value does not have suffix `" + r.suffix() + "`");
    }
    if (r.has_contains() && s.find(r.contains()) == std::string::npos) {
      Add(path, "string.contains", "value does not contain substring `" + r.contains() + "`");
    }
    if (r.has_not_contains() && s.find(r.not_contains()) != std::string::npos) {
      Add(path, "string.not_contains", "value contains substring `" + r.not_contains() + "`");
    }
    if (r.in_size() > 0 && std::find(r.in().begin(), r.in().end(), s) == r.in().end()) {
      Add(path, "string.in", "value must be in list " + FormatList(r.in()));
    }
    if (std::find(r.not_in().begin(), r.not_in().end(), s) != r.not_in().end()) {
      Add(path, "string.not_in", "value must not be in list " + FormatList(r.not_in()));
    }
    using SR = buf::validate::StringRules;
    auto well_known = [&](bool (*check)(std::string_view), const char* id, const char* what) {
      if (s.empty()) {
        Add(path, std::string("string.") + id + "_empty",
            std::string("value is empty, which is not a valid ") + what);
      } else if (!check(s)) {
        Add(path, std::string("string.") + id, std::string("value must be a valid ") + what);
      }
    };
    switch (r.well_known_case()) {
      case SR::kEmail:
        if (r.email()) well_known(IsEmail, "email", "email address");
        break;
      case SR::kHostname:
        if (r.hostname()) well_known(IsHostname, "hostname", "hostname");
        break;
      case SR::kUri:
        if (r.uri()) well_known(IsUri, "uri", "URI");
        break;
      case SR::kUuid:
        if (r.uuid()) well_known(IsUuid, "uuid", "UUID");
        break;
      default:
        break;  // not used by the transcodely.v1 schema
    }
  }

  template <typename T, typename Rules>
  void NumericRules(T v, const Rules& r, const std::string& type, const std::string& path) {
    constexpr bool kFloating = std::is_floating_point_v<T>;
    auto is_nan = [](T x) {
      if constexpr (kFloating) {
        return std::isnan(x);
      } else {
        (void)x;
        return false;
      }
    };
    if (r.has_const_() && !(v == r.const_())) {
      Add(path, type + ".const", "value must equal " + FormatNumber(r.const_()));
    }
    const bool has_lower = r.has_gt() || r.has_gte();
    const bool has_upper = r.has_lt() || r.has_lte();
    if (has_lower || has_upper) {
      const bool nan = is_nan(v);
      const std::string lower_op = r.has_gt() ? "gt" : "gte";
      const std::string upper_op = r.has_lt() ? "lt" : "lte";
      const T lo = r.has_gt() ? static_cast<T>(r.gt()) : static_cast<T>(r.gte());
      const T hi = r.has_lt() ? static_cast<T>(r.lt()) : static_cast<T>(r.lte());
      const std::string lower_text =
          std::string(r.has_gt() ? "greater than " : "greater than or equal to ") +
          FormatNumber(lo);
      const std::string upper_text =
          std::string(r.has_lt() ? "less than " : "less than or equal to ") + FormatNumber(hi);
      const bool above_lo = r.has_gt() ? v > lo : v >= lo;
      const bool below_hi = r.has_lt() ? v < hi : v <= hi;
      if (has_lower && has_upper) {
        const std::string id = type + "." + lower_op + "_" + upper_op;
        if (hi >= lo) {
          if (nan || !above_lo || !below_hi) {
            Add(path, id, "value must be " + lower_text + " and " + upper_text);
          }
        } else if (nan || (!above_lo && !below_hi)) {
          Add(path, id + "_exclusive", "value must be " + lower_text + " or " + upper_text);
        }
      } else if (has_lower) {
        if (nan || !above_lo) Add(path, type + "." + lower_op, "value must be " + lower_text);
      } else if (nan || !below_hi) {
        Add(path, type + "." + upper_op, "value must be " + upper_text);
      }
    }
    if (r.in_size() > 0 && std::find(r.in().begin(), r.in().end(), v) == r.in().end()) {
      Add(path, type + ".in", "value must be in list " + FormatList(r.in()));
    }
    if (std::find(r.not_in().begin(), r.not_in().end(), v) != r.not_in().end()) {
      Add(path, type + ".not_in", "value must not be in list " + FormatList(r.not_in()));
    }
    if constexpr (kFloating) {
      if (r.finite() && !std::isfinite(v)) Add(path, type + ".finite", "value must be finite");
    }
  }

  void EnumRules(int32_t v, const FieldDescriptor* f, const buf::validate::EnumRules& r,
                 const std::string& path) {
    if (r.has_const_() && v != r.const_()) {
      Add(path, "enum.const", "value must equal " + FormatNumber(r.const_()));
    }
    if (r.defined_only() && f->enum_type()->FindValueByNumber(v) == nullptr) {
      Add(path, "enum.defined_only", "value must be one of the defined enum values");
    }
    if (r.in_size() > 0 && std::find(r.in().begin(), r.in().end(), v) == r.in().end()) {
      Add(path, "enum.in", "value must be in list " + FormatList(r.in()));
    }
    if (std::find(r.not_in().begin(), r.not_in().end(), v) != r.not_in().end()) {
      Add(path, "enum.not_in", "value must not be in list " + FormatList(r.not_in()));
    }
  }

  const ValidateOptions& options_;
  ValidateStats* stats_;
  std::vector<FieldViolation> violations_;
};

}  // namespace

std::vector<FieldViolation> Validate(const Message& message) {
  static const ValidateOptions kDefaults;
  return Validate(message, kDefaults, nullptr);
}

std::vector<FieldViolation> Validate(const Message& message, const ValidateOptions& options,
                                     ValidateStats* stats) {
  Evaluator evaluator(options, stats);
  evaluator.ValidateMessage(message, "");
  return evaluator.TakeViolations();
}

std::vector<std::string> CelRuleIds() {
  std::vector<std::string> ids;
  for (const CelRule& rule : internal::AllCelRules()) ids.emplace_back(rule.id);
  return ids;
}

bool HasCelRule(std::string_view id, const std::string* expression) {
  const CelRule* rule = FindCelRule(id);
  return rule != nullptr && (expression == nullptr || rule->expression == *expression);
}

int64_t SkippedCelRuleCount() { return g_skipped_cel.load(std::memory_order_relaxed); }

int64_t SkippedRuleCount() { return g_skipped_rules.load(std::memory_order_relaxed); }

std::vector<std::string> UnsupportedRules(const google::protobuf::Descriptor& descriptor) {
  UnsupportedCollector collector;
  collector.Message(&descriptor);
  return collector.Take();
}

}  // namespace connectrpc::validate
