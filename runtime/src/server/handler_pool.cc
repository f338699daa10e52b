#include "server/handler_pool.h"

#include <utility>

namespace connectrpc::internal {

HandlerPool::HandlerPool(int threads, size_t max_queued) : state_(std::make_shared<State>()) {
  state_->max_queued = max_queued;
  const int count = threads < 1 ? 1 : threads;
  state_->running = static_cast<size_t>(count);
  threads_.reserve(static_cast<size_t>(count));
  for (int i = 0; i < count; ++i) threads_.emplace_back(Work, state_);
}

HandlerPool::~HandlerPool() { Shutdown(std::chrono::steady_clock::now()); }

bool HandlerPool::TrySubmit(std::function<void()> job) {
  std::unique_lock<std::mutex> lock(state_->mu);
  if (state_->stopping) return false;
  if (state_->idle <= state_->queue.size() &&
      state_->queue.size() - state_->idle >= state_->max_queued) {
    return false;
  }
  state_->queue.push_back(std::move(job));
  lock.unlock();
  state_->work_cv.notify_one();
  return true;
}

void HandlerPool::Work(std::shared_ptr<State> state) {
  std::unique_lock<std::mutex> lock(state->mu);
  for (;;) {
    ++state->idle;
    state->work_cv.wait(lock, [&] { return state->stopping || !state->queue.empty(); });
    --state->idle;
    if (state->stopping) break;
    std::function<void()> job = std::move(state->queue.front());
    state->queue.pop_front();
    lock.unlock();
    job();
    job = nullptr;  // release what the job holds before waiting again
    lock.lock();
  }
  --state->running;
  state->idle_cv.notify_all();
}

void HandlerPool::Shutdown(std::chrono::steady_clock::time_point deadline) {
  std::deque<std::function<void()>> dropped;
  {
    std::unique_lock<std::mutex> lock(state_->mu);
    state_->stopping = true;
    dropped.swap(state_->queue);
  }
  state_->work_cv.notify_all();
  dropped.clear();  // outside the lock: destroying a job may run arbitrary destructors
  bool all_done;
  {
    std::unique_lock<std::mutex> lock(state_->mu);
    all_done = state_->idle_cv.wait_until(lock, deadline, [&] { return state_->running == 0; });
  }
  for (std::thread& thread : threads_) {
    if (!thread.joinable()) continue;
    if (all_done) {
      thread.join();
    } else {
      thread.detach();  // may still be inside a handler that ignores its deadline
    }
  }
  threads_.clear();
}

}  // namespace connectrpc::internal
