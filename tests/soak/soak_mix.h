// The soak driver's request mix: each kind of request, its weight, how its bytes are made and
// what outcome it must have.
#ifndef TESTS_SOAK_SOAK_MIX_H_
#define TESTS_SOAK_SOAK_MIX_H_

#include <zlib.h>

#include <array>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace soak {

enum class Kind {
  // Valid calls: each must succeed.
  kGetJson,
  kGetProto,
  kListJson,
  kCreateJson,  // a replay of a Create made during setup (same idempotency key and body)
  kHealthProto,
  kGzipGetJson,  // a gzip-compressed request body
  kWatch,        // reads a couple of messages, then closes the stream
  kSlowWriter,   // dribbles a valid body
  kSlowReader,   // leaves the response unread for a while
  // Invalid requests: each must get an error response or a close within the bound.
  kMalformedJson,
  kMalformedProto,
  kBadEnvelope,  // on Watch
  kMissingKey,   // must be 401
  kBadKey,       // must be 401
  kBadHeaderSyntax,
  kOversizedHeader,
  kOversizedBody,     // declares more than the server's body limit
  kOversizedMessage,  // sends a message larger than the server's message limit
  kGzipBomb,          // small compressed, huge decompressed unary body
  kEnvelopeBomb,      // the same in a compressed Watch envelope
  kUnknownRoute,
  // Aborted connections: no expectation beyond "the server copes".
  kAbortHead,
  kAbortBody,
  kAbortUnread,
  kCount,
};

enum class Expect {
  kSuccess,          // 200 (and for streams: data, no error)
  kRefused,          // a non-200 response, a stream ending in an error, or a close
  kUnauthenticated,  // 401, or a close
  kNothing,          // the driver aborts the connection itself
};

struct KindInfo {
  const char* name;
  int weight;  // per mille of the mix
  Expect expect;
  // For kRefused: a response (rather than a close) must carry this Connect error code, so that
  // a bomb refused for its size is told from one inflated whole and then found malformed.
  const char* code = nullptr;
};

inline constexpr std::array<KindInfo, static_cast<size_t>(Kind::kCount)> kKinds = {{
    {"unary Get json", 200, Expect::kSuccess},
    {"unary Get proto", 120, Expect::kSuccess},
    {"unary List json", 80, Expect::kSuccess},
    {"unary Create json (replay)", 80, Expect::kSuccess},
    {"unary Health proto", 40, Expect::kSuccess},
    {"unary Get json gzip body", 30, Expect::kSuccess},
    {"stream Watch", 50, Expect::kSuccess},
    {"slow writer (valid Get)", 10, Expect::kSuccess},
    {"slow reader (valid List)", 10, Expect::kSuccess},
    {"malformed json body", 60, Expect::kRefused},
    {"malformed proto body", 40, Expect::kRefused},
    {"bad Watch envelope", 30, Expect::kRefused},
    {"missing key", 30, Expect::kUnauthenticated},
    {"bad key", 40, Expect::kUnauthenticated},
    {"bad header syntax (CR/LF/NUL)", 30, Expect::kRefused},
    {"oversized header (20 KiB)", 20, Expect::kRefused},
    {"oversized body (declared 100 MB)", 20, Expect::kRefused},
    {"oversized message (5 MiB)", 1, Expect::kRefused, "resource_exhausted"},
    {"gzip bomb (64 MiB unary)", 3, Expect::kRefused, "resource_exhausted"},
    {"gzip bomb (64 MiB envelope)", 2, Expect::kRefused, "resource_exhausted"},
    {"unknown route", 24, Expect::kRefused},
    {"abort in head", 30, Expect::kNothing},
    {"abort in body", 30, Expect::kNothing},
    {"abort before reading", 20, Expect::kNothing},
}};

inline const KindInfo& Info(Kind kind) { return kKinds[static_cast<size_t>(kind)]; }

// Picks kinds by their weights.
class Mix {
 public:
  Mix() {
    for (size_t k = 0; k < kKinds.size(); ++k) {
      for (int i = 0; i < kKinds[k].weight; ++i) table_.push_back(static_cast<Kind>(k));
    }
  }
  Kind Pick(std::mt19937_64& rng) const { return table_[rng() % table_.size()]; }

 private:
  std::vector<Kind> table_;
};

// gzip of `input` (windowBits 31: the gzip wrapper, as Content-Encoding: gzip means).
inline std::string Gzip(std::string_view input) {
  z_stream z{};
  deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 31, 9, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&z, input.size()), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
  z.avail_in = static_cast<uInt>(input.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

// A Connect envelope: flags, 4-byte big-endian length, payload.
inline std::string Envelope(uint8_t flags, std::string_view payload) {
  const auto n = static_cast<uint32_t>(payload.size());
  std::string out;
  out.push_back(static_cast<char>(flags));
  out.push_back(static_cast<char>(n >> 24));
  out.push_back(static_cast<char>(n >> 16));
  out.push_back(static_cast<char>(n >> 8));
  out.push_back(static_cast<char>(n));
  out.append(payload);
  return out;
}

// A proto string field 1 (GetJobRequest.id, WatchJobRequest.id).
inline std::string ProtoId(std::string_view id) {
  std::string out = "\x0a";
  out.push_back(static_cast<char>(id.size()));  // ids are far shorter than 128 bytes
  out.append(id);
  return out;
}

struct Head {
  std::string method = "POST";
  std::string path;
  std::string content_type = "application/json";
  std::string authorization;  // the whole header value; empty: no header
  std::string extra;          // more header lines, each ending in \r\n
};

// A request with a correct Content-Length for `body`.
inline std::string Request(const Head& head, std::string_view body) {
  std::string out = head.method + " " + head.path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  if (!head.authorization.empty()) out += "Authorization: " + head.authorization + "\r\n";
  out += "Content-Type: " + head.content_type + "\r\nConnect-Protocol-Version: 1\r\n";
  out += head.extra;
  out += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  out.append(body);
  return out;
}

inline constexpr std::string_view kJobs = "/transcodely.v1.JobService/";

// The JSON body of the setup Create with pool index `i` (replays must send the same bytes).
inline std::string CreateBody(const std::string& idempotency_key, int i) {
  return "{\"input_url\":\"https://example.com/soak-" + std::to_string(i) +
         ".mp4\",\"outputs\":[{\"type\":\"mp4\",\"video\":[{\"codec\":\"h264\","
         "\"resolution\":\"720p\"}]}],\"managed\":true,\"idempotency_key\":\"" +
         idempotency_key + "\"}";
}

}  // namespace soak

#endif  // TESTS_SOAK_SOAK_MIX_H_
