// Webhook signature vectors of the wire contract §8 and envelope parsing.
#include <gtest/gtest.h>

#include <cctype>
#include <chrono>
#include <string>
#include <vector>

#include "transcodely/webhook.h"

namespace transcodely {
namespace {

constexpr char kSecret[] = "whsec_test_12345678901234567890abcdef";
constexpr int64_t kTimestamp = 1716480293;
constexpr char kBody[] = R"({"id":"evt_123","object":"event","type":"job.succeeded","data":{}})";
constexpr char kSignature[] = "a98aac09a2aca57d8715c8d6ff93cc2e3b7b5775445f887ad2a730329ca3d7d2";

std::chrono::system_clock::time_point At(int64_t seconds) {
  return std::chrono::system_clock::time_point(std::chrono::seconds(seconds));
}

std::string Header() { return "t=" + std::to_string(kTimestamp) + ",v1=" + kSignature; }

TEST(SdkWebhookTest, ComputesTheReferenceSignature) {
  EXPECT_EQ(std::string(kBody).size(), 66u);
  EXPECT_EQ(ComputeWebhookSignature(kSecret, kTimestamp, kBody), kSignature);
}

TEST(SdkWebhookTest, VerifiesTheReferenceVector) {
  EXPECT_TRUE(
      VerifyWebhookSignature(kBody, Header(), {kSecret}, std::chrono::seconds(300), At(kTimestamp))
          .ok());
}

TEST(SdkWebhookTest, ToleranceIsInclusive) {
  const auto tolerance = std::chrono::seconds(300);
  EXPECT_TRUE(
      VerifyWebhookSignature(kBody, Header(), {kSecret}, tolerance, At(kTimestamp + 299)).ok());
  EXPECT_TRUE(
      VerifyWebhookSignature(kBody, Header(), {kSecret}, tolerance, At(kTimestamp + 300)).ok());
  EXPECT_TRUE(
      VerifyWebhookSignature(kBody, Header(), {kSecret}, tolerance, At(kTimestamp - 300)).ok());
  connectrpc::Status late =
      VerifyWebhookSignature(kBody, Header(), {kSecret}, tolerance, At(kTimestamp + 301));
  EXPECT_EQ(late.code(), connectrpc::Code::kInvalidArgument);
  EXPECT_NE(late.message().find("tolerance"), std::string::npos) << late.message();
  EXPECT_FALSE(
      VerifyWebhookSignature(kBody, Header(), {kSecret}, tolerance, At(kTimestamp - 301)).ok());
}

TEST(SdkWebhookTest, AnyOfSeveralSignaturesAndSecrets) {
  const std::string header = "t=" + std::to_string(kTimestamp) + ", v1=" + std::string(64, '0') +
                             " , v1=" + kSignature + ",v0=ignored";
  EXPECT_TRUE(VerifyWebhookSignature(kBody, header, {"whsec_old", kSecret},
                                     std::chrono::seconds(300), At(kTimestamp))
                  .ok());
  // Uppercase hex is accepted, as in the Go and Python SDKs.
  std::string upper = kSignature;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_TRUE(VerifyWebhookSignature(kBody, "t=1716480293,v1=" + upper, {kSecret},
                                     std::chrono::seconds(300), At(kTimestamp))
                  .ok());
}

TEST(SdkWebhookTest, RejectsBadHeadersWithDistinctMessages) {
  auto verify = [](const std::string& header, const std::string& body = kBody) {
    return VerifyWebhookSignature(body, header, {kSecret}, std::chrono::seconds(300),
                                  At(kTimestamp));
  };
  const std::vector<std::string> headers = {
      std::string("v1=") + kSignature,           // no timestamp
      "t=1716480293",                            // no v1
      std::string("t=abc,v1=") + kSignature,     // bad timestamp
      std::string("t=17164x,v1=") + kSignature,  // bad timestamp
      "t=1716480293,v1=deadbeef",                // no match
      "",                                        // empty header
  };
  std::vector<std::string> messages;
  for (const std::string& header : headers) {
    connectrpc::Status status = verify(header);
    EXPECT_EQ(status.code(), connectrpc::Code::kInvalidArgument) << header;
    messages.push_back(status.message());
  }
  EXPECT_NE(messages[0], messages[1]);
  EXPECT_NE(messages[1], messages[2]);
  EXPECT_EQ(messages[2], messages[3]);
  EXPECT_NE(messages[2], messages[4]);
  EXPECT_NE(messages[4], messages[5]);
  // A tampered payload or a wrong secret.
  EXPECT_FALSE(verify(Header(), std::string(kBody) + " ").ok());
  EXPECT_FALSE(VerifyWebhookSignature(kBody, Header(), {"whsec_other"}, std::chrono::seconds(300),
                                      At(kTimestamp))
                   .ok());
  EXPECT_FALSE(
      VerifyWebhookSignature(kBody, Header(), {}, std::chrono::seconds(300), At(kTimestamp)).ok());
}

TEST(SdkWebhookTest, RejectsAnEmptySecret) {
  // Anyone can sign with an empty key; a missing secret (e.g. an unset environment variable)
  // must not turn into "every forged event verifies".
  const std::string forged_body = R"({"id":"evt_x","object":"event","type":"job.succeeded",)"
                                  R"("api_version":"2026-05-23","created":"2026-05-23T00:00:00Z",)"
                                  R"("data":{}})";
  const std::string forged =
      "t=" + std::to_string(kTimestamp) + ",v1=" + ComputeWebhookSignature("", kTimestamp,
                                                                           forged_body);
  connectrpc::Status status = VerifyWebhookSignature(forged_body, forged, {""},
                                                     std::chrono::seconds(300), At(kTimestamp));
  EXPECT_EQ(status.code(), connectrpc::Code::kInvalidArgument);
  EXPECT_NE(status.message().find("empty"), std::string::npos) << status.message();
  EXPECT_FALSE(ConstructEvent(forged_body, forged, {kSecret, ""}, std::chrono::seconds(300),
                              At(kTimestamp))
                   .ok());
}

TEST(SdkWebhookTest, ConstructEventParsesTheEnvelope) {
  const std::string body = R"({"id":"evt_1","object":"event","api_version":"2026-05-23",)"
                           R"("created":"2026-05-24T10:55:00Z","type":"job.succeeded",)"
                           R"("data":{"id":"job_1","status":"completed"},"pending_webhooks":2,)"
                           R"("request":{"id":null,"idempotency_key":null}})";
  const int64_t t = 1716480000;
  const std::string header =
      "t=" + std::to_string(t) + ",v1=" + ComputeWebhookSignature(kSecret, t, body);
  connectrpc::Result<WebhookEvent> event =
      ConstructEvent(body, header, {kSecret}, std::chrono::seconds(300), At(t + 10));
  ASSERT_TRUE(event.ok()) << event.status().ToString();
  EXPECT_EQ(event->id, "evt_1");
  EXPECT_EQ(event->object, "event");
  EXPECT_EQ(event->type, "job.succeeded");
  EXPECT_EQ(event->api_version, "2026-05-23");
  EXPECT_EQ(event->created, "2026-05-24T10:55:00Z");
  EXPECT_EQ(event->data, R"({"id":"job_1","status":"completed"})");
  EXPECT_EQ(event->pending_webhooks, 2);
  EXPECT_FALSE(event->request_id.has_value());

  // Signature failures come first.
  EXPECT_FALSE(ConstructEvent(body, "t=1,v1=00", {kSecret}).ok());
  // The minimal §8 vector lacks api_version and created: verified, but not a full envelope.
  EXPECT_FALSE(
      ConstructEvent(kBody, Header(), {kSecret}, std::chrono::seconds(300), At(kTimestamp)).ok());
  EXPECT_FALSE(ParseWebhookEvent(R"({"id":"evt_1","object":"thing"})").ok());
  EXPECT_FALSE(ParseWebhookEvent("not json").ok());
}

}  // namespace
}  // namespace transcodely
