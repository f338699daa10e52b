#!/usr/bin/env bash
# Interop: the official Transcodely Python SDK (PyPI transcodely==0.3.13) against a fresh
# transcodely-sandbox. Usage: tests/interop/run_python_sdk.sh [BUILD_DIR]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="${1:-build}"
[[ "$build" = /* ]] || build="$root/$build"
sandbox="$(find "$build" -type f -name transcodely-sandbox -perm -u+x -print -quit)"
[[ -n "$sandbox" ]] || { echo "interop: transcodely-sandbox not found under $build" >&2; exit 2; }

venv="$build/interop-venv"
if [[ ! -x "$venv/bin/python" ]] || ! "$venv/bin/python" -c 'import transcodely' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check transcodely==0.3.13
fi

out="$(mktemp)"
"$sandbox" --listen 127.0.0.1:0 --data :memory: --job_duration_ms 1500 >"$out" 2>"$build/interop-sandbox.log" &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -f "$out"' EXIT
for _ in $(seq 100); do [[ -s "$out" ]] && break; sleep 0.1; done
line="$(head -n1 "$out")"
read -r url live test < <(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(d["listen"], d["live_key"], d["test_key"])' "$line")
"$venv/bin/python" "$root/tests/interop/python_sdk_interop.py" "$url" "$live" "$test"
