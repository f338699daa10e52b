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
// it, reusable once Wait() has returned. On Linux it is one futex word: a wait that sleeps costs
// one FUTEX_WAIT and its wake-up one FUTEX_WAKE, and a wake-up before the wait costs nothing
// (a mutex with a condition variable costs a third call: the waiter's relock marks the mutex
// contended). Elsewhere it is a mutex and a condition variable.
class BlockingSignal {
 public:
  // Makes the signal unset again; only by the waiter, after Wait() returned.
  void Reset() { state_.store(kIdle, std::memory_order_relaxed); }
  // Sets the signal: everything written before it is visible to the waiter. Any thread, once.
  void Notify();
  // Blocks until Notify() was called.
  void Wait();

 private:
  static constexpr uint32_t kIdle = 0;
  static constexpr uint32_t kSleeping = 1;  // the waiter is (about to be) asleep
  static constexpr uint32_t kDone = 2;
  std::atomic<uint32_t> state_{kIdle};
#ifndef __linux__
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
  // A completion of an earlier call may still hold the slot (after its Notify()); then take a
  // fresh one rather than share the futex word.
  if (!reusable || reusable.use_count() != 1) reusable = std::make_shared<Slot>();
  std::shared_ptr<Slot> slot = reusable;
  slot->signal.Reset();
  std::forward<Start>(start)(Completion<T>([slot](T value) mutable {
    slot->value.emplace(std::move(value));
    slot->signal.Notify();
  }));
  slot->signal.Wait();
  T result = std::move(*slot->value);
  slot->value.reset();
  return result;
}

}  // namespace connectrpc::internal

#endif  // CONNECTRPC_INTERNAL_ASYNC_RESULT_H_
