#!/usr/bin/env bash
# A PostgreSQL cluster of the bench's own, for settings that need a server start
# (pg_stat_statements, shared_buffers), beside the machine's server and never touching it:
#
#   benchmarks/postgres_cluster.sh start /tmp/bench-pg 5433 shared_buffers=1GB
#   BENCH_PG_SERVER=postgresql://postgres@127.0.0.1:5433 .venv/bin/python benchmarks/bench_system.py ...
#   benchmarks/postgres_cluster.sh stop /tmp/bench-pg
#
# The cluster has PostgreSQL's defaults, as a production server would (fsync on,
# max_connections 100, autovacuum on, max_wal_size 1 GB, 128 MB of shared buffers; this
# machine's own server differs in one: autovacuum off), pg_stat_statements preloaded with
# planning tracked, and track_io_timing on; each NAME=value after the port overrides one
# (autovacuum=off for the machine's server's settings; wal_level=logical for the hand-off from
# the producer's commit to the consumer's, read from the WAL: benchmarks/commit_clock.py).
# It runs as the user `postgres` when started by root (PostgreSQL refuses root). `start` on a
# directory that already holds a cluster starts it again with the settings given.
set -euo pipefail

usage() { echo "usage: $0 start DIR PORT [NAME=value ...] | stop DIR" >&2; exit 2; }
[ $# -ge 2 ] || usage
command=$1 dir=$2
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
[ -x "${bindir}/pg_ctl" ] || bindir=$(dirname "$(command -v pg_ctl)")
as_owner() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case $command in
start)
    [ $# -ge 3 ] || usage
    port=$3
    shift 3
    if [ ! -f "$dir/PG_VERSION" ]; then
        mkdir -p "$dir"
        [ "$(id -u)" = 0 ] && chown postgres "$dir"
        as_owner "$bindir/initdb" -D "$dir" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    fi
    {
        echo "listen_addresses = '127.0.0.1'"
        echo "port = $port"
        echo "unix_socket_directories = '$dir'"
        echo "max_connections = 100"
        echo "shared_buffers = 128MB"
        echo "autovacuum = on"
        echo "max_wal_size = 1GB"
        echo "shared_preload_libraries = 'pg_stat_statements'"
        echo "pg_stat_statements.track_planning = on"
        echo "track_io_timing = on"
        for setting in "$@"; do echo "${setting%%=*} = '${setting#*=}'"; done
    } | as_owner tee "$dir/postgresql.auto.conf" >/dev/null
    if as_owner "$bindir/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
        as_owner "$bindir/pg_ctl" -D "$dir" -m fast -w stop >/dev/null
    fi
    as_owner "$bindir/pg_ctl" -D "$dir" -l "$dir/server.log" -w start >/dev/null
    echo "PostgreSQL on 127.0.0.1:$port ($dir): BENCH_PG_SERVER=postgresql://postgres@127.0.0.1:$port"
    ;;
stop)
    as_owner "$bindir/pg_ctl" -D "$dir" -m fast -w stop >/dev/null
    echo "stopped $dir (remove it with rm -rf $dir)"
    ;;
*) usage ;;
esac
