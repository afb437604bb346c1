#!/usr/bin/env bash
# The whole Muster test suite, in one command, on a fresh Debian 12 machine:
#
#   bash scripts/test.sh
#
# Needs cargo (+ cargo-nextest, optional) and node/npm. Installs chromium,
# chromedriver and PostgreSQL with apt if missing, starts a throwaway
# PostgreSQL on 127.0.0.1, then runs every test twice: on SQLite and on
# PostgreSQL. Fails if either pass fails. Network use: apt, npm, crates.io.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
export DEBIAN_FRONTEND=noninteractive
# shellcheck source=scripts/lib/postgres.sh
source scripts/lib/postgres.sh

die() { echo "test.sh: $*" >&2; exit 1; }

as_root() {
    if [[ $(id -u) -eq 0 ]]; then
        "$@"
    elif command -v sudo >/dev/null; then
        sudo "$@"
    else
        die "need root (or sudo) to run: $*"
    fi
}

# --- system packages ---------------------------------------------------------
missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v chromedriver >/dev/null || missing+=(chromium-driver)
pg_bindir >/dev/null || missing+=(postgresql)
if ((${#missing[@]})); then
    echo "== installing ${missing[*]} =="
    apt_install() { as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"; }
    # Only refresh the package lists when they turn out to be stale/empty.
    apt_install || { as_root apt-get update && apt_install; } || die "could not install ${missing[*]}"
fi

# rustup puts cargo in ~/.cargo/bin, which a non-login CI shell may lack.
if ! command -v cargo >/dev/null && [[ -x $HOME/.cargo/bin/cargo ]]; then
    PATH=$HOME/.cargo/bin:$PATH
fi
command -v cargo >/dev/null || die "cargo not found; install the Rust toolchain first"
command -v npm >/dev/null || die "npm not found; install node/npm first"

export MUSTER_CHROMIUM MUSTER_CHROMEDRIVER
MUSTER_CHROMIUM=$(command -v chromium)
MUSTER_CHROMEDRIVER=$(command -v chromedriver)

# --- axe-core (accessibility checks injected into pages by browser tests) ----
# Only the JS file is needed; no browser comes from npm.
tools=$ROOT/target/test-tools
export MUSTER_AXE_JS=$tools/node_modules/axe-core/axe.min.js
if [[ ! -f $MUSTER_AXE_JS ]]; then
    echo "== installing axe-core =="
    mkdir -p "$tools"
    [[ -f $tools/package.json ]] || echo '{ "name": "muster-test-tools", "private": true }' >"$tools/package.json"
    npm install --prefix "$tools" --no-audit --no-fund --silent --ignore-scripts axe-core@4
    [[ -f $MUSTER_AXE_JS ]] || die "npm did not produce $MUSTER_AXE_JS"
fi

# --- build once --------------------------------------------------------------
locked=()
[[ -f Cargo.lock ]] && locked=(--locked)
echo "== building =="
cargo build --workspace --all-targets "${locked[@]}"

# --- throwaway PostgreSQL ----------------------------------------------------
# EXIT covers errors and normal exit; turning INT/TERM into exit makes the
# EXIT trap run on Ctrl-C and CI cancellation too.
trap pg_stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
pg_start   # exports MUSTER_TEST_POSTGRES_URL (tests make a database each)

# --- run everything twice ----------------------------------------------------
if command -v cargo-nextest >/dev/null; then
    suite=(cargo nextest run --workspace --no-fail-fast "${locked[@]}")
else
    echo "cargo-nextest not found; falling back to cargo test" >&2
    suite=(cargo test --workspace --no-fail-fast "${locked[@]}")
fi

sqlite=ok postgres=ok
echo "== tests on SQLite =="
MUSTER_TEST_DATABASE=sqlite "${suite[@]}" || sqlite=FAILED
echo "== tests on PostgreSQL =="
MUSTER_TEST_DATABASE=postgres "${suite[@]}" || postgres=FAILED

echo "== summary: SQLite $sqlite, PostgreSQL $postgres =="
[[ $sqlite == ok && $postgres == ok ]]
