#!/usr/bin/env bash
# Provisioning and forecast figures at scale: loads `muster demo --scale large` (400,000
# people, 4,000,000 completions; SQLite), then times, for the site with the most people,
# GET /api/v1/provisioning (first page, and a page deep in the list), the CSV and XLSX
# exports of the whole site, the list and CSV export for the wave with the most people
# (which requires only its modules' curricula), the national CSV export, and
# GET /api/v1/training/forecast.
# Prints Markdown rows (mean of 5 after one warm-up; exports once each, with the size).
#
#   bash scripts/bench_provisioning.sh              # release build
#   BIN=/path/to/muster DB=/path/to/large.db bash scripts/bench_provisioning.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/bench_setup.sh

if [[ -z ${DB:-} ]]; then
    DB=$WORK/large.db
    started=$(date +%s%N)
    "$BIN" demo --scale large --database "$DB" 2>&1 | grep -E '^(Training|Loaded)' || true
    echo "large demo loaded in $(awk -v ns=$(( $(date +%s%N) - started )) 'BEGIN{printf "%.1f", ns/1e9}') s"
    sqlite3 "$DB" "VACUUM; ANALYZE;"
fi
URL=sqlite://$DB
read -r SITE PEOPLE < <(sqlite3 -separator ' ' "$DB" \
    "SELECT site_id, COUNT(*) FROM person WHERE site_id IS NOT NULL GROUP BY site_id ORDER BY 2 DESC LIMIT 1")
echo "largest site: $SITE with $PEOPLE people; completions: $(sqlite3 "$DB" 'SELECT COUNT(*) FROM completion')"
read -r WAVE WAVE_PEOPLE WAVE_MODULES < <(sqlite3 -separator ' ' "$DB" \
    "SELECT ws.wave_id, COUNT(*), (SELECT COUNT(*) FROM wave_module wm WHERE wm.wave_id = ws.wave_id) \
     FROM wave_site ws JOIN person p ON p.site_id = ws.site_id GROUP BY ws.wave_id ORDER BY 2 DESC LIMIT 1")
echo "largest wave: $WAVE with $WAVE_PEOPLE people and $WAVE_MODULES modules"
TOKEN=$("$BIN" token create --email admin@riverbend.example --database "$URL" 2>/dev/null | tail -1)
"$BIN" serve --database "$URL" --listen 127.0.0.1:18092 >"$WORK/serve.log" 2>&1 &
SERVER=$!
for _ in $(seq 100); do curl -sf http://127.0.0.1:18092/healthz >/dev/null && break; sleep 0.2; done
base=http://127.0.0.1:18092
get() { curl -sf -o "${2:-/dev/null}" -w '%{time_total}' -H "Authorization: Bearer $TOKEN" "$base$1"; }
mean() {
    get "$1" >/dev/null
    local total=0
    for _ in $(seq 5); do total=$(awk -v a="$total" -v b="$(get "$1")" 'BEGIN{print a + b}'); done
    awk -v t="$total" 'BEGIN{printf "%.0f", t * 200}'
}
# A cursor well into the site's list: the 40th page of 100.
cursor=""
for _ in $(seq 40); do
    cursor=$(curl -sf -H "Authorization: Bearer $TOKEN" "$base/api/v1/provisioning?site_id=$SITE&limit=100${cursor:+&cursor=$cursor}" \
        | sed -n 's/.*"next_cursor":"\([^"]*\)".*/\1/p')
    [[ -n $cursor ]] || break
done
echo "| request | time (ms) | size |"
echo "|---|---|---|"
echo "| GET /api/v1/provisioning?site_id=$SITE&limit=100 (first page, with counts) | $(mean "/api/v1/provisioning?site_id=$SITE&limit=100") | |"
[[ -n $cursor ]] && echo "| the same, page 41 | $(mean "/api/v1/provisioning?site_id=$SITE&limit=100&cursor=$cursor") | |"
echo "| GET /api/v1/provisioning?limit=100 (whole program, with counts) | $(mean "/api/v1/provisioning?limit=100") | |"
for ext in csv xlsx; do
    t=$(get "/api/v1/provisioning.$ext?site_id=$SITE" "$WORK/site.$ext")
    echo "| GET /api/v1/provisioning.$ext?site_id=$SITE ($PEOPLE people) | $(awk -v t="$t" 'BEGIN{printf "%.0f", t * 1000}') | $(stat -c %s "$WORK/site.$ext") B |"
done
echo "| GET /api/v1/provisioning?wave_id=$WAVE&limit=100 (largest wave, $WAVE_PEOPLE people, $WAVE_MODULES modules; with counts) | $(mean "/api/v1/provisioning?wave_id=$WAVE&limit=100") | |"
echo "| GET /api/v1/provisioning?wave_id=$WAVE&status=ready&limit=100 (the rule as a filter) | $(mean "/api/v1/provisioning?wave_id=$WAVE&status=ready&limit=100") | |"
t=$(get "/api/v1/provisioning.csv?wave_id=$WAVE" "$WORK/wave.csv")
echo "| GET /api/v1/provisioning.csv?wave_id=$WAVE ($(($(wc -l <"$WORK/wave.csv") - 1)) lines) | $(awk -v t="$t" 'BEGIN{printf "%.0f", t * 1000}') | $(stat -c %s "$WORK/wave.csv") B |"
t=$(get "/api/v1/provisioning.csv" "$WORK/all.csv")
echo "| GET /api/v1/provisioning.csv (whole program, $(($(wc -l <"$WORK/all.csv") - 1)) lines) | $(awk -v t="$t" 'BEGIN{printf "%.0f", t * 1000}') | $(stat -c %s "$WORK/all.csv") B |"
echo "| GET /api/v1/training/forecast (every wave's sites) | $(mean "/api/v1/training/forecast") | |"
echo "server peak RSS: $(grep VmHWM /proc/$SERVER/status | awk '{print $2, $3}')"
