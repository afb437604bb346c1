#!/usr/bin/env bash
# Plan import (issue 5, part 7) on SQLite: a Microsoft Project XML file of 50,000 tasks
# (about 100,000 links, an outline three levels deep, the elements Microsoft Project writes
# around each task) with `muster import plan`, into an empty program (the file becomes the
# plan, its calendar the plan's) and into the small demo (under a new top-level task).
# Release build.
#   TASKS=50000 bash scripts/bench_mspdi.sh
# Prints Markdown for docs/performance.md (times are wall clock, peak memory is the
# importing process's maximum resident set, from /usr/bin/time). Each run is done RUNS
# times (default 3) on a fresh copy of its database.
set -euo pipefail
cd "$(dirname "$0")/.."
TASKS=${TASKS:-50000}
RUNS=${RUNS:-3}
command -v sqlite3 >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends sqlite3 >/dev/null
[[ -x /usr/bin/time ]] || DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends time >/dev/null
cargo build --release -p muster >/dev/null 2>&1
cargo build --release -p muster-import --example mspdi_file >/dev/null 2>&1
TARGET=${CARGO_TARGET_DIR:-$PWD/target}
BIN=$TARGET/release/muster
GEN=$TARGET/release/examples/mspdi_file
WORK=${WORK:-$(mktemp -d)}
trap 'rm -rf "$WORK"' EXIT

# shellcheck source=lib/bench.sh
source scripts/lib/bench.sh
ROWS=$TASKS

"$GEN" "$TASKS" "$WORK/plan.xml" 2>"$WORK/gen"
"$BIN" program create --name "Benchmark" --database "sqlite://$WORK/empty.db" >/dev/null 2>&1
"$BIN" demo --scale small --database "sqlite://$WORK/demo.db" >/dev/null 2>&1
# Everything into the main files, so that a copy of the .db alone is the whole database.
for db in empty demo; do sqlite3 "$WORK/$db.db" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null; done
fresh() { rm -f "$WORK"/run.db*; cp "$WORK/$1.db" "$WORK/run.db"; }
# The import's own timing of its phases (its log line), without the log's colours.
phases() {
    sed 's/\x1b\[[0-9;]*m//g' "$WORK/out" | grep -o 'read_ms=[0-9]* check_ms=[0-9]* write_ms=[0-9]*' |
        awk '{ gsub(/_ms=/, " "); print "read " $2 " ms, check " $4 " ms, write " $6 " ms" }'
}

echo "$(sed 's/.*: //' "$WORK/gen"); XML $(( $(stat -c %s "$WORK/plan.xml") / 1024 / 1024 )) MiB, $(wc -l <"$WORK/plan.xml") lines; $(nproc) cores; load before: $(uptime | sed 's/.*load average: //')."
echo
echo "| what | time | tasks/s | peak memory | CPU (user + system) | phases (the import's own log) |"
echo "|---|---|---|---|---|---|"
for run in $(seq "$RUNS"); do
    fresh empty
    timed "\`muster import plan\` into an empty program (run $run)" "$BIN" import plan "$WORK/plan.xml" --database "sqlite://$WORK/run.db" >"$WORK/row"
    echo "$(cat "$WORK/row") ${LAST_CPU} s | $(phases) |"
done
for run in $(seq "$RUNS"); do
    fresh demo
    timed "\`muster import plan\` into the small demo, under a new task (run $run)" "$BIN" import plan "$WORK/plan.xml" --database "sqlite://$WORK/run.db" >"$WORK/row"
    echo "$(cat "$WORK/row") ${LAST_CPU} s | $(phases) |"
done
echo
echo "Plan after the last run: $(sqlite3 "$WORK/run.db" 'SELECT COUNT(*) FROM plan_task') tasks, $(sqlite3 "$WORK/run.db" 'SELECT COUNT(*) FROM plan_dependency') dependencies; load after: $(uptime | sed 's/.*load average: //')."
