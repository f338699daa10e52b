// connect_client_load: closed-loop load from our generated client, for bench/peers/run.
//
//   connect_client_load --url=http://127.0.0.1:8080 [--mode=blocking|coroutine] [--threads=16]
//                       [--seconds=5 | --calls=20000] [--name=NAME] [--expect=GREETING]
//
// Every worker makes GreetService.Greet calls back to back (one in flight per worker) until the
// duration has passed or the worker's share of --calls is done, then one line is printed:
//
//   mode=blocking workers=16 calls=123456 errors=0 seconds=5.001 calls_per_s=24686.1 p50_us=610.2 p99_us=1410.8
//
// Modes, both on one shared connectrpc::Client:
//   blocking   one thread per worker, each calling the blocking GreetServiceClient::Greet; the
//              calls run on the client's own event loop thread.
//   coroutine  one coroutine per worker, each awaiting GreetAsync(request, use_awaitable), as an
//              Asio program would write it: the program's own io_context, given to the client
//              as ClientOptions::executor and run by the main thread, drives the coroutines and
//              every connection (one thread in all, no hop between threads).
#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <latch>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "connectrpc/client.h"
#include "greet/v1/greet.connect.h"

namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

struct Config {
  std::string url = "http://127.0.0.1:8080";
  std::string mode = "blocking";
  int workers = 16;
  double seconds = 5;
  int64_t calls = 0;  // > 0: a fixed number of calls in total instead of a duration
  std::string name = "peer-bench-name!";
  std::string expect;  // when set, every response's greeting must equal it
};

// What one worker saw: per-call latencies in nanoseconds and failed calls.
struct WorkerStats {
  std::vector<int64_t> latencies_ns;
  int64_t errors = 0;
  std::string first_error;
};

struct Report {
  std::vector<WorkerStats> workers;
  double seconds = 0;  // from the common start until the last worker stopped
};

// What every mode does around one call: when to stop, the latency, the check of the answer.
class Worker {
 public:
  Worker(const Config& config, int64_t share, Clock::time_point deadline, WorkerStats& stats)
      : config_(config), share_(share), deadline_(deadline), stats_(stats) {
    stats_.latencies_ns.reserve(share > 0 ? static_cast<size_t>(share) : 1u << 16);
  }

  // True while the worker's share of calls is not done and the deadline has not passed; then
  // the next call starts now.
  bool Next() {
    if (share_ > 0 ? done_ >= share_ : Clock::now() >= deadline_) return false;
    ++done_;
    start_ = Clock::now();
    return true;
  }
  void Done(const connectrpc::Result<greet::v1::GreetResponse>& response) {
    const auto end = Clock::now();
    std::string error;
    if (!response.ok()) {
      error = response.status().ToString();
    } else if (!config_.expect.empty() && response->greeting() != config_.expect) {
      error = "unexpected greeting \"" + response->greeting() + "\"";
    }
    if (!error.empty()) {
      if (stats_.errors++ == 0) stats_.first_error = std::move(error);
      return;
    }
    stats_.latencies_ns.push_back(
        std::chrono::duration_cast<std::chrono::nanoseconds>(end - start_).count());
  }

 private:
  const Config& config_;
  const int64_t share_;
  const Clock::time_point deadline_;
  WorkerStats& stats_;
  int64_t done_ = 0;
  Clock::time_point start_;
};

int64_t ShareOf(const Config& config, int worker) {
  if (config.calls <= 0) return 0;
  return config.calls / config.workers + (worker < config.calls % config.workers ? 1 : 0);
}

// One keep-alive connection per worker, on `executor` (empty: the client's own loop).
std::shared_ptr<connectrpc::Client> MakeClient(const Config& config,
                                               asio::any_io_executor executor) {
  connectrpc::ClientOptions options;
  options.transport_options.max_idle_connections = static_cast<size_t>(config.workers);
  options.executor = std::move(executor);
  auto client = connectrpc::Client::Create(config.url, std::move(options));
  if (!client.ok()) {
    std::cerr << "connect_client_load: " << client.status().ToString() << "\n";
    std::exit(1);
  }
  return *client;
}

Clock::time_point DeadlineFrom(Clock::time_point start, const Config& config) {
  return start + std::chrono::duration_cast<Clock::duration>(
                     std::chrono::duration<double>(config.seconds));
}

Report RunBlocking(const Config& config) {
  std::shared_ptr<connectrpc::Client> client = MakeClient(config, {});
  greet::v1::GreetServiceClient greeter(client);
  greet::v1::GreetRequest request;
  request.set_name(config.name);

  Report report;
  report.workers.resize(static_cast<size_t>(config.workers));
  std::latch ready(config.workers + 1);
  Clock::time_point start, deadline;
  std::vector<std::thread> threads;
  for (int i = 0; i < config.workers; ++i) {
    threads.emplace_back([&, i] {
      ready.arrive_and_wait();
      Worker worker(config, ShareOf(config, i), deadline, report.workers[static_cast<size_t>(i)]);
      while (worker.Next()) worker.Done(greeter.Greet(request));
    });
  }
  start = Clock::now();
  deadline = DeadlineFrom(start, config);
  ready.arrive_and_wait();  // publishes start and deadline to the workers
  for (auto& thread : threads) thread.join();
  report.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return report;
}

// A function template, not a coroutine lambda (see docs/architecture.md on GCC 12).
asio::awaitable<void> CoroutineWorker(greet::v1::GreetServiceClient& greeter,
                                      const greet::v1::GreetRequest& request, Worker& worker) {
  while (worker.Next()) {
    connectrpc::Result<greet::v1::GreetResponse> response =
        co_await greeter.GreetAsync(request, asio::use_awaitable);
    worker.Done(response);
  }
}

Report RunCoroutine(const Config& config) {
  asio::io_context io_context(1);  // one thread runs it: no locking inside Asio
  Report report;
  report.workers.resize(static_cast<size_t>(config.workers));
  {
    auto greeter = std::make_unique<greet::v1::GreetServiceClient>(
        MakeClient(config, io_context.get_executor()));
    greet::v1::GreetRequest request;
    request.set_name(config.name);
    const Clock::time_point start = Clock::now();
    const Clock::time_point deadline = DeadlineFrom(start, config);
    std::vector<std::unique_ptr<Worker>> workers;
    for (int i = 0; i < config.workers; ++i) {
      workers.push_back(std::make_unique<Worker>(config, ShareOf(config, i), deadline,
                                                 report.workers[static_cast<size_t>(i)]));
      asio::co_spawn(io_context, CoroutineWorker(*greeter, request, *workers.back()),
                     [](std::exception_ptr error) {
                       if (error) std::rethrow_exception(error);
                     });
    }
    io_context.run();  // returns when every worker is done (idle connections are no work)
    report.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  }
  // The client is gone: let its shutdown close the idle connections.
  io_context.restart();
  io_context.run();
  return report;
}

using Runner = Report (*)(const Config&);
const std::map<std::string, Runner, std::less<>> kModes = {
    {"blocking", RunBlocking},
    {"coroutine", RunCoroutine},
};

double PercentileUs(const std::vector<int64_t>& sorted, double p) {
  if (sorted.empty()) return 0;
  auto index = static_cast<size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5);
  return static_cast<double>(sorted[std::min(index, sorted.size() - 1)]) / 1000.0;
}

bool Flag(std::string_view arg, std::string_view name, std::string* value) {
  if (arg.size() < name.size() + 3 || arg.substr(0, 2) != "--" ||
      arg.substr(2, name.size()) != name || arg[2 + name.size()] != '=') {
    return false;
  }
  *value = std::string(arg.substr(3 + name.size()));
  return true;
}

[[noreturn]] void Usage(std::string_view why) {
  std::cerr << "connect_client_load: " << why
            << "\nusage: connect_client_load --url=URL [--mode=blocking|coroutine] [--threads=N]"
               " [--seconds=S | --calls=N] [--name=NAME] [--expect=GREETING]\n";
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  Config config;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    std::string value;
    if (Flag(arg, "url", &value)) {
      config.url = value;
    } else if (Flag(arg, "mode", &value)) {
      config.mode = value;
    } else if (Flag(arg, "threads", &value)) {
      config.workers = std::atoi(value.c_str());
    } else if (Flag(arg, "seconds", &value)) {
      config.seconds = std::atof(value.c_str());
    } else if (Flag(arg, "calls", &value)) {
      config.calls = std::atoll(value.c_str());
    } else if (Flag(arg, "name", &value)) {
      config.name = value;
    } else if (Flag(arg, "expect", &value)) {
      config.expect = value;
    } else {
      Usage("unknown argument " + std::string(arg));
    }
  }
  if (config.workers <= 0) Usage("--threads must be positive");
  if (config.calls <= 0 && config.seconds <= 0) Usage("--seconds or --calls must be positive");
  auto mode = kModes.find(config.mode);
  if (mode == kModes.end()) Usage("unknown --mode " + config.mode + " (available: blocking, coroutine)");

  Report report = mode->second(config);

  std::vector<int64_t> all;
  int64_t errors = 0;
  std::string first_error;
  for (auto& worker : report.workers) {
    all.insert(all.end(), worker.latencies_ns.begin(), worker.latencies_ns.end());
    if (worker.errors > 0 && first_error.empty()) first_error = worker.first_error;
    errors += worker.errors;
  }
  std::sort(all.begin(), all.end());
  std::printf(
      "mode=%s workers=%d calls=%zu errors=%lld seconds=%.3f calls_per_s=%.1f p50_us=%.1f "
      "p99_us=%.1f\n",
      config.mode.c_str(), config.workers, all.size(), static_cast<long long>(errors),
      report.seconds, static_cast<double>(all.size()) / report.seconds, PercentileUs(all, 0.50),
      PercentileUs(all, 0.99));
  if (errors > 0) {
    std::cerr << "connect_client_load: " << errors << " failed calls, first: " << first_error
              << "\n";
    return 1;
  }
  return 0;
}
