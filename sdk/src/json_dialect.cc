// The Transcodely JSON dialect: protobuf's JSON printer and parser (3.21 json_util) with a
// descriptor-driven pass over the JSON tree that rewrites enum strings (see
// shared/docs/transcodely-wire.md §3).
//
// Marshal: MessageToJsonString (proto names, zero values of implicit-presence fields), then every
// string at an enum-typed position becomes its wire string, then a compact re-serialisation.
// Unmarshal: Boost.JSON parse, then enum strings are expanded to canonical names (unknown strings
// and `null`s are removed so the field stays unset), then connectrpc::JsonCodec (proto3 JSON,
// unknown fields ignored).
// Both refuse a Timestamp outside the RFC 3339 range, naming its field.
#include "transcodely/json_dialect.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <google/protobuf/reflection.h>
#include <google/protobuf/util/json_util.h>

#include <boost/json.hpp>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "connectrpc/code.h"
#include "connectrpc/protocol_connect.h"
#include "connectrpc/status.h"

namespace transcodely {
namespace {

namespace json = boost::json;
using google::protobuf::Descriptor;
using google::protobuf::EnumDescriptor;
using google::protobuf::EnumValueDescriptor;
using google::protobuf::FieldDescriptor;

// protobuf's own JSON parser stops at this depth as well.
constexpr std::size_t kMaxJsonDepth = 100;
// The JSON trees live in a per-call arena that starts on the stack.
constexpr std::size_t kArenaBytes = 4096;

bool IsAsciiUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsAsciiLower(char c) { return c >= 'a' && c <= 'z'; }
char ToAsciiUpper(char c) { return IsAsciiLower(c) ? static_cast<char>(c - 'a' + 'A') : c; }
char ToAsciiLower(char c) { return IsAsciiUpper(c) ? static_cast<char>(c - 'A' + 'a') : c; }

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ToAsciiLower(c);
  return out;
}

std::string_view View(const json::string& s) { return std::string_view(s.data(), s.size()); }

// A message whose JSON form is special (Timestamp is a string, Struct any object, ...): the
// passes leave its JSON alone.
bool HasSpecialJson(const Descriptor& type) {
  return type.well_known_type() != Descriptor::WELLKNOWNTYPE_UNSPECIFIED;
}

// google.protobuf.Value (and its NullValue) is the only place where a JSON `null` carries data.
bool NullIsAValue(const FieldDescriptor& field) {
  if (field.type() == FieldDescriptor::TYPE_MESSAGE) {
    return field.message_type()->well_known_type() == Descriptor::WELLKNOWNTYPE_VALUE;
  }
  if (field.type() == FieldDescriptor::TYPE_ENUM) {
    return field.enum_type()->full_name() == "google.protobuf.NullValue";
  }
  return false;
}

const FieldDescriptor* FindField(const Descriptor& type, std::string_view key) {
  const std::string name(key);
  if (const FieldDescriptor* field = type.FindFieldByName(name)) return field;
  if (const FieldDescriptor* field = type.FindFieldByCamelcaseName(name)) return field;
  for (int i = 0; i < type.field_count(); ++i) {  // An explicit json_name.
    if (type.field(i)->json_name() == name) return type.field(i);
  }
  return nullptr;
}

// The value field of a map entry.
const FieldDescriptor& MapValue(const FieldDescriptor& map_field) {
  return *map_field.message_type()->map_value();
}

// ---------------------------------------------------------------------------------------------
// Compact serialisation. Boost.JSON prints doubles as "1.5E0"; this prints the shortest form that
// round-trips ("1.5"), like protobuf's printer.

void AppendDouble(double d, std::string* out) {
  if (std::isnan(d)) {
    out->append("\"NaN\"");
    return;
  }
  if (std::isinf(d)) {
    // Only from a literal too large for a double; keep it out of range for the next parser.
    out->append(d > 0 ? "1e999" : "-1e999");
    return;
  }
  char buffer[64];
  const std::to_chars_result result = std::to_chars(buffer, buffer + sizeof(buffer), d);
  out->append(buffer, result.ptr);
}

void AppendValue(const json::value& value, std::string* out) {
  switch (value.kind()) {
    case json::kind::null:
      out->append("null");
      break;
    case json::kind::bool_:
      out->append(value.get_bool() ? "true" : "false");
      break;
    case json::kind::int64:
      out->append(std::to_string(value.get_int64()));
      break;
    case json::kind::uint64:
      out->append(std::to_string(value.get_uint64()));
      break;
    case json::kind::double_:
      AppendDouble(value.get_double(), out);
      break;
    case json::kind::string:
      connectrpc::protocol::AppendJsonString(View(value.get_string()), out);
      break;
    case json::kind::array: {
      out->push_back('[');
      bool first = true;
      for (const json::value& element : value.get_array()) {
        if (!first) out->push_back(',');
        first = false;
        AppendValue(element, out);
      }
      out->push_back(']');
      break;
    }
    case json::kind::object: {
      out->push_back('{');
      bool first = true;
      for (const json::key_value_pair& member : value.get_object()) {
        if (!first) out->push_back(',');
        first = false;
        connectrpc::protocol::AppendJsonString(
            std::string_view(member.key().data(), member.key().size()), out);
        out->push_back(':');
        AppendValue(member.value(), out);
      }
      out->push_back('}');
      break;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Encode: canonical enum names -> wire strings.

void SimplifyMessage(const Descriptor& type, json::object* object);

void SimplifyEnum(const EnumDescriptor& type, json::value* value) {
  if (!value->is_string()) return;  // Unknown numbers stay numbers.
  const std::string_view name = View(value->get_string());
  const std::string prefix = EnumPrefix(type.name());
  if (name.size() >= prefix.size() && name.substr(0, prefix.size()) == prefix) {
    *value = AsciiLower(name.substr(prefix.size()));
  } else {
    *value = AsciiLower(name);
  }
}

// One singular value (or repeated element, or map value) of `field`.
void SimplifyValue(const FieldDescriptor& field, json::value* value) {
  if (field.type() == FieldDescriptor::TYPE_ENUM) {
    SimplifyEnum(*field.enum_type(), value);
  } else if (field.type() == FieldDescriptor::TYPE_MESSAGE && value->is_object() &&
             !HasSpecialJson(*field.message_type())) {
    SimplifyMessage(*field.message_type(), &value->get_object());
  }
}

void SimplifyMessage(const Descriptor& type, json::object* object) {
  for (json::key_value_pair& member : *object) {
    const FieldDescriptor* field =
        FindField(type, std::string_view(member.key().data(), member.key().size()));
    if (field == nullptr) continue;
    json::value& value = member.value();
    if (field->is_map()) {
      if (!value.is_object()) continue;
      const FieldDescriptor& value_field = MapValue(*field);
      for (json::key_value_pair& entry : value.get_object()) {
        SimplifyValue(value_field, &entry.value());
      }
    } else if (field->is_repeated()) {
      if (!value.is_array()) continue;
      for (json::value& element : value.get_array()) SimplifyValue(*field, &element);
    } else {
      SimplifyValue(*field, &value);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Decode: wire strings -> canonical enum names; unknown strings and nulls removed.

enum class Edit { kKeep, kChanged, kRemove };

bool ExpandMessage(const Descriptor& type, json::object* object);

Edit ExpandEnum(const EnumDescriptor& type, json::value* value) {
  if (!value->is_string()) return Edit::kKeep;  // Integers (and type errors) go to protobuf.
  const std::string_view text = View(value->get_string());
  if (type.FindValueByName(std::string(text)) != nullptr) return Edit::kKeep;
  const EnumValueDescriptor* found = EnumFromWireString(type, text);
  if (found == nullptr) return Edit::kRemove;
  *value = found->name();
  return Edit::kChanged;
}

// One singular value (or repeated element, or map value) of `field`.
Edit ExpandValue(const FieldDescriptor& field, json::value* value) {
  if (value->is_null()) return NullIsAValue(field) ? Edit::kKeep : Edit::kRemove;
  if (field.type() == FieldDescriptor::TYPE_ENUM) return ExpandEnum(*field.enum_type(), value);
  if (field.type() == FieldDescriptor::TYPE_MESSAGE && value->is_object() &&
      !HasSpecialJson(*field.message_type())) {
    return ExpandMessage(*field.message_type(), &value->get_object()) ? Edit::kChanged
                                                                      : Edit::kKeep;
  }
  return Edit::kKeep;
}

// Returns whether `object` changed.
bool ExpandMessage(const Descriptor& type, json::object* object) {
  bool changed = false;
  std::vector<std::string> removed_keys;
  for (json::key_value_pair& member : *object) {
    const std::string_view key(member.key().data(), member.key().size());
    const FieldDescriptor* field = FindField(type, key);
    if (field == nullptr) continue;  // Unknown fields are ignored by the parser.
    json::value& value = member.value();
    if (field->is_map() || field->is_repeated()) {
      if (value.is_null()) {
        removed_keys.emplace_back(key);
      } else if (field->is_map() && value.is_object()) {
        const FieldDescriptor& value_field = MapValue(*field);
        std::vector<std::string> removed_entries;
        for (json::key_value_pair& entry : value.get_object()) {
          const Edit edit = ExpandValue(value_field, &entry.value());
          if (edit == Edit::kRemove) {
            removed_entries.emplace_back(entry.key().data(), entry.key().size());
          }
          changed |= edit != Edit::kKeep;
        }
        for (const std::string& entry_key : removed_entries) value.get_object().erase(entry_key);
      } else if (!field->is_map() && value.is_array()) {
        json::array& array = value.get_array();
        for (auto it = array.begin(); it != array.end();) {
          const Edit edit = ExpandValue(*field, &*it);
          changed |= edit != Edit::kKeep;
          it = edit == Edit::kRemove ? array.erase(it) : it + 1;
        }
      } else if (!field->is_map()) {
        // protobuf's parser takes a lone value for a repeated field as a one-element list.
        const Edit edit = ExpandValue(*field, &value);
        if (edit == Edit::kRemove) removed_keys.emplace_back(key);
        changed |= edit != Edit::kKeep;
      }
    } else {
      const Edit edit = ExpandValue(*field, &value);
      if (edit == Edit::kRemove) removed_keys.emplace_back(key);
      changed |= edit != Edit::kKeep;
    }
  }
  for (const std::string& key : removed_keys) object->erase(key);
  return changed || !removed_keys.empty();
}

// ---------------------------------------------------------------------------------------------
// Timestamps outside RFC 3339. protobuf's printer refuses them without the field's path (and logs
// warnings); its parser accepts a time whose UTC offset moves it past year 9999 or before year 1
// ("9999-12-31T23:30:00-01:00"). Both directions check every Timestamp first, by reflection.

constexpr int64_t kMinTimestampSeconds = -62'135'596'800;  // 0001-01-01T00:00:00Z
constexpr int64_t kMaxTimestampSeconds = 253'402'300'799;  // 9999-12-31T23:59:59Z
constexpr int32_t kMaxTimestampNanos = 999'999'999;

// The text of a map entry's key, as it appears in a path: "["k"]", "[7]", "[true]".
std::string MapKeyPath(const google::protobuf::Message& entry) {
  const FieldDescriptor& key = *entry.GetDescriptor()->map_key();
  const google::protobuf::Reflection& r = *entry.GetReflection();
  switch (key.cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING: {
      std::string out = "[";
      connectrpc::protocol::AppendJsonString(r.GetString(entry, &key), &out);
      return out + "]";
    }
    case FieldDescriptor::CPPTYPE_INT32:
      return "[" + std::to_string(r.GetInt32(entry, &key)) + "]";
    case FieldDescriptor::CPPTYPE_INT64:
      return "[" + std::to_string(r.GetInt64(entry, &key)) + "]";
    case FieldDescriptor::CPPTYPE_UINT32:
      return "[" + std::to_string(r.GetUInt32(entry, &key)) + "]";
    case FieldDescriptor::CPPTYPE_UINT64:
      return "[" + std::to_string(r.GetUInt64(entry, &key)) + "]";
    case FieldDescriptor::CPPTYPE_BOOL:
      return r.GetBool(entry, &key) ? "[true]" : "[false]";
    default:
      return "[?]";
  }
}

// Whether `message` (a Timestamp) is in range; if not, says in *problem what it holds.
bool TimestampInRange(const google::protobuf::Message& message, std::string* problem) {
  const Descriptor& type = *message.GetDescriptor();
  const google::protobuf::Reflection& r = *message.GetReflection();
  const FieldDescriptor* seconds_field = type.FindFieldByNumber(1);
  const FieldDescriptor* nanos_field = type.FindFieldByNumber(2);
  if (seconds_field == nullptr || nanos_field == nullptr) return true;
  const int64_t seconds = r.GetInt64(message, seconds_field);
  const int32_t nanos = r.GetInt32(message, nanos_field);
  if (seconds >= kMinTimestampSeconds && seconds <= kMaxTimestampSeconds && nanos >= 0 &&
      nanos <= kMaxTimestampNanos) {
    return true;
  }
  *problem = "Timestamp out of range (seconds " + std::to_string(seconds) + ", nanos " +
             std::to_string(nanos) +
             "): want 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z, nanos in [0, "
             "999999999]";
  return false;
}

// Finds the first Timestamp in `message` (itself included) outside the range; says in *problem
// where (proto field names: "inner.created_at", "times[2]", "by_key["k"]") and what it holds.
// Any is not looked into: its JSON needs a type resolver, and protobuf's printer checks it.
bool FindTimestampOutOfRange(const google::protobuf::Message& message, const std::string& path,
                             std::string* problem) {
  const Descriptor& type = *message.GetDescriptor();
  if (type.well_known_type() == Descriptor::WELLKNOWNTYPE_TIMESTAMP) {
    if (TimestampInRange(message, problem)) return false;
    if (!path.empty()) *problem = path + ": " + *problem;
    return true;
  }
  const google::protobuf::Reflection& r = *message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  r.ListFields(message, &fields);
  for (const FieldDescriptor* field : fields) {
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) continue;
    const std::string field_path = path.empty() ? field->name() : path + "." + field->name();
    if (field->is_map()) {
      const FieldDescriptor& value = MapValue(*field);
      if (value.cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) continue;
      for (int i = 0; i < r.FieldSize(message, field); ++i) {
        const google::protobuf::Message& entry = r.GetRepeatedMessage(message, field, i);
        if (FindTimestampOutOfRange(entry.GetReflection()->GetMessage(entry, &value),
                                    field_path + MapKeyPath(entry), problem)) {
          return true;
        }
      }
    } else if (field->is_repeated()) {
      for (int i = 0; i < r.FieldSize(message, field); ++i) {
        if (FindTimestampOutOfRange(r.GetRepeatedMessage(message, field, i),
                                    field_path + "[" + std::to_string(i) + "]", problem)) {
          return true;
        }
      }
    } else if (FindTimestampOutOfRange(r.GetMessage(message, field), field_path, problem)) {
      return true;
    }
  }
  return false;
}

// ---------------------------------------------------------------------------------------------

class DialectCodecImpl final : public connectrpc::Codec {
 public:
  std::string_view name() const override { return "json"; }

  connectrpc::Status Marshal(const google::protobuf::Message& message,
                             std::string* out) const override {
    out->clear();
    if (std::string problem; FindTimestampOutOfRange(message, "", &problem)) {
      return connectrpc::Status(
          connectrpc::Code::kInternal,
          "marshal " + message.GetDescriptor()->full_name() + " to JSON: " + problem);
    }
    google::protobuf::util::JsonPrintOptions options;
    options.preserve_proto_field_names = true;
    options.always_print_primitive_fields = true;
    options.add_whitespace = false;
    std::string canonical;
    const auto status = google::protobuf::util::MessageToJsonString(message, &canonical, options);
    const Descriptor& type = *message.GetDescriptor();
    if (!status.ok()) {
      return connectrpc::Status(
          connectrpc::Code::kInternal,
          "marshal " + type.full_name() + " to JSON: " + status.message().ToString());
    }
    if (HasSpecialJson(type)) {
      *out = std::move(canonical);
      return connectrpc::Status();
    }
    boost::system::error_code error;
    json::parse_options parse_options;
    parse_options.max_depth = kMaxJsonDepth;
    unsigned char arena[kArenaBytes];
    json::monotonic_resource resource(arena, sizeof(arena));
    json::value tree = json::parse(json::string_view(canonical.data(), canonical.size()), error,
                                   json::storage_ptr(&resource), parse_options);
    if (error || !tree.is_object()) {
      return connectrpc::Status(
          connectrpc::Code::kInternal,
          "marshal " + type.full_name() +
              " to JSON: cannot re-read protobuf's output: " + error.message());
    }
    SimplifyMessage(type, &tree.get_object());
    out->reserve(canonical.size());
    AppendValue(tree, out);
    return connectrpc::Status();
  }

  connectrpc::Status Unmarshal(std::string_view data,
                               google::protobuf::Message* message) const override {
    message->Clear();
    const Descriptor& type = *message->GetDescriptor();
    if (data.empty()) return connectrpc::Status();  // As TS and Python: an empty message.
    std::string rewritten;
    std::string_view input = data;
    if (!HasSpecialJson(type)) {
      boost::system::error_code error;
      json::parse_options parse_options;
      parse_options.max_depth = kMaxJsonDepth;
      unsigned char arena[kArenaBytes];
      json::monotonic_resource resource(arena, sizeof(arena));
      json::value tree = json::parse(json::string_view(data.data(), data.size()), error,
                                     json::storage_ptr(&resource), parse_options);
      if (error) {
        return connectrpc::Status(
            connectrpc::Code::kInvalidArgument,
            "invalid JSON: " + error.message() + " (unmarshal into " + type.full_name() + ")");
      }
      if (!tree.is_object()) {
        return connectrpc::Status(connectrpc::Code::kInvalidArgument,
                                  "invalid JSON: expected an object for " + type.full_name());
      }
      if (ExpandMessage(type, &tree.get_object())) {
        AppendValue(tree, &rewritten);
        input = rewritten;
      }
    }
    // From here the dialect is plain proto3 JSON: the runtime's codec reads it.
    if (connectrpc::Status status = connectrpc::JsonCodec().Unmarshal(input, message);
        !status.ok()) {
      message->Clear();
      return status;
    }
    if (std::string problem; FindTimestampOutOfRange(*message, "", &problem)) {
      message->Clear();
      return connectrpc::Status(connectrpc::Code::kInvalidArgument,
                                "unmarshal into " + type.full_name() + " from JSON: " + problem);
    }
    return connectrpc::Status();
  }
};

}  // namespace

const connectrpc::Codec& DialectCodec() {
  static const DialectCodecImpl* const codec = new DialectCodecImpl();
  return *codec;
}

std::string EnumPrefix(std::string_view enum_simple_name) {
  const std::string_view name = enum_simple_name;
  std::string prefix;
  prefix.reserve(name.size() + 4);
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    if (i > 0 && IsAsciiUpper(c) && prefix.back() != '_') {
      const bool previous_lower = IsAsciiLower(name[i - 1]);
      const bool next_lower = i + 1 < name.size() && IsAsciiLower(name[i + 1]);
      if (previous_lower || next_lower) prefix.push_back('_');
    }
    prefix.push_back(ToAsciiUpper(c));
  }
  prefix.push_back('_');
  return prefix;
}

std::string EnumWireString(const google::protobuf::EnumValueDescriptor& value) {
  const std::string& name = value.name();
  const std::string prefix = EnumPrefix(value.type()->name());
  if (name.size() >= prefix.size() && name.compare(0, prefix.size(), prefix) == 0) {
    return AsciiLower(std::string_view(name).substr(prefix.size()));
  }
  return AsciiLower(name);
}

const google::protobuf::EnumValueDescriptor* EnumFromWireString(
    const google::protobuf::EnumDescriptor& type, std::string_view text) {
  if (const EnumValueDescriptor* value = type.FindValueByName(std::string(text))) return value;
  std::string name = EnumPrefix(type.name());
  name.reserve(name.size() + text.size());
  for (const char c : text) name.push_back(ToAsciiUpper(c));
  return type.FindValueByName(name);
}

}  // namespace transcodely
