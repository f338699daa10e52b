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
#include <condition_variable>
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
        std::move(starter)(
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

// Starts `start(Completion<T>)` and blocks the calling thread until it completes. Must not be
// called on the thread that runs the completion (the client's event loop).
template <typename T, typename Start>
T BlockingWait(Start&& start) {
  struct State {
    std::mutex mu;
    std::condition_variable cv;
    std::optional<T> value;  // guarded by mu
  };
  auto state = std::make_shared<State>();
  std::forward<Start>(start)(Completion<T>([state](T value) mutable {
    {
      std::lock_guard<std::mutex> lock(state->mu);
      state->value.emplace(std::move(value));
    }
    state->cv.notify_one();
  }));
  std::unique_lock<std::mutex> lock(state->mu);
  state->cv.wait(lock, [&state] { return state->value.has_value(); });
  return std::move(*state->value);
}

}  // namespace connectrpc::internal

#endif  // CONNECTRPC_INTERNAL_ASYNC_RESULT_H_
