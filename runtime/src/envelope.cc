// Envelope framing for Connect streams.
#include "connectrpc/envelope.h"

#include <string>

namespace connectrpc {

void AppendEnvelope(uint8_t flags, std::string_view payload, std::string* out) {
  const auto length = static_cast<uint32_t>(payload.size());
  const char header[kEnvelopeHeaderSize] = {
      static_cast<char>(flags),
      static_cast<char>((length >> 24) & 0xff),
      static_cast<char>((length >> 16) & 0xff),
      static_cast<char>((length >> 8) & 0xff),
      static_cast<char>(length & 0xff),
  };
  out->reserve(out->size() + kEnvelopeHeaderSize + payload.size());
  out->append(header, kEnvelopeHeaderSize);
  out->append(payload);
}

EnvelopeReader::Outcome EnvelopeReader::Next(Envelope* frame) {
  if (!status_.ok()) return kError;
  const size_t available = buffer_.size() - offset_;
  if (available < kEnvelopeHeaderSize) {
    // Drop consumed bytes so the buffer holds at most one partial frame between calls.
    buffer_.erase(0, offset_);
    offset_ = 0;
    return kNeedMore;
  }
  const auto* header = reinterpret_cast<const unsigned char*>(buffer_.data() + offset_);
  const uint8_t flags = header[0];
  const size_t length = (static_cast<size_t>(header[1]) << 24) |
                        (static_cast<size_t>(header[2]) << 16) |
                        (static_cast<size_t>(header[3]) << 8) | static_cast<size_t>(header[4]);
  if (max_payload_ != 0 && length > max_payload_) {
    status_ =
        Status(Code::kResourceExhausted, "message size " + std::to_string(length) +
                                             " exceeds limit " + std::to_string(max_payload_));
    return kError;
  }
  if (available - kEnvelopeHeaderSize < length) {
    buffer_.erase(0, offset_);
    offset_ = 0;
    // Reserve for the announced frame once, rather than growing repeatedly as bytes arrive
    // (bounded, so that a bogus length cannot make us allocate gigabytes up front).
    constexpr size_t kMaxReserve = size_t{4} << 20;
    if (length <= kMaxReserve) buffer_.reserve(kEnvelopeHeaderSize + length);
    return kNeedMore;
  }
  frame->flags = flags;
  frame->payload.assign(buffer_, offset_ + kEnvelopeHeaderSize, length);
  offset_ += kEnvelopeHeaderSize + length;
  if (offset_ == buffer_.size()) {
    buffer_.clear();
    offset_ = 0;
  }
  return kFrame;
}

}  // namespace connectrpc
