#!/usr/bin/env bash
# Benchmark of `meta import cochrane` and of `meta run` on an imported review
# (not a timed test): generates a large Cochrane data package with
# bench_import (700 analyses, 3,500 data rows, subgroups, RoB 2), and
# measures, each as whole processes on fresh databases:
# - lib/import parsing it and making its records (in process, bench_import);
# - `meta import cochrane` of the package against `meta load` of the same
#   7,000 arm rows as arm-level CSV (the target: the import within 2x);
#   importing it again (nothing changes);
# - `meta run` of the 700 analysis files `meta import --analyses` writes,
#   with their JSON output only (the target: 5,000 analyses per second), and
#   where its time goes: meta's own CPU time, the server's, and the rest
#   (waiting for round trips); `meta run` of one of them (the start-up);
# - metafor fitting the same analyses in one R process
#   (bench_import_metafor.R). R's meta package is not packaged in Debian 12,
#   so it is not measured here.
# Prints the figures.
#
# usage: tests/bench/bench_import.sh [BUILD_DIR] [RUNS]   (default: ./build, 3)
# The database: META_DB when set, else a private cluster in a temporary
# META_HOME, removed afterwards (see bench_lib.sh).
set -euo pipefail

here=$(dirname "$0")
. "$here/bench_lib.sh"

build=${1:-build}
runs=${2:-3}
[[ -x $build/tests/bench/bench_import ]] || {
    echo "bench_import: no $build/tests/bench/bench_import (build first)" >&2
    exit 2
}
bench_setup "$build" import

"$build/tests/bench/bench_import" "$work/package" 20 | tee "$work/parse.txt"
parse_ms=$(awk '/^import/ { for (i = 1; i < NF; i++) if ($i == "median") print $(i + 1) }' "$work/parse.txt")

# median_seconds COMMAND...: the median wall-clock seconds of $runs runs.
median_seconds() {
    local i
    for ((i = 0; i < runs; i++)); do bench_seconds "$@"; echo; done | sort -g |
        awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# fresh_seconds NAME COMMAND...: like median_seconds, each run on a fresh
# database NAME whose schema is made outside the timing; the command's
# --db is "$fresh".
fresh_seconds() {
    local name=$1 i
    shift
    for ((i = 0; i < runs; i++)); do
        fresh=$(bench_fresh_db "$name")
        "$meta" db status --db "$fresh" >/dev/null
        bench_seconds "$@"
        echo
    done | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

rows=$(($(wc -l <"$work/package/arms.csv") - 1))
# `fresh` is set inside fresh_seconds' subshell: pass --db through a wrapper.
load_into() { "$meta" load --db "$fresh" "$work/package/arms.csv"; }
import_into() { "$meta" import cochrane --db "$fresh" "$work/package"; }
load_s=$(fresh_seconds meta_bench_import_load load_into)
import_s=$(fresh_seconds meta_bench_import_import import_into)
echo "meta load of the same rows as arm CSV ($rows arm rows, fresh database): ${load_s} s (median of $runs)"
echo "meta import cochrane of the package (fresh database): ${import_s} s (median of $runs)"
awk -v p="$parse_ms" -v l="$load_s" -v i="$import_s" 'BEGIN {
    printf "import / load: %.2fx (target: 2x or less); parsing is %.1f%% of the load time\n", i / l, 100 * p / 1000 / l
}'

db=$(bench_fresh_db meta_bench_import_run)
"$meta" import cochrane --db "$db" "$work/package" --analyses "$work/analyses" >/dev/null
again_s=$(median_seconds "$meta" import cochrane --db "$db" "$work/package")
echo "meta import cochrane again, nothing changes: ${again_s} s (median of $runs)"

# meta run, JSON output only.
sed -i -e '/^table *=/d' -e '/^forest *=/d' "$work/analyses"/*.ini
n=$(ls "$work/analyses"/*.ini | wc -l)
"$meta" run --db "$db" --out "$work/out" "$work/analyses" >"$work/run.txt" || true
tail -1 "$work/run.txt"
run_s=$(median_seconds "$meta" run --db "$db" --out "$work/out" "$work/analyses")
one_s=$(median_seconds "$meta" run --db "$db" --out "$work/out1" "$work/analyses/1.1.ini")
awk -v n="$n" -v t="$run_s" -v one="$one_s" -v runs="$runs" 'BEGIN {
    printf "meta run of %d analyses, JSON only: %.2f s (median of %d): %.0f analyses/s (target: 5000)\n", n, t, runs, n / t
    printf "meta run of one analysis (start-up, connection, one analysis): %.3f s\n", one
    printf "per analysis beyond the start-up: %.2f ms\n", 1000 * (t - one) / (n - 1)
}'

# Where the time goes: meta's CPU (user + system) and the server's, over one
# run; the rest of the wall-clock time is waiting (round trips, scheduling).
pid_of_server() {
    [[ -n $home ]] && head -1 "$home/pgdata/postmaster.pid" 2>/dev/null || true
}
# server_cpu PID: the CPU seconds of the server: the postmaster's own and
# its finished children's (the backends it has waited for: cutime, cstime),
# and its live children's.
server_cpu() {
    local pm=$1
    [[ -n $pm ]] || { echo 0; return; }
    {
        awk '{ sub(/^.*\) /, ""); print $12 + $13 + $14 + $15 }' "/proc/$pm/stat"
        for c in $(cat "/proc/$pm/task/$pm/children" 2>/dev/null); do
            awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$c/stat" 2>/dev/null
        done
    } | awk -v hz="$(getconf CLK_TCK)" '{ s += $1 } END { printf "%.2f", s / hz }'
}
pm=$(pid_of_server)
s0=$(server_cpu "$pm")
/usr/bin/time -f "%e %U %S" -o "$work/time.txt" "$meta" run --db "$db" --out "$work/out" "$work/analyses" >/dev/null || true
sleep 1 # the backend has ended and the postmaster has counted its time
s1=$(server_cpu "$pm")
read -r wall user sys <"$work/time.txt"
awk -v w="$wall" -v u="$user" -v s="$sys" -v a="$s0" -v b="$s1" -v pm="$pm" 'BEGIN {
    printf "one run: %.2f s wall; meta %.2f s CPU (user %.2f, system %.2f)", w, u + s, u, s
    if (pm != "") printf "; the server %.2f s CPU", b - a
    printf "; the rest %.2f s waiting\n", w - u - s - (pm != "" ? b - a : 0)
}'
if [[ -z $pm ]]; then
    echo "(the server's CPU time is measured on the private cluster only; META_DB was set)"
fi
# The system calls of one run: round trips (sendto) and the file system work.
if command -v strace >/dev/null; then
    strace -f -c -o "$work/strace.txt" "$meta" run --db "$db" --out "$work/out" "$work/analyses" \
        >/dev/null 2>&1 || true
    awk -v n="$n" '$NF == "sendto" || $NF == "readlink" || $NF == "openat" {
        printf "system calls of one run: %s %s (%.1f per analysis)\n", $4, $NF, $4 / n }' "$work/strace.txt"
fi

if command -v Rscript >/dev/null; then
    Rscript "$here/bench_import_metafor.R" "$work/package/arms.csv" "$runs"
else
    echo "metafor: Rscript not found"
fi
echo "R's meta: not measured (not packaged in Debian 12)"
bench_drop_dbs meta_bench_import_load meta_bench_import_import meta_bench_import_run
