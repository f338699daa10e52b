// BlockingSignal: a futex word on Linux, a mutex and a condition variable elsewhere.
#include <utility>

#include "connectrpc/internal/async_result.h"

#ifdef __linux__
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#endif

namespace connectrpc::internal {

#ifdef __linux__

namespace {

void FutexWait(std::atomic<uint32_t>* word, uint32_t expected) {
  // Returns at once (EAGAIN) if *word != expected; wakes on FutexWake, or spuriously.
  syscall(SYS_futex, reinterpret_cast<uint32_t*>(word), FUTEX_WAIT_PRIVATE, expected, nullptr,
          nullptr, 0);
}

void FutexWake(std::atomic<uint32_t>* word) {
  syscall(SYS_futex, reinterpret_cast<uint32_t*>(word), FUTEX_WAKE_PRIVATE, 1, nullptr, nullptr,
          0);
}

}  // namespace

static_assert(sizeof(std::atomic<uint32_t>) == sizeof(uint32_t) &&
                  std::atomic<uint32_t>::is_always_lock_free,
              "a futex word must be a plain 32-bit integer");

void BlockingSignal::Notify() {
  // The slot owning this signal is kept alive by the completion until this returns, so waking
  // after the waiter has seen kDone touches live memory (at worst a spurious wake-up of the
  // waiter's next wait, which rechecks the word).
  if (state_.exchange(kDone, std::memory_order_acq_rel) == kSleeping) FutexWake(&state_);
}

void BlockingSignal::Wait() {
  uint32_t state = state_.load(std::memory_order_acquire);
  while (state != kDone) {
    if (state == kIdle &&
        !state_.compare_exchange_weak(state, kSleeping, std::memory_order_acquire)) {
      continue;  // `state` now holds the current value
    }
    FutexWait(&state_, kSleeping);
    state = state_.load(std::memory_order_acquire);
  }
}

#else

void BlockingSignal::Notify() {
  std::lock_guard<std::mutex> lock(mu_);
  state_.store(kDone, std::memory_order_release);
  cv_.notify_one();
}

void BlockingSignal::Wait() {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [this] { return state_.load(std::memory_order_acquire) == kDone; });
}

#endif

}  // namespace connectrpc::internal
