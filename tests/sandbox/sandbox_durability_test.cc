// Acknowledged writes survive a crash: the built transcodely-sandbox runs on a data file while 8
// threads make JobService/Create calls, each with its own idempotency key, and is killed with
// SIGKILL once 600 of them have been acknowledged, with calls still in flight. Restarted on the
// same file, it finds every acknowledged job with Get, and a replay of each of the 1,000 creates
// with its key returns the acknowledged job (the same id) where there was one; so 1,000 creates
// are acknowledged in the end.
//
// A process kill cannot tell a commit that reached the disk from one still in the OS page cache
// (the store uses synchronous=FULL for power loss, see sandbox/store.cc); what this catches is an
// acknowledgement sent before its commit, or a commit that a restart does not read back.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "connectrpc/client.h"
#include "ids.h"
#include "job_requests.h"
#include "sandbox_process.h"
#include "transcodely/v1/job.connect.h"

namespace sandbox::testing {
namespace {

constexpr int kCreates = 1'000;
constexpr int kThreads = 8;
constexpr int kKillAfterAcks = 600;
// Every call ends within this, and the threads of a phase take no more calls after
// kPhaseLimit, so that a hung sandbox fails the test instead of stalling it.
constexpr std::chrono::milliseconds kCallTimeout{5'000};
constexpr std::chrono::seconds kPhaseLimit{60};

std::string IdempotencyKey(int n) { return "durability-" + std::to_string(n); }

// The same request for the same n (its fingerprint must match on a replay).
transcodely::v1::CreateJobRequest CreateRequest(int n) {
  transcodely::v1::CreateJobRequest request =
      HlsJobRequest("https://example.com/in-" + std::to_string(n) + ".mp4");
  (*request.mutable_metadata())["n"] = std::to_string(n);
  return request;
}

connectrpc::CallOptions As(const std::string& key, std::optional<int> idempotency_n) {
  connectrpc::CallOptions options;
  options.headers.Add("Authorization", "Bearer " + key);
  if (idempotency_n) options.headers.Add("X-Idempotency-Key", IdempotencyKey(*idempotency_n));
  options.timeout = kCallTimeout;
  return options;
}

std::unique_ptr<transcodely::v1::JobServiceClient> JobsClient(const std::string& base_url) {
  connectrpc::ClientOptions options;
  options.default_timeout = kCallTimeout;
  auto client = connectrpc::Client::Create(base_url, options);
  if (!client.ok()) return nullptr;
  return std::make_unique<transcodely::v1::JobServiceClient>(*client);
}

// Runs body(thread_index, deadline) on kThreads threads and joins them.
template <typename Body>
void OnThreads(Body body) {
  const auto deadline = std::chrono::steady_clock::now() + kPhaseLimit;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) threads.emplace_back(body, t, deadline);
  for (std::thread& thread : threads) thread.join();
}

bool Before(std::chrono::steady_clock::time_point deadline) {
  return std::chrono::steady_clock::now() < deadline;
}

// Kills the sandbox if the test leaves early.
struct KillOnExit {
  ~KillOnExit() {
    if (!done) Kill(*process);
  }
  const Process* process;
  bool done = false;
};

// The journal mode recorded in the data file ("wal" stays set in its header).
std::string JournalModeOf(const std::string& path) {
  sqlite3* db = nullptr;
  std::string mode;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW) {
      mode = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    }
    sqlite3_finalize(stmt);
  }
  sqlite3_close(db);
  return mode;
}

class SandboxDurabilityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("sandbox_durability_" + std::to_string(::getpid()) + "_" + RandomBase62(8));
    ASSERT_TRUE(std::filesystem::create_directory(dir_));
    data_ = (dir_ / "sandbox.db").string();
  }
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  Process Start() {
    return Launch({"--listen=127.0.0.1:0", "--data=" + data_, "--job_duration_ms=600000"},
                  /*stderr_path=*/"", std::chrono::seconds(30));
  }

  std::filesystem::path dir_;
  std::string data_;
};

TEST_F(SandboxDurabilityTest, AcknowledgedCreatesSurviveSigkill) {
  // First run: creates until the kill.
  Process first = Start();
  ASSERT_GT(first.pid, 0) << "the sandbox printed no first line";
  KillOnExit kill_first{&first};
  std::smatch match;
  const std::regex shape(R"re("listen":"([^"]+)".*"test_key":"([^"]+)")re");
  ASSERT_TRUE(std::regex_search(first.first_line, match, shape)) << first.first_line;
  const std::string first_url = match[1].str();
  const std::string key = match[2].str();

  std::mutex mu;
  std::map<int, std::string> acknowledged;  // n -> job id
  std::string first_unexpected_error;
  std::atomic<int> next{0};
  std::atomic<int> acks{0};
  std::atomic<bool> killed{false};
  std::atomic<int> failed_after_kill{0};
  OnThreads([&](int, std::chrono::steady_clock::time_point deadline) {
    auto jobs = JobsClient(first_url);
    if (jobs == nullptr) return;
    for (int n = next++; n < kCreates && !killed && Before(deadline); n = next++) {
      auto created = jobs->Create(CreateRequest(n), As(key, n));
      if (created.ok()) {
        std::lock_guard<std::mutex> lock(mu);
        acknowledged[n] = created->job().id();
      } else if (killed) {
        ++failed_after_kill;
      } else {
        std::lock_guard<std::mutex> lock(mu);
        if (first_unexpected_error.empty()) first_unexpected_error = created.status().ToString();
      }
      // The other threads' calls are in flight while this one kills the sandbox.
      if (created.ok() && ++acks == kKillAfterAcks && !killed.exchange(true)) {
        ::kill(first.pid, SIGKILL);
      }
    }
  });
  ASSERT_TRUE(killed) << "the sandbox was not killed; acknowledged " << acks.load()
                      << ", first error: " << first_unexpected_error;
  Kill(first);  // reaps it
  kill_first.done = true;
  EXPECT_EQ(first_unexpected_error, "");
  ASSERT_GE(acknowledged.size(), static_cast<size_t>(kKillAfterAcks));
  std::printf("first run: %zu creates acknowledged, %d failed after the SIGKILL\n",
              acknowledged.size(), failed_after_kill.load());
  EXPECT_EQ(JournalModeOf(data_), "wal");

  // Second run on the same file: the keys were shown only on the first start.
  Process second = Start();
  ASSERT_GT(second.pid, 0) << "the restarted sandbox printed no first line";
  KillOnExit stop_second{&second};
  const std::regex restarted(R"re("listen":"([^"]+)","live_key":null,"test_key":null)re");
  ASSERT_TRUE(std::regex_search(second.first_line, match, restarted)) << second.first_line;
  const std::string second_url = match[1].str();

  // Every acknowledged job is there; every create replayed with its key is acknowledged, with
  // the acknowledged job's id where there was one.
  std::vector<int> missing;        // acknowledged, Get fails
  std::vector<int> changed;        // acknowledged, the replay returns another id
  std::vector<int> failed_replay;  // the replay fails
  std::string first_error;
  std::atomic<int> replayed{0};
  OnThreads([&](int t, std::chrono::steady_clock::time_point deadline) {
    auto jobs = JobsClient(second_url);
    if (jobs == nullptr) return;
    for (int n = t; n < kCreates && Before(deadline); n += kThreads) {
      std::optional<std::string> id;
      {
        std::lock_guard<std::mutex> lock(mu);
        if (auto it = acknowledged.find(n); it != acknowledged.end()) id = it->second;
      }
      if (id) {
        transcodely::v1::GetJobRequest get;
        get.set_id(*id);
        auto found = jobs->Get(get, As(key, std::nullopt));
        if (!found.ok() || found->job().id() != *id) {
          std::lock_guard<std::mutex> lock(mu);
          missing.push_back(n);
          if (first_error.empty() && !found.ok()) first_error = found.status().ToString();
        }
      }
      auto again = jobs->Create(CreateRequest(n), As(key, n));
      std::lock_guard<std::mutex> lock(mu);
      if (!again.ok()) {
        failed_replay.push_back(n);
        if (first_error.empty()) first_error = again.status().ToString();
      } else {
        ++replayed;
        if (id && again->job().id() != *id) changed.push_back(n);
      }
    }
  });
  EXPECT_TRUE(missing.empty()) << missing.size()
                               << " acknowledged jobs not found, e.g. n=" << missing.front() << ": "
                               << first_error;
  EXPECT_TRUE(changed.empty()) << changed.size()
                               << " replays returned another job, e.g. n=" << changed.front();
  EXPECT_TRUE(failed_replay.empty())
      << failed_replay.size() << " replays failed, e.g. n=" << failed_replay.front() << ": "
      << first_error;
  EXPECT_EQ(replayed.load(), kCreates);
  EXPECT_EQ(Stop(second), 0);
  stop_second.done = true;
}

}  // namespace
}  // namespace sandbox::testing
