// Secrets never leak (issue "robustness", item 6): the built sandbox with --verbose and the SDK
// with its kDebug logger go through a whole walkthrough — API keys created (their secrets are
// returned once), jobs created, fetched, listed, cancelled and watched, a key revoked, one
// expired, a wrong and a malformed key, a missing and a non-Bearer Authorization header, an
// unimplemented webhook call, webhook signatures checked with a wrong signature — and no sandbox
// stderr line, SDK log line or returned error message may contain an API key secret (or its
// random part), an Authorization value, or the webhook secret.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "connectrpc/client.h"
#include "ids.h"
#include "job_requests.h"
#include "leak_check.h"
#include "sandbox_process.h"
#include "time_util.h"
#include "transcodely/client.h"
#include "transcodely/errors.h"
#include "transcodely/json_dialect.h"
#include "transcodely/logging.h"
#include "transcodely/v1/job.connect.h"
#include "transcodely/v1/webhook.connect.h"
#include "transcodely/webhook.h"

namespace sandbox::testing {
namespace {

using std::chrono::milliseconds;

bool Contains(const std::vector<std::string>& lines, std::string_view needle) {
  for (const std::string& line : lines) {
    if (line.find(needle) != std::string::npos) return true;
  }
  return false;
}

std::string Joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& line : lines) out.append(line).append("\n");
  return out;
}

class SecretsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    stderr_path_ =
        (std::filesystem::temp_directory_path() /
         ("sandbox_secrets_" + std::to_string(::getpid()) + "_" + RandomBase62(8) + ".log"))
            .string();
    process_ = Launch({"--listen=127.0.0.1:0", "--data=:memory:", "--job_duration_ms=300",
                       "--heartbeat_interval_ms=100", "--verbose"},
                      stderr_path_);
    ASSERT_GT(process_.pid, 0);
    std::smatch match;
    std::regex shape(
        R"re(^\{"listen":"(http://127\.0\.0\.1:[0-9]+)","live_key":"(ak_live_[0-9A-Za-z]+)","test_key":"(ak_test_[0-9A-Za-z]+)"\}$)re");
    ASSERT_TRUE(std::regex_match(process_.first_line, match, shape)) << process_.first_line;
    base_url_ = match[1].str();
    live_key_ = match[2].str();
    test_key_ = match[3].str();
    Secret(live_key_);
    Secret(test_key_);
  }

  void TearDown() override {
    if (process_.pid > 0 && !stopped_) Stop(process_);
    std::filesystem::remove(stderr_path_);
  }

  // Something no log line or error message may contain (in any of its LeakForms).
  void Secret(const std::string& secret) {
    secrets_.push_back(secret);
    // The Authorization value that carries it, for API keys and foreign credentials alike.
    secrets_.push_back("Bearer " + secret);
  }

  transcodely::Client MakeClient(const std::string& key) {
    transcodely::ClientOptions options;
    options.base_url = base_url_;
    options.api_key = key;
    options.timeout = milliseconds(5000);
    options.max_retries = 1;
    options.stream_idle_timeout = milliseconds(5000);
    options.transport.connect_timeout = milliseconds(2000);
    options.log_level = transcodely::LogLevel::kDebug;
    options.logger = [this](transcodely::LogLevel, std::string_view line) {
      std::lock_guard<std::mutex> lock(mu_);
      sdk_lines_.emplace_back(line);
    };
    auto client = transcodely::Client::Create(std::move(options));
    EXPECT_TRUE(client.ok()) << client.status().ToString();
    return std::move(*client);
  }

  // Keeps what a failed call said, as the caller sees it (message and typed error).
  void Said(const connectrpc::Status& status) {
    if (status.ok()) return;
    messages_.push_back(status.message());
    messages_.push_back(status.ToString());
    messages_.push_back(transcodely::Error::From(status).ToString());
  }

  // The ErrorDetails code of a failed call, kept with Said().
  std::string FailureCode(const connectrpc::Status& status) {
    Said(status);
    return transcodely::Error::From(status).error_code();
  }

  std::vector<std::string> SandboxLines() {
    std::vector<std::string> lines;
    std::ifstream in(stderr_path_);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }

  std::vector<std::string> SdkLines() {
    std::lock_guard<std::mutex> lock(mu_);
    return sdk_lines_;
  }

  static transcodely::v1::CreateJobRequest JobRequest(int i) {
    return HlsJobRequest("https://example.com/videos/clip-" + std::to_string(i) + ".mp4",
                         transcodely::v1::RESOLUTION_720P);
  }

  std::string stderr_path_;
  Process process_;
  bool stopped_ = false;
  std::string base_url_;
  std::string live_key_;
  std::string test_key_;
  std::vector<std::string> secrets_;
  std::vector<std::string> messages_;
  std::mutex mu_;
  std::vector<std::string> sdk_lines_;  // guarded by mu_
};

TEST_F(SecretsTest, VerboseWalkthroughLeaksNoSecret) {
  transcodely::Client live = MakeClient(live_key_);
  transcodely::Client test = MakeClient(test_key_);
  ASSERT_TRUE(live.health().Check(transcodely::v1::HealthCheckRequest()).ok());

  // API keys: each secret is returned once, here, and must appear nowhere else.
  transcodely::v1::CreateAPIKeyRequest key_request;
  key_request.set_name("pipeline");
  key_request.set_environment(transcodely::v1::API_KEY_ENVIRONMENT_LIVE);
  auto pipeline_key = live.api_keys().Create(key_request);
  ASSERT_TRUE(pipeline_key.ok()) << pipeline_key.status().ToString();
  Secret(pipeline_key->secret());
  key_request.set_name("tests");
  key_request.set_environment(transcodely::v1::API_KEY_ENVIRONMENT_TEST);
  auto test_created = test.api_keys().Create(key_request);
  ASSERT_TRUE(test_created.ok()) << test_created.status().ToString();
  Secret(test_created->secret());
  key_request.set_name("short-lived");
  key_request.set_environment(transcodely::v1::API_KEY_ENVIRONMENT_LIVE);
  *key_request.mutable_expires_at() = MillisToTimestamp(NowMillis() + 1000);
  auto short_lived = live.api_keys().Create(key_request);
  ASSERT_TRUE(short_lived.ok()) << short_lived.status().ToString();
  Secret(short_lived->secret());
  transcodely::v1::GetAPIKeyRequest get_key;
  get_key.set_id(pipeline_key->api_key().id());
  ASSERT_TRUE(live.api_keys().Get(get_key).ok());
  size_t keys_listed = 0;
  for (const auto& key : live.api_keys().ListAll(transcodely::v1::ListAPIKeysRequest())) {
    ASSERT_TRUE(key.ok()) << key.status().ToString();
    ++keys_listed;
  }
  EXPECT_GE(keys_listed, 3u);

  // Jobs with the new key: create, get, list, cancel, watch.
  transcodely::Client pipeline = MakeClient(pipeline_key->secret());
  std::vector<std::string> job_ids;
  for (int i = 1; i <= 3; ++i) {
    auto created = pipeline.jobs().Create(JobRequest(i));
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    job_ids.push_back(created->job().id());
  }
  transcodely::v1::GetJobRequest get;
  get.set_id(job_ids[0]);
  ASSERT_TRUE(pipeline.jobs().Get(get).ok());
  transcodely::v1::ListJobsRequest list;
  list.mutable_pagination()->set_limit(2);
  size_t jobs_listed = 0;
  for (const auto& job : pipeline.jobs().ListAll(list)) {
    ASSERT_TRUE(job.ok()) << job.status().ToString();
    ++jobs_listed;
  }
  EXPECT_EQ(jobs_listed, 3u);
  transcodely::v1::CancelJobRequest cancel;
  cancel.set_id(job_ids[2]);
  ASSERT_TRUE(pipeline.jobs().Cancel(cancel).ok());
  transcodely::WatchOptions watch_options;
  watch_options.call_options.timeout = milliseconds(5000);  // the job takes 300 ms
  size_t events = 0;
  for (const auto& event : pipeline.jobs().WatchJob(job_ids[0], watch_options)) {
    if (!event.ok()) {
      Said(event.status());
      break;
    }
    ++events;
  }
  EXPECT_GT(events, 0u);

  // Typed failures that quote what they were sent, if anything does.
  transcodely::v1::GetJobRequest missing;
  missing.set_id("job_doesnotexist");
  Said(live.jobs().Get(missing).status());
  transcodely::v1::CreateJobRequest invalid;
  invalid.set_input_url("ftp://example.com/in.mp4");
  Said(live.jobs().Create(invalid).status());
  Said(live.webhooks()
           .CreateWebhookEndpoint(transcodely::v1::CreateWebhookEndpointRequest())
           .status());

  // The four unauthenticated causes of a presented key, plus no key and a non-Bearer scheme.
  transcodely::v1::RevokeAPIKeyRequest revoke;
  revoke.set_id(pipeline_key->api_key().id());
  ASSERT_TRUE(live.api_keys().Revoke(revoke).ok());
  EXPECT_EQ(FailureCode(pipeline.jobs().Get(get).status()), "revoked_api_key");

  const std::string never_minted = "ak_live_" + RandomBase62(32);
  Secret(never_minted);
  EXPECT_EQ(FailureCode(MakeClient(never_minted).jobs().Get(get).status()), "invalid_api_key");

  const std::string malformed = "sk_malformed_" + RandomBase62(24);
  Secret(malformed);
  EXPECT_EQ(FailureCode(MakeClient(malformed).jobs().Get(get).status()), "invalid_api_key_format");

  {
    // Past the SDK (which always sends Bearer): no header, and a credential of another scheme.
    connectrpc::ClientOptions raw_options;
    raw_options.codec = &transcodely::DialectCodec();
    raw_options.default_timeout = milliseconds(5000);
    auto raw = connectrpc::Client::Create(base_url_, raw_options);
    ASSERT_TRUE(raw.ok()) << raw.status().ToString();
    transcodely::v1::JobServiceClient jobs(*raw);
    EXPECT_EQ(FailureCode(jobs.Get(get).status()), "missing_api_key");
    const std::string basic = "Basic " + RandomBase62(24);
    secrets_.push_back(basic);
    secrets_.push_back(basic.substr(6));
    connectrpc::CallOptions call;
    call.headers.Add("authorization", basic);
    EXPECT_EQ(FailureCode(jobs.Get(get, call).status()), "missing_api_key");
  }

  // The short-lived key expires a second after it was minted; poll for it (bounded).
  transcodely::Client expiring = MakeClient(short_lived->secret());
  std::string expired_code;
  for (int i = 0; i < 50 && expired_code != "expired_api_key"; ++i) {
    connectrpc::Status status = expiring.jobs().Get(missing).status();
    expired_code = status.code() == connectrpc::Code::kUnauthenticated ? FailureCode(status) : "";
    if (expired_code != "expired_api_key") std::this_thread::sleep_for(milliseconds(100));
  }
  EXPECT_EQ(expired_code, "expired_api_key");

  // Webhook signatures: a wrong one and a stale one are refused without quoting the secret.
  const std::string webhook_secret = "whsec_" + RandomBase62(32);
  secrets_.push_back(webhook_secret);
  const std::string payload = R"({"id":"evt_1","object":"event","type":"job.succeeded"})";
  const int64_t now_s = NowMillis() / 1000;
  const std::string good = "t=" + std::to_string(now_s) + ",v1=" +
                           transcodely::ComputeWebhookSignature(webhook_secret, now_s, payload);
  EXPECT_TRUE(transcodely::VerifyWebhookSignature(payload, good, {webhook_secret}).ok());
  const std::string wrong = "t=" + std::to_string(now_s) + ",v1=" +
                            transcodely::ComputeWebhookSignature("whsec_other", now_s, payload);
  connectrpc::Status refused =
      transcodely::VerifyWebhookSignature(payload, wrong, {webhook_secret});
  EXPECT_FALSE(refused.ok());
  Said(refused);
  const std::string stale =
      "t=" + std::to_string(now_s - 3600) +
      ",v1=" + transcodely::ComputeWebhookSignature(webhook_secret, now_s - 3600, payload);
  Said(transcodely::VerifyWebhookSignature(payload, stale, {webhook_secret}));
  Said(transcodely::ConstructEvent(payload, wrong, {webhook_secret, "whsec_second"}).status());

  stopped_ = true;
  EXPECT_EQ(Stop(process_), 0);
  const std::vector<std::string> sandbox_lines = SandboxLines();
  const std::vector<std::string> sdk_lines = SdkLines();

  // The check sees real lines: one per RPC from the sandbox, attempts and headers from the SDK.
  for (std::string_view method :
       {"/transcodely.v1.HealthService/Check", "/transcodely.v1.APIKeyService/Create",
        "/transcodely.v1.APIKeyService/Get", "/transcodely.v1.APIKeyService/List",
        "/transcodely.v1.APIKeyService/Revoke", "/transcodely.v1.JobService/Create",
        "/transcodely.v1.JobService/Get", "/transcodely.v1.JobService/List",
        "/transcodely.v1.JobService/Cancel", "/transcodely.v1.JobService/Watch",
        "/transcodely.v1.WebhookService/CreateWebhookEndpoint"}) {
    EXPECT_TRUE(Contains(sandbox_lines, std::string(method) + " peer=")) << method;
    EXPECT_TRUE(Contains(sdk_lines, std::string(method) + " request headers: ")) << method;
  }
  for (std::string_view code : {"revoked_api_key", "invalid_api_key", "invalid_api_key_format",
                                "missing_api_key", "expired_api_key"}) {
    EXPECT_TRUE(Contains(messages_, code)) << code;
  }
  EXPECT_TRUE(Contains(sandbox_lines, "code=unauthenticated"));
  EXPECT_TRUE(Contains(sandbox_lines, "message=\"API key has been revoked\""));
  EXPECT_TRUE(Contains(sandbox_lines, "authorization: \"Bearer ak_live_…"));
  EXPECT_TRUE(Contains(sandbox_lines, "authorization: \"Bearer [redacted]\""));
  EXPECT_TRUE(Contains(sandbox_lines, "authorization: \"Basic [redacted]\""));
  EXPECT_TRUE(Contains(sdk_lines, "attempt 1: ok in "));
  EXPECT_TRUE(Contains(sdk_lines, "attempt 1: unauthenticated in "));
  EXPECT_TRUE(Contains(sdk_lines, "authorization: Bearer ak_live_…"));
  EXPECT_TRUE(Contains(sdk_lines, "authorization: Bearer ak_test_…"));

  std::vector<Leak> leaks = FindLeaks("sandbox stderr", sandbox_lines, secrets_);
  std::vector<Leak> more = FindLeaks("sdk log", sdk_lines, secrets_);
  leaks.insert(leaks.end(), more.begin(), more.end());
  more = FindLeaks("status message", messages_, secrets_);
  leaks.insert(leaks.end(), more.begin(), more.end());
  for (const Leak& leak : leaks) {
    ADD_FAILURE() << leak.where << " leaks \"" << leak.secret << "\": " << leak.text;
  }
  EXPECT_TRUE(leaks.empty()) << "sandbox stderr:\n"
                             << Joined(sandbox_lines) << "sdk log:\n"
                             << Joined(sdk_lines);
}

}  // namespace
}  // namespace sandbox::testing
