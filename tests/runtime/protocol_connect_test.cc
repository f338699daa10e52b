#include "connectrpc/protocol_connect.h"

#include <gmock/gmock.h>
#include <google/protobuf/descriptor.pb.h>
#include <google/protobuf/wrappers.pb.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace connectrpc::protocol {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// ---------------------------------------------------------------------------------------------
// Base64

TEST(Base64Test, EncodeVectors) {
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg");
  EXPECT_EQ(Base64Encode("fo"), "Zm8");
  EXPECT_EQ(Base64Encode("foo"), "Zm9v");
  EXPECT_EQ(Base64Encode("foob"), "Zm9vYg");
  EXPECT_EQ(Base64Encode("fooba"), "Zm9vYmE");
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64Encode("\xfb\xff"), "+/8");
  EXPECT_EQ(Base64UrlEncode("\xfb\xff"), "-_8");
  EXPECT_EQ(Base64UrlEncode(std::string("\x00\xfb\xff", 3)), "APv_");
}

TEST(Base64Test, DecodeAcceptsBothAlphabetsPaddedOrNot) {
  EXPECT_EQ(Base64Decode(""), "");
  EXPECT_EQ(Base64Decode("Zg"), "f");
  EXPECT_EQ(Base64Decode("Zg=="), "f");
  EXPECT_EQ(Base64Decode("Zm8"), "fo");
  EXPECT_EQ(Base64Decode("Zm8="), "fo");
  EXPECT_EQ(Base64Decode("Zm9vYmFy"), "foobar");
  EXPECT_EQ(Base64Decode("+/8"), "\xfb\xff");
  EXPECT_EQ(Base64Decode("-_8="), "\xfb\xff");
}

TEST(Base64Test, DecodeRejectsGarbage) {
  for (const char* bad : {"Z", "Zg=", "Zg===", "Zm9vY", "Zm9v=", "Zm 9v", "Zm9v\n", "Z!9v", "=Zg",
                          "Zg==Zg", "====", "Zm8==", "Zm9vYmFy===="}) {
    EXPECT_FALSE(Base64Decode(bad).has_value()) << bad;
  }
}

TEST(Base64Test, RoundTripAllByteValues) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  for (size_t n = 0; n <= all.size(); n += 37) {
    const std::string bytes = all.substr(0, n);
    EXPECT_EQ(Base64Decode(Base64Encode(bytes)), bytes);
    EXPECT_EQ(Base64Decode(Base64UrlEncode(bytes)), bytes);
  }
}

// ---------------------------------------------------------------------------------------------
// Content types and timeouts

TEST(ContentTypeTest, Parse) {
  auto ct = ParseContentType("application/proto");
  ASSERT_TRUE(ct.has_value());
  EXPECT_FALSE(ct->streaming);
  EXPECT_EQ(ct->codec, "proto");

  ct = ParseContentType("application/connect+json; charset=utf-8");
  ASSERT_TRUE(ct.has_value());
  EXPECT_TRUE(ct->streaming);
  EXPECT_EQ(ct->codec, "json");

  ct = ParseContentType("Application/JSON;charset=UTF-8");
  ASSERT_TRUE(ct.has_value());
  EXPECT_FALSE(ct->streaming);
  EXPECT_EQ(ct->codec, "json");

  ct = ParseContentType("APPLICATION/CONNECT+PROTO");
  ASSERT_TRUE(ct.has_value());
  EXPECT_TRUE(ct->streaming);
  EXPECT_EQ(ct->codec, "proto");

  ct = ParseContentType("application/grpc+proto");
  ASSERT_TRUE(ct.has_value());
  EXPECT_FALSE(ct->streaming);
  EXPECT_EQ(ct->codec, "grpc+proto");

  ct = ParseContentType("application/foo");
  ASSERT_TRUE(ct.has_value());
  EXPECT_EQ(ct->codec, "foo");

  EXPECT_FALSE(ParseContentType("").has_value());
  EXPECT_FALSE(ParseContentType("text/plain").has_value());
  EXPECT_FALSE(ParseContentType("image/jpeg").has_value());
  EXPECT_FALSE(ParseContentType("application").has_value());
  EXPECT_FALSE(ParseContentType("application/").has_value());
}

TEST(ContentTypeTest, Format) {
  EXPECT_EQ(FormatContentType(false, "proto"), "application/proto");
  EXPECT_EQ(FormatContentType(true, "json"), "application/connect+json");
}

TEST(TimeoutTest, Valid) {
  auto t = ParseTimeout("1");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->count(), 1);
  t = ParseTimeout("200");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->count(), 200);
  t = ParseTimeout("9999999999");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->count(), 9999999999LL);
  t = ParseTimeout("0000000015");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->count(), 15);
  t = ParseTimeout("0");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->count(), 0);
}

TEST(TimeoutTest, Invalid) {
  for (const char* bad :
       {"", "12345678901", "-1", "+1", "1.5", "abc", " 1", "1 ", "0x10", "1e3", "10ms"}) {
    auto t = ParseTimeout(bad);
    ASSERT_FALSE(t.ok()) << bad;
    EXPECT_EQ(t.status().code(), Code::kInvalidArgument) << bad;
  }
}

// ---------------------------------------------------------------------------------------------
// Error JSON

TEST(ErrorJsonTest, MatchesSpecExample) {
  google::protobuf::FileDescriptorProto file;
  file.set_name("test.proto");
  Status status(Code::kOutOfRange, "oops");
  status.AddDetail(file);
  EXPECT_EQ(ErrorToJson(status),
            R"({"code":"out_of_range","message":"oops","details":[{"type":)"
            R"("google.protobuf.FileDescriptorProto","value":"Cgp0ZXN0LnByb3Rv"}]})");
}

TEST(ErrorJsonTest, OmitsEmptyMessageAndDetails) {
  EXPECT_EQ(ErrorToJson(Status(Code::kNotFound, "")), R"({"code":"not_found"})");
  EXPECT_EQ(ErrorToJson(Status(Code::kUnavailable, "x")),
            R"({"code":"unavailable","message":"x"})");
}

TEST(ErrorJsonTest, EscapesControlCharacters) {
  const std::string message = std::string("a\r\nb\t\"q\"\\/ \x01\x1f\x7f\0", 15);
  const std::string json = ErrorToJson(Status(Code::kInternal, message));
  EXPECT_EQ(json, R"({"code":"internal","message":"a\r\nb\t\"q\"\\/ \u0001\u001f\u007f\u0000"})");
  const Status back = ErrorFromJson(json, 500);
  EXPECT_EQ(back.code(), Code::kInternal);
  EXPECT_EQ(back.message(), message);
}

TEST(ErrorJsonTest, UnicodeRoundTrip) {
  // BMP (é, ☃) and non-BMP (😀, a surrogate pair in UTF-16) characters pass through as UTF-8.
  const std::string message = "h\xc3\xa9llo \xe2\x98\x83 \xf0\x9f\x98\x80";
  const std::string json = ErrorToJson(Status(Code::kDataLoss, message));
  EXPECT_EQ(json, "{\"code\":\"data_loss\",\"message\":\"" + message + "\"}");
  const Status back = ErrorFromJson(json, 500);
  EXPECT_EQ(back.code(), Code::kDataLoss);
  EXPECT_EQ(back.message(), message);
}

TEST(ErrorJsonTest, ReadsUnicodeEscapes) {
  const Status status =
      ErrorFromJson(R"({"code":"aborted","message":"\u00e9 \u2603 \ud83d\ude00 \r\n"})", 409);
  EXPECT_EQ(status.code(), Code::kAborted);
  EXPECT_EQ(status.message(), "\xc3\xa9 \xe2\x98\x83 \xf0\x9f\x98\x80 \r\n");
}

TEST(ErrorJsonTest, InvalidUtf8IsReplaced) {
  const std::string json = ErrorToJson(Status(Code::kInternal,
                                              "a\xff"
                                              "b\xc3"));
  EXPECT_EQ(json,
            "{\"code\":\"internal\",\"message\":\"a\xef\xbf\xbd"
            "b\xef\xbf\xbd\"}");
  EXPECT_EQ(ErrorFromJson(json, 500).code(), Code::kInternal);
}

TEST(ErrorJsonTest, DetailsRoundTrip) {
  google::protobuf::StringValue first;
  first.set_value("hi");
  google::protobuf::Int32Value second;
  second.set_value(-5);
  Status status(Code::kFailedPrecondition, "with details");
  status.AddDetail(first);
  status.AddDetail(second);
  status.AddDetail(ErrorDetail{"unknown.Type", std::string("\x00\x01\x02", 3), {}});
  const Status back = ErrorFromJson(ErrorToJson(status), 400);
  EXPECT_EQ(back.code(), Code::kFailedPrecondition);
  EXPECT_EQ(back.message(), "with details");
  ASSERT_EQ(back.details().size(), 3u);
  EXPECT_EQ(back.details(), status.details());
  google::protobuf::StringValue unpacked;
  ASSERT_TRUE(back.details()[0].UnpackTo(&unpacked));
  EXPECT_EQ(unpacked.value(), "hi");
}

TEST(ErrorJsonTest, DetailValueEncodings) {
  // StringValue{"hi"} = 0a 02 68 69: "CgJoaQ" unpadded, "CgJoaQ==" padded.
  for (const char* value : {"CgJoaQ", "CgJoaQ=="}) {
    const std::string body = std::string(R"({"code":"internal","details":[{"type":)") +
                             R"("type.googleapis.com/google.protobuf.StringValue","value":")" +
                             value + R"(","debug":{"value":"hi"}}]})";
    const Status status = ErrorFromJson(body, 500);
    ASSERT_EQ(status.details().size(), 1u) << value;
    EXPECT_EQ(status.details()[0].type, "google.protobuf.StringValue");
    google::protobuf::StringValue unpacked;
    ASSERT_TRUE(status.details()[0].UnpackTo(&unpacked));
    EXPECT_EQ(unpacked.value(), "hi");
  }
  // URL-safe alphabet: bytes fb ff.
  const Status url = ErrorFromJson(
      R"({"code":"internal","details":[{"type":"x.Y","value":"-_8"},{"type":"x.Z","value":"+/8="}]})",
      500);
  ASSERT_EQ(url.details().size(), 2u);
  EXPECT_EQ(url.details()[0].value, "\xfb\xff");
  EXPECT_EQ(url.details()[1].value, "\xfb\xff");
}

TEST(ErrorJsonTest, BadDetailsAreSkipped) {
  const Status status =
      ErrorFromJson(R"({"code":"unknown","message":"m","details":[1,{"type":"a.B"},{"value":"AA"},)"
                    R"({"type":"a.B","value":"!!"},{"type":"a.C","value":"AA"}]})",
                    500);
  EXPECT_EQ(status.code(), Code::kUnknown);
  EXPECT_EQ(status.message(), "m");
  ASSERT_EQ(status.details().size(), 1u);
  EXPECT_EQ(status.details()[0].type, "a.C");
  EXPECT_EQ(status.details()[0].value, std::string("\0", 1));
}

TEST(ErrorJsonTest, JsonCodeWinsOverHttpStatus) {
  const Status status = ErrorFromJson(R"({"code":"out_of_range","message":"late"})", 422);
  EXPECT_EQ(status.code(), Code::kOutOfRange);
  EXPECT_EQ(status.message(), "late");
  EXPECT_EQ(ErrorFromJson(R"({"message":"x","code":"canceled","extra":[1,2]})", 503).code(),
            Code::kCanceled);
}

TEST(ErrorJsonTest, AllCodesRoundTrip) {
  for (int i = 1; i <= 16; ++i) {
    const Code code = static_cast<Code>(i);
    const Status status = ErrorFromJson(ErrorToJson(Status(code, "m")), 200);
    EXPECT_EQ(status.code(), code) << i;
    EXPECT_EQ(status.message(), "m");
  }
}

struct FallbackCase {
  std::string body;
  int http_status;
  Code expected;
};

TEST(ErrorJsonTest, MalformedBodiesFallBackToHttpStatus) {
  const std::vector<FallbackCase> cases = {
      {"", 400, Code::kInternal},
      {"", 401, Code::kUnauthenticated},
      {"", 403, Code::kPermissionDenied},
      {"", 404, Code::kUnimplemented},
      {"", 429, Code::kUnavailable},
      {"", 502, Code::kUnavailable},
      {"", 503, Code::kUnavailable},
      {"", 504, Code::kUnavailable},
      {"", 409, Code::kUnknown},
      {"", 412, Code::kUnknown},
      {"", 413, Code::kUnknown},
      {"", 415, Code::kUnknown},
      {"", 418, Code::kUnknown},
      {"", 431, Code::kUnknown},
      {"", 505, Code::kUnknown},
      {"", 800, Code::kUnknown},
      {"<html><body>Bad Gateway</body></html>", 502, Code::kUnavailable},
      {"not json", 400, Code::kInternal},
      {"[]", 401, Code::kUnauthenticated},
      {"\"string\"", 403, Code::kPermissionDenied},
      {"42", 404, Code::kUnimplemented},
      {"null", 429, Code::kUnavailable},
      {"{}", 503, Code::kUnavailable},
      {R"({"code":null})", 504, Code::kUnavailable},
      {R"({"code":"nope"})", 404, Code::kUnimplemented},
      {R"({"code":"NOT_FOUND"})", 418, Code::kUnknown},
      {R"({"code":"ok"})", 400, Code::kInternal},
      {R"({"code":5})", 401, Code::kUnauthenticated},
      {R"({"code":["internal"]})", 403, Code::kPermissionDenied},
      {R"({"code":"internal")", 503, Code::kUnavailable},
      {R"({"code":"internal"} trailing)", 502, Code::kUnavailable},
      {R"({"code":"internal",})", 429, Code::kUnavailable},
      {"{\"code\":\"internal\",\"message\":\"a\xff\"}", 400, Code::kInternal},  // bad UTF-8
      {R"({'code':'internal'})", 415, Code::kUnknown},
  };
  for (const FallbackCase& c : cases) {
    const Status status = ErrorFromJson(c.body, c.http_status);
    EXPECT_EQ(status.code(), c.expected) << c.body << " / " << c.http_status;
    EXPECT_THAT(status.message(), StartsWith("HTTP " + std::to_string(c.http_status))) << c.body;
    EXPECT_TRUE(status.details().empty());
  }
}

TEST(ErrorJsonTest, FallbackMessages) {
  EXPECT_EQ(ErrorFromJson("", 503).message(), "HTTP 503 Service Unavailable");
  EXPECT_EQ(ErrorFromJson("  upstream down\r\n", 502).message(),
            "HTTP 502 Bad Gateway: upstream down");
  EXPECT_EQ(ErrorFromJson("", 800).message(), "HTTP 800");
  const Status long_body = ErrorFromJson(std::string(5000, 'x'), 500);
  EXPECT_LT(long_body.message().size(), 300u);
  EXPECT_THAT(long_body.message(), ::testing::EndsWith("..."));
  // Found by tests/fuzz/error_json_fuzz: bytes that are not UTF-8 became part of the message,
  // which then changed when written as JSON. They become U+FFFD; valid UTF-8 stays.
  EXPECT_EQ(ErrorFromJson("bad \xb3 byte, caf\xc3\xa9\x01", 502).message(),
            "HTTP 502 Bad Gateway: bad \xEF\xBF\xBD byte, caf\xc3\xa9 ");
}

TEST(ErrorJsonTest, MissingCodeKeepsMessage) {
  const Status status = ErrorFromJson(R"({"message":"boom"})", 503);
  EXPECT_EQ(status.code(), Code::kUnavailable);
  EXPECT_EQ(status.message(), "boom");
}

// ---------------------------------------------------------------------------------------------
// End-stream JSON

TEST(EndStreamTest, ToJson) {
  EXPECT_EQ(EndStreamToJson(Status(), Headers()), "{}");
  EXPECT_EQ(EndStreamToJson(Status(), Headers{{"A", "1"}, {"b", "2"}, {"a", "3"}}),
            R"({"metadata":{"a":["1","3"],"b":["2"]}})");
  EXPECT_EQ(EndStreamToJson(Status(Code::kCanceled, ""), Headers()),
            R"({"error":{"code":"canceled"}})");
  Status error(Code::kInternal, "m\n");
  error.mutable_metadata().Add("y", "2");
  EXPECT_EQ(
      EndStreamToJson(error, Headers{{"x", "1"}, {"y", "0"}}),
      R"({"error":{"code":"internal","message":"m\n"},"metadata":{"x":["1"],"y":["0","2"]}})");
}

TEST(EndStreamTest, RoundTrip) {
  google::protobuf::StringValue detail;
  detail.set_value("d");
  Status error(Code::kResourceExhausted, "too big \xf0\x9f\x98\x80");
  error.AddDetail(detail);
  const Headers trailers{{"x-multi", "v1"}, {"x-multi", "v2"}, {"x-bin", "AAE"}};
  Headers parsed;
  const Status back = ParseEndStream(EndStreamToJson(error, trailers), &parsed);
  EXPECT_EQ(back.code(), Code::kResourceExhausted);
  EXPECT_EQ(back.message(), "too big \xf0\x9f\x98\x80");
  EXPECT_EQ(back.details(), error.details());
  EXPECT_THAT(parsed.GetAll("x-multi"), ElementsAre("v1", "v2"));
  EXPECT_EQ(parsed.GetBinary("x-bin"), std::string("\x00\x01", 2));

  const Status ok = ParseEndStream(EndStreamToJson(Status(), trailers), &parsed);
  EXPECT_TRUE(ok.ok());
  EXPECT_EQ(parsed, trailers);
}

TEST(EndStreamTest, SuccessForms) {
  Headers trailers{{"stale", "x"}};
  EXPECT_TRUE(ParseEndStream("{}", &trailers).ok());
  EXPECT_TRUE(trailers.empty());
  EXPECT_TRUE(ParseEndStream(R"({"error":null})", &trailers).ok());
  EXPECT_TRUE(ParseEndStream(R"({"metadata":null})", &trailers).ok());
  EXPECT_TRUE(ParseEndStream(R"( {"metadata":{"Key":["a","b"]},"error":null} )", &trailers).ok());
  EXPECT_THAT(trailers.GetAll("key"), ElementsAre("a", "b"));
  EXPECT_TRUE(ParseEndStream(R"({"metadata":{"k":[]}})", &trailers).ok());
  EXPECT_TRUE(trailers.empty());
  EXPECT_TRUE(ParseEndStream("{}", nullptr).ok());
}

TEST(EndStreamTest, UnknownOrMissingCodeIsUnknown) {
  Headers trailers;
  for (const char* json :
       {R"({"error":{"code":"bogus","message":"keep me"}})", R"({"error":{"message":"keep me"}})",
        R"({"error":{"code":null,"message":"keep me"}})",
        R"({"error":{"code":3,"message":"keep me"}})",
        R"({"error":{"code":"ok","message":"keep me"}})"}) {
    const Status status = ParseEndStream(json, &trailers);
    EXPECT_EQ(status.code(), Code::kUnknown) << json;
    EXPECT_EQ(status.message(), "keep me") << json;
  }
  const Status empty = ParseEndStream(R"({"error":{}})", &trailers);
  EXPECT_EQ(empty.code(), Code::kUnknown);
  EXPECT_EQ(empty.message(), "");
}

TEST(EndStreamTest, ErrorWithMetadata) {
  Headers trailers;
  const Status status = ParseEndStream(
      R"({"error":{"code":"unavailable","message":"m","details":[{"type":"a.B","value":"AQ"}]},)"
      R"("metadata":{"t":["1"]}})",
      &trailers);
  EXPECT_EQ(status.code(), Code::kUnavailable);
  ASSERT_EQ(status.details().size(), 1u);
  EXPECT_EQ(status.details()[0].value, "\x01");
  EXPECT_EQ(trailers.Get("t"), "1");
}

TEST(EndStreamTest, MalformedIsInternal) {
  for (const char* json :
       {"", "not json", "[]", "null", "\"x\"", "{", R"({"error":"x"})", R"({"error":[]})",
        R"({"metadata":[]})", R"({"metadata":{"a":"x"}})", R"({"metadata":{"a":[1]}})",
        R"({"metadata":{"a":[null]}})", R"({"metadata":{"bad key":["v"]}})",
        R"({"metadata":{"":["v"]}})", R"({"metadata":{"a":["x\ny"]}})",
        R"({"metadata":{"a":["x\u0000"]}})", R"({} {})"}) {
    Headers trailers;
    const Status status = ParseEndStream(json, &trailers);
    EXPECT_EQ(status.code(), Code::kInternal) << json;
    EXPECT_THAT(status.message(), StartsWith("protocol error: invalid end-stream message: "))
        << json;
    EXPECT_TRUE(trailers.empty()) << json;
  }
}

TEST(EndStreamTest, UnknownKeysAreIgnored) {
  Headers trailers;
  EXPECT_TRUE(ParseEndStream(R"({"extra":1})", &trailers).ok());
  EXPECT_TRUE(ParseEndStream(R"({"error":null,"foo":{}})", &trailers).ok());
  const Status status = ParseEndStream(
      R"({"code":"out_of_range","message":"oops","metadata":{"k":["v"]}})", &trailers);
  EXPECT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(trailers.Get("k"), "v");
}

TEST(ErrorJsonTest, UnrecognizedCodeKeepsMessage) {
  const Status status = ErrorFromJson(R"({"code":"foobar","message":"oops"})", 429);
  EXPECT_EQ(status.code(), Code::kUnavailable);
  EXPECT_EQ(status.message(), "oops");
}

// ---------------------------------------------------------------------------------------------
// GET

TEST(GetQueryTest, BuildProto) {
  EXPECT_EQ(BuildGetQuery("proto", "", std::string("\x00\xfb\xff", 3)),
            "connect=v1&base64=1&encoding=proto&message=APv_");
  EXPECT_EQ(BuildGetQuery("proto", "identity", "foob"),
            "connect=v1&base64=1&encoding=proto&message=Zm9vYg");
  EXPECT_EQ(BuildGetQuery("proto", "gzip", "foob"),
            "connect=v1&base64=1&compression=gzip&encoding=proto&message=Zm9vYg");
  EXPECT_EQ(BuildGetQuery("proto", "", ""), "connect=v1&base64=1&encoding=proto&message=");
}

TEST(GetQueryTest, BuildJson) {
  EXPECT_EQ(BuildGetQuery("json", "", "{\"a\":\"b c/\xc3\xa9~\"}"),
            "connect=v1&encoding=json&message=%7B%22a%22%3A%22b%20c%2F%C3%A9~%22%7D");
  EXPECT_EQ(BuildGetQuery("json", "identity", "{}"), "connect=v1&encoding=json&message=%7B%7D");
  EXPECT_EQ(BuildGetQuery("json", "gzip", "foob"),
            "connect=v1&base64=1&compression=gzip&encoding=json&message=Zm9vYg");
}

TEST(GetQueryTest, RoundTrip) {
  const std::string binary = std::string("\x00\x01\xfe\xff+/=&%", 9);
  for (const auto& [codec, compression, message] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {"proto", "", binary},
           {"proto", "gzip", binary},
           {"json", "", "{\"text\":\"a+b & c=d %20 \xf0\x9f\x98\x80\"}"},
           {"json", "gzip", binary},
           {"proto", "", ""}}) {
    auto parsed = ParseGetQuery(BuildGetQuery(codec, compression, message));
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    EXPECT_EQ(parsed->codec, codec);
    EXPECT_EQ(parsed->compression, compression);
    EXPECT_EQ(parsed->message, message);
  }
}

TEST(GetQueryTest, ParseAnyOrderPaddingAndAlphabets) {
  auto parsed = ParseGetQuery("message=Zg%3D%3D&foo=bar&encoding=proto&base64=1&connect=v1");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->codec, "proto");
  EXPECT_EQ(parsed->compression, "");
  EXPECT_EQ(parsed->message, "f");

  parsed = ParseGetQuery("encoding=proto&base64=1&message=Zg==");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->message, "f");

  parsed = ParseGetQuery("encoding=proto&base64=1&message=%2B%2F8");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->message, "\xfb\xff");
  parsed = ParseGetQuery("encoding=proto&base64=1&message=+/8");  // unescaped standard alphabet
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->message, "\xfb\xff");
  parsed = ParseGetQuery("encoding=proto&base64=1&message=-_8&compression=identity");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->message, "\xfb\xff");
  EXPECT_EQ(parsed->compression, "");

  parsed = ParseGetQuery("encoding=json&compression=gzip&base64=1&message=Zm8");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->codec, "json");
  EXPECT_EQ(parsed->compression, "gzip");
  EXPECT_EQ(parsed->message, "fo");
}

TEST(GetQueryTest, ParseJsonPercentEncoded) {
  auto parsed = ParseGetQuery("encoding=json&message=%7B%22a%22%3A%22b+c%20d%22%7D");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->message, R"({"a":"b c d"})");
  parsed = ParseGetQuery("connect=v1&encoding=json&message=");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->message, "");
}

TEST(GetQueryTest, ParseErrors) {
  for (const char* query :
       {"", "connect=v1", "encoding=proto&base64=1", "message=Zg&base64=1",
        "encoding=proto&base64=1&message=Z", "encoding=proto&base64=1&message=Zm9v%3D",
        "encoding=proto&base64=1&message=!!", "encoding=json&message=%7",
        "encoding=json&message=%zz", "encoding=%G0&message=x"}) {
    auto parsed = ParseGetQuery(query);
    ASSERT_FALSE(parsed.ok()) << query;
    EXPECT_EQ(parsed.status().code(), Code::kInvalidArgument) << query;
  }
}

// ---------------------------------------------------------------------------------------------
// Negotiation and reserved headers

TEST(NegotiationTest, ResponseEncoding) {
  EXPECT_EQ(NegotiateResponseEncoding("gzip", ""), "gzip");
  EXPECT_EQ(NegotiateResponseEncoding("gzip", "identity"), "gzip");
  EXPECT_EQ(NegotiateResponseEncoding("GZIP", ""), "gzip");
  EXPECT_EQ(NegotiateResponseEncoding("identity", "gzip"), "gzip");
  EXPECT_EQ(NegotiateResponseEncoding("", "br, gzip"), "gzip");
  EXPECT_EQ(NegotiateResponseEncoding("", " identity , gzip"), "identity");
  EXPECT_EQ(NegotiateResponseEncoding("", "gzip;q=0.5"), "gzip");
  EXPECT_EQ(NegotiateResponseEncoding("", "br;q=1.0,  Gzip ;q=0.1"), "gzip");
  EXPECT_EQ(NegotiateResponseEncoding("", "*"), "identity");
  EXPECT_EQ(NegotiateResponseEncoding("", "br, zstd"), "identity");
  EXPECT_EQ(NegotiateResponseEncoding("", ""), "identity");
  EXPECT_EQ(NegotiateResponseEncoding("identity", ""), "identity");
  EXPECT_EQ(NegotiateResponseEncoding("br", "gzip"), "gzip");
}

TEST(ReservedHeaderTest, Table) {
  for (const char* key :
       {"content-type", "content-length", "content-encoding", "accept-encoding",
        "transfer-encoding", "connection", "host", "te", "trailer", "upgrade", "keep-alive",
        "connect-timeout-ms", "connect-protocol-version", "connect-content-encoding",
        "connect-accept-encoding", "connect-x", "Content-Type", "Connect-Timeout-Ms"}) {
    EXPECT_TRUE(IsReservedHeader(key)) << key;
  }
  for (const char* key : {"user-agent", "x-custom", "authorization", "trailer-x", "connectx",
                          "x-connect-foo", "grpc-timeout-x", "content", ""}) {
    EXPECT_FALSE(IsReservedHeader(key)) << key;
  }
}

}  // namespace
}  // namespace connectrpc::protocol
