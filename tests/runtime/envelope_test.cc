#include "connectrpc/envelope.h"

#include <gtest/gtest.h>

#include <string>

namespace connectrpc {
namespace {

TEST(EnvelopeTest, AppendWritesBigEndianHeader) {
  std::string wire = "x";
  AppendEnvelope(kEnvelopeCompressed, std::string(258, 'p'), &wire);
  ASSERT_EQ(wire.size(), 1 + 5 + 258u);
  EXPECT_EQ(wire.substr(0, 6), std::string("x\x01\x00\x00\x01\x02", 6));
  AppendEnvelope(kEnvelopeEndStream, "", &wire);
  EXPECT_EQ(wire.substr(wire.size() - 5), std::string("\x02\x00\x00\x00\x00", 5));
}

TEST(EnvelopeTest, ReadsSeveralFramesFromOneFeed) {
  std::string wire;
  AppendEnvelope(0, "one", &wire);
  AppendEnvelope(0, "", &wire);
  AppendEnvelope(kEnvelopeEndStream, "{}", &wire);
  EnvelopeReader reader(1024);
  reader.Feed(wire);
  Envelope frame;
  ASSERT_EQ(reader.Next(&frame), EnvelopeReader::kFrame);
  EXPECT_EQ(frame.flags, 0);
  EXPECT_EQ(frame.payload, "one");
  ASSERT_EQ(reader.Next(&frame), EnvelopeReader::kFrame);
  EXPECT_EQ(frame.flags, 0);
  EXPECT_EQ(frame.payload, "");
  ASSERT_EQ(reader.Next(&frame), EnvelopeReader::kFrame);
  EXPECT_EQ(frame.flags, kEnvelopeEndStream);
  EXPECT_EQ(frame.payload, "{}");
  EXPECT_EQ(reader.Next(&frame), EnvelopeReader::kNeedMore);
  EXPECT_FALSE(reader.HasPartialFrame());
  EXPECT_TRUE(reader.status().ok());
}

TEST(EnvelopeTest, FramesSplitAcrossFeedsByteByByte) {
  std::string wire;
  AppendEnvelope(0, "hello", &wire);
  AppendEnvelope(kEnvelopeCompressed, std::string(300, 'z'), &wire);
  EnvelopeReader reader(0);
  Envelope frame;
  std::vector<Envelope> frames;
  for (char c : wire) {
    reader.Feed(std::string_view(&c, 1));
    while (true) {
      const auto outcome = reader.Next(&frame);
      ASSERT_NE(outcome, EnvelopeReader::kError);
      if (outcome == EnvelopeReader::kNeedMore) break;
      frames.push_back(frame);
    }
  }
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0].payload, "hello");
  EXPECT_EQ(frames[1].flags, kEnvelopeCompressed);
  EXPECT_EQ(frames[1].payload, std::string(300, 'z'));
  EXPECT_FALSE(reader.HasPartialFrame());
}

TEST(EnvelopeTest, TruncatedStreamLeavesPartialFrame) {
  std::string wire;
  AppendEnvelope(0, "hello", &wire);
  EnvelopeReader reader(1024);
  reader.Feed(std::string_view(wire).substr(0, 3));
  Envelope frame;
  EXPECT_EQ(reader.Next(&frame), EnvelopeReader::kNeedMore);
  EXPECT_TRUE(reader.HasPartialFrame());
  reader.Feed(std::string_view(wire).substr(3, 4));  // header complete, payload partial
  EXPECT_EQ(reader.Next(&frame), EnvelopeReader::kNeedMore);
  EXPECT_TRUE(reader.HasPartialFrame());
  reader.Feed(std::string_view(wire).substr(7));
  ASSERT_EQ(reader.Next(&frame), EnvelopeReader::kFrame);
  EXPECT_EQ(frame.payload, "hello");
  EXPECT_FALSE(reader.HasPartialFrame());
}

TEST(EnvelopeTest, OversizeFrameIsResourceExhausted) {
  std::string wire;
  AppendEnvelope(0, std::string(204810, 'a'), &wire);
  EnvelopeReader reader(204800);
  reader.Feed(std::string_view(wire).substr(0, 5));  // the header alone is enough to reject
  Envelope frame;
  ASSERT_EQ(reader.Next(&frame), EnvelopeReader::kError);
  EXPECT_EQ(reader.status().code(), Code::kResourceExhausted);
  EXPECT_EQ(reader.status().message(), "message size 204810 exceeds limit 204800");
  // Errors are sticky.
  reader.Feed(std::string_view(wire).substr(5));
  EXPECT_EQ(reader.Next(&frame), EnvelopeReader::kError);
}

TEST(EnvelopeTest, ExactlyAtLimitPasses) {
  std::string wire;
  AppendEnvelope(0, std::string(204800, 'a'), &wire);
  EnvelopeReader reader(204800);
  reader.Feed(wire);
  Envelope frame;
  ASSERT_EQ(reader.Next(&frame), EnvelopeReader::kFrame);
  EXPECT_EQ(frame.payload.size(), 204800u);
}

TEST(EnvelopeTest, ZeroLimitMeansUnlimited) {
  std::string wire;
  AppendEnvelope(0, std::string(1 << 20, 'a'), &wire);
  EnvelopeReader reader(0);
  reader.Feed(wire);
  Envelope frame;
  ASSERT_EQ(reader.Next(&frame), EnvelopeReader::kFrame);
  EXPECT_EQ(frame.payload.size(), size_t{1} << 20);
}

TEST(EnvelopeTest, ManySmallFramesStreamedThrough) {
  EnvelopeReader reader(100);
  Envelope frame;
  for (int i = 0; i < 10000; ++i) {
    std::string wire;
    AppendEnvelope(0, std::to_string(i), &wire);
    // Feed in two halves so a partial frame is often pending.
    reader.Feed(std::string_view(wire).substr(0, 3));
    while (reader.Next(&frame) == EnvelopeReader::kFrame) {
    }
    reader.Feed(std::string_view(wire).substr(3));
    ASSERT_EQ(reader.Next(&frame), EnvelopeReader::kFrame);
    ASSERT_EQ(frame.payload, std::to_string(i));
  }
  EXPECT_FALSE(reader.HasPartialFrame());
}

}  // namespace
}  // namespace connectrpc
