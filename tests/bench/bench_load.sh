#!/usr/bin/env bash
# Benchmark of `meta load` (not a timed test): loads a 1,000,000-row
# continuous arm-level CSV file into a fresh database and compares the time
# with `psql \copy` of the same file into a plain table in that database;
# then the same for a file of the same size with fewer trials and arms
# (50,000 two-arm trials x 5 outcomes x 2 time points: the shape of a
# typical registry, where arms outnumber trials and rows outnumber arms);
# then times small loads into the registry the large file made (1,000 rows
# of new trials, and 1,000 stored rows with changed means: what a data
# manager does all day, which should cost what the file costs, not what the
# registry holds); then compares the peak resident memory of `meta load` for 1,000 and
# 1,000,000 rows. Prints the figures.
#
# usage: tests/bench/bench_load.sh [BUILD_DIR]   (default: ./build)
# The database: META_DB when set (a libpq keyword=value conninfo of a server
# where this user may CREATE DATABASE), else a private cluster started in a temporary
# META_HOME and removed afterwards. Needs psql and GNU time (/usr/bin/time).
set -euo pipefail

here=$(dirname "$0")
. "$here/bench_lib.sh"

rows=1000000
small_rows=1000
[[ -x /usr/bin/time ]] || { echo "bench_load: /usr/bin/time is missing (Debian package 'time')" >&2; exit 2; }
bench_setup "${1:-build}" load

big=$work/big.csv
small=$work/small.csv
bench_generate $((rows / 2)) "$big"
bench_generate $((small_rows / 2)) "$small"
echo "file: $(($(wc -l < "$big") - 1)) rows, $(du -h "$big" | cut -f1)"
shaped=$work/shaped.csv
if [[ -x $simulate ]]; then
    "$simulate" synthetic --trials 50000 --arms 2 --outcomes 5 --timepoints 2 --kind continuous -o "$shaped"
fi

copy_db=$(bench_fresh_db meta_bench_copy)
psql -X -q -d "$copy_db" -c "$(bench_plain_table "$big" plain)"
copy_time=$(bench_seconds psql -X -q -d "$copy_db" -c "\\copy plain FROM '$big' WITH (FORMAT csv, HEADER)")

load_db=$(bench_fresh_db meta_bench_load)
"$meta" db status --db "$load_db" >/dev/null # creates the schema outside the timing
load_time=$(bench_seconds "$meta" load --db "$load_db" "$big")
ratio=$(awk -v a="$load_time" -v b="$copy_time" 'BEGIN { printf "%.1f", a / b }')

# Small loads into that registry: new trials, then changed values.
small_new=$work/small_new.csv
small_changed=$work/small_changed.csv
bench_generate 500 "$small_new.tmp"
sed 's/^SYN-/NEW-/' "$small_new.tmp" >"$small_new"
{
    head -1 "$big"
    sed -n '2,1001p' "$big" | awk -F, -v OFS=, '{ $7 = $7 + 1; print }'
} >"$small_changed"
small_new_time=$(bench_seconds "$meta" load --db "$load_db" "$small_new")
small_changed_time=$(bench_seconds "$meta" load --db "$load_db" "$small_changed")

if [[ -s $shaped ]]; then
    shaped_copy_db=$(bench_fresh_db meta_bench_shaped_copy)
    psql -X -q -d "$shaped_copy_db" -c "$(bench_plain_table "$shaped" plain)"
    shaped_copy_time=$(bench_seconds psql -X -q -d "$shaped_copy_db" -c "\\copy plain FROM '$shaped' WITH (FORMAT csv, HEADER)")
    shaped_db=$(bench_fresh_db meta_bench_shaped_load)
    "$meta" db status --db "$shaped_db" >/dev/null
    shaped_time=$(bench_seconds "$meta" load --db "$shaped_db" "$shaped")
    shaped_ratio=$(awk -v a="$shaped_time" -v b="$shaped_copy_time" 'BEGIN { printf "%.1f", a / b }')
fi

# Peak RSS of meta load: a small file and the large one, each into a fresh database.
rss() { # rss DB FILE -> kilobytes
    /usr/bin/time -f '%M' -o "$work/rss" "$meta" load --db "$1" "$2" >/dev/null
    cat "$work/rss"
}
small_db=$(bench_fresh_db meta_bench_rss_small)
"$meta" db status --db "$small_db" >/dev/null
rss_small=$(rss "$small_db" "$small")
big_db=$(bench_fresh_db meta_bench_rss_big)
"$meta" db status --db "$big_db" >/dev/null
rss_big=$(rss "$big_db" "$big")

printf 'psql \\copy into a plain table: %8s s\n' "$copy_time"
printf 'meta load:                      %8s s  (%sx the copy)\n' "$load_time" "$ratio"
if [[ -n ${shaped_time:-} ]]; then
    printf 'shaped file (50,000 trials x 2 arms x 5 outcomes x 2 time points), psql \\copy: %s s\n' "$shaped_copy_time"
    printf 'shaped file (50,000 trials x 2 arms x 5 outcomes x 2 time points), meta load: %s s  (%sx the copy)\n' "$shaped_time" "$shaped_ratio"
else
    echo 'shaped file: skipped (meta-simulate is not built)'
fi
printf 'small load into the 1,000,000-row registry, 1,000 rows of new trials: %s s\n' "$small_new_time"
printf 'small load into the 1,000,000-row registry, 1,000 stored rows changed: %s s\n' "$small_changed_time"
printf 'peak RSS of meta load, %7d rows: %6d KB\n' "$small_rows" "$rss_small"
printf 'peak RSS of meta load, %7d rows: %6d KB  (%+d KB)\n' "$rows" "$rss_big" $((rss_big - rss_small))

bench_drop_dbs meta_bench_copy meta_bench_load meta_bench_shaped_copy meta_bench_shaped_load meta_bench_rss_small meta_bench_rss_big
