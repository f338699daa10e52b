// JobService: Create (validated, idempotent), Get, List, Cancel and Confirm over simulated jobs
// (job_simulation.h), under the environment rule of auth.h. These are blocking handlers (they
// read and write SQLite) on the server's handler pool; Watch is the coroutine handler of
// job_watch.h on the I/O threads, which Cancel and Confirm wake through the JobChangeHub.
#ifndef CONNECTRPC_SANDBOX_JOB_SERVICE_H_
#define CONNECTRPC_SANDBOX_JOB_SERVICE_H_

#include <chrono>
#include <memory>
#include <string>

#include "job_change_hub.h"
#include "store.h"
#include "transcodely/v1/job.connect.h"

namespace sandbox {

struct JobServiceOptions {
  // Simulated processing time of a job (pending + processing).
  std::chrono::milliseconds job_duration{4000};
  // Watch sends a heartbeat after this long without other events.
  std::chrono::milliseconds heartbeat_interval{1000};
  // Watch streams one API key may have open at once; more are refused with resource_exhausted
  // (ErrorDetails code "too_many_watches"). A stream costs no thread, only a connection and a
  // little memory, so the limit only keeps one key from taking every connection. 0: no limit.
  int max_watches_per_key = 1000;
};

// The largest accepted idempotency key.
inline constexpr size_t kMaxIdempotencyKeyLength = 128;

class JobService : public transcodely::v1::JobServiceHandler {
 public:
  // `changes` hears of every confirmation and cancellation, for the watches of job_watch.h.
  JobService(std::shared_ptr<Store> store, std::shared_ptr<JobChangeHub> changes,
             JobServiceOptions options)
      : store_(std::move(store)), changes_(std::move(changes)), options_(options) {}

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
  // Watch is not overridden here: JobWatchHandler (job_watch.h) serves it.

 private:
  // The caller's job `id`: not_found if missing, wrong_environment if of the other one.
  connectrpc::Result<JobRecord> LoadOwnJob(const connectrpc::ServerContext& context,
                                           const std::string& id);

  std::shared_ptr<Store> store_;
  std::shared_ptr<JobChangeHub> changes_;
  JobServiceOptions options_;
};

}  // namespace sandbox

#endif  // CONNECTRPC_SANDBOX_JOB_SERVICE_H_
