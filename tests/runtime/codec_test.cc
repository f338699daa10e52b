#include "connectrpc/codec.h"

#include <google/protobuf/descriptor.pb.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/wrappers.pb.h>
#include <gtest/gtest.h>

namespace connectrpc {
namespace {

TEST(ProtoCodecTest, RoundTripAndClear) {
  const Codec& codec = ProtoCodec();
  EXPECT_EQ(codec.name(), "proto");
  google::protobuf::FileDescriptorProto in;
  in.set_name("test.proto");
  in.set_package("pkg");
  std::string bytes;
  ASSERT_TRUE(codec.Marshal(in, &bytes).ok());
  EXPECT_EQ(bytes, in.SerializeAsString());

  google::protobuf::FileDescriptorProto out;
  out.set_syntax("proto3");  // must be cleared by Unmarshal
  ASSERT_TRUE(codec.Unmarshal(bytes, &out).ok());
  EXPECT_EQ(out.name(), "test.proto");
  EXPECT_EQ(out.package(), "pkg");
  EXPECT_FALSE(out.has_syntax());

  ASSERT_TRUE(codec.Unmarshal("", &out).ok());
  EXPECT_FALSE(out.has_name());
}

TEST(ProtoCodecTest, MarshalReplacesOutput) {
  google::protobuf::StringValue in;
  in.set_value("v");
  std::string bytes = "junk";
  ASSERT_TRUE(ProtoCodec().Marshal(in, &bytes).ok());
  EXPECT_EQ(bytes, std::string("\x0a\x01v", 3));
}

TEST(ProtoCodecTest, GarbageIsInvalidArgument) {
  google::protobuf::StringValue out;
  const Status status = ProtoCodec().Unmarshal("\xff\xff\xff\xff", &out);
  EXPECT_EQ(status.code(), Code::kInvalidArgument);
  EXPECT_NE(status.message().find("google.protobuf.StringValue"), std::string::npos);
}

TEST(ProtoCodecTest, DeterministicMaps) {
  google::protobuf::Struct message;
  for (int i = 0; i < 40; ++i)
    (*message.mutable_fields())["k" + std::to_string(i)].set_bool_value(true);
  std::string a;
  std::string b;
  ASSERT_TRUE(ProtoCodec().Marshal(message, &a).ok());
  google::protobuf::Struct copy;
  ASSERT_TRUE(copy.ParseFromString(a));
  ASSERT_TRUE(ProtoCodec().Marshal(copy, &b).ok());
  EXPECT_EQ(a, b);
}

TEST(JsonCodecTest, MarshalUsesLowerCamelCase) {
  const Codec& codec = JsonCodec();
  EXPECT_EQ(codec.name(), "json");
  google::protobuf::FieldDescriptorProto field;
  field.set_name("my_field");
  field.set_json_name("myField");
  field.set_number(7);
  std::string json;
  ASSERT_TRUE(codec.Marshal(field, &json).ok());
  EXPECT_EQ(json, R"({"name":"my_field","number":7,"jsonName":"myField"})");
}

TEST(JsonCodecTest, UnmarshalAcceptsBothNameStylesAndIgnoresUnknown) {
  google::protobuf::FieldDescriptorProto field;
  field.set_type_name("stale");
  ASSERT_TRUE(
      JsonCodec().Unmarshal(R"({"json_name":"a","number":3,"bogus":{"x":[1]}})", &field).ok());
  EXPECT_EQ(field.json_name(), "a");
  EXPECT_EQ(field.number(), 3);
  EXPECT_FALSE(field.has_type_name());
  ASSERT_TRUE(JsonCodec().Unmarshal(R"({"jsonName":"b"})", &field).ok());
  EXPECT_EQ(field.json_name(), "b");
  EXPECT_FALSE(field.has_number());
}

TEST(JsonCodecTest, Int64KeepsPrecision) {
  google::protobuf::Int64Value value;
  ASSERT_TRUE(JsonCodec().Unmarshal(R"("9007199254740993")", &value).ok());
  EXPECT_EQ(value.value(), 9007199254740993LL);
  std::string json;
  ASSERT_TRUE(JsonCodec().Marshal(value, &json).ok());
  EXPECT_EQ(json, R"("9007199254740993")");
}

TEST(JsonCodecTest, MalformedIsInvalidArgument) {
  google::protobuf::FieldDescriptorProto field;
  EXPECT_EQ(JsonCodec().Unmarshal("{", &field).code(), Code::kInvalidArgument);
  EXPECT_EQ(JsonCodec().Unmarshal(R"({"number":"abc"})", &field).code(), Code::kInvalidArgument);
  EXPECT_EQ(JsonCodec().Unmarshal("", &field).code(), Code::kInvalidArgument);
  EXPECT_EQ(JsonCodec().Unmarshal("[]", &field).code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace connectrpc
