// Many threads at once through one client and one multi-threaded server: blocking unary and
// streaming calls, asynchronous calls, cancellations from other threads, short-lived clients,
// and a shutdown while calls are in flight. Every call must end with the right result or one of
// the codes its situation allows. Run under ThreadSanitizer by scripts/sanitize; it is an
// ordinary test otherwise.
#include <gtest/gtest.h>

#include <boost/asio/use_future.hpp>
#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "connectrpc/client.h"
#include "connectrpc/server.h"
#include "e2e/v1/echo.connect.h"
#include "echo_handler.h"

namespace e2e::v1 {
namespace {

namespace asio = boost::asio;
using connectrpc::Code;
using namespace std::chrono_literals;

class StressTest : public ::testing::Test {
 protected:
  void SetUp() override {
    connectrpc::ServerOptions options;
    options.io_threads = 2;
    options.handler_threads = 4;
    server_ = std::make_unique<connectrpc::Server>(std::move(options));
    RegisterEchoServiceHandler(*server_, std::make_shared<EchoHandler>());
    ASSERT_TRUE(server_->Listen("127.0.0.1", 0).ok());
    server_->Start();
  }
  void TearDown() override { server_->Shutdown(1000ms); }

  std::string BaseUrl() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }
  std::shared_ptr<connectrpc::Client> NewClient() {
    auto client = connectrpc::Client::Create(BaseUrl());
    EXPECT_TRUE(client.ok()) << client.status().ToString();
    return *client;
  }

  std::unique_ptr<connectrpc::Server> server_;
};

SayRequest Say(const std::string& text, int delay_ms = 0) {
  SayRequest request;
  request.set_text(text);
  request.set_delay_ms(delay_ms);
  return request;
}

TEST_F(StressTest, ManyThreadsManyCallKinds) {
  constexpr int kRounds = 100;
  EchoServiceClient shared(NewClient());
  std::atomic<int> failures{0};
  std::vector<std::string> errors(16);
  auto fail = [&](int worker, std::string what) {
    if (failures.fetch_add(1) < 16) errors[worker] = std::move(what);
  };
  std::vector<std::thread> workers;
  // Blocking unary calls on the shared client.
  for (int w = 0; w < 4; ++w) {
    workers.emplace_back([&, w] {
      for (int i = 0; i < kRounds; ++i) {
        const std::string text = "w" + std::to_string(w) + "-" + std::to_string(i);
        auto response = shared.Say(Say(text));
        if (!response.ok() || response->text() != text) fail(w, "unary " + text);
      }
    });
  }
  // Streams: server stream and client stream, alternating.
  for (int w = 4; w < 6; ++w) {
    workers.emplace_back([&, w] {
      for (int i = 0; i < kRounds / 2; ++i) {
        CountRequest count;
        count.set_n(5);
        auto stream = shared.Count(count);
        int expected = 1;
        CountResponse number;
        while (stream.Read(&number)) {
          if (number.number() != expected++) fail(w, "count order");
        }
        if (!stream.status().ok() || expected != 6) fail(w, "count " + stream.status().ToString());
        auto sum = shared.Sum();
        for (int v = 1; v <= 4; ++v) {
          SumRequest value;
          value.set_value(v);
          if (!sum.Send(value)) fail(w, "sum send");
        }
        auto total = sum.CloseAndReceive();
        if (!total.ok() || total->total() != 10) fail(w, "sum total");
      }
    });
  }
  // Asynchronous calls, 8 in flight at a time.
  workers.emplace_back([&] {
    for (int i = 0; i < kRounds / 4; ++i) {
      std::vector<std::future<connectrpc::Result<SayResponse>>> pending;
      for (int j = 0; j < 8; ++j) {
        pending.push_back(shared.SayAsync(Say("a" + std::to_string(j)), asio::use_future));
      }
      for (int j = 0; j < 8; ++j) {
        auto response = pending[j].get();
        if (!response.ok() || response->text() != "a" + std::to_string(j)) fail(6, "async");
      }
    }
  });
  // Cancellations from another thread, racing the answer.
  workers.emplace_back([&] {
    for (int i = 0; i < kRounds / 2; ++i) {
      connectrpc::CallOptions options;
      options.cancellation = std::make_shared<connectrpc::CancellationToken>();
      std::thread canceller([token = options.cancellation, i] {
        std::this_thread::sleep_for(std::chrono::milliseconds(i % 5));
        token->Cancel();
      });
      auto response = shared.Say(Say("c", /*delay_ms=*/i % 3 == 0 ? 0 : 20), options);
      canceller.join();
      if (!response.ok() && response.status().code() != Code::kCanceled) {
        fail(7, "cancel: " + response.status().ToString());
      }
    }
  });
  // Short-lived clients: created, used from two threads, destroyed while idle.
  workers.emplace_back([&] {
    for (int i = 0; i < kRounds / 4; ++i) {
      EchoServiceClient own(NewClient());
      std::thread other([&own, &fail] {
        if (!own.Say(Say("other")).ok()) fail(8, "short-lived client, other thread");
      });
      if (!own.Say(Say("own")).ok()) fail(8, "short-lived client");
      other.join();
    }
  });
  for (std::thread& worker : workers) worker.join();
  for (const std::string& error : errors) EXPECT_EQ(error, "");
  EXPECT_EQ(failures.load(), 0);
}

TEST_F(StressTest, ShutdownWhileCallsAreInFlight) {
  EchoServiceClient echo(NewClient());
  std::atomic<bool> stop{false};
  std::atomic<int> ok{0}, unexpected{0};
  std::vector<std::thread> callers;
  for (int w = 0; w < 6; ++w) {
    callers.emplace_back([&, w] {
      connectrpc::CallOptions options;
      options.timeout = 5000ms;
      while (!stop.load()) {
        auto response = echo.Say(Say("s", w % 2 == 0 ? 0 : 10), options);
        if (response.ok()) {
          ++ok;
        } else if (response.status().code() != Code::kUnavailable &&
                   response.status().code() != Code::kCanceled &&
                   response.status().code() != Code::kDeadlineExceeded) {
          ++unexpected;
        }
      }
    });
  }
  while (ok.load() < 50) std::this_thread::sleep_for(1ms);
  const auto started = std::chrono::steady_clock::now();
  server_->Shutdown(300ms);
  const auto took = std::chrono::steady_clock::now() - started;
  stop = true;
  for (std::thread& caller : callers) caller.join();
  EXPECT_EQ(unexpected.load(), 0);
  // A liveness bound, not a latency check: the grace period plus the documented second.
  EXPECT_LT(took, 1300ms + 3000ms);
}

}  // namespace
}  // namespace e2e::v1
