# Sourced by scripts/fuzz and scripts/sanitize: the one Clang tree with ASan+UBSan that holds
# both the fuzz targets and the test suites run under those sanitizers (one build of the
# runtime, the protos and the SDK for both). CONNECTRPC_BUILD_FUZZ instruments the whole tree.
readonly ASAN_CLANG_VERSION=16
ASAN_TREE="${ASAN_BUILD_DIR:-build-asan}"

asan_tree_configure() {
  if ! command -v "clang++-$ASAN_CLANG_VERSION" >/dev/null ||
     ! dpkg-query -W -f='${Status}' "libclang-rt-$ASAN_CLANG_VERSION-dev" 2>/dev/null |
       grep -q "ok installed"; then
    echo "asan tree: installing clang-$ASAN_CLANG_VERSION and its sanitizer and libFuzzer runtimes" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends "clang-$ASAN_CLANG_VERSION" \
      "libclang-rt-$ASAN_CLANG_VERSION-dev"
  fi
  mkdir -p "$ASAN_TREE"
  cmake -S . -B "$ASAN_TREE" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_COMPILER="clang++-$ASAN_CLANG_VERSION" -DCMAKE_C_COMPILER="clang-$ASAN_CLANG_VERSION" \
    -DCONNECTRPC_BUILD_FUZZ=ON -DCONNECTRPC_BUILD_CONFORMANCE=OFF -DCONNECTRPC_BUILD_BENCH=OFF \
    -DCONNECTRPC_INSTALL=OFF >"$ASAN_TREE/configure.log" ||
    { cat "$ASAN_TREE/configure.log"; return 1; }
}

# Sanitizer settings for everything run from the tree.
export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:abort_on_error=1:strict_string_checks=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
# OpenSSL's per-thread state (see the file for why).
export LSAN_OPTIONS="suppressions=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lsan.supp:print_suppressions=0"
