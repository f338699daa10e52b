// Authentication failures (each with its ErrorDetails code), the environment rule, X-Request-Id
// on every response, HealthService without a key, unimplemented services and the proto codec.
#include <gtest/gtest.h>

#include <string>

#include "api_key_service.h"
#include "connectrpc/transport.h"
#include "sandbox_fixture.h"
#include "tests/support/raw_http.h"
#include "time_util.h"
#include "transcodely/v1/app.connect.h"
#include "transcodely/v1/health.connect.h"

namespace sandbox::testing {
namespace {

using connectrpc::Code;

class AuthTest : public SandboxTest {
 protected:
  // Lists jobs with `options` and returns the failure.
  connectrpc::Status ListJobs(const connectrpc::CallOptions& options) {
    auto result = jobs_->List(transcodely::v1::ListJobsRequest(), options);
    EXPECT_FALSE(result.ok());
    return result.ok() ? connectrpc::Status() : result.status();
  }
};

TEST_F(AuthTest, BootstrapKeysAuthenticate) {
  EXPECT_TRUE(live_key_.starts_with("ak_live_"));
  EXPECT_TRUE(test_key_.starts_with("ak_test_"));
  EXPECT_TRUE(jobs_->List(transcodely::v1::ListJobsRequest(), As(live_key_)).ok());
  EXPECT_TRUE(jobs_->List(transcodely::v1::ListJobsRequest(), As(test_key_)).ok());
}

TEST_F(AuthTest, MissingAuthorizationHeader) {
  connectrpc::Status status = ListJobs(connectrpc::CallOptions());
  EXPECT_EQ(status.code(), Code::kUnauthenticated);
  EXPECT_EQ(status.message(), "missing Authorization header: send Authorization: Bearer <API key>");
  EXPECT_EQ(Details(status).code(), "missing_api_key");
  EXPECT_TRUE(status.metadata().Get("x-request-id").value_or("").starts_with("req_"));
}

TEST_F(AuthTest, NonBearerSchemeCountsAsMissing) {
  connectrpc::CallOptions options;
  options.headers.Add("Authorization", "Basic " + test_key_);
  connectrpc::Status status = ListJobs(options);
  EXPECT_EQ(status.code(), Code::kUnauthenticated);
  EXPECT_EQ(Details(status).code(), "missing_api_key");
}

TEST_F(AuthTest, InvalidKeyFormat) {
  connectrpc::Status status = ListJobs(As("sk_live_123456"));
  EXPECT_EQ(status.code(), Code::kUnauthenticated);
  EXPECT_EQ(status.message(), "invalid API key format: keys start with ak_live_ or ak_test_");
  EXPECT_EQ(Details(status).code(), "invalid_api_key_format");
  // The ErrorDetails debug rendering is the first detail's default protojson.
  ASSERT_FALSE(status.details().empty());
  EXPECT_EQ(status.details().front().type, "transcodely.v1.ErrorDetails");
}

TEST_F(AuthTest, UnknownKey) {
  connectrpc::Status status = ListJobs(As("ak_test_doesnotexist0000000000000000"));
  EXPECT_EQ(status.code(), Code::kUnauthenticated);
  EXPECT_EQ(Details(status).code(), "invalid_api_key");
}

TEST_F(AuthTest, RevokedKey) {
  transcodely::v1::CreateAPIKeyRequest create;
  create.set_name("to revoke");
  auto created = keys_->Create(create, As(test_key_));
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  transcodely::v1::RevokeAPIKeyRequest revoke;
  revoke.set_id(created->api_key().id());
  revoke.set_reason("exposed");
  ASSERT_TRUE(keys_->Revoke(revoke, As(test_key_)).ok());
  connectrpc::Status status = ListJobs(As(created->secret()));
  EXPECT_EQ(status.code(), Code::kUnauthenticated);
  EXPECT_EQ(status.message(), "API key has been revoked");
  EXPECT_EQ(Details(status).code(), "revoked_api_key");
}

TEST_F(AuthTest, ExpiredKey) {
  std::string secret;
  ApiKeyRecord key = NewApiKeyRecord("expired", "", Environment::kTest, NowMillis() - 1000,
                                     NowMillis() - 5000, &secret);
  ASSERT_TRUE(sandbox_->store().InsertApiKey(key).ok());
  connectrpc::Status status = ListJobs(As(secret));
  EXPECT_EQ(status.code(), Code::kUnauthenticated);
  EXPECT_EQ(Details(status).code(), "expired_api_key");
}

TEST_F(AuthTest, WrongEnvironmentForJob) {
  auto created = jobs_->Create(ValidJob(), As(live_key_));
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  transcodely::v1::GetJobRequest get;
  get.set_id(created->job().id());
  auto result = jobs_->Get(get, As(test_key_));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), Code::kUnauthenticated);
  EXPECT_EQ(result.status().message(),
            "wrong environment: this is a live resource and the request used a test key");
  EXPECT_EQ(Details(result.status()).code(), "wrong_environment");
  // The live key still sees it; the test key's list does not contain it.
  EXPECT_TRUE(jobs_->Get(get, As(live_key_)).ok());
  auto listed = jobs_->List(transcodely::v1::ListJobsRequest(), As(test_key_));
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->jobs_size(), 0);
}

TEST_F(AuthTest, WrongEnvironmentForApiKeyCreation) {
  transcodely::v1::CreateAPIKeyRequest create;
  create.set_name("live from test");
  create.set_environment(transcodely::v1::API_KEY_ENVIRONMENT_LIVE);
  auto result = keys_->Create(create, As(test_key_));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), Code::kUnauthenticated);
  EXPECT_EQ(Details(result.status()).code(), "wrong_environment");
}

TEST_F(AuthTest, HealthNeedsNoKeyAndCarriesRequestId) {
  transcodely::v1::HealthServiceClient health(client_);
  connectrpc::ResponseMetadata metadata;
  connectrpc::CallOptions options;
  options.response_metadata = &metadata;
  auto result = health.Check(transcodely::v1::HealthCheckRequest(), options);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->status(), transcodely::v1::HEALTH_STATUS_HEALTHY);
  EXPECT_TRUE(metadata.headers.Get("x-request-id").value_or("").starts_with("req_"));
}

TEST_F(AuthTest, RequestIdOnSuccessAndErrorsIsFreshEachTime) {
  connectrpc::ResponseMetadata metadata;
  connectrpc::CallOptions options = As(test_key_);
  options.response_metadata = &metadata;
  ASSERT_TRUE(jobs_->List(transcodely::v1::ListJobsRequest(), options).ok());
  std::string first(metadata.headers.Get("x-request-id").value_or(""));
  EXPECT_TRUE(first.starts_with("req_"));
  ASSERT_TRUE(jobs_->List(transcodely::v1::ListJobsRequest(), options).ok());
  EXPECT_NE(metadata.headers.Get("x-request-id").value_or(""), first);

  transcodely::v1::GetJobRequest get;
  get.set_id("job_missing");
  auto missing = jobs_->Get(get, As(test_key_));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Code::kNotFound);
  EXPECT_TRUE(missing.status().metadata().Get("x-request-id").value_or("").starts_with("req_"));
}

TEST_F(AuthTest, RequestIdOnProtocolErrors) {
  connectrpc::HttpRequestHead head;
  head.method = "POST";
  head.target = "/transcodely.v1.NoSuchService/Nothing";
  head.headers.Add("content-type", "application/json");
  connectrpc::testing::RawResponse response =
      connectrpc::testing::RawHttp(sandbox_->port(), std::move(head), "{}");
  ASSERT_TRUE(response.status.ok()) << response.status.ToString();
  EXPECT_EQ(response.http_status, 404);
  EXPECT_TRUE(response.headers.Get("x-request-id").value_or("").starts_with("req_"));
}

TEST_F(AuthTest, UnimplementedServices) {
  transcodely::v1::AppServiceClient apps(client_);
  auto result = apps.Get(transcodely::v1::GetAppRequest(), As(test_key_));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), Code::kUnimplemented);
  EXPECT_EQ(result.status().message(),
            "transcodely-sandbox does not implement transcodely.v1.AppService/Get");
  // Authentication still comes first.
  auto anonymous = apps.Get(transcodely::v1::GetAppRequest(), connectrpc::CallOptions());
  ASSERT_FALSE(anonymous.ok());
  EXPECT_EQ(anonymous.status().code(), Code::kUnauthenticated);
}

TEST_F(AuthTest, ProtoCodecWorks) {
  connectrpc::ClientOptions options;
  options.codec = &connectrpc::ProtoCodec();
  auto client = connectrpc::Client::Create(sandbox_->base_url(), options);
  ASSERT_TRUE(client.ok());
  transcodely::v1::JobServiceClient jobs(*client);
  auto created = jobs.Create(ValidJob(), As(test_key_));
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_TRUE(created->job().id().starts_with("job_"));
  transcodely::v1::GetJobRequest get;
  get.set_id("job_nope");
  auto missing = jobs.Get(get, As(test_key_));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(Details(missing.status()).code(), "job_not_found");
}

}  // namespace
}  // namespace sandbox::testing
