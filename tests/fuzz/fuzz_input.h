// Helpers shared by the fuzz targets: a cursor that splits one fuzz input into choices and parts.
#ifndef CONNECTRPC_TESTS_FUZZ_FUZZ_INPUT_H_
#define CONNECTRPC_TESTS_FUZZ_FUZZ_INPUT_H_

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace connectrpc::fuzz {

// Reads a fuzz input front to back: small numbers for choices, then the rest as bytes.
class FuzzInput {
 public:
  FuzzInput(const uint8_t* data, size_t size)
      : rest_(reinterpret_cast<const char*>(data), size) {}

  // One byte (0 when the input is used up).
  uint8_t Byte() {
    if (rest_.empty()) return 0;
    const auto b = static_cast<uint8_t>(rest_.front());
    rest_.remove_prefix(1);
    return b;
  }
  // Up to `n` bytes.
  std::string_view Take(size_t n) {
    const std::string_view part = rest_.substr(0, n);
    rest_.remove_prefix(part.size());
    return part;
  }
  std::string_view Rest() {
    const std::string_view all = rest_;
    rest_ = {};
    return all;
  }
  bool empty() const { return rest_.empty(); }

 private:
  std::string_view rest_;
};

// Fails the run when an invariant the parser promises does not hold (libFuzzer reports the
// abort as a crash with the input that caused it).
inline void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz invariant violated: %s\n", what);
    std::abort();
  }
}

}  // namespace connectrpc::fuzz

#endif  // CONNECTRPC_TESTS_FUZZ_FUZZ_INPUT_H_
