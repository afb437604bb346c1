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

# SQLite's own work for the same rows, step by step: the floor under any import into this
# schema (docs/performance.md, "Roster import"). The rows come from a staging table, so
# nothing here parses or checks; the statements are those the import's deferred load runs.
[[ ${DATABASE:-sqlite} == postgres ]] && exit 0
fresh
# The rows with their site and unit ids looked up (untimed, as the import's check does it).
sqlite3 "$WORK/run.db" "CREATE TEMP TABLE g (eid, name, email, role, site, unit, shift, status, cc);" \
    ".import --csv --skip 1 $WORK/roster.csv g" \
    "CREATE TABLE staging AS SELECT s.program_id, g.eid, g.name, g.email, lower(g.role) AS role,
       s.id AS site_id, u.id AS unit_id, g.shift, g.status = 'Active' AS active
     FROM g JOIN site s ON s.code = g.site LEFT JOIN unit u ON u.site_id = s.id AND u.code = g.unit"
DEFERRED=$(sqlite3 "$WORK/run.db" "SELECT name || '|' || replace(sql, char(10), ' ') FROM sqlite_master
    WHERE type = 'index' AND tbl_name = 'person' AND sql NOT LIKE 'CREATE UNIQUE%' AND sql NOT LIKE '% WHERE %'")
{
    echo "PRAGMA synchronous=NORMAL; PRAGMA cache_size=-16384; PRAGMA foreign_keys=OFF; PRAGMA temp_store=MEMORY;"
    echo ".timer on"
    echo "BEGIN IMMEDIATE;"
    while IFS='|' read -r name _; do echo "DROP INDEX $name;"; done <<<"$DEFERRED"
    echo "SELECT 'INSERT into person';"
    echo "INSERT INTO person (program_id, name, email, employee_id, job_role, site_id, unit_id, employer_kind,
        organization, shift, active, created_at, updated_at)
      SELECT program_id, name, email, eid, role, site_id, unit_id, 'staff', NULL, shift, active,
        '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z' FROM staging;"
    echo "SELECT 'training status rows';"
    echo "INSERT INTO training_status (person_id, program_id, complete, proficient)
      SELECT p.id, p.program_id, 0, 0 FROM person p WHERE p.id > (SELECT MAX(person_id) FROM training_status)
      ON CONFLICT (person_id) DO NOTHING;"
    while IFS='|' read -r name sql; do echo "SELECT 'CREATE INDEX $name';"; echo "$sql;"; done <<<"$DEFERRED"
    echo "SELECT 'ANALYZE person';"
    echo "ANALYZE person;"
    echo "SELECT 'COMMIT (and checkpoint)';"
    echo "COMMIT;"
} >"$WORK/floor.sql"
echo
echo "SQLite's own work for these rows, from a staging table (CPU, user + system):"
echo
echo "| step | CPU |"
echo "|---|---|"
setsid -w bash -c 'echo -20 > /proc/self/autogroup; exec "$@"' _ sqlite3 "$WORK/run.db" ".read $WORK/floor.sql" |
    awk '/^Run Time/ { cpu = $6 + $8; t[label] += cpu; total += cpu; next }
         { label = $0; order[++n] = label }
         END { for (i = 1; i <= n; i++) printf "| %s | %.2f s |\n", order[i], t[order[i]]
               printf "| **total** | **%.2f s** |\n", total }'
