// The JSON codec's fast path against protobuf's json_util on randomly filled messages: both
// outputs must be the same JSON, protobuf must read ours back to the original message, and our
// Unmarshal must read both outputs back to it.
#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <google/protobuf/util/field_comparator.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <limits>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

#include "codec/json_message_info.h"
#include "connectrpc/codec.h"
#include "connectrpc/jsontest/v1/json_codec_test.pb.h"

namespace connectrpc {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;
namespace json = boost::json;

class RandomFiller {
 public:
  explicit RandomFiller(uint32_t seed) : rng_(seed) {}

  void Fill(Message* message, int depth) {
    const auto* descriptor = message->GetDescriptor();
    const Reflection* reflection = message->GetReflection();
    for (int i = 0; i < descriptor->field_count(); ++i) {
      const FieldDescriptor* field = descriptor->field(i);
      // Half of the scalar fields; messages less often the deeper they are.
      const int odds = field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE ? 3 - depth : 2;
      if (Uniform(0, 3) >= odds) continue;
      if (field->is_repeated()) {
        const int count = Uniform(0, 3);
        for (int k = 0; k < count; ++k) {
          if (field->is_map()) {
            Message* entry = reflection->AddMessage(message, field);
            SetValue(entry, entry->GetReflection(), field->message_type()->map_key(), false, depth);
            SetValue(entry, entry->GetReflection(), field->message_type()->map_value(), false,
                     depth);
          } else {
            SetValue(message, reflection, field, true, depth);
          }
        }
      } else {
        SetValue(message, reflection, field, false, depth);
      }
    }
  }

 private:
  int Uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }

  template <typename T>
  T Integer() {
    constexpr T kEdges[] = {0,
                            1,
                            static_cast<T>(-1),
                            std::numeric_limits<T>::min(),
                            std::numeric_limits<T>::max(),
                            static_cast<T>(42)};
    if (Uniform(0, 1)) return kEdges[Uniform(0, 5)];
    return std::uniform_int_distribution<T>(std::numeric_limits<T>::min(),
                                            std::numeric_limits<T>::max())(rng_);
  }

  template <typename T>
  T Floating() {
    using L = std::numeric_limits<T>;
    const T edges[] = {0,
                       static_cast<T>(-0.0),
                       1,
                       -1,
                       L::max(),
                       L::lowest(),
                       L::min(),
                       L::denorm_min(),
                       -L::denorm_min(),
                       L::quiet_NaN(),
                       L::infinity(),
                       -L::infinity(),
                       static_cast<T>(0.1),
                       static_cast<T>(1e10),
                       static_cast<T>(123.456)};
    switch (Uniform(0, 2)) {
      case 0:
        return edges[Uniform(0, static_cast<int>(std::size(edges)) - 1)];
      case 1: {
        // Any bit pattern but a NaN's (protobuf prints every NaN as "NaN" anyway).
        using Bits = std::conditional_t<sizeof(T) == 4, uint32_t, uint64_t>;
        const Bits bits = Integer<Bits>();
        T value;
        std::memcpy(&value, &bits, sizeof(value));
        return std::isnan(value) ? T(0) : value;
      }
      default:
        return std::uniform_real_distribution<T>(-1e6, 1e6)(rng_);
    }
  }

  std::string String() {
    static const char* const kEdges[] = {"",
                                         "a",
                                         "h\xc3\xa9llo",
                                         "\xe6\x97\xa5\xe6\x9c\xac",
                                         "\xf0\x9f\x98\x80",
                                         "\"\\/\b\f\n\r\t",
                                         "\x01\x1f\x7f",
                                         "</script>",
                                         "\xe2\x80\xa8\xe2\x80\xa9",
                                         "null"};
    if (Uniform(0, 1)) return kEdges[Uniform(0, 9)];
    std::string s;
    const int n = Uniform(0, 12);
    for (int i = 0; i < n; ++i) {
      const int kind = Uniform(0, 9);
      if (kind == 0) {
        s += kEdges[Uniform(0, 9)];
      } else if (kind == 1) {
        s.push_back(static_cast<char>(Uniform(0, 0x1f)));
      } else {
        s.push_back(static_cast<char>(Uniform(0x20, 0x7e)));
      }
    }
    return s;
  }

  std::string Bytes() {
    std::string s;
    const int n = Uniform(0, 8);
    for (int i = 0; i < n; ++i) s.push_back(static_cast<char>(Uniform(0, 255)));
    return s;
  }

  int EnumNumber(const FieldDescriptor* field) {
    const auto* type = field->enum_type();
    if (Uniform(0, 4) == 0) return Uniform(-3, 100);  // maybe unknown
    return type->value(Uniform(0, type->value_count() - 1))->number();
  }

  void SetValue(Message* m, const Reflection* r, const FieldDescriptor* f, bool add, int depth) {
    switch (f->cpp_type()) {
      case FieldDescriptor::CPPTYPE_INT32:
        add ? r->AddInt32(m, f, Integer<int32_t>()) : r->SetInt32(m, f, Integer<int32_t>());
        break;
      case FieldDescriptor::CPPTYPE_INT64:
        add ? r->AddInt64(m, f, Integer<int64_t>()) : r->SetInt64(m, f, Integer<int64_t>());
        break;
      case FieldDescriptor::CPPTYPE_UINT32:
        add ? r->AddUInt32(m, f, Integer<uint32_t>()) : r->SetUInt32(m, f, Integer<uint32_t>());
        break;
      case FieldDescriptor::CPPTYPE_UINT64:
        add ? r->AddUInt64(m, f, Integer<uint64_t>()) : r->SetUInt64(m, f, Integer<uint64_t>());
        break;
      case FieldDescriptor::CPPTYPE_FLOAT:
        add ? r->AddFloat(m, f, Floating<float>()) : r->SetFloat(m, f, Floating<float>());
        break;
      case FieldDescriptor::CPPTYPE_DOUBLE:
        add ? r->AddDouble(m, f, Floating<double>()) : r->SetDouble(m, f, Floating<double>());
        break;
      case FieldDescriptor::CPPTYPE_BOOL:
        add ? r->AddBool(m, f, Uniform(0, 1)) : r->SetBool(m, f, Uniform(0, 1));
        break;
      case FieldDescriptor::CPPTYPE_ENUM:
        add ? r->AddEnumValue(m, f, EnumNumber(f)) : r->SetEnumValue(m, f, EnumNumber(f));
        break;
      case FieldDescriptor::CPPTYPE_STRING: {
        std::string value = f->type() == FieldDescriptor::TYPE_BYTES ? Bytes() : String();
        add ? r->AddString(m, f, std::move(value)) : r->SetString(m, f, std::move(value));
        break;
      }
      case FieldDescriptor::CPPTYPE_MESSAGE:
        Fill(add ? r->AddMessage(m, f) : r->MutableMessage(m, f), depth + 1);
        break;
    }
  }

  std::mt19937 rng_;
};

double AsDouble(const json::value& v) {
  if (v.is_int64()) return static_cast<double>(v.get_int64());
  if (v.is_uint64()) return static_cast<double>(v.get_uint64());
  return v.get_double();
}

// JSON equality with numbers compared by value: equal as doubles, or as floats (the two printers
// may choose different digits for a float that both read back to it).
bool JsonEqual(const json::value& a, const json::value& b) {
  if (a.is_number() && b.is_number()) {
    const double x = AsDouble(a);
    const double y = AsDouble(b);
    return x == y || static_cast<float>(x) == static_cast<float>(y);
  }
  if (a.kind() != b.kind()) return false;
  if (a.is_object()) {
    const auto& x = a.get_object();
    const auto& y = b.get_object();
    if (x.size() != y.size()) return false;
    for (const auto& member : x) {
      const auto* other = y.if_contains(member.key());
      if (other == nullptr || !JsonEqual(member.value(), *other)) return false;
    }
    return true;
  }
  if (a.is_array()) {
    const auto& x = a.get_array();
    const auto& y = b.get_array();
    if (x.size() != y.size()) return false;
    for (size_t i = 0; i < x.size(); ++i) {
      if (!JsonEqual(x[i], y[i])) return false;
    }
    return true;
  }
  return a == b;
}

bool SameMessage(const Message& a, const Message& b, std::string* report) {
  google::protobuf::util::DefaultFieldComparator comparator;
  comparator.set_treat_nan_as_equal(true);
  google::protobuf::util::MessageDifferencer differencer;
  differencer.set_field_comparator(&comparator);
  differencer.ReportDifferencesToString(report);
  return differencer.Compare(a, b);
}

TEST(JsonFastPathDifferentialTest, MatchesProtobufJsonUtil) {
  using connectrpc::jsontest::v1::Everything;
  ASSERT_NE(internal::FindJsonMessageInfo(Everything::descriptor()), nullptr);
  RandomFiller filler(20261202);
  google::protobuf::util::JsonPrintOptions print_options;
  google::protobuf::util::JsonParseOptions parse_options;
  parse_options.ignore_unknown_fields = true;
  constexpr int kIterations = 3000;
  int non_empty = 0;
  for (int i = 0; i < kIterations; ++i) {
    Everything original;
    filler.Fill(&original, 0);
    // Through the binary form, so that repeated map keys collapse as any parser would.
    Everything message;
    ASSERT_TRUE(message.ParseFromString(original.SerializeAsString()));
    if (message.ByteSizeLong() > 0) ++non_empty;

    std::string ours;
    const Status marshalled = JsonCodec().Marshal(message, &ours);
    ASSERT_TRUE(marshalled.ok()) << marshalled.message();
    std::string theirs;
    ASSERT_TRUE(google::protobuf::util::MessageToJsonString(message, &theirs, print_options).ok());

    boost::system::error_code ec;
    const json::value our_value = json::parse(ours, ec);
    ASSERT_FALSE(ec) << ours;
    const json::value their_value = json::parse(theirs, ec);
    ASSERT_FALSE(ec) << theirs;
    ASSERT_TRUE(JsonEqual(our_value, their_value))
        << "iteration " << i << "\nours:   " << ours << "\ntheirs: " << theirs;

    std::string report;
    Everything by_protobuf;
    ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(ours, &by_protobuf, parse_options).ok())
        << ours;
    ASSERT_TRUE(SameMessage(message, by_protobuf, &report)) << ours << "\n" << report;

    Everything by_us;
    const Status parsed = JsonCodec().Unmarshal(ours, &by_us);
    ASSERT_TRUE(parsed.ok()) << parsed.message() << "\n" << ours;
    ASSERT_TRUE(SameMessage(message, by_us, &report)) << ours << "\n" << report;

    Everything theirs_by_us;
    const Status parsed_theirs = JsonCodec().Unmarshal(theirs, &theirs_by_us);
    ASSERT_TRUE(parsed_theirs.ok()) << parsed_theirs.message() << "\n" << theirs;
    ASSERT_TRUE(SameMessage(message, theirs_by_us, &report)) << theirs << "\n" << report;
  }
  // The filler must not degenerate into empty messages.
  EXPECT_GT(non_empty, kIterations / 2);
}

// Damaged JSON (bytes changed, dropped or cut off) is accepted or rejected cleanly: a rejected
// input leaves the message empty, an accepted one gives a message the codec can write again.
TEST(JsonFastPathDifferentialTest, DamagedInputFailsCleanly) {
  using connectrpc::jsontest::v1::Everything;
  RandomFiller filler(7);
  std::mt19937 rng(11);
  static constexpr char kJunk[] = "{}[]\",:0123456789-+.eE\\ntfu \xff\xc3";
  int rejected = 0;
  for (int i = 0; i < 3000; ++i) {
    Everything message;
    filler.Fill(&message, 0);
    std::string json;
    ASSERT_TRUE(JsonCodec().Marshal(message, &json).ok());
    if (json.size() < 2) continue;
    const size_t at = std::uniform_int_distribution<size_t>(0, json.size() - 1)(rng);
    switch (i % 3) {
      case 0:
        json[at] = kJunk[std::uniform_int_distribution<size_t>(0, sizeof(kJunk) - 2)(rng)];
        break;
      case 1:
        json.erase(at, 1);
        break;
      default:
        json.resize(at);
    }
    Everything parsed;
    const Status status = JsonCodec().Unmarshal(json, &parsed);
    if (status.ok()) {
      std::string again;
      EXPECT_TRUE(JsonCodec().Marshal(parsed, &again).ok()) << json;
    } else {
      ++rejected;
      EXPECT_EQ(status.code(), Code::kInvalidArgument);
      EXPECT_EQ(parsed.ByteSizeLong(), 0u) << json;
    }
  }
  EXPECT_GT(rejected, 1000);
}

}  // namespace
}  // namespace connectrpc
