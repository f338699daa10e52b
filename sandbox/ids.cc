#include "ids.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <array>
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
    if (RAND_bytes(buffer.data(), static_cast<int>(buffer.size())) != 1) {
      std::cerr << "transcodely-sandbox: RAND_bytes failed\n";
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
