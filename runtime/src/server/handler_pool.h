// HandlerPool: the bounded thread pool that runs blocking handlers. Its queue is bounded (a full
// queue refuses work instead of growing), and Shutdown() never waits past its deadline: threads
// still inside a handler then are detached and finish on their own, keeping the pool's shared
// state alive until they do.
#ifndef CONNECTRPC_SRC_SERVER_HANDLER_POOL_H_
#define CONNECTRPC_SRC_SERVER_HANDLER_POOL_H_

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace connectrpc::internal {

class HandlerPool {
 public:
  HandlerPool(int threads, size_t max_queued);
  ~HandlerPool();  // Shutdown(now) if not done yet
  HandlerPool(const HandlerPool&) = delete;
  HandlerPool& operator=(const HandlerPool&) = delete;

  // Queues `job`; false (and `job` is dropped) when every thread is busy and the queue is full,
  // or after Shutdown().
  bool TrySubmit(std::function<void()> job);
  // Stops taking jobs, drops queued ones, and waits until `deadline` for running jobs to end;
  // threads still running then are detached.
  void Shutdown(std::chrono::steady_clock::time_point deadline);

 private:
  struct State {
    std::mutex mu;
    std::condition_variable work_cv;
    std::condition_variable idle_cv;
    std::deque<std::function<void()>> queue;
    size_t max_queued = 0;
    size_t idle = 0;
    size_t running = 0;  // threads that have not exited
    bool stopping = false;
  };
  static void Work(std::shared_ptr<State> state);

  std::shared_ptr<State> state_;
  std::vector<std::thread> threads_;
};

}  // namespace connectrpc::internal

#endif  // CONNECTRPC_SRC_SERVER_HANDLER_POOL_H_
