// connect_cpp_generate(... MOCKS) in its generating mode: the fresh <stem>.connect_mock.h is an
// output of the build, found on the library's include path, and its mock works through the
// interface.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "streams/v1/streams.connect_mock.h"

namespace {

using ::testing::_;
using ::testing::Return;

TEST(GeneratedMockTest, MockAnswersThroughTheInterface) {
  streams::v1::MockStreamServiceClient mock;
  streams::v1::Pong pong;
  pong.set_text("fresh");
  EXPECT_CALL(mock, Unary(_, _)).WillOnce(Return(pong));
  streams::v1::StreamServiceClientInterface& client = mock;
  connectrpc::Result<streams::v1::Pong> result = client.Unary(streams::v1::Ping());
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->text(), "fresh");
}

}  // namespace
