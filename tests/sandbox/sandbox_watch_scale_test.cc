// 10,000 concurrent Watch streams on one transcodely-sandbox process (the built binary, so that
// its 10,000 server sockets and this process's 10,000 client sockets each fit in a process's
// file limit). The streams are opened with the asynchronous client on one event loop; each gets
// its SNAPSHOT. While they are all open, normal unary calls are answered and the sandbox's thread
// count stays what it was before the first stream. Cancelling half of the jobs and confirming the
// other half (which then run to completion) ends every stream cleanly with COMPLETED.
//
// Nothing here asserts a duration; the waits have generous hang guards. The latency of the normal
// calls made during the 10,000 streams is printed.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <memory>
#include <mutex>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "connectrpc/client.h"
#include "sandbox_process.h"
#include "transcodely/v1/health.connect.h"
#include "transcodely/v1/job.connect.h"

namespace sandbox::testing {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using transcodely::v1::WatchEventType;

constexpr int kStreams = 10'000;
constexpr int kJobs = 100;
// Streams being opened at once (the rest wait for one of these to get its SNAPSHOT), so the
// connection burst stays within the listen backlog.
constexpr int kOpening = 256;

// Raises this process's open-file limit to the hard limit (children inherit it); returns it.
rlim_t RaiseFileLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
  limit.rlim_cur = limit.rlim_max;
  if (setrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
  return limit.rlim_cur;
}

// The "Threads:" line of /proc/<pid>/status; -1 if unreadable.
int ThreadsOf(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with("Threads:")) return std::stoi(line.substr(8));
  }
  return -1;
}

connectrpc::CallOptions As(const std::string& key, std::chrono::milliseconds timeout) {
  connectrpc::CallOptions options;
  options.headers.Add("Authorization", "Bearer " + key);
  options.timeout = timeout;
  return options;
}

// How the streams are doing.
struct Tally {
  int opened = 0;         // got their SNAPSHOT
  int failed_open = 0;    // ended before a SNAPSHOT
  int ended = 0;          // ended after their SNAPSHOT
  int ended_cleanly = 0;  // ... with an OK status, COMPLETED last
  std::string first_problem;
};

// Opens the streams and follows each to its end, on the client's event loop; the test thread
// reads the tally. Shared with the watch coroutines, so it outlives them.
class Streams : public std::enable_shared_from_this<Streams> {
 public:
  Streams(transcodely::v1::JobServiceClient jobs, asio::any_io_executor executor,
          std::vector<std::string> job_ids, std::string key)
      : jobs_(std::move(jobs)),
        executor_(std::move(executor)),
        job_ids_(std::move(job_ids)),
        key_(std::move(key)) {}

  // Opens the first kOpening streams; each later one starts when an earlier one has opened.
  void Start() {
    asio::post(executor_, [self = shared_from_this()] {
      for (int i = 0; i < kOpening; ++i) self->OpenNext();
    });
  }

  // Waits (at most `guard`) until `done(tally)` holds; returns the tally then.
  template <typename Predicate>
  Tally WaitFor(std::chrono::seconds guard, Predicate done) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, guard, [&] { return done(tally_); });
    return tally_;
  }

 private:
  void OpenNext() {
    if (next_ >= kStreams) return;
    const int index = next_++;
    transcodely::v1::WatchJobRequest request;
    request.set_id(job_ids_[static_cast<size_t>(index) % job_ids_.size()]);
    asio::co_spawn(executor_, Watch(shared_from_this(), std::move(request)), asio::detached);
  }

  static asio::awaitable<void> Watch(std::shared_ptr<Streams> self,
                                     transcodely::v1::WatchJobRequest request) {
    const connectrpc::CallOptions options = As(self->key_, 120s);  // a hang guard only
    connectrpc::AsyncServerStream<transcodely::v1::WatchJobResponse> stream =
        self->jobs_.WatchAsync(request, options);
    std::optional<transcodely::v1::WatchJobResponse> first =
        co_await stream.Read(asio::use_awaitable);
    const bool snapshot =
        first.has_value() && first->event() == transcodely::v1::WATCH_EVENT_TYPE_SNAPSHOT;
    self->Record([&](Tally& tally) {
      if (snapshot) {
        ++tally.opened;
      } else {
        ++tally.failed_open;
        Problem(tally, "no snapshot: " + stream.status().ToString());
      }
    });
    self->OpenNext();
    if (!snapshot) co_return;
    WatchEventType last = first->event();
    for (;;) {
      std::optional<transcodely::v1::WatchJobResponse> message =
          co_await stream.Read(asio::use_awaitable);
      if (!message) break;
      last = message->event();
    }
    const bool clean =
        stream.status().ok() && last == transcodely::v1::WATCH_EVENT_TYPE_COMPLETED;
    self->Record([&](Tally& tally) {
      ++tally.ended;
      if (clean) {
        ++tally.ended_cleanly;
      } else {
        Problem(tally, "unclean end: " + stream.status().ToString() + " after event " +
                           transcodely::v1::WatchEventType_Name(last));
      }
    });
  }

  template <typename Change>
  void Record(Change change) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      change(tally_);
    }
    cv_.notify_all();
  }
  static void Problem(Tally& tally, std::string text) {
    if (tally.first_problem.empty()) tally.first_problem = std::move(text);
  }

  transcodely::v1::JobServiceClient jobs_;
  asio::any_io_executor executor_;
  std::vector<std::string> job_ids_;
  std::string key_;
  int next_ = 0;  // used on the loop only
  std::mutex mu_;
  std::condition_variable cv_;
  Tally tally_;
};

// Stops the sandbox process when the test leaves early.
struct StopOnExit {
  ~StopOnExit() {
    if (process->pid > 0) Stop(*process);
  }
  Process* process;
};

TEST(SandboxWatchScaleTest, TenThousandStreamsOnBoundedThreads) {
  const rlim_t files = RaiseFileLimit();
  ASSERT_GE(files, static_cast<rlim_t>(kStreams + 1000))
      << "the open-file hard limit is too low for " << kStreams << " streams";

  // Heartbeats every 30 s: at the default second, 10,000 idle streams are 10,000 messages a
  // second through loopback TCP, which is a measure of the machine rather than of the streams.
  Process sandbox = Launch({"--listen=127.0.0.1:0", "--data=:memory:", "--job_duration_ms=100",
                            "--heartbeat_interval_ms=30000", "--max_watches_per_key=0"});
  ASSERT_GT(sandbox.pid, 0);
  StopOnExit stop_on_exit{&sandbox};
  std::smatch match;
  const std::regex shape(R"re("listen":"([^"]+)".*"test_key":"([^"]+)")re");
  ASSERT_TRUE(std::regex_search(sandbox.first_line, match, shape)) << sandbox.first_line;
  const std::string base_url = match[1].str();
  const std::string key = match[2].str();
  const int threads_before = ThreadsOf(sandbox.pid);

  // Normal calls go through their own client (and event loop).
  auto control_client = connectrpc::Client::Create(base_url);
  ASSERT_TRUE(control_client.ok()) << control_client.status().ToString();
  transcodely::v1::JobServiceClient control(*control_client);
  transcodely::v1::HealthServiceClient health(*control_client);
  std::vector<std::string> job_ids;
  for (int i = 0; i < kJobs; ++i) {
    transcodely::v1::CreateJobRequest create;
    create.set_input_url("https://example.com/in.mp4");
    create.set_managed(true);
    create.set_delayed_start(true);  // awaits confirmation: its watches stay open
    transcodely::v1::OutputSpec* output = create.add_outputs();
    output->set_type(transcodely::v1::OUTPUT_FORMAT_HLS);
    transcodely::v1::VideoVariant* video = output->add_video();
    video->set_codec(transcodely::v1::VIDEO_CODEC_H264);
    video->set_resolution(transcodely::v1::RESOLUTION_1080P);
    auto created = control.Create(create, As(key, 10s));
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    job_ids.push_back(created->job().id());
  }

  // Every stream on one client, one event loop.
  auto watch_client = connectrpc::Client::Create(base_url);
  ASSERT_TRUE(watch_client.ok()) << watch_client.status().ToString();
  transcodely::v1::JobServiceClient watch_jobs(*watch_client);
  auto streams = std::make_shared<Streams>(watch_jobs, (*watch_client)->executor(), job_ids, key);
  const auto open_started = std::chrono::steady_clock::now();
  streams->Start();
  Tally tally = streams->WaitFor(
      120s, [](const Tally& t) { return t.opened + t.failed_open == kStreams; });
  const auto open_took = std::chrono::steady_clock::now() - open_started;
  ASSERT_EQ(tally.opened, kStreams) << tally.first_problem;

  // While all of them are open: normal calls, and the sandbox's threads.
  const int threads_during = ThreadsOf(sandbox.pid);
  std::vector<double> latencies_ms;
  for (int i = 0; i < 20; ++i) {
    transcodely::v1::GetJobRequest get;
    get.set_id(job_ids[static_cast<size_t>(i)]);
    const auto started = std::chrono::steady_clock::now();
    auto got = control.Get(get, As(key, 10s));
    const auto took = std::chrono::steady_clock::now() - started;
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(got->job().status(), transcodely::v1::JOB_STATUS_AWAITING_CONFIRMATION);
    latencies_ms.push_back(std::chrono::duration<double, std::milli>(took).count());
  }
  const auto health_started = std::chrono::steady_clock::now();
  auto healthy = health.Check(transcodely::v1::HealthCheckRequest(), As(key, 10s));
  const auto health_took = std::chrono::steady_clock::now() - health_started;
  EXPECT_TRUE(healthy.ok()) << healthy.status().ToString();
  tally = streams->WaitFor(0s, [](const Tally&) { return true; });
  EXPECT_EQ(tally.ended, 0) << "streams ended early: " << tally.first_problem;

  std::sort(latencies_ms.begin(), latencies_ms.end());
  std::printf(
      "[ watch-scale ] %d streams open in %.1f s; sandbox threads before %d, during %d\n"
      "[ watch-scale ] JobService/Get during the streams: median %.2f ms, max %.2f ms (n=%zu); "
      "HealthService/Check %.2f ms\n",
      kStreams, std::chrono::duration<double>(open_took).count(), threads_before, threads_during,
      latencies_ms[latencies_ms.size() / 2], latencies_ms.back(), latencies_ms.size(),
      std::chrono::duration<double, std::milli>(health_took).count());
  std::fflush(stdout);
  ::testing::Test::RecordProperty("threads_during", threads_during);

  // Bounded threads: none per stream.
  EXPECT_GT(threads_before, 0);
  EXPECT_LE(threads_during, threads_before + 2);
  EXPECT_LE(threads_during, 32);

  // End every stream: cancel half of the jobs, confirm the others (they then run to completion).
  const auto end_started = std::chrono::steady_clock::now();
  for (int i = 0; i < kJobs; ++i) {
    const std::string& id = job_ids[static_cast<size_t>(i)];
    if (i % 2 == 0) {
      transcodely::v1::CancelJobRequest cancel;
      cancel.set_id(id);
      auto canceled = control.Cancel(cancel, As(key, 10s));
      ASSERT_TRUE(canceled.ok()) << canceled.status().ToString();
    } else {
      transcodely::v1::ConfirmJobRequest confirm;
      confirm.set_id(id);
      auto confirmed = control.Confirm(confirm, As(key, 10s));
      ASSERT_TRUE(confirmed.ok()) << confirmed.status().ToString();
    }
  }
  tally = streams->WaitFor(120s, [](const Tally& t) { return t.ended == kStreams; });
  EXPECT_EQ(tally.ended, kStreams);
  EXPECT_EQ(tally.ended_cleanly, kStreams) << tally.first_problem;
  std::printf("[ watch-scale ] all %d streams ended in %.1f s (%d cleanly, with COMPLETED)\n",
              tally.ended, std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                                         end_started).count(),
              tally.ended_cleanly);
  EXPECT_LE(ThreadsOf(sandbox.pid), threads_before + 2);
  EXPECT_EQ(Stop(sandbox), 0);
  sandbox.pid = -1;
}

}  // namespace
}  // namespace sandbox::testing
