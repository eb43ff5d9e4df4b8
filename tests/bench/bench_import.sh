#!/usr/bin/env bash
# Benchmark of `meta import cochrane`'s parsing (not a timed test): generates
# a large Cochrane data package with bench_import (700 analyses, 3,500 data
# rows, subgroups), times lib/import reading it and making its records, and
# compares that with `meta load` of the same 7,000 arm rows as arm-level CSV
# into a fresh database: what parsing adds to the import, against what
# storing the rows costs. Prints the figures.
#
# usage: tests/bench/bench_import.sh [BUILD_DIR]   (default: ./build)
# The database: META_DB when set, else a private cluster in a temporary
# META_HOME, removed afterwards (see bench_lib.sh).
set -euo pipefail

here=$(dirname "$0")
. "$here/bench_lib.sh"

build=${1:-build}
[[ -x $build/tests/bench/bench_import ]] || {
    echo "bench_import: no $build/tests/bench/bench_import (build first)" >&2
    exit 2
}
bench_setup "$build" import

"$build/tests/bench/bench_import" "$work/package" 20 | tee "$work/parse.txt"
parse_ms=$(awk '/^import/ { for (i = 1; i < NF; i++) if ($i == "median") print $(i + 1) }' "$work/parse.txt")

load_db=$(bench_fresh_db meta_bench_import_load)
"$meta" db status --db "$load_db" >/dev/null # the schema, outside the timing
rows=$(($(wc -l <"$work/package/arms.csv") - 1))
load_s=$(bench_seconds "$meta" load --db "$load_db" "$work/package/arms.csv")
echo "meta load of the same rows as arm CSV ($rows arm rows, fresh database): ${load_s} s"
awk -v p="$parse_ms" -v l="$load_s" 'BEGIN {
    printf "parsing is %.1f%% of the time meta load needs to store the rows\n", 100 * p / 1000 / l
}'
bench_drop_dbs meta_bench_import_load
