#!/usr/bin/env bash
# The alignment pages on the large demo (issue 6), SQLite or PostgreSQL, release build: loads
# `muster demo --scale large` (400,000 people, 200 sites, 10 waves, 50 goals x every site x
# 36 months, 290 stakeholder groups, 3,000 decisions, 2,500 change requests, lessons and
# embedding), starts a server on loopback, and times with curl ROUNDS requests of each page
# after one warm-up. The target: the program dashboard under 100 ms. Prints Markdown (ms).
#
#   bash scripts/bench_alignment.sh
#   KEEP=/big/dir bash scripts/bench_alignment.sh   # keep (and reuse) the loaded database
#   DATABASE=postgres bash scripts/bench_alignment.sh   # on a throwaway PostgreSQL cluster
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ -z ${BIN:-} ]]; then
    cargo build --release -p muster >/dev/null
    BIN=${CARGO_TARGET_DIR:-$PWD/target}/release/muster
fi
ROUNDS=${ROUNDS:-20}
PORT=${PORT:-18096}
if [[ -n ${KEEP:-} ]]; then WORK=$KEEP; mkdir -p "$WORK"; else WORK=$(mktemp -d); fi
SERVER=""
source scripts/lib/postgres.sh
cleanup() {
    [[ -z $SERVER ]] || { kill "$SERVER" 2>/dev/null; wait "$SERVER" 2>/dev/null || true; }
    [[ ${DATABASE:-sqlite} != postgres ]] || pg_stop 2>/dev/null || true
    [[ -n ${KEEP:-} ]] || rm -rf "$WORK"
}
trap cleanup EXIT
if [[ ${DATABASE:-sqlite} == postgres ]]; then
    pg_start >/dev/null
    psql "$MUSTER_TEST_POSTGRES_URL" -qc "CREATE DATABASE large" >/dev/null
    DB=${MUSTER_TEST_POSTGRES_URL%/*}/large
else
    DB="sqlite://$WORK/large.db"
fi
if [[ ${DATABASE:-sqlite} == postgres || ! -f $WORK/large.db ]]; then
    start=$(date +%s)
    "$BIN" demo --scale large --database "$DB" >"$WORK/demo.log" 2>&1
    echo "Loaded the large demo in $(( $(date +%s) - start )) s."
fi
"$BIN" serve --database "$DB" --listen "127.0.0.1:$PORT" >>"$WORK/serve.log" 2>&1 &
SERVER=$!
for _ in $(seq 150); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
TOKEN=$("$BIN" token create --email exec@riverbend.example --database "$DB" 2>/dev/null | tail -1)
BASE=http://127.0.0.1:$PORT
get() { curl -sf -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $TOKEN" "$BASE$1"; }

echo "$(nproc) cores; load average before: $(uptime | sed 's/.*load average: //')."
echo
echo "| request, $ROUNDS rounds after a warm-up | mean ms | median ms | slowest ms |"
echo "|---|---|---|---|"
for path in "/alignment" "/api/v1/alignment" "/benefits" "/stakeholders/matrix" "/decisions?q=order+set" "/lessons?q=printer" "/embedding/coverage" "/change-requests"; do
    get "$path" >/dev/null
    : >"$WORK/times"
    for _ in $(seq "$ROUNDS"); do get "$path" >>"$WORK/times"; echo >>"$WORK/times"; done
    sort -g "$WORK/times" | awk -v p="$path" 'NF {a[++n] = $1; s += $1}
        END {printf "| GET %s | %.1f | %.1f | %.1f |\n", p, s / n * 1000, (a[int((n + 1) / 2)] + a[int(n / 2) + 1]) / 2 * 1000, a[n] * 1000}'
done
echo
echo "Load average after: $(uptime | sed 's/.*load average: //')."
