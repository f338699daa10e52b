// The runtime's version and the ABI version that generated code is built against.
//
// The CONNECTRPC_VERSION_* macros are the one place the version is written: the top-level
// CMakeLists.txt reads them for project(VERSION), so the CMake package, the pkg-config files
// and the Debian packages carry the same number.
#ifndef CONNECTRPC_VERSION_H_
#define CONNECTRPC_VERSION_H_

#include <string_view>

#define CONNECTRPC_VERSION_MAJOR 0
#define CONNECTRPC_VERSION_MINOR 1
#define CONNECTRPC_VERSION_PATCH 0
#define CONNECTRPC_VERSION_STRING "0.1.0"
// MAJOR * 10000 + MINOR * 100 + PATCH, for #if comparisons.
#define CONNECTRPC_VERSION                                            \
  (CONNECTRPC_VERSION_MAJOR * 10000 + CONNECTRPC_VERSION_MINOR * 100 + \
   CONNECTRPC_VERSION_PATCH)

namespace connectrpc {

inline constexpr std::string_view kVersion = CONNECTRPC_VERSION_STRING;
inline constexpr int kVersionMajor = CONNECTRPC_VERSION_MAJOR;
inline constexpr int kVersionMinor = CONNECTRPC_VERSION_MINOR;
inline constexpr int kVersionPatch = CONNECTRPC_VERSION_PATCH;
// Bumped whenever the contract between protoc-gen-connect-cpp output and this runtime changes.
// Generated headers static_assert on it, so a mismatch is a compile error, not a crash.
inline constexpr int kGeneratedCodeAbiVersion = 2;

}  // namespace connectrpc

#endif  // CONNECTRPC_VERSION_H_
