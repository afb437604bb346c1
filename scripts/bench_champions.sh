#!/usr/bin/env bash
# Champion coverage at national scale: loads `muster demo --scale large` (400,000 people,
# about 35,000 champions) unless DB names an existing copy, then times the two aggregate
# queries behind `Store::champion_coverage_by_site` with sqlite3 (CPU and wall, warm cache)
# and GET /api/v1/champions/coverage (every site; mean of 10 after one warm-up). SQLite only.
# OVERRIDES=N first gives the first N units (by id) a target of their own, one champion per
# 5 end users, through PUT /api/v1/champions/target/units/{id}; the query that reads a
# program's overrides is timed after that. Prints Markdown rows.
#
#   bash scripts/bench_champions.sh                   # release build
#   BIN=/path/to/muster DB=/path/to/large.db OVERRIDES=1120 bash scripts/bench_champions.sh
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ -z ${BIN:-} ]]; then
    cargo build --release -p muster >/dev/null
    BIN=${CARGO_TARGET_DIR:-$PWD/target}/release/muster
fi
command -v sqlite3 >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends sqlite3 >/dev/null
WORK=$(mktemp -d)
SERVER=""
cleanup() { [[ -n $SERVER ]] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
if [[ -z ${DB:-} ]]; then
    DB=$WORK/large.db
    "$BIN" demo --scale large --database "$DB" 2>&1 | grep -E '^(Champions|Loaded)' || true
fi
today=$(date -u +%F)
people="SELECT u.site_id, u.id AS unit_id, u.name AS unit_name, p.shift, COUNT(*) AS end_users \
FROM unit u JOIN person p ON p.unit_id = u.id WHERE u.program_id = 1 AND p.shift IS NOT NULL \
AND p.active GROUP BY u.site_id, u.id, u.name, p.shift"
champions="SELECT c.unit_id, c.shift, COUNT(*) AS champions FROM unit u \
JOIN champion c ON c.unit_id = u.id JOIN person p ON p.id = c.person_id \
WHERE u.program_id = 1 AND c.since <= '$today' AND p.active GROUP BY c.unit_id, c.shift"
echo "| query | rows | wall (s), warm | user CPU (s) |"
echo "|---|---|---|---|"
for name in people champions; do
    sql=${!name}
    out=$(printf '.timer on\nSELECT COUNT(*) FROM (%s);\nSELECT COUNT(*) FROM (%s);\n' "$sql" "$sql" |
        sqlite3 "$DB" 2>&1 | tail -2)
    rows=$(head -1 <<<"$out")
    read -r real user <<<"$(awk '/Run Time/{print $4, $6}' <<<"$out")"
    echo "| $name per unit and shift | $rows | $real | $user |"
done
URL=sqlite://$DB
TOKEN=$("$BIN" token create --email admin@riverbend.example --database "$URL" 2>/dev/null | tail -1)
"$BIN" serve --database "$URL" --listen 127.0.0.1:18092 >"$WORK/serve.log" 2>&1 &
SERVER=$!
for _ in $(seq 150); do curl -sf http://127.0.0.1:18092/healthz >/dev/null && break; sleep 0.2; done
for unit in $(sqlite3 "$DB" "SELECT id FROM unit WHERE program_id = 1 ORDER BY id LIMIT ${OVERRIDES:-0}"); do
    curl -sf -o /dev/null -X PUT -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
        -d '{"end_users_per_champion": 5, "note": "bench"}' \
        "http://127.0.0.1:18092/api/v1/champions/target/units/$unit"
done
overrides="SELECT unit_id, end_users_per_champion, note FROM champion_unit_target WHERE program_id = 1"
out=$(printf '.timer on\nSELECT COUNT(*) FROM (%s);\nSELECT COUNT(*) FROM (%s);\n' "$overrides" "$overrides" |
    sqlite3 "$DB" 2>&1 | tail -2)
read -r real user <<<"$(awk '/Run Time/{print $4, $6}' <<<"$out")"
echo
echo "| query | rows | wall (s), warm | user CPU (s) |"
echo "|---|---|---|---|"
echo "| units' own targets (one query per coverage request) | $(head -1 <<<"$out") | $real | $user |"
echo
echo "| GET | cells | mean of 10 (ms) |"
echo "|---|---|---|"
for query in "" "?site_id=1"; do
    url=http://127.0.0.1:18092/api/v1/champions/coverage$query
    cells=$(curl -sf -H "Authorization: Bearer $TOKEN" "$url" | grep -o '"unit_name"' | wc -l) # also warms
    total=0
    for _ in $(seq 10); do
        t=$(curl -sf -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $TOKEN" "$url")
        total=$(awk -v a="$total" -v b="$t" 'BEGIN{print a + b}')
    done
    echo "| /api/v1/champions/coverage$query | $cells (with the below-target copies) | $(awk -v t="$total" 'BEGIN{printf "%.0f", t * 100}') |"
done
