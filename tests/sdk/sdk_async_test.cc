// The asynchronous forms of transcodely::Client against the fake server: unary calls through the
// resource namespaces (with retries that wait on a timer), AsyncPager and AsyncWatchStream.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "sdk_fake_server.h"
#include "transcodely/client.h"

namespace transcodely {
namespace {

namespace asio = boost::asio;
using std::chrono::milliseconds;
using testing::FakeServer;

class SdkAsyncTest : public ::testing::Test {
 protected:
  // No sleep hook: retries and reconnections wait on real timers of the event loop.
  Client MakeClient() {
    ClientOptions options;
    options.api_key = "ak_test_secret";
    options.base_url = server_.base_url();
    options.timeout = milliseconds(5000);
    auto client = Client::Create(std::move(options));
    EXPECT_TRUE(client.ok()) << client.status().ToString();
    return std::move(*client);
  }

  FakeServer server_;
};

TEST_F(SdkAsyncTest, UnaryCallsRetryOnATimer) {
  server_.state().fail_first = 2;
  Client client = MakeClient();
  v1::CreateJobRequest request;
  request.set_input_url("https://example.com/in.mp4");
  request.add_outputs();
  const auto started = std::chrono::steady_clock::now();
  auto created = client.jobs().CreateAsync(request, asio::use_future).get();
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  // Two backoffs of at least 125 ms and 250 ms, waited on the loop.
  EXPECT_GE(std::chrono::steady_clock::now() - started, milliseconds(375));
  auto calls = server_.state().Calls();
  ASSERT_EQ(calls.size(), 3u);
  EXPECT_EQ(calls[0].headers.Get("idempotency-key"), calls[2].headers.Get("idempotency-key"));
  EXPECT_EQ(calls[0].headers.Get("authorization").value_or(""), "Bearer ak_test_secret");

  // Many retrying calls at once do not need a thread each.
  server_.state().fail_first = 8;
  std::vector<std::future<connectrpc::Result<v1::GetJobResponse>>> gets;
  v1::GetJobRequest get;
  get.set_id("job_1");
  for (int i = 0; i < 8; ++i) gets.push_back(client.jobs().GetAsync(get, asio::use_future));
  for (auto& pending : gets) EXPECT_TRUE(pending.get().ok());
}

TEST_F(SdkAsyncTest, AsyncPagerWalksEveryPage) {
  server_.state().job_pages = {
      {"", {{"job_1", "job_2"}, "c2"}}, {"c2", {{"job_3"}, "c3"}}, {"c3", {{"job_4"}, ""}}};
  server_.state().video_pages = {{"", {{"vid_1"}, "t2"}}, {"t2", {{"vid_2"}, ""}}};
  Client client = MakeClient();
  std::future<std::vector<std::string>> done = asio::co_spawn(
      client.connect_client()->executor(),
      [&client]() -> asio::awaitable<std::vector<std::string>> {
        std::vector<std::string> ids;
        AsyncPager<v1::Job> jobs = client.jobs().ListAllAsync({});
        while (auto job = co_await jobs.Next(asio::use_awaitable)) {
          ids.push_back(job->ok() ? (*job)->id() : job->status().ToString());
        }
        ids.push_back(std::to_string(jobs.pages_fetched()));
        AsyncPager<v1::Video> videos = client.videos().ListAllAsync({});
        while (auto video = co_await videos.Next(asio::use_awaitable)) {
          ids.push_back(video->ok() ? (*video)->id() : video->status().ToString());
        }
        co_return ids;
      },
      asio::use_future);
  EXPECT_EQ(done.get(),
            (std::vector<std::string>{"job_1", "job_2", "job_3", "job_4", "3", "vid_1", "vid_2"}));
}

TEST_F(SdkAsyncTest, AsyncPagerEndsWithTheError) {
  server_.state().job_pages = {{"", {{"job_1"}, "gone"}}};
  Client client = MakeClient();
  AsyncPager<v1::Job> jobs = client.jobs().ListAllAsync({});
  auto first = jobs.Next(asio::use_future).get();
  ASSERT_TRUE(first && first->ok());
  auto second = jobs.Next(asio::use_future).get();
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->status().code(), connectrpc::Code::kInvalidArgument);
  EXPECT_FALSE(jobs.Next(asio::use_future).get().has_value());
}

TEST_F(SdkAsyncTest, AsyncWatchDropsHeartbeatsAndReconnects) {
  Client client = MakeClient();
  AsyncJobWatch watch = client.jobs().WatchJobAsync("job_7");
  std::vector<v1::WatchEventType> events;
  for (;;) {
    auto event = watch.Next(asio::use_future).get();
    if (!event) break;
    ASSERT_TRUE(event->ok()) << event->status().ToString();
    EXPECT_EQ((*event)->job().id(), "job_7");
    events.push_back((*event)->event());
  }
  EXPECT_EQ(events, (std::vector<v1::WatchEventType>{
                        v1::WATCH_EVENT_TYPE_SNAPSHOT, v1::WATCH_EVENT_TYPE_PROGRESS,
                        v1::WATCH_EVENT_TYPE_SNAPSHOT, v1::WATCH_EVENT_TYPE_COMPLETED}));
  EXPECT_EQ(watch.reconnects(), 1);
  EXPECT_EQ(server_.state().Calls().size(), 2u);
}

TEST_F(SdkAsyncTest, AsyncWatchCancel) {
  server_.state().watch_failures = 0;
  server_.state().watch_stall_ms = 5000;
  Client client = MakeClient();
  AsyncJobWatch watch = client.jobs().WatchJobAsync("job_1");
  auto snapshot = watch.Next(asio::use_future).get();
  ASSERT_TRUE(snapshot && snapshot->ok());
  auto pending = watch.Next(asio::use_future);
  watch.Cancel();
  auto ended = pending.get();
  ASSERT_TRUE(ended.has_value());
  EXPECT_EQ(ended->status().code(), connectrpc::Code::kCanceled);
}

}  // namespace
}  // namespace transcodely
