#!/usr/bin/env bash
# Roster import (issue 4) on SQLite: 400,000 people from CSV and from XLSX with
# `muster import people`, against `sqlite3 .import` of the same CSV. Release build.
#   ROWS=400000 bash scripts/bench_roster.sh
#   DATABASE=postgres bash scripts/bench_roster.sh   # the imports on a throwaway PostgreSQL
#                                                    # cluster (the sqlite3 rows stay)
# Prints Markdown for docs/performance.md (times are wall clock, peak memory is the
# importing process's maximum resident set).
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${ROWS:-400000}
command -v sqlite3 >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends sqlite3 >/dev/null
[[ -x /usr/bin/time ]] || DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends time >/dev/null
cargo build --release -p muster >/dev/null 2>&1
cargo build --release -p muster-import --features testing --example roster_file >/dev/null 2>&1
TARGET=${CARGO_TARGET_DIR:-$PWD/target}
BIN=$TARGET/release/muster
GEN=$TARGET/release/examples/roster_file
WORK=$(mktemp -d)
# shellcheck source=lib/postgres.sh
source scripts/lib/postgres.sh
trap '[[ ${DATABASE:-sqlite} != postgres ]] || pg_stop 2>/dev/null || true; rm -rf "$WORK"' EXIT

# shellcheck source=lib/bench.sh
source scripts/lib/bench.sh
CPUS=()

# A program with sites and units (the small demo), copied fresh for each import.
"$BIN" demo --scale small --database "sqlite://$WORK/base.db" >/dev/null 2>&1
sqlite3 "$WORK/base.db" "SELECT s.code || '|' || u.code FROM unit u JOIN site s ON s.id = u.site_id WHERE u.code IS NOT NULL" >"$WORK/places"
"$GEN" "$ROWS" "$WORK/roster.csv" "$WORK/roster.xlsx" <"$WORK/places"
if [[ ${DATABASE:-sqlite} == postgres ]]; then
    pg_start >/dev/null
    # The server's processes in an autogroup of nice -20 too, as `timed` runs the client
    # (scripts/lib/bench.sh): on PostgreSQL the import's work is the server's.
    echo -20 >"/proc/$(head -1 "$PG_TMP/data/postmaster.pid")/autogroup" 2>/dev/null || true
    SERVER=${MUSTER_TEST_POSTGRES_URL%/*}
    psql "$MUSTER_TEST_POSTGRES_URL" -qc "CREATE DATABASE base" >/dev/null
    "$BIN" demo --scale small --database "$SERVER/base" >/dev/null 2>&1
    RUN_DB=$SERVER/run
    fresh() {
        psql "$MUSTER_TEST_POSTGRES_URL" -qc "DROP DATABASE IF EXISTS run" -c "CREATE DATABASE run TEMPLATE base" >/dev/null
    }
else
    RUN_DB=sqlite://$WORK/run.db
    fresh() { rm -f "$WORK"/run.db*; cp "$WORK/base.db" "$WORK/run.db"; }
fi
echo "Imports into ${DATABASE:-sqlite}."

echo "Load average at the start: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the same cores inflates wall times; compare CPU too)."
echo "$ROWS people; CSV $(( $(stat -c %s "$WORK/roster.csv") / 1024 / 1024 )) MiB, XLSX $(( $(stat -c %s "$WORK/roster.xlsx") / 1024 / 1024 )) MiB; $(nproc) cores."
echo
echo "| what | time | rows/s | peak memory |"
echo "|---|---|---|---|"
timed "\`sqlite3 .import\` into a new table (no indexes)" sqlite3 "$WORK/plain.db" ".import --csv $WORK/roster.csv people"
CPUS+=("$LAST_CPU")
PLAIN=$LAST_NS
sqlite3 "$WORK/schema.db" ".read /dev/stdin" <<SQL
$(sqlite3 "$WORK/base.db" ".schema person")
CREATE TABLE staging (eid, name, email, role, site, unit, shift, status, cc);
SQL
cat >"$WORK/schema.sql" <<SQL
PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536;
.import --csv --skip 1 $WORK/roster.csv staging
INSERT INTO person (program_id, name, email, employee_id, job_role, site_id, unit_id, employer_kind, organization, shift, active, created_at, updated_at)
  SELECT 1, name, email, eid, role, 1, NULL, 'staff', NULL, shift, status = 'Active', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z' FROM staging;
SQL
timed "\`sqlite3 .import\` + INSERT into Muster's person table (its indexes)" sqlite3 "$WORK/schema.db" ".read $WORK/schema.sql"
CPUS+=("$LAST_CPU")
SCHEMA=$LAST_NS
fresh
timed "\`muster import people\` CSV, new program roster (audit: one entry for the job)" "$BIN" import people "$WORK/roster.csv" --database "$RUN_DB"
CPUS+=("$LAST_CPU")
CSV=$LAST_NS
timed "same file again: every row unchanged" "$BIN" import people "$WORK/roster.csv" --complete-roster --database "$RUN_DB"
CPUS+=("$LAST_CPU")
fresh
timed "\`muster import people\` CSV, MUSTER_IMPORT_AUDIT=person (an entry per person too)" env MUSTER_IMPORT_AUDIT=person "$BIN" import people "$WORK/roster.csv" --database "$RUN_DB"
CPUS+=("$LAST_CPU")
PERSON=$LAST_NS
fresh
timed "\`muster import people\` XLSX" "$BIN" import people "$WORK/roster.xlsx" --database "$RUN_DB"
CPUS+=("$LAST_CPU")
echo
echo "CPU (user + system) of each row above, in order: ${CPUS[*]} s. Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
awk -v c="$CSV" -v j="$PERSON" -v p="$PLAIN" -v s="$SCHEMA" 'BEGIN {
  printf "CSV import: %.1fx `sqlite3 .import` into a bare table, %.1fx .import + INSERT into the person table.\n", c/p, c/s
  printf "With an audit entry per person: %.1fx and %.1fx.\n", j/p, j/s }'
