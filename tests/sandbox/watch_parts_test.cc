// The pieces under the asynchronous Watch: NextStateChangeAt (when the simulated state changes
// next), JobChangeHub (who hears of a change) and KeyedLimit (watches per API key).
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "job_change_hub.h"
#include "job_simulation.h"
#include "keyed_limit.h"
#include "time_util.h"

namespace sandbox::testing {
namespace {

bool SameState(const JobState& a, const JobState& b) {
  return a.status == b.status && a.progress == b.progress;
}

// For every millisecond of a job's life: the state holds until NextStateChangeAt and changes
// exactly then; without a next change, it never changes again.
void ExpectExactChanges(const JobRecord& job, int64_t from, int64_t to) {
  for (int64_t t = from; t < to; ++t) {
    const JobState now = JobStateAt(job, t);
    std::optional<int64_t> next = NextStateChangeAt(job, t);
    if (!next) {
      EXPECT_TRUE(SameState(now, JobStateAt(job, to + 100'000))) << "t=" << t;
      continue;
    }
    ASSERT_GT(*next, t);
    EXPECT_TRUE(SameState(now, JobStateAt(job, *next - 1))) << "t=" << t << " next=" << *next;
    EXPECT_FALSE(SameState(now, JobStateAt(job, *next))) << "t=" << t << " next=" << *next;
  }
}

TEST(NextStateChangeAtTest, FollowsTheTimeline) {
  JobRecord job;
  job.created_at_ms = 10'000;
  job.duration_ms = 1'000;  // pending until 10'200, processing until 11'000
  EXPECT_EQ(NextStateChangeAt(job, 10'000), 10'200);
  EXPECT_EQ(NextStateChangeAt(job, 10'200), 10'208);
  EXPECT_EQ(NextStateChangeAt(job, 10'999), 11'000);
  EXPECT_EQ(NextStateChangeAt(job, 11'000), std::nullopt);
  ExpectExactChanges(job, 10'000, 11'100);

  job.duration_ms = 4'321;  // progress steps that do not divide evenly
  ExpectExactChanges(job, 10'000, 14'400);
  job.duration_ms = 3;
  ExpectExactChanges(job, 10'000, 10'010);
  job.duration_ms = 0;
  ExpectExactChanges(job, 10'000, 10'010);
}

// Stored values at the ends of int64 (a --job_duration_ms of INT64_MAX, a damaged data file):
// the timeline is clamped (duration to kMaxJobDurationMs, times to the RFC 3339 range) instead
// of wrapping around.
TEST(JobSimulationLimitsTest, Int64MaxDurationDoesNotWrap) {
  JobRecord job;
  job.created_at_ms = 1'700'000'000'000;
  job.duration_ms = std::numeric_limits<int64_t>::max();
  EXPECT_EQ(JobStateAt(job, job.created_at_ms + 1).status, transcodely::v1::JOB_STATUS_PENDING);
  EXPECT_EQ(NextStateChangeAt(job, job.created_at_ms), job.created_at_ms + kMaxJobDurationMs / 5);
  const int64_t halfway = job.created_at_ms + kMaxJobDurationMs / 5 + kMaxJobDurationMs * 2 / 5;
  const JobState processing = JobStateAt(job, halfway);
  EXPECT_EQ(processing.status, transcodely::v1::JOB_STATUS_PROCESSING);
  EXPECT_EQ(processing.progress, 50);
  std::optional<int64_t> next = NextStateChangeAt(job, halfway);
  ASSERT_TRUE(next.has_value());
  EXPECT_GT(*next, halfway);
  EXPECT_EQ(JobStateAt(job, job.created_at_ms + kMaxJobDurationMs).status,
            transcodely::v1::JOB_STATUS_COMPLETED);
}

TEST(JobSimulationLimitsTest, TimesAtTheEndsOfInt64DoNotWrap) {
  JobRecord job;
  job.created_at_ms = std::numeric_limits<int64_t>::max();
  job.duration_ms = 1'000;
  const int64_t now = 1'700'000'000'000;
  // The start clamps to 9999-12-31T23:59:59.999Z, still in the future.
  EXPECT_EQ(JobStateAt(job, now).status, transcodely::v1::JOB_STATUS_PENDING);
  std::optional<int64_t> next = NextStateChangeAt(job, now);
  ASSERT_TRUE(next.has_value());
  EXPECT_GT(*next, now);

  job.created_at_ms = now;
  job.delayed_start = true;
  job.confirmed_at_ms = std::numeric_limits<int64_t>::min();  // clamps to 0001-01-01
  const JobState done = JobStateAt(job, std::numeric_limits<int64_t>::max());
  EXPECT_EQ(done.status, transcodely::v1::JOB_STATUS_COMPLETED);
  ASSERT_TRUE(done.completed_at_ms.has_value());
  EXPECT_LT(*done.completed_at_ms, now);
  EXPECT_EQ(NextStateChangeAt(job, std::numeric_limits<int64_t>::min()),
            std::optional<int64_t>(*done.started_at_ms));
}

TEST(SaturatingAddTest, SaturatesAtTheEndsOfInt64) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  EXPECT_EQ(SaturatingAdd(1, 2), 3);
  EXPECT_EQ(SaturatingAdd(kMax, 1), kMax);
  EXPECT_EQ(SaturatingAdd(1'700'000'000'000, kMax), kMax);
  EXPECT_EQ(SaturatingAdd(kMin, -1), kMin);
  EXPECT_EQ(SaturatingAdd(kMax, kMin), -1);
}

TEST(NextStateChangeAtTest, WaitsForConfirmationAndStopsAtCancellation) {
  JobRecord job;
  job.created_at_ms = 10'000;
  job.duration_ms = 1'000;
  job.delayed_start = true;
  EXPECT_EQ(NextStateChangeAt(job, 10'500), std::nullopt);
  job.confirmed_at_ms = 20'000;
  EXPECT_EQ(NextStateChangeAt(job, 20'000), 20'200);
  ExpectExactChanges(job, 20'000, 21'100);
  job.canceled_at_ms = 20'500;
  EXPECT_EQ(NextStateChangeAt(job, 20'500), std::nullopt);
  ExpectExactChanges(job, 20'500, 21'100);
}

TEST(JobChangeHubTest, NotifiesTheListenersOfThatJobWhileSubscribed) {
  JobChangeHub hub;
  std::vector<std::string> heard;
  std::optional<JobChangeHub::Subscription> a =
      hub.Subscribe("job_a", [&heard] { heard.push_back("a1"); });
  JobChangeHub::Subscription a2 = hub.Subscribe("job_a", [&heard] { heard.push_back("a2"); });
  JobChangeHub::Subscription b = hub.Subscribe("job_b", [&heard] { heard.push_back("b"); });
  EXPECT_EQ(hub.size(), 3u);
  hub.Notify("job_a");
  EXPECT_EQ(heard, (std::vector<std::string>{"a1", "a2"}));
  a.reset();
  EXPECT_EQ(hub.size(), 2u);
  heard.clear();
  hub.Notify("job_a");
  hub.Notify("job_c");
  EXPECT_EQ(heard, (std::vector<std::string>{"a2"}));
  JobChangeHub::Subscription moved = std::move(b);
  heard.clear();
  hub.Notify("job_b");
  EXPECT_EQ(heard, (std::vector<std::string>{"b"}));
}

TEST(KeyedLimitTest, CountsPerKeyAndReleases) {
  KeyedLimit limit(2);
  std::optional<KeyedLimit::Slot> first = limit.TryAcquire("key_1");
  std::optional<KeyedLimit::Slot> second = limit.TryAcquire("key_1");
  ASSERT_TRUE(first && second);
  EXPECT_FALSE(limit.TryAcquire("key_1").has_value());
  std::optional<KeyedLimit::Slot> other = limit.TryAcquire("key_2");
  EXPECT_TRUE(other.has_value());
  EXPECT_EQ(limit.held("key_1"), 2);
  first.reset();
  EXPECT_EQ(limit.held("key_1"), 1);
  EXPECT_TRUE(limit.TryAcquire("key_1").has_value());  // acquired and released at once
  EXPECT_EQ(limit.held("key_1"), 1);

  KeyedLimit unlimited(0);
  std::vector<KeyedLimit::Slot> slots;
  for (int i = 0; i < 5000; ++i) {
    std::optional<KeyedLimit::Slot> slot = unlimited.TryAcquire("key");
    ASSERT_TRUE(slot.has_value());
    slots.push_back(std::move(*slot));
  }
  EXPECT_EQ(unlimited.held("key"), 5000);
}

}  // namespace
}  // namespace sandbox::testing
