#!/usr/bin/env bash
# Benchmark of `meta load` into an empty registry (not a timed test) by the
# two kinds of connection a registry meets: its superuser (which may run
# the load in replica mode, skipping the row-by-row foreign-key checks) and
# a login in meta_loader (which may not), for one or more builds, alternated
# RUNS times on one server, so that builds of two branches compare.
#
# usage: tests/bench/bench_load_roles.sh BUILD_DIR...   (the first one's
# meta starts the server and writes the file)
# BENCH_ROWS: rows of the file (default 1,000,000); BENCH_RUNS (default 2).
# Prints per run, build and role: wall, meta's user+system, server seconds.
# The login: the superuser with its session role set to bench_loader (a
# private cluster lets only its own user in by peer authentication).
set -euo pipefail

here=$(dirname "$0")
. "$here/bench_lib.sh"

rows=${BENCH_ROWS:-1000000}
runs=${BENCH_RUNS:-2}
[[ -x /usr/bin/time ]] || { echo "bench_load_roles: /usr/bin/time is missing" >&2; exit 2; }
bench_setup "$1" load_roles
builds=("$@")

big=$work/big.csv
bench_generate $((rows / 2)) "$big"
echo "file: $(($(wc -l < "$big") - 1)) rows; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
psql -X -q -d "$base" -c "DO \$\$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'bench_loader') THEN
        CREATE ROLE bench_loader LOGIN;
    END IF; END \$\$"

for run in $(seq "$runs"); do
    for b in "${builds[@]}"; do
        for role in superuser bench_loader; do
            db=$(bench_fresh_db meta_bench_roles)
            "$b/cmd/meta" db status --db "$db" >/dev/null # the schema, outside the timing
            psql -X -q -d "$db" -c "GRANT meta_loader TO bench_loader"
            conn=$db
            [[ $role == superuser ]] || conn="$db options='-c role=bench_loader'"
            bench_timed "$work/t" "$b/cmd/meta" load --db "$conn" "$big"
            read -r wall user sys server <"$work/t"
            printf 'run %d  %-40s %-12s wall %6.2f s  meta %5.2f s  server %6.2f s  (load %s)\n' \
                "$run" "$b" "$role" "$wall" "$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')" \
                "$server" "$(cut -d' ' -f1 /proc/loadavg)"
        done
    done
done
bench_drop_dbs meta_bench_roles
