// FastJsonMarshal: messages to proto3 JSON through reflection.
#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "codec/json_fast_codec.h"
#include "util/base64.h"
#include "util/json_string.h"
#include "util/utf8.h"

namespace connectrpc::internal {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// Appends `s` as a quoted JSON string, escaping only what JSON requires; false (with a partial
// output) if `s` is not valid UTF-8. (AppendJsonString in util/json_string.h would replace invalid bytes instead, and
// appends byte by byte; this copies runs.)
// The ASCII bytes a JSON string holds as they are.
constexpr std::array<bool, 256> MakePlainTable() {
  std::array<bool, 256> table{};
  for (int c = 0x20; c < 0x80; ++c) table[static_cast<size_t>(c)] = c != '"' && c != '\\';
  return table;
}
constexpr std::array<bool, 256> kPlain = MakePlainTable();

bool AppendUtf8JsonString(std::string_view s, std::string* out) {
  out->push_back('"');
  size_t run = 0;  // the start of the bytes not yet copied
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (kPlain[c]) {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      const size_t n = Utf8SequenceLength(s, i);
      if (n == 0) return false;
      i += n;
      continue;
    }
    out->append(s.data() + run, i - run);
    AppendJsonEscape(c, out);
    run = ++i;
  }
  out->append(s.data() + run, i - run);
  out->push_back('"');
  return true;
}

template <typename T>
void AppendNumber(T value, std::string* out) {
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  out->append(buffer, result.ptr);
}

template <typename T>
void AppendQuotedNumber(T value, std::string* out) {
  out->push_back('"');
  AppendNumber(value, out);
  out->push_back('"');
}

// Floats and doubles: the shortest form that reads back to the same value; the non-finite values
// as the strings proto3 JSON names them by.
template <typename T>
void AppendFloating(T value, std::string* out) {
  if (std::isnan(value)) {
    out->append("\"NaN\"");
  } else if (std::isinf(value)) {
    out->append(value > 0 ? "\"Infinity\"" : "\"-Infinity\"");
  } else if (value == 0 && std::signbit(value)) {
    // Not "-0": readers that take that for the integer 0 would lose the sign.
    out->append("-0.0");
  } else {
    AppendNumber(value, out);
  }
}

void AppendBase64(std::string_view bytes, std::string* out) {
  out->push_back('"');
  const std::string encoded = Base64Encode(bytes);
  out->append(encoded);
  out->append((4 - encoded.size() % 4) % 4, '=');
  out->push_back('"');
}

class JsonWriter {
 public:
  explicit JsonWriter(std::string* out) : out_(out) {}

  const std::string& error() const { return error_; }

  bool WriteMessage(const Message& message, const JsonMessageInfo& info, int depth) {
    if (depth > kJsonMaxMessageDepth) {
      error_ = "message nesting deeper than " + std::to_string(kJsonMaxMessageDepth) + " at " +
               info.descriptor->full_name();
      return false;
    }
    const Reflection* reflection = message.GetReflection();
    out_->push_back('{');
    bool first = true;
    for (const JsonFieldInfo& f : info.fields) {
      const FieldDescriptor* field = f.field;
      if (field->type() == FieldDescriptor::TYPE_STRING && !field->is_repeated() &&
          !field->has_presence()) {
        // The common case, with one reflection call rather than two.
        std::string scratch;
        const std::string& value = reflection->GetStringReference(message, field, &scratch);
        if (value.empty()) continue;
        if (!first) out_->push_back(',');
        first = false;
        out_->append(f.json_key);
        if (!WriteString(value, field)) return false;
        continue;
      }
      if (!IsPresent(message, reflection, field)) continue;
      if (!first) out_->push_back(',');
      first = false;
      out_->append(f.json_key);
      if (!WriteField(message, reflection, f, depth)) return false;
    }
    out_->push_back('}');
    return true;
  }

 private:
  // Whether proto3 JSON prints the field: set (fields with presence), non-empty (repeated and
  // maps) or non-default (the other scalars).
  static bool IsPresent(const Message& message, const Reflection* reflection,
                        const FieldDescriptor* field) {
    if (field->is_repeated()) return reflection->FieldSize(message, field) > 0;
    if (field->has_presence()) return reflection->HasField(message, field);
    switch (field->cpp_type()) {
      case FieldDescriptor::CPPTYPE_INT32:
        return reflection->GetInt32(message, field) != 0;
      case FieldDescriptor::CPPTYPE_INT64:
        return reflection->GetInt64(message, field) != 0;
      case FieldDescriptor::CPPTYPE_UINT32:
        return reflection->GetUInt32(message, field) != 0;
      case FieldDescriptor::CPPTYPE_UINT64:
        return reflection->GetUInt64(message, field) != 0;
      case FieldDescriptor::CPPTYPE_BOOL:
        return reflection->GetBool(message, field);
      case FieldDescriptor::CPPTYPE_ENUM:
        return reflection->GetEnumValue(message, field) != 0;
      case FieldDescriptor::CPPTYPE_FLOAT: {
        // Like the binary encoding: any bit set (so -0 too) counts.
        const float value = reflection->GetFloat(message, field);
        uint32_t bits;
        std::memcpy(&bits, &value, sizeof(bits));
        return bits != 0;
      }
      case FieldDescriptor::CPPTYPE_DOUBLE: {
        const double value = reflection->GetDouble(message, field);
        uint64_t bits;
        std::memcpy(&bits, &value, sizeof(bits));
        return bits != 0;
      }
      case FieldDescriptor::CPPTYPE_STRING: {
        std::string scratch;
        return !reflection->GetStringReference(message, field, &scratch).empty();
      }
      case FieldDescriptor::CPPTYPE_MESSAGE:
        return reflection->HasField(message, field);
    }
    return false;
  }

  bool WriteField(const Message& message, const Reflection* reflection, const JsonFieldInfo& f,
                  int depth) {
    const FieldDescriptor* field = f.field;
    if (field->is_map()) return WriteMap(message, reflection, f, depth);
    if (field->is_repeated()) {
      const int size = reflection->FieldSize(message, field);
      out_->push_back('[');
      for (int i = 0; i < size; ++i) {
        if (i > 0) out_->push_back(',');
        if (!WriteValue(message, reflection, field, f.message, i, depth)) return false;
      }
      out_->push_back(']');
      return true;
    }
    return WriteValue(message, reflection, field, f.message, -1, depth);
  }

  bool WriteMap(const Message& message, const Reflection* reflection, const JsonFieldInfo& f,
                int depth) {
    const int size = reflection->FieldSize(message, f.field);
    out_->push_back('{');
    for (int i = 0; i < size; ++i) {
      if (i > 0) out_->push_back(',');
      const Message& entry = reflection->GetRepeatedMessage(message, f.field, i);
      const Reflection* entry_reflection = entry.GetReflection();
      if (!WriteMapKey(entry, entry_reflection, f.map_key)) return false;
      out_->push_back(':');
      if (!WriteValue(entry, entry_reflection, f.map_value, f.message, -1, depth)) return false;
    }
    out_->push_back('}');
    return true;
  }

  bool WriteMapKey(const Message& entry, const Reflection* reflection, const FieldDescriptor* key) {
    switch (key->cpp_type()) {
      case FieldDescriptor::CPPTYPE_INT32:
        AppendQuotedNumber(reflection->GetInt32(entry, key), out_);
        return true;
      case FieldDescriptor::CPPTYPE_INT64:
        AppendQuotedNumber(reflection->GetInt64(entry, key), out_);
        return true;
      case FieldDescriptor::CPPTYPE_UINT32:
        AppendQuotedNumber(reflection->GetUInt32(entry, key), out_);
        return true;
      case FieldDescriptor::CPPTYPE_UINT64:
        AppendQuotedNumber(reflection->GetUInt64(entry, key), out_);
        return true;
      case FieldDescriptor::CPPTYPE_BOOL:
        out_->append(reflection->GetBool(entry, key) ? "\"true\"" : "\"false\"");
        return true;
      case FieldDescriptor::CPPTYPE_STRING: {
        std::string scratch;
        return WriteString(reflection->GetStringReference(entry, key, &scratch), key);
      }
      default:
        error_ = "unsupported map key type in " + key->full_name();
        return false;
    }
  }

  bool WriteString(std::string_view value, const FieldDescriptor* field) {
    if (AppendUtf8JsonString(value, out_)) return true;
    error_ = "string field " + field->full_name() + " is not valid UTF-8";
    return false;
  }

  // One value of `field`: the singular value if `index` is -1, else the element at `index`.
  bool WriteValue(const Message& message, const Reflection* reflection,
                  const FieldDescriptor* field, const JsonMessageInfo* message_info, int index,
                  int depth) {
    const bool one = index < 0;
    switch (field->cpp_type()) {
      case FieldDescriptor::CPPTYPE_INT32:
        AppendNumber(one ? reflection->GetInt32(message, field)
                         : reflection->GetRepeatedInt32(message, field, index),
                     out_);
        return true;
      case FieldDescriptor::CPPTYPE_UINT32:
        AppendNumber(one ? reflection->GetUInt32(message, field)
                         : reflection->GetRepeatedUInt32(message, field, index),
                     out_);
        return true;
      case FieldDescriptor::CPPTYPE_INT64:
        AppendQuotedNumber(one ? reflection->GetInt64(message, field)
                               : reflection->GetRepeatedInt64(message, field, index),
                           out_);
        return true;
      case FieldDescriptor::CPPTYPE_UINT64:
        AppendQuotedNumber(one ? reflection->GetUInt64(message, field)
                               : reflection->GetRepeatedUInt64(message, field, index),
                           out_);
        return true;
      case FieldDescriptor::CPPTYPE_FLOAT:
        AppendFloating(one ? reflection->GetFloat(message, field)
                           : reflection->GetRepeatedFloat(message, field, index),
                       out_);
        return true;
      case FieldDescriptor::CPPTYPE_DOUBLE:
        AppendFloating(one ? reflection->GetDouble(message, field)
                           : reflection->GetRepeatedDouble(message, field, index),
                       out_);
        return true;
      case FieldDescriptor::CPPTYPE_BOOL:
        out_->append((one ? reflection->GetBool(message, field)
                          : reflection->GetRepeatedBool(message, field, index))
                         ? "true"
                         : "false");
        return true;
      case FieldDescriptor::CPPTYPE_ENUM: {
        const int number = one ? reflection->GetEnumValue(message, field)
                               : reflection->GetRepeatedEnumValue(message, field, index);
        const auto* value = field->enum_type()->FindValueByNumber(number);
        if (value != nullptr) {
          out_->push_back('"');
          out_->append(value->name());
          out_->push_back('"');
        } else {
          AppendNumber(number, out_);
        }
        return true;
      }
      case FieldDescriptor::CPPTYPE_STRING: {
        std::string scratch;
        const std::string& value =
            one ? reflection->GetStringReference(message, field, &scratch)
                : reflection->GetRepeatedStringReference(message, field, index, &scratch);
        if (field->type() == FieldDescriptor::TYPE_BYTES) {
          AppendBase64(value, out_);
          return true;
        }
        return WriteString(value, field);
      }
      case FieldDescriptor::CPPTYPE_MESSAGE: {
        const Message& child = one ? reflection->GetMessage(message, field)
                                   : reflection->GetRepeatedMessage(message, field, index);
        return WriteMessage(child, *message_info, depth + 1);
      }
    }
    return false;
  }

  std::string* out_;
  std::string error_;
};

}  // namespace

Status FastJsonMarshal(const Message& message, const JsonMessageInfo& info, std::string* out) {
  out->clear();
  JsonWriter writer(out);
  if (!writer.WriteMessage(message, info, 1)) {
    out->clear();
    return Status(Code::kInternal,
                  "marshal " + info.descriptor->full_name() + " to JSON: " + writer.error());
  }
  return Status();
}

}  // namespace connectrpc::internal
