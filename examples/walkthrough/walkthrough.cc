// A guided tour of the Transcodely C++ SDK against a Transcodely-compatible server (the sandbox):
// API keys, jobs, auto-pagination, Watch, revocation and the specification's authentication
// errors. Usage: transcodely-walkthrough BASE_URL LIVE_KEY TEST_KEY
//
// Exits 0 when every step behaved as the API specification says, 1 otherwise.
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "connectrpc/client.h"
#include "transcodely/client.h"
#include "transcodely/errors.h"
#include "transcodely/idempotency.h"
#include "transcodely/json_dialect.h"
#include "transcodely/v1/job.connect.h"

namespace {

using transcodely::v1::Job;

int failures = 0;

void Step(const std::string& title) { std::cout << "\n== " << title << "\n"; }

void Expect(bool ok, const std::string& what) {
  std::cout << (ok ? "   ok: " : "   UNEXPECTED: ") << what << "\n";
  if (!ok) ++failures;
}

// Never print a whole secret: its prefix and last four characters identify it.
std::string Masked(const std::string& secret) {
  if (secret.size() <= 12) return "****";
  return secret.substr(0, 8) + "…" + secret.substr(secret.size() - 4);
}

transcodely::Client MakeClient(const std::string& base_url, const std::string& key) {
  transcodely::ClientOptions options;
  options.base_url = base_url;
  options.api_key = key;
  connectrpc::Result<transcodely::Client> client = transcodely::Client::Create(options);
  if (!client.ok()) {
    std::cerr << "cannot create client: " << client.status().ToString() << "\n";
    std::exit(1);
  }
  return std::move(*client);
}

std::string JobLine(const Job& job) {
  return job.id() + "  " +
         transcodely::EnumWireString(
             *transcodely::v1::JobStatus_descriptor()->FindValueByNumber(job.status())) +
         "  " + std::to_string(job.progress()) + "%";
}

// Expects `status` to be an authentication error and prints what the server said.
void ExpectUnauthenticated(const connectrpc::Status& status, const std::string& cause) {
  transcodely::Error error = transcodely::Error::From(status);
  Expect(error.kind() == transcodely::ErrorKind::kAuthentication,
         cause + " -> " + error.ToString());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: transcodely-walkthrough BASE_URL LIVE_KEY TEST_KEY\n";
    return 2;
  }
  const std::string base_url = argv[1];
  transcodely::Client live = MakeClient(base_url, argv[2]);
  transcodely::Client test = MakeClient(base_url, argv[3]);

  Step("Health");
  auto health = live.health().Check(transcodely::v1::HealthCheckRequest());
  Expect(health.ok(),
         health.ok()
             ? "the API is " + transcodely::EnumWireString(
                                   *transcodely::v1::HealthStatus_descriptor()->FindValueByNumber(
                                       health->status()))
             : health.status().ToString());

  Step("Create a live key and a test key (the secret is returned exactly once)");
  transcodely::v1::CreateAPIKeyRequest key_request;
  key_request.set_name("walkthrough pipeline");
  key_request.set_description("created by the C++ SDK walkthrough");
  key_request.set_environment(transcodely::v1::API_KEY_ENVIRONMENT_LIVE);
  auto live_key = live.api_keys().Create(key_request);
  if (!live_key.ok()) {
    std::cerr << transcodely::Error::From(live_key.status()).ToString() << "\n";
    return 1;
  }
  Expect(live_key->api_key().key_prefix() == "ak_live_",
         "live key " + live_key->api_key().id() + " secret " + Masked(live_key->secret()) +
             " hint " + live_key->api_key().key_hint());
  key_request.set_name("walkthrough tests");
  key_request.set_environment(transcodely::v1::API_KEY_ENVIRONMENT_TEST);
  auto test_key = test.api_keys().Create(key_request);
  Expect(test_key.ok() && test_key->api_key().key_prefix() == "ak_test_",
         test_key.ok()
             ? "test key " + test_key->api_key().id() + " secret " + Masked(test_key->secret())
             : test_key.status().ToString());
  transcodely::Client pipeline = MakeClient(base_url, live_key->secret());
  std::cout << "   the pipeline client is in the "
            << transcodely::EnvironmentName(pipeline.environment()) << " environment\n";

  Step("Create jobs with the new key (each carries an automatic idempotency key)");
  std::vector<std::string> job_ids;
  for (int i = 1; i <= 5; ++i) {
    transcodely::v1::CreateJobRequest job_request;
    job_request.set_input_url("https://example.com/videos/clip-" + std::to_string(i) + ".mp4");
    job_request.set_managed(true);
    transcodely::v1::OutputSpec* output = job_request.add_outputs();
    output->set_type(transcodely::v1::OUTPUT_FORMAT_HLS);
    transcodely::v1::VideoVariant* variant = output->add_video();
    variant->set_codec(transcodely::v1::VIDEO_CODEC_H264);
    variant->set_resolution(i % 2 ? transcodely::v1::RESOLUTION_1080P
                                  : transcodely::v1::RESOLUTION_720P);
    auto created = pipeline.jobs().Create(job_request);
    if (!created.ok()) {
      Expect(false, transcodely::Error::From(created.status()).ToString());
      continue;
    }
    job_ids.push_back(created->job().id());
    std::cout << "   created " << JobLine(created->job()) << "\n";
  }
  Expect(job_ids.size() == 5, "5 jobs created");

  Step("The same idempotency key twice returns the same job");
  {
    transcodely::v1::CreateJobRequest job_request;
    job_request.set_input_url("https://example.com/videos/once.mp4");
    job_request.set_managed(true);
    job_request.add_outputs()->set_preset("web-1080p");
    auto options = transcodely::WithIdempotencyKey("walkthrough-order-42");
    auto first = pipeline.jobs().Create(job_request, options);
    auto second = pipeline.jobs().Create(job_request, options);
    Expect(first.ok() && second.ok() && first->job().id() == second->job().id(),
           first.ok() ? "both calls returned " + first->job().id()
                      : transcodely::Error::From(first.status()).ToString());
    if (first.ok()) job_ids.push_back(first->job().id());
  }

  Step("List every job, two per page, fetched on demand");
  transcodely::v1::ListJobsRequest list_request;
  list_request.mutable_pagination()->set_limit(2);
  size_t listed = 0;
  for (const connectrpc::Result<Job>& job : pipeline.jobs().ListAll(list_request)) {
    if (!job.ok()) {
      Expect(false, transcodely::Error::From(job.status()).ToString());
      break;
    }
    ++listed;
    std::cout << "   " << JobLine(*job) << "\n";
  }
  Expect(listed == job_ids.size(), std::to_string(listed) + " jobs listed across pages of 2");

  Step("Watch " + job_ids.front() + " until it completes");
  std::string last_event;
  for (const auto& event : pipeline.jobs().WatchJob(job_ids.front())) {
    if (!event.ok()) {
      Expect(false, transcodely::Error::From(event.status()).ToString());
      break;
    }
    last_event = transcodely::EnumWireString(
        *transcodely::v1::WatchEventType_descriptor()->FindValueByNumber(event->event()));
    std::cout << "   " << last_event << ": " << JobLine(event->job()) << "\n";
  }
  Expect(last_event == "completed", "the watch ended with a completed event");

  Step("Revoke the pipeline key; it stops working at once");
  transcodely::v1::RevokeAPIKeyRequest revoke;
  revoke.set_id(live_key->api_key().id());
  revoke.set_reason("rotated by the walkthrough");
  auto revoked = live.api_keys().Revoke(revoke);
  Expect(revoked.ok() && revoked->api_key().is_revoked(),
         revoked.ok() ? "revoked " + revoked->api_key().id() : revoked.status().ToString());
  transcodely::v1::GetJobRequest get;
  get.set_id(job_ids.front());
  ExpectUnauthenticated(pipeline.jobs().Get(get).status(), "revoked key");

  Step("The specification's unauthenticated errors");
  {
    // The SDK refuses an empty key before sending anything...
    transcodely::ClientOptions options;
    options.base_url = base_url;
    options.api_key = "";
    ::unsetenv(transcodely::kApiKeyEnvironmentVariable);
    auto refused = transcodely::Client::Create(options);
    Expect(!refused.ok(), "the SDK refuses an empty key: " + refused.status().ToString());
    // ...so send one raw Connect request without Authorization to see the server's answer.
    connectrpc::ClientOptions raw_options;
    raw_options.codec = &transcodely::DialectCodec();
    auto raw = connectrpc::Client::Create(base_url, raw_options);
    transcodely::v1::JobServiceClient anonymous(*raw);
    ExpectUnauthenticated(anonymous.Get(get).status(), "missing Authorization header");
  }
  ExpectUnauthenticated(MakeClient(base_url, "sk_not_a_transcodely_key").jobs().Get(get).status(),
                        "invalid key format");
  ExpectUnauthenticated(test.jobs().Get(get).status(), "wrong environment (test key, live job)");

  Step("Not found and invalid requests are typed too");
  get.set_id("job_doesnotexist");
  transcodely::Error not_found = transcodely::Error::From(live.jobs().Get(get).status());
  Expect(not_found.kind() == transcodely::ErrorKind::kNotFound, not_found.ToString());
  transcodely::v1::CreateJobRequest invalid;
  invalid.set_input_url("ftp://example.com/in.mp4");
  transcodely::Error bad = transcodely::Error::From(live.jobs().Create(invalid).status());
  Expect(bad.kind() == transcodely::ErrorKind::kInvalidRequest && !bad.field_violations().empty(),
         bad.ToString());
  for (const transcodely::FieldViolation& violation : bad.field_violations()) {
    // Rules on the whole request (not one field) come with an empty field path.
    std::cout << "      " << (violation.field.empty() ? "(request)" : violation.field) << ": "
              << violation.description << "\n";
  }

  std::cout << "\nwalkthrough: "
            << (failures == 0 ? "every step behaved as specified"
                              : std::to_string(failures) + " unexpected")
            << "\n";
  return failures == 0 ? 0 : 1;
}
