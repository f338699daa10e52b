// FastJsonUnmarshal: proto3 JSON into messages through reflection, on a parsed boost::json value.
#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include "codec/json_fast_codec.h"
#include "codec/json_value_parser.h"
#include "util/base64.h"

namespace connectrpc::internal {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;
namespace json = boost::json;

// A short rendering of a JSON value for error messages.
std::string Describe(const json::value& value) {
  switch (value.kind()) {
    case json::kind::object:
      return "an object";
    case json::kind::array:
      return "an array";
    case json::kind::null:
      return "null";
    default: {
      std::string text = json::serialize(value);
      if (text.size() > 40) text = text.substr(0, 37) + "...";
      return text;
    }
  }
}

// The whole of `text` as a decimal integer of type T ("-" allowed for signed types only).
template <typename T>
std::optional<T> ParseDecimal(std::string_view text) {
  if (text.empty()) return std::nullopt;
  if (text[0] == '-' && !std::numeric_limits<T>::is_signed) return std::nullopt;
  T value;
  const char* end = text.data() + text.size();
  const auto result = std::from_chars(text.data(), end, value);
  if (result.ec != std::errc() || result.ptr != end) return std::nullopt;
  return value;
}

// A JSON number, or a string with a number, as a double; "NaN", "Infinity" and "-Infinity" too.
std::optional<double> ToDouble(const json::value& value) {
  switch (value.kind()) {
    case json::kind::int64:
      return static_cast<double>(value.get_int64());
    case json::kind::uint64:
      return static_cast<double>(value.get_uint64());
    case json::kind::double_:
      // A number too large for a double.
      if (!std::isfinite(value.get_double())) return std::nullopt;
      return value.get_double();
    case json::kind::string: {
      const std::string_view text = value.get_string();
      if (text == "NaN") return std::numeric_limits<double>::quiet_NaN();
      if (text == "Infinity") return std::numeric_limits<double>::infinity();
      if (text == "-Infinity") return -std::numeric_limits<double>::infinity();
      // No "inf", "nan", hexadecimal, "+" or spaces: a decimal number only.
      if (text.empty() || !(text[0] == '-' || text[0] == '.' || (text[0] >= '0' && text[0] <= '9')))
        return std::nullopt;
      double result;
      const char* end = text.data() + text.size();
      const auto parsed = std::from_chars(text.data(), end, result, std::chars_format::general);
      if (parsed.ec != std::errc() || parsed.ptr != end || !std::isfinite(result))
        return std::nullopt;
      return result;
    }
    default:
      return std::nullopt;
  }
}

// A JSON number or decimal string as an integer of type T, if it is one and in range.
template <typename T>
std::optional<T> ToInteger(const json::value& value) {
  constexpr auto kMin = std::numeric_limits<T>::min();
  constexpr auto kMax = std::numeric_limits<T>::max();
  switch (value.kind()) {
    case json::kind::int64: {
      const int64_t v = value.get_int64();
      if constexpr (std::numeric_limits<T>::is_signed) {
        if (v < static_cast<int64_t>(kMin) || v > static_cast<int64_t>(kMax)) return std::nullopt;
      } else {
        if (v < 0 || static_cast<uint64_t>(v) > static_cast<uint64_t>(kMax)) return std::nullopt;
      }
      return static_cast<T>(v);
    }
    case json::kind::uint64: {
      const uint64_t v = value.get_uint64();
      if (v > static_cast<uint64_t>(kMax)) return std::nullopt;
      return static_cast<T>(v);
    }
    case json::kind::double_: {
      const double v = value.get_double();
      if (!std::isfinite(v) || std::trunc(v) != v) return std::nullopt;
      // kMax + 1 is a power of two, exact as a double; kMin is one too, or zero.
      // NOLINTNEXTLINE(bugprone-integer-division): for kMax = 2^n - 1, kMax / 2 + 1 is 2^(n-1)
      const double upper = static_cast<double>(kMax / 2 + 1) * 2.0;
      if (v < static_cast<double>(kMin) || v >= upper) return std::nullopt;
      return static_cast<T>(v);
    }
    case json::kind::string:
      return ParseDecimal<T>(value.get_string());
    default:
      return std::nullopt;
  }
}

enum class SetResult { kSet, kSkipped, kError };

class JsonReader {
 public:
  const std::string& error() const { return error_; }

  bool ReadMessage(const json::object& object, const JsonMessageInfo& info, Message* message,
                   int depth) {
    if (depth > kJsonMaxMessageDepth) {
      error_ = "message nesting deeper than " + std::to_string(kJsonMaxMessageDepth) + " at " +
               info.descriptor->full_name();
      return false;
    }
    const Reflection* reflection = message->GetReflection();
    for (const auto& member : object) {
      const auto it = info.by_name.find(std::string_view(member.key()));
      if (it == info.by_name.end()) continue;  // Unknown fields are ignored.
      const JsonFieldInfo& f = *it->second;
      const json::value& value = member.value();
      if (value.is_null()) continue;  // The default value.
      if (f.real_oneof != nullptr && reflection->HasOneof(*message, f.real_oneof)) {
        error_ = "field " + f.field->full_name() + ": another field of oneof " +
                 f.real_oneof->name() + " is already set";
        return false;
      }
      if (!ReadField(value, f, message, reflection, depth)) return false;
    }
    return true;
  }

 private:
  bool ReadField(const json::value& value, const JsonFieldInfo& f, Message* message,
                 const Reflection* reflection, int depth) {
    const FieldDescriptor* field = f.field;
    if (field->is_map()) {
      if (!value.is_object()) return Fail(field, "expected an object, got " + Describe(value));
      for (const auto& member : value.get_object()) {
        if (member.value().is_null()) return Fail(field, "null is not a valid map value");
        Message* entry = reflection->AddMessage(message, field);
        const Reflection* entry_reflection = entry->GetReflection();
        if (!ReadMapKey(member.key(), field, f.map_key, entry, entry_reflection)) return false;
        const SetResult result = ReadValue(member.value(), f.map_value, f.message, entry,
                                           entry_reflection, false, depth);
        if (result == SetResult::kError) return false;
        if (result == SetResult::kSkipped) reflection->RemoveLast(message, field);
      }
      return true;
    }
    if (field->is_repeated()) {
      if (!value.is_array()) return Fail(field, "expected an array, got " + Describe(value));
      for (const json::value& element : value.get_array()) {
        if (element.is_null()) return Fail(field, "null is not a valid repeated element");
        if (ReadValue(element, field, f.message, message, reflection, true, depth) ==
            SetResult::kError) {
          return false;
        }
      }
      return true;
    }
    return ReadValue(value, field, f.message, message, reflection, false, depth) !=
           SetResult::kError;
  }

  bool ReadMapKey(std::string_view key, const FieldDescriptor* map_field,
                  const FieldDescriptor* key_field, Message* entry, const Reflection* reflection) {
    const auto bad_key = [&] {
      return Fail(map_field, "invalid map key \"" + std::string(key.substr(0, 40)) + "\"");
    };
    switch (key_field->cpp_type()) {
      case FieldDescriptor::CPPTYPE_STRING:
        reflection->SetString(entry, key_field, std::string(key));
        return true;
      case FieldDescriptor::CPPTYPE_BOOL:
        if (key == "true") {
          reflection->SetBool(entry, key_field, true);
        } else if (key == "false") {
          reflection->SetBool(entry, key_field, false);
        } else {
          return bad_key();
        }
        return true;
      case FieldDescriptor::CPPTYPE_INT32:
        if (const auto v = ParseDecimal<int32_t>(key)) {
          reflection->SetInt32(entry, key_field, *v);
          return true;
        }
        return bad_key();
      case FieldDescriptor::CPPTYPE_INT64:
        if (const auto v = ParseDecimal<int64_t>(key)) {
          reflection->SetInt64(entry, key_field, *v);
          return true;
        }
        return bad_key();
      case FieldDescriptor::CPPTYPE_UINT32:
        if (const auto v = ParseDecimal<uint32_t>(key)) {
          reflection->SetUInt32(entry, key_field, *v);
          return true;
        }
        return bad_key();
      case FieldDescriptor::CPPTYPE_UINT64:
        if (const auto v = ParseDecimal<uint64_t>(key)) {
          reflection->SetUInt64(entry, key_field, *v);
          return true;
        }
        return bad_key();
      default:
        return bad_key();
    }
  }

  // One value of `field` into `message`: added to the repeated field if `add`, else set.
  SetResult ReadValue(const json::value& value, const FieldDescriptor* field,
                      const JsonMessageInfo* message_info, Message* message,
                      const Reflection* reflection, bool add, int depth) {
    const auto fail = [&](const char* expected) {
      Fail(field, std::string(expected) + ", got " + Describe(value));
      return SetResult::kError;
    };
    switch (field->cpp_type()) {
      case FieldDescriptor::CPPTYPE_INT32: {
        const auto v = ToInteger<int32_t>(value);
        if (!v) return fail("expected a 32-bit signed integer");
        add ? reflection->AddInt32(message, field, *v) : reflection->SetInt32(message, field, *v);
        return SetResult::kSet;
      }
      case FieldDescriptor::CPPTYPE_INT64: {
        const auto v = ToInteger<int64_t>(value);
        if (!v) return fail("expected a 64-bit signed integer");
        add ? reflection->AddInt64(message, field, *v) : reflection->SetInt64(message, field, *v);
        return SetResult::kSet;
      }
      case FieldDescriptor::CPPTYPE_UINT32: {
        const auto v = ToInteger<uint32_t>(value);
        if (!v) return fail("expected a 32-bit unsigned integer");
        add ? reflection->AddUInt32(message, field, *v) : reflection->SetUInt32(message, field, *v);
        return SetResult::kSet;
      }
      case FieldDescriptor::CPPTYPE_UINT64: {
        const auto v = ToInteger<uint64_t>(value);
        if (!v) return fail("expected a 64-bit unsigned integer");
        add ? reflection->AddUInt64(message, field, *v) : reflection->SetUInt64(message, field, *v);
        return SetResult::kSet;
      }
      case FieldDescriptor::CPPTYPE_DOUBLE: {
        const auto v = ToDouble(value);
        if (!v) return fail("expected a number");
        add ? reflection->AddDouble(message, field, *v) : reflection->SetDouble(message, field, *v);
        return SetResult::kSet;
      }
      case FieldDescriptor::CPPTYPE_FLOAT: {
        const auto v = ToDouble(value);
        if (!v) return fail("expected a number");
        // Up to half a unit in the last place above the largest float still rounds to it.
        constexpr double kFloatLimit =
            static_cast<double>(std::numeric_limits<float>::max()) + 0x1p103;
        if (std::isfinite(*v) && !(std::fabs(*v) < kFloatLimit))
          return fail("expected a number in the range of float");
        const auto f = static_cast<float>(*v);
        add ? reflection->AddFloat(message, field, f) : reflection->SetFloat(message, field, f);
        return SetResult::kSet;
      }
      case FieldDescriptor::CPPTYPE_BOOL: {
        if (!value.is_bool()) return fail("expected true or false");
        add ? reflection->AddBool(message, field, value.get_bool())
            : reflection->SetBool(message, field, value.get_bool());
        return SetResult::kSet;
      }
      case FieldDescriptor::CPPTYPE_ENUM: {
        int number;
        if (value.is_string()) {
          const auto* enum_value =
              field->enum_type()->FindValueByName(std::string(value.get_string()));
          // An unknown name is ignored like an unknown field.
          if (enum_value == nullptr) return SetResult::kSkipped;
          number = enum_value->number();
        } else if (const auto v = ToInteger<int32_t>(value)) {
          number = *v;
        } else {
          return fail("expected an enum value name or number");
        }
        add ? reflection->AddEnumValue(message, field, number)
            : reflection->SetEnumValue(message, field, number);
        return SetResult::kSet;
      }
      case FieldDescriptor::CPPTYPE_STRING: {
        if (!value.is_string()) {
          return fail(field->type() == FieldDescriptor::TYPE_BYTES ? "expected a base64 string"
                                                                   : "expected a string");
        }
        const std::string_view text = value.get_string();
        std::string bytes;
        if (field->type() == FieldDescriptor::TYPE_BYTES) {
          auto decoded = Base64Decode(text);
          if (!decoded) return fail("expected a base64 string");
          bytes = std::move(*decoded);
        } else {
          bytes.assign(text);
        }
        add ? reflection->AddString(message, field, std::move(bytes))
            : reflection->SetString(message, field, std::move(bytes));
        return SetResult::kSet;
      }
      case FieldDescriptor::CPPTYPE_MESSAGE: {
        if (!value.is_object()) return fail("expected an object");
        Message* child = add ? reflection->AddMessage(message, field)
                             : reflection->MutableMessage(message, field);
        return ReadMessage(value.get_object(), *message_info, child, depth + 1) ? SetResult::kSet
                                                                                : SetResult::kError;
      }
    }
    return fail("unsupported field type");
  }

  bool Fail(const FieldDescriptor* field, std::string reason) {
    error_ = "field " + field->full_name() + ": " + std::move(reason);
    return false;
  }

  std::string error_;
};

}  // namespace

Status FastJsonUnmarshal(std::string_view data, const JsonMessageInfo& info, Message* message) {
  message->Clear();
  const auto failure = [&](const std::string& reason) {
    message->Clear();
    return Status(Code::kInvalidArgument,
                  "unmarshal into " + info.descriptor->full_name() + " from JSON: " + reason);
  };
  // Small documents are parsed without touching the heap.
  unsigned char buffer[4096];
  json::monotonic_resource resource(buffer, sizeof(buffer));
  json::parse_options options;
  // Each message level takes at most two JSON levels (an array or a map, then the object).
  options.max_depth = 2 * kJsonMaxMessageDepth + 1;
  boost::system::error_code ec;
  const json::value root = ParseJsonValue(data, &resource, options, ec);
  if (ec) return failure("invalid JSON: " + ec.message());
  if (!root.is_object()) return failure("expected a JSON object, got " + Describe(root));
  JsonReader reader;
  if (!reader.ReadMessage(root.get_object(), info, message, 1)) return failure(reader.error());
  return Status();
}

}  // namespace connectrpc::internal
