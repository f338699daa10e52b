// gzip decompression of untrusted bytes under a size limit (the defence against decompression
// bombs): output never exceeds the limit, errors have the documented codes, and whatever
// decompresses compresses and decompresses back to the same bytes.
#include <cstddef>
#include <cstdint>
#include <string>

#include "connectrpc/compression.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using connectrpc::Code;
  using connectrpc::fuzz::Check;
  connectrpc::fuzz::FuzzInput input(data, size);
  const size_t limit = size_t{1} << (input.Byte() % 22);  // 1 B .. 2 MiB
  const std::string_view packed = input.Rest();
  const connectrpc::Compressor* gzip = connectrpc::FindCompressor("gzip");
  Check(gzip != nullptr, "no gzip compressor");

  std::string out;
  const connectrpc::Status status = gzip->Decompress(packed, &out, limit);
  if (!status.ok()) {
    Check(status.code() == Code::kInvalidArgument || status.code() == Code::kResourceExhausted,
          "a decompression failure with an undocumented code");
    return 0;
  }
  Check(out.size() <= limit, "decompressed output exceeds the limit");
  std::string repacked;
  Check(gzip->Compress(out, &repacked).ok(), "compressing decompressed bytes failed");
  std::string back;
  Check(gzip->Decompress(repacked, &back, limit).ok(), "our own gzip does not decompress");
  Check(back == out, "gzip round trip changed the bytes");
  return 0;
}
