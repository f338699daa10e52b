#include "job_service.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "auth.h"
#include "errors.h"
#include "ids.h"
#include "job_lookup.h"
#include "job_simulation.h"
#include "pagination.h"
#include "request_validation.h"
#include "time_util.h"

namespace sandbox {
namespace {

using connectrpc::Code;
using connectrpc::Status;
using transcodely::v1::Job;
using transcodely::v1::JobStatus;

Status OtherApp(const std::string& app_id) {
  return MakeError(Code::kPermissionDenied, "app_mismatch",
                   "API keys of this sandbox belong to app " + std::string(kSandboxAppId) +
                       " and cannot act on app " + app_id);
}

// The idempotency key of the request headers (Idempotency-Key or X-Idempotency-Key), "" if none.
connectrpc::Result<std::string> HeaderIdempotencyKey(const connectrpc::Headers& headers) {
  std::optional<std::string_view> plain = headers.Get("idempotency-key");
  std::optional<std::string_view> x = headers.Get("x-idempotency-key");
  if (plain && plain->empty()) plain.reset();
  if (x && x->empty()) x.reset();
  if (plain && x && *plain != *x) {
    return InvalidArgument("idempotency_key_mismatch",
                           "Idempotency-Key and X-Idempotency-Key carry different values");
  }
  std::string_view key = plain ? *plain : (x ? *x : std::string_view());
  if (key.size() > kMaxIdempotencyKeyLength) {
    return InvalidArgument("idempotency_key_too_long",
                           "idempotency key must be at most 128 characters");
  }
  return std::string(key);
}

// SHA-256 of the request's deterministic encoding, without its idempotency key.
std::string Fingerprint(const transcodely::v1::CreateJobRequest& request) {
  transcodely::v1::CreateJobRequest copy = request;
  copy.clear_idempotency_key();
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    copy.SerializeToCodedStream(&coded);
  }
  return Sha256Hex(bytes);
}

bool MatchesFilters(const transcodely::v1::ListJobsRequest& request, const JobRecord& record,
                    const Job& job) {
  if (request.has_status() && request.status() != transcodely::v1::JOB_STATUS_UNSPECIFIED &&
      job.status() != request.status()) {
    return false;
  }
  if (request.statuses_size() > 0 && std::find(request.statuses().begin(), request.statuses().end(),
                                               job.status()) == request.statuses().end()) {
    return false;
  }
  if (request.has_created_after() &&
      record.created_at_ms <= TimestampToMillis(request.created_after())) {
    return false;
  }
  if (request.has_created_before() &&
      record.created_at_ms >= TimestampToMillis(request.created_before())) {
    return false;
  }
  for (const auto& [key, value] : request.metadata()) {
    auto it = job.metadata().find(key);
    if (it == job.metadata().end() || it->second != value) return false;
  }
  return true;
}

// "completed" for JOB_STATUS_COMPLETED.
std::string StatusWord(JobStatus status) {
  std::string name = transcodely::v1::JobStatus_Name(status);
  constexpr std::string_view kPrefix = "JOB_STATUS_";
  if (name.starts_with(kPrefix)) name.erase(0, kPrefix.size());
  for (char& c : name) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return name;
}

}  // namespace

connectrpc::Result<JobRecord> JobService::LoadOwnJob(const connectrpc::ServerContext& context,
                                                    const std::string& id) {
  return sandbox::LoadOwnJob(*store_, context, id);
}

Status JobService::Create(connectrpc::ServerContext& context,
                          const transcodely::v1::CreateJobRequest& request,
                          transcodely::v1::CreateJobResponse* response) {
  const Caller* caller = CallerOf(context);
  if (caller == nullptr) return NoCaller();
  auto header_key = HeaderIdempotencyKey(context.request_headers());
  if (!header_key.ok()) return header_key.status();
  if (Status s = ValidateRequest(request); !s.ok()) return s;
  if (request.has_app_id() && request.app_id() != kSandboxAppId) return OtherApp(request.app_id());

  JobRecord record;
  record.id = NewJobId();
  record.environment = caller->environment;
  record.app_id = std::string(kSandboxAppId);
  request.SerializeToString(&record.request);
  record.created_at_ms = NowMillis();
  record.duration_ms = options_.job_duration.count();
  record.delayed_start = request.delayed_start();
  // The body key is the documented field: it wins over the header.
  record.idempotency_key = request.has_idempotency_key() && !request.idempotency_key().empty()
                               ? request.idempotency_key()
                               : *header_key;
  record.request_fingerprint = Fingerprint(request);

  auto outcome = store_->CreateJob(&record);
  if (!outcome.ok()) return Internal("could not store the job");
  if (*outcome == Store::CreateOutcome::kConflict) {
    return MakeError(Code::kAlreadyExists, "idempotency_key_conflict",
                     "idempotency key reused with a different request");
  }
  *response->mutable_job() = BuildJob(record, NowMillis());
  if (request.has_input_video_id()) response->set_video_id(request.input_video_id());
  return Status();
}

Status JobService::Get(connectrpc::ServerContext& context, const transcodely::v1::GetJobRequest& request,
                       transcodely::v1::GetJobResponse* response) {
  if (Status s = ValidateRequest(request); !s.ok()) return s;
  auto record = LoadOwnJob(context, request.id());
  if (!record.ok()) return record.status();
  *response->mutable_job() = BuildJob(*record, NowMillis());
  return Status();
}

Status JobService::List(connectrpc::ServerContext& context, const transcodely::v1::ListJobsRequest& request,
                        transcodely::v1::ListJobsResponse* response) {
  const Caller* caller = CallerOf(context);
  if (caller == nullptr) return NoCaller();
  if (Status s = ValidateRequest(request); !s.ok()) return s;
  if (request.has_app_id() && request.app_id() != kSandboxAppId) return OtherApp(request.app_id());
  auto records = store_->ListJobs(caller->environment);
  if (!records.ok()) return Internal("could not list jobs");
  int64_t now = NowMillis();
  std::vector<Job> jobs;
  std::vector<int64_t> seqs;
  for (const auto& record : *records) {
    Job job = BuildJob(record, now);
    if (!MatchesFilters(request, record, job)) continue;
    seqs.push_back(record.seq);
    jobs.push_back(std::move(job));
  }
  auto window = Paginate(seqs, request.pagination());
  if (!window.ok()) return window.status();
  for (size_t i = window->begin; i < window->end; ++i) *response->add_jobs() = std::move(jobs[i]);
  *response->mutable_pagination() = window->response;
  return Status();
}

Status JobService::Cancel(connectrpc::ServerContext& context,
                          const transcodely::v1::CancelJobRequest& request,
                          transcodely::v1::CancelJobResponse* response) {
  if (Status s = ValidateRequest(request); !s.ok()) return s;
  auto record = LoadOwnJob(context, request.id());
  if (!record.ok()) return record.status();
  int64_t now = NowMillis();
  JobState state = JobStateAt(*record, now);
  bool marked = false;
  if (!IsTerminal(state.status)) {
    auto result = store_->MarkJobCanceled(request.id(), now);
    if (!result.ok()) return Internal("could not cancel the job");
    marked = *result;
  }
  if (marked) changes_->Notify(request.id());
  if (!marked) {
    return MakeError(Code::kFailedPrecondition, "job_not_cancelable",
                     "job " + request.id() + " is already " +
                         StatusWord(JobStateAt(*record, now).status) + " and cannot be canceled");
  }
  auto reloaded = LoadOwnJob(context, request.id());
  if (!reloaded.ok()) return reloaded.status();
  *response->mutable_job() = BuildJob(*reloaded, now);
  return Status();
}

Status JobService::Confirm(connectrpc::ServerContext& context,
                           const transcodely::v1::ConfirmJobRequest& request,
                           transcodely::v1::ConfirmJobResponse* response) {
  if (Status s = ValidateRequest(request); !s.ok()) return s;
  auto record = LoadOwnJob(context, request.id());
  if (!record.ok()) return record.status();
  int64_t now = NowMillis();
  bool marked = false;
  if (JobStateAt(*record, now).status == transcodely::v1::JOB_STATUS_AWAITING_CONFIRMATION) {
    auto result = store_->MarkJobConfirmed(request.id(), now);
    if (!result.ok()) return Internal("could not confirm the job");
    marked = *result;
  }
  if (marked) changes_->Notify(request.id());
  if (!marked) {
    return MakeError(Code::kFailedPrecondition, "job_not_awaiting_confirmation",
                     "job " + request.id() + " is not awaiting confirmation");
  }
  auto reloaded = LoadOwnJob(context, request.id());
  if (!reloaded.ok()) return reloaded.status();
  *response->mutable_job() = BuildJob(*reloaded, now);
  return Status();
}

}  // namespace sandbox
