// Compression algorithms for message bodies: "gzip" (and "identity", which is no compressor).
//
//   const connectrpc::Compressor* gzip = connectrpc::FindCompressor("gzip");
//   std::string packed;
//   gzip->Compress(bytes, &packed);
#ifndef CONNECTRPC_COMPRESSION_H_
#define CONNECTRPC_COMPRESSION_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "connectrpc/status.h"

namespace connectrpc {

inline constexpr std::string_view kIdentityEncoding = "identity";
inline constexpr std::string_view kGzipEncoding = "gzip";

// Thread-safe and stateless: each call compresses or decompresses one whole buffer.
class Compressor {
 public:
  virtual ~Compressor() = default;
  virtual std::string_view name() const = 0;
  // Replaces `out` with the compressed form of `in`.
  virtual Status Compress(std::string_view in, std::string* out) const = 0;
  // Replaces `out` with the decompressed form of `in`. Output larger than `max_size` bytes fails
  // with kResourceExhausted (a bound against decompression bombs); a max_size of 0 means no
  // limit. Corrupt input fails with kInvalidArgument; empty input decompresses to empty output.
  virtual Status Decompress(std::string_view in, std::string* out, size_t max_size) const = 0;
};

// The compressor registered under `name`, or nullptr ("identity" and unknown names).
const Compressor* FindCompressor(std::string_view name);

// The encodings this runtime supports, comma-separated, for Accept-Encoding headers: "gzip".
std::string_view SupportedEncodings();

}  // namespace connectrpc

#endif  // CONNECTRPC_COMPRESSION_H_
