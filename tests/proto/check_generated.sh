#!/usr/bin/env bash
# Regenerates the Connect code for proto/transcodely/v1 into a temporary directory with the
# built plugin and compares it with the checked-in generated/ tree.
#
#   check_generated.sh <protoc> <plugin> <protobuf-include-dir> <proto-root> <generated-dir>
set -euo pipefail

if [[ $# -ne 5 ]]; then
  echo "usage: $0 <protoc> <plugin> <protobuf-include-dir> <proto-root> <generated-dir>" >&2
  exit 2
fi
protoc="$1"
plugin="$2"
protobuf_include="$3"
proto_root="$4"
generated="$5"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

(
  cd "$proto_root"
  "$protoc" -I . -I "$protobuf_include" --plugin=protoc-gen-connect-cpp="$plugin" \
    --connect-cpp_out="$tmp" transcodely/v1/*.proto
)

if ! diff -ru "$generated/transcodely" "$tmp/transcodely"; then
  echo >&2
  echo "generated/ is out of date with proto/ or the plugin (diff above: checked in vs fresh)." >&2
  echo "Run scripts/regenerate [BUILD_DIR] and commit the result." >&2
  exit 1
fi
echo "generated/ matches the plugin's output ($(find "$tmp" -type f | wc -l) files)"
