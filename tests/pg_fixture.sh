#!/usr/bin/env bash
# Starts or stops the throwaway PostgreSQL that the registry and cli suites
# run against: meta's own private cluster, created afresh in a temporary
# directory by the binary under test (so the suites exercise that path too).
# usage: pg_fixture.sh start|stop META_BINARY DIR
set -euo pipefail
action=$1 meta=$2 dir=$3
case $action in
start)
    if [[ -d $dir ]]; then
        META_HOME=$dir "$meta" db stop >/dev/null 2>&1 || true
        rm -rf "$dir"
    fi
    META_HOME=$dir META_DB= "$meta" db start
    ;;
stop)
    META_HOME=$dir META_DB= "$meta" db stop
    rm -rf "$dir"
    ;;
*)
    echo "usage: pg_fixture.sh start|stop META_BINARY DIR" >&2
    exit 2
    ;;
esac
