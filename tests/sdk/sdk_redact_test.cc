// Redaction of secrets (redact.h) and the SDK's log lines (logging.h).
#include <gtest/gtest.h>

#include <string>

#include "connectrpc/headers.h"
#include "connectrpc/method.h"
#include "connectrpc/status.h"
#include "transcodely/logging.h"
#include "transcodely/redact.h"

namespace transcodely {
namespace {

constexpr char kLiveKey[] = "ak_live_AbCdEf1234567890GhIjKlMnOpQrStUv";
constexpr char kTestKey[] = "ak_test_0123456789abcdefghijXYZW";
constexpr char kWebhookSecret[] = "whsec_test_12345678901234567890abcdef";

TEST(RedactTest, ApiKeyKeepsPrefixAndLastFour) {
  EXPECT_EQ(RedactApiKey(kLiveKey), "ak_live_…StUv");
  EXPECT_EQ(RedactApiKey(kTestKey), "ak_test_…XYZW");
}

TEST(RedactTest, ShortOrForeignKeysAreRedactedWhole) {
  // Four characters of a short key would be most of it.
  EXPECT_EQ(RedactApiKey("ak_live_short1234"), "ak_live_[redacted]");
  EXPECT_EQ(RedactApiKey("ak_live_"), "ak_live_");
  EXPECT_EQ(RedactApiKey("sk_not_a_transcodely_key_0123456789"), "[redacted]");
  EXPECT_EQ(RedactApiKey("ak_live_has spaces in it 0123456789"), "[redacted]");
  EXPECT_EQ(RedactApiKey(""), "[redacted]");
}

TEST(RedactTest, Authorization) {
  EXPECT_EQ(RedactAuthorization(std::string("Bearer ") + kLiveKey), "Bearer ak_live_…StUv");
  EXPECT_EQ(RedactAuthorization(std::string("  bearer   ") + kTestKey + " "),
            "bearer ak_test_…XYZW");
  EXPECT_EQ(RedactAuthorization("Bearer sk_not_a_transcodely_key_0123456789"), "Bearer [redacted]");
  EXPECT_EQ(RedactAuthorization("Basic dXNlcjpzZWNyZXQ="), "Basic [redacted]");
  // No scheme: the whole value may be a secret.
  EXPECT_EQ(RedactAuthorization(kLiveKey), "[redacted]");
  EXPECT_EQ(RedactAuthorization("Bearer"), "[redacted]");
  EXPECT_EQ(RedactAuthorization(""), "[redacted]");
}

TEST(RedactTest, HeaderValues) {
  EXPECT_EQ(RedactHeaderValue("Authorization", std::string("Bearer ") + kLiveKey),
            "Bearer ak_live_…StUv");
  EXPECT_EQ(RedactHeaderValue("cookie", "session=abcdef"), "[redacted]");
  EXPECT_EQ(RedactHeaderValue("x-api-key", kLiveKey), "[redacted]");
  EXPECT_EQ(RedactHeaderValue("x-idempotency-key", "order-42"), "order-42");
  EXPECT_EQ(RedactHeaderValue("x-forwarded-key", kLiveKey), "ak_live_…StUv");
}

TEST(RedactTest, SecretsInsideText) {
  EXPECT_EQ(RedactSecrets(std::string("key ") + kLiveKey + ", and " + kTestKey + "."),
            "key ak_live_…StUv, and ak_test_…XYZW.");
  EXPECT_EQ(RedactSecrets(std::string("secret=") + kWebhookSecret), "secret=whsec_[redacted]");
  EXPECT_EQ(RedactSecrets("keys start with ak_live_ or ak_test_"),
            "keys start with ak_live_ or ak_test_");
  EXPECT_EQ(RedactSecrets("nothing secret here"), "nothing secret here");
  // Redacting twice changes nothing more.
  std::string once = RedactSecrets(kLiveKey);
  EXPECT_EQ(RedactSecrets(once), once);
}

TEST(LoggingTest, AttemptLineRedactsTheMessage) {
  connectrpc::MethodInfo method;
  method.procedure = "/transcodely.v1.JobService/Get";
  connectrpc::Status status(connectrpc::Code::kUnavailable,
                            std::string("upstream refused ") + kLiveKey);
  status.mutable_metadata().Set("x-request-id", "req_123");
  AttemptReport report;
  report.method = &method;
  report.attempt = 2;
  report.status = &status;
  report.duration = std::chrono::milliseconds(12);
  report.retry_delay = std::chrono::milliseconds(250);
  EXPECT_EQ(FormatAttempt(report),
            "transcodely: /transcodely.v1.JobService/Get attempt 2: unavailable in 12 ms (request "
            "id req_123): upstream refused ak_live_…StUv; retrying in 250 ms");
}

TEST(LoggingTest, HeaderLineRedactsAuthorization) {
  connectrpc::MethodInfo method;
  method.procedure = "/transcodely.v1.JobService/Create";
  connectrpc::Headers headers;
  headers.Add("authorization", std::string("Bearer ") + kLiveKey);
  headers.Add("x-idempotency-key", "order-42");
  std::string line = FormatRequestHeaders(method, headers);
  EXPECT_EQ(line,
            "transcodely: /transcodely.v1.JobService/Create request headers: authorization: Bearer "
            "ak_live_…StUv, x-idempotency-key: order-42");
  EXPECT_EQ(line.find("AbCdEf1234567890GhIjKlMnOpQrStUv"), std::string::npos);
}

TEST(LoggingTest, SinkFiltersByLevel) {
  int calls = 0;
  LogSink sink{[&calls](LogLevel, std::string_view) { ++calls; }, LogLevel::kInfo};
  sink.Log(LogLevel::kDebug, "hidden");
  sink.Log(LogLevel::kInfo, "shown");
  EXPECT_EQ(calls, 1);
  EXPECT_FALSE(LogSink{}.Enabled(LogLevel::kInfo));
}

}  // namespace
}  // namespace transcodely
