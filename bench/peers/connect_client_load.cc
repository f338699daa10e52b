// connect_client_load: closed-loop load from our generated client, for bench/peers/run.
//
//   connect_client_load --url=http://127.0.0.1:8080 [--mode=blocking] [--threads=16]
//                       [--seconds=5 | --calls=20000] [--name=NAME] [--expect=GREETING]
//
// Every worker makes GreetService.Greet calls back to back (one in flight per worker) until the
// duration has passed or the worker's share of --calls is done, then one line is printed:
//
//   mode=blocking workers=16 calls=123456 errors=0 seconds=5.001 calls_per_s=24686.1 p50_us=610.2 p99_us=1410.8
//
// Modes: "blocking" runs one thread per worker, each calling the blocking
// GreetServiceClient::Greet on one shared connectrpc::Client. A later "coroutine" mode (workers as
// coroutines on an asynchronous API) plugs in as another entry of kModes below with the same
// Config and Report.
#include <algorithm>
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

// The loop shared by every mode: keeps calling `call` (returns an error text, empty on success)
// until the worker's share of calls is done or the deadline has passed.
template <typename Call>
void WorkerLoop(int64_t share, Clock::time_point deadline, WorkerStats& stats, Call&& call) {
  stats.latencies_ns.reserve(share > 0 ? static_cast<size_t>(share) : 1u << 16);
  for (int64_t done = 0;; ++done) {
    if (share > 0 ? done >= share : Clock::now() >= deadline) break;
    const auto start = Clock::now();
    std::string error = call();
    const auto end = Clock::now();
    if (!error.empty()) {
      if (stats.errors++ == 0) stats.first_error = std::move(error);
      continue;
    }
    stats.latencies_ns.push_back(
        std::chrono::duration_cast<std::chrono::nanoseconds>(end - start).count());
  }
}

int64_t ShareOf(const Config& config, int worker) {
  if (config.calls <= 0) return 0;
  return config.calls / config.workers + (worker < config.calls % config.workers ? 1 : 0);
}

Report RunBlocking(const Config& config) {
  connectrpc::ClientOptions options;
  options.transport_options.max_idle_connections = static_cast<size_t>(config.workers);
  auto client = connectrpc::Client::Create(config.url, options);
  if (!client.ok()) {
    std::cerr << "connect_client_load: " << client.status().ToString() << "\n";
    std::exit(1);
  }
  greet::v1::GreetServiceClient greeter(*client);
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
      WorkerLoop(ShareOf(config, i), deadline, report.workers[static_cast<size_t>(i)],
                 [&]() -> std::string {
                   auto response = greeter.Greet(request);
                   if (!response.ok()) return response.status().ToString();
                   if (!config.expect.empty() && response->greeting() != config.expect) {
                     return "unexpected greeting \"" + response->greeting() + "\"";
                   }
                   return {};
                 });
    });
  }
  start = Clock::now();
  deadline = start + std::chrono::duration_cast<Clock::duration>(
                         std::chrono::duration<double>(config.seconds));
  ready.arrive_and_wait();  // publishes start and deadline to the workers
  for (auto& thread : threads) thread.join();
  report.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return report;
}

using Runner = Report (*)(const Config&);
const std::map<std::string, Runner, std::less<>> kModes = {
    {"blocking", RunBlocking},
    // {"coroutine", RunCoroutine},  // once the asynchronous client API exists
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
            << "\nusage: connect_client_load --url=URL [--mode=blocking] [--threads=N]"
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
  if (mode == kModes.end()) Usage("unknown --mode " + config.mode + " (available: blocking)");

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
