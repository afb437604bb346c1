# Shared by the import benchmarks (bench_roster.sh, bench_completions.sh): a Markdown table
# row per timed command. Needs $WORK (a scratch directory) and $ROWS (rows per run).

seconds() { awk -v ns="$1" 'BEGIN{printf "%.2f", ns/1e9}'; }
rate() { awk -v n="$ROWS" -v ns="$1" 'BEGIN{printf "%d", n/(ns/1e9)}' | sed -e ':a' -e 's/\B[0-9]\{3\}\>/,&/' -e 'ta'; }
# timed LABEL CMD...: runs CMD, prints a table row with time, rows/s and peak memory (the
# process's maximum resident set, from /usr/bin/time); its output is left in $WORK/out,
# its CPU time (user + system, seconds) in $LAST_CPU.
timed() {
    local label=$1; shift
    local start end kb
    start=$(date +%s%N)
    # In a session of its own whose autogroup has nice -20 (where allowed): with autogroup
    # scheduling, plain `nice` only orders threads within one session, so other sessions'
    # builds would still take their share of the cores.
    setsid -w bash -c 'echo -20 >/proc/self/autogroup 2>/dev/null; exec "$@"' _ \
        /usr/bin/time -f "%M %U %S" -o "$WORK/rss" "$@" >"$WORK/out" 2>&1 || { cat "$WORK/out" >&2; exit 1; }
    end=$(date +%s%N)
    kb=$(tail -1 "$WORK/rss" | awk '{print $1}')
    LAST_CPU=$(tail -1 "$WORK/rss" | awk '{printf "%.2f", $2 + $3}')
    LAST_NS=$((end - start))
    echo "| $label | $(seconds $LAST_NS) s | $(rate $LAST_NS) | $((kb / 1024)) MiB |"
}
