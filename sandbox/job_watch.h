// JobWatchHandler: JobService/Watch as a coroutine handler on the server's I/O threads, so an
// open stream holds no thread and a sandbox serves thousands of them at once.
//
// A watch reads its job from the store once, then computes the job's state from that record and
// the clock (job_simulation.h). It sleeps on one timer until the next event it can expect (the
// next progress step or status change by time, or the heartbeat), and a JobChangeHub wakes it
// when Confirm or Cancel changes the record: only then does it read the store again.
//
// Events, in order: SNAPSHOT first; then, at each check, STATUS_CHANGE if the status differs from
// the last check, else PROGRESS if the progress does, else HEARTBEAT if nothing was sent for
// `heartbeat_interval`; COMPLETED once the job is terminal, and the stream ends. Checks happen on
// a grid of ticks from the start of the watch (job_duration / 20, within [50 ms, 250 ms]), at most
// one per tick, and right away when the record changes.
//
// Each API key may have `max_watches_per_key` streams open at once (JobServiceOptions).
#ifndef CONNECTRPC_SANDBOX_JOB_WATCH_H_
#define CONNECTRPC_SANDBOX_JOB_WATCH_H_

#include <memory>

#include "job_change_hub.h"
#include "job_service.h"
#include "keyed_limit.h"
#include "store.h"
#include "transcodely/v1/job.connect.h"

namespace sandbox {

class JobWatchHandler : public transcodely::v1::JobServiceAsyncHandler {
 public:
  JobWatchHandler(std::shared_ptr<Store> store, std::shared_ptr<JobChangeHub> changes,
                  JobServiceOptions options)
      : store_(std::move(store)),
        changes_(std::move(changes)),
        options_(options),
        watches_per_key_(options.max_watches_per_key) {}

  // Only Watch: register it over the blocking JobService routes with
  // server.Handle(transcodely::v1::kJobServiceWatchMethod, handler, &JobWatchHandler::Watch).
  connectrpc::Task<connectrpc::Status> Watch(
      connectrpc::ServerContext& context, const transcodely::v1::WatchJobRequest& request,
      connectrpc::AsyncServerWriter<transcodely::v1::WatchJobResponse>& writer) override;

 private:
  std::shared_ptr<Store> store_;
  std::shared_ptr<JobChangeHub> changes_;
  JobServiceOptions options_;
  KeyedLimit watches_per_key_;
};

}  // namespace sandbox

#endif  // CONNECTRPC_SANDBOX_JOB_WATCH_H_
