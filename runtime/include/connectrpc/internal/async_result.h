// Runtime-internal glue between callback-style operations of the client core and Asio completion
// tokens (use_awaitable, use_future, callbacks, ...), and the blocking wait the blocking API uses.
#ifndef CONNECTRPC_INTERNAL_ASYNC_RESULT_H_
#define CONNECTRPC_INTERNAL_ASYNC_RESULT_H_

#include <absl/functional/any_invocable.h>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

namespace connectrpc::internal {

// A one-shot completion callback of the client core.
template <typename T>
using Completion = absl::AnyInvocable<void(T)>;

// Runs `start(Completion<T>)` as an Asio asynchronous operation with signature void(T): the
// handler runs through its associated executor (the loop itself when none), and that executor
// has outstanding work until then.
template <typename T, typename CompletionToken, typename Start>
auto InitiateAsync(const boost::asio::any_io_executor& io, CompletionToken&& token, Start&& start) {
  return boost::asio::async_initiate<CompletionToken, void(T)>(
      [io](auto handler, auto&& starter) {
        auto work = boost::asio::make_work_guard(boost::asio::get_associated_executor(handler, io));
        std::forward<decltype(starter)>(starter)(
            Completion<T>([handler = std::move(handler), work = std::move(work)](T value) mutable {
              auto executor = work.get_executor();
              boost::asio::dispatch(
                  executor, [handler = std::move(handler), value = std::move(value)]() mutable {
                    std::move(handler)(std::move(value));
                  });
              work.reset();
            }));
      },
      token, std::forward<Start>(start));
}

// A one-shot wake-up from the thread that completes an operation to the one thread waiting for
// it, reusable once Wait() has returned.
//
// On Linux, waiters sleep on futex words shared by up to 32 threads, each with its own bit
// (FUTEX_WAIT_BITSET), so an event loop that completes several blocking calls at once wakes all
// their threads with one FUTEX_WAKE_BITSET (see WakeUpBatch). A wait that sleeps costs one
// FUTEX_WAIT; a wake-up before the wait costs nothing. Elsewhere it is a mutex and a condition
// variable.
class BlockingSignal {
 public:
  // While one exists on a thread (an event loop's), the wake-ups that thread sends are held and
  // sent together, with one system call per futex word, by a handler the batch posts to
  // `executor` (the loop itself) when it starts holding: it runs after the handlers that were
  // already queued, such as the other completions one poll of the sockets found ready. Woken one
  // at a time, each waiter would preempt the loop on a busy CPU, and every completed blocking
  // call would cost two context switches instead of about one. Not nested; held wake-ups not
  // sent when the batch ends are sent then.
  class WakeUpBatch {
   public:
    explicit WakeUpBatch(boost::asio::any_io_executor executor);
    ~WakeUpBatch();
    WakeUpBatch(const WakeUpBatch&) = delete;
    WakeUpBatch& operator=(const WakeUpBatch&) = delete;

   private:
    friend class BlockingSignal;
    void Hold(std::shared_ptr<BlockingSignal> signal);
    void Flush();

    boost::asio::any_io_executor executor_;
    std::vector<std::shared_ptr<BlockingSignal>> held_;
  };

  BlockingSignal();

  // Makes the signal unset again; only by the waiter, after Wait() returned.
  void Reset() { state_.store(kIdle, std::memory_order_relaxed); }
  // Sets the signal: everything written before it is visible to the waiter. Any thread, once.
  // `signal` is kept alive until the wake-up has been sent (later, inside a WakeUpBatch).
  static void Notify(std::shared_ptr<BlockingSignal> signal);
  // Blocks until Notify() was called. Only on the thread that created the signal.
  void Wait();

 private:
  void Wake();

  static constexpr uint32_t kIdle = 0;
  static constexpr uint32_t kSleeping = 1;  // the waiter is (about to be) asleep
  static constexpr uint32_t kDone = 2;
  std::atomic<uint32_t> state_{kIdle};
#ifdef __linux__
  const uint32_t waiter_;  // the creating thread's waiter number: its futex word and bit
#else
  std::mutex mu_;
  std::condition_variable cv_;
#endif
};

// Starts `start(Completion<T>)` and blocks the calling thread until it completes. Must not be
// called on the thread that runs the completion (the client's event loop). Each thread reuses
// one slot per T, so a blocking call allocates nothing here.
template <typename T, typename Start>
T BlockingWait(Start&& start) {
  struct Slot {
    BlockingSignal signal;
    std::optional<T> value;  // written by the completion before Notify()
  };
  thread_local std::shared_ptr<Slot> reusable;
  // A completion of an earlier call may still hold the slot, between setting the signal and
  // waking this thread. The slot is reused all the same: that late wake-up can only end a wait of
  // this thread early, and Wait() rechecks the word.
  if (!reusable) reusable = std::make_shared<Slot>();
  std::shared_ptr<Slot> slot = reusable;
  slot->signal.Reset();
  std::forward<Start>(start)(Completion<T>([slot](T value) mutable {
    slot->value.emplace(std::move(value));
    BlockingSignal* signal = &slot->signal;
    BlockingSignal::Notify(std::shared_ptr<BlockingSignal>(std::move(slot), signal));
  }));
  slot->signal.Wait();
  T result = std::move(*slot->value);
  slot->value.reset();
  return result;
}

}  // namespace connectrpc::internal

#endif  // CONNECTRPC_INTERNAL_ASYNC_RESULT_H_
