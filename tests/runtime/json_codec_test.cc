// The JSON codec's fast path against hand-written cases: which types take it, what it writes, and
// every input rule, accepted and rejected forms alike. Each input case is also given to protobuf's
// json_util, and the two must agree on accepting it unless the case says otherwise.
#include <google/protobuf/descriptor.pb.h>
#include <google/protobuf/util/field_comparator.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>
#include <google/protobuf/wrappers.pb.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "codec/json_message_info.h"
#include "connectrpc/codec.h"
#include "connectrpc/jsontest/v1/json_codec_test.pb.h"

namespace connectrpc {
namespace {

using connectrpc::jsontest::v1::Color;
using connectrpc::jsontest::v1::Everything;
using connectrpc::jsontest::v1::Maps;
using connectrpc::jsontest::v1::ReachesTimestamp;
using connectrpc::jsontest::v1::Repeateds;
using connectrpc::jsontest::v1::Scalars;
using connectrpc::jsontest::v1::Tree;
using connectrpc::jsontest::v1::WithTimestamp;

std::string Marshal(const google::protobuf::Message& message) {
  std::string out;
  const Status status = JsonCodec().Marshal(message, &out);
  EXPECT_TRUE(status.ok()) << status.message();
  return out;
}

std::string ProtobufMarshal(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  std::string out;
  EXPECT_TRUE(google::protobuf::util::MessageToJsonString(message, &out, options).ok());
  return out;
}

// First in the file, so that the threads race to decide these types for the first time.
TEST(JsonFastPathTest, ConcurrentFirstLookups) {
  std::vector<std::thread> threads;
  std::vector<const internal::JsonMessageInfo*> seen(8);
  for (size_t i = 0; i < seen.size(); ++i) {
    threads.emplace_back([&seen, i] {
      const auto* d = i % 2 ? Everything::descriptor() : ReachesTimestamp::descriptor();
      for (int k = 0; k < 1000; ++k) seen[i] = internal::FindJsonMessageInfo(d);
    });
  }
  for (auto& t : threads) t.join();
  for (size_t i = 0; i < seen.size(); ++i) {
    if (i % 2) {
      EXPECT_EQ(seen[i], seen[1]);
      EXPECT_NE(seen[i], nullptr);
    } else {
      EXPECT_EQ(seen[i], nullptr);
    }
  }
  // Everything's decision made its message fields' infos too.
  EXPECT_EQ(seen[1]->by_name.at("tree")->message,
            internal::FindJsonMessageInfo(Tree::descriptor()));
}

TEST(JsonFastPathTest, EligibleTypes) {
  EXPECT_NE(internal::FindJsonMessageInfo(Everything::descriptor()), nullptr);
  EXPECT_NE(internal::FindJsonMessageInfo(Scalars::descriptor()), nullptr);
  EXPECT_NE(internal::FindJsonMessageInfo(Repeateds::descriptor()), nullptr);
  EXPECT_NE(internal::FindJsonMessageInfo(Maps::descriptor()), nullptr);
  EXPECT_NE(internal::FindJsonMessageInfo(Tree::descriptor()), nullptr);
  // Decided once: the same info every time.
  EXPECT_EQ(internal::FindJsonMessageInfo(Tree::descriptor()),
            internal::FindJsonMessageInfo(Tree::descriptor()));
  const auto* tree = internal::FindJsonMessageInfo(Tree::descriptor());
  EXPECT_EQ(tree->by_name.at("left")->message, tree);
}

TEST(JsonFastPathTest, IneligibleTypes) {
  EXPECT_EQ(internal::FindJsonMessageInfo(WithTimestamp::descriptor()), nullptr);
  EXPECT_EQ(internal::FindJsonMessageInfo(ReachesTimestamp::descriptor()), nullptr);
  EXPECT_EQ(internal::FindJsonMessageInfo(google::protobuf::Timestamp::descriptor()), nullptr);
  EXPECT_EQ(internal::FindJsonMessageInfo(google::protobuf::StringValue::descriptor()), nullptr);
  EXPECT_EQ(internal::FindJsonMessageInfo(google::protobuf::FileDescriptorProto::descriptor()),
            nullptr);
  // Asking for the ineligible type first does not spoil the eligible one it reaches.
  EXPECT_NE(internal::FindJsonMessageInfo(Scalars::descriptor()), nullptr);
}

TEST(JsonFastPathTest, FallbackForWellKnownTypes) {
  WithTimestamp message;
  message.set_name("n");
  message.mutable_at()->set_seconds(1);
  EXPECT_EQ(Marshal(message), R"({"name":"n","at":"1970-01-01T00:00:01Z"})");
  EXPECT_EQ(Marshal(message), ProtobufMarshal(message));
  ReachesTimestamp outer;
  *outer.mutable_inner() = message;
  EXPECT_EQ(Marshal(outer), R"({"inner":{"name":"n","at":"1970-01-01T00:00:01Z"}})");
  WithTimestamp parsed;
  ASSERT_TRUE(JsonCodec().Unmarshal(R"({"at":"1970-01-01T00:00:02Z","name":"m"})", &parsed).ok());
  EXPECT_EQ(parsed.at().seconds(), 2);
  EXPECT_EQ(parsed.name(), "m");
  // The fallback's errors are as before.
  const Status status = JsonCodec().Unmarshal(R"({"at":"yesterday"})", &parsed);
  EXPECT_EQ(status.code(), Code::kInvalidArgument);
  EXPECT_EQ(
      status.message().rfind("unmarshal into connectrpc.jsontest.v1.WithTimestamp from JSON: ", 0),
      0u);
}

// protobuf 3.21's parser turns an empty key inside a repeated message into an unknown field (7,
// length-delimited); JSON cannot carry unknown fields, so none may come out of it.
TEST(JsonFastPathTest, FallbackLeavesNoUnknownFields) {
  ReachesTimestamp parsed;
  ASSERT_TRUE(JsonCodec().Unmarshal(R"({"items":[{"name":"a","":[{}]}]})", &parsed).ok());
  ASSERT_EQ(parsed.items_size(), 1);
  EXPECT_EQ(parsed.items(0).name(), "a");
  EXPECT_TRUE(parsed.items(0).GetReflection()->GetUnknownFields(parsed.items(0)).empty());
  WithTimestamp expected;
  expected.set_name("a");
  EXPECT_EQ(parsed.items(0).SerializeAsString(), expected.SerializeAsString());
}

TEST(JsonFastMarshalTest, EmptyAndDefaults) {
  Everything message;
  EXPECT_EQ(Marshal(message), "{}");
  message.mutable_scalars();
  message.mutable_empty_message();
  EXPECT_EQ(Marshal(message), R"({"scalars":{},"emptyMessage":{}})");
}

TEST(JsonFastMarshalTest, Scalars) {
  Scalars s;
  s.set_f_int32(-1);
  s.set_f_int64(std::numeric_limits<int64_t>::min());
  s.set_f_uint32(std::numeric_limits<uint32_t>::max());
  s.set_f_uint64(std::numeric_limits<uint64_t>::max());
  s.set_f_sint32(-2);
  s.set_f_sint64(-3);
  s.set_f_fixed32(4);
  s.set_f_fixed64(5);
  s.set_f_sfixed32(-6);
  s.set_f_sfixed64(-7);
  s.set_f_bool(true);
  s.set_f_float(0.1f);
  s.set_f_double(0.1);
  s.set_f_string("a\"b\\c\n\x01\xc3\xa9");
  s.set_f_bytes("\x01");
  s.set_f_enum(connectrpc::jsontest::v1::COLOR_RED);
  EXPECT_EQ(Marshal(s),
            R"({"fInt32":-1,"fInt64":"-9223372036854775808","fUint32":4294967295,)"
            R"("fUint64":"18446744073709551615","fSint32":-2,"fSint64":"-3","fFixed32":4,)"
            R"("fFixed64":"5","fSfixed32":-6,"fSfixed64":"-7","fBool":true,"fFloat":0.1,)"
            R"("fDouble":0.1,"fString":"a\"b\\c\n\u0001)"
            "\xc3\xa9"
            R"(","fBytes":"AQ==","fEnum":"COLOR_RED"})");
}

TEST(JsonFastMarshalTest, FloatingSpecialsBytesAndEnums) {
  Repeateds r;
  r.add_r_double(std::numeric_limits<double>::quiet_NaN());
  r.add_r_double(std::numeric_limits<double>::infinity());
  r.add_r_double(-std::numeric_limits<double>::infinity());
  r.add_r_double(1e300);
  r.add_r_float(std::numeric_limits<float>::max());
  r.add_r_float(std::numeric_limits<float>::denorm_min());
  r.add_r_bytes("");
  r.add_r_bytes("ab");
  r.add_r_bytes("\xfb\xff");
  r.add_r_enum(connectrpc::jsontest::v1::COLOR_NEGATIVE);
  r.add_r_enum(static_cast<Color>(7));
  EXPECT_EQ(Marshal(r),
            R"({"rFloat":[3.4028235e+38,1e-45],)"
            R"("rDouble":["NaN","Infinity","-Infinity",1e+300],"rBytes":["","YWI=","+/8="],)"
            R"("rEnum":["COLOR_NEGATIVE",7]})");
}

TEST(JsonFastMarshalTest, PresenceOneofAndCustomName) {
  Everything message;
  message.set_opt_int32(0);
  message.set_opt_string("");
  message.set_choice_int32(0);
  message.set_custom(3);
  EXPECT_EQ(Marshal(message), R"({"choiceInt32":0,"optInt32":0,"optString":"","renamed":3})");
}

TEST(JsonFastMarshalTest, MapKeys) {
  Maps m;
  (*m.mutable_m_bool())[true] = false;
  (*m.mutable_m_int64())[-5] = 6;
  (*m.mutable_m_uint32())[7] = 8;
  (*m.mutable_m_enum())["k"] = connectrpc::jsontest::v1::COLOR_GREEN;
  (*m.mutable_m_message())[1].set_f_int32(2);
  EXPECT_EQ(Marshal(m), R"({"mInt64":{"-5":"6"},"mUint32":{"7":8},"mBool":{"true":false},)"
                        R"("mEnum":{"k":"COLOR_GREEN"},"mMessage":{"1":{"fInt32":2}}})");
}

TEST(JsonFastMarshalTest, InvalidUtf8IsInternal) {
  Everything message;
  message.mutable_repeateds()->add_r_string("ok");
  message.mutable_repeateds()->add_r_string("bad \xff");
  std::string out = "junk";
  const Status status = JsonCodec().Marshal(message, &out);
  EXPECT_EQ(status.code(), Code::kInternal);
  EXPECT_NE(status.message().find("r_string"), std::string::npos) << status.message();
  // (protobuf 3.21's json_util drops the invalid bytes and succeeds; newer releases fail, as the
  // fast path does.)
  std::string protobuf_out;
  EXPECT_TRUE(google::protobuf::util::MessageToJsonString(message, &protobuf_out).ok());
  EXPECT_EQ(protobuf_out, R"({"repeateds":{"rString":["ok","bad "]}})");
  EXPECT_TRUE(out.empty());
  Maps maps;
  (*maps.mutable_m_string())["\xc0\x80"] = "";
  EXPECT_EQ(JsonCodec().Marshal(maps, &out).code(), Code::kInternal);
}

TEST(JsonFastMarshalTest, TooDeepIsInternal) {
  Tree root;
  Tree* node = &root;
  for (int i = 0; i < 150; ++i) node = node->mutable_left();
  std::string out;
  EXPECT_EQ(JsonCodec().Marshal(root, &out).code(), Code::kInternal);
  Tree shallow;
  node = &shallow;
  for (int i = 0; i < 90; ++i) node = node->mutable_left();
  EXPECT_TRUE(JsonCodec().Marshal(shallow, &out).ok());
  Tree back;
  EXPECT_TRUE(JsonCodec().Unmarshal(out, &back).ok());
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(back, shallow));
}

// --- Unmarshal ---

struct Case {
  const char* json;
  bool accepted;
  // protobuf 3.21's json_util accepts or rejects this case the other way, or reads it into another
  // message. Each is a place where 3.21 is laxer than the proto3 JSON mapping (which newer
  // protobuf releases follow): a trailing comma, a scalar for a repeated field, null inside a
  // repeated field or as a map value, "true" as a bool, "1" or "True" as a bool map key, and an
  // unknown enum name as a map value (3.21 keeps the entry with value 0; it is dropped here, like
  // an unknown enum name anywhere else).
  bool protobuf_differs = false;
};

bool SameMessage(const google::protobuf::Message& a, const google::protobuf::Message& b) {
  google::protobuf::util::DefaultFieldComparator comparator;
  comparator.set_treat_nan_as_equal(true);
  google::protobuf::util::MessageDifferencer differencer;
  differencer.set_field_comparator(&comparator);
  return differencer.Compare(a, b);
}

void CheckCases(const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    Everything ours;
    ours.set_custom(99);  // cleared either way
    const Status status = JsonCodec().Unmarshal(c.json, &ours);
    EXPECT_EQ(status.ok(), c.accepted) << c.json << ": " << status.message();
    if (!status.ok()) {
      EXPECT_EQ(status.code(), Code::kInvalidArgument) << c.json;
      EXPECT_EQ(
          status.message().rfind("unmarshal into connectrpc.jsontest.v1.Everything from JSON: ", 0),
          0u)
          << status.message();
      EXPECT_EQ(ours.ByteSizeLong(), 0u) << c.json;
    }
    Everything theirs;
    google::protobuf::util::JsonParseOptions options;
    options.ignore_unknown_fields = true;
    const bool protobuf_ok =
        google::protobuf::util::JsonStringToMessage(c.json, &theirs, options).ok();
    const bool agree = protobuf_ok == status.ok() && (!protobuf_ok || SameMessage(ours, theirs));
    EXPECT_EQ(!agree, c.protobuf_differs)
        << "protobuf and we on " << c.json << "\nours: " << ours.ShortDebugString()
        << "\ntheirs: " << theirs.ShortDebugString();
  }
}

Everything Parse(const std::string& json) {
  Everything message;
  const Status status = JsonCodec().Unmarshal(json, &message);
  EXPECT_TRUE(status.ok()) << json << ": " << status.message();
  return message;
}

TEST(JsonFastUnmarshalTest, TopLevel) {
  CheckCases({
      {"{}", true},
      {" { } ", true},
      {"[]", false},
      {"1", false},
      {"\"x\"", false},
      {"null", false},
      {"{", false},
      {"{}x", false},
      {R"({"scalars":{"fInt32":1},})", false, true},
  });
  Everything message;
  const Status status = JsonCodec().Unmarshal("", &message);
  EXPECT_EQ(status.code(), Code::kInvalidArgument);
  EXPECT_EQ(status.message(),
            "unmarshal into connectrpc.jsontest.v1.Everything: zero-length "
            "payload is not a valid JSON object");
}

TEST(JsonFastUnmarshalTest, NamesUnknownKeysAndNull) {
  CheckCases({
      {R"({"renamed":1})", true},
      {R"({"custom":1})", true},
      {R"({"scalars":{"f_int32":1,"fInt64":"2"}})", true},
      {R"({"bogus":1,"other":{"x":[1,{"y":null}]},"scalars":{"nope":true}})", true},
      {R"({"scalars":null,"tree":null,"optInt32":null,"repeateds":{"rInt32":null}})", true},
      {R"({"scalars":{"fInt32":null,"fString":null,"fEnum":null,"fBytes":null}})", true},
      {R"({"scalars":{"fInt32":1,"fInt32":2}})", true},
      {R"({"scalars":{"fInt32":1,"f_int32":2}})", true},
      {R"({"repeateds":{"rInt32":[1],"r_int32":[2]}})", true},
      {"{\"scalars\":{\"fString\":\"\xff\"}}", false},
      {R"({"scalars":{"fString":"\ud800"}})", false},
  });
  EXPECT_EQ(Parse(R"({"renamed":5})").custom(), 5);
  EXPECT_EQ(Parse(R"({"custom":6})").custom(), 6);
  EXPECT_EQ(Parse(R"({"scalars":{"f_int32":7}})").scalars().f_int32(), 7);
  EXPECT_FALSE(Parse(R"({"scalars":null})").has_scalars());
  EXPECT_FALSE(Parse(R"({"optInt32":null})").has_opt_int32());
  EXPECT_TRUE(Parse(R"({"optInt32":0})").has_opt_int32());
  EXPECT_TRUE(Parse(R"({"scalars":{}})").has_scalars());
}

TEST(JsonFastUnmarshalTest, Integers) {
  CheckCases({
      {R"({"scalars":{"fInt32":1.0}})", true},
      {R"({"scalars":{"fInt32":1e2}})", true},
      {R"({"scalars":{"fInt32":-2147483648}})", true},
      {R"({"scalars":{"fInt32":2147483647}})", true},
      {R"({"scalars":{"fInt32":"12"}})", true},
      {R"({"scalars":{"fInt32":"-12"}})", true},
      {R"({"scalars":{"fInt32":1.5}})", false},
      {R"({"scalars":{"fInt32":2147483648}})", false},
      {R"({"scalars":{"fInt32":-2147483649}})", false},
      {R"({"scalars":{"fInt32":"1.5"}})", false},
      {R"({"scalars":{"fInt32":"abc"}})", false},
      {R"({"scalars":{"fInt32":""}})", false},
      {R"({"scalars":{"fInt32":" 1"}})", false},
      {R"({"scalars":{"fInt32":true}})", false},
      {R"({"scalars":{"fInt32":[1]}})", false},
      {R"({"scalars":{"fInt32":{}}})", false},
      {R"({"scalars":{"fUint32":4294967295}})", true},
      {R"({"scalars":{"fUint32":-1}})", false},
      {R"({"scalars":{"fUint32":4294967296}})", false},
      {R"({"scalars":{"fSint32":-5,"fFixed32":5,"fSfixed32":-5}})", true},
      {R"({"scalars":{"fInt64":"9223372036854775807"}})", true},
      {R"({"scalars":{"fInt64":"-9223372036854775808"}})", true},
      {R"({"scalars":{"fInt64":-9223372036854775808}})", true},
      {R"({"scalars":{"fInt64":9007199254740993}})", true},
      {R"({"scalars":{"fInt64":"9223372036854775808"}})", false},
      {R"({"scalars":{"fInt64":9223372036854775808}})", false},
      {R"({"scalars":{"fInt64":1e19}})", false},
      {R"({"scalars":{"fInt64":"0x10"}})", false},
      {R"({"scalars":{"fUint64":"18446744073709551615"}})", true},
      {R"({"scalars":{"fUint64":18446744073709551615}})", true},
      {R"({"scalars":{"fUint64":"18446744073709551616"}})", false},
      {R"({"scalars":{"fUint64":"-1"}})", false},
      {R"({"scalars":{"fSint64":"-1","fFixed64":"1","fSfixed64":-1}})", true},
  });
  EXPECT_EQ(Parse(R"({"scalars":{"fInt32":1e2}})").scalars().f_int32(), 100);
  EXPECT_EQ(Parse(R"({"scalars":{"fInt64":9007199254740993}})").scalars().f_int64(),
            9007199254740993LL);
  EXPECT_EQ(Parse(R"({"scalars":{"fUint64":18446744073709551615}})").scalars().f_uint64(),
            std::numeric_limits<uint64_t>::max());
}

TEST(JsonFastUnmarshalTest, Floating) {
  CheckCases({
      {R"({"scalars":{"fFloat":1.5,"fDouble":-2.25}})", true},
      {R"({"scalars":{"fFloat":"1.5","fDouble":"-2.25e3"}})", true},
      {R"({"scalars":{"fFloat":"NaN","fDouble":"Infinity"}})", true},
      {R"({"scalars":{"fFloat":"-Infinity","fDouble":"NaN"}})", true},
      {R"({"scalars":{"fFloat":3.4028235e38}})", true},
      {R"({"scalars":{"fFloat":-3.4028235e38}})", true},
      {R"({"scalars":{"fFloat":1e-50,"fDouble":5e-324}})", true},
      {R"({"scalars":{"fDouble":1.7976931348623157e308}})", true},
      {R"({"scalars":{"fFloat":1e39}})", false},
      {R"({"scalars":{"fFloat":"-1e39"}})", false},
      {R"({"scalars":{"fDouble":"1e400"}})", false},
      {R"({"scalars":{"fDouble":"nan"}})", false},
      {R"({"scalars":{"fDouble":"inf"}})", false},
      {R"({"scalars":{"fDouble":"-inf"}})", false},
      {R"({"scalars":{"fDouble":""}})", false},
      {R"({"scalars":{"fDouble":"1.5x"}})", false},
      {R"({"scalars":{"fDouble":true}})", false},
      {R"({"scalars":{"fDouble":[]}})", false},
  });
  EXPECT_TRUE(std::isnan(Parse(R"({"scalars":{"fFloat":"NaN"}})").scalars().f_float()));
  EXPECT_EQ(Parse(R"({"scalars":{"fDouble":"-Infinity"}})").scalars().f_double(),
            -std::numeric_limits<double>::infinity());
  EXPECT_EQ(Parse(R"({"scalars":{"fFloat":3.4028235e38}})").scalars().f_float(),
            std::numeric_limits<float>::max());
}

TEST(JsonFastUnmarshalTest, BoolStringBytes) {
  CheckCases({
      {R"({"scalars":{"fBool":true}})", true},
      {R"({"scalars":{"fBool":false}})", true},
      {R"({"scalars":{"fBool":"true"}})", false, true},
      {R"({"scalars":{"fBool":1}})", false},
      {R"({"scalars":{"fString":"x\u00e9\ud83d\ude00\n"}})", true},
      {R"({"scalars":{"fString":1}})", false},
      {R"({"scalars":{"fString":true}})", false},
      {R"({"scalars":{"fString":{}}})", false},
      {R"({"scalars":{"fBytes":"AQ=="}})", true},
      {R"({"scalars":{"fBytes":"AQ"}})", true},
      {R"({"scalars":{"fBytes":"-_8="}})", true},
      {R"({"scalars":{"fBytes":"+/8"}})", true},
      {R"({"scalars":{"fBytes":""}})", true},
      {R"({"scalars":{"fBytes":"A"}})", false},
      {R"({"scalars":{"fBytes":"!!!!"}})", false},
      {R"({"scalars":{"fBytes":1}})", false},
  });
  EXPECT_EQ(Parse(R"({"scalars":{"fString":"x\u00e9\ud83d\ude00"}})").scalars().f_string(),
            "x\xc3\xa9\xf0\x9f\x98\x80");
  EXPECT_EQ(Parse(R"({"scalars":{"fBytes":"-_8"}})").scalars().f_bytes(), "\xfb\xff");
  EXPECT_EQ(Parse(R"({"scalars":{"fBytes":"+/8="}})").scalars().f_bytes(), "\xfb\xff");
}

TEST(JsonFastUnmarshalTest, Enums) {
  CheckCases({
      {R"({"scalars":{"fEnum":"COLOR_RED"}})", true},
      {R"({"scalars":{"fEnum":2}})", true},
      {R"({"scalars":{"fEnum":7}})", true},
      {R"({"scalars":{"fEnum":-1}})", true},
      {R"({"scalars":{"fEnum":"COLOR_BOGUS"}})", true},
      {R"({"repeateds":{"rEnum":["COLOR_RED","COLOR_BOGUS",2]}})", true},
      {R"({"maps":{"mEnum":{"a":"COLOR_BOGUS","b":"COLOR_RED"}}})", true, true},
      {R"({"scalars":{"fEnum":1.5}})", false},
      {R"({"scalars":{"fEnum":true}})", false},
      {R"({"scalars":{"fEnum":{}}})", false},
  });
  EXPECT_EQ(Parse(R"({"scalars":{"fEnum":"COLOR_GREEN"}})").scalars().f_enum(),
            connectrpc::jsontest::v1::COLOR_GREEN);
  EXPECT_EQ(Parse(R"({"scalars":{"fEnum":7}})").scalars().f_enum(), 7);
  EXPECT_EQ(Parse(R"({"scalars":{"fEnum":"COLOR_BOGUS"}})").scalars().f_enum(), 0);
  EXPECT_EQ(
      Parse(R"({"repeateds":{"rEnum":["COLOR_RED","COLOR_BOGUS",2]}})").repeateds().r_enum_size(),
      2);
  EXPECT_EQ(
      Parse(R"({"maps":{"mEnum":{"a":"COLOR_BOGUS","b":"COLOR_RED"}}})").maps().m_enum().size(),
      1u);
}

TEST(JsonFastUnmarshalTest, RepeatedAndMaps) {
  CheckCases({
      {R"({"repeateds":{"rInt32":[1,2,"3"],"rString":["a",""],"rMessage":[{},{"fInt32":1}]}})",
       true},
      {R"({"repeateds":{"rInt32":[]}})", true},
      {R"({"repeateds":{"rInt32":1}})", false, true},
      {R"({"repeateds":{"rInt32":[null]}})", false, true},
      {R"({"repeateds":{"rInt32":[1.5]}})", false},
      {R"({"repeateds":{"rMessage":[1]}})", false},
      {R"({"repeateds":{"rInt32":{}}})", false},
      {R"({"maps":{"mString":{"a":"b","":""}}})", true},
      {R"({"maps":{"mInt32":{"-1":2,"3":"4"}}})", true},
      {R"({"maps":{"mInt64":{"-9223372036854775808":"1"}}})", true},
      {R"({"maps":{"mUint32":{"4294967295":1},"mUint64":{"18446744073709551615":"1"}}})", true},
      {R"({"maps":{"mSint32":{"-1":-1},"mSint64":{"-1":"-1"},"mFixed32":{"1":1}}})", true},
      {R"({"maps":{"mFixed64":{"1":"1"},"mSfixed32":{"-1":1},"mSfixed64":{"-1":"1"}}})", true},
      {R"({"maps":{"mBool":{"true":true,"false":false}}})", true},
      {R"({"maps":{"mFloat":{"a":"NaN"},"mDouble":{"b":1.5},"mBytes":{"c":"AQ=="}}})", true},
      {R"({"maps":{"mMessage":{"1":{"fInt32":1},"2":{}}}})", true},
      {R"({"maps":{"mInt32":{"x":1}}})", false},
      {R"({"maps":{"mInt32":{"1.0":1}}})", false},
      {R"({"maps":{"mInt32":{"2147483648":1}}})", false},
      {R"({"maps":{"mUint32":{"-1":1}}})", false},
      {R"({"maps":{"mBool":{"1":true}}})", false, true},
      {R"({"maps":{"mBool":{"True":true}}})", false, true},
      {R"({"maps":{"mInt32":{"1":null}}})", false, true},
      {R"({"maps":{"mInt32":{"1":"x"}}})", false},
      {R"({"maps":{"mInt32":[]}})", false},
      {R"({"maps":{"mMessage":{"1":2}}})", false},
  });
  const Everything message = Parse(R"({"maps":{"mBool":{"true":true,"false":true},)"
                                   R"("mInt64":{"-7":"8"},"mMessage":{"3":{"fInt32":4}}}})");
  EXPECT_EQ(message.maps().m_bool().size(), 2u);
  EXPECT_EQ(message.maps().m_int64().at(-7), 8);
  EXPECT_EQ(message.maps().m_message().at(3).f_int32(), 4);
  EXPECT_EQ(Parse(R"({"repeateds":{"rInt32":null}})").repeateds().r_int32_size(), 0);
}

TEST(JsonFastUnmarshalTest, OneofAndOptional) {
  CheckCases({
      {R"({"choiceInt32":0})", true},
      {R"({"choiceMessage":{}})", true},
      {R"({"choiceString":"a","choiceInt32":1})", false},
      {R"({"choiceEnum":"COLOR_RED","choiceBytes":""})", false},
      {R"({"choiceString":null,"choiceInt32":1})", true},
      {R"({"optInt32":0,"optString":"","optDouble":0,"optEnum":0,"optBool":false})", true},
  });
  EXPECT_EQ(Parse(R"({"choiceInt32":0})").choice_case(), Everything::kChoiceInt32);
  EXPECT_EQ(Parse(R"({"choiceString":null,"choiceInt32":1})").choice_int32(), 1);
  const Everything message = Parse(R"({"optBool":false,"optEnum":"COLOR_UNSPECIFIED"})");
  EXPECT_TRUE(message.has_opt_bool());
  EXPECT_TRUE(message.has_opt_enum());
  EXPECT_FALSE(message.has_opt_int32());
  Everything failed;
  const Status status = JsonCodec().Unmarshal(R"({"choiceString":"a","choiceInt32":1})", &failed);
  EXPECT_NE(status.message().find("oneof choice"), std::string::npos) << status.message();
}

TEST(JsonFastUnmarshalTest, ErrorsNameTheField) {
  Everything message;
  const Status status = JsonCodec().Unmarshal(R"({"tree":{"left":{"value":"x"}}})", &message);
  EXPECT_EQ(status.code(), Code::kInvalidArgument);
  EXPECT_EQ(status.message(),
            "unmarshal into connectrpc.jsontest.v1.Everything from JSON: field "
            "connectrpc.jsontest.v1.Tree.value: expected a 32-bit signed integer, got \"x\"");
}

std::string NestedTree(int depth) {
  std::string json;
  for (int i = 0; i < depth; ++i) json += R"({"left":)";
  json += "{}";
  for (int i = 0; i < depth; ++i) json += "}";
  return json;
}

TEST(JsonFastUnmarshalTest, DepthIsBounded) {
  Tree tree;
  EXPECT_TRUE(JsonCodec().Unmarshal(NestedTree(90), &tree).ok());
  EXPECT_EQ(JsonCodec().Unmarshal(NestedTree(150), &tree).code(), Code::kInvalidArgument);
  EXPECT_EQ(tree.ByteSizeLong(), 0u);
  // Deep nesting in an ignored key and in an array is bounded too, without a stack overflow.
  const std::string deep_unknown =
      R"({"bogus":)" + std::string(100000, '[') + std::string(100000, ']') + "}";
  EXPECT_EQ(JsonCodec().Unmarshal(deep_unknown, &tree).code(), Code::kInvalidArgument);
  EXPECT_EQ(JsonCodec().Unmarshal(NestedTree(100000), &tree).code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace connectrpc
