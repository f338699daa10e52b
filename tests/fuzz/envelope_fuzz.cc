// EnvelopeReader over bytes that arrive in arbitrary pieces: frames must come out the same
// however the stream is split, never larger than the limit, and re-encode to the bytes consumed.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "connectrpc/envelope.h"
#include "tests/fuzz/fuzz_input.h"

namespace {

using connectrpc::Envelope;
using connectrpc::EnvelopeReader;
using connectrpc::fuzz::Check;

struct Outcome {
  std::vector<Envelope> frames;
  bool failed = false;
  bool partial = false;
};

// Feeds `wire` in pieces of 1 to 16 bytes whose sizes come from `pieces` (cycled; empty: all at
// once), reading frames after each.
Outcome Read(std::string_view wire, std::string_view pieces, size_t max_payload) {
  Outcome outcome;
  EnvelopeReader reader(max_payload);
  size_t offset = 0;
  size_t turn = 0;
  while (offset <= wire.size() && !outcome.failed) {
    size_t n = wire.size() - offset;
    if (!pieces.empty()) {
      n = std::min(n, 1 + static_cast<size_t>(static_cast<uint8_t>(pieces[turn++ % pieces.size()])) % 16);
    }
    reader.Feed(wire.substr(offset, n));
    offset += n;
    for (;;) {
      Envelope frame;
      const EnvelopeReader::Outcome got = reader.Next(&frame);
      if (got == EnvelopeReader::kFrame) {
        Check(frame.payload.size() <= max_payload, "a frame larger than the limit was returned");
        outcome.frames.push_back(std::move(frame));
        continue;
      }
      if (got == EnvelopeReader::kError) {
        Check(!reader.status().ok(), "kError with an OK status");
        outcome.failed = true;
      }
      break;
    }
    if (offset == wire.size()) break;
  }
  outcome.partial = reader.HasPartialFrame();
  return outcome;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  connectrpc::fuzz::FuzzInput input(data, size);
  const size_t max_payload = size_t{1} << (input.Byte() % 21);  // 1 B .. 1 MiB
  const std::string_view pieces = input.Take(input.Byte() % 8);
  const std::string_view wire = input.Rest();

  const Outcome whole = Read(wire, {}, max_payload);
  const Outcome split = Read(wire, pieces, max_payload);
  Check(whole.failed == split.failed, "the outcome depends on how the bytes were split");
  Check(whole.frames.size() == split.frames.size(), "frame count depends on the split");
  std::string reencoded;
  for (size_t i = 0; i < whole.frames.size(); ++i) {
    Check(whole.frames[i].flags == split.frames[i].flags, "flags depend on the split");
    Check(whole.frames[i].payload == split.frames[i].payload, "payload depends on the split");
    connectrpc::AppendEnvelope(whole.frames[i].flags, whole.frames[i].payload, &reencoded);
  }
  Check(wire.substr(0, reencoded.size()) == reencoded, "frames do not re-encode to their bytes");
  if (!whole.failed) {
    Check(whole.partial == (reencoded.size() < wire.size()), "partial-frame report is wrong");
  }
  return 0;
}
