#!/usr/bin/env bash
# The benefits dashboard at 50 KPIs x 200 sites x 36 monthly measurements (360,000), on
# SQLite and on PostgreSQL. Loads `muster demo` (small: 6 sites, 3 waves), adds 194 sites
# and 50 goals through the API, puts the new sites in WAVES (10) waves, writes the 360,000
# measurements as a CSV and imports it with `muster import measurements` (timed: that is
# the import's figure too), then times
# GET /benefits (the page, charts and tables rendered) and GET /api/v1/benefits: one
# warm-up each, then ROUNDS requests. The target: the page under 150 ms. Prints Markdown.
#
#   bash scripts/bench_benefits.sh               # release build, both databases
#   BIN=/path/to/muster DATABASES=sqlite bash scripts/bench_benefits.sh
#   SITES=20 MONTHS=6 bash scripts/bench_benefits.sh   # a quick check of the script itself
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ -z ${BIN:-} ]]; then
    cargo build --release -p muster >/dev/null
    BIN=${CARGO_TARGET_DIR:-$PWD/target}/release/muster
fi
DATABASES=${DATABASES:-sqlite postgres}
ROUNDS=${ROUNDS:-10}
SITES=${SITES:-200}
GOALS=${GOALS:-50}
MONTHS=${MONTHS:-36}
WAVES=${WAVES:-10}
WORK=$(mktemp -d)
ROWS=$((SITES * GOALS * MONTHS))
source scripts/lib/bench.sh
source scripts/lib/postgres.sh
SERVER=""
cleanup() {
    [[ -z $SERVER ]] || { kill "$SERVER" 2>/dev/null; wait "$SERVER" 2>/dev/null || true; }
    pg_stop 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
PORT=18095
API=http://127.0.0.1:$PORT/api/v1

serve() {
    "$BIN" serve --database "$1" --listen "127.0.0.1:$PORT" >>"$WORK/serve.log" 2>&1 &
    SERVER=$!
    for _ in $(seq 150); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && return 0; sleep 0.2; done
    echo "the server did not start; see $WORK/serve.log" >&2
    return 1
}

# load URL: the demo, the extra sites and goals, then the measurements import (timed).
load() {
    local url=$1 token i
    "$BIN" demo --database "$url" >"$WORK/demo.log" 2>&1
    serve "$url"
    token=$("$BIN" token create --email lead@riverbend.example --database "$url" 2>/dev/null | tail -1)
    TOKEN=$token
    post() { curl -sf -o /dev/null -H "Authorization: Bearer $token" -H 'Content-Type: application/json' -d "$2" "$API/$1"; }
    # The bench sites go live in WAVES waves, a month apart, as every site of the large demo
    # does: the per-wave figures then cover every measurement.
    local ids=()
    for i in $(seq 7 "$SITES"); do
        ids+=("$(curl -sf -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
            -d "{\"name\":\"Bench site $i\",\"code\":\"B$i\",\"kind\":\"clinic\"}" "$API/sites" |
            grep -o '"id":[0-9]*' | head -1 | cut -d: -f2)")
    done
    local per=$(( (${#ids[@]} + WAVES - 1) / WAVES ))
    for i in $(seq 0 $((WAVES - 1))); do
        local chunk=("${ids[@]:$((i * per)):$per}")
        [[ ${#chunk[@]} -gt 0 ]] || continue
        post waves "{\"name\":\"Bench wave $i\",\"go_live\":\"$((2025 + i / 12))-$(printf %02d $((i % 12 + 1)))-01\",\"site_ids\":[$(IFS=,; echo "${chunk[*]}")]}"
    done
    for i in $(seq 1 "$GOALS"); do
        post goals "{\"name\":\"Bench KPI $i\",\"unit\":\"percent\",\"direction\":\"higher\",\"baseline_value\":60,\"baseline_date\":\"2024-01-01\",\"target_value\":90,\"target_date\":\"2028-01-01\",\"value_per_year\":\"100000\"}"
    done
    curl -sf -H "Authorization: Bearer $token" "$API/sites?limit=500" | grep -o '"code":"[A-Z0-9]*"' | cut -d'"' -f4 >"$WORK/codes"
    awk -v goals="$GOALS" -v months="$MONTHS" 'BEGIN { print "goal,site,period,value" }
        { codes[NR] = $1 }
        END {
            for (g = 1; g <= goals; g++) for (s = 1; s <= NR; s++) for (m = 0; m < months; m++) {
                y = 2024 + int(m / 12); mo = m % 12 + 1
                printf "Bench KPI %d,%s,%d-%02d-01,%.1f\n", g, codes[s], y, mo, 60 + (g + s + m) % 30
            }
        }' "$WORK/codes" >"$WORK/measurements.csv"
    ROWS=$(($(wc -l <"$WORK/measurements.csv") - 1))
    timed "$2: import $ROWS measurements (muster import measurements)" \
        "$BIN" import measurements "$WORK/measurements.csv" --database "$url"
}

# time_get LABEL PATH: mean, median and fastest of ROUNDS after one warm-up.
time_get() {
    local t i
    curl -sf -o /dev/null -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT$2"
    : >"$WORK/times"
    for i in $(seq "$ROUNDS"); do
        t=$(curl -sf -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT$2")
        echo "$t" >>"$WORK/times"
    done
    sort -g "$WORK/times" | awk -v label="$1" '{a[NR] = $1; s += $1}
        END {printf "| %s | %.0f ms | %.0f ms | %.0f ms |\n", label, s / NR * 1000, (a[int((NR + 1) / 2)] + a[int(NR / 2) + 1]) / 2 * 1000, a[1] * 1000}'
}

for db in $DATABASES; do
    if [[ $db == sqlite ]]; then
        url="sqlite://$WORK/benefits.db"
        label=SQLite
    else
        pg_start >/dev/null
        psql "$MUSTER_TEST_POSTGRES_URL" -qc "CREATE DATABASE benefits" >/dev/null
        url=${MUSTER_TEST_POSTGRES_URL%/*}/benefits
        label=PostgreSQL
    fi
    echo "| what | time | rows/s | peak memory |"
    echo "|---|---|---|---|"
    load "$url" "$label"
    echo
    echo "| $label, $ROWS measurements | mean of $ROUNDS | median | fastest |"
    echo "|---|---|---|---|"
    # The page is the browser's: the session cookie's path. Bearer tokens reach pages too
    # (the same extractor), so the token times the rendered HTML.
    time_get "GET /benefits (page)" /benefits
    time_get "GET /api/v1/benefits" /api/v1/benefits
    time_get "GET /benefits?site_id= (one site)" "/benefits?site_id=1"
    echo "| | load average after: $(uptime | sed 's/.*load average: //') | | |"
    echo
    kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""
done
