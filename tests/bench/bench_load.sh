#!/usr/bin/env bash
# Benchmark of `meta load` (not a timed test): loads a 1,000,000-row
# continuous arm-level CSV file into a fresh database and compares the time
# with `psql \copy` of the same file into a plain table in that database;
# then compares the peak resident memory of `meta load` for 1,000 and
# 1,000,000 rows. Prints the figures.
#
# usage: tests/bench/bench_load.sh [BUILD_DIR]   (default: ./build)
# The database: META_DB when set (a libpq keyword=value conninfo of a server
# where this user may CREATE DATABASE), else a private cluster started in a temporary
# META_HOME and removed afterwards. Needs psql and GNU time (/usr/bin/time).
set -euo pipefail

build=${1:-build}
meta=$build/cmd/meta
simulate=$build/analyses/meta-simulate
rows=1000000
small_rows=1000
[[ -x $meta ]] || { echo "bench_load: no meta binary at $meta (build first)" >&2; exit 2; }
command -v psql >/dev/null || { echo "bench_load: psql is missing" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "bench_load: /usr/bin/time is missing (Debian package 'time')" >&2; exit 2; }

work=$(mktemp -d /tmp/meta-bench-load-XXXXXX)
home=""
cleanup() {
    if [[ -n $home ]]; then
        META_HOME=$home META_DB= "$meta" db stop >/dev/null 2>&1 || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

if [[ -n ${META_DB:-} ]]; then
    base=$META_DB
else
    home=$work/home
    META_HOME=$home META_DB= "$meta" db start >/dev/null
    base="host=$home/run dbname=meta user=meta"
fi

# A fresh database per measurement, so every load starts from nothing.
fresh_db() {
    psql -X -q -d "$base" -c "SET client_min_messages = warning" \
        -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" -c "CREATE DATABASE $1" >/dev/null
    echo "$base dbname=$1"
}

# Two-arm trials, one continuous outcome: meta-simulate when built, else awk
# writes rows of the same shape.
generate() { # generate TRIALS FILE
    if [[ -x $simulate ]]; then
        "$simulate" synthetic --trials "$1" --arms 2 --kind continuous -o "$2"
    else
        awk -v trials="$1" 'BEGIN {
            print "trial,arm,treatment,outcome,timepoint,n,mean,sd,events,total,year,class"
            srand(20241122)
            for (t = 1; t <= trials; t++) {
                printf "SYN-%07d,active,active,outcome_001,t1,%d,%.2f,%.2f,,,%d,C\n", t, 20 + int(rand() * 80), 40 + rand() * 10, 8 + rand() * 4, 1990 + t % 30
                printf "SYN-%07d,control,control,outcome_001,t1,%d,%.2f,%.2f,,,%d,\n", t, 20 + int(rand() * 80), 42 + rand() * 10, 8 + rand() * 4, 1990 + t % 30
            }
        }' > "$2"
    fi
}

big=$work/big.csv
small=$work/small.csv
generate $((rows / 2)) "$big"
generate $((small_rows / 2)) "$small"
echo "file: $(($(wc -l < "$big") - 1)) rows, $(du -h "$big" | cut -f1)"

# Seconds of wall-clock time a command takes.
seconds() {
    local t0 t1
    t0=$(date +%s.%N)
    "$@" >/dev/null
    t1=$(date +%s.%N)
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }'
}

# psql \copy into a plain table whose columns are typed as meta reads them.
plain_table() {
    local cols="" name type
    IFS=, read -r -a names < <(head -1 "$big")
    for name in "${names[@]}"; do
        case $name in
        n | events | total) type=integer ;;
        mean | sd) type=double\ precision ;;
        *) type=text ;;
        esac
        cols+="${cols:+, }\"$name\" $type"
    done
    echo "CREATE TABLE plain ($cols)"
}

copy_db=$(fresh_db meta_bench_copy)
psql -X -q -d "$copy_db" -c "$(plain_table)"
copy_time=$(seconds psql -X -q -d "$copy_db" -c "\\copy plain FROM '$big' WITH (FORMAT csv, HEADER)")

load_db=$(fresh_db meta_bench_load)
"$meta" db status --db "$load_db" >/dev/null # creates the schema outside the timing
load_time=$(seconds "$meta" load --db "$load_db" "$big")
ratio=$(awk -v a="$load_time" -v b="$copy_time" 'BEGIN { printf "%.1f", a / b }')

# Peak RSS of meta load: a small file and the large one, each into a fresh database.
rss() { # rss DB FILE -> kilobytes
    /usr/bin/time -f '%M' -o "$work/rss" "$meta" load --db "$1" "$2" >/dev/null
    cat "$work/rss"
}
small_db=$(fresh_db meta_bench_rss_small)
"$meta" db status --db "$small_db" >/dev/null
rss_small=$(rss "$small_db" "$small")
big_db=$(fresh_db meta_bench_rss_big)
"$meta" db status --db "$big_db" >/dev/null
rss_big=$(rss "$big_db" "$big")

printf 'psql \\copy into a plain table: %8s s\n' "$copy_time"
printf 'meta load:                      %8s s  (%sx the copy)\n' "$load_time" "$ratio"
printf 'peak RSS of meta load, %7d rows: %6d KB\n' "$small_rows" "$rss_small"
printf 'peak RSS of meta load, %7d rows: %6d KB  (%+d KB)\n' "$rows" "$rss_big" $((rss_big - rss_small))

for db in meta_bench_copy meta_bench_load meta_bench_rss_small meta_bench_rss_big; do
    psql -X -q -d "$base" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null
done
