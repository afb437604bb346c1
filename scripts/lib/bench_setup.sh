# Shared by the benchmark scripts (source it from the repository root): the release
# binary (or $BIN), sqlite3, a scratch directory $WORK, and a background server $SERVER,
# both cleaned up on exit.

if [[ -z ${BIN:-} ]]; then
    cargo build --release -p muster >/dev/null
    BIN=${CARGO_TARGET_DIR:-$PWD/target}/release/muster
fi
command -v sqlite3 >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends sqlite3 >/dev/null
WORK=$(mktemp -d)
SERVER=""
bench_cleanup() { [[ -n $SERVER ]] && kill "$SERVER" 2>/dev/null; rm -rf "$WORK"; }
trap bench_cleanup EXIT
