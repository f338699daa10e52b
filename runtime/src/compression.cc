// gzip compression with zlib.
#include "connectrpc/compression.h"

#include <zlib.h>

#include <algorithm>
#include <climits>
#include <string>

namespace connectrpc {
namespace {

constexpr int kGzipWindowBits = 15 + 16;  // 32 KiB window, gzip wrapper.
constexpr size_t kChunk = size_t{16} * 1024;

// zlib's avail_in is a uInt; feed large inputs in pieces.
uInt ClampToUInt(size_t n) { return static_cast<uInt>(std::min<size_t>(n, UINT_MAX)); }

// Setting up a zlib stream costs far more than compressing a small message (deflate allocates
// about 256 KiB of state), so each thread keeps one deflate and one inflate stream and resets it
// per message.
class ThreadZStream {
 public:
  explicit ThreadZStream(bool deflating) : deflating_(deflating) {
    ok_ = deflating ? deflateInit2(&zs_, Z_DEFAULT_COMPRESSION, Z_DEFLATED, kGzipWindowBits, 8,
                                   Z_DEFAULT_STRATEGY) == Z_OK
                    : inflateInit2(&zs_, kGzipWindowBits) == Z_OK;
  }
  ~ThreadZStream() {
    if (ok_) deflating_ ? deflateEnd(&zs_) : inflateEnd(&zs_);
  }
  ThreadZStream(const ThreadZStream&) = delete;
  ThreadZStream& operator=(const ThreadZStream&) = delete;

  // The reset stream, or nullptr if zlib could not be initialized.
  z_stream* Reset() {
    if (!ok_) return nullptr;
    const int rc = deflating_ ? deflateReset(&zs_) : inflateReset(&zs_);
    return rc == Z_OK ? &zs_ : nullptr;
  }

 private:
  bool deflating_;
  bool ok_ = false;
  z_stream zs_{};
};

z_stream* ThreadDeflater() {
  thread_local ThreadZStream stream(/*deflating=*/true);
  return stream.Reset();
}

z_stream* ThreadInflater() {
  thread_local ThreadZStream stream(/*deflating=*/false);
  return stream.Reset();
}

class GzipCompressor final : public Compressor {
 public:
  std::string_view name() const override { return kGzipEncoding; }

  Status Compress(std::string_view in, std::string* out) const override {
    out->clear();
    z_stream* stream = ThreadDeflater();
    if (stream == nullptr) return Status(Code::kInternal, "gzip: cannot initialize deflate");
    z_stream& zs = *stream;
    if (in.size() <= UINT_MAX) out->reserve(deflateBound(&zs, static_cast<uLong>(in.size())));
    const auto* next = reinterpret_cast<const Bytef*>(in.data());
    size_t remaining = in.size();
    int rc = Z_OK;
    do {
      zs.next_in = const_cast<Bytef*>(next);
      zs.avail_in = ClampToUInt(remaining);
      const uInt fed = zs.avail_in;
      const int flush = (fed == remaining) ? Z_FINISH : Z_NO_FLUSH;
      do {
        const size_t old_size = out->size();
        out->resize(old_size + kChunk);
        zs.next_out = reinterpret_cast<Bytef*>(out->data() + old_size);
        zs.avail_out = static_cast<uInt>(kChunk);
        rc = deflate(&zs, flush);
        out->resize(old_size + (kChunk - zs.avail_out));
        if (rc == Z_STREAM_ERROR) {
          out->clear();
          return Status(Code::kInternal, "gzip: deflate failed");
        }
      } while (zs.avail_out == 0 || (flush == Z_FINISH && rc != Z_STREAM_END));
      next += fed - zs.avail_in;
      remaining -= fed - zs.avail_in;
    } while (rc != Z_STREAM_END);
    return Status();
  }

  Status Decompress(std::string_view in, std::string* out, size_t max_size) const override {
    out->clear();
    if (in.empty()) return Status();
    z_stream* stream = ThreadInflater();
    if (stream == nullptr) return Status(Code::kInternal, "gzip: cannot initialize inflate");
    z_stream& zs = *stream;
    const auto* next = reinterpret_cast<const Bytef*>(in.data());
    size_t remaining = in.size();
    Status result;
    char buffer[kChunk];
    while (true) {
      zs.next_in = const_cast<Bytef*>(next);
      zs.avail_in = ClampToUInt(remaining);
      const uInt fed = zs.avail_in;
      zs.next_out = reinterpret_cast<Bytef*>(buffer);
      zs.avail_out = static_cast<uInt>(sizeof(buffer));
      const int rc = inflate(&zs, Z_NO_FLUSH);
      const size_t produced = sizeof(buffer) - zs.avail_out;
      next += fed - zs.avail_in;
      remaining -= fed - zs.avail_in;
      if (rc != Z_OK && rc != Z_STREAM_END && !(rc == Z_BUF_ERROR && produced > 0)) {
        if (rc == Z_BUF_ERROR) {
          result = Status(Code::kInvalidArgument, "gzip: unexpected end of compressed data");
        } else {
          result = Status(Code::kInvalidArgument, std::string("gzip: corrupt data: ") +
                                                      (zs.msg ? zs.msg : "inflate error"));
        }
        break;
      }
      if (max_size != 0 && out->size() + produced > max_size) {
        result = Status(Code::kResourceExhausted,
                        "decompressed message size exceeds limit " + std::to_string(max_size));
        break;
      }
      out->append(buffer, produced);
      if (rc == Z_STREAM_END) {
        if (remaining == 0) break;
        // Concatenated gzip members decompress to the concatenation of their contents.
        if (inflateReset(&zs) != Z_OK) {
          result = Status(Code::kInternal, "gzip: inflateReset failed");
          break;
        }
        continue;
      }
      if (remaining == 0 && produced == 0) {
        result = Status(Code::kInvalidArgument, "gzip: unexpected end of compressed data");
        break;
      }
    }
    if (!result.ok()) out->clear();
    return result;
  }
};

}  // namespace

const Compressor* FindCompressor(std::string_view name) {
  static const GzipCompressor* const gzip = new GzipCompressor();
  if (name == kGzipEncoding) return gzip;
  return nullptr;
}

std::string_view SupportedEncodings() { return kGzipEncoding; }

}  // namespace connectrpc
