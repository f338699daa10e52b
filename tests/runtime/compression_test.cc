#include "connectrpc/compression.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace connectrpc {
namespace {

TEST(CompressionTest, Registry) {
  ASSERT_NE(FindCompressor("gzip"), nullptr);
  EXPECT_EQ(FindCompressor("gzip")->name(), "gzip");
  EXPECT_EQ(FindCompressor("identity"), nullptr);
  EXPECT_EQ(FindCompressor("br"), nullptr);
  EXPECT_EQ(FindCompressor(""), nullptr);
  EXPECT_EQ(SupportedEncodings(), "gzip");
}

TEST(CompressionTest, GzipRoundTrip) {
  const Compressor* gzip = FindCompressor("gzip");
  std::mt19937 rng(42);
  for (size_t size : {size_t{0}, size_t{1}, size_t{100}, size_t{70000}, size_t{300000}}) {
    std::string in(size, '\0');
    for (char& c : in) c = static_cast<char>(rng() % 7);  // compressible but not trivial
    std::string packed;
    ASSERT_TRUE(gzip->Compress(in, &packed).ok());
    ASSERT_GE(packed.size(), 18u);  // gzip header + trailer
    EXPECT_EQ(static_cast<unsigned char>(packed[0]), 0x1f);
    EXPECT_EQ(static_cast<unsigned char>(packed[1]), 0x8b);
    std::string out = "junk";
    ASSERT_TRUE(gzip->Decompress(packed, &out, 0).ok()) << size;
    EXPECT_EQ(out, in);
    ASSERT_TRUE(gzip->Decompress(packed, &out, size).ok()) << size;
    EXPECT_EQ(out, in);
  }
}

TEST(CompressionTest, BombLimit) {
  const Compressor* gzip = FindCompressor("gzip");
  const std::string in(10 * 1024 * 1024, 'a');
  std::string packed;
  ASSERT_TRUE(gzip->Compress(in, &packed).ok());
  EXPECT_LT(packed.size(), 20000u);
  std::string out;
  const Status status = gzip->Decompress(packed, &out, 204800);
  EXPECT_EQ(status.code(), Code::kResourceExhausted);
  EXPECT_TRUE(out.empty());

  // Exactly at the limit passes, one byte over fails.
  const std::string exact(204800, 'b');
  ASSERT_TRUE(gzip->Compress(exact, &packed).ok());
  EXPECT_TRUE(gzip->Decompress(packed, &out, 204800).ok());
  EXPECT_EQ(out.size(), 204800u);
  EXPECT_EQ(gzip->Decompress(packed, &out, 204799).code(), Code::kResourceExhausted);
}

TEST(CompressionTest, CorruptInput) {
  const Compressor* gzip = FindCompressor("gzip");
  std::string out;
  EXPECT_EQ(gzip->Decompress("not gzip at all", &out, 0).code(), Code::kInvalidArgument);
  std::string packed;
  ASSERT_TRUE(gzip->Compress(std::string(1000, 'x'), &packed).ok());
  // Truncated.
  EXPECT_EQ(gzip->Decompress(std::string_view(packed).substr(0, packed.size() - 6), &out, 0).code(),
            Code::kInvalidArgument);
  // Bad CRC.
  std::string bad_crc = packed;
  bad_crc[bad_crc.size() - 8] ^= 0x55;
  EXPECT_EQ(gzip->Decompress(bad_crc, &out, 0).code(), Code::kInvalidArgument);
  // Trailing garbage.
  EXPECT_EQ(gzip->Decompress(packed + "garbage", &out, 0).code(), Code::kInvalidArgument);
}

TEST(CompressionTest, ConcatenatedMembers) {
  const Compressor* gzip = FindCompressor("gzip");
  std::string a;
  std::string b;
  ASSERT_TRUE(gzip->Compress("hello ", &a).ok());
  ASSERT_TRUE(gzip->Compress("world", &b).ok());
  std::string out;
  ASSERT_TRUE(gzip->Decompress(a + b, &out, 0).ok());
  EXPECT_EQ(out, "hello world");
  EXPECT_EQ(gzip->Decompress(a + b, &out, 8).code(), Code::kResourceExhausted);
}

}  // namespace
}  // namespace connectrpc
