// GreetAll and GreetAllAsync tested twice: with the generated MockGreetServiceClient (no server;
// every call is an expectation) and through the real GreetServiceClient against a loopback
// server, so the mock and the client are interchangeable behind the interface.
#include "greeting_roster.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "connectrpc/client.h"
#include "connectrpc/server.h"
#include "greet/v1/greet.connect_mock.h"

namespace roster {
namespace {

namespace asio = boost::asio;
using connectrpc::Code;
using connectrpc::Status;
using greet::v1::GreetRequest;
using greet::v1::GreetResponse;
using greet::v1::MockGreetServiceClient;
using ::testing::_;
using ::testing::ElementsAre;
using ::testing::InSequence;
using ::testing::IsEmpty;
using ::testing::Property;
using ::testing::Return;
using ::testing::StrictMock;
using namespace std::chrono_literals;

GreetResponse Greeting(const std::string& text) {
  GreetResponse response;
  response.set_greeting(text);
  return response;
}

auto NameIs(const std::string& name) { return Property(&GreetRequest::name, name); }

asio::awaitable<connectrpc::Result<GreetResponse>> Ready(connectrpc::Result<GreetResponse> r) {
  co_return r;
}

Greetings RunAsync(asio::io_context& io, greet::v1::GreetServiceClientInterface& client,
                   std::vector<std::string> names) {
  std::future<Greetings> done =
      asio::co_spawn(io, GreetAllAsync(client, std::move(names)), asio::use_future);
  io.run();
  return done.get();
}

TEST(GreetingRosterMockTest, RetriesUnavailableOnceAndSkipsEmptyNames) {
  StrictMock<MockGreetServiceClient> client;  // any call not expected fails the test
  {
    InSequence in_order;
    EXPECT_CALL(client, Greet(NameIs("ada"), _)).WillOnce(Return(Greeting("hi ada")));
    EXPECT_CALL(client, Greet(NameIs("bob"), _))
        .WillOnce(Return(Status(Code::kUnavailable, "restarting")))
        .WillOnce(Return(Greeting("hi bob")));
  }
  Greetings out = GreetAll(client, {"ada", "", "bob"});
  EXPECT_THAT(out.greetings, ElementsAre("hi ada", "hi bob"));
  EXPECT_THAT(out.failed, IsEmpty());
}

TEST(GreetingRosterMockTest, GivesUpAfterOneRetryAndDoesNotRetryOtherCodes) {
  StrictMock<MockGreetServiceClient> client;
  EXPECT_CALL(client, Greet(NameIs("cy"), _))
      .Times(2)
      .WillRepeatedly(Return(Status(Code::kUnavailable, "down")));
  EXPECT_CALL(client, Greet(NameIs("di"), _))
      .WillOnce(Return(Status(Code::kPermissionDenied, "not di")));
  Greetings out = GreetAll(client, {"cy", "di"});
  EXPECT_THAT(out.greetings, IsEmpty());
  ASSERT_EQ(out.failed.size(), 2u);
  EXPECT_THAT(out.failed[0], ::testing::StartsWith("cy: "));
  EXPECT_THAT(out.failed[0], ::testing::HasSubstr("down"));
  EXPECT_THAT(out.failed[1], ::testing::HasSubstr("not di"));
}

TEST(GreetingRosterMockTest, CoroutineFormIsMockedToo) {
  StrictMock<MockGreetServiceClient> client;
  {
    InSequence in_order;
    EXPECT_CALL(client, GreetAsync(NameIs("eve"), _, _))
        .WillOnce([](auto&&...) { return Ready(Status(Code::kUnavailable, "blip")); })
        .WillOnce([](auto&&...) { return Ready(Greeting("hi eve")); });
    EXPECT_CALL(client, GreetAsync(NameIs("fay"), _, _)).WillOnce([](auto&&...) {
      return Ready(Greeting("hi fay"));
    });
  }
  asio::io_context io;
  Greetings out = RunAsync(io, client, {"eve", "fay", ""});
  EXPECT_THAT(out.greetings, ElementsAre("hi eve", "hi fay"));
  EXPECT_THAT(out.failed, IsEmpty());
}

// A real service: greets everyone, except that each name starting with "flaky" is unavailable on
// its first call and "nobody" is not found.
class FlakyGreeter : public greet::v1::GreetServiceAsyncHandler {
 public:
  connectrpc::Task<Status> Greet(connectrpc::ServerContext& /*context*/,
                                 const GreetRequest& request, GreetResponse* response) override {
    calls_.fetch_add(1);
    if (request.name() == "nobody") co_return Status(Code::kNotFound, "no such person");
    if (request.name().starts_with("flaky") && !flaked_.exchange(true)) {
      co_return Status(Code::kUnavailable, "warming up");
    }
    response->set_greeting("Hello, " + request.name() + "!");
    co_return Status();
  }
  int calls() const { return calls_.load(); }

 private:
  std::atomic<int> calls_{0};
  std::atomic<bool> flaked_{false};
};

class GreetingRosterLoopbackTest : public ::testing::Test {
 protected:
  void SetUp() override {
    greeter_ = std::make_shared<FlakyGreeter>();
    greet::v1::RegisterGreetServiceHandler(server_, greeter_);
    ASSERT_TRUE(server_.Listen("127.0.0.1", 0).ok());
    server_.Start();
  }
  void TearDown() override { server_.Shutdown(1000ms); }

  std::shared_ptr<connectrpc::Client> Connect(connectrpc::ClientOptions options = {}) {
    options.default_timeout = 5000ms;
    auto client = connectrpc::Client::Create("http://127.0.0.1:" + std::to_string(server_.port()),
                                             std::move(options));
    EXPECT_TRUE(client.ok()) << client.status().ToString();
    return *client;
  }

  connectrpc::Server server_;
  std::shared_ptr<FlakyGreeter> greeter_;
};

TEST_F(GreetingRosterLoopbackTest, RealClientThroughTheInterface) {
  greet::v1::GreetServiceClient real(Connect());
  Greetings out = GreetAll(real, {"ada", "flaky fred", "", "nobody"});
  EXPECT_THAT(out.greetings, ElementsAre("Hello, ada!", "Hello, flaky fred!"));
  ASSERT_EQ(out.failed.size(), 1u);
  EXPECT_THAT(out.failed[0], ::testing::StartsWith("nobody: "));
  EXPECT_THAT(out.failed[0], ::testing::HasSubstr("no such person"));
  EXPECT_EQ(greeter_->calls(), 4);  // ada, flaky fred twice, nobody
}

TEST_F(GreetingRosterLoopbackTest, RealClientCoroutineFormOnItsLoop) {
  std::shared_ptr<connectrpc::Client> client = Connect();
  greet::v1::GreetServiceClient real(client);
  std::future<Greetings> done = asio::co_spawn(
      client->executor(), GreetAllAsync(real, {"flaky fay", "gus"}), asio::use_future);
  ASSERT_EQ(done.wait_for(10s), std::future_status::ready);
  Greetings out = done.get();
  EXPECT_THAT(out.greetings, ElementsAre("Hello, flaky fay!", "Hello, gus!"));
  EXPECT_THAT(out.failed, IsEmpty());
  EXPECT_EQ(greeter_->calls(), 3);
}

}  // namespace
}  // namespace roster
