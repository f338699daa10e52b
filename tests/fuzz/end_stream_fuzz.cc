// The end-stream message of a Connect stream (ParseEndStream): what it reads, status and
// trailers, survives a write and a second read unchanged, and trailers are valid header fields.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "connectrpc/headers.h"
#include "connectrpc/protocol_connect.h"
#include "tests/fuzz/fuzz_input.h"

namespace {

// Trailers as a multimap: the values of each key in order (the order between keys is not kept:
// the JSON groups a key's values, and keys differing only in case are one key).
std::map<std::string, std::vector<std::string>> ByKey(const connectrpc::Headers& headers) {
  std::map<std::string, std::vector<std::string>> by_key;
  for (const auto& [key, value] : headers) by_key[key].push_back(value);
  return by_key;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using connectrpc::fuzz::Check;
  const std::string_view json(reinterpret_cast<const char*>(data), size);

  connectrpc::Headers trailers;
  const connectrpc::Status first = connectrpc::protocol::ParseEndStream(json, &trailers);
  for (const auto& [key, value] : trailers) {
    Check(connectrpc::IsValidHeaderKey(key), "an invalid trailer key was accepted");
    Check(connectrpc::IsValidHeaderValue(value), "an invalid trailer value was accepted");
  }
  connectrpc::Headers trailers_again;
  const connectrpc::Status again = connectrpc::protocol::ParseEndStream(
      connectrpc::protocol::EndStreamToJson(first, trailers), &trailers_again);
  Check(again.code() == first.code(), "the code changed in a write and read");
  Check(again.message() == first.message(), "the message changed in a write and read");
  Check(again.details().size() == first.details().size(), "details were lost or added");
  Check(ByKey(trailers_again) == ByKey(trailers), "trailers changed in a write and read");
  return 0;
}
