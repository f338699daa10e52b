// conformance-client: the Connect conformance client under test.
//
// Reads length-prefixed ClientCompatRequest frames from stdin until EOF, runs each RPC on a pool
// of worker threads, and writes one length-prefixed ClientCompatResponse per request to stdout
// (in completion order). Exits 0 once stdin has ended and every RPC has been reported. SIGTERM
// keeps its default action, so the process ends at once. Logs go to stderr.
#include <signal.h>
#include <unistd.h>

#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "tests/conformance/client_runner.h"
#include "tests/conformance/conformance_protos.h"
#include "tests/conformance/conformance_util.h"

namespace {

namespace conformance = ::connectrpc::conformance;
namespace v1 = ::connectrpc::conformance::v1;

// Timeout and delay cases sleep for up to a few seconds each, so many run at once.
constexpr int kWorkers = 48;

// A closable FIFO of serialized requests.
class FrameQueue {
 public:
  void Push(std::string frame) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      frames_.push_back(std::move(frame));
    }
    cv_.notify_one();
  }
  void Close() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      closed_ = true;
    }
    cv_.notify_all();
  }
  // Blocks for the next frame; false once the queue is closed and empty.
  bool Pop(std::string* frame) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return closed_ || !frames_.empty(); });
    if (frames_.empty()) return false;
    *frame = std::move(frames_.front());
    frames_.pop_front();
    return true;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::string> frames_;  // guarded by mu_
  bool closed_ = false;             // guarded by mu_
};

int Run() {
  signal(SIGPIPE, SIG_IGN);

  // CONFORMANCE_CLIENT_FORM=async makes every RPC through the asynchronous forms.
  const char* form = std::getenv("CONFORMANCE_CLIENT_FORM");
  conformance::ClientRunner runner(form != nullptr && std::string_view(form) == "async"
                                       ? conformance::CallForm::kAsync
                                       : conformance::CallForm::kBlocking);
  if (form != nullptr) std::fprintf(stderr, "conformance-client: call form: %s\n", form);
  FrameQueue queue;
  std::mutex output_mu;
  bool output_failed = false;  // guarded by output_mu

  auto work = [&] {
    std::string frame;
    while (queue.Pop(&frame)) {
      v1::ClientCompatRequest request;
      if (!request.ParseFromString(frame)) {
        std::fprintf(stderr, "conformance-client: malformed ClientCompatRequest, skipped\n");
        continue;
      }
      const v1::ClientCompatResponse response = runner.Run(request);
      std::lock_guard<std::mutex> lock(output_mu);
      if (!conformance::WriteFrame(STDOUT_FILENO, response)) {
        output_failed = true;
        std::fprintf(stderr, "conformance-client: cannot write result for %s\n",
                     request.test_name().c_str());
      }
    }
  };
  std::vector<std::thread> workers;
  workers.reserve(kWorkers);
  for (int i = 0; i < kWorkers; ++i) workers.emplace_back(work);

  int status = 0;
  for (;;) {
    std::string frame;
    const conformance::ReadResult read = conformance::ReadFrame(STDIN_FILENO, &frame);
    if (read == conformance::ReadResult::kEof) break;
    if (read == conformance::ReadResult::kError) {
      std::fprintf(stderr, "conformance-client: truncated frame on stdin\n");
      status = 1;
      break;
    }
    queue.Push(std::move(frame));
  }
  queue.Close();
  for (std::thread& worker : workers) worker.join();
  std::lock_guard<std::mutex> lock(output_mu);
  return output_failed ? 1 : status;
}

}  // namespace

int main() { return Run(); }
