// The --verbose request log line (request_log.h) and the leak check of sandbox_secrets_test.cc:
// an unredacted line would be caught.
#include "request_log.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "leak_check.h"

namespace sandbox::testing {
namespace {

constexpr char kKey[] = "ak_live_AbCdEf1234567890GhIjKlMnOpQrStUv";

connectrpc::Headers RequestHeaders() {
  connectrpc::Headers headers;
  headers.Add("authorization", std::string("Bearer ") + kKey);
  headers.Add("x-idempotency-key", "order-42");
  headers.Add("user-agent", "transcodely-cpp/0.1.0");
  return headers;
}

TEST(RequestLogTest, OneLineWithRedactedHeaders) {
  connectrpc::Status status(connectrpc::Code::kUnauthenticated, "API key has been revoked");
  std::string line = FormatRequestLogLine("/transcodely.v1.JobService/Get", "127.0.0.1:5000",
                                          RequestHeaders(), status, std::chrono::milliseconds(3));
  EXPECT_EQ(line,
            "transcodely-sandbox: /transcodely.v1.JobService/Get peer=127.0.0.1:5000 "
            "code=unauthenticated 3 ms headers={authorization: \"Bearer ak_live_…StUv\", "
            "x-idempotency-key: \"order-42\", user-agent: \"transcodely-cpp/0.1.0\"} "
            "message=\"API key has been revoked\"");
  EXPECT_TRUE(FindLeaks("request log", {line}, {kKey}).empty());
}

TEST(RequestLogTest, SecretsInMessagesAndOtherHeadersAreRedacted) {
  connectrpc::Headers headers;
  headers.Add("x-debug", std::string("copied ") + kKey);
  headers.Add("cookie", "session=s3cr3t-session-value");
  connectrpc::Status status(connectrpc::Code::kInvalidArgument,
                            std::string("bad secret whsec_abcdefghijklmnop and ") + kKey);
  std::string line =
      FormatRequestLogLine("/p/Q", "[::1]:1", headers, status, std::chrono::milliseconds(0));
  EXPECT_TRUE(
      FindLeaks("request log", {line}, {kKey, "whsec_abcdefghijklmnop", "s3cr3t-session-value"})
          .empty())
      << line;
  EXPECT_NE(line.find("whsec_[redacted]"), std::string::npos) << line;
}

TEST(RequestLogTest, OkCallsHaveNoMessageAndControlCharactersAreEscaped) {
  connectrpc::Headers headers;
  headers.Add("x-note", "two\nlines \"quoted\"");
  std::string line = FormatRequestLogLine("/p/Q", "127.0.0.1:1", headers, connectrpc::Status(),
                                          std::chrono::milliseconds(1));
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_NE(line.find(R"(x-note: "two\x0alines \"quoted\"")"), std::string::npos) << line;
  EXPECT_EQ(line.find("message="), std::string::npos);
}

TEST(LeakCheckTest, CatchesAWholeSecretAndItsRandomPart) {
  const std::string key = kKey;
  std::vector<std::string> lines = {
      "authorization: Bearer " + key,                // the whole key
      "hint AbCdEf1234567890GhIjKlMnOpQrStUv only",  // its random part
      "authorization: Bearer ak_live_…StUv",         // redacted: no leak
  };
  std::vector<Leak> leaks = FindLeaks("test", lines, {key});
  ASSERT_EQ(leaks.size(), 3u);  // line 0 holds both forms, line 1 the random part
  EXPECT_EQ(leaks[0].text, lines[0]);
  EXPECT_EQ(leaks[2].text, lines[1]);
  EXPECT_EQ(LeakForms("whsec_abc"), (std::vector<std::string>{"whsec_abc", "abc"}));
  EXPECT_EQ(LeakForms("Basic dXNlcg=="), (std::vector<std::string>{"Basic dXNlcg=="}));
}

}  // namespace
}  // namespace sandbox::testing
