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
# registry holds); then loads the large file again with every mean changed
# (a full replacement), and that file once more unchanged, beside
# `sha256sum` of it; then compares the peak resident memory of `meta load`
# for 1,000 and 1,000,000 rows. Prints the figures, with the processor
# seconds of meta itself (user, system) and of the server's processes for
# the loads into the large registry.
#
# usage: tests/bench/bench_load.sh [BUILD_DIR]   (default: ./build)
# BENCH_ROWS sets the number of rows of the large file (default 1,000,000);
# BENCH_SHAPED=0 leaves out the second file shape.
# The database: META_DB when set (a libpq keyword=value conninfo of a server
# where this user may CREATE DATABASE), else a private cluster started in a temporary
# META_HOME and removed afterwards. Needs psql and GNU time (/usr/bin/time).
set -euo pipefail

here=$(dirname "$0")
. "$here/bench_lib.sh"

rows=${BENCH_ROWS:-1000000}
small_rows=1000
[[ -x /usr/bin/time ]] || { echo "bench_load: /usr/bin/time is missing (Debian package 'time')" >&2; exit 2; }
bench_setup "${1:-build}" load

big=$work/big.csv
small=$work/small.csv
bench_generate $((rows / 2)) "$big"
bench_generate $((small_rows / 2)) "$small"
echo "file: $(($(wc -l < "$big") - 1)) rows, $(du -h "$big" | cut -f1)"
shaped=$work/shaped.csv
if [[ -x $simulate && ${BENCH_SHAPED:-1} != 0 ]]; then
    "$simulate" synthetic --trials 50000 --arms 2 --outcomes 5 --timepoints 2 --kind continuous -o "$shaped"
fi

copy_db=$(bench_fresh_db meta_bench_copy)
psql -X -q -d "$copy_db" -c "$(bench_plain_table "$big" plain)"
copy_time=$(bench_seconds psql -X -q -d "$copy_db" -c "\\copy plain FROM '$big' WITH (FORMAT csv, HEADER)")

load_db=$(bench_fresh_db meta_bench_load)
"$meta" db status --db "$load_db" >/dev/null # creates the schema outside the timing
bench_timed "$work/t_empty" "$meta" load --db "$load_db" "$big"
load_time=$(cut -d' ' -f1 "$work/t_empty")
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

# The large file again with every mean changed (+2: the small load above
# changed some by +1), then that file once more, unchanged.
changed_dir=$work/changed
mkdir -p "$changed_dir"
big_changed=$changed_dir/big.csv
awk -F, -v OFS=, 'NR == 1 { print; next } { $7 = $7 + 2; print }' "$big" >"$big_changed"
bench_timed "$work/t_replace" "$meta" load --db "$load_db" "$big_changed"
bench_timed "$work/t_unchanged" "$meta" load --db "$load_db" "$big_changed"
cat "$big_changed" >/dev/null # read from the page cache, as the load above did
bench_timed "$work/t_sha" sha256sum "$big_changed"

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
times() { awk '{ printf "%s s (meta %s s user, %s s system; server %s s)", $1, $2, $3, $4 }' "$1"; }
printf 'meta load into an empty registry, %d rows: %s\n' "$rows" "$(times "$work/t_empty")"
printf 'meta load of the same rows, every value changed: %s\n' "$(times "$work/t_replace")"
printf 'meta load of that file again, unchanged: %s\n' "$(times "$work/t_unchanged")"
printf 'sha256sum of that file: %s\n' "$(times "$work/t_sha")"
printf 'peak RSS of meta load, %7d rows: %6d KB\n' "$small_rows" "$rss_small"
printf 'peak RSS of meta load, %7d rows: %6d KB  (%+d KB)\n' "$rows" "$rss_big" $((rss_big - rss_small))

bench_drop_dbs meta_bench_copy meta_bench_load meta_bench_shaped_copy meta_bench_shaped_load meta_bench_rss_small meta_bench_rss_big
