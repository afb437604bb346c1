#!/usr/bin/env bash
# The plan's pages on the large demo (issue 5): about 50,000 tasks and 100,000 dependencies,
# SQLite, release build. Loads `muster demo --scale large`, starts a server on loopback,
# and times with curl: the first request (the server schedules the plan as it starts), then
# ROUNDS requests each of the Gantt chart's first and a middle page, the task table, the
# schedule API, the cost of delay and the milestones feed, then the first Gantt page after
# each kind of change to the plan, CHANGES rounds. Prints Markdown rows (ms).
#
#   bash scripts/bench_plan.sh
#   KEEP=/big/dir bash scripts/bench_plan.sh   # keep (and reuse) the loaded database
#   KEEP=/big/dir DB=postgres://... bash scripts/bench_plan.sh   # on PostgreSQL
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ -z ${BIN:-} ]]; then
    cargo build --release -p muster >/dev/null
    BIN=${CARGO_TARGET_DIR:-$PWD/target}/release/muster
fi
ROUNDS=${ROUNDS:-20}
PORT=${PORT:-18094}
if [[ -n ${KEEP:-} ]]; then WORK=$KEEP; mkdir -p "$WORK"; else WORK=$(mktemp -d); fi
SERVER=""
cleanup() { [[ -n $SERVER ]] && kill "$SERVER" 2>/dev/null; [[ -n ${KEEP:-} ]] || rm -rf "$WORK"; }
trap cleanup EXIT
# DB=postgres://... times PostgreSQL instead (loaded once, marked by $WORK/loaded-pg).
if [[ -n ${DB:-} ]]; then MARK=$WORK/loaded-pg; else DB="sqlite://$WORK/plan.db"; MARK=$WORK/plan.db; fi
if [[ ! -f $MARK ]]; then
    start=$(date +%s)
    "$BIN" demo --scale large --database "$DB" >"$WORK/demo.log" 2>&1
    echo "Loaded the large demo in $(( $(date +%s) - start )) s: $(grep 'Loaded the plan' "$WORK/demo.log")"
    [[ $DB == sqlite:* ]] || touch "$MARK"
fi
"$BIN" serve --database "$DB" --listen "127.0.0.1:$PORT" >>"$WORK/serve.log" 2>&1 &
SERVER=$!
for _ in $(seq 150); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
TOKEN=$("$BIN" token create --email lead@riverbend.example --database "$DB" 2>/dev/null | tail -1)
BASE=http://127.0.0.1:$PORT
get() { curl -sf -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $TOKEN" "$BASE$1"; }

echo "$(nproc) cores; load average before: $(uptime | sed 's/.*load average: //')."
echo
echo "| request | ms |"
echo "|---|---|"
# The server schedules every plan in the background as it starts; the first page waits for
# that if it is still running.
echo "| first GET /plan/gantt after the start (waits for the background scheduling if it is still running) | $(awk -v t="$(get /plan/gantt)" 'BEGIN{printf "%.0f", t*1000}') |"
# A cursor halfway down the outline: the schedule API's pages of 500, walked to the middle.
total=$(curl -sf -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/schedule?limit=1" | grep -o '"total":[0-9]*' | tail -1 | cut -d: -f2)
middle=""
for _ in $(seq $((total / 2 / 500))); do
    middle=$(curl -sf -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/schedule?limit=500${middle:+&cursor=$middle}" | grep -o '"next_cursor":"[^"]*"' | cut -d'"' -f4)
done
echo "| ($total tasks in the plan) | |"
echo
echo "| request, $ROUNDS rounds | mean ms | median ms | slowest ms |"
echo "|---|---|---|---|"
for path in "/plan/gantt" "/plan/gantt?cursor=$middle" "/plan/gantt?zoom=week&critical=true" "/plan" "/plan?sort=float" "/api/v1/schedule?limit=100" "/plan/cost-of-delay" "/api/v1/plan/milestones.ics"; do
    : >"$WORK/times"
    for _ in $(seq "$ROUNDS"); do get "$path" >>"$WORK/times"; echo >>"$WORK/times"; done
    label=${path//$middle/<middle>}
    sort -g "$WORK/times" | awk -v p="$label" 'NF {a[++n] = $1; s += $1}
        END {printf "| GET %s | %.1f | %.1f | %.1f |\n", p, s / n * 1000, (a[int((n + 1) / 2)] + a[int(n / 2) + 1]) / 2 * 1000, a[n] * 1000}'
done

# The first Gantt page after each kind of change, made through the API as the task table
# and the dependency form make them: CHANGES rounds of (a task's progress, a task added, a
# link to it added, that task deleted with its link). Each change moves the plan's
# revision, so the page after it reads what changed and schedules the whole plan again.
CHANGES=${CHANGES:-9}
send() { curl -sf -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -X "$1" "$BASE$2" ${3:+--data "$3"}; }
# Two tasks that are not summaries: one to update, one to link from.
read -r leaf other < <(curl -sf -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/schedule?limit=500" |
    python3 -c 'import json, sys
rows = [r for r in json.load(sys.stdin)["tasks"]["items"] if not r["summary"] and not r["schedule"]["done"]]
print(rows[10]["id"], rows[20]["id"])')
: >"$WORK/progress"; : >"$WORK/added"; : >"$WORK/linked"; : >"$WORK/deleted"
for round in $(seq "$CHANGES"); do
    send PATCH "/api/v1/tasks/$leaf" "{\"percent_complete\": \"$((round * 7 % 100))\"}" >/dev/null
    get /plan/gantt >>"$WORK/progress"; echo >>"$WORK/progress"
    new=$(send POST /api/v1/tasks "{\"name\": \"Bench check $round\", \"duration\": \"2\"}" | python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])')
    get /plan/gantt >>"$WORK/added"; echo >>"$WORK/added"
    send POST /api/v1/dependencies "{\"predecessor_id\": \"$other\", \"successor_id\": \"$new\", \"kind\": \"fs\", \"lag\": \"1\"}" >/dev/null
    get /plan/gantt >>"$WORK/linked"; echo >>"$WORK/linked"
    send DELETE "/api/v1/tasks/$new" >/dev/null
    get /plan/gantt >>"$WORK/deleted"; echo >>"$WORK/deleted"
done
echo
echo "| first GET /plan/gantt after a change, $CHANGES rounds | mean ms | median ms | slowest ms |"
echo "|---|---|---|---|"
for kind in progress added linked deleted; do
    case $kind in
        progress) label="one task's progress updated (PATCH /api/v1/tasks/{id})" ;;
        added) label="one task added (POST /api/v1/tasks)" ;;
        linked) label="one dependency added (POST /api/v1/dependencies)" ;;
        deleted) label="one task deleted with its dependency (DELETE /api/v1/tasks/{id})" ;;
    esac
    sort -g "$WORK/$kind" | awk -v p="$label" 'NF {a[++n] = $1; s += $1}
        END {printf "| %s | %.1f | %.1f | %.1f |\n", p, s / n * 1000, (a[int((n + 1) / 2)] + a[int(n / 2) + 1]) / 2 * 1000, a[n] * 1000}'
done
echo
echo "Load average after: $(uptime | sed 's/.*load average: //')."
