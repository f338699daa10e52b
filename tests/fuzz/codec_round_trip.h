// The round-trip check the codec fuzz targets share: bytes a codec accepts must marshal, and the
// marshaled form must read back to the same message.
#ifndef CONNECTRPC_TESTS_FUZZ_CODEC_ROUND_TRIP_H_
#define CONNECTRPC_TESTS_FUZZ_CODEC_ROUND_TRIP_H_

#include <google/protobuf/message.h>
#include <google/protobuf/stubs/logging.h>

#include <memory>
#include <string>
#include <string_view>

#include "connectrpc/codec.h"
#include "tests/fuzz/fuzz_input.h"

namespace connectrpc::fuzz {

// protobuf logs an ERROR line for every string field that is not UTF-8; fuzz inputs are full of
// them, and the run's log should show only what the fuzzer found.
inline void SilenceProtobufLogs() {
  google::protobuf::SetLogHandler(
      [](google::protobuf::LogLevel, const char*, int, const std::string&) {});
}

// Deterministic binary form, to compare messages (NaNs included, which equality would not).
inline std::string Canonical(const google::protobuf::Message& message) {
  std::string out;
  Check(ProtoCodec().Marshal(message, &out).ok(), "binary marshal failed");
  return out;
}

// Unmarshals `data` into a fresh `prototype`; if that succeeds, checks Marshal and a second
// Unmarshal give the same message.
inline void CheckRoundTrip(const Codec& codec, const google::protobuf::Message& prototype,
                           std::string_view data) {
  std::unique_ptr<google::protobuf::Message> first(prototype.New());
  const Status read = codec.Unmarshal(data, first.get());
  if (!read.ok()) {
    Check(read.code() == Code::kInvalidArgument, "a bad input failed with a code other than "
                                                 "invalid_argument");
    return;
  }
  std::string written;
  const Status wrote = codec.Marshal(*first, &written);
  Check(wrote.ok(), "a message the codec read cannot be written back");
  std::unique_ptr<google::protobuf::Message> second(prototype.New());
  Check(codec.Unmarshal(written, second.get()).ok(), "the codec cannot read its own output");
  Check(Canonical(*first) == Canonical(*second), "a write and read changed the message");
}

}  // namespace connectrpc::fuzz

#endif  // CONNECTRPC_TESTS_FUZZ_CODEC_ROUND_TRIP_H_
