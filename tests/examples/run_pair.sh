#!/usr/bin/env bash
# Runs an example server on a free port, runs its client against it, and checks the client's
# output against a regular expression (grep -E, every line of EXPECTED must match a line).
#
#   tests/examples/run_pair.sh SERVER CLIENT EXPECTED [CLIENT ARGS AFTER THE URL...]
set -euo pipefail
server="$1" client="$2" expected="$3"
shift 3
log="$(mktemp)"
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -f "$log"' EXIT
"$server" 0 >"$log" 2>&1 &
pid=$!
url=""
for _ in $(seq 100); do
  url="$(sed -n 's/^listening on \(http:[^ ]*\).*/\1/p' "$log")"
  [[ -n "$url" ]] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
if [[ -z "$url" ]]; then
  echo "FAIL: $(basename "$server") did not start:" >&2
  cat "$log" >&2
  exit 1
fi
output="$("$client" "$url" "$@" 2>&1)" || {
  echo "FAIL: $(basename "$client") exited with an error:" >&2
  echo "$output" >&2
  exit 1
}
echo "$output"
while IFS= read -r pattern; do
  if ! grep -Eq -- "$pattern" <<<"$output"; then
    echo "FAIL: no line of the output matches: $pattern" >&2
    exit 1
  fi
done <<<"$expected"
kill -TERM "$pid"
wait "$pid"
echo "OK: $(basename "$server") + $(basename "$client")"
