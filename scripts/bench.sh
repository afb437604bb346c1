#!/usr/bin/env bash
# Measures the people list at national scale (400,000 people) on SQLite and PostgreSQL:
# builds the release binary, loads `muster demo --scale large` (timed), serves it on
# loopback and drives it with wrk. Prints a Markdown table for docs/performance.md.
#
#   bash scripts/bench.sh            # both backends
#   BACKENDS=sqlite bash scripts/bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/postgres.sh

command -v wrk >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends wrk >/dev/null
cargo build --release -p muster >/dev/null
BIN=$PWD/target/release/muster
WORK=$(mktemp -d)
SERVER=""
cleanup() { [[ -n $SERVER ]] && kill "$SERVER" 2>/dev/null; pg_stop; rm -rf "$WORK"; }
trap cleanup EXIT

# wrk's summary line "Latency avg stdev max" and the 50/99% lines, as "p50 p99 req/s".
measure() { # connections url
    local out
    out=$(wrk -t "$(( $1 < 2 ? 1 : 2 ))" -c "$1" -d "${DURATION:-10s}" --latency -H "Authorization: Bearer $TOKEN" "$2")
    echo "$(awk '/^ +50%/{print $2}' <<<"$out") $(awk '/^ +99%/{print $2}' <<<"$out") $(awk '/Requests\/sec/{print $2}' <<<"$out")"
}

echo "| backend | load (s) | query | 1 client p50 / p99 | 32 clients p50 / p99 / req/s |"
echo "|---|---|---|---|---|"
for backend in ${BACKENDS:-sqlite postgres}; do
    if [[ $backend == postgres ]]; then
        pg_start >/dev/null
        psql -q "$MUSTER_TEST_POSTGRES_URL" -c "CREATE DATABASE bench"
        URL=${MUSTER_TEST_POSTGRES_URL%/*}/bench
    else
        URL=sqlite://$WORK/bench.db
    fi
    started=$(date +%s%N)
    "$BIN" demo --scale large --database "$URL" >/dev/null 2>&1
    load=$(awk -v ns=$(( $(date +%s%N) - started )) 'BEGIN{printf "%.1f", ns/1e9}')
    TOKEN=$("$BIN" token create --email admin@riverbend.example --database "$URL" 2>/dev/null | tail -1)
    "$BIN" serve --database "$URL" --listen 127.0.0.1:18090 >"$WORK/serve.log" 2>&1 &
    SERVER=$!
    for _ in $(seq 50); do curl -sf http://127.0.0.1:18090/healthz >/dev/null && break; sleep 0.2; done
    site=$(curl -sf -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:18090/api/v1/sites?q=S005" | grep -o '"id":[0-9]*' | head -1 | cut -d: -f2)
    base="http://127.0.0.1:18090/api/v1/people?limit=50"
    for q in "site_id=$site&job_role=nurse" "site_id=$site" "job_role=physician" "(none)"; do
        url=$base; [[ $q != "(none)" ]] && url="$base&$q"
        one=$(measure 1 "$url"); many=$(measure 32 "$url")
        read -r p50 p99 _ <<<"$one"; read -r mp50 mp99 rps <<<"$many"
        echo "| $backend | $load | $q | $p50 / $p99 | $mp50 / $mp99 / $rps |"
    done
    peak=$(awk '/VmHWM/{print $2, $3}' "/proc/$SERVER/status")
    echo "| $backend | | peak server memory (VmHWM) after all runs: $peak | | |"
    kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""
done
