// The runtime's version and the ABI version that generated code is built against.
#ifndef CONNECTRPC_VERSION_H_
#define CONNECTRPC_VERSION_H_

#include <string_view>

namespace connectrpc {

inline constexpr std::string_view kVersion = "0.1.0";
// Bumped whenever the contract between protoc-gen-connect-cpp output and this runtime changes.
// Generated headers static_assert on it, so a mismatch is a compile error, not a crash.
inline constexpr int kGeneratedCodeAbiVersion = 2;

}  // namespace connectrpc

#endif  // CONNECTRPC_VERSION_H_
