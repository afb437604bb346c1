# Throwaway PostgreSQL server for the test suite. Sourced, not executed.
#
#   pg_bindir   print the newest /usr/lib/postgresql/*/bin that has a server
#   pg_start    initdb + start a server on 127.0.0.1; exports
#               MUSTER_TEST_POSTGRES_URL (superuser "postgres", trust auth)
#   pg_stop     stop the server and delete its files; safe to call twice
#
# Everything (data, socket, log) lives in one mktemp dir, so nothing touches
# the system cluster and cleanup is a single rm -rf.

PG_TMP=""
PG_BIN=""

pg_bindir() {
    # postgresql-client also creates /usr/lib/postgresql/N/bin (psql only),
    # so only accept a directory that really holds the server tools.
    local dir best=""
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V); do
        [[ -x $dir/initdb && -x $dir/pg_ctl ]] && best=$dir
    done
    [[ -n $best ]] && echo "$best"
}

# Run a command as the server's owner. PostgreSQL refuses to run as root, so
# as root we drop to the "postgres" system user the Debian package creates.
_pg_as_owner() {
    if [[ $(id -u) -eq 0 ]]; then
        # Absolute fallback: some CI shells run as root without sbin in PATH.
        "$(command -v runuser || echo /usr/sbin/runuser)" -u postgres -- "$@"
    else
        "$@"
    fi
}

# True if something already accepts connections on 127.0.0.1:$1.
# Uses bash's /dev/tcp so we need neither python3 nor ss on a bare machine.
_pg_port_busy() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

pg_start() {
    PG_BIN=$(pg_bindir) || { echo "pg_start: no PostgreSQL server found under /usr/lib/postgresql" >&2; return 1; }
    PG_TMP=$(mktemp -d -t muster-pg.XXXXXX)
    if [[ $(id -u) -eq 0 ]]; then
        chown postgres: "$PG_TMP"
    fi

    # Run from inside the temp dir: the postgres user may not be able to
    # read the caller's working directory (e.g. /root/...).
    ( cd "$PG_TMP" && _pg_as_owner "$PG_BIN/initdb" -D "$PG_TMP/data" -U postgres \
        -A trust -E UTF8 --no-locale --no-sync >"$PG_TMP/initdb.log" 2>&1 ) || {
        echo "pg_start: initdb failed:" >&2; cat "$PG_TMP/initdb.log" >&2; return 1; }

    # Durability off: this cluster is deleted after the run, so speed wins.
    # max_connections is generous because every test opens its own pool.
    _pg_as_owner tee -a "$PG_TMP/data/postgresql.conf" >/dev/null <<CONF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$PG_TMP'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 300
CONF

    # Try a few ports: the probe can race with other processes, and pg_ctl
    # fails cleanly if the port is taken after all.
    local port
    for port in $(seq 55432 55451); do
        _pg_port_busy "$port" && continue
        if ( cd "$PG_TMP" && _pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_TMP/data" -l "$PG_TMP/server.log" \
                -o "-p $port" -w -t 60 start >/dev/null ); then
            export MUSTER_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$port/postgres"
            echo "PostgreSQL $(basename "${PG_BIN%/bin}") on 127.0.0.1:$port (data in $PG_TMP)"
            return 0
        fi
    done
    echo "pg_start: could not start PostgreSQL; server log:" >&2
    cat "$PG_TMP/server.log" >&2 2>/dev/null
    return 1
}

pg_stop() {
    [[ -n $PG_TMP ]] || return 0
    if [[ -f $PG_TMP/data/postmaster.pid ]]; then
        # Immediate: no checkpoint, we are about to delete the data anyway.
        ( cd "$PG_TMP" && _pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_TMP/data" -m immediate -w stop ) >/dev/null 2>&1 || true
    fi
    rm -rf "$PG_TMP"
    PG_TMP=""
}
