#!/usr/bin/env bash
# What `make run` does, end to end: `atelier serve --demo --port 0` on a fresh
# data directory seeds the demo shop, prints exactly one line with its URL,
# answers /healthz and a search there, refuses a second server on the same
# port with a clear message, retrains its recommender every 2 s as asked
# (--retrain-every; the newest three artifacts kept), refuses a malformed
# interval, and exits 0 on SIGTERM.
# Usage: serve_demo_test.sh PATH/TO/atelier
set -euo pipefail

atelier=${1:?usage: serve_demo_test.sh PATH/TO/atelier}
tmp=$(mktemp -d)
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then kill -KILL "$server_pid"; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; echo "--- server stderr (tail) ---" >&2; tail -n 30 "$tmp/stderr" >&2 || true; exit 1; }

mkfifo "$tmp/stdout"
"$atelier" serve --demo --port 0 --data-dir "$tmp/data" --web-dir "$tmp/no-web" --retrain-every 2s >"$tmp/stdout" 2>"$tmp/stderr" &
server_pid=$!
exec 3<"$tmp/stdout"

# The first stdout line, as soon as the server prints it (seeding takes a while).
if ! IFS= read -r -t 500 line <&3; then fail "no URL line on stdout"; fi
[[ "$line" =~ ^Atelier\ is\ running\ at\ (http://127\.0\.0\.1:([0-9]+)/)$ ]] || fail "unexpected line: $line"
url=${BASH_REMATCH[1]}
port=${BASH_REMATCH[2]}
echo "server at $url"

health=$(curl -fsS "${url}healthz") || fail "GET /healthz"
[[ "$health" == *'"status":"ok"'* && "$health" == *'"search_ready":true'* ]] || fail "healthz: $health"

search=$(curl -fsS "${url}api/v1/search?q=playstation%20controller") || fail "GET /api/v1/search"
[[ "$search" == *'"total":'* && "$search" == *'Controller'* ]] || fail "search: ${search:0:300}"
[[ "$search" != *'"accessories":[]'* ]] || fail "search has no accessories"

# Retraining: a model every 2 s, each swapped in; no more than three kept.
for _ in $(seq 1 120); do
  trained=$(grep -c "recommender trained:" "$tmp/stderr" || true)
  [[ $trained -ge 4 ]] && break
  sleep 1
done
[[ $trained -ge 4 ]] || fail "retrained $trained times in 120 s with --retrain-every 2s"
kept=$(ls "$tmp/data/models" | grep -c '^recommender-.*\.atlr$' || true)
[[ $kept -ge 1 && $kept -le 3 ]] || fail "$kept artifacts kept: $(ls "$tmp/data/models")"
recs=$(curl -fsS "${url}api/v1/recommendations?k=3") || fail "GET /api/v1/recommendations"
[[ "$recs" == *'"source":"recommender"'* ]] || fail "recommendations: ${recs:0:300}"
set +e
"$atelier" serve --port 0 --data-dir "$tmp/data3" --retrain-every soon >"$tmp/bad.out" 2>"$tmp/bad.err"
bad_rc=$?
set -e
[[ $bad_rc -eq 2 ]] || fail "--retrain-every soon exited $bad_rc"
grep -q "retrain-every must be a duration" "$tmp/bad.err" || fail "--retrain-every soon said: $(cat "$tmp/bad.err")"

# A second server on the same port fails with a clear message.
set +e
"$atelier" serve --port "$port" --data-dir "$tmp/data2" >"$tmp/second.out" 2>"$tmp/second.err"
second_rc=$?
set -e
[[ $second_rc -ne 0 ]] || fail "a second server on port $port exited 0"
grep -q "cannot listen on 127.0.0.1:$port" "$tmp/second.err" || fail "second server said: $(cat "$tmp/second.err")"
[[ ! -s "$tmp/second.out" ]] || fail "second server printed to stdout: $(cat "$tmp/second.out")"

# Graceful stop; stdout held exactly one line.
kill -TERM "$server_pid"
set +e
wait "$server_pid"
rc=$?
set -e
server_pid=""
[[ $rc -eq 0 ]] || fail "exit status $rc after SIGTERM"
extra=$(cat <&3)
[[ -z "$extra" ]] || fail "more on stdout: $extra"
grep -q '"path":"/healthz"' "$tmp/stderr" || fail "no access log line for /healthz"
echo "PASS"
