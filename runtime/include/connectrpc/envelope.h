// Envelopes: the 5-byte frame (flags, big-endian length) around each message of a Connect stream.
//
//   std::string wire;
//   connectrpc::AppendEnvelope(connectrpc::kEnvelopeCompressed, payload, &wire);
//   connectrpc::EnvelopeReader reader(/*max_payload=*/1 << 20);
//   reader.Feed(wire);
//   connectrpc::Envelope frame;
//   while (reader.Next(&frame) == connectrpc::EnvelopeReader::kFrame) ...
#ifndef CONNECTRPC_ENVELOPE_H_
#define CONNECTRPC_ENVELOPE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "connectrpc/status.h"

namespace connectrpc {

inline constexpr uint8_t kEnvelopeCompressed = 0x01;
inline constexpr uint8_t kEnvelopeEndStream = 0x02;
inline constexpr size_t kEnvelopeHeaderSize = 5;

struct Envelope {
  uint8_t flags = 0;
  std::string payload;
};

// Appends one frame to `out`.
void AppendEnvelope(uint8_t flags, std::string_view payload, std::string* out);

// Splits a byte stream into frames as bytes arrive, bounding each frame's size.
class EnvelopeReader {
 public:
  enum Outcome { kFrame, kNeedMore, kError };

  // Frames whose declared length exceeds `max_payload` fail with kResourceExhausted.
  explicit EnvelopeReader(size_t max_payload) : max_payload_(max_payload) {}

  void Feed(std::string_view bytes) { buffer_.append(bytes); }
  // kFrame fills `frame`; kNeedMore means the buffer holds no complete frame; kError sets status().
  Outcome Next(Envelope* frame);
  // True if bytes are buffered that do not form a whole frame (a truncated stream at EOF).
  bool HasPartialFrame() const { return offset_ < buffer_.size(); }
  const Status& status() const { return status_; }

 private:
  size_t max_payload_;
  std::string buffer_;
  size_t offset_ = 0;
  Status status_;
};

}  // namespace connectrpc

#endif  // CONNECTRPC_ENVELOPE_H_
