#!/usr/bin/env bash
# LMS completions import (issue 4) on SQLite: 4,000,000 completion rows from CSV with
# `muster import completions`, into a program of 400,000 people (the small demo plus a
# roster imported with `muster import people`) and the small demo's courses. Release build.
#   ROWS=4000000 PEOPLE=400000 bash scripts/bench_completions.sh
# Prints Markdown for docs/performance.md (times are wall clock, peak memory is the
# importing process's maximum resident set, from /usr/bin/time).
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${ROWS:-4000000}
PEOPLE=${PEOPLE:-400000}
command -v sqlite3 >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends sqlite3 >/dev/null
[[ -x /usr/bin/time ]] || DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends time >/dev/null
cargo build --release -p muster >/dev/null 2>&1
cargo build --release -p muster-import --features testing --example roster_file --example completions_file >/dev/null 2>&1
TARGET=${CARGO_TARGET_DIR:-$PWD/target}
BIN=$TARGET/release/muster
ROSTER=$TARGET/release/examples/roster_file
GEN=$TARGET/release/examples/completions_file
WORK=${WORK:-$(mktemp -d)}
trap 'rm -rf "$WORK"' EXIT

# shellcheck source=lib/bench.sh
source scripts/lib/bench.sh

# The small demo (sites, units, courses, curricula) plus a roster of $PEOPLE people.
DB="sqlite://$WORK/run.db"
"$BIN" demo --scale small --database "$DB" >/dev/null 2>&1
sqlite3 "$WORK/run.db" "SELECT s.code || '|' || u.code FROM unit u JOIN site s ON s.id = u.site_id WHERE u.code IS NOT NULL" >"$WORK/places"
"$ROSTER" "$PEOPLE" "$WORK/roster.csv" <"$WORK/places"
"$BIN" import people "$WORK/roster.csv" --database "$DB" >/dev/null 2>&1
{
    sqlite3 "$WORK/run.db" "SELECT 'E|' || employee_id FROM person WHERE employee_id IS NOT NULL"
    sqlite3 "$WORK/run.db" "SELECT 'C|' || code FROM course"
} >"$WORK/keys"
"$GEN" "$ROWS" "$WORK/completions.csv" <"$WORK/keys"
echo "$ROWS completion rows, CSV $(( $(stat -c %s "$WORK/completions.csv") / 1024 / 1024 )) MiB; $(sqlite3 "$WORK/run.db" 'SELECT COUNT(*) FROM person') people, $(sqlite3 "$WORK/run.db" 'SELECT COUNT(*) FROM course') courses, $(sqlite3 "$WORK/run.db" 'SELECT COUNT(*) FROM completion') completions before; $(nproc) cores; load before: $(uptime | sed 's/.*load average: //')."
echo
echo "| what | time | rows/s | peak memory |"
echo "|---|---|---|---|"
timed "\`sqlite3 .import\` of the CSV into a new table (no indexes)" sqlite3 "$WORK/plain.db" ".import --csv $WORK/completions.csv completions"
timed "\`muster import completions\`, all new (one transaction; progress rebuilt for every person touched)" "$BIN" import completions "$WORK/completions.csv" --database "$DB"
grep -o "progress rebuilt for [0-9]* people" "$WORK/out" || true
timed "same file again: every row unchanged" "$BIN" import completions "$WORK/completions.csv" --database "$DB"
echo
echo "Load after: $(uptime | sed 's/.*load average: //'); database $(( $(stat -c %s "$WORK/run.db") / 1024 / 1024 )) MiB."
