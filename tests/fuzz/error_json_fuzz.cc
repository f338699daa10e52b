// A unary error body as a client reads it (ErrorFromJson): never an OK status, and what it reads
// survives a write and a second read unchanged.
#include <cstddef>
#include <cstdint>

#include "connectrpc/protocol_connect.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using connectrpc::fuzz::Check;
  connectrpc::fuzz::FuzzInput input(data, size);
  const int http_status = 100 + (input.Byte() * 256 + input.Byte()) % 500;
  const std::string_view body = input.Rest();

  const connectrpc::Status first = connectrpc::protocol::ErrorFromJson(body, http_status);
  Check(!first.ok(), "an error body was read as OK");
  const connectrpc::Status again =
      connectrpc::protocol::ErrorFromJson(connectrpc::protocol::ErrorToJson(first), http_status);
  Check(again.code() == first.code(), "the code changed in a write and read");
  Check(again.message() == first.message(), "the message changed in a write and read");
  Check(again.details().size() == first.details().size(), "details were lost or added");
  for (size_t i = 0; i < first.details().size(); ++i) {
    Check(again.details()[i].type == first.details()[i].type, "a detail's type changed");
    Check(again.details()[i].value == first.details()[i].value, "a detail's value changed");
  }
  return 0;
}
