#include "ids.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <sys/random.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <iostream>

namespace sandbox {
namespace {

constexpr std::string_view kAlphabet =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

}  // namespace

std::string RandomBase62(size_t length) {
  std::string out;
  out.reserve(length);
  std::array<unsigned char, 64> buffer;
  while (out.size() < length) {
    // The kernel's CSPRNG: getrandom(2) of at most 256 bytes is never short once the pool is
    // initialized, unless a signal interrupts it. (OpenSSL's RAND_bytes keeps per-thread
    // generators, which were occasionally not freed when a server thread ended.)
    const ssize_t n = getrandom(buffer.data(), buffer.size(), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n != static_cast<ssize_t>(buffer.size())) {
      std::cerr << "transcodely-sandbox: getrandom failed\n";
      std::abort();
    }
    for (unsigned char byte : buffer) {
      // 248 = 4 * 62: rejecting larger bytes keeps the distribution uniform.
      if (byte >= 248) continue;
      out.push_back(kAlphabet[byte % 62]);
      if (out.size() == length) break;
    }
  }
  return out;
}

std::string NewApiKeyId() { return "ak_" + RandomBase62(16); }

std::string NewJobId() { return "job_" + RandomBase62(20); }

std::string NewRequestId() { return "req_" + RandomBase62(24); }

std::string NewApiKeySecret(std::string_view prefix) {
  return std::string(prefix) + RandomBase62(32);
}

std::string Sha256Hex(std::string_view data) {
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest;
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest.data());
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(digest.size() * 2);
  for (unsigned char byte : digest) {
    out.push_back(kHex[byte >> 4]);
    out.push_back(kHex[byte & 0x0f]);
  }
  return out;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace sandbox
