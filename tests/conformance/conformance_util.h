// Helpers shared by the conformance client and server: the length-prefixed framing used on
// stdin/stdout, and conversions between connectrpc::Headers and conformance Header lists.
#ifndef CONNECTRPC_TESTS_CONFORMANCE_CONFORMANCE_UTIL_H_
#define CONNECTRPC_TESTS_CONFORMANCE_CONFORMANCE_UTIL_H_

#include <google/protobuf/message.h>
#include <google/protobuf/repeated_ptr_field.h>

#include <string>
#include <string_view>

#include "connectrpc/headers.h"
#include "tests/conformance/conformance_protos.h"

namespace connectrpc::conformance {

using HeaderList = google::protobuf::RepeatedPtrField<::connectrpc::conformance::v1::Header>;

// Result of reading one frame.
enum class ReadResult { kOk, kEof, kError };

// Reads one frame (4-byte big-endian length, then that many bytes) from `fd` into `out`.
// Returns kEof on a clean end of input before the first length byte.
ReadResult ReadFrame(int fd, std::string* out);

// Serializes `message` and writes it as one frame to `fd`. Not synchronized: callers that
// write from several threads must hold a lock. Returns false on a write error.
bool WriteFrame(int fd, const google::protobuf::Message& message);

// Appends `headers` to `out`, one Header per distinct name (first-appearance order) carrying
// every value of that name in order.
void AppendProtoHeaders(const Headers& headers, HeaderList* out);

// Adds every value of every header in `list` to `out`.
void AddHeadersFromProto(const HeaderList& list, Headers* out);

// The message name an Any's type URL refers to: everything after the last '/'.
std::string_view TypeNameFromUrl(std::string_view type_url);

}  // namespace connectrpc::conformance

#endif  // CONNECTRPC_TESTS_CONFORMANCE_CONFORMANCE_UTIL_H_
