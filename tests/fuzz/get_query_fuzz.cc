// A Connect GET request's query (ParseGetQuery): a query it accepts is rebuilt by BuildGetQuery
// into one that reads back the same codec, compression and message bytes.
#include <cstddef>
#include <cstdint>

#include "connectrpc/protocol_connect.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using connectrpc::fuzz::Check;
  const std::string_view query(reinterpret_cast<const char*>(data), size);

  const connectrpc::Result<connectrpc::protocol::GetQuery> parsed =
      connectrpc::protocol::ParseGetQuery(query);
  if (!parsed.ok()) {
    Check(parsed.status().code() == connectrpc::Code::kInvalidArgument,
          "a bad query failed with a code other than invalid_argument");
    return 0;
  }
  const connectrpc::protocol::GetQuery& first = parsed.value();
  const std::string rebuilt =
      connectrpc::protocol::BuildGetQuery(first.codec, first.compression, first.message);
  const connectrpc::Result<connectrpc::protocol::GetQuery> again =
      connectrpc::protocol::ParseGetQuery(rebuilt);
  Check(again.ok(), "a rebuilt query does not parse");
  Check(again.value().codec == first.codec, "the codec changed");
  Check(again.value().compression == first.compression, "the compression changed");
  Check(again.value().message == first.message, "the message bytes changed");
  return 0;
}
