#include "connectrpc/headers.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace connectrpc {
namespace {

using ::testing::ElementsAre;

TEST(HeadersTest, KeysAreCaseInsensitiveAndStoredLowercase) {
  Headers headers;
  headers.Add("X-Trace", "abc");
  headers.Add("x-trace", "def");
  headers.Add("Other", "1");
  EXPECT_THAT(headers.GetAll("X-TRACE"), ElementsAre("abc", "def"));
  EXPECT_EQ(headers.Get("x-Trace"), "abc");
  EXPECT_TRUE(headers.Contains("OTHER"));
  EXPECT_FALSE(headers.Contains("missing"));
  EXPECT_FALSE(headers.Get("missing").has_value());
  ASSERT_EQ(headers.size(), 3u);
  EXPECT_EQ(headers.begin()->first, "x-trace");
  EXPECT_EQ((headers.begin() + 2)->first, "other");
}

TEST(HeadersTest, SetReplacesAllValuesKeepingPosition) {
  Headers headers{{"A", "1"}, {"b", "2"}, {"a", "3"}};
  headers.Set("a", "x");
  ASSERT_EQ(headers.size(), 2u);
  EXPECT_EQ(headers.begin()->first, "a");
  EXPECT_EQ(headers.begin()->second, "x");
  EXPECT_THAT(headers.GetAll("a"), ElementsAre("x"));
  headers.Set("New", "n");
  EXPECT_EQ(headers.Get("new"), "n");
}

TEST(HeadersTest, RemoveCountsAndAppend) {
  Headers headers{{"a", "1"}, {"B", "2"}, {"A", "3"}};
  EXPECT_EQ(headers.Remove("A"), 2u);
  EXPECT_EQ(headers.Remove("a"), 0u);
  EXPECT_EQ(headers.size(), 1u);
  Headers other{{"c", "3"}};
  headers.Append(other);
  EXPECT_EQ(headers, (Headers{{"b", "2"}, {"c", "3"}}));
  headers.Append(headers);
  EXPECT_EQ(headers.size(), 4u);
}

TEST(HeadersTest, BinaryValuesAreUnpaddedBase64) {
  Headers headers;
  headers.AddBinary("Trace-Bin", std::string("\x00\x01\xfe\xff", 4));
  EXPECT_EQ(headers.Get("trace-bin"), "AAH+/w");
  EXPECT_EQ(headers.GetBinary("trace-bin"), std::string("\x00\x01\xfe\xff", 4));
  headers.Add("padded-bin", "AAH+/w==");
  EXPECT_EQ(headers.GetBinary("padded-bin"), std::string("\x00\x01\xfe\xff", 4));
  headers.Add("url-bin", "AAH-_w");
  EXPECT_EQ(headers.GetBinary("url-bin"), std::string("\x00\x01\xfe\xff", 4));
  headers.Add("bad-bin", "!!!");
  EXPECT_FALSE(headers.GetBinary("bad-bin").has_value());
  EXPECT_FALSE(headers.GetBinary("absent-bin").has_value());
  headers.AddBinary("one-bin", "a");
  EXPECT_EQ(headers.Get("one-bin"), "YQ");
}

TEST(HeadersTest, HeaderValueValidity) {
  EXPECT_TRUE(IsValidHeaderValue(""));
  EXPECT_TRUE(IsValidHeaderValue("plain value with spaces"));
  EXPECT_TRUE(IsValidHeaderValue("tab\there"));
  EXPECT_TRUE(IsValidHeaderValue("caf\xc3\xa9"));
  EXPECT_FALSE(IsValidHeaderValue("a\r\nb: c"));
  EXPECT_FALSE(IsValidHeaderValue("a\nb"));
  EXPECT_FALSE(IsValidHeaderValue("a\rb"));
  EXPECT_FALSE(IsValidHeaderValue(std::string("a\0b", 3)));
  EXPECT_FALSE(IsValidHeaderValue("bell\x07"));
  EXPECT_FALSE(IsValidHeaderValue("del\x7f"));
}

TEST(HeadersTest, HeaderKeyValidity) {
  EXPECT_TRUE(IsValidHeaderKey("x-custom"));
  EXPECT_TRUE(IsValidHeaderKey("X-Custom_1.2"));
  EXPECT_TRUE(IsValidHeaderKey("!#$%&'*+-.^_`|~"));
  EXPECT_FALSE(IsValidHeaderKey(""));
  EXPECT_FALSE(IsValidHeaderKey("has space"));
  EXPECT_FALSE(IsValidHeaderKey("colon:"));
  EXPECT_FALSE(IsValidHeaderKey("a\r\nb"));
  EXPECT_FALSE(IsValidHeaderKey("quote\""));
  EXPECT_FALSE(IsValidHeaderKey("paren("));
  EXPECT_FALSE(IsValidHeaderKey("caf\xc3\xa9"));
}

}  // namespace
}  // namespace connectrpc
