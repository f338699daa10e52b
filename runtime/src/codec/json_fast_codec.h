// The fast path of the JSON codec: proto3 JSON through reflection and a per-type table
// (json_message_info.h), for the message types that need none of the well-known types' special
// forms. The JSON codec falls back to protobuf's json_util for every other type.
#ifndef CONNECTRPC_SRC_CODEC_JSON_FAST_CODEC_H_
#define CONNECTRPC_SRC_CODEC_JSON_FAST_CODEC_H_

#include <google/protobuf/message.h>

#include <string>
#include <string_view>

#include "codec/json_message_info.h"
#include "connectrpc/status.h"

namespace connectrpc::internal {

// The deepest nesting of messages either direction accepts.
inline constexpr int kJsonMaxMessageDepth = 100;

// Writes `message` (whose type `info` describes) as a JSON object, replacing `out`. Fails with
// kInternal (and `out` cleared) for a string field that is not valid UTF-8 or too deep a message.
Status FastJsonMarshal(const google::protobuf::Message& message, const JsonMessageInfo& info,
                       std::string* out);

// Parses the JSON object `data` into `message` (whose type `info` describes), which is cleared
// first. Fails with kInvalidArgument (and `message` cleared).
Status FastJsonUnmarshal(std::string_view data, const JsonMessageInfo& info,
                         google::protobuf::Message* message);

}  // namespace connectrpc::internal

#endif  // CONNECTRPC_SRC_CODEC_JSON_FAST_CODEC_H_
