// ServerContext::AsyncWait: a coroutine handler waiting on its own timer wakes when the timer
// expires, when something else cancels the timer (a notification posted to the call's executor),
// and when the call is cancelled (here by its deadline), in which case the wait reports false.
#include <gtest/gtest.h>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>

#include "connectrpc/client.h"
#include "connectrpc/server.h"
#include "e2e/v1/echo.connect.h"

namespace e2e::v1 {
namespace {

namespace asio = boost::asio;
using connectrpc::Code;
using namespace std::chrono_literals;

// What the handler tells the test: how to wake it, and what its wait returned.
struct WaitProbe {
  std::mutex mu;
  std::condition_variable cv;
  std::function<void()> wake;  // set while the handler waits
  std::optional<bool> result;  // AsyncWait's result, once the wait is over
};

// Count with n = 1 waits on a timer set ten minutes ahead (only a wake-up or a cancellation ends
// it); any other n waits on a timer of 1 ms. It then sends one number: 1 if the wait returned
// true.
class WaitingHandler : public EchoServiceAsyncHandler {
 public:
  explicit WaitingHandler(std::shared_ptr<WaitProbe> probe) : probe_(std::move(probe)) {}

  connectrpc::Task<connectrpc::Status> Count(
      connectrpc::ServerContext& context, const CountRequest& request,
      connectrpc::AsyncServerWriter<CountResponse>& writer) override {
    asio::steady_timer timer(context.executor(), request.n() == 1 ? 10min : 1ms);
    {
      std::lock_guard<std::mutex> lock(probe_->mu);
      probe_->wake = [executor = context.executor(), &timer] {
        asio::post(executor, [&timer] { timer.cancel(); });
      };
    }
    probe_->cv.notify_all();
    const bool woke = co_await context.AsyncWait(timer);
    {
      std::lock_guard<std::mutex> lock(probe_->mu);
      probe_->wake = nullptr;
      probe_->result = woke;
    }
    probe_->cv.notify_all();
    if (!woke) co_return context.CancelledStatus();
    CountResponse number;
    number.set_number(1);
    const bool written = co_await writer.Write(number);
    (void)written;
    co_return connectrpc::Status();
  }

 private:
  std::shared_ptr<WaitProbe> probe_;
};

class ServerWaitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<connectrpc::Server>();
    RegisterEchoServiceHandler(*server_, std::make_shared<WaitingHandler>(probe_));
    ASSERT_TRUE(server_->Listen("127.0.0.1", 0).ok());
    server_->Start();
    auto client =
        connectrpc::Client::Create("http://127.0.0.1:" + std::to_string(server_->port()));
    ASSERT_TRUE(client.ok()) << client.status().ToString();
    echo_ = std::make_unique<EchoServiceClient>(*client);
  }
  void TearDown() override {
    echo_.reset();
    server_->Shutdown(1000ms);
  }

  // Waits (at most a generous hang guard) until the handler is waiting, then wakes it.
  void WakeHandler() {
    std::unique_lock<std::mutex> lock(probe_->mu);
    ASSERT_TRUE(probe_->cv.wait_for(lock, 30s, [this] { return probe_->wake != nullptr; }));
    probe_->wake();
  }
  std::optional<bool> WaitResult() {
    std::unique_lock<std::mutex> lock(probe_->mu);
    probe_->cv.wait_for(lock, 30s, [this] { return probe_->result.has_value(); });
    return probe_->result;
  }

  std::shared_ptr<WaitProbe> probe_ = std::make_shared<WaitProbe>();
  std::unique_ptr<connectrpc::Server> server_;
  std::unique_ptr<EchoServiceClient> echo_;
};

TEST_F(ServerWaitTest, EndsWhenTheTimerExpires) {
  CountRequest request;
  request.set_n(2);
  auto stream = echo_->Count(request);
  CountResponse number;
  ASSERT_TRUE(stream.Read(&number)) << stream.status().ToString();
  EXPECT_EQ(number.number(), 1);
  EXPECT_FALSE(stream.Read(&number));
  EXPECT_TRUE(stream.status().ok()) << stream.status().ToString();
  EXPECT_EQ(WaitResult(), std::optional<bool>(true));
}

TEST_F(ServerWaitTest, EndsWhenSomethingElseCancelsTheTimer) {
  CountRequest request;
  request.set_n(1);
  connectrpc::CallOptions options;
  options.timeout = 60s;  // a hang guard only
  auto stream = echo_->Count(request, options);
  WakeHandler();
  CountResponse number;
  ASSERT_TRUE(stream.Read(&number)) << stream.status().ToString();
  EXPECT_EQ(number.number(), 1);
  EXPECT_FALSE(stream.Read(&number));
  EXPECT_TRUE(stream.status().ok()) << stream.status().ToString();
  EXPECT_EQ(WaitResult(), std::optional<bool>(true));
}

TEST_F(ServerWaitTest, ReportsTheCallsCancellation) {
  CountRequest request;
  request.set_n(1);
  connectrpc::CallOptions options;
  options.timeout = 200ms;
  auto stream = echo_->Count(request, options);
  CountResponse number;
  EXPECT_FALSE(stream.Read(&number));
  EXPECT_EQ(stream.status().code(), Code::kDeadlineExceeded);
  EXPECT_EQ(WaitResult(), std::optional<bool>(false));
}

}  // namespace
}  // namespace e2e::v1
