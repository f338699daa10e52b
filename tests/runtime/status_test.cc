#include "connectrpc/status.h"

#include <google/protobuf/descriptor.pb.h>
#include <google/protobuf/duration.pb.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/wrappers.pb.h>
#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "connectrpc/result.h"

namespace connectrpc {
namespace {

TEST(StatusTest, DefaultIsOk) {
  Status status;
  EXPECT_TRUE(status.ok());
  EXPECT_EQ(status.code(), Code::kOk);
  EXPECT_EQ(status.ToString(), "ok");
  EXPECT_TRUE(Status::Ok().ok());
}

TEST(StatusTest, ToString) {
  EXPECT_EQ(Status(Code::kNotFound, "no such job").ToString(), "not_found: no such job");
  EXPECT_EQ(Status(Code::kInternal, "").ToString(), "internal");
}

TEST(StatusTest, AddDetailAndUnpack) {
  google::protobuf::StringValue value;
  value.set_value("hello");
  Status status(Code::kAborted, "x");
  status.AddDetail(value);
  ASSERT_EQ(status.details().size(), 1u);
  EXPECT_EQ(status.details()[0].type, "google.protobuf.StringValue");
  EXPECT_EQ(status.details()[0].value, value.SerializeAsString());

  google::protobuf::StringValue out;
  EXPECT_TRUE(status.details()[0].UnpackTo(&out));
  EXPECT_EQ(out.value(), "hello");
  google::protobuf::Duration wrong_type;
  EXPECT_FALSE(status.details()[0].UnpackTo(&wrong_type));
  EXPECT_FALSE(status.details()[0].UnpackTo(nullptr));

  ErrorDetail garbage{"google.protobuf.StringValue", "\xff\xff\xff", {}};
  EXPECT_FALSE(garbage.UnpackTo(&out));
}

TEST(StatusTest, AddDetailIsDeterministic) {
  google::protobuf::Struct message;
  for (int i = 0; i < 50; ++i) {
    (*message.mutable_fields())["key" + std::to_string(i)].set_number_value(i);
  }
  Status a(Code::kInternal, "a");
  Status b(Code::kInternal, "b");
  a.AddDetail(message);
  google::protobuf::Struct copy;
  ASSERT_TRUE(copy.ParseFromString(a.details()[0].value));
  b.AddDetail(copy);
  EXPECT_EQ(a.details()[0].value, b.details()[0].value);
}

TEST(StatusTest, NestedTypeNameIsFullName) {
  google::protobuf::FieldDescriptorProto field;  // nested? no, but check a non-trivial package
  field.set_name("f");
  Status status(Code::kInternal, "");
  status.AddDetail(field);
  EXPECT_EQ(status.details()[0].type, "google.protobuf.FieldDescriptorProto");
  google::protobuf::DescriptorProto::ExtensionRange nested;
  nested.set_start(3);
  status.AddDetail(nested);
  EXPECT_EQ(status.details()[1].type, "google.protobuf.DescriptorProto.ExtensionRange");
}

TEST(ResultTest, OkStatusBecomesInternal) {
  Result<int> r = Status();
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kInternal);
  Result<int> v = 3;
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, 3);
}

// value(), operator* and operator-> on an error abort with the status text in every build mode
// (this test runs in the RelWithDebInfo and Release builds too, where assert() is compiled out).
TEST(ResultDeathTest, ValueOnAnErrorAbortsWithTheStatus) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  const Result<int> failed = Status(Code::kNotFound, "no such job");
  EXPECT_DEATH((void)failed.value(),
               "Result::value\\(\\) called on an error: not_found: no such job");
  EXPECT_DEATH((void)*failed, "called on an error: not_found: no such job");
  Result<std::string> text = Status(Code::kPermissionDenied, "not yours");
  EXPECT_DEATH((void)text->size(), "called on an error: permission_denied: not yours");
  EXPECT_DEATH((void)std::move(text).value(), "called on an error: permission_denied: not yours");
  // The code name alone when there is no message.
  Result<int> bare = Status(Code::kUnavailable, "");
  EXPECT_DEATH((void)bare.value(), "called on an error: unavailable\n");
}

}  // namespace
}  // namespace connectrpc
