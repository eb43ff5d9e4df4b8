#!/usr/bin/env bash
# Benchmark of `meta pool` (not a timed test): the whole process, from exec
# to exit, on registries of 1,000,000 arm rows, for a typical outcome
# (k = 20) and a large one (k = 2,000); then the plans the server used for
# the selection, taken by auto_explain from the statements meta really
# sends. Prints the figures.
#
# Two registries, both loaded with `meta load` from `meta-simulate synthetic`:
#   rows  2,000 two-arm trials x 250 outcomes = 1,000,000 result rows (every
#         outcome k = 2,000), plus a 20-trial outcome;
#   arms  500,000 two-arm trials of one outcome = 1,000,000 arms, plus a
#         20-trial and a 2,000-trial outcome.
#
# usage: tests/bench/bench_pool.sh [BUILD_DIR] [rows|arms|both]   (defaults: ./build, both)
# The database: a private cluster started in a temporary META_HOME and removed
# afterwards (auto_explain needs its superuser and its log). hyperfine is used
# when installed, else a loop of timed runs.
set -euo pipefail

here=$(dirname "$0")
. "$here/bench_lib.sh"

which_registry=${2:-both}
runs=${BENCH_RUNS:-50}
META_DB= bench_setup "${1:-build}" pool # always the private cluster: see above
[[ -x $simulate ]] || { echo "bench_pool: no meta-simulate at $simulate (build first)" >&2; exit 2; }
log=$home/log/postgresql.log # where the private cluster's server logs (pg_ctl -l)

# synthetic TRIALS OUTCOMES PREFIX SEED FILE [KIND]: two-arm trials; PREFIX
# renames trials and outcomes so that several files make distinct outcomes.
synthetic() {
    local kind=${6:-mixed}
    "$simulate" synthetic --trials "$1" --arms 2 --outcomes "$2" --kind "$kind" --seed "$4" |
        sed "s/^SYN-/$3-/; s/,outcome_/,${3,,}_/" >"$5"
}

load() { # load DB FILE...
    local db=$1 start end
    shift
    start=$(date +%s.%N)
    "$meta" load --db "$db" "$@" >/dev/null
    end=$(date +%s.%N)
    psql -X -q -d "$db" -c "VACUUM ANALYZE" >/dev/null
    local rows
    rows=$(psql -X -At -d "$db" -c "SELECT (SELECT count(*) FROM continuous_results) +
                                           (SELECT count(*) FROM binary_results)")
    local arms
    arms=$(psql -X -At -d "$db" -c "SELECT count(*) FROM arms")
    printf '  loaded %s result rows, %s arms in %.1f s\n' "$rows" "$arms" "$(echo "$end - $start" | bc)"
}

# time_pool DB OUTCOME LABEL: the whole `meta pool` process, --format json.
time_pool() {
    local db=$1 outcome=$2 label=$3
    local cmd=("$meta" pool --db "$db" --outcome "$outcome" --treatment active --control control
        --format json)
    local k
    "${cmd[@]}" >"$work/out.json"
    k=$(grep -m1 '"k":' "$work/out.json" | tr -dc '0-9')
    if command -v hyperfine >/dev/null; then
        # the CSV's last columns: mean,stddev,median,user,system,min,max (seconds)
        hyperfine -N --warmup 5 --runs "$runs" --export-csv "$work/h.csv" "$(printf '%q ' "${cmd[@]}")" \
            >/dev/null 2>&1
        tail -n 1 "$work/h.csv" | awk -F, -v label="$label" -v k="$k" -v n="$runs" '{
            printf "  %-28s k = %-5s mean %6.1f ms +- %.1f, median %.1f, min %.1f, max %.1f (hyperfine, %d runs)\n",
                   label, k, $(NF-6) * 1000, $(NF-5) * 1000, $(NF-4) * 1000, $(NF-1) * 1000, $NF * 1000, n }'
    else
        local times=() i t0 t1
        for ((i = 0; i < 5; i++)); do "${cmd[@]}" >/dev/null; done
        for ((i = 0; i < runs; i++)); do
            t0=$(date +%s%N)
            "${cmd[@]}" >/dev/null
            t1=$(date +%s%N)
            times+=($(((t1 - t0) / 1000)))
        done
        printf '%s\n' "${times[@]}" | sort -n | awk -v label="$label" -v k="$k" -v n="$runs" '
            { t[NR] = $1; s += $1 }
            END { printf "  %-28s k = %-5s mean %6.1f ms, median %.1f, min %.1f, max %.1f (loop, %d runs)\n",
                         label, k, s / NR / 1000, t[int((NR + 1) / 2)] / 1000, t[1] / 1000, t[NR] / 1000, n }'
    fi
}

# plans DB OUTCOME: the plans of meta's statements, via auto_explain.
plans() {
    local db=$1 outcome=$2 dbname
    dbname=$(sed 's/.*dbname=//' <<<"$db")
    psql -X -q -d "$base" -c "ALTER DATABASE $dbname SET session_preload_libraries = 'auto_explain'" \
        -c "ALTER DATABASE $dbname SET auto_explain.log_min_duration = 0" \
        -c "ALTER DATABASE $dbname SET auto_explain.log_analyze = on" >/dev/null
    local before
    before=$(wc -l <"$log")
    "$meta" pool --db "$db" --outcome "$outcome" --treatment active --control control \
        --format json >/dev/null
    psql -X -q -d "$base" -c "ALTER DATABASE $dbname RESET ALL" >/dev/null
    echo "  plans of the selection for $outcome (auto_explain):"
    # one block per statement, from its "duration:" line; keep meta's two
    tail -n +"$((before + 1))" "$log" | awk '
        /LOG: +duration:/ { if (keep) printf "%s", block; block = ""; keep = 0 }
        /Query Text: SELECT (set_config|\x27[ae]\x27 AS row_kind)/ { keep = 1 }
        { sub(/^.*LOG: +/, ""); block = block "    " $0 "\n" }
        END { if (keep) printf "%s", block }' |
        grep -E "duration:|Query Text|Scan|Loop|Memoize|Hash|Sort|Append|Index Cond" | grep -v "never executed" |
        cut -c1-160
}

bench_rows() {
    echo "registry 'rows': 2,000 two-arm trials x 250 outcomes + one 20-trial outcome"
    synthetic 2000 250 SYN 20241122 "$work/rows.csv"
    synthetic 20 2 SMALL 7 "$work/small.csv"
    local db
    db=$(bench_fresh_db bench_pool_rows)
    load "$db" "$work/rows.csv" "$work/small.csv"
    time_pool "$db" small_001 "continuous, k = 20"
    time_pool "$db" small_002 "binary, k = 20"
    time_pool "$db" syn_001 "continuous, k = 2,000"
    time_pool "$db" syn_002 "binary, k = 2,000"
    plans "$db" small_001
    rm -f "$work/rows.csv"
}

bench_arms() {
    echo "registry 'arms': 500,000 two-arm trials of one outcome + 20- and 2,000-trial outcomes"
    synthetic 500000 1 WIDE 20241122 "$work/wide.csv" continuous
    synthetic 20 2 SMALL 7 "$work/small.csv"
    synthetic 2000 2 MID 11 "$work/mid.csv"
    local db
    db=$(bench_fresh_db bench_pool_arms)
    load "$db" "$work/wide.csv" "$work/small.csv" "$work/mid.csv"
    time_pool "$db" small_001 "continuous, k = 20"
    time_pool "$db" small_002 "binary, k = 20"
    time_pool "$db" mid_001 "continuous, k = 2,000"
    time_pool "$db" mid_002 "binary, k = 2,000"
    plans "$db" small_001
    plans "$db" mid_001
    rm -f "$work/wide.csv"
}

echo "meta pool, whole process, --format json ($(nproc) cores)"
echo "  baseline: meta db status (start, connect, schema check):"
if command -v hyperfine >/dev/null; then
    hyperfine -N --warmup 5 --runs "$runs" "$meta db status --db '$base'" 2>/dev/null |
        grep "Time (mean" | sed 's/^ */    /'
fi
case $which_registry in
rows) bench_rows ;;
arms) bench_arms ;;
both)
    bench_rows
    bench_arms
    ;;
*)
    echo "bench_pool: unknown registry '$which_registry' (rows, arms or both)" >&2
    exit 2
    ;;
esac
