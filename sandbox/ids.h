// Random identifiers and secrets for the sandbox (the kernel's getrandom), and SHA-256 helpers.
#ifndef CONNECTRPC_SANDBOX_IDS_H_
#define CONNECTRPC_SANDBOX_IDS_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace sandbox {

// `length` characters drawn uniformly from [0-9A-Za-z].
std::string RandomBase62(size_t length);

// "ak_" + 16 base62 characters.
std::string NewApiKeyId();
// "job_" + 20 base62 characters.
std::string NewJobId();
// "req_" + 24 base62 characters.
std::string NewRequestId();
// A full API key secret: `prefix` ("ak_live_" or "ak_test_") + 32 base62 characters.
std::string NewApiKeySecret(std::string_view prefix);

// Lowercase hex SHA-256 of `data`.
std::string Sha256Hex(std::string_view data);

// Constant-time equality of two strings (lengths are not secret).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace sandbox

#endif  // CONNECTRPC_SANDBOX_IDS_H_
