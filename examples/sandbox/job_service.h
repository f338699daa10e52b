// JobService: Create (validated, idempotent), Get, List, Cancel, Confirm and Watch over
// simulated jobs (job_simulation.h), under the environment rule of auth.h.
#ifndef EXAMPLES_SANDBOX_JOB_SERVICE_H_
#define EXAMPLES_SANDBOX_JOB_SERVICE_H_

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "store.h"
#include "transcodely/v1/job.connect.h"

namespace sandbox {

struct JobServiceOptions {
  // Simulated processing time of a job (pending + processing).
  std::chrono::milliseconds job_duration{4000};
  // Watch sends a heartbeat after this long without other events.
  std::chrono::milliseconds heartbeat_interval{1000};
  // Watches running at once; more are refused with resource_exhausted. Each one holds a handler
  // thread for its whole life, so without a limit a few watches of jobs awaiting confirmation
  // would take every thread and the server could no longer answer anything (not even the
  // Confirm that would end them). 0: no limit.
  int max_concurrent_watches = 0;
};

// The largest accepted idempotency key.
inline constexpr size_t kMaxIdempotencyKeyLength = 128;

class JobService : public transcodely::v1::JobServiceHandler {
 public:
  JobService(std::shared_ptr<Store> store, JobServiceOptions options)
      : store_(std::move(store)), options_(options) {}

  connectrpc::Status Create(connectrpc::ServerContext& context,
                            const transcodely::v1::CreateJobRequest& request,
                            transcodely::v1::CreateJobResponse* response) override;
  connectrpc::Status Get(connectrpc::ServerContext& context,
                         const transcodely::v1::GetJobRequest& request,
                         transcodely::v1::GetJobResponse* response) override;
  connectrpc::Status List(connectrpc::ServerContext& context,
                          const transcodely::v1::ListJobsRequest& request,
                          transcodely::v1::ListJobsResponse* response) override;
  connectrpc::Status Cancel(connectrpc::ServerContext& context,
                            const transcodely::v1::CancelJobRequest& request,
                            transcodely::v1::CancelJobResponse* response) override;
  connectrpc::Status Confirm(connectrpc::ServerContext& context,
                             const transcodely::v1::ConfirmJobRequest& request,
                             transcodely::v1::ConfirmJobResponse* response) override;
  connectrpc::Status Watch(
      connectrpc::ServerContext& context, const transcodely::v1::WatchJobRequest& request,
      connectrpc::ServerWriter<transcodely::v1::WatchJobResponse>& writer) override;

 private:
  // The caller's job `id`: not_found if missing, wrong_environment if of the other one.
  connectrpc::Result<JobRecord> LoadOwnJob(const connectrpc::ServerContext& context,
                                                   const std::string& id);

  std::shared_ptr<Store> store_;
  JobServiceOptions options_;
  std::atomic<int> active_watches_{0};
};

}  // namespace sandbox

#endif  // EXAMPLES_SANDBOX_JOB_SERVICE_H_
