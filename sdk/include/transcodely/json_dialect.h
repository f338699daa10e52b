// The Transcodely JSON dialect ("simplified ProtoJSON"), both directions, as a connectrpc::Codec.
//
// Output: proto (snake_case) field names, zero values of implicit-presence fields emitted, unset
// `optional` fields omitted, int64 as strings, Timestamps as RFC 3339, and every enum value as its
// short lowercase wire string ("JOB_STATUS_PROCESSING" -> "processing"; zero -> "unspecified").
// Input: both name styles; enums as wire strings, canonical names or integers (unknown strings
// become the zero value, as in the official SDKs); int64 as string or number; `null` for any field;
// unknown fields ignored.
//
//   connectrpc::ClientOptions options;
//   options.codec = &transcodely::DialectCodec();
//   std::string json;
//   transcodely::DialectCodec().Marshal(job, &json);  // {"id":"job_1","status":"processing",...}
//
// Enum prefixes are derived from descriptors at run time, so new enums need no code changes.
// The codec is stateless and thread-safe.
#ifndef TRANSCODELY_JSON_DIALECT_H_
#define TRANSCODELY_JSON_DIALECT_H_

#include <google/protobuf/descriptor.h>

#include <string>
#include <string_view>

#include "connectrpc/codec.h"

namespace transcodely {

// The dialect codec, named "json" (it replaces the canonical JSON codec on the wire).
const connectrpc::Codec& DialectCodec();

// The value-name prefix of an enum type, from its simple name: "JobStatus" -> "JOB_STATUS_",
// "HLSSegmentFormat" -> "HLS_SEGMENT_FORMAT_", "R2Jurisdiction" -> "R2_JURISDICTION_".
std::string EnumPrefix(std::string_view enum_simple_name);

// The wire string of one enum value: "processing" for JOB_STATUS_PROCESSING.
std::string EnumWireString(const google::protobuf::EnumValueDescriptor& value);

// The enum value a wire string (or canonical name) denotes; nullptr if none.
const google::protobuf::EnumValueDescriptor* EnumFromWireString(
    const google::protobuf::EnumDescriptor& type, std::string_view text);

}  // namespace transcodely

#endif  // TRANSCODELY_JSON_DIALECT_H_
