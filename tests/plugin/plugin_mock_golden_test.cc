// The mock goldens (tests/plugin/golden/mocks) compiled with gMock: each Mock<Service>Client is a
// complete class that implements its interface, and a call through the interface, with or without
// CallOptions, reaches the mocked method.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <future>
#include <string>
#include <type_traits>

#include "keywords/v1/keywords.connect_mock.h"
#include "long_names/v1/long_names.connect_mock.h"
#include "method_options/v1/method_options.connect_mock.h"
#include "no_package.connect_mock.h"
#include "services/v1/services.connect_mock.h"
#include "streams/v1/streams.connect_mock.h"

namespace {

using ::testing::_;
using ::testing::Field;
using ::testing::Property;
using ::testing::Return;

static_assert(std::is_base_of_v<streams::v1::StreamServiceClientInterface,
                                streams::v1::MockStreamServiceClient>);
static_assert(std::is_base_of_v<streams::v1::StreamServiceClientInterface,
                                streams::v1::StreamServiceClient>);
static_assert(std::is_abstract_v<streams::v1::StreamServiceClientInterface>);
static_assert(!std::is_abstract_v<streams::v1::MockStreamServiceClient>);
static_assert(!std::is_abstract_v<services::v1::MockEmptyServiceClient>);
static_assert(!std::is_abstract_v<services::v1::MockFirstServiceClient>);
static_assert(!std::is_abstract_v<services::v1::MockSecondServiceClient>);
static_assert(!std::is_abstract_v<ln::v1::MockInventoryServiceClient>);
static_assert(!std::is_abstract_v<method_options::v1::MockItemServiceClient>);
static_assert(!std::is_abstract_v<keywords::v1::MockKeywordServiceClient>);
static_assert(!std::is_abstract_v<MockGlobalServiceClient>);

streams::v1::Ping PingOf(const char* text) {
  streams::v1::Ping ping;
  ping.set_text(text);
  return ping;
}

TEST(MockGoldenTest, BothOverloadsReachTheMock) {
  streams::v1::MockStreamServiceClient mock;
  streams::v1::Pong pong;
  pong.set_text("pong");
  EXPECT_CALL(mock, Unary(Property(&streams::v1::Ping::text, "a"), _)).WillOnce(Return(pong));
  EXPECT_CALL(mock, Unary(Property(&streams::v1::Ping::text, "b"),
                          Field(&connectrpc::CallOptions::use_get, true)))
      .WillOnce(Return(connectrpc::Status(connectrpc::Code::kNotFound, "no b")));
  streams::v1::StreamServiceClientInterface& client = mock;
  connectrpc::Result<streams::v1::Pong> a = client.Unary(PingOf("a"));
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->text(), "pong");
  connectrpc::CallOptions options;
  options.use_get = true;
  connectrpc::Result<streams::v1::Pong> b = client.Unary(PingOf("b"), options);
  EXPECT_EQ(b.status().code(), connectrpc::Code::kNotFound);
}

boost::asio::awaitable<connectrpc::Result<streams::v1::Pong>> ReadyPong() {
  streams::v1::Pong pong;
  pong.set_text("async pong");
  co_return pong;
}

boost::asio::awaitable<std::string> CallAsync(streams::v1::StreamServiceClientInterface& client) {
  streams::v1::Ping ping = PingOf("c");
  connectrpc::Result<streams::v1::Pong> pong =
      co_await client.UnaryAsync(ping, boost::asio::use_awaitable);
  co_return pong.ok() ? pong->text() : pong.status().ToString();
}

TEST(MockGoldenTest, CoroutineFormIsMocked) {
  streams::v1::MockStreamServiceClient mock;
  EXPECT_CALL(mock, UnaryAsync(Property(&streams::v1::Ping::text, "c"), _, _))
      .WillOnce([](auto&&...) { return ReadyPong(); });
  boost::asio::io_context io;
  std::future<std::string> text = boost::asio::co_spawn(io, CallAsync(mock), boost::asio::use_future);
  io.run();
  EXPECT_EQ(text.get(), "async pong");
}

TEST(MockGoldenTest, KeywordAndGlobalMocksAreMockable) {
  keywords::v1::MockKeywordServiceClient keywords;
  EXPECT_CALL(keywords, new_(_, _)).WillOnce(Return(keywords::v1::class_()));
  keywords::v1::KeywordServiceClientInterface& keyword_client = keywords;
  EXPECT_TRUE(keyword_client.new_(keywords::v1::class_()).ok());

  MockGlobalServiceClient global;
  EXPECT_CALL(global, Call(_, _))
      .WillOnce(Return(connectrpc::Status(connectrpc::Code::kUnavailable, "down")));
  GlobalServiceClientInterface& global_client = global;
  EXPECT_EQ(global_client.Call(GlobalRequest()).status().code(), connectrpc::Code::kUnavailable);
}

}  // namespace
