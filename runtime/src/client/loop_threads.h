// LoopThreads: the process-wide bookkeeping of the threads that run clients' own event loops, so
// that none is still running, unjoined, when the process exits.
//
// A loop thread normally ends inside ~ClientLoop, which joins it. Two cases need more:
//   - the last reference to a client is dropped by one of its own completions, on the loop
//     thread, which cannot join itself: the thread is adopted here and joined once finished;
//   - every Client handle is gone but calls still hold the loop (a blocking call's caller wakes
//     while the loop is still unwinding that call): the loop is "draining".
// At exit, before OpenSSL's own exit handler, the process waits (at most kExitWait) for the
// draining loops to end and joins every adopted thread. A thread still running at exit would
// otherwise lose what OpenSSL keeps for it in thread-local storage (its random generators), and
// could run its teardown while the process's static objects are destroyed.
#ifndef CONNECTRPC_SRC_CLIENT_LOOP_THREADS_H_
#define CONNECTRPC_SRC_CLIENT_LOOP_THREADS_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace connectrpc::internal {

class LoopThreads {
 public:
  // The one instance (never destroyed; its exit handler does the joining).
  static LoopThreads& Get();

  // Each loop thread's end, after its io_context is gone: `finished` is the flag it shares with
  // its ClientLoop, `draining` whether the loop had been marked draining.
  void Ended(const std::shared_ptr<std::atomic<bool>>& finished, bool draining);
  void AddDraining();
  // A loop thread that cannot be joined where its ClientLoop is destroyed (its own thread).
  void Adopt(std::thread thread, std::shared_ptr<std::atomic<bool>> finished);

  LoopThreads(const LoopThreads&) = delete;
  LoopThreads& operator=(const LoopThreads&) = delete;

 private:
  static constexpr std::chrono::seconds kExitWait{2};
  struct Entry {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> finished;
  };

  LoopThreads();
  ~LoopThreads() = delete;
  static void JoinAtExit();
  bool AllDoneLocked() const;

  std::mutex mu_;
  std::condition_variable changed_;
  int draining_ = 0;     // loops marked draining whose thread has not ended
  bool exited_ = false;  // the exit handler has run: later adoptions are detached
  std::vector<Entry> adopted_;
};

}  // namespace connectrpc::internal

#endif  // CONNECTRPC_SRC_CLIENT_LOOP_THREADS_H_
