#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "cancellation_state.h"
#include "connectrpc/call_options.h"

namespace connectrpc {
namespace {

TEST(CancellationTest, CallbacksRunOnceOnCancel) {
  CancellationToken token;
  EXPECT_FALSE(token.cancelled());
  int a = 0;
  int b = 0;
  const int id_a = token.state()->Subscribe([&] { ++a; });
  const int id_b = token.state()->Subscribe([&] { ++b; });
  EXPECT_GE(id_a, 0);
  EXPECT_NE(id_a, id_b);
  token.state()->Unsubscribe(id_b);
  token.Cancel();
  token.Cancel();
  EXPECT_TRUE(token.cancelled());
  EXPECT_EQ(a, 1);
  EXPECT_EQ(b, 0);
}

TEST(CancellationTest, SubscribeAfterCancelRunsImmediately) {
  CancellationToken token;
  token.Cancel();
  int calls = 0;
  EXPECT_EQ(token.state()->Subscribe([&] { ++calls; }), -1);
  EXPECT_EQ(calls, 1);
  token.state()->Unsubscribe(-1);  // harmless
}

TEST(CancellationTest, CallbackMayTouchTheTokenWithoutDeadlock) {
  CancellationToken token;
  bool saw_cancelled = false;
  int id = -1;
  id = token.state()->Subscribe([&] {
    saw_cancelled = token.cancelled();
    token.state()->Unsubscribe(id);
  });
  token.Cancel();
  EXPECT_TRUE(saw_cancelled);
}

TEST(CancellationTest, ConcurrentCancelRunsEachCallbackOnce) {
  CancellationToken token;
  std::atomic<int> calls{0};
  for (int i = 0; i < 100; ++i) token.state()->Subscribe([&] { calls.fetch_add(1); });
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) threads.emplace_back([&] { token.Cancel(); });
  for (auto& t : threads) t.join();
  EXPECT_EQ(calls.load(), 100);
}

}  // namespace
}  // namespace connectrpc
