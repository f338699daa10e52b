// BlockingSignal: waiters' bits on shared futex words on Linux, a mutex and a condition variable
// elsewhere.
#include <array>
#include <boost/asio/post.hpp>
#include <utility>

#include "connectrpc/internal/async_result.h"

#ifdef __linux__
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <climits>
#endif

namespace connectrpc::internal {

namespace {

// The batch of the current thread, if any.
thread_local BlockingSignal::WakeUpBatch* t_batch = nullptr;

}  // namespace

BlockingSignal::WakeUpBatch::WakeUpBatch(boost::asio::any_io_executor executor)
    : executor_(std::move(executor)) {
  held_.reserve(64);
  t_batch = this;
}

BlockingSignal::WakeUpBatch::~WakeUpBatch() {
  Flush();
  t_batch = nullptr;
}

void BlockingSignal::Notify(std::shared_ptr<BlockingSignal> signal) {
  // A waiter that has not gone to sleep sees kDone and needs no wake-up.
  if (signal->state_.exchange(kDone, std::memory_order_seq_cst) != kSleeping) return;
  if (t_batch != nullptr) {
    t_batch->Hold(std::move(signal));
    return;
  }
  signal->Wake();
}

void BlockingSignal::WakeUpBatch::Hold(std::shared_ptr<BlockingSignal> signal) {
  if (held_.empty()) boost::asio::post(executor_, [this] { Flush(); });
  held_.push_back(std::move(signal));
}

#ifdef __linux__

namespace {

// Waiter numbers map to futex words of kWaitersPerWord waiters each; beyond
// kWaitersPerWord * kWords waiting threads, threads share a bit, and a wake-up of one is a
// spurious wake-up of the other (Wait() rechecks).
constexpr uint32_t kWaitersPerWord = 32;  // the bits of a FUTEX_*_BITSET mask
constexpr uint32_t kWords = 32;

struct alignas(64) FutexWord {
  // Changed before every wake-up, so a waiter that read it before a wake-up it could miss does
  // not go to sleep (FUTEX_WAIT compares it).
  std::atomic<uint32_t> generation{0};
};

std::array<FutexWord, kWords> g_words;
std::atomic<uint32_t> g_next_waiter{0};

static_assert(sizeof(std::atomic<uint32_t>) == sizeof(uint32_t) &&
                  std::atomic<uint32_t>::is_always_lock_free,
              "a futex word must be a plain 32-bit integer");

uint32_t ThisThreadsWaiter() {
  thread_local const uint32_t waiter = g_next_waiter.fetch_add(1, std::memory_order_relaxed);
  return waiter;
}

uint32_t WordIndexOf(uint32_t waiter) { return (waiter / kWaitersPerWord) % kWords; }
uint32_t BitOf(uint32_t waiter) { return uint32_t{1} << (waiter % kWaitersPerWord); }

// Wakes the waiters of `word` whose bits are in `bits`.
void WakeBits(FutexWord& word, uint32_t bits) {
  word.generation.fetch_add(1, std::memory_order_seq_cst);
  syscall(SYS_futex, reinterpret_cast<uint32_t*>(&word.generation), FUTEX_WAKE_BITSET_PRIVATE,
          INT_MAX, nullptr, nullptr, bits);
}

}  // namespace

BlockingSignal::BlockingSignal() : waiter_(ThisThreadsWaiter()) {}

void BlockingSignal::Wake() { WakeBits(g_words[WordIndexOf(waiter_)], BitOf(waiter_)); }

void BlockingSignal::WakeUpBatch::Flush() {
  if (held_.empty()) return;
  std::array<uint32_t, kWords> bits{};
  for (const std::shared_ptr<BlockingSignal>& signal : held_) {
    bits[WordIndexOf(signal->waiter_)] |= BitOf(signal->waiter_);
  }
  for (uint32_t i = 0; i < kWords; ++i) {
    if (bits[i] != 0) WakeBits(g_words[i], bits[i]);
  }
  held_.clear();  // the signals were alive until their wake-ups were sent
}

void BlockingSignal::Wait() {
  FutexWord& word = g_words[WordIndexOf(waiter_)];
  const uint32_t bit = BitOf(waiter_);
  for (;;) {
    // The generation is read before the state: a Notify() after this read changes it, so the
    // FUTEX_WAIT below returns at once instead of sleeping through that wake-up.
    const uint32_t generation = word.generation.load(std::memory_order_seq_cst);
    uint32_t state = state_.load(std::memory_order_seq_cst);
    if (state == kDone) return;
    if (state == kIdle && !state_.compare_exchange_strong(state, kSleeping,
                                                          std::memory_order_seq_cst)) {
      continue;  // Notify() came first
    }
    syscall(SYS_futex, reinterpret_cast<uint32_t*>(&word.generation), FUTEX_WAIT_BITSET_PRIVATE,
            generation, nullptr, nullptr, bit);
  }
}

#else

BlockingSignal::BlockingSignal() = default;

void BlockingSignal::Wake() {
  std::lock_guard<std::mutex> lock(mu_);
  cv_.notify_one();
}

void BlockingSignal::WakeUpBatch::Flush() {
  for (const std::shared_ptr<BlockingSignal>& signal : held_) signal->Wake();
  held_.clear();
}

void BlockingSignal::Wait() {
  std::unique_lock<std::mutex> lock(mu_);
  uint32_t state = kIdle;
  if (state_.compare_exchange_strong(state, kSleeping)) {
    cv_.wait(lock, [this] { return state_.load(std::memory_order_acquire) == kDone; });
  }
}

#endif

}  // namespace connectrpc::internal
