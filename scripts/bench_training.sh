#!/usr/bin/env bash
# Training figures at scale: the completion-by-site-and-role aggregate (the heat map and the
# readiness scorecard's training criterion) with 4,000,000 completions and with 40,000.
# Loads `muster demo --scale large` (timed), copies it, thins the copy's completions to 1%
# and rebuilds its progress (`muster training refresh`), then times GET
# /api/v1/training/completion on each. SQLite only. Prints Markdown rows.
#
#   bash scripts/bench_training.sh            # release build
#   BIN=/path/to/muster bash scripts/bench_training.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/bench_setup.sh

started=$(date +%s%N)
"$BIN" demo --scale large --database "$WORK/4m.db" 2>&1 | grep -E '^(Training|Loaded)' || true
load=$(awk -v ns=$(( $(date +%s%N) - started )) 'BEGIN{printf "%.1f", ns/1e9}')
# Both copies compacted alike, so that only the number of completions differs.
sqlite3 "$WORK/4m.db" "VACUUM; ANALYZE;"
cp "$WORK/4m.db" "$WORK/40k.db"
sqlite3 "$WORK/40k.db" "DELETE FROM completion WHERE id % 100 != 0; VACUUM;"
"$BIN" training refresh --database "$WORK/40k.db"

echo "| completions | load (s) | GET /api/v1/training/completion, mean of 10 (ms) |"
echo "|---|---|---|"
for db in 4m 40k; do
    URL=sqlite://$WORK/$db.db
    TOKEN=$("$BIN" token create --email admin@riverbend.example --database "$URL" 2>/dev/null | tail -1)
    "$BIN" serve --database "$URL" --listen 127.0.0.1:18091 >"$WORK/serve.log" 2>&1 &
    SERVER=$!
    for _ in $(seq 50); do curl -sf http://127.0.0.1:18091/healthz >/dev/null && break; sleep 0.2; done
    url=http://127.0.0.1:18091/api/v1/training/completion
    curl -sf -o /dev/null -H "Authorization: Bearer $TOKEN" "$url" # warm the cache
    total=0
    for _ in $(seq 10); do
        t=$(curl -sf -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $TOKEN" "$url")
        total=$(awk -v a="$total" -v b="$t" 'BEGIN{print a + b}')
    done
    rows=$(sqlite3 "$WORK/$db.db" "SELECT COUNT(*) FROM completion")
    echo "| $rows | $([[ $db == 4m ]] && echo "$load") | $(awk -v t="$total" 'BEGIN{printf "%.0f", t * 100}') |"
    kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""
done
