#!/usr/bin/env bash
# Benchmark of `meta forest` (not a timed test), and of the peak memory of
# `meta pool` and `meta forest`: the whole process, from exec to exit, on a
# registry of 1,000,000 arm rows (500,000 two-arm trials of one outcome, from
# `meta-simulate synthetic`, loaded with `meta load`) that also holds
# outcomes of 10, 20, 200 and 2,000 trials. Times `meta forest` for k = 10
# and k = 200 in PNG, SVG and PDF, and measures the peak resident set size
# (/usr/bin/time -f %M) of each of those and of `meta pool` for k = 20 and
# k = 2,000. Prints one `tool=meta op=... key=value ...` line per figure.
#
# usage: tests/bench/bench_forest.sh [BUILD_DIR]   (default: ./build)
# The database: a private cluster started in a temporary META_HOME and removed
# afterwards. hyperfine is used when installed, else a loop of timed runs.
set -euo pipefail

here=$(dirname "$0")
. "$here/bench_lib.sh"

runs=${BENCH_RUNS:-20}
META_DB= bench_setup "${1:-build}" forest # always the private cluster
[[ -x $simulate ]] || { echo "bench_forest: no meta-simulate at $simulate (build first)" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "bench_forest: /usr/bin/time is missing (Debian package 'time')" >&2; exit 2; }
if ! "$meta" forest --help >/dev/null 2>&1; then
    echo 'tool=meta op=forest skipped="this meta has no forest command"'
    exit 0
fi
db=$base

# synthetic TRIALS PREFIX SEED FILE: two-arm trials of one continuous outcome;
# PREFIX renames trials and the outcome so that each file is its own outcome.
synthetic() {
    "$simulate" synthetic --trials "$1" --arms 2 --kind continuous --seed "$3" |
        sed "s/^SYN-/$2-/; s/,outcome_001,/,${2,,},/" >"$4"
}
synthetic 500000 WIDE 20241122 "$work/wide.csv"
synthetic 10 K10 7 "$work/k10.csv"
synthetic 20 K20 8 "$work/k20.csv"
synthetic 200 K200 9 "$work/k200.csv"
synthetic 2000 K2000 10 "$work/k2000.csv"
"$meta" load --db "$db" "$work"/wide.csv "$work"/k10.csv "$work"/k20.csv "$work"/k200.csv \
    "$work"/k2000.csv >/dev/null
rm -f "$work/wide.csv"
arms=$(psql -X -At -d "$db" -c "SELECT count(*) FROM arms")
psql -X -q -d "$db" -c "VACUUM ANALYZE" >/dev/null
echo "tool=meta op=registry arms=$arms"

# median_ms CMD...: the median wall time of the whole process in milliseconds.
median_ms() {
    if command -v hyperfine >/dev/null; then
        hyperfine -N --warmup 2 --runs "$runs" --export-json "$work/h.json" \
            "$(printf '%q ' "$@")" >/dev/null 2>&1
        python3 -c 'import json, sys; print("%.2f" % (json.load(open(sys.argv[1]))["results"][0]["median"] * 1e3))' \
            "$work/h.json"
    else
        local i t0 t1
        for ((i = 0; i < runs; i++)); do
            t0=$(date +%s%N)
            "$@" >/dev/null
            t1=$(date +%s%N)
            echo $(((t1 - t0) / 1000))
        done | sort -n | awk '{ t[NR] = $1 } END { printf "%.2f\n", t[int((NR + 1) / 2)] / 1000 }'
    fi
}

# rss_kb CMD...: the peak resident set size in KB of the process or of the
# largest of its children (gnuplot, for meta forest), as wait4() reports it.
rss_kb() {
    /usr/bin/time -f '%M' -o "$work/rss" "$@" >/dev/null
    cat "$work/rss"
}

for k in 10 200; do
    for fmt in png svg pdf; do
        out=$work/forest_$k.$fmt
        cmd=("$meta" forest --db "$db" --outcome "k$k" --treatment active --control control
            --measure SMD -o "$out")
        "${cmd[@]}" >/dev/null
        [[ -s $out ]] || { echo "bench_forest: meta forest wrote nothing to $out" >&2; exit 1; }
        t=$(median_ms "${cmd[@]}")
        m=$(rss_kb "${cmd[@]}")
        echo "tool=meta op=forest k=$k format=$fmt time_ms=$t rss_kb=$m bytes=$(stat -c %s "$out") runs=$runs"
    done
done

for k in 20 2000; do
    cmd=("$meta" pool --db "$db" --outcome "k$k" --treatment active --control control
        --measure SMD --format json)
    "${cmd[@]}" >"$work/pool.json"
    got=$(grep -m1 '"k":' "$work/pool.json" | tr -dc '0-9')
    t=$(median_ms "${cmd[@]}")
    m=$(rss_kb "${cmd[@]}")
    echo "tool=meta op=pool k=$got time_ms=$t rss_kb=$m runs=$runs"
done
