// A transcodely-sandbox running in process (port 0, short job duration) and generated clients
// speaking the Transcodely JSON dialect to it.
#ifndef TESTS_SANDBOX_SANDBOX_FIXTURE_H_
#define TESTS_SANDBOX_SANDBOX_FIXTURE_H_

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>

#include "connectrpc/client.h"
#include "connectrpc/codec.h"
#include "connectrpc/status.h"
#include "job_requests.h"
#include "sandbox_server.h"
#include "transcodely/json_dialect.h"
#include "transcodely/v1/api_key.connect.h"
#include "transcodely/v1/common.pb.h"
#include "transcodely/v1/job.connect.h"

namespace sandbox::testing {

class SandboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SandboxOptions options;
    options.host = "127.0.0.1";
    options.port = 0;
    options.data_path = DataPath();
    options.job_duration = std::chrono::milliseconds(600);
    options.heartbeat_interval = std::chrono::milliseconds(200);
    options.handler_threads = 4;
    Configure(options);
    auto started = Sandbox::Start(options);
    ASSERT_TRUE(started.ok()) << started.status().ToString();
    sandbox_ = std::move(*started);
    ASSERT_TRUE(sandbox_->bootstrap_secrets().has_value());
    live_key_ = sandbox_->bootstrap_secrets()->live_secret;
    test_key_ = sandbox_->bootstrap_secrets()->test_secret;
    connectrpc::ClientOptions client_options;
    client_options.codec = &transcodely::DialectCodec();
    client_options.default_timeout = std::chrono::milliseconds(10'000);
    auto client = connectrpc::Client::Create(sandbox_->base_url(), client_options);
    ASSERT_TRUE(client.ok()) << client.status().ToString();
    client_ = *client;
    jobs_ = std::make_unique<transcodely::v1::JobServiceClient>(client_);
    keys_ = std::make_unique<transcodely::v1::APIKeyServiceClient>(client_);
    // Binary protobuf carries values that JSON cannot (out-of-range Timestamps), so that tests
    // reach the server's own checks.
    client_options.codec = &connectrpc::ProtoCodec();
    auto proto_client = connectrpc::Client::Create(sandbox_->base_url(), client_options);
    ASSERT_TRUE(proto_client.ok()) << proto_client.status().ToString();
    proto_client_ = *proto_client;
    proto_jobs_ = std::make_unique<transcodely::v1::JobServiceClient>(proto_client_);
    proto_keys_ = std::make_unique<transcodely::v1::APIKeyServiceClient>(proto_client_);
  }

  void TearDown() override {
    jobs_.reset();
    keys_.reset();
    client_.reset();
    proto_jobs_.reset();
    proto_keys_.reset();
    proto_client_.reset();
    if (sandbox_) sandbox_->Shutdown(std::chrono::milliseconds(500));
  }

  virtual std::string DataPath() { return ":memory:"; }
  // Lets a test change the sandbox's options before it starts.
  virtual void Configure(SandboxOptions& /*options*/) {}

  static connectrpc::CallOptions As(const std::string& key) {
    connectrpc::CallOptions options;
    options.headers.Add("Authorization", "Bearer " + key);
    return options;
  }

  // The ErrorDetails of a failed call (first detail).
  static transcodely::v1::ErrorDetails Details(const connectrpc::Status& status) {
    transcodely::v1::ErrorDetails details;
    if (!status.details().empty()) status.details().front().UnpackTo(&details);
    return details;
  }

  static transcodely::v1::CreateJobRequest ValidJob() {
    return HlsJobRequest("https://example.com/in.mp4");
  }

  std::unique_ptr<Sandbox> sandbox_;
  std::string live_key_;
  std::string test_key_;
  std::shared_ptr<connectrpc::Client> client_;
  std::unique_ptr<transcodely::v1::JobServiceClient> jobs_;
  std::unique_ptr<transcodely::v1::APIKeyServiceClient> keys_;
  std::shared_ptr<connectrpc::Client> proto_client_;
  std::unique_ptr<transcodely::v1::JobServiceClient> proto_jobs_;
  std::unique_ptr<transcodely::v1::APIKeyServiceClient> proto_keys_;
};

}  // namespace sandbox::testing

#endif  // TESTS_SANDBOX_SANDBOX_FIXTURE_H_
