// JobService: create, validation errors with field violations, idempotency replay and conflict,
// get, list paging, cancel, confirm and Watch to completion.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "sandbox_fixture.h"

namespace sandbox::testing {
namespace {

using connectrpc::Code;
using transcodely::v1::WatchEventType;

class JobTest : public SandboxTest {
 protected:
  // A job created with delayed_start: it awaits confirmation, so a watch of it stays open.
  // Empty on failure (the test has failed then).
  std::string CreateDelayedJob() {
    transcodely::v1::CreateJobRequest create = ValidJob();
    create.set_delayed_start(true);
    auto created = jobs_->Create(create, As(test_key_));
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    return created.ok() ? created->job().id() : std::string();
  }

  // Opens a watch of `id` and reads its SNAPSHOT into `message`.
  connectrpc::ServerStreamReader<transcodely::v1::WatchJobResponse> WatchFromSnapshot(
      const std::string& id, transcodely::v1::WatchJobResponse* message) {
    transcodely::v1::WatchJobRequest request;
    request.set_id(id);
    auto stream = jobs_->Watch(request, As(test_key_));
    EXPECT_TRUE(stream.Read(message)) << stream.status().ToString();
    EXPECT_EQ(message->event(), transcodely::v1::WATCH_EVENT_TYPE_SNAPSHOT);
    return stream;
  }
};

TEST_F(JobTest, CreateAndGet) {
  transcodely::v1::CreateJobRequest request = ValidJob();
  (*request.mutable_metadata())["customer"] = "42";
  auto created = jobs_->Create(request, As(test_key_));
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  const auto& job = created->job();
  EXPECT_TRUE(job.id().starts_with("job_"));
  EXPECT_EQ(job.status(), transcodely::v1::JOB_STATUS_PENDING);
  EXPECT_EQ(job.priority(), transcodely::v1::JOB_PRIORITY_STANDARD);
  EXPECT_EQ(job.app_id(), "app_sandbox");
  EXPECT_EQ(job.input_url(), "https://example.com/in.mp4");
  ASSERT_EQ(job.outputs_size(), 1);
  EXPECT_EQ(job.outputs(0).spec().type(), transcodely::v1::OUTPUT_FORMAT_HLS);
  EXPECT_EQ(job.metadata().at("customer"), "42");
  EXPECT_TRUE(job.has_created_at());

  transcodely::v1::GetJobRequest get;
  get.set_id(job.id());
  auto fetched = jobs_->Get(get, As(test_key_));
  ASSERT_TRUE(fetched.ok()) << fetched.status().ToString();
  EXPECT_EQ(fetched->job().id(), job.id());

  get.set_id("job_unknown");
  auto missing = jobs_->Get(get, As(test_key_));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Code::kNotFound);
  EXPECT_EQ(Details(missing.status()).code(), "job_not_found");
}

TEST_F(JobTest, ValidationErrorsCarryFieldViolations) {
  transcodely::v1::CreateJobRequest request;
  request.set_input_url("ftp://example.com/in.mp4");
  request.set_managed(true);
  auto result = jobs_->Create(request, As(test_key_));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), Code::kInvalidArgument);
  auto details = Details(result.status());
  EXPECT_EQ(details.code(), "invalid_request");
  std::set<std::string> fields;
  for (const auto& v : details.field_violations()) fields.insert(v.field());
  EXPECT_EQ(fields.count("input_url"), 1u);
  EXPECT_EQ(fields.count("outputs"), 1u);
  ASSERT_FALSE(result.status().details().empty());
  EXPECT_NE(result.status().details().front().debug_json.find("fieldViolations"),
            std::string::npos);
}

TEST_F(JobTest, IdempotencyReplayAndConflict) {
  connectrpc::CallOptions options = As(test_key_);
  options.headers.Add("Idempotency-Key", "key-1");
  auto first = jobs_->Create(ValidJob(), options);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  auto replay = jobs_->Create(ValidJob(), options);
  ASSERT_TRUE(replay.ok()) << replay.status().ToString();
  EXPECT_EQ(replay->job().id(), first->job().id());

  // The X- header name works the same way.
  connectrpc::CallOptions x_options = As(test_key_);
  x_options.headers.Add("X-Idempotency-Key", "key-1");
  auto x_replay = jobs_->Create(ValidJob(), x_options);
  ASSERT_TRUE(x_replay.ok());
  EXPECT_EQ(x_replay->job().id(), first->job().id());

  transcodely::v1::CreateJobRequest different = ValidJob();
  different.set_input_url("https://example.com/other.mp4");
  auto conflict = jobs_->Create(different, options);
  ASSERT_FALSE(conflict.ok());
  EXPECT_EQ(conflict.status().code(), Code::kAlreadyExists);
  EXPECT_EQ(conflict.status().message(), "idempotency key reused with a different request");

  // Without a key every call creates a job.
  auto a = jobs_->Create(ValidJob(), As(test_key_));
  auto b = jobs_->Create(ValidJob(), As(test_key_));
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->job().id(), b->job().id());
}

TEST_F(JobTest, BodyKeyWinsOverHeaderKey) {
  transcodely::v1::CreateJobRequest request = ValidJob();
  request.set_idempotency_key("body-key");
  connectrpc::CallOptions options = As(test_key_);
  options.headers.Add("Idempotency-Key", "header-1");
  auto first = jobs_->Create(request, options);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  connectrpc::CallOptions other = As(test_key_);
  other.headers.Add("Idempotency-Key", "header-2");
  auto second = jobs_->Create(request, other);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->job().id(), first->job().id());
}

TEST_F(JobTest, BadIdempotencyHeaders) {
  connectrpc::CallOptions both = As(test_key_);
  both.headers.Add("Idempotency-Key", "one");
  both.headers.Add("X-Idempotency-Key", "two");
  auto mismatch = jobs_->Create(ValidJob(), both);
  ASSERT_FALSE(mismatch.ok());
  EXPECT_EQ(mismatch.status().code(), Code::kInvalidArgument);

  connectrpc::CallOptions same = As(test_key_);
  same.headers.Add("Idempotency-Key", "same");
  same.headers.Add("X-Idempotency-Key", "same");
  EXPECT_TRUE(jobs_->Create(ValidJob(), same).ok());

  connectrpc::CallOptions long_key = As(test_key_);
  long_key.headers.Add("Idempotency-Key", std::string(129, 'k'));
  auto too_long = jobs_->Create(ValidJob(), long_key);
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(too_long.status().code(), Code::kInvalidArgument);
}

TEST_F(JobTest, ListRejectsFilterTimestampsOutsideTheRange) {
  transcodely::v1::ListJobsRequest request;
  request.mutable_created_after()->set_seconds(18446745869952154);
  auto result = proto_jobs_->List(request, As(test_key_));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), Code::kInvalidArgument);
  auto details = Details(result.status());
  ASSERT_GE(details.field_violations_size(), 1);
  EXPECT_EQ(details.field_violations(0).field(), "created_after");

  request.Clear();
  request.mutable_created_before()->set_nanos(-5);
  result = proto_jobs_->List(request, As(test_key_));
  ASSERT_FALSE(result.ok());
  details = Details(result.status());
  ASSERT_GE(details.field_violations_size(), 1);
  EXPECT_EQ(details.field_violations(0).field(), "created_before");
}

TEST_F(JobTest, ListPagesNewestFirst) {
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    auto created = jobs_->Create(ValidJob(), As(test_key_));
    ASSERT_TRUE(created.ok());
    ids.push_back(created->job().id());
  }
  std::vector<std::string> listed;
  transcodely::v1::ListJobsRequest request;
  request.mutable_pagination()->set_limit(2);
  int pages = 0;
  for (;;) {
    auto page = jobs_->List(request, As(test_key_));
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    ++pages;
    ASSERT_GT(page->jobs_size(), 0);
    EXPECT_EQ(page->pagination().total_count(), 5);
    for (const auto& job : page->jobs()) listed.push_back(job.id());
    if (page->pagination().next_cursor().empty()) break;
    request.mutable_pagination()->set_cursor(page->pagination().next_cursor());
  }
  EXPECT_EQ(pages, 3);
  std::vector<std::string> expected(ids.rbegin(), ids.rend());
  EXPECT_EQ(listed, expected);
}

TEST_F(JobTest, CancelAndStatusFilter) {
  // A delayed-start job waits for confirmation, so it cannot finish before it is cancelled.
  transcodely::v1::CreateJobRequest waiting = ValidJob();
  waiting.set_delayed_start(true);
  auto created = jobs_->Create(waiting, As(test_key_));
  ASSERT_TRUE(created.ok());
  ASSERT_TRUE(jobs_->Create(ValidJob(), As(test_key_)).ok());
  transcodely::v1::CancelJobRequest cancel;
  cancel.set_id(created->job().id());
  auto canceled = jobs_->Cancel(cancel, As(test_key_));
  ASSERT_TRUE(canceled.ok()) << canceled.status().ToString();
  EXPECT_EQ(canceled->job().status(), transcodely::v1::JOB_STATUS_CANCELED);
  auto again = jobs_->Cancel(cancel, As(test_key_));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), Code::kFailedPrecondition);

  transcodely::v1::ListJobsRequest list;
  list.set_status(transcodely::v1::JOB_STATUS_CANCELED);
  auto only_canceled = jobs_->List(list, As(test_key_));
  ASSERT_TRUE(only_canceled.ok());
  ASSERT_EQ(only_canceled->jobs_size(), 1);
  EXPECT_EQ(only_canceled->jobs(0).id(), created->job().id());
}

TEST_F(JobTest, DelayedStartAwaitsConfirmation) {
  transcodely::v1::CreateJobRequest request = ValidJob();
  request.set_delayed_start(true);
  auto created = jobs_->Create(request, As(test_key_));
  ASSERT_TRUE(created.ok());
  EXPECT_EQ(created->job().status(), transcodely::v1::JOB_STATUS_AWAITING_CONFIRMATION);
  transcodely::v1::ConfirmJobRequest confirm;
  confirm.set_id(created->job().id());
  auto confirmed = jobs_->Confirm(confirm, As(test_key_));
  ASSERT_TRUE(confirmed.ok()) << confirmed.status().ToString();
  EXPECT_EQ(confirmed->job().status(), transcodely::v1::JOB_STATUS_PENDING);
  EXPECT_TRUE(confirmed->job().has_confirmed_at());
  auto again = jobs_->Confirm(confirm, As(test_key_));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), Code::kFailedPrecondition);
}

TEST_F(JobTest, WatchRunsToCompletion) {
  auto created = jobs_->Create(ValidJob(), As(test_key_));
  ASSERT_TRUE(created.ok());
  transcodely::v1::WatchJobRequest request;
  request.set_id(created->job().id());
  auto stream = jobs_->Watch(request, As(test_key_));
  std::vector<WatchEventType> events;
  std::vector<transcodely::v1::JobStatus> statuses;
  transcodely::v1::WatchJobResponse message;
  transcodely::v1::Job last;
  int last_progress = -1;
  while (stream.Read(&message)) {
    events.push_back(message.event());
    statuses.push_back(message.job().status());
    EXPECT_TRUE(message.has_server_time());
    EXPECT_GE(message.job().progress(), last_progress);
    last_progress = message.job().progress();
    last = message.job();
  }
  ASSERT_TRUE(stream.status().ok()) << stream.status().ToString();
  ASSERT_GE(events.size(), 3u);
  EXPECT_EQ(events.front(), transcodely::v1::WATCH_EVENT_TYPE_SNAPSHOT);
  EXPECT_EQ(events.back(), transcodely::v1::WATCH_EVENT_TYPE_COMPLETED);
  std::set<WatchEventType> kinds(events.begin(), events.end());
  EXPECT_EQ(kinds.count(transcodely::v1::WATCH_EVENT_TYPE_STATUS_CHANGE), 1u);
  EXPECT_EQ(kinds.count(transcodely::v1::WATCH_EVENT_TYPE_PROGRESS), 1u);
  std::set<transcodely::v1::JobStatus> seen(statuses.begin(), statuses.end());
  EXPECT_EQ(seen.count(transcodely::v1::JOB_STATUS_PROCESSING), 1u);
  EXPECT_EQ(last.status(), transcodely::v1::JOB_STATUS_COMPLETED);
  EXPECT_EQ(last.progress(), 100);
  EXPECT_TRUE(last.has_started_at());
  EXPECT_TRUE(last.has_completed_at());
  ASSERT_EQ(last.outputs_size(), 1);
  EXPECT_EQ(last.outputs(0).status(), transcodely::v1::OUTPUT_STATUS_COMPLETED);
  EXPECT_TRUE(last.outputs(0).has_output_url());
  EXPECT_TRUE(stream.response_headers().Get("x-request-id").value_or("").starts_with("req_"));
}

TEST_F(JobTest, WatchSendsHeartbeatsWhileWaiting) {
  const std::string id = CreateDelayedJob();
  ASSERT_FALSE(id.empty());
  transcodely::v1::WatchJobResponse message;
  auto stream = WatchFromSnapshot(id, &message);
  ASSERT_FALSE(HasFailure());
  ASSERT_TRUE(stream.Read(&message)) << stream.status().ToString();
  EXPECT_EQ(message.event(), transcodely::v1::WATCH_EVENT_TYPE_HEARTBEAT);
  EXPECT_EQ(message.job().status(), transcodely::v1::JOB_STATUS_AWAITING_CONFIRMATION);
  stream.Cancel();
}

TEST_F(JobTest, WatchSeesACancellation) {
  const std::string id = CreateDelayedJob();
  ASSERT_FALSE(id.empty());
  transcodely::v1::WatchJobResponse message;
  auto stream = WatchFromSnapshot(id, &message);
  ASSERT_FALSE(HasFailure());

  transcodely::v1::CancelJobRequest cancel;
  cancel.set_id(id);
  ASSERT_TRUE(jobs_->Cancel(cancel, As(test_key_)).ok());
  std::vector<WatchEventType> events;
  while (stream.Read(&message)) {
    if (message.event() == transcodely::v1::WATCH_EVENT_TYPE_HEARTBEAT) continue;
    events.push_back(message.event());
    EXPECT_EQ(message.job().status(), transcodely::v1::JOB_STATUS_CANCELED);
  }
  ASSERT_TRUE(stream.status().ok()) << stream.status().ToString();
  EXPECT_EQ(events, (std::vector<WatchEventType>{transcodely::v1::WATCH_EVENT_TYPE_STATUS_CHANGE,
                                                 transcodely::v1::WATCH_EVENT_TYPE_COMPLETED}));
}

TEST_F(JobTest, WatchFollowsAConfirmationToTheEnd) {
  const std::string id = CreateDelayedJob();
  ASSERT_FALSE(id.empty());
  transcodely::v1::WatchJobResponse message;
  auto stream = WatchFromSnapshot(id, &message);
  ASSERT_FALSE(HasFailure());
  EXPECT_EQ(message.job().status(), transcodely::v1::JOB_STATUS_AWAITING_CONFIRMATION);

  transcodely::v1::ConfirmJobRequest confirm;
  confirm.set_id(id);
  ASSERT_TRUE(jobs_->Confirm(confirm, As(test_key_)).ok());
  std::vector<transcodely::v1::JobStatus> changes;
  while (stream.Read(&message)) {
    if (message.event() == transcodely::v1::WATCH_EVENT_TYPE_STATUS_CHANGE) {
      changes.push_back(message.job().status());
    }
  }
  ASSERT_TRUE(stream.status().ok()) << stream.status().ToString();
  EXPECT_EQ(message.event(), transcodely::v1::WATCH_EVENT_TYPE_COMPLETED);
  EXPECT_EQ(message.job().status(), transcodely::v1::JOB_STATUS_COMPLETED);
  ASSERT_FALSE(changes.empty());
  EXPECT_EQ(changes.front(), transcodely::v1::JOB_STATUS_PENDING);
  EXPECT_EQ(changes.back(), transcodely::v1::JOB_STATUS_COMPLETED);
}

// At most two watches per API key.
class WatchLimitTest : public SandboxTest {
 protected:
  void Configure(SandboxOptions& options) override { options.max_watches_per_key = 2; }
};

TEST_F(WatchLimitTest, WatchesPerKeyAreLimited) {
  // A delayed job awaits confirmation, so its watches stay open until it is confirmed.
  transcodely::v1::CreateJobRequest create = ValidJob();
  create.set_delayed_start(true);
  auto created = jobs_->Create(create, As(test_key_));
  ASSERT_TRUE(created.ok());
  transcodely::v1::WatchJobRequest request;
  request.set_id(created->job().id());
  std::vector<connectrpc::ServerStreamReader<transcodely::v1::WatchJobResponse>> open;
  transcodely::v1::WatchJobResponse message;
  for (int i = 0; i < 2; ++i) {
    open.push_back(jobs_->Watch(request, As(test_key_)));
    ASSERT_TRUE(open.back().Read(&message)) << open.back().status().ToString();
    EXPECT_EQ(message.event(), transcodely::v1::WATCH_EVENT_TYPE_SNAPSHOT);
  }
  auto refused = jobs_->Watch(request, As(test_key_));
  EXPECT_FALSE(refused.Read(&message));
  EXPECT_EQ(refused.status().code(), Code::kResourceExhausted);
  EXPECT_EQ(Details(refused.status()).code(), "too_many_watches");
  EXPECT_NE(refused.status().message().find("2 Watch streams"), std::string::npos)
      << refused.status().message();

  // Another key has its own allowance.
  transcodely::v1::CreateAPIKeyRequest key_request;
  key_request.set_name("second watcher");
  auto second_key = keys_->Create(key_request, As(test_key_));
  ASSERT_TRUE(second_key.ok()) << second_key.status().ToString();
  open.push_back(jobs_->Watch(request, As(second_key->secret())));
  ASSERT_TRUE(open.back().Read(&message)) << open.back().status().ToString();
  EXPECT_EQ(message.event(), transcodely::v1::WATCH_EVENT_TYPE_SNAPSHOT);

  // Unary calls are answered meanwhile. The confirmation lets the job run to its end, which
  // ends the watches and gives their slots back.
  transcodely::v1::ConfirmJobRequest confirm;
  confirm.set_id(created->job().id());
  auto confirmed = jobs_->Confirm(confirm, As(test_key_));
  ASSERT_TRUE(confirmed.ok()) << confirmed.status().ToString();
  for (auto& stream : open) {
    while (stream.Read(&message)) {
    }
    EXPECT_TRUE(stream.status().ok()) << stream.status().ToString();
    EXPECT_EQ(message.event(), transcodely::v1::WATCH_EVENT_TYPE_COMPLETED);
  }
  auto again = jobs_->Watch(request, As(test_key_));
  ASSERT_TRUE(again.Read(&message)) << again.status().ToString();
  EXPECT_EQ(message.event(), transcodely::v1::WATCH_EVENT_TYPE_SNAPSHOT);
  ASSERT_TRUE(again.Read(&message)) << again.status().ToString();
  EXPECT_EQ(message.event(), transcodely::v1::WATCH_EVENT_TYPE_COMPLETED);
}

TEST_F(JobTest, WatchOfUnknownJobFails) {
  transcodely::v1::WatchJobRequest request;
  request.set_id("job_unknown");
  auto stream = jobs_->Watch(request, As(test_key_));
  transcodely::v1::WatchJobResponse message;
  EXPECT_FALSE(stream.Read(&message));
  EXPECT_EQ(stream.status().code(), Code::kNotFound);
}

}  // namespace
}  // namespace sandbox::testing
