#!/usr/bin/env bash
# Builds the out-of-tree consumer in tests/consumer four ways and runs its client against its
# server each time:
#   (a) installed   cmake --install of the main build into a fresh prefix, find_package(connectrpc)
#                   (and the validate and transcodely components when they were built)
#   (b) subdir      add_subdirectory(<this checkout>)
#   (c) fetch       FetchContent from this checkout (SOURCE_DIR)
#   (d) make        a plain Makefile: pkg-config connectrpc, plain protoc with the installed plugin
#   (e) with CONSUMER_DEB=1 (root only; .ci/run sets it when root): cpack -G DEB, dpkg -i, (a)
#       and (d) against /usr, dpkg -r on exit
#
#   tests/consumer/run.sh <build dir of the main project>
#
# Everything goes under <build dir>/consumer, rebuilt from scratch each run at the same paths, so
# ccache (used when installed) hits the second time; the runtime and the plugin are compiled again
# in (b) and (c). JOBS (default 2) sets the parallelism.
set -euo pipefail

if (($# != 1)); then
  echo "usage: $0 <build dir of the main project>" >&2
  exit 2
fi
# Refused up front, before the four builds: (e) needs root.
if [[ "${CONSUMER_DEB:-0}" == 1 && "$(id -u)" != 0 ]]; then
  echo "consumer (deb): FAIL: CONSUMER_DEB=1 installs the packages with dpkg -i, which needs" \
    "root (running as $(id -un)); run as root, or without CONSUMER_DEB=1" >&2
  exit 1
fi
here="$(cd "$(dirname "$0")" && pwd)"
checkout="$(cd "$here/../.." && pwd)"
main_build="$(cd "$1" && pwd)"
work="$main_build/consumer"
prefix="$work/prefix"
jobs="${JOBS:-2}"
start=$SECONDS

cmake_args=(-G Ninja)
if command -v ccache >/dev/null 2>&1; then
  cmake_args+=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  make_cxx="ccache ${CXX:-g++}"
else
  make_cxx="${CXX:-g++}"
fi

server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]]; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
}
trap cleanup EXIT

# quiet LOG COMMAND...: runs COMMAND with its output in LOG; on failure shows the end of it.
quiet() {
  local log="$1"
  shift
  if ! "$@" >>"$log" 2>&1; then
    echo "consumer: FAIL: $* (log: $log)" >&2
    tail -40 "$log" >&2
    exit 1
  fi
}

# run_pair NAME DIR: starts DIR/tally_server, runs DIR/tally_client against it.
run_pair() {
  local name="$1" dir="$2" log="$work/$1.server.log" port="" output
  "$dir/tally_server" >"$log" 2>&1 &
  server_pid=$!
  for _ in $(seq 100); do
    port="$(sed -n 's/^listening on \([0-9]*\).*/\1/p' "$log")"
    [[ -n "$port" ]] && break
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  if [[ -z "$port" ]]; then
    echo "consumer ($name): FAIL: the server did not start:" >&2
    cat "$log" >&2
    exit 1
  fi
  if ! output="$("$dir/tally_client" "$port" 2>&1)"; then
    echo "consumer ($name): FAIL: $output" >&2
    exit 1
  fi
  kill -TERM "$server_pid"
  wait "$server_pid"
  server_pid=""
  echo "consumer ($name): OK: $(head -1 "$log"); client: $output"
}

# check_embedded DIR: the embedded project built only the runtime and the plugin.
check_embedded() {
  local cache="$1/CMakeCache.txt" opt
  for opt in TESTS CONFORMANCE BENCH EXAMPLES VALIDATE SDK SANDBOX INSTALL; do
    if ! grep -q "^CONNECTRPC_BUILD_${opt}:BOOL=OFF\|^CONNECTRPC_${opt}:BOOL=OFF" "$cache"; then
      echo "consumer: FAIL: embedded, CONNECTRPC_(BUILD_)${opt} is not OFF by default" >&2
      exit 1
    fi
  done
}

# Fresh every time (the paths stay the same, so ccache still hits).
rm -rf "$prefix" "$work/installed" "$work/subdir" "$work/fetch" "$work/make"
mkdir -p "$work"

# (a) An installed prefix and find_package.
rm -f "$work"/*.log
quiet "$work/install.log" cmake --install "$main_build" --prefix "$prefix"
with_transcodely=OFF
if [[ -f "$(dirname "$(find "$prefix" -name connectrpcConfig.cmake | head -1)")/connectrpcTranscodelyTargets.cmake" ]]; then
  with_transcodely=ON
fi
with_validate=OFF
if [[ -n "$(find "$prefix" -path '*/connectrpc/validate/interceptors.h' | head -1)" ]]; then
  with_validate=ON
fi
quiet "$work/installed.log" cmake -S "$here" -B "$work/installed" "${cmake_args[@]}" \
  -DCONSUMER_MODE=package -DCMAKE_PREFIX_PATH="$prefix" -DCONSUMER_WITH_TRANSCODELY="$with_transcodely" \
  -DCONSUMER_WITH_VALIDATE="$with_validate"
quiet "$work/installed.log" cmake --build "$work/installed" -j "$jobs"
run_pair "installed, find_package" "$work/installed"
if [[ "$with_transcodely" == ON ]]; then
  echo "consumer (installed, COMPONENTS transcodely): OK: $("$work/installed/transcodely_check")"
fi
if [[ "$with_validate" == ON ]]; then
  echo "consumer (installed, COMPONENTS validate): OK: $("$work/installed/validate_check")"
fi

# check_shared_exports BUILD_DIR: the consumer's programs load the libconnectrpc.so built there,
# and that library exports no symbol outside connectrpc's names and Boost's.
check_shared_exports() {
  local lib
  lib="$(find "$1" -name 'libconnectrpc.so.*' -type f | head -1)"
  if [[ -z "$lib" ]]; then
    echo "consumer: FAIL: no libconnectrpc.so under $1" >&2
    exit 1
  fi
  if ! ldd "$1/tally_server" | grep 'libconnectrpc\.so' >/dev/null; then
    echo "consumer: FAIL: $1/tally_server does not load libconnectrpc.so" >&2
    exit 1
  fi
  local exported foreign
  exported="$(nm -D --defined-only "$lib" | awk '{print $3}' | c++filt)"
  foreign="$(grep -v -e 'connectrpc::' -e 'boost::' <<<"$exported" | grep -v -x -e 'CONNECTRPC_[A-Z0-9_.]*' || true)"
  if [[ -n "$foreign" ]]; then
    echo "consumer: FAIL: $(basename "$lib") exports $(wc -l <<<"$foreign") symbols outside" \
      "connectrpc and Boost, e.g.:" >&2
    head -10 <<<"$foreign" >&2
    exit 1
  fi
  echo "consumer (shared): $(basename "$lib") exports $(wc -l <<<"$exported") symbols, all" \
    "connectrpc's or Boost's"
}

# (b) add_subdirectory of the checkout.
quiet "$work/subdir.log" cmake -S "$here" -B "$work/subdir" "${cmake_args[@]}" -DCONSUMER_MODE=subdir \
  -DCONNECTRPC_SOURCE_DIR="$checkout"
check_embedded "$work/subdir"
quiet "$work/subdir.log" cmake --build "$work/subdir" -j "$jobs"
run_pair "add_subdirectory" "$work/subdir"

# (c) FetchContent from the checkout, with BUILD_SHARED_LIBS=ON: libconnectrpc.so, whose
# dynamic symbols are only connectrpc's own and Boost's (runtime/connectrpc.map).
quiet "$work/fetch.log" cmake -S "$here" -B "$work/fetch" "${cmake_args[@]}" -DCONSUMER_MODE=fetch \
  -DCONNECTRPC_SOURCE_DIR="$checkout" -DBUILD_SHARED_LIBS=ON
check_embedded "$work/fetch"
quiet "$work/fetch.log" cmake --build "$work/fetch" -j "$jobs"
check_shared_exports "$work/fetch"
run_pair "FetchContent, shared" "$work/fetch"

# (d) A plain Makefile: pkg-config and plain protoc with the installed plugin.
pc_dir="$(dirname "$(find "$prefix" -name connectrpc.pc | head -1)")"
mkdir -p "$work/make"
quiet "$work/make.log" env PKG_CONFIG_PATH="$pc_dir${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}" \
  make -C "$here" -j "$jobs" OUT="$work/make" CXX="$make_cxx" \
  PROTOC_GEN_CONNECT_CPP="$prefix/bin/protoc-gen-connect-cpp"
run_pair "Makefile, pkg-config" "$work/make"

echo "consumer: all four builds passed in $((SECONDS - start)) s"

# (e) With CONSUMER_DEB=1, as root (CI's fresh Debian 12 machine): the Debian packages from
# cpack -G DEB, installed with dpkg -i (which fails on an unmet Depends: scripts/deps installed
# what they name), and the consumer built against the system install (the CMake package found
# without CMAKE_PREFIX_PATH; the Makefile with the system pkg-config path and the plugin on PATH).
# The packages are removed again on exit, whatever happened, so the machine is left as it was.
if [[ "${CONSUMER_DEB:-0}" == 1 ]]; then
  deb_start=$SECONDS
  rm -rf "$work/deb" "$work/system" "$work/system-make"
  mkdir -p "$work/deb"
  quiet "$work/deb.log" cpack -G DEB --config "$main_build/CPackConfig.cmake" -B "$work/deb"
  debs=("$work"/deb/*.deb)
  deb_names=()
  for deb in "${debs[@]}"; do
    deb_names+=("$(dpkg-deb -f "$deb" Package)")
    echo "consumer (deb): $(basename "$deb"): Depends: $(dpkg-deb -f "$deb" Depends)"
  done
  for name in "${deb_names[@]}"; do
    if dpkg-query -W -f='${Status}' "$name" 2>/dev/null | grep -q "ok installed"; then
      echo "consumer (deb): note: $name was installed before this run; it is replaced and removed"
    fi
  done
  remove_debs() {
    local log="$work/deb-remove.log"
    if ! dpkg -r "${deb_names[@]}" >"$log" 2>&1; then
      echo "consumer (deb): FAIL: dpkg -r ${deb_names[*]}:" >&2
      cat "$log" >&2
      return 1
    fi
    if [[ -e /usr/lib/libconnectrpc.a || -e /usr/bin/protoc-gen-connect-cpp ]]; then
      echo "consumer (deb): FAIL: files left in /usr after dpkg -r" >&2
      return 1
    fi
    echo "consumer (deb): removed ${deb_names[*]}"
  }
  trap 'cleanup; remove_debs || exit 1' EXIT
  quiet "$work/deb.log" dpkg -i "${debs[@]}"
  for name in "${deb_names[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$name" | grep -q "install ok installed"; then
      echo "consumer (deb): FAIL: $name is not configured after dpkg -i (log: $work/deb.log)" >&2
      exit 1
    fi
  done

  # find_package with no paths given: it must find the package under /usr.
  quiet "$work/system.log" cmake -S "$here" -B "$work/system" "${cmake_args[@]}" \
    -DCONSUMER_MODE=package -DCONSUMER_WITH_TRANSCODELY="$with_transcodely" \
    -DCONSUMER_WITH_VALIDATE="$with_validate"
  found="$(sed -n 's/^connectrpc_DIR:PATH=//p' "$work/system/CMakeCache.txt")"
  if [[ "$found" != /usr/lib/cmake/connectrpc ]]; then
    echo "consumer (deb): FAIL: find_package found connectrpc in '$found', not /usr/lib/cmake/connectrpc" >&2
    exit 1
  fi
  quiet "$work/system.log" cmake --build "$work/system" -j "$jobs"
  run_pair "Debian packages, find_package" "$work/system"
  if [[ "$with_transcodely" == ON ]]; then
    echo "consumer (Debian packages, COMPONENTS transcodely): OK: $("$work/system/transcodely_check")"
  fi
  if [[ "$with_validate" == ON ]]; then
    echo "consumer (Debian packages, COMPONENTS validate): OK: $("$work/system/validate_check")"
  fi

  # The Makefile with the system's pkg-config path and the plugin found on PATH.
  if [[ "$(realpath -m "$(env -u PKG_CONFIG_PATH pkg-config --variable=includedir connectrpc)")" != /usr/include ]] ||
    [[ "$(command -v protoc-gen-connect-cpp)" != /usr/bin/protoc-gen-connect-cpp ]]; then
    echo "consumer (deb): FAIL: pkg-config or PATH does not lead to the packages' files" >&2
    exit 1
  fi
  mkdir -p "$work/system-make"
  quiet "$work/system-make.log" env -u PKG_CONFIG_PATH \
    make -C "$here" -j "$jobs" OUT="$work/system-make" CXX="$make_cxx"
  run_pair "Debian packages, Makefile" "$work/system-make"
  echo "consumer: the Debian packages passed in $((SECONDS - deb_start)) s"
fi
