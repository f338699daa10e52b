// soak_driver: drives a running transcodely-sandbox with a long mix of valid calls and abuse
// (tests/soak/run.sh starts the sandbox and runs this), and checks that the server stays well:
// every valid call succeeds, every invalid one is refused or closed within a bound, a probe's
// latency stays low, RSS stays near its plateau and file descriptors return to their baseline.
//
//   SOAK_LIVE_KEY=ak_live_… SOAK_TEST_KEY=ak_test_… soak_driver --port P --pid PID
//       [--requests N] [--concurrency C]
//
// The keys come from the environment so that they do not show in process listings.
#include <algorithm>
#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "soak_http.h"
#include "soak_mix.h"

namespace soak {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr int kPhases = 10;
constexpr int kSetupJobsPerKey = 64;
constexpr double kP99LimitMs = 50.0;
constexpr double kRssSlack = 0.10;
constexpr int kFdSlack = 2;

struct Options {
  uint16_t port = 0;
  int pid = 0;
  uint64_t requests = 50'000;
  int concurrency = 256;
  int probe_interval_ms = 10;
  int bound_ms = 15'000;
  uint64_t seed = 1;
};

struct KindStats {
  uint64_t count = 0;
  uint64_t failures = 0;
  std::vector<float> ms;
};

// State shared by the workers (all on one thread) and read by the probe and sampler threads.
struct Run {
  Options options;
  tcp::endpoint endpoint;
  std::string bearer[2];             // "Bearer <key>": live, test
  std::vector<std::string> jobs[2];  // jobs created in setup, per key
  std::vector<std::string> idempotency[2];
  std::string gzip_bomb;
  std::string big_message;
  std::atomic<uint64_t> next{0};
  std::atomic<uint64_t> done{0};
  std::array<KindStats, kKinds.size()> stats{};
  std::vector<std::string> failure_samples;
  uint64_t failures_total = 0;
  bool setup_ok = false;

  int Phase() const {
    const uint64_t d = done.load(std::memory_order_relaxed);
    return static_cast<int>(std::min<uint64_t>(kPhases - 1, d * kPhases / options.requests));
  }
  milliseconds Bound() const { return milliseconds(options.bound_ms); }
};

std::string Describe(const Reply& r) {
  std::string s = r.timed_out ? "timed out" : r.closed ? "closed" : "answered";
  if (r.got_head) s += ", HTTP " + std::to_string(r.status);
  if (r.data_messages > 0 || r.end_stream) {
    s += ", " + std::to_string(r.data_messages) + " messages";
    if (r.end_stream) s += r.end_stream_error ? ", end-stream error" : ", end-stream ok";
  }
  std::string body = r.body.substr(0, 160);
  for (char& c : body) {
    if (static_cast<unsigned char>(c) < 0x20) c = '.';
  }
  if (!body.empty()) s += ", body " + body;
  return s;
}

bool Judge(Kind kind, const Reply& r) {
  if (r.timed_out) return false;
  switch (Info(kind).expect) {
    case Expect::kSuccess:
      if (r.closed || r.status != 200) return false;
      if (kind == Kind::kWatch) return r.data_messages >= 1 && !r.end_stream_error;
      return !r.body.empty() || kind == Kind::kHealthProto;
    case Expect::kRefused: {
      if (r.closed) return true;
      const char* code = Info(kind).code;
      if (code != nullptr &&
          r.body.find(std::string("\"code\":\"") + code + "\"") == std::string::npos) {
        return false;
      }
      if (r.got_head && r.status != 200) return true;
      return r.status == 200 && r.end_stream_error && r.data_messages == 0;
    }
    case Expect::kUnauthenticated:
      return r.closed || r.status == 401;
    case Expect::kNothing:
      return true;
  }
  return false;
}

asio::awaitable<void> Sleep(milliseconds d) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  timer.expires_after(d);
  beast::error_code ec;
  co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
}

// Connects `c` for the request `reply` records; a refused connection counts as a close.
asio::awaitable<bool> ConnectFor(Run& run, Connection& c, Reply& reply) {
  const bool connected = co_await Connect(c, run.endpoint, run.Bound());
  if (!connected) reply.closed = true;
  co_return connected;
}

// One exchange on a fresh connection: connect, write, read (a stream for Watch), close.
asio::awaitable<void> Fresh(Run& run, const std::string& bytes, bool stream, Reply& reply) {
  auto executor = co_await asio::this_coro::executor;
  Connection c(executor);
  const bool connected = co_await ConnectFor(run, c, reply);
  if (!connected) co_return;
  co_await WriteAll(c, bytes, run.Bound(),
                    reply);  // a refusal may close before the body is written
  if (stream) {
    co_await ReadStream(c, reply, 2, run.Bound());
  } else {
    co_await ReadResponse(c, reply, run.Bound());
  }
  Close(c, false);
}

// One exchange on the worker's keep-alive connection, reopened when the server closed it.
asio::awaitable<void> KeepAlive(Run& run, Connection& c, const std::string& bytes, Reply& reply) {
  if (!c.open) {
    const bool connected = co_await ConnectFor(run, c, reply);
    if (!connected) co_return;
  }
  const bool written = co_await WriteAll(c, bytes, run.Bound(), reply);
  if (written) co_await ReadResponse(c, reply, run.Bound());
  if (!written) reply.closed = true;
  if (!reply.keep_alive) Close(c, false);
}

// Writes part of a request, then drops the connection (half the time with a RST).
asio::awaitable<void> Abort(Run& run, const std::string& bytes, size_t keep, bool reset) {
  auto executor = co_await asio::this_coro::executor;
  Connection c(executor);
  const bool connected = co_await Connect(c, run.endpoint, run.Bound());
  if (!connected) co_return;
  const std::string part = bytes.substr(0, keep);
  Reply ignored;  // nothing is expected of an aborted request
  co_await WriteAll(c, part, run.Bound(), ignored);
  Close(c, reset);
}

struct Worker {
  explicit Worker(const asio::any_io_executor& executor, uint64_t seed)
      : keep(executor), rng(seed) {}
  Connection keep;
  std::mt19937_64 rng;
};

std::string GetBody(const std::string& job) { return "{\"id\":\"" + job + "\"}"; }

asio::awaitable<void> Execute(Run& run, Worker& w, Kind kind, Reply& reply) {
  const int k = static_cast<int>(w.rng() % 2);
  const std::vector<std::string>& jobs = run.jobs[k];
  const std::string& job = jobs[w.rng() % jobs.size()];
  Head head;
  head.path = std::string(kJobs) + "Get";
  head.authorization = run.bearer[k];
  const uint64_t variant = w.rng();
  std::string bytes;
  switch (kind) {
    case Kind::kGetJson:
      bytes = Request(head, GetBody(job));
      co_await KeepAlive(run, w.keep, bytes, reply);
      break;
    case Kind::kGetProto:
      head.content_type = "application/proto";
      bytes = Request(head, ProtoId(job));
      co_await KeepAlive(run, w.keep, bytes, reply);
      break;
    case Kind::kListJson:
      head.path = std::string(kJobs) + "List";
      bytes = Request(head, "{\"pagination\":{\"limit\":10}}");
      co_await KeepAlive(run, w.keep, bytes, reply);
      break;
    case Kind::kCreateJson: {
      const int i = static_cast<int>(variant % kSetupJobsPerKey);
      const std::string& key = run.idempotency[k][i];
      head.path = std::string(kJobs) + "Create";
      head.extra = "Idempotency-Key: " + key + "\r\n";
      bytes = Request(head, CreateBody(key, i));
      co_await KeepAlive(run, w.keep, bytes, reply);
      break;
    }
    case Kind::kHealthProto:
      head.path = "/transcodely.v1.HealthService/Check";
      head.content_type = "application/proto";
      bytes = Request(head, "");
      co_await KeepAlive(run, w.keep, bytes, reply);
      break;
    case Kind::kGzipGetJson:
      head.extra = "Content-Encoding: gzip\r\n";
      bytes = Request(head, Gzip(GetBody(job)));
      co_await KeepAlive(run, w.keep, bytes, reply);
      break;
    case Kind::kWatch:
      head.path = std::string(kJobs) + "Watch";
      head.content_type = "application/connect+json";
      bytes = Request(head, Envelope(0, GetBody(job)));
      co_await Fresh(run, bytes, true, reply);
      break;
    case Kind::kSlowWriter: {
      // The head at once, then the body a few bytes at a time.
      const std::string body = GetBody(job);
      bytes = Request(head, body);
      const std::string head_bytes = bytes.substr(0, bytes.size() - body.size());
      auto executor = co_await asio::this_coro::executor;
      Connection c(executor);
      const bool connected = co_await ConnectFor(run, c, reply);
      if (!connected) break;
      co_await WriteAll(c, head_bytes, run.Bound(), reply);
      const size_t step = (body.size() + 7) / 8;
      for (size_t at = 0; at < body.size(); at += step) {
        co_await Sleep(milliseconds(40));
        const std::string piece = body.substr(at, step);
        co_await WriteAll(c, piece, run.Bound(), reply);
      }
      co_await ReadResponse(c, reply, run.Bound());
      Close(c, false);
      break;
    }
    case Kind::kSlowReader: {
      head.path = std::string(kJobs) + "List";
      bytes = Request(head, "{\"pagination\":{\"limit\":100}}");
      auto executor = co_await asio::this_coro::executor;
      Connection c(executor);
      const bool connected = co_await ConnectFor(run, c, reply);
      if (!connected) break;
      co_await WriteAll(c, bytes, run.Bound(), reply);
      co_await Sleep(milliseconds(500));
      co_await ReadResponse(c, reply, run.Bound());
      Close(c, false);
      break;
    }
    case Kind::kMalformedJson: {
      static const std::vector<std::string> kBodies = {"{\"id\":",
                                                       "nope",
                                                       "{\"id\":\"job_x\"}}",
                                                       "{\"id\":\"\xff\xfe\"}",
                                                       "[1,2]",
                                                       "{\"id\":" + std::string(100'000, '['),
                                                       "{\"id\":123}",
                                                       ""};
      bytes = Request(head, kBodies[variant % kBodies.size()]);
      co_await Fresh(run, bytes, false, reply);
      break;
    }
    case Kind::kMalformedProto: {
      static const std::vector<std::string> kBodies = {std::string("\x0a\xff\xff\xff\xff\x0f", 6),
                                                       std::string("\x0a\x05"
                                                                   "ab",
                                                                   4),
                                                       std::string("\xff\xff\xff", 3),
                                                       std::string("\x0a\x03\xff\xfe\xfd", 5),
                                                       std::string("\x0f", 1),
                                                       std::string(64, '\x0a')};
      head.content_type = "application/proto";
      bytes = Request(head, kBodies[variant % kBodies.size()]);
      co_await Fresh(run, bytes, false, reply);
      break;
    }
    case Kind::kBadEnvelope: {
      const std::string payload = GetBody(job);
      std::string body;
      switch (variant % 6) {
        case 0:  // declares more than it carries
          body = Envelope(0, payload).substr(0, 5) + payload.substr(0, 4);
          break;
        case 1:  // not even a whole prefix
          body = std::string("\0\0\0", 3);
          break;
        case 2:  // declares 4 GiB
          body = std::string("\0\xff\xff\xff\xff", 5) + payload;
          break;
        case 3:  // two messages for a server-streaming call
          body = Envelope(0, payload) + Envelope(0, payload);
          break;
        case 4:  // not JSON
          body = Envelope(0, "nope");
          break;
        default:  // "compressed" without a Connect-Content-Encoding
          body = Envelope(1, payload);
          break;
      }
      head.path = std::string(kJobs) + "Watch";
      head.content_type = "application/connect+json";
      bytes = Request(head, body);
      co_await Fresh(run, bytes, true, reply);
      break;
    }
    case Kind::kMissingKey:
      head.authorization.clear();
      bytes = Request(head, GetBody(job));
      co_await Fresh(run, bytes, false, reply);
      break;
    case Kind::kBadKey: {
      static const std::vector<std::string> kValues = {
          "Bearer ak_live_0123456789abcdef0123456789abcdef", "Bearer garbage",
          "Basic Zm9vOmJhcg==", "Bearer ", "Bearer ak_test_"};
      head.authorization = kValues[variant % kValues.size()];
      bytes = Request(head, GetBody(job));
      co_await Fresh(run, bytes, false, reply);
      break;
    }
    case Kind::kBadHeaderSyntax: {
      static const std::vector<std::string> kLines = {
          std::string("X-Soak: a\rb\r\n"),      std::string("X-Soak: a\0b\r\n", 13),
          std::string("Bad Name: x\r\n"),       std::string("NoColon\r\n"),
          std::string("Content-Length: 3\r\n"), std::string("X-Soak\r\n: b\r\n")};
      head.extra = kLines[variant % kLines.size()];
      bytes = Request(head, GetBody(job));
      co_await Fresh(run, bytes, false, reply);
      break;
    }
    case Kind::kOversizedHeader:
      head.extra = "X-Pad: " + std::string(20 << 10, 'a') + "\r\n";
      bytes = Request(head, GetBody(job));
      co_await Fresh(run, bytes, false, reply);
      break;
    case Kind::kOversizedBody: {
      bytes = Request(head, "");
      bytes.resize(bytes.size() - 4 - 1);  // drop "0\r\n\r\n"
      bytes += "100000000\r\n\r\n" + std::string(64 << 10, ' ');
      co_await Fresh(run, bytes, false, reply);
      break;
    }
    case Kind::kOversizedMessage:
      bytes = Request(head, run.big_message);
      co_await Fresh(run, bytes, false, reply);
      break;
    case Kind::kGzipBomb:
      head.extra = "Content-Encoding: gzip\r\n";
      bytes = Request(head, run.gzip_bomb);
      co_await Fresh(run, bytes, false, reply);
      break;
    case Kind::kEnvelopeBomb:
      head.path = std::string(kJobs) + "Watch";
      head.content_type = "application/connect+json";
      head.extra = "Connect-Content-Encoding: gzip\r\n";
      bytes = Request(head, Envelope(1, run.gzip_bomb));
      co_await Fresh(run, bytes, true, reply);
      break;
    case Kind::kUnknownRoute:
      head.path = variant % 2 == 0 ? "/transcodely.v1.NoSuchService/Nope" : "/";
      bytes = Request(head, GetBody(job));
      co_await Fresh(run, bytes, false, reply);
      break;
    case Kind::kAbortHead:
      bytes = Request(head, GetBody(job));
      co_await Abort(run, bytes, 20 + variant % 60, variant % 2 == 0);
      break;
    case Kind::kAbortBody: {
      const std::string body = GetBody(job) + std::string(1000, ' ');
      bytes = Request(head, body);
      co_await Abort(run, bytes, bytes.size() - 500, variant % 2 == 0);
      break;
    }
    case Kind::kAbortUnread:
      bytes = Request(head, GetBody(job));
      co_await Abort(run, bytes, bytes.size(), variant % 2 == 0);
      break;
    case Kind::kCount:
      break;
  }
}

asio::awaitable<void> WorkerLoop(Run& run, int id) {
  auto executor = co_await asio::this_coro::executor;
  Worker w(executor, run.options.seed * 1'000'003 + static_cast<uint64_t>(id));
  static const Mix mix;
  // Ramp up over about a second rather than opening all connections in one burst, as load
  // generators do; the run is long, and a burst of 256 connects measures the kernel's backlog.
  co_await Sleep(milliseconds(4 * id));
  while (run.next.fetch_add(1, std::memory_order_relaxed) < run.options.requests) {
    const Kind kind = mix.Pick(w.rng);
    Reply reply;
    const Clock::time_point start = Clock::now();
    co_await Execute(run, w, kind, reply);
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    KindStats& s = run.stats[static_cast<size_t>(kind)];
    ++s.count;
    s.ms.push_back(static_cast<float>(ms));
    if (!Judge(kind, reply)) {
      ++s.failures;
      ++run.failures_total;
      if (run.failure_samples.size() < 12) {
        run.failure_samples.push_back(std::string(Info(kind).name) + ": " + Describe(reply));
      }
    }
    run.done.fetch_add(1, std::memory_order_relaxed);
  }
  Close(w.keep, false);
}

// Creates kSetupJobsPerKey jobs per key, one at a time, and keeps their ids and idempotency keys.
asio::awaitable<void> Setup(Run& run) {
  auto executor = co_await asio::this_coro::executor;
  Connection c(executor);
  for (int k = 0; k < 2; ++k) {
    for (int i = 0; i < kSetupJobsPerKey; ++i) {
      const std::string key = "soak-" + std::to_string(run.options.seed) + "-" + std::to_string(k) +
                              "-" + std::to_string(i);
      Head head;
      head.path = std::string(kJobs) + "Create";
      head.authorization = run.bearer[k];
      head.extra = "Idempotency-Key: " + key + "\r\n";
      const std::string bytes = Request(head, CreateBody(key, i));
      Reply reply;
      co_await KeepAlive(run, c, bytes, reply);
      const size_t at = reply.body.find("\"id\":\"job_");
      if (reply.status != 200 || at == std::string::npos) {
        std::fprintf(stderr, "soak: setup Create failed: %s\n", Describe(reply).c_str());
        co_return;
      }
      const size_t from = at + 6;
      run.jobs[k].push_back(reply.body.substr(from, reply.body.find('"', from) - from));
      run.idempotency[k].push_back(key);
    }
  }
  Close(c, false);
  run.setup_ok = true;
}

// The probe: a normal call every probe_interval_ms on its own connection and thread, its
// latency recorded per phase of the run.
struct Probe {
  std::vector<double> latencies_ms[kPhases];
  uint64_t failures = 0;
  std::vector<std::string> failure_samples;
  std::atomic<bool> stop{false};
};

asio::awaitable<void> ProbeLoop(Run& run, Probe& probe) {
  auto executor = co_await asio::this_coro::executor;
  Connection c(executor);
  Head head;
  head.path = std::string(kJobs) + "Get";
  head.authorization = run.bearer[0];
  const std::string bytes = Request(head, GetBody(run.jobs[0][0]));
  const milliseconds interval(run.options.probe_interval_ms);
  Clock::time_point next = Clock::now();
  asio::steady_timer timer(executor);
  while (!probe.stop.load()) {
    next = std::max(next + interval, Clock::now());
    timer.expires_at(next);
    beast::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    const int phase = run.Phase();
    Reply reply;
    const Clock::time_point start = Clock::now();
    co_await KeepAlive(run, c, bytes, reply);
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    probe.latencies_ms[phase].push_back(ms);
    if (!Judge(Kind::kGetJson, reply)) {
      ++probe.failures;
      if (probe.failure_samples.size() < 5) probe.failure_samples.push_back(Describe(reply));
    }
  }
  Close(c, false);
}

// /proc figures of the server process.
std::optional<long> RssKiB(int pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
  }
  return std::nullopt;
}

int FdCount(int pid) {
  std::error_code ec;
  int n = 0;
  for (std::filesystem::directory_iterator it("/proc/" + std::to_string(pid) + "/fd", ec), end;
       !ec && it != end; it.increment(ec)) {
    ++n;
  }
  return ec ? -1 : n;
}

struct RssSample {
  double progress;  // done / requests when sampled
  long kib;
};

double Percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t i = std::min(v.size() - 1, static_cast<size_t>(q * static_cast<double>(v.size())));
  return v[i];
}

bool ParseOptions(int argc, char** argv, Options& o) {
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const char* value = argv[i + 1];
    if (flag == "--port") {
      o.port = static_cast<uint16_t>(std::atoi(value));
    } else if (flag == "--pid") {
      o.pid = std::atoi(value);
    } else if (flag == "--requests") {
      o.requests = std::strtoull(value, nullptr, 10);
    } else if (flag == "--concurrency") {
      o.concurrency = std::atoi(value);
    } else if (flag == "--probe_interval_ms") {
      o.probe_interval_ms = std::atoi(value);
    } else if (flag == "--bound_ms") {
      o.bound_ms = std::atoi(value);
    } else if (flag == "--seed") {
      o.seed = std::strtoull(value, nullptr, 10);
    } else {
      std::fprintf(stderr, "soak_driver: unknown flag %s\n", flag.c_str());
      return false;
    }
  }
  return o.port != 0 && o.pid > 0 && o.requests > 0 && o.concurrency > 0;
}

int Main(int argc, char** argv) {
  Run run;
  if (!ParseOptions(argc, argv, run.options) || (argc % 2) != 1) {
    std::fprintf(stderr,
                 "usage: SOAK_LIVE_KEY=… SOAK_TEST_KEY=… soak_driver --port P --pid PID "
                 "[--requests N] [--concurrency C] [--probe_interval_ms MS] [--bound_ms MS] "
                 "[--seed S]\n");
    return 2;
  }
  const char* live = std::getenv("SOAK_LIVE_KEY");
  const char* test = std::getenv("SOAK_TEST_KEY");
  if (live == nullptr || test == nullptr) {
    std::fprintf(stderr, "soak_driver: SOAK_LIVE_KEY and SOAK_TEST_KEY must be set\n");
    return 2;
  }
  const Options& o = run.options;
  run.bearer[0] = std::string("Bearer ") + live;
  run.bearer[1] = std::string("Bearer ") + test;
  run.endpoint = tcp::endpoint(asio::ip::make_address("127.0.0.1"), o.port);
  run.gzip_bomb = Gzip(std::string(64u << 20, ' '));
  run.big_message = std::string(5u << 20, ' ') + "{\"id\":\"job_x\"}";

  const int fds_baseline = FdCount(o.pid);
  const long rss_baseline = RssKiB(o.pid).value_or(0);

  asio::io_context io;
  asio::co_spawn(io, Setup(run), asio::detached);
  io.run();
  if (!run.setup_ok) return 1;
  io.restart();

  // RSS sampler and probe, each on its own thread.
  std::vector<RssSample> rss;
  std::mutex rss_mutex;
  std::atomic<bool> sampling{true};
  std::thread sampler([&] {
    while (sampling.load()) {
      if (auto kib = RssKiB(o.pid)) {
        const double progress =
            static_cast<double>(run.done.load()) / static_cast<double>(o.requests);
        std::lock_guard<std::mutex> lock(rss_mutex);
        rss.push_back({progress, *kib});
      }
      std::this_thread::sleep_for(milliseconds(50));
    }
  });
  Probe probe;
  asio::io_context probe_io;
  asio::co_spawn(probe_io, ProbeLoop(run, probe), asio::detached);
  std::thread probe_thread([&] { probe_io.run(); });

  const Clock::time_point start = Clock::now();
  for (int i = 0; i < o.concurrency; ++i) asio::co_spawn(io, WorkerLoop(run, i), asio::detached);
  io.run();
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  probe.stop = true;
  probe_thread.join();
  sampling = false;
  sampler.join();

  // The server closes its side of each connection on its own schedule: give it a bounded while.
  int fds_final = FdCount(o.pid);
  for (int i = 0; i < 50 && fds_final > fds_baseline + kFdSlack; ++i) {
    std::this_thread::sleep_for(milliseconds(100));
    fds_final = FdCount(o.pid);
  }
  const long rss_final = RssKiB(o.pid).value_or(0);

  // The figures.
  std::printf("\nsoak: %llu requests at c=%d in %.1f s (%.0f req/s)\n\n",
              static_cast<unsigned long long>(o.requests), o.concurrency, seconds,
              static_cast<double>(o.requests) / seconds);
  std::printf("%-36s %-8s %9s %9s %9s %9s %9s\n", "kind", "expect", "requests", "failures",
              "p50 ms", "p99 ms", "max ms");
  uint64_t valid = 0, valid_failures = 0, invalid = 0, invalid_failures = 0;
  for (size_t k = 0; k < kKinds.size(); ++k) {
    const KindStats& s = run.stats[k];
    static const char* kExpect[] = {"ok", "refused", "401", "-"};
    const std::vector<double> ms(s.ms.begin(), s.ms.end());
    std::printf("%-36s %-8s %9llu %9llu %9.1f %9.1f %9.1f\n", kKinds[k].name,
                kExpect[static_cast<int>(kKinds[k].expect)],
                static_cast<unsigned long long>(s.count),
                static_cast<unsigned long long>(s.failures), Percentile(ms, 0.5),
                Percentile(ms, 0.99), Percentile(ms, 1.0));
    if (kKinds[k].expect == Expect::kSuccess) {
      valid += s.count;
      valid_failures += s.failures;
    } else {
      invalid += s.count;
      invalid_failures += s.failures;
    }
  }
  std::printf("%-36s %-8s %9llu %9llu\n", "total valid", "", static_cast<unsigned long long>(valid),
              static_cast<unsigned long long>(valid_failures));
  std::printf("%-36s %-8s %9llu %9llu\n", "total invalid/aborted", "",
              static_cast<unsigned long long>(invalid),
              static_cast<unsigned long long>(invalid_failures));
  for (const std::string& f : run.failure_samples) std::printf("  failure: %s\n", f.c_str());

  bool ok = run.failures_total == 0;
  std::printf("\nprobe (JobService/Get json every %d ms), per tenth of the run:\n",
              o.probe_interval_ms);
  std::printf("%-8s %7s %9s %9s %9s\n", "phase", "calls", "p50 ms", "p99 ms", "max ms");
  for (int p = 0; p < kPhases; ++p) {
    const std::vector<double>& l = probe.latencies_ms[p];
    const double p99 = Percentile(l, 0.99);
    std::printf("%3d-%3d%% %7zu %9.2f %9.2f %9.2f%s\n", p * 10, p * 10 + 10, l.size(),
                Percentile(l, 0.5), p99, Percentile(l, 1.0),
                p99 >= kP99LimitMs ? "  <-- p99 over limit" : "");
    if (p99 >= kP99LimitMs) ok = false;
  }
  std::printf("probe failures: %llu\n", static_cast<unsigned long long>(probe.failures));
  for (const std::string& f : probe.failure_samples)
    std::printf("  probe failure: %s\n", f.c_str());
  if (probe.failures != 0) ok = false;

  // A leak lifts the whole second half; a few requests holding multi-MiB buffers at once (bombs,
  // the 5 MiB message) lift single samples, which a short run may not have met in its second
  // quarter. So the second half is judged by its 90th percentile, and its maximum is printed.
  long plateau = 0, first_half = 0;
  std::vector<double> second_half;
  for (const RssSample& s : rss) {
    if (s.progress >= 0.25 && s.progress < 0.5) plateau = std::max(plateau, s.kib);
    if (s.progress < 0.5) first_half = std::max(first_half, s.kib);
    if (s.progress >= 0.5) second_half.push_back(static_cast<double>(s.kib));
  }
  if (plateau == 0) plateau = first_half;  // a run too short to sample its second quarter
  const double late = Percentile(second_half, 0.9);
  const bool rss_ok = late <= static_cast<double>(plateau) * (1.0 + kRssSlack);
  std::printf(
      "\nRSS KiB: baseline %ld, plateau (max over 25-50%%) %ld, over 50-100%%: p90 %.0f "
      "(%+.1f%%), max %.0f; final %ld  %s\n",
      rss_baseline, plateau, late,
      plateau > 0 ? 100.0 * (late - static_cast<double>(plateau)) / static_cast<double>(plateau)
                  : 0.0,
      Percentile(second_half, 1.0), rss_final,
      rss_ok ? "ok" : "<-- over the plateau by more than 10%");
  if (!rss_ok) ok = false;
  const bool fds_ok = fds_final >= 0 && fds_final <= fds_baseline + kFdSlack;
  std::printf("fds: baseline %d, final %d (allowed +%d)  %s\n", fds_baseline, fds_final, kFdSlack,
              fds_ok ? "ok" : "<-- not back to baseline");
  if (!fds_ok) ok = false;
  std::printf("\nsoak: %s\n", ok ? "PASS" : "FAIL");
  return ok ? 0 : 1;
}

}  // namespace
}  // namespace soak

int main(int argc, char** argv) { return soak::Main(argc, argv); }
