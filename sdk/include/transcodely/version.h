// Versions of the Transcodely C++ SDK and of the API it speaks.
#ifndef TRANSCODELY_VERSION_H_
#define TRANSCODELY_VERSION_H_

#include <string_view>

namespace transcodely {

// The SDK's own version, sent in User-Agent as "transcodely-cpp/<version>".
inline constexpr std::string_view kSdkVersion = "0.1.0";

// The API version sent as Transcodely-Version unless ClientOptions::api_version overrides it.
inline constexpr std::string_view kDefaultApiVersion = "2026-05-03";

}  // namespace transcodely

#endif  // TRANSCODELY_VERSION_H_
