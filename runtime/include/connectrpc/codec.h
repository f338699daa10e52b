// Codecs turn protobuf messages into bytes and back: binary ("proto") and JSON ("json").
//
//   const connectrpc::Codec& codec = connectrpc::ProtoCodec();
//   std::string bytes;
//   codec.Marshal(message, &bytes);
#ifndef CONNECTRPC_CODEC_H_
#define CONNECTRPC_CODEC_H_

#include <google/protobuf/message.h>

#include <memory>
#include <string>
#include <string_view>

#include "connectrpc/status.h"

namespace connectrpc {

// A codec is immutable after construction and safe to use from many threads.
class Codec {
 public:
  virtual ~Codec() = default;
  // The name used in content types: "proto" or "json".
  virtual std::string_view name() const = 0;
  // Serializes `message`, replacing the contents of `out`.
  virtual Status Marshal(const google::protobuf::Message& message, std::string* out) const = 0;
  // Parses `data` into `message` (which is cleared first). Errors are kInvalidArgument.
  virtual Status Unmarshal(std::string_view data, google::protobuf::Message* message) const = 0;
};

// Binary protobuf, deterministic output.
const Codec& ProtoCodec();
// Canonical protobuf JSON (lowerCamelCase names on output, both styles accepted on input, unknown
// fields ignored on input). Proto3 messages of the generated pool that use no google.protobuf.*
// type take a fast reflection-based path (which fails with kInternal to write a string field that
// is not valid UTF-8); all others go through protobuf's json_util.
const Codec& JsonCodec();

}  // namespace connectrpc

#endif  // CONNECTRPC_CODEC_H_
