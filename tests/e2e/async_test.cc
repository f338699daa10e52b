// Loopback tests of the asynchronous client API: use_awaitable, use_future and callbacks for
// unary calls, the asynchronous stream objects, cancellation, deadlines, interceptors, a user
// executor, and calls that outlive their Client.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <chrono>
#include <future>
#include <memory>
#include <optional>
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

class AsyncTest : public ::testing::Test {
 protected:
  void SetUp() override {
    connectrpc::ServerOptions options;
    options.handler_threads = 8;
    server_ = std::make_unique<connectrpc::Server>(std::move(options));
    RegisterEchoServiceHandler(*server_, std::make_shared<EchoHandler>());
    ASSERT_TRUE(server_->Listen("127.0.0.1", 0).ok());
    server_->Start();
  }
  void TearDown() override { server_->Shutdown(1000ms); }

  std::shared_ptr<connectrpc::Client> MakeConnectClient(connectrpc::ClientOptions options = {}) {
    auto client = connectrpc::Client::Create("http://127.0.0.1:" + std::to_string(server_->port()),
                                             std::move(options));
    EXPECT_TRUE(client.ok()) << client.status().ToString();
    return *client;
  }

  std::unique_ptr<connectrpc::Server> server_;
};

SayRequest Say(std::string text, int delay_ms = 0) {
  SayRequest request;
  request.set_text(std::move(text));
  request.set_delay_ms(delay_ms);
  return request;
}

TEST_F(AsyncTest, UnaryWithUseAwaitable) {
  auto client = MakeConnectClient();
  EchoServiceClient echo(client);
  std::future<std::vector<std::string>> done = asio::co_spawn(
      client->executor(),
      [&echo]() -> asio::awaitable<std::vector<std::string>> {
        std::vector<std::string> texts;
        for (int i = 0; i < 3; ++i) {
          connectrpc::Result<SayResponse> response =
              co_await echo.SayAsync(Say("co " + std::to_string(i)), asio::use_awaitable);
          texts.push_back(response.ok() ? response->text() : response.status().ToString());
        }
        connectrpc::CallOptions options;
        options.timeout = 5000ms;
        auto timed = co_await echo.SayAsync(Say("timed"), options, asio::use_awaitable);
        texts.push_back(timed.ok() && timed->timeout_ms() > 0 ? "timed" : "no timeout");
        co_return texts;
      },
      asio::use_future);
  EXPECT_EQ(done.get(), (std::vector<std::string>{"co 0", "co 1", "co 2", "timed"}));
}

TEST_F(AsyncTest, UnaryWithUseFutureAndCallbacks) {
  EchoServiceClient echo(MakeConnectClient());
  std::vector<std::future<connectrpc::Result<SayResponse>>> futures;
  for (int i = 0; i < 16; ++i) {
    futures.push_back(echo.SayAsync(Say("f" + std::to_string(i)), asio::use_future));
  }
  for (int i = 0; i < 16; ++i) {
    connectrpc::Result<SayResponse> response = futures[i].get();
    ASSERT_TRUE(response.ok()) << response.status().ToString();
    EXPECT_EQ(response->text(), "f" + std::to_string(i));
  }

  std::promise<std::string> promise;
  connectrpc::ResponseMetadata metadata;
  connectrpc::CallOptions options;
  options.response_metadata = &metadata;
  echo.SayAsync(Say("callback"), options, [&promise](connectrpc::Result<SayResponse> response) {
    promise.set_value(response.ok() ? response->text() : response.status().ToString());
  });
  EXPECT_EQ(promise.get_future().get(), "callback");
  EXPECT_EQ(metadata.trailers.Get("x-trailer").value_or(""), "done");
}

TEST_F(AsyncTest, ErrorsArriveAsResults) {
  EchoServiceClient echo(MakeConnectClient());
  FailRequest request;
  request.set_code(static_cast<int>(Code::kNotFound));
  request.set_message("nope");
  auto response = echo.FailAsync(request, asio::use_future).get();
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), Code::kNotFound);
  EXPECT_EQ(response.status().metadata().Get("x-error-header").value_or(""), "h");
}

TEST_F(AsyncTest, UserExecutor) {
  asio::io_context io;
  auto work = asio::make_work_guard(io);
  std::thread runner([&io] { io.run(); });
  connectrpc::ClientOptions options;
  options.executor = io.get_executor();
  auto client = MakeConnectClient(options);
  EchoServiceClient echo(client);
  std::future<std::string> done = asio::co_spawn(
      io,
      [&echo]() -> asio::awaitable<std::string> {
        auto response = co_await echo.SayAsync(Say("on my loop"), asio::use_awaitable);
        co_return response.ok() ? response->text() : response.status().ToString();
      },
      asio::use_future);
  EXPECT_EQ(done.get(), "on my loop");
  // Blocking calls from other threads work too; on the loop thread they are refused.
  EXPECT_TRUE(echo.Say(Say("blocking")).ok());
  std::promise<connectrpc::Status> refused;
  asio::post(io, [&] { refused.set_value(echo.Say(Say("on the loop")).status()); });
  EXPECT_EQ(refused.get_future().get().code(), Code::kFailedPrecondition);
  client.reset();
  echo = EchoServiceClient(nullptr);
  work.reset();
  runner.join();  // nothing of the client is left on the loop
}

TEST_F(AsyncTest, BlockingCallOnTheClientLoopFailsLoudly) {
  auto client = MakeConnectClient();
  EchoServiceClient echo(client);
  std::promise<connectrpc::Status> unary;
  std::promise<connectrpc::Status> stream;
  echo.SayAsync(Say("x"), [&](connectrpc::Result<SayResponse>) {
    // This callback runs on the client's event loop.
    EXPECT_TRUE(client->InEventLoopThread());
    unary.set_value(echo.Say(Say("nested")).status());
    CountRequest request;
    request.set_n(2);
    auto reader = echo.Count(request);
    CountResponse response;
    EXPECT_FALSE(reader.Read(&response));
    stream.set_value(reader.status());
  });
  EXPECT_EQ(unary.get_future().get().code(), Code::kFailedPrecondition);
  EXPECT_EQ(stream.get_future().get().code(), Code::kFailedPrecondition);
}

TEST_F(AsyncTest, Streams) {
  auto client = MakeConnectClient();
  EchoServiceClient echo(client);
  std::future<std::vector<std::string>> done = asio::co_spawn(
      client->executor(),
      [&echo]() -> asio::awaitable<std::vector<std::string>> {
        std::vector<std::string> log;
        CountRequest count;
        count.set_n(3);
        connectrpc::AsyncServerStream<CountResponse> numbers = echo.CountAsync(count);
        while (std::optional<CountResponse> number = co_await numbers.Read(asio::use_awaitable)) {
          log.push_back(std::to_string(number->number()));
        }
        log.push_back(numbers.status().ok() ? "end" : numbers.status().ToString());
        log.push_back(std::string(numbers.response_trailers().Get("x-total").value_or("")));

        auto sum = echo.SumAsync();
        for (int i = 1; i <= 4; ++i) {
          SumRequest value;
          value.set_value(i);
          if (!co_await sum.Send(value, asio::use_awaitable)) log.push_back("send failed");
        }
        connectrpc::Result<SumResponse> total = co_await sum.CloseAndReceive(asio::use_awaitable);
        log.push_back(total.ok() ? std::to_string(total->total()) : total.status().ToString());

        auto chat = echo.ChatAsync();
        for (std::string text : {"a", "b"}) {
          ChatRequest message;
          message.set_text(text);
          co_await chat.Send(message, asio::use_awaitable);
        }
        co_await chat.CloseSend(asio::use_awaitable);
        while (auto reply = co_await chat.Read(asio::use_awaitable)) log.push_back(reply->text());
        log.push_back(chat.status().ok() ? "chat end" : chat.status().ToString());
        co_return log;
      },
      asio::use_future);
  EXPECT_EQ(done.get(), (std::vector<std::string>{"1", "2", "3", "end", "3", "10", "you said: a",
                                                  "you said: b", "chat end"}));
}

TEST_F(AsyncTest, StreamWithFuturesAndErrors) {
  EchoServiceClient echo(MakeConnectClient());
  CountRequest request;
  request.set_n(5);
  request.set_fail_after(1);
  request.set_fail_code(static_cast<int>(Code::kAborted));
  auto stream = echo.CountAsync(request);
  std::optional<CountResponse> first = stream.Read(asio::use_future).get();
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->number(), 1);
  EXPECT_FALSE(stream.Read(asio::use_future).get().has_value());
  EXPECT_EQ(stream.status().code(), Code::kAborted);
}

TEST_F(AsyncTest, CancellationFromAnotherThread) {
  EchoServiceClient echo(MakeConnectClient());
  connectrpc::CallOptions options;
  options.cancellation = std::make_shared<connectrpc::CancellationToken>();
  auto started = std::chrono::steady_clock::now();
  // The handler would answer after 6 s; the cancellation ends the call long before (the bound
  // below tells the two apart with a wide margin, it is not a latency check).
  auto pending = echo.SayAsync(Say("slow", 6000), options, asio::use_future);
  std::thread canceller([token = options.cancellation] {
    std::this_thread::sleep_for(100ms);
    token->Cancel();
  });
  connectrpc::Result<SayResponse> response = pending.get();
  canceller.join();
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), Code::kCanceled);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 4000ms);

  // A stream cancelled from another thread while a read is pending.
  CountRequest count;
  count.set_n(1);
  SayRequest unused;
  auto stream = echo.ChatAsync();
  ChatRequest hello;
  hello.set_text("hello");
  EXPECT_TRUE(stream.Send(hello, asio::use_future).get());
  stream.Cancel();
  EXPECT_FALSE(stream.Read(asio::use_future).get().has_value());
  EXPECT_EQ(stream.status().code(), Code::kCanceled);
}

TEST_F(AsyncTest, Deadline) {
  EchoServiceClient echo(MakeConnectClient());
  connectrpc::CallOptions options;
  options.timeout = 100ms;
  auto response = echo.SayAsync(Say("slow", 3000), options, asio::use_future).get();
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), Code::kDeadlineExceeded);
  EXPECT_TRUE(echo.SayAsync(Say("next"), asio::use_future).get().ok());
}

TEST_F(AsyncTest, CallsAndStreamsOutliveTheirClient) {
  auto client = MakeConnectClient();
  auto echo = std::make_unique<EchoServiceClient>(client);
  auto pending = echo->SayAsync(Say("still here", 200), asio::use_future);
  CountRequest count;
  count.set_n(2);
  auto stream = echo->CountAsync(count);
  echo.reset();
  client.reset();  // the Client object is gone; the calls hold what they need
  connectrpc::Result<SayResponse> response = pending.get();
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->text(), "still here");
  int received = 0;
  while (stream.Read(asio::use_future).get()) ++received;
  EXPECT_EQ(received, 2);
  EXPECT_TRUE(stream.status().ok()) << stream.status().ToString();
}

// Adds a header through the coroutine interceptor API, for both forms of a call.
class EchoHeader : public connectrpc::ClientInterceptor {
 public:
  asio::awaitable<connectrpc::Status> InterceptUnary(connectrpc::ClientCallInfo& info,
                                                     const google::protobuf::Message& request,
                                                     google::protobuf::Message* response,
                                                     const UnaryNext& next) override {
    ++calls;
    info.request_headers.Add("x-echo", "intercepted");
    connectrpc::Status status = co_await next(info, request, response);
    if (!status.ok()) co_return status;
    co_return co_await next(info, request, response);  // twice: interceptors may retry
  }
  std::atomic<int> calls{0};
};

TEST_F(AsyncTest, InterceptorsRunForBothForms) {
  auto interceptor = std::make_shared<EchoHeader>();
  connectrpc::ClientOptions options;
  options.interceptors.push_back(interceptor);
  EchoServiceClient echo(MakeConnectClient(options));
  connectrpc::ResponseMetadata blocking_metadata;
  connectrpc::CallOptions blocking;
  blocking.response_metadata = &blocking_metadata;
  ASSERT_TRUE(echo.Say(Say("b"), blocking).ok());
  EXPECT_EQ(blocking_metadata.headers.Get("x-echo").value_or(""), "intercepted");
  connectrpc::ResponseMetadata async_metadata;
  connectrpc::CallOptions async;
  async.response_metadata = &async_metadata;
  auto response = echo.SayAsync(Say("a"), async, asio::use_future).get();
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->text(), "a");
  EXPECT_EQ(async_metadata.headers.Get("x-echo").value_or(""), "intercepted");
  EXPECT_EQ(interceptor->calls, 2);
}

}  // namespace
}  // namespace e2e::v1
