// BlockingWait and BlockingSignal: the blocking API's wait for a completion, woken one at a time or
// in batches by an event loop (BlockingSignal::WakeUpBatch). A lost wake-up shows as a hang, which
// the test's timeout turns into a failure.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <chrono>
#include <optional>
#include <thread>
#include <vector>

#include "connectrpc/internal/async_result.h"

namespace connectrpc::internal {
namespace {

namespace asio = boost::asio;

TEST(BlockingWaitTest, ReturnsTheValueCompletedOnAnotherThread) {
  for (int round = 0; round < 200; ++round) {
    std::thread completer;
    const int value = BlockingWait<int>([&](Completion<int> done) {
      completer = std::thread([done = std::move(done), round]() mutable {
        if (round % 2 == 0) std::this_thread::sleep_for(std::chrono::microseconds(200));
        done(round);  // before or after the waiter went to sleep
      });
    });
    completer.join();
    EXPECT_EQ(value, round);
  }
}

// An event loop with a WakeUpBatch, as the client's own loop runs: completions posted to it wake
// their waiters together.
class BatchingLoop {
 public:
  BatchingLoop()
      : work_(io_.get_executor()), thread_([this] {
          BlockingSignal::WakeUpBatch batch(io_.get_executor());
          io_.run();
        }) {}
  ~BatchingLoop() {
    work_.reset();
    thread_.join();
  }
  asio::io_context& io() { return io_; }

 private:
  asio::io_context io_{1};
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  std::thread thread_;
};

TEST(BlockingWaitTest, BatchedWakeUpsReachEveryWaiterAcrossFutexWords) {
  // 32 waiters share a futex word; 70 threads span at least three, and each call is completed
  // by the loop, together with whatever other completions are queued with it.
  constexpr int kThreads = 70;
  constexpr int kRounds = 300;
  BatchingLoop loop;
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < kRounds; ++round) {
        const int expected = t * kRounds + round;
        const int value = BlockingWait<int>([&](Completion<int> done) {
          asio::post(loop.io(), [done = std::move(done), expected]() mutable { done(expected); });
        });
        if (value != expected) wrong.fetch_add(1);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST(BlockingWaitTest, WakeUpsHeldWhenTheLoopEndsAreSent) {
  // A handler completes a call and stops the loop before the batch's flush could run: the batch
  // sends the held wake-up as it ends with the loop's thread.
  std::thread waiter;
  std::atomic<bool> done_called{false};
  int value = 0;
  {
    BatchingLoop loop;
    waiter = std::thread([&] {
      value = BlockingWait<int>([&](Completion<int> done) {
        asio::post(loop.io(), [done = std::move(done), &done_called, &loop]() mutable {
          std::this_thread::sleep_for(std::chrono::milliseconds(20));  // the waiter sleeps
          done(7);
          loop.io().stop();
          done_called = true;
        });
      });
    });
    while (!done_called) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  waiter.join();
  EXPECT_EQ(value, 7);
}

}  // namespace
}  // namespace connectrpc::internal
