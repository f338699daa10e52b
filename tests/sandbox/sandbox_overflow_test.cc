// Numbers at the ends of their types reach the sandbox's arithmetic without overflowing it: a
// job duration of INT64_MAX milliseconds (the simulation clamps it to 100 years), a heartbeat
// interval of INT64_MAX milliseconds (Watch sleeps at most an hour at a time), and pagination
// cursors, offsets and limits at the ends of int64 / int32 (refused naming the field, or served),
// and a JSON Timestamp whose UTC offset takes it past year 9999 (refused by the JSON dialect).
// Requests go over binary protobuf, which carries any value, or as fixed JSON text.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>

#include "connectrpc/codec.h"
#include "job_simulation.h"
#include "sandbox_fixture.h"

namespace sandbox::testing {
namespace {

using connectrpc::Code;

constexpr std::chrono::milliseconds kForever{std::numeric_limits<int64_t>::max()};

class HugeJobDurationTest : public SandboxTest {
 protected:
  void Configure(SandboxOptions& options) override { options.job_duration = kForever; }
};

TEST_F(HugeJobDurationTest, AJobOfInt64MaxMillisecondsStaysPending) {
  auto created = proto_jobs_->Create(ValidJob(), As(test_key_));
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  // created_at + INT64_MAX wrapped to a time long past, which made the job completed at once.
  EXPECT_EQ(created->job().status(), transcodely::v1::JOB_STATUS_PENDING);
  EXPECT_FALSE(created->job().has_completed_at());

  transcodely::v1::GetJobRequest get;
  get.set_id(created->job().id());
  auto fetched = proto_jobs_->Get(get, As(test_key_));
  ASSERT_TRUE(fetched.ok()) << fetched.status().ToString();
  EXPECT_EQ(fetched->job().status(), transcodely::v1::JOB_STATUS_PENDING);
  EXPECT_EQ(fetched->job().progress(), 0);
}

class HugeHeartbeatTest : public SandboxTest {
 protected:
  void Configure(SandboxOptions& options) override { options.heartbeat_interval = kForever; }
};

// The next heartbeat was due at last_sent + INT64_MAX (signed overflow; UBSan reports it), and
// the sleep until then did not fit the timer's nanoseconds. The watch of a job awaiting
// confirmation sleeps; a confirmation wakes it and it follows the job to the end.
TEST_F(HugeHeartbeatTest, AWatchStillFollowsTheJob) {
  transcodely::v1::CreateJobRequest create = ValidJob();
  create.set_delayed_start(true);
  auto created = proto_jobs_->Create(create, As(test_key_));
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  transcodely::v1::WatchJobRequest request;
  request.set_id(created->job().id());
  auto stream = proto_jobs_->Watch(request, As(test_key_));
  transcodely::v1::WatchJobResponse message;
  ASSERT_TRUE(stream.Read(&message)) << stream.status().ToString();
  EXPECT_EQ(message.event(), transcodely::v1::WATCH_EVENT_TYPE_SNAPSHOT);

  transcodely::v1::ConfirmJobRequest confirm;
  confirm.set_id(created->job().id());
  ASSERT_TRUE(proto_jobs_->Confirm(confirm, As(test_key_)).ok());
  int heartbeats = 0;
  while (stream.Read(&message)) {
    if (message.event() == transcodely::v1::WATCH_EVENT_TYPE_HEARTBEAT) ++heartbeats;
  }
  ASSERT_TRUE(stream.status().ok()) << stream.status().ToString();
  EXPECT_EQ(message.event(), transcodely::v1::WATCH_EVENT_TYPE_COMPLETED);
  EXPECT_EQ(message.job().status(), transcodely::v1::JOB_STATUS_COMPLETED);
  EXPECT_EQ(heartbeats, 0);
}

class PaginationLimitsTest : public SandboxTest {};

TEST_F(PaginationLimitsTest, ACursorBeyondInt64IsRefusedNamingTheField) {
  ASSERT_TRUE(proto_jobs_->Create(ValidJob(), As(test_key_)).ok());
  for (const char* cursor : {"cur_9223372036854775808", "cur_99999999999999999999999",
                             "cur_-9223372036854775809", "cur_0", "cur_"}) {
    transcodely::v1::ListJobsRequest request;
    request.mutable_pagination()->set_cursor(cursor);
    auto listed = proto_jobs_->List(request, As(test_key_));
    ASSERT_FALSE(listed.ok()) << cursor;
    EXPECT_EQ(listed.status().code(), Code::kInvalidArgument) << cursor;
    const transcodely::v1::ErrorDetails details = Details(listed.status());
    EXPECT_EQ(details.code(), "invalid_cursor") << cursor;
    ASSERT_EQ(details.field_violations_size(), 1) << cursor;
    EXPECT_EQ(details.field_violations(0).field(), "pagination.cursor");
    EXPECT_NE(listed.status().message().find("pagination.cursor"), std::string::npos)
        << listed.status().message();
  }
  // The largest cursor that fits lists from the newest job.
  transcodely::v1::ListJobsRequest request;
  request.mutable_pagination()->set_cursor("cur_9223372036854775807");
  auto listed = proto_jobs_->List(request, As(test_key_));
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  EXPECT_EQ(listed->jobs_size(), 1);
}

TEST_F(PaginationLimitsTest, OffsetAndLimitAtTheEndsOfInt32) {
  ASSERT_TRUE(proto_jobs_->Create(ValidJob(), As(test_key_)).ok());
  transcodely::v1::ListJobsRequest request;
  request.mutable_pagination()->set_offset(std::numeric_limits<int32_t>::max());
  request.mutable_pagination()->set_limit(100);
  auto listed = proto_jobs_->List(request, As(test_key_));
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  EXPECT_EQ(listed->jobs_size(), 0);
  EXPECT_EQ(listed->pagination().total_count(), 1);
  EXPECT_EQ(listed->pagination().next_cursor(), "");

  for (int32_t limit : {std::numeric_limits<int32_t>::max(), std::numeric_limits<int32_t>::min()}) {
    request.mutable_pagination()->set_offset(0);
    request.mutable_pagination()->set_limit(limit);
    auto refused = proto_jobs_->List(request, As(test_key_));
    ASSERT_FALSE(refused.ok()) << limit;
    EXPECT_EQ(refused.status().code(), Code::kInvalidArgument);
    const transcodely::v1::ErrorDetails details = Details(refused.status());
    ASSERT_GE(details.field_violations_size(), 1);
    EXPECT_EQ(details.field_violations(0).field(), "pagination.limit");
  }
  request.mutable_pagination()->set_limit(0);
  request.mutable_pagination()->set_offset(std::numeric_limits<int32_t>::min());
  auto refused = proto_jobs_->List(request, As(test_key_));
  ASSERT_FALSE(refused.ok());
  const transcodely::v1::ErrorDetails details = Details(refused.status());
  ASSERT_GE(details.field_violations_size(), 1);
  EXPECT_EQ(details.field_violations(0).field(), "pagination.offset");
}

// Sends a fixed JSON body whatever the request (as a client of another language could), and
// reads responses in the Transcodely dialect.
class FixedJsonCodec final : public connectrpc::Codec {
 public:
  explicit FixedJsonCodec(std::string body) : body_(std::move(body)) {}
  std::string_view name() const override { return "json"; }
  connectrpc::Status Marshal(const google::protobuf::Message&, std::string* out) const override {
    *out = body_;
    return connectrpc::Status();
  }
  connectrpc::Status Unmarshal(std::string_view data,
                               google::protobuf::Message* message) const override {
    return transcodely::DialectCodec().Unmarshal(data, message);
  }

 private:
  std::string body_;
};

class JsonTimestampRangeTest : public SandboxTest {};

// 9999-12-31T23:30:00-01:00 is year 10000 in UTC: the JSON dialect refused nothing, and the
// request reached the handler (whose range check is what stood between it and the conversion to
// milliseconds). Now the body is refused while it is decoded, naming the field.
TEST_F(JsonTimestampRangeTest, AnOffsetPastYear9999IsRefusedNamingTheField) {
  const FixedJsonCodec codec(
      R"({"name":"late","environment":"test","expires_at":"9999-12-31T23:30:00-01:00"})");
  connectrpc::ClientOptions options;
  options.codec = &codec;
  options.default_timeout = std::chrono::milliseconds(10'000);
  auto client = connectrpc::Client::Create(sandbox_->base_url(), options);
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  transcodely::v1::APIKeyServiceClient keys(*client);
  auto created = keys.Create(transcodely::v1::CreateAPIKeyRequest(), As(test_key_));
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.status().code(), Code::kInvalidArgument);
  EXPECT_NE(created.status().message().find("expires_at: Timestamp out of range"),
            std::string::npos)
      << created.status().message();
}

}  // namespace
}  // namespace sandbox::testing
