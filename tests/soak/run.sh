#!/usr/bin/env bash
# Soak: a fresh transcodely-sandbox under a long mix of valid calls and abuse at c=256 (see
# tests/soak/soak_driver.cc for the mix and the checks). Usage:
#   tests/soak/run.sh [BUILD_DIR] [REQUESTS]      # REQUESTS: default 50000; the full soak: 1000000
# Exits non-zero when a check fails; the sandbox's log is left in BUILD_DIR/soak-sandbox.log.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="${1:-build}"
requests="${2:-50000}"
[[ "$build" = /* ]] || build="$root/$build"
sandbox="$(find "$build" -type f -name transcodely-sandbox -perm -u+x -print -quit)"
driver="$(find "$build" -type f -name soak_driver -perm -u+x -print -quit)"
[[ -n "$sandbox" ]] || { echo "soak: transcodely-sandbox not found under $build" >&2; exit 2; }
[[ -n "$driver" ]] || { echo "soak: soak_driver not found under $build" >&2; exit 2; }

out="$(mktemp)"
# Jobs finish quickly and idle watches beat often, so that a Watch that reads two messages is short.
"$sandbox" --listen 127.0.0.1:0 --data :memory: --job_duration_ms 1000 \
  --heartbeat_interval_ms 200 >"$out" 2>"$build/soak-sandbox.log" &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -f "$out"' EXIT
for _ in $(seq 100); do [[ -s "$out" ]] && break; sleep 0.1; done
line="$(head -n1 "$out")"
read -r port live test < <(python3 -c '
import json, sys, urllib.parse
d = json.loads(sys.argv[1])
print(urllib.parse.urlparse(d["listen"]).port, d["live_key"], d["test_key"])' "$line")
start=$(date +%s)
status=0
SOAK_LIVE_KEY="$live" SOAK_TEST_KEY="$test" \
  "$driver" --port "$port" --pid "$pid" --requests "$requests" --concurrency 256 || status=$?
kill -0 "$pid" 2>/dev/null || { echo "soak: the sandbox died (see $build/soak-sandbox.log)" >&2; status=1; }
echo "soak: $(( $(date +%s) - start )) s wall clock, exit status $status"
exit "$status"
