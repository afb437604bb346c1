#!/usr/bin/env bash
# The command center under a go-live spike, on SQLite: loads `muster demo --scale large`
# (250,000 tickets), then measures on loopback with wrk
#   - ticket creation (POST /api/v1/tickets) at 8 and 64 connections,
#   - the ticket list (100 per page, filtered by site and status) at 8 and 64 connections,
#   - live-board latency at 200 new tickets/s (scripts/bench/board_latency.py),
#   - the server's peak memory.
# Prints Markdown for docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends wrk >/dev/null
cargo build --release -p muster >/dev/null
BIN=$PWD/target/release/muster
WORK=$(mktemp -d)
SERVER=""
cleanup() { [[ -n $SERVER ]] && kill "$SERVER" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
URL=sqlite://$WORK/bench.db
started=$(date +%s%N)
"$BIN" demo --scale large --database "$URL" >/dev/null 2>&1
echo "Large demo (400,000 people, 250,000 tickets) loaded in $(awk -v ns=$(( $(date +%s%N) - started )) 'BEGIN{printf "%.1f", ns/1e9}') s"
export TOKEN=$("$BIN" token create --email analyst@riverbend.example --database "$URL" 2>/dev/null | tail -1)
"$BIN" serve --database "$URL" --listen 127.0.0.1:18091 >"$WORK/serve.log" 2>&1 &
SERVER=$!
for _ in $(seq 50); do curl -sf http://127.0.0.1:18091/healthz >/dev/null && break; sleep 0.2; done
export SITE=$(curl -sf -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:18091/api/v1/sites?q=S005" | grep -o '"id":[0-9]*' | head -1 | cut -d: -f2)

run() { # connections url [script]
    wrk -t 2 -c "$1" -d "${DURATION:-10s}" --latency ${3:+-s "$3"} -H "Authorization: Bearer $TOKEN" "$2"
}
row() { # label output
    local p50 p99 rps errors
    p50=$(awk '/^ +50%/{print $2}' <<<"$2"); p99=$(awk '/^ +99%/{print $2}' <<<"$2")
    rps=$(awk '/Requests\/sec/{print $2}' <<<"$2")
    errors=$(awk '/Non-2xx|Socket errors/{print}' <<<"$2" | tr '\n' ' ')
    echo "| $1 | $rps | $p50 | $p99 | ${errors:-0} |"
}
echo "| SQLite, 250,000 tickets | req/s | p50 | p99 | errors |"
echo "|---|---|---|---|---|"
for c in 8 64; do
    row "POST /api/v1/tickets, $c connections" "$(run "$c" http://127.0.0.1:18091/api/v1/tickets scripts/bench/new_ticket.lua)"
done
list="http://127.0.0.1:18091/api/v1/tickets?limit=100&site_id=$SITE&status=in_progress"
for c in 8 64; do
    row "GET ticket list (100, site + status), $c connections" "$(run "$c" "$list")"
done
echo
echo "Live board: $(python3 scripts/bench/board_latency.py http://127.0.0.1:18091 "$TOKEN" "$SITE" 200 10)"
echo "Tickets now: $(curl -sf -H "Authorization: Bearer $TOKEN" 'http://127.0.0.1:18091/api/v1/tickets?limit=1' | grep -o '"total":[0-9]*')"
echo "Peak server memory (VmHWM): $(awk '/VmHWM/{print $2, $3}' "/proc/$SERVER/status")"
