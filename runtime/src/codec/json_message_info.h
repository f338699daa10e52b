// Which message types the fast JSON codec handles, and what it needs to know about each.
//
// A message type is handled ("eligible") when its file is proto3 and in the generated pool, it is
// not in the google.protobuf package (the well-known types have special JSON forms), it has no
// extensions, and every field is a scalar, an enum, an eligible message, a repeated field of these
// or a map whose value is one of these. The answer is computed once per Descriptor and kept in a
// process-wide table that readers reach without a lock.
#ifndef CONNECTRPC_SRC_CODEC_JSON_MESSAGE_INFO_H_
#define CONNECTRPC_SRC_CODEC_JSON_MESSAGE_INFO_H_

#include <google/protobuf/descriptor.h>

#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"

namespace connectrpc::internal {

struct JsonMessageInfo;

struct JsonFieldInfo {
  const google::protobuf::FieldDescriptor* field = nullptr;
  // For map fields: the entry's key and value fields.
  const google::protobuf::FieldDescriptor* map_key = nullptr;
  const google::protobuf::FieldDescriptor* map_value = nullptr;
  // The message type of a message field, a repeated message field or a map's message value.
  const JsonMessageInfo* message = nullptr;
  // The oneof the field belongs to, unless there is none or it is a proto3 `optional`'s.
  const google::protobuf::OneofDescriptor* real_oneof = nullptr;
  // `"jsonName":`, ready to be appended to the output.
  std::string json_key;
};

struct JsonMessageInfo {
  const google::protobuf::Descriptor* descriptor = nullptr;
  // In declaration order.
  std::vector<JsonFieldInfo> fields;
  // Both the json_name and the proto name of every field; the keys view the descriptor's strings.
  absl::flat_hash_map<std::string_view, const JsonFieldInfo*> by_name;
};

// The fast codec's view of `descriptor`, or nullptr if the type is not eligible. Thread-safe;
// after the first call for a type it takes no lock. The result lives as long as the process.
const JsonMessageInfo* FindJsonMessageInfo(const google::protobuf::Descriptor* descriptor);

}  // namespace connectrpc::internal

#endif  // CONNECTRPC_SRC_CODEC_JSON_MESSAGE_INFO_H_
