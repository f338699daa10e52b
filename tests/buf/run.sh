#!/usr/bin/env bash
# protoc-gen-connect-cpp under buf: `buf generate` (the buf CLI pinned in package.json and
# package-lock.json next to this file, installed with npm ci) must write the same .connect.h and
# .connect.cc files, byte for byte, as plain protoc with the same plugin on the same .proto files.
#   1. examples/buf/buf.gen.yaml, as written, on examples/proto (greet.v1, countdown.v1)
#   2. an inline template on proto/ (the 25 transcodely.v1 files: comments, buf.validate options,
#      imports of google/protobuf and buf/validate)
# The .pb.* files are not compared: buf fills in json_name in the descriptors it hands to protoc's
# C++ generator, which then shows in their comments and embedded descriptors.
#
#   tests/buf/run.sh <build dir of the main project>
#
# Everything goes under <build dir>/buf, rebuilt each run.
set -euo pipefail

if (($# != 1)); then
  echo "usage: $0 <build dir of the main project>" >&2
  exit 2
fi
here="$(cd "$(dirname "$0")" && pwd)"
checkout="$(cd "$here/../.." && pwd)"
main_build="$(cd "$1" && pwd)"
work="$main_build/buf"
plugin="$main_build/protoc-gen-connect-cpp/protoc-gen-connect-cpp"
start=$SECONDS

if [[ ! -x "$plugin" ]]; then
  echo "buf: FAIL: no plugin at $plugin (build the target protoc-gen-connect-cpp first)" >&2
  exit 1
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "buf: FAIL: npm is required to install the buf CLI (scripts/deps checks for it)" >&2
  exit 1
fi

rm -rf "$work"
mkdir -p "$work/cli"
cp "$here/package.json" "$here/package-lock.json" "$work/cli/"
if ! (cd "$work/cli" && timeout 300 npm ci --no-audit --no-fund --loglevel=error) \
  >"$work/npm.log" 2>&1; then
  echo "buf: FAIL: npm ci (log: $work/npm.log)" >&2
  tail -20 "$work/npm.log" >&2
  exit 1
fi
buf="$work/cli/node_modules/.bin/buf"
pinned="$(sed -n 's/.*"@bufbuild\/buf": "\([^"]*\)".*/\1/p' "$here/package.json")"
version="$("$buf" --version)"
if [[ "$version" != "$pinned" ]]; then
  echo "buf: FAIL: buf --version is '$version', package.json pins '$pinned'" >&2
  exit 1
fi
export BUF_CACHE_DIR="$work/cache"

# compare NAME BUF_OUT PROTOC_OUT: the same non-empty set of .connect.* files, each identical.
compare() {
  local name="$1" buf_out="$2" protoc_out="$3" buf_files protoc_files file count=0
  buf_files="$(cd "$buf_out" && find . -name '*.connect.*' -type f | sort)"
  protoc_files="$(cd "$protoc_out" && find . -name '*.connect.*' -type f | sort)"
  if [[ -z "$buf_files" ]]; then
    echo "buf ($name): FAIL: buf generate wrote no .connect.* files under $buf_out" >&2
    exit 1
  fi
  if [[ "$buf_files" != "$protoc_files" ]]; then
    echo "buf ($name): FAIL: buf and protoc wrote different files:" >&2
    diff <(echo "$buf_files") <(echo "$protoc_files") >&2 || true
    exit 1
  fi
  for file in $buf_files; do
    if ! cmp -s "$buf_out/$file" "$protoc_out/$file"; then
      echo "buf ($name): FAIL: $file differs between buf generate and protoc:" >&2
      diff "$buf_out/$file" "$protoc_out/$file" | head -20 >&2 || true
      exit 1
    fi
    count=$((count + 1))
  done
  echo "buf ($name): OK: $count .connect.* files byte-identical to protoc's"
}

# run_quiet LOG COMMAND...: runs COMMAND with its output in LOG; on failure shows it.
run_quiet() {
  local log="$1"
  shift
  if ! "$@" >"$log" 2>&1; then
    echo "buf: FAIL: $* (log: $log)" >&2
    cat "$log" >&2
    exit 1
  fi
}

# 1. The example's buf.gen.yaml as a user runs it: the plugin found on PATH.
mkdir -p "$work/example/buf" "$work/example/protoc/gen"
(
  cd "$checkout/examples/buf"
  run_quiet "$work/example/buf.log" env PATH="$(dirname "$plugin"):$PATH" \
    "$buf" generate ../proto --template buf.gen.yaml -o "$work/example/buf"
)
mapfile -t example_protos < <(cd "$checkout/examples/proto" && find . -name '*.proto' | sed 's|^\./||' | sort)
(
  cd "$checkout/examples/proto"
  run_quiet "$work/example/protoc.log" protoc -I . --cpp_out="$work/example/protoc/gen" \
    --plugin=protoc-gen-connect-cpp="$plugin" --connect-cpp_out="$work/example/protoc/gen" \
    "${example_protos[@]}"
)
compare "examples/buf/buf.gen.yaml" "$work/example/buf/gen" "$work/example/protoc/gen"

# 2. The transcodely.v1 protos with an inline template naming the plugin's path.
mkdir -p "$work/transcodely/buf" "$work/transcodely/protoc"
template="{\"version\":\"v2\",\"plugins\":[{\"local\":\"$plugin\",\"out\":\".\"}]}"
(
  cd "$checkout"
  run_quiet "$work/transcodely/buf.log" "$buf" generate proto --template "$template" \
    -o "$work/transcodely/buf"
)
mapfile -t transcodely_protos < <(cd "$checkout/proto" && find . -name '*.proto' | sed 's|^\./||' | sort)
(
  cd "$checkout/proto"
  run_quiet "$work/transcodely/protoc.log" protoc -I . \
    --plugin=protoc-gen-connect-cpp="$plugin" --connect-cpp_out="$work/transcodely/protoc" \
    "${transcodely_protos[@]}"
)
compare "proto/ (transcodely.v1)" "$work/transcodely/buf" "$work/transcodely/protoc"

echo "buf: buf $version passed in $((SECONDS - start)) s"
