#include "job_watch.h"

#include <algorithm>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "auth.h"
#include "errors.h"
#include "job_lookup.h"
#include "job_simulation.h"
#include "request_validation.h"
#include "time_util.h"

namespace sandbox {
namespace {

namespace asio = boost::asio;
using connectrpc::Code;
using connectrpc::Status;
using transcodely::v1::WatchEventType;
using transcodely::v1::WatchJobResponse;

// What a waiting watch sleeps on: its timer, which a change of its job cancels early. Used on the
// watch's I/O thread only (the change hub posts there).
struct Wakeup {
  explicit Wakeup(const asio::any_io_executor& executor) : timer(executor) {}
  asio::steady_timer timer;
  bool changed = false;
};

// The hub listener of a watch: called on the thread that changed the job, it wakes the watch on
// the watch's own event loop. It holds the wakeup weakly, so a notification that arrives after
// the watch ended, or is dropped when the server stops, keeps nothing alive.
JobChangeHub::Listener WakeOnChange(const std::shared_ptr<Wakeup>& wakeup,
                                    asio::any_io_executor executor) {
  return [weak = std::weak_ptr<Wakeup>(wakeup), executor = std::move(executor)] {
    asio::post(executor, [weak] {
      if (std::shared_ptr<Wakeup> live = weak.lock()) {
        live->changed = true;
        live->timer.cancel();
      }
    });
  };
}

// The longest sleep between two checks. An absurd heartbeat interval or a far state change
// (--heartbeat_interval_ms 9223372036854775807) would otherwise overflow the wake-up arithmetic
// and the timer's nanoseconds; waking early only means checking again.
constexpr int64_t kMaxSleepMillis = 3'600'000;

// The spacing of checks: job_duration / 20, within [50 ms, 250 ms].
int64_t TickMillis(std::chrono::milliseconds job_duration) {
  return std::clamp<int64_t>(job_duration.count() / 20, 50, 250);
}

// The first check on the grid origin + k * tick that comes after `checked` and not before `due`.
int64_t NextCheck(int64_t origin, int64_t tick, int64_t checked, int64_t due) {
  const int64_t target = std::max(due, checked + 1);
  const int64_t ticks = (std::max<int64_t>(target - origin, 0) + tick - 1) / tick;
  return origin + ticks * tick;
}

Status TooManyWatches(int limit) {
  return MakeError(Code::kResourceExhausted, "too_many_watches",
                   "this API key already has " + std::to_string(limit) +
                       " Watch streams open, the most one key may have at once; close one and "
                       "retry");
}

// Sends `message` (whose job the caller has set) as `event` at `now`.
connectrpc::Task<bool> Send(connectrpc::AsyncServerWriter<WatchJobResponse>& writer,
                            WatchJobResponse& message, WatchEventType event, int64_t now) {
  message.set_event(event);
  *message.mutable_server_time() = MillisToTimestamp(now);
  const bool written = co_await writer.Write(message);
  co_return written;
}

}  // namespace

connectrpc::Task<Status> JobWatchHandler::Watch(
    connectrpc::ServerContext& context, const transcodely::v1::WatchJobRequest& request,
    connectrpc::AsyncServerWriter<WatchJobResponse>& writer) {
  Status valid = ValidateRequest(request);
  if (!valid.ok()) co_return valid;
  const Caller* caller = CallerOf(context);
  if (caller == nullptr) co_return NoCaller();

  // Subscribe before the first read, so that no change after that read goes unnoticed.
  auto wakeup = std::make_shared<Wakeup>(context.executor());
  JobChangeHub::Subscription subscription =
      changes_->Subscribe(request.id(), WakeOnChange(wakeup, context.executor()));
  connectrpc::Result<JobRecord> loaded = LoadOwnJob(*store_, context, request.id());
  if (!loaded.ok()) co_return loaded.status();
  JobRecord record = std::move(*loaded);

  // Hold a slot of the caller's key for the life of the stream.
  std::optional<KeyedLimit::Slot> slot = watches_per_key_.TryAcquire(caller->key_id);
  if (!slot) co_return TooManyWatches(watches_per_key_.limit());

  const int64_t tick = TickMillis(options_.job_duration);
  const int64_t heartbeat = options_.heartbeat_interval.count();
  // The request never changes: parse it once for every view of the job built below.
  transcodely::v1::CreateJobRequest job_request;
  job_request.ParseFromString(record.request);
  int64_t now = NowMillis();
  JobState shown = JobStateAt(record, now);  // status and progress at the last check
  WatchJobResponse message;                  // the last event sent
  *message.mutable_job() = BuildJob(record, job_request, now);
  const bool opened =
      co_await Send(writer, message, transcodely::v1::WATCH_EVENT_TYPE_SNAPSHOT, now);
  if (!opened) co_return Status();
  const int64_t origin = now;
  int64_t checked = now;    // when `shown` was computed
  int64_t last_sent = now;  // when the last event was sent
  for (;;) {
    if (IsTerminal(shown.status)) {
      // The job of the last event: a terminal job's view no longer changes.
      const int64_t end = NowMillis();
      const bool sent =
          co_await Send(writer, message, transcodely::v1::WATCH_EVENT_TYPE_COMPLETED, end);
      (void)sent;  // the stream ends either way
      co_return Status();
    }
    if (!wakeup->changed) {
      // Sleep until the next event that time alone can bring, or until the job changes.
      int64_t due = std::min(SaturatingAdd(last_sent, heartbeat), checked + kMaxSleepMillis);
      if (std::optional<int64_t> change = NextStateChangeAt(record, checked)) {
        due = std::min(due, *change);
      }
      const int64_t wake_at = NextCheck(origin, tick, checked, due);
      wakeup->timer.expires_after(std::chrono::milliseconds(
          std::clamp<int64_t>(wake_at - NowMillis(), 0, kMaxSleepMillis)));
      const bool live = co_await context.AsyncWait(wakeup->timer);
      if (!live) co_return context.CancelledStatus();
    }
    if (wakeup->changed) {
      // Confirm or Cancel changed the stored record: read it again.
      wakeup->changed = false;
      connectrpc::Result<JobRecord> fresh = LoadOwnJob(*store_, context, request.id());
      if (!fresh.ok()) co_return fresh.status();
      record = std::move(*fresh);
    }
    now = NowMillis();
    checked = now;
    const JobState next = JobStateAt(record, now);
    std::optional<WatchEventType> event;
    if (next.status != shown.status) {
      event = transcodely::v1::WATCH_EVENT_TYPE_STATUS_CHANGE;
    } else if (next.progress != shown.progress) {
      event = transcodely::v1::WATCH_EVENT_TYPE_PROGRESS;
    } else if (now - last_sent >= heartbeat) {
      event = transcodely::v1::WATCH_EVENT_TYPE_HEARTBEAT;
    }
    shown = next;
    if (event) {
      *message.mutable_job() = BuildJob(record, job_request, now);
      const bool sent = co_await Send(writer, message, *event, now);
      if (!sent) co_return Status();
      last_sent = now;
    }
  }
}

}  // namespace sandbox
