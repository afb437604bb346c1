#!/usr/bin/env bash
# The readiness scorecard of 200 sites with 4,000,000 training completions and with 40,000,
# on SQLite and on PostgreSQL. Loads `muster demo --scale large` (200 sites, 400,000 people,
# 4,000,000 completions), copies it, thins the copy's completions to 1% and rebuilds its
# progress (`muster training refresh`), adds a wave of all 200 sites and all modules but
# one to each (go-live far enough ahead that no checkpoint is due, so that reading does not
# record one), then times
# GET /api/v1/readiness/scorecard?wave_id= on both: one warm-up each, then 10 rounds that
# alternate the two databases (the machine is shared, so both sizes see the same load).
# The target: 4,000,000 within 1.5x of 40,000. Prints Markdown rows.
#
#   bash scripts/bench_readiness.sh            # release build, both databases
#   BIN=/path/to/muster DATABASES=sqlite bash scripts/bench_readiness.sh
#   SCALE=small bash scripts/bench_readiness.sh   # a quick check of the script itself
#   KEEP=/big/dir bash scripts/bench_readiness.sh # keep (and on the next run reuse) the
#       databases: SQLite files and a PostgreSQL data directory under KEEP
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ -z ${BIN:-} ]]; then
    cargo build --release -p muster >/dev/null
    BIN=${CARGO_TARGET_DIR:-$PWD/target}/release/muster
fi
DATABASES=${DATABASES:-sqlite postgres}
SCALE=${SCALE:-large}
ROUNDS=${ROUNDS:-10}
command -v sqlite3 >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends sqlite3 >/dev/null
if [[ -n ${KEEP:-} ]]; then
    WORK=$KEEP
    mkdir -p "$WORK"
else
    WORK=$(mktemp -d)
fi
SERVERS=()
source scripts/lib/postgres.sh
PG_KEPT=""
stop_servers() {
    local pid
    for pid in "${SERVERS[@]}"; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; done
    SERVERS=()
}
cleanup() {
    stop_servers
    if [[ -n $PG_KEPT ]]; then
        _pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_KEPT" -m fast -w stop >/dev/null 2>&1 || true
    else
        pg_stop 2>/dev/null || true
    fi
    [[ -n ${KEEP:-} ]] || rm -rf "$WORK"
}
trap cleanup EXIT
PORT=18093
GO_LIVE=$(date -d '+400 days' +%Y-%m-%d)

# serve URL PORT: start a server and wait until it answers.
serve() {
    "$BIN" serve --database "$1" --listen "127.0.0.1:$2" >>"$WORK/serve-$2.log" 2>&1 &
    SERVERS+=($!)
    for _ in $(seq 150); do curl -sf "http://127.0.0.1:$2/healthz" >/dev/null && return 0; sleep 0.2; done
    echo "the server on port $2 did not start; see $WORK/serve-$2.log" >&2
    return 1
}

# scorecard_url DATABASE_URL PORT: a token, the wave of all sites (made once), and the
# scorecard's URL; prints "TOKEN URL".
scorecard_url() {
    local url=$1 port=$2 token sites modules wave api=http://127.0.0.1:$2/api/v1
    token=$("$BIN" token create --email admin@riverbend.example --database "$url" 2>/dev/null | tail -1)
    wave=$(curl -sf -H "Authorization: Bearer $token" "$api/waves?limit=500" \
        | grep -o '"id":[0-9]*,"name":"All sites"' | head -1 | grep -o '[0-9]*' || true)
    if [[ -z $wave ]]; then
        sites=$(curl -sf -H "Authorization: Bearer $token" "$api/sites?limit=500" \
            | grep -o '"id":[0-9]*' | cut -d: -f2 | paste -sd, -)
        # Every module but one, as the demo's waves hold one back: the training measures
        # then count the go-live's modules (the status rows' module sets).
        modules=$(curl -sf -H "Authorization: Bearer $token" "$api/modules?limit=500" \
            | grep -o '"id":[0-9]*' | cut -d: -f2 | sort -n | head -n -1 | paste -sd, -)
        wave=$(curl -sf -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
            -d "{\"name\":\"All sites\",\"go_live\":\"$GO_LIVE\",\"site_ids\":[$sites],\"module_ids\":[$modules]}" \
            "$api/waves" | grep -o '"id":[0-9]*' | head -1 | cut -d: -f2)
    fi
    echo "$token $api/readiness/scorecard?wave_id=$wave"
}

# bench LABEL ROWS_BIG ROWS_SMALL URL_BIG URL_SMALL: both served at once, requests alternated.
bench() {
    local label=$1 rows_big=$2 rows_small=$3 big small n_big n_small t i
    serve "$4" $PORT
    serve "$5" $((PORT + 1))
    read -r -a big <<<"$(scorecard_url "$4" $PORT)"
    read -r -a small <<<"$(scorecard_url "$5" $((PORT + 1)))"
    # The warm-up also records any checkpoint assessment the demo's own waves have due.
    n_big=$(curl -sf -H "Authorization: Bearer ${big[0]}" "${big[1]}" | grep -o '"site_id":' | wc -l)
    n_small=$(curl -sf -H "Authorization: Bearer ${small[0]}" "${small[1]}" | grep -o '"site_id":' | wc -l)
    : >"$WORK/times-big" && : >"$WORK/times-small"
    for i in $(seq "$ROUNDS"); do
        for side in big small; do
            local -n s=$side
            t=$(curl -sf -o /dev/null -w '%{time_total}' -H "Authorization: Bearer ${s[0]}" "${s[1]}")
            echo "$t" >>"$WORK/times-$side"
        done
    done
    local small_figures big_figures
    small_figures=$(figures "$WORK/times-small")
    big_figures=$(figures "$WORK/times-big")
    echo "| $label | $rows_small | $n_small | $small_figures | |"
    echo "| $label | $rows_big | $n_big | $big_figures | $(ratio "$big_figures" "$small_figures") |"
    echo "| | | | load average after: $(uptime | sed 's/.*load average: //') | | | |"
    stop_servers
}

# figures FILE: "mean | median | fastest" of the seconds in FILE, in milliseconds.
figures() {
    sort -g "$1" | awk '{a[NR] = $1; s += $1}
        END {printf "%.0f | %.0f | %.0f", s / NR * 1000, (a[int((NR + 1) / 2)] + a[int(NR / 2) + 1]) / 2 * 1000, a[1] * 1000}'
}

# ratio BIG SMALL: the means' ratio and the medians' ratio.
ratio() {
    awk -v big="$1" -v small="$2" 'BEGIN {split(big, b, "|"); split(small, s, "|");
        printf "%.2fx (median %.2fx)", b[1] / s[1], b[2] / s[2]}'
}

# pg_keep: a PostgreSQL server whose data directory stays under KEEP (pg_start's, moved).
pg_keep() {
    PG_BIN=$(pg_bindir)
    local data=$WORK/pgdata port=55470
    if [[ ! -d $data ]]; then
        pg_start >/dev/null
        _pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_TMP/data" -m fast -w stop >/dev/null
        mv "$PG_TMP/data" "$data"
        rm -rf "$PG_TMP"
        PG_TMP=""
        [[ $(id -u) -ne 0 ]] || chown -R postgres: "$data"
        sed -i "s|^unix_socket_directories = .*|unix_socket_directories = '$data'|" "$data/postgresql.conf"
    fi
    [[ $(id -u) -ne 0 ]] || chown postgres: "$WORK"
    ( cd "$data" && _pg_as_owner "$PG_BIN/pg_ctl" -D "$data" -l "$data/server.log" -o "-p $port" -w -t 120 start >/dev/null )
    PG_KEPT=$data
    export MUSTER_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$port/postgres"
}

echo "| database | completions | sites on the scorecard | GET /api/v1/readiness/scorecard, mean of $ROUNDS (ms) | median (ms) | fastest (ms) | 4,000,000 / 40,000 |"
echo "|---|---|---|---|---|---|---|"
for db in $DATABASES; do
    if [[ $db == sqlite ]]; then
        if [[ ! -f $WORK/40k.db ]]; then
            "$BIN" demo --scale "$SCALE" --database "sqlite://$WORK/4m.db" >"$WORK/demo-sqlite.log" 2>&1
            # Both copies compacted alike, so that only the number of completions differs.
            sqlite3 "$WORK/4m.db" "VACUUM; ANALYZE;"
            cp "$WORK/4m.db" "$WORK/40k.db"
            sqlite3 "$WORK/40k.db" "DELETE FROM completion WHERE id % 100 != 0;"
            "$BIN" training refresh --database "sqlite://$WORK/40k.db" >"$WORK/refresh-sqlite.log" 2>&1
            sqlite3 "$WORK/40k.db" "VACUUM; ANALYZE;"
        fi
        bench SQLite "$(sqlite3 "$WORK/4m.db" "SELECT COUNT(*) FROM completion")" \
            "$(sqlite3 "$WORK/40k.db" "SELECT COUNT(*) FROM completion")" \
            "sqlite://$WORK/4m.db" "sqlite://$WORK/40k.db"
        [[ -n ${KEEP:-} ]] || rm -f "$WORK/4m.db" "$WORK/40k.db"
    else
        if [[ -n ${KEEP:-} ]]; then pg_keep; else pg_start >/dev/null; fi
        base=${MUSTER_TEST_POSTGRES_URL%/*}
        if [[ -z $(psql "$MUSTER_TEST_POSTGRES_URL" -tAc "SELECT 1 FROM pg_database WHERE datname = 'b40k'") ]]; then
            psql "$MUSTER_TEST_POSTGRES_URL" -qc "DROP DATABASE IF EXISTS b4m" >/dev/null 2>&1
            psql "$MUSTER_TEST_POSTGRES_URL" -qc "CREATE DATABASE b4m" >/dev/null
            "$BIN" demo --scale "$SCALE" --database "$base/b4m" >"$WORK/demo-postgres.log" 2>&1
            # Both compacted alike (a bulk load and a thinning both leave dead rows behind).
            psql "$base/b4m" -qc "VACUUM FULL" >/dev/null
            psql "$base/b4m" -qc "VACUUM ANALYZE" >/dev/null
            # A template must have no other connections; the copy is then thinned alike.
            psql "$MUSTER_TEST_POSTGRES_URL" -qc "CREATE DATABASE b40k TEMPLATE b4m" >/dev/null
            psql "$base/b40k" -qc "DELETE FROM completion WHERE id % 100 != 0" >/dev/null
            "$BIN" training refresh --database "$base/b40k" >"$WORK/refresh-postgres.log" 2>&1
            psql "$base/b40k" -qc "VACUUM FULL" >/dev/null
            psql "$base/b40k" -qc "VACUUM ANALYZE" >/dev/null
        fi
        bench PostgreSQL "$(psql "$base/b4m" -tAc "SELECT COUNT(*) FROM completion")" \
            "$(psql "$base/b40k" -tAc "SELECT COUNT(*) FROM completion")" \
            "$base/b4m" "$base/b40k"
    fi
done
