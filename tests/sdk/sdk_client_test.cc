// transcodely::Client against an in-process fake server: options, headers, idempotency,
// retries, pagination and watch.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sdk_fake_server.h"
#include "transcodely/client.h"

namespace transcodely {
namespace {

using std::chrono::milliseconds;
using testing::FakeServer;
using testing::Recorded;

class SdkClientTest : public ::testing::Test {
 protected:
  // A client of the fake server whose sleeps are recorded, not slept.
  Client MakeClient(ClientOptions options = {}) {
    if (options.api_key.empty()) options.api_key = "ak_test_secret";
    options.base_url = server_.base_url() + "/";
    options.timeout = milliseconds(5000);
    options.sleep = [this](milliseconds delay) {
      std::lock_guard<std::mutex> lock(mu_);
      sleeps_.push_back(delay);
    };
    auto client = Client::Create(std::move(options));
    EXPECT_TRUE(client.ok()) << client.status().ToString();
    return std::move(*client);
  }

  std::vector<milliseconds> Sleeps() {
    std::lock_guard<std::mutex> lock(mu_);
    return sleeps_;
  }

  static v1::CreateJobRequest JobRequest() {
    v1::CreateJobRequest request;
    request.set_input_url("https://example.com/in.mp4");
    request.add_outputs();
    return request;
  }

  static std::string Header(const Recorded& call, std::string_view key) {
    auto value = call.headers.Get(key);
    return value ? std::string(*value) : std::string("<absent>");
  }

  FakeServer server_;
  std::mutex mu_;
  std::vector<milliseconds> sleeps_;
};

TEST(SdkClientOptionsTest, RequiresAnApiKey) {
  ::unsetenv("TRANSCODELY_API_KEY");
  auto missing = Client::Create({});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), connectrpc::Code::kInvalidArgument);
  EXPECT_EQ(missing.status().message(), "transcodely: api key is required");

  const std::vector<std::string> bad_keys = {"ak_test_abc\r\nX-Evil: 1", "ak_test_\n",
                                             std::string("ak\0x", 4), "ak_test_\x01"};
  for (const std::string& bad : bad_keys) {
    ClientOptions options;
    options.api_key = bad;
    auto client = Client::Create(options);
    ASSERT_FALSE(client.ok()) << bad;
    EXPECT_EQ(client.status().code(), connectrpc::Code::kInvalidArgument);
  }
}

TEST(SdkClientOptionsTest, ReadsTheKeyFromTheEnvironment) {
  EXPECT_EQ(ClientOptions().base_url, "https://api.transcodely.com");
  EXPECT_EQ(ClientOptions().api_version, "2026-05-03");
  EXPECT_EQ(ClientOptions().timeout, milliseconds(30000));
  EXPECT_EQ(ClientOptions().max_retries, 3);
  ::setenv("TRANSCODELY_API_KEY", "ak_live_fromenv", 1);
  ClientOptions options;
  options.base_url = "http://127.0.0.1:9";  // no request is made
  auto client = Client::Create(options);
  ::unsetenv("TRANSCODELY_API_KEY");
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  EXPECT_EQ(client->environment(), Environment::kLive);
}

TEST(SdkClientOptionsTest, AnExplicitKeyWinsOverTheEnvironment) {
  ::setenv("TRANSCODELY_API_KEY", "ak_live_fromenv", 1);
  ClientOptions options;
  options.api_key = "ak_test_explicit";
  options.base_url = "http://127.0.0.1:9";
  auto client = Client::Create(options);
  ::unsetenv("TRANSCODELY_API_KEY");
  ASSERT_TRUE(client.ok());
  EXPECT_EQ(client->environment(), Environment::kTest);
}

TEST(SdkClientOptionsTest, EnvironmentFromThePrefix) {
  EXPECT_EQ(EnvironmentFromKey("ak_live_x"), Environment::kLive);
  EXPECT_EQ(EnvironmentFromKey("ak_test_x"), Environment::kTest);
  EXPECT_EQ(EnvironmentFromKey("ak_x"), Environment::kUnspecified);
  EXPECT_EQ(EnvironmentFromKey("eyJhbGciOi"), Environment::kUnspecified);
  ClientOptions options;
  options.api_key = "ak_plainkey";  // plain keys are accepted
  options.base_url = "http://127.0.0.1:9//";
  auto client = Client::Create(options);
  ASSERT_TRUE(client.ok());
  EXPECT_EQ(client->environment(), Environment::kUnspecified);
  EXPECT_EQ(client->base_url(), "http://127.0.0.1:9");
}

TEST(SdkClientOptionsTest, RejectsAGoUserAgent) {
  ClientOptions options;
  options.api_key = "ak_test_x";
  options.user_agent_suffix = "transcodely-go/0.3.8";
  EXPECT_FALSE(Client::Create(options).ok());
}

TEST_F(SdkClientTest, SendsTheTranscodelyHeaders) {
  ClientOptions options;
  options.organization_id = "org_1";
  options.user_agent_suffix = "myapp/1.0";
  options.default_headers.Add("x-extra", "1");
  Client client = MakeClient(options);
  v1::GetJobRequest request;
  request.set_id("job_9");
  auto job = client.jobs().Get(request);
  ASSERT_TRUE(job.ok()) << job.status().ToString();
  EXPECT_EQ(job->job().id(), "job_9");

  Client plain = MakeClient();
  ASSERT_TRUE(plain.jobs().Get(request).ok());

  std::vector<Recorded> calls = server_.state().Calls();
  ASSERT_EQ(calls.size(), 2u);
  const Recorded& call = calls[0];
  EXPECT_EQ(Header(call, "authorization"), "Bearer ak_test_secret");
  EXPECT_EQ(Header(call, "transcodely-version"), "2026-05-03");
  EXPECT_EQ(Header(call, "connect-protocol-version"), "1");
  EXPECT_EQ(Header(call, "user-agent"),
            std::string("transcodely-cpp/") + std::string(kSdkVersion) + " myapp/1.0");
  EXPECT_EQ(Header(call, "x-organization-id"), "org_1");
  EXPECT_EQ(Header(call, "content-type"), "application/json");
  EXPECT_EQ(Header(call, "accept"), "application/json");
  EXPECT_EQ(Header(call, "x-extra"), "1");
  // Reads carry no idempotency key.
  EXPECT_FALSE(call.headers.Contains("idempotency-key"));
  EXPECT_FALSE(call.headers.Contains("x-idempotency-key"));
  // X-Organization-ID is never sent empty.
  EXPECT_FALSE(calls[1].headers.Contains("x-organization-id"));
}

TEST_F(SdkClientTest, PerCallHeadersOverride) {
  Client client = MakeClient();
  connectrpc::CallOptions options;
  options.headers.Add("Transcodely-Version", "2025-01-01");
  v1::GetJobRequest request;
  request.set_id("job_1");
  ASSERT_TRUE(client.jobs().Get(request, options).ok());
  EXPECT_EQ(Header(server_.state().Calls().at(0), "transcodely-version"), "2025-01-01");
}

TEST_F(SdkClientTest, RetriesWithOneIdempotencyKey) {
  server_.state().fail_first = 2;
  Client client = MakeClient();
  auto created = client.jobs().Create(JobRequest());
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(created->job().id(), "job_1");

  std::vector<Recorded> calls = server_.state().Calls();
  ASSERT_EQ(calls.size(), 3u);
  const std::string key = Header(calls[0], "idempotency-key");
  EXPECT_EQ(key.size(), 36u) << key;  // a UUIDv4
  EXPECT_EQ(key[14], '4');
  for (const Recorded& call : calls) {
    EXPECT_EQ(Header(call, "idempotency-key"), key);
    EXPECT_EQ(Header(call, "x-idempotency-key"), key);
    EXPECT_EQ(call.idempotency_key_body, key);
  }
  // Backoff through the sleep hook: [125, 250) then [250, 500).
  std::vector<milliseconds> sleeps = Sleeps();
  ASSERT_EQ(sleeps.size(), 2u);
  EXPECT_GE(sleeps[0], milliseconds(125));
  EXPECT_LT(sleeps[0], milliseconds(250));
  EXPECT_GE(sleeps[1], milliseconds(250));
  EXPECT_LT(sleeps[1], milliseconds(500));

  // The next logical call gets a new key.
  ASSERT_TRUE(client.jobs().Create(JobRequest()).ok());
  EXPECT_NE(Header(server_.state().Calls().back(), "idempotency-key"), key);
}

TEST_F(SdkClientTest, LogsEachAttemptAndRedactedHeaders) {
  server_.state().fail_first = 1;
  std::mutex lines_mu;
  std::vector<std::pair<LogLevel, std::string>> lines;
  ClientOptions options;
  options.api_key = "ak_live_AbCdEf1234567890GhIjKlMnOpQrStUv";
  options.log_level = LogLevel::kDebug;
  options.logger = [&](LogLevel level, std::string_view line) {
    std::lock_guard<std::mutex> lock(lines_mu);
    lines.emplace_back(level, std::string(line));
  };
  Client client = MakeClient(std::move(options));
  ASSERT_TRUE(client.jobs().Create(JobRequest()).ok());

  std::lock_guard<std::mutex> lock(lines_mu);
  // Headers before each attempt, then the attempt's outcome.
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0].first, LogLevel::kDebug);
  EXPECT_NE(lines[0].second.find("/transcodely.v1.JobService/Create request headers: "),
            std::string::npos)
      << lines[0].second;
  EXPECT_NE(lines[0].second.find("authorization: Bearer ak_live_…StUv"), std::string::npos)
      << lines[0].second;
  EXPECT_EQ(lines[1].first, LogLevel::kInfo);
  EXPECT_NE(lines[1].second.find("/transcodely.v1.JobService/Create attempt 1: unavailable in "),
            std::string::npos)
      << lines[1].second;
  EXPECT_NE(lines[1].second.find("; retrying in "), std::string::npos) << lines[1].second;
  EXPECT_NE(lines[3].second.find("attempt 2: ok in "), std::string::npos) << lines[3].second;
  for (const auto& [level, line] : lines) {
    EXPECT_EQ(line.find("AbCdEf1234567890GhIjKlMnOpQrStUv"), std::string::npos) << line;
  }
}

TEST_F(SdkClientTest, InfoLoggerGetsNoHeaders) {
  std::vector<std::string> lines;
  ClientOptions options;
  options.logger = [&](LogLevel, std::string_view line) { lines.emplace_back(line); };
  Client client = MakeClient(std::move(options));
  ASSERT_TRUE(client.jobs().Create(JobRequest()).ok());
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("attempt 1: ok"), std::string::npos) << lines[0];
}

TEST_F(SdkClientTest, UsesTheCallersKey) {
  Client client = MakeClient();
  ASSERT_TRUE(client.jobs().Create(JobRequest(), WithIdempotencyKey("order-42")).ok());
  connectrpc::CallOptions prefixed;
  prefixed.headers.Add("X-Idempotency-Key", "order-43");
  v1::CancelJobRequest cancel;
  cancel.set_id("job_1");
  ASSERT_TRUE(client.jobs().Cancel(cancel, prefixed).ok());
  v1::CreateJobRequest with_body = JobRequest();
  with_body.set_idempotency_key("body-44");
  ASSERT_TRUE(client.jobs().Create(with_body).ok());

  std::vector<Recorded> calls = server_.state().Calls();
  ASSERT_EQ(calls.size(), 3u);
  EXPECT_EQ(Header(calls[0], "idempotency-key"), "order-42");
  EXPECT_EQ(Header(calls[0], "x-idempotency-key"), "order-42");
  EXPECT_EQ(calls[0].idempotency_key_body, "order-42");
  EXPECT_EQ(Header(calls[1], "idempotency-key"), "order-43");
  EXPECT_EQ(Header(calls[1], "x-idempotency-key"), "order-43");
  EXPECT_EQ(Header(calls[2], "idempotency-key"), "body-44");
  EXPECT_EQ(calls[2].idempotency_key_body, "body-44");
}

TEST_F(SdkClientTest, RejectsLongKeysBeforeSending) {
  Client client = MakeClient();
  auto created = client.jobs().Create(JobRequest(), WithIdempotencyKey(std::string(129, 'k')));
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.status().code(), connectrpc::Code::kInvalidArgument);
  EXPECT_TRUE(server_.state().Calls().empty());
  EXPECT_TRUE(client.jobs().Create(JobRequest(), WithIdempotencyKey(std::string(128, 'k'))).ok());
}

TEST_F(SdkClientTest, HonoursRetryAfterOnResourceExhausted) {
  server_.state().fail_first = 1;
  server_.state().fail_code = connectrpc::Code::kResourceExhausted;
  server_.state().retry_after = "2";
  Client client = MakeClient();
  v1::GetJobRequest request;
  request.set_id("job_1");
  ASSERT_TRUE(client.jobs().Get(request).ok());
  EXPECT_EQ(server_.state().Calls().size(), 2u);
  EXPECT_EQ(Sleeps(), (std::vector<milliseconds>{milliseconds(2000)}));
}

TEST_F(SdkClientTest, GivesUpAfterMaxRetries) {
  server_.state().fail_first = 100;
  ClientOptions options;
  options.max_retries = 2;
  Client client = MakeClient(options);
  v1::GetJobRequest request;
  request.set_id("job_1");
  auto job = client.jobs().Get(request);
  ASSERT_FALSE(job.ok());
  Error error = Error::From(job.status());
  EXPECT_EQ(error.kind(), ErrorKind::kConnection);
  EXPECT_EQ(error.request_id(), "req_fail");
  EXPECT_EQ(server_.state().Calls().size(), 3u);
  EXPECT_EQ(Sleeps().size(), 2u);
}

TEST_F(SdkClientTest, NoRetriesWhenDisabledOrNotRetryable) {
  server_.state().fail_first = 100;
  ClientOptions options;
  options.max_retries = 0;
  Client client = MakeClient(options);
  v1::GetJobRequest request;
  request.set_id("job_1");
  EXPECT_FALSE(client.jobs().Get(request).ok());
  EXPECT_EQ(server_.state().Calls().size(), 1u);

  server_.state().fail_code = connectrpc::Code::kInternal;
  Client retrying = MakeClient();
  EXPECT_FALSE(retrying.jobs().Get(request).ok());
  EXPECT_EQ(server_.state().Calls().size(), 2u);
  EXPECT_TRUE(Sleeps().empty());
}

TEST_F(SdkClientTest, KeylessMutationsAreNotRetriedWithoutAutoIdempotency) {
  server_.state().fail_first = 100;
  ClientOptions options;
  options.auto_idempotency = false;
  Client client = MakeClient(options);
  EXPECT_FALSE(client.jobs().Create(JobRequest()).ok());
  std::vector<Recorded> calls = server_.state().Calls();
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_FALSE(calls[0].headers.Contains("idempotency-key"));
  EXPECT_TRUE(calls[0].idempotency_key_body.empty());
  // With the caller's key they are retried.
  EXPECT_FALSE(client.jobs().Create(JobRequest(), WithIdempotencyKey("k1")).ok());
  EXPECT_EQ(server_.state().Calls().size(), 5u);
}

TEST_F(SdkClientTest, TypedErrorsFromTheServer) {
  Client client = MakeClient();
  v1::ConfirmJobRequest request;
  request.set_id("job_1");
  auto confirmed = client.jobs().Confirm(request);
  ASSERT_FALSE(confirmed.ok());
  Error error = Error::From(confirmed.status());
  EXPECT_EQ(error.kind(), ErrorKind::kInvalidRequest);
  EXPECT_EQ(error.code(), connectrpc::Code::kFailedPrecondition);
  EXPECT_EQ(error.message(), "job is not awaiting confirmation");
  EXPECT_EQ(error.error_code(), "JOB_NOT_AWAITING_CONFIRMATION");
  EXPECT_EQ(error.request_id(), "req_confirm");
  ASSERT_EQ(error.field_violations().size(), 1u);
  EXPECT_EQ(error.field_violations()[0], (FieldViolation{"id", "job is processing"}));
  EXPECT_EQ(server_.state().Calls().size(), 1u);  // not retried
}

TEST_F(SdkClientTest, ListsEveryJobAcrossPages) {
  server_.state().job_pages = {
      {"", {{"job_1", "job_2"}, "c2"}}, {"c2", {{"job_3"}, "c3"}}, {"c3", {{"job_4"}, ""}}};
  Client client = MakeClient();
  v1::ListJobsRequest request;
  request.mutable_pagination()->set_limit(2);
  std::vector<std::string> ids;
  for (const connectrpc::Result<v1::Job>& job : client.jobs().ListAll(request)) {
    ASSERT_TRUE(job.ok()) << job.status().ToString();
    ids.push_back(job->id());
  }
  EXPECT_EQ(ids, (std::vector<std::string>{"job_1", "job_2", "job_3", "job_4"}));
  EXPECT_EQ(server_.state().Calls().size(), 3u);
}

TEST_F(SdkClientTest, ListErrorEndsTheRange) {
  server_.state().job_pages = {{"", {{"job_1"}, "gone"}}};
  Client client = MakeClient();
  std::vector<connectrpc::Code> codes;
  for (const auto& job : client.jobs().ListAll({})) codes.push_back(job.status().code());
  EXPECT_EQ(codes, (std::vector<connectrpc::Code>{connectrpc::Code::kOk,
                                                  connectrpc::Code::kInvalidArgument}));
}

TEST_F(SdkClientTest, ListsEveryVideoByToken) {
  server_.state().video_pages = {{"", {{"vid_1"}, "t2"}}, {"t2", {{"vid_2", "vid_3"}, ""}}};
  Client client = MakeClient();
  v1::ListVideosRequest request;
  request.set_page_size(2);
  auto videos = client.videos().ListAll(request).Collect();
  ASSERT_TRUE(videos.ok()) << videos.status().ToString();
  ASSERT_EQ(videos->size(), 3u);
  EXPECT_EQ((*videos)[2].id(), "vid_3");
}

TEST_F(SdkClientTest, WatchFiltersHeartbeatsAndReconnects) {
  Client client = MakeClient();
  JobWatch watch = client.jobs().WatchJob("job_7");
  std::vector<v1::WatchEventType> events;
  for (const connectrpc::Result<v1::WatchJobResponse>& event : watch) {
    ASSERT_TRUE(event.ok()) << event.status().ToString();
    EXPECT_EQ(event->job().id(), "job_7");
    events.push_back(event->event());
  }
  EXPECT_EQ(events, (std::vector<v1::WatchEventType>{
                        v1::WATCH_EVENT_TYPE_SNAPSHOT, v1::WATCH_EVENT_TYPE_PROGRESS,
                        v1::WATCH_EVENT_TYPE_SNAPSHOT, v1::WATCH_EVENT_TYPE_COMPLETED}));
  EXPECT_EQ(watch.reconnects(), 1);
  std::vector<milliseconds> sleeps = Sleeps();
  ASSERT_EQ(sleeps.size(), 1u);
  EXPECT_GE(sleeps[0], milliseconds(250));
  EXPECT_LT(sleeps[0], milliseconds(500));

  std::vector<Recorded> calls = server_.state().Calls();
  ASSERT_EQ(calls.size(), 2u);
  for (const Recorded& call : calls) {
    EXPECT_EQ(Header(call, "authorization"), "Bearer ak_test_secret");
    EXPECT_EQ(Header(call, "accept"), "application/connect+json");
    EXPECT_EQ(Header(call, "content-type"), "application/connect+json");
    EXPECT_FALSE(call.headers.Contains("idempotency-key"));
    EXPECT_FALSE(call.headers.Contains("connect-timeout-ms"));  // no wall-clock deadline
  }
}

TEST_F(SdkClientTest, WatchIncludesHeartbeatsOnRequest) {
  server_.state().watch_failures = 0;
  Client client = MakeClient();
  WatchOptions options;
  options.include_heartbeats = true;
  int heartbeats = 0;
  int total = 0;
  for (const auto& event : client.jobs().WatchJob("job_1", options)) {
    ASSERT_TRUE(event.ok());
    ++total;
    if (event->event() == v1::WATCH_EVENT_TYPE_HEARTBEAT) ++heartbeats;
  }
  EXPECT_EQ(total, 4);
  EXPECT_EQ(heartbeats, 2);
}

TEST_F(SdkClientTest, WatchGivesUpAfterTheReconnectBudget) {
  server_.state().watch_failures = 100;
  Client client = MakeClient();
  WatchOptions options;
  options.max_reconnects = 2;
  JobWatch watch = client.jobs().WatchJob("job_1", options);
  std::vector<connectrpc::Code> codes;
  for (const auto& event : watch) codes.push_back(event.status().code());
  ASSERT_FALSE(codes.empty());
  EXPECT_EQ(codes.back(), connectrpc::Code::kUnavailable);
  EXPECT_EQ(codes.size(), 7u);  // 3 connections x (snapshot, progress) + the error
  EXPECT_EQ(watch.reconnects(), 2);
  EXPECT_EQ(server_.state().watch_connections, 3);
}

TEST_F(SdkClientTest, WatchTimeoutBoundsTheWholeWatch) {
  // The caller's deadline running out must end the watch, not trigger reconnections that each
  // get a fresh deadline.
  server_.state().watch_failures = 0;
  server_.state().watch_stall_ms = 3000;
  Client client = MakeClient();
  WatchOptions options;
  options.call_options.timeout = milliseconds(300);
  JobWatch watch = client.jobs().WatchJob("job_1", options);
  const auto start = std::chrono::steady_clock::now();
  std::vector<connectrpc::Code> codes;
  for (const auto& event : watch) codes.push_back(event.status().code());
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(codes.empty());
  EXPECT_EQ(codes.front(), connectrpc::Code::kOk);  // the snapshot
  EXPECT_EQ(codes.back(), connectrpc::Code::kDeadlineExceeded);
  EXPECT_EQ(watch.reconnects(), 0);
  EXPECT_EQ(server_.state().watch_connections, 1);
  EXPECT_LT(elapsed, milliseconds(2500));
}

TEST_F(SdkClientTest, VideoWatchFiltersHeartbeats) {
  Client client = MakeClient();
  std::vector<std::string> events;
  for (const auto& event : client.videos().WatchVideo("vid_1")) {
    ASSERT_TRUE(event.ok()) << event.status().ToString();
    events.push_back(event->event_type());
  }
  EXPECT_EQ(events, (std::vector<std::string>{"snapshot", "status_change", "completed"}));
}

}  // namespace
}  // namespace transcodely
