// Job simulation: a job's state is a pure function of its record (creation, confirmation and
// cancellation times, simulated duration) and the current time, so no background worker runs.
//
// Timeline from the start S (creation, or confirmation for delayed_start jobs) over duration D:
// pending during [S, S + D/5), processing with progress 0 -> 100 % during [S + D/5, S + D),
// completed from S + D. A delayed_start job awaits confirmation until confirmed. A cancellation
// at time X before completion freezes the job as canceled at X.
#ifndef CONNECTRPC_SANDBOX_JOB_SIMULATION_H_
#define CONNECTRPC_SANDBOX_JOB_SIMULATION_H_

#include <cstdint>
#include <optional>

#include "store.h"
#include "transcodely/v1/job.pb.h"

namespace sandbox {

// The longest simulated duration: a record's duration is clamped to it (and its times to the
// RFC 3339 range), so that no stored value, e.g. --job_duration_ms 9223372036854775807, makes the
// timeline's arithmetic overflow. 100 years: longer than anyone waits for a sandbox job.
inline constexpr int64_t kMaxJobDurationMs = 100LL * 365 * 24 * 3600 * 1000;

struct JobState {
  transcodely::v1::JobStatus status = transcodely::v1::JOB_STATUS_PENDING;
  int32_t progress = 0;  // percent
  std::optional<int64_t> started_at_ms;
  std::optional<int64_t> completed_at_ms;
  int64_t updated_at_ms = 0;
};

// The state of `job` at `now_ms`.
JobState JobStateAt(const JobRecord& job, int64_t now_ms);

// The first time after `now_ms` at which the status or progress of `job` changes with time alone
// (processing starts, progress gains a percent, the job completes); nullopt when only a change of
// the record (confirmation) can change them, or never (a finished or canceled job).
std::optional<int64_t> NextStateChangeAt(const JobRecord& job, int64_t now_ms);

// True for completed, failed, canceled and partial.
bool IsTerminal(transcodely::v1::JobStatus status);

// The API view of `job` at `now_ms`: status, progress, timestamps and outputs mirrored from the
// request.
transcodely::v1::Job BuildJob(const JobRecord& job, int64_t now_ms);
// The same with `request` already parsed from `job.request`, for callers that build the view of
// one job often (a watch).
transcodely::v1::Job BuildJob(const JobRecord& job,
                              const transcodely::v1::CreateJobRequest& request, int64_t now_ms);

}  // namespace sandbox

#endif  // CONNECTRPC_SANDBOX_JOB_SIMULATION_H_
