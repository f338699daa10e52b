// Error classification, ErrorDetails extraction, Retry-After and backoff arithmetic.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "transcodely/errors.h"
#include "transcodely/retry.h"
#include "transcodely/v1/common.pb.h"
#include "transcodely/watch.h"

namespace transcodely {
namespace {

using connectrpc::Code;

TEST(SdkErrorsTest, ClassifiesEveryCode) {
  EXPECT_EQ(ClassifyCode(Code::kUnauthenticated), ErrorKind::kAuthentication);
  EXPECT_EQ(ClassifyCode(Code::kPermissionDenied), ErrorKind::kPermission);
  EXPECT_EQ(ClassifyCode(Code::kNotFound), ErrorKind::kNotFound);
  EXPECT_EQ(ClassifyCode(Code::kAlreadyExists), ErrorKind::kConflict);
  EXPECT_EQ(ClassifyCode(Code::kAborted), ErrorKind::kConflict);
  EXPECT_EQ(ClassifyCode(Code::kInvalidArgument), ErrorKind::kInvalidRequest);
  EXPECT_EQ(ClassifyCode(Code::kOutOfRange), ErrorKind::kInvalidRequest);
  EXPECT_EQ(ClassifyCode(Code::kFailedPrecondition), ErrorKind::kInvalidRequest);
  EXPECT_EQ(ClassifyCode(Code::kResourceExhausted), ErrorKind::kRateLimit);
  EXPECT_EQ(ClassifyCode(Code::kUnavailable), ErrorKind::kConnection);
  EXPECT_EQ(ClassifyCode(Code::kDeadlineExceeded), ErrorKind::kConnection);
  EXPECT_EQ(ClassifyCode(Code::kInternal), ErrorKind::kApi);
  EXPECT_EQ(ClassifyCode(Code::kUnknown), ErrorKind::kApi);
  EXPECT_EQ(ClassifyCode(Code::kUnimplemented), ErrorKind::kApi);
  EXPECT_EQ(ClassifyCode(Code::kCanceled), ErrorKind::kApi);
  EXPECT_EQ(ErrorKindName(ErrorKind::kRateLimit), "rate_limit");
}

TEST(SdkErrorsTest, ReadsBinaryErrorDetailsAndMetadata) {
  connectrpc::Status status(Code::kInvalidArgument, "input_url must be a valid URL");
  v1::ErrorDetails details;
  details.set_code("JOB_INPUT_URL_INVALID");
  details.set_message("bad url");
  auto* violation = details.add_field_violations();
  violation->set_field("input_url");
  violation->set_description("must be a valid URL");
  status.AddDetail(details);
  status.mutable_metadata().Add("X-Request-Id", "req_123");
  Error error = Error::From(status);
  EXPECT_EQ(error.kind(), ErrorKind::kInvalidRequest);
  EXPECT_EQ(error.code(), Code::kInvalidArgument);
  EXPECT_EQ(error.message(), "input_url must be a valid URL");
  EXPECT_EQ(error.request_id(), "req_123");
  EXPECT_EQ(error.error_code(), "JOB_INPUT_URL_INVALID");
  ASSERT_EQ(error.field_violations().size(), 1u);
  EXPECT_EQ(error.field_violations()[0], (FieldViolation{"input_url", "must be a valid URL"}));
  EXPECT_FALSE(error.retry_after().has_value());
  const std::string text = error.ToString();
  EXPECT_NE(text.find("invalid_request"), std::string::npos) << text;
  EXPECT_NE(text.find("JOB_INPUT_URL_INVALID"), std::string::npos) << text;
  EXPECT_NE(text.find("req_123"), std::string::npos) << text;
}

TEST(SdkErrorsTest, FallsBackToDebugJson) {
  connectrpc::Status status(Code::kNotFound, "no such job");
  connectrpc::ErrorDetail detail;
  detail.type = "transcodely.v1.ErrorDetails";
  detail.debug_json =
      R"({"code":"JOB_NOT_FOUND","fieldViolations":[{"field":"id","description":"unknown"}]})";
  status.AddDetail(detail);
  Error error = Error::From(status);
  EXPECT_EQ(error.kind(), ErrorKind::kNotFound);
  EXPECT_EQ(error.error_code(), "JOB_NOT_FOUND");
  ASSERT_EQ(error.field_violations().size(), 1u);
  EXPECT_EQ(error.field_violations()[0].field, "id");

  connectrpc::Status snake(Code::kNotFound, "x");
  detail.debug_json =
      R"({"code":"C","field_violations":[{"field":"a","description":"b"},{"field":"c"}]})";
  snake.AddDetail(detail);
  EXPECT_EQ(Error::From(snake).field_violations().size(), 2u);
}

TEST(SdkErrorsTest, ReadsJsonInsideTheMessage) {
  connectrpc::Status status(
      Code::kInvalidArgument,
      R"({"type":"validation_error","code":"JOB_INPUT_URL_INVALID","message":"bad input",)"
      R"("errors":[{"field":"outputs[0].codec","description":"unknown codec"}]})");
  Error error = Error::From(status);
  EXPECT_EQ(error.error_type(), "validation_error");
  EXPECT_EQ(error.error_code(), "JOB_INPUT_URL_INVALID");
  EXPECT_EQ(error.message(), "bad input");
  ASSERT_EQ(error.field_violations().size(), 1u);
  EXPECT_EQ(error.field_violations()[0].field, "outputs[0].codec");

  Error plain = Error::From(connectrpc::Status(Code::kInternal, "{not json"));
  EXPECT_EQ(plain.message(), "{not json");
  EXPECT_TRUE(plain.error_code().empty());
}

TEST(SdkErrorsTest, RetryAfterIsIntegerSeconds) {
  auto parse = [](const char* value) {
    connectrpc::Headers headers;
    headers.Add("Retry-After", value);
    return ParseRetryAfter(headers);
  };
  EXPECT_EQ(parse("3"), std::chrono::seconds(3));
  EXPECT_EQ(parse(" 0 "), std::chrono::seconds(0));
  EXPECT_EQ(parse("-5"), std::chrono::seconds(0));
  EXPECT_FALSE(parse("Wed, 21 Oct 2015 07:28:00 GMT").has_value());
  EXPECT_FALSE(parse("1.5").has_value());
  EXPECT_FALSE(ParseRetryAfter(connectrpc::Headers()).has_value());

  connectrpc::Status limited(Code::kResourceExhausted, "slow down");
  limited.mutable_metadata().Add("retry-after", "7");
  Error error = Error::From(limited);
  EXPECT_EQ(error.kind(), ErrorKind::kRateLimit);
  EXPECT_EQ(error.retry_after(), std::chrono::seconds(7));
}

TEST(SdkErrorsTest, BackoffAndReconnectDelays) {
  using std::chrono::milliseconds;
  EXPECT_EQ(BackoffDelay(1, 0.0), milliseconds(125));
  EXPECT_EQ(BackoffDelay(1, 0.999), milliseconds(249));
  EXPECT_EQ(BackoffDelay(2, 0.0), milliseconds(250));
  EXPECT_EQ(BackoffDelay(3, 0.0), milliseconds(500));
  EXPECT_EQ(BackoffDelay(4, 0.0), milliseconds(1000));
  EXPECT_EQ(BackoffDelay(10, 0.0), milliseconds(1000));
  EXPECT_LT(BackoffDelay(10, 0.999), milliseconds(2000));
  EXPECT_EQ(ReconnectDelay(1, 0.0), milliseconds(250));
  EXPECT_EQ(ReconnectDelay(4, 0.0), milliseconds(2000));
  EXPECT_EQ(ReconnectDelay(5, 0.0), milliseconds(2500));
  EXPECT_EQ(ReconnectDelay(50, 0.0), milliseconds(2500));
  EXPECT_TRUE(IsRetryableCode(Code::kUnavailable));
  EXPECT_TRUE(IsRetryableCode(Code::kResourceExhausted));
  EXPECT_TRUE(IsRetryableCode(Code::kDeadlineExceeded));
  EXPECT_FALSE(IsRetryableCode(Code::kInternal));
  EXPECT_FALSE(IsRetryableCode(Code::kInvalidArgument));
}

}  // namespace
}  // namespace transcodely
