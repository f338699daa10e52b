#include "job_simulation.h"

#include <algorithm>
#include <string>

#include "time_util.h"

namespace sandbox {
namespace {

using transcodely::v1::Job;
using transcodely::v1::JobStatus;
using transcodely::v1::OutputStatus;

constexpr std::string_view kOutputBaseUrl = "https://sandbox.transcodely.invalid/outputs/";

OutputStatus OutputStatusFor(JobStatus status) {
  switch (status) {
    case transcodely::v1::JOB_STATUS_PROCESSING:
      return transcodely::v1::OUTPUT_STATUS_PROCESSING;
    case transcodely::v1::JOB_STATUS_COMPLETED:
      return transcodely::v1::OUTPUT_STATUS_COMPLETED;
    case transcodely::v1::JOB_STATUS_CANCELED:
      return transcodely::v1::OUTPUT_STATUS_CANCELED;
    case transcodely::v1::JOB_STATUS_FAILED:
      return transcodely::v1::OUTPUT_STATUS_FAILED;
    default:
      return transcodely::v1::OUTPUT_STATUS_PENDING;
  }
}

// The file name a finished output would have.
std::string OutputFileName(const transcodely::v1::OutputSpec& spec) {
  switch (spec.type()) {
    case transcodely::v1::OUTPUT_FORMAT_HLS:
    case transcodely::v1::OUTPUT_FORMAT_ADAPTIVE:
      return (spec.has_hls() && spec.hls().has_manifest() ? spec.hls().manifest() : "master") +
             ".m3u8";
    case transcodely::v1::OUTPUT_FORMAT_DASH:
      return (spec.has_dash() && spec.dash().has_manifest() ? spec.dash().manifest() : "manifest") +
             ".mpd";
    case transcodely::v1::OUTPUT_FORMAT_WEBM:
      return "output.webm";
    case transcodely::v1::OUTPUT_FORMAT_MKV:
      return "output.mkv";
    case transcodely::v1::OUTPUT_FORMAT_MOV:
      return "output.mov";
    default:
      return "output.mp4";
  }
}

// A job's timeline (see job_simulation.h) from its start clamped to the RFC 3339 range and its
// duration clamped to kMaxJobDurationMs, so that the sums and the progress products
// ((t - processing_start) * 100, (p + 1) * span) stay far inside int64 for any t in that range.
struct Timeline {
  int64_t start = 0;
  int64_t processing_start = 0;
  int64_t done = 0;
};

Timeline TimelineOf(const JobRecord& job) {
  const int64_t start =
      ClampToTimestampMillis(job.delayed_start ? *job.confirmed_at_ms : job.created_at_ms);
  const int64_t duration = std::clamp<int64_t>(job.duration_ms, 0, kMaxJobDurationMs);
  return Timeline{start, start + duration / 5, start + duration};
}

}  // namespace

bool IsTerminal(JobStatus status) {
  return status == transcodely::v1::JOB_STATUS_COMPLETED ||
         status == transcodely::v1::JOB_STATUS_FAILED ||
         status == transcodely::v1::JOB_STATUS_CANCELED ||
         status == transcodely::v1::JOB_STATUS_PARTIAL;
}

JobState JobStateAt(const JobRecord& job, int64_t now_ms) {
  const int64_t t =
      ClampToTimestampMillis(job.canceled_at_ms ? std::min(now_ms, *job.canceled_at_ms) : now_ms);
  JobState state;
  if (job.delayed_start && !job.confirmed_at_ms) {
    state.status = transcodely::v1::JOB_STATUS_AWAITING_CONFIRMATION;
    state.updated_at_ms = job.created_at_ms;
  } else {
    const auto [start, processing_start, done] = TimelineOf(job);
    if (t >= done) {
      state.status = transcodely::v1::JOB_STATUS_COMPLETED;
      state.progress = 100;
      state.started_at_ms = processing_start;
      state.completed_at_ms = done;
      state.updated_at_ms = done;
    } else if (t >= processing_start) {
      state.status = transcodely::v1::JOB_STATUS_PROCESSING;
      int64_t span = std::max<int64_t>(done - processing_start, 1);
      state.progress =
          static_cast<int32_t>(std::clamp<int64_t>((t - processing_start) * 100 / span, 0, 99));
      state.started_at_ms = processing_start;
      state.updated_at_ms = t;
    } else {
      state.status = transcodely::v1::JOB_STATUS_PENDING;
      state.updated_at_ms = start;
    }
  }
  if (job.canceled_at_ms && state.status != transcodely::v1::JOB_STATUS_COMPLETED) {
    state.status = transcodely::v1::JOB_STATUS_CANCELED;
    state.completed_at_ms = *job.canceled_at_ms;
    state.updated_at_ms = *job.canceled_at_ms;
  }
  return state;
}

std::optional<int64_t> NextStateChangeAt(const JobRecord& job, int64_t now_ms) {
  // A cancellation freezes the job; an unconfirmed delayed job waits for its confirmation.
  if (job.canceled_at_ms) return std::nullopt;
  if (job.delayed_start && !job.confirmed_at_ms) return std::nullopt;
  // The same timeline as JobStateAt.
  const Timeline timeline = TimelineOf(job);
  const int64_t processing_start = timeline.processing_start;
  const int64_t done = timeline.done;
  now_ms = ClampToTimestampMillis(now_ms);
  if (now_ms >= done) return std::nullopt;
  if (now_ms < processing_start) return processing_start;
  // Progress p holds while (t - processing_start) * 100 / span == p; p + 1 begins at the first
  // t with (t - processing_start) * 100 >= (p + 1) * span.
  int64_t span = std::max<int64_t>(done - processing_start, 1);
  int64_t progress = (now_ms - processing_start) * 100 / span;
  if (progress + 1 >= 100) return done;
  int64_t next = processing_start + ((progress + 1) * span + 99) / 100;
  return std::min(next, done);
}

Job BuildJob(const JobRecord& record, int64_t now_ms) {
  transcodely::v1::CreateJobRequest request;
  request.ParseFromString(record.request);
  return BuildJob(record, request, now_ms);
}

Job BuildJob(const JobRecord& record, const transcodely::v1::CreateJobRequest& request,
             int64_t now_ms) {
  JobState state = JobStateAt(record, now_ms);

  Job job;
  job.set_id(record.id);
  job.set_object("job");
  job.set_app_id(record.app_id);
  job.set_input_url(request.input_url());
  if (request.has_input_video_id()) job.set_input_video_id(request.input_video_id());
  job.set_status(state.status);
  job.set_progress(state.progress);
  job.set_priority(request.priority() == transcodely::v1::JOB_PRIORITY_UNSPECIFIED
                       ? transcodely::v1::JOB_PRIORITY_STANDARD
                       : request.priority());
  if (request.has_webhook_url()) job.set_webhook_url(request.webhook_url());
  *job.mutable_metadata() = request.metadata();
  *job.mutable_thumbnails() = request.thumbnails();
  if (request.has_output_path_template()) {
    job.set_output_path_template(request.output_path_template());
  }
  if (request.has_clip()) *job.mutable_clip() = request.clip();
  job.set_delayed_start(record.delayed_start);
  job.set_currency("EUR");
  // The sandbox never bills.
  job.set_total_estimated_cost(0.0);
  if (state.status == transcodely::v1::JOB_STATUS_COMPLETED) job.set_total_actual_cost(0.0);

  *job.mutable_created_at() = MillisToTimestamp(record.created_at_ms);
  *job.mutable_updated_at() = MillisToTimestamp(state.updated_at_ms);
  if (record.confirmed_at_ms)
    *job.mutable_confirmed_at() = MillisToTimestamp(*record.confirmed_at_ms);
  if (state.started_at_ms) *job.mutable_started_at() = MillisToTimestamp(*state.started_at_ms);
  if (state.completed_at_ms) {
    *job.mutable_completed_at() = MillisToTimestamp(*state.completed_at_ms);
  }
  if (state.status == transcodely::v1::JOB_STATUS_CANCELED) {
    job.set_error_code("canceled");
    job.set_error_message("the job was canceled");
  }

  std::string id_suffix = record.id.substr(record.id.find('_') + 1);
  for (int i = 0; i < request.outputs_size(); ++i) {
    const auto& spec = request.outputs(i);
    transcodely::v1::JobOutput* output = job.add_outputs();
    output->set_id("out_" + id_suffix + "_" + std::to_string(i));
    output->set_object("job_output");
    *output->mutable_spec() = spec;
    output->set_status(OutputStatusFor(state.status));
    output->set_progress(state.progress);
    output->set_estimated_cost(0.0);
    if (spec.has_preset()) output->set_preset_slug(spec.preset());
    if (state.started_at_ms)
      *output->mutable_started_at() = MillisToTimestamp(*state.started_at_ms);
    if (state.completed_at_ms) {
      *output->mutable_completed_at() = MillisToTimestamp(*state.completed_at_ms);
    }
    if (state.status == transcodely::v1::JOB_STATUS_COMPLETED) {
      output->set_actual_cost(0.0);
      output->set_output_url(std::string(kOutputBaseUrl) + record.id + "/" + std::to_string(i) +
                             "/" + OutputFileName(spec));
    }
  }
  return job;
}

}  // namespace sandbox
