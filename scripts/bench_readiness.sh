#!/usr/bin/env bash
# The readiness scorecard of 200 sites with 4,000,000 training completions and with 40,000,
# on SQLite and on PostgreSQL. Loads `muster demo --scale large` (200 sites, 400,000 people,
# 4,000,000 completions), copies it, thins the copy's completions to 1% and rebuilds its
# progress (`muster training refresh`), adds a wave of all 200 sites (go-live far enough
# ahead that no checkpoint is due, so that reading does not record one), then times
# GET /api/v1/readiness/scorecard?wave_id= on each (mean of 10 after one warm-up).
# The target: 4,000,000 within 1.5x of 40,000. Prints Markdown rows.
#
#   bash scripts/bench_readiness.sh            # release build, both databases
#   BIN=/path/to/muster DATABASES=sqlite bash scripts/bench_readiness.sh
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ -z ${BIN:-} ]]; then
    cargo build --release -p muster >/dev/null
    BIN=${CARGO_TARGET_DIR:-$PWD/target}/release/muster
fi
DATABASES=${DATABASES:-sqlite postgres}
command -v sqlite3 >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends sqlite3 >/dev/null
WORK=$(mktemp -d)
SERVER=""
source scripts/lib/postgres.sh
cleanup() { [[ -n $SERVER ]] && kill "$SERVER" 2>/dev/null; pg_stop 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
PORT=18093
GO_LIVE=$(date -d '+400 days' +%Y-%m-%d)

# time_scorecard URL LABEL: serve URL, add the 200-site wave, time the scorecard.
time_scorecard() {
    local url=$1 label=$2 token sites wave total t
    token=$("$BIN" token create --email admin@riverbend.example --database "$url" 2>/dev/null | tail -1)
    "$BIN" serve --database "$url" --listen 127.0.0.1:$PORT >"$WORK/serve.log" 2>&1 &
    SERVER=$!
    for _ in $(seq 100); do curl -sf http://127.0.0.1:$PORT/healthz >/dev/null && break; sleep 0.2; done
    sites=$(curl -sf -H "Authorization: Bearer $token" "http://127.0.0.1:$PORT/api/v1/sites?limit=500" \
        | grep -o '"id":[0-9]*' | cut -d: -f2 | paste -sd, -)
    wave=$(curl -sf -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
        -d "{\"name\":\"All sites\",\"go_live\":\"$GO_LIVE\",\"site_ids\":[$sites]}" \
        "http://127.0.0.1:$PORT/api/v1/waves" | grep -o '"id":[0-9]*' | head -1 | cut -d: -f2)
    local api="http://127.0.0.1:$PORT/api/v1/readiness/scorecard?wave_id=$wave"
    local n
    n=$(curl -sf -H "Authorization: Bearer $token" "$api" | grep -o '"site_id":' | wc -l)
    total=0
    for _ in $(seq 10); do
        t=$(curl -sf -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $token" "$api")
        total=$(awk -v a="$total" -v b="$t" 'BEGIN{print a + b}')
    done
    echo "| $label | $n | $(awk -v t="$total" 'BEGIN{printf "%.0f", t * 100}') |"
    kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""
}

echo "| database, completions | sites on the scorecard | GET /api/v1/readiness/scorecard, mean of 10 (ms) |"
echo "|---|---|---|"
for db in $DATABASES; do
    if [[ $db == sqlite ]]; then
        "$BIN" demo --scale large --database "sqlite://$WORK/4m.db" >/dev/null 2>&1
        sqlite3 "$WORK/4m.db" "VACUUM; ANALYZE;"
        cp "$WORK/4m.db" "$WORK/40k.db"
        sqlite3 "$WORK/40k.db" "DELETE FROM completion WHERE id % 100 != 0; VACUUM;"
        "$BIN" training refresh --database "sqlite://$WORK/40k.db" >/dev/null
        for size in 4m 40k; do
            rows=$(sqlite3 "$WORK/$size.db" "SELECT COUNT(*) FROM completion")
            time_scorecard "sqlite://$WORK/$size.db" "SQLite, $rows"
        done
    else
        pg_start >/dev/null
        base=${MUSTER_TEST_POSTGRES_URL%/*}
        psql "$MUSTER_TEST_POSTGRES_URL" -qc "CREATE DATABASE b4m" >/dev/null
        "$BIN" demo --scale large --database "$base/b4m" >/dev/null 2>&1
        psql "$base/b4m" -qc "VACUUM ANALYZE" >/dev/null
        psql "$MUSTER_TEST_POSTGRES_URL" -qc "CREATE DATABASE b40k TEMPLATE b4m" >/dev/null
        psql "$base/b40k" -qc "DELETE FROM completion WHERE id % 100 != 0" >/dev/null
        "$BIN" training refresh --database "$base/b40k" >/dev/null
        psql "$base/b40k" -qc "VACUUM ANALYZE" >/dev/null
        for size in b4m b40k; do
            rows=$(psql "$base/$size" -tAc "SELECT COUNT(*) FROM completion")
            time_scorecard "$base/$size" "PostgreSQL, $rows"
        done
        pg_stop
    fi
done
