#!/usr/bin/env bash
# Living-review benchmark: `meta run` throughput on many small analyses
# (13 trials each, JSON output only, the whole process), `meta run --changed`
# over 1,000 unchanged analyses of a 1,000,000-row registry, and what the
# statement-level bookkeeping of data_changes costs a 1,000,000-row load.
#
# usage: tests/bench/bench_living.sh [BUILD_DIR]   (default build-bench)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench_lib.sh
source "$here/bench_lib.sh"
bench_setup "${1:-build-bench}" living

# write_analyses DIR OUTCOMES TIMEPOINTS: one analysis file per outcome and
# time point of the synthetic data, active against control, JSON only.
write_analyses() {
    local o t name
    mkdir -p "$1"
    for ((o = 1; o <= $2; o++)); do
        for ((t = 1; t <= $3; t++)); do
            printf -v name 'outcome_%03d_t%d' "$o" "$t"
            printf '[analysis]\noutcome = outcome_%03d\ntimepoint = t%d\ntreatment = active\ncontrol = control\njson = %s.json\n' \
                "$o" "$t" "$name" >"$1/$name.ini"
        done
    done
}

# best_of N COMMAND...: the fewest wall-clock seconds of N runs.
best_of() {
    local n=$1 best="" s
    shift
    for ((i = 0; i < n; i++)); do
        s=$(bench_seconds "$@")
        best=$(awk -v a="$s" -v b="$best" 'BEGIN { print (b == "" || a < b) ? a : b }')
    done
    echo "$best"
}

# best_ms N COMMAND...: the fewest wall-clock milliseconds of N runs.
best_ms() {
    local n=$1 best="" t0 t1 ms
    shift
    for ((i = 0; i < n; i++)); do
        t0=$(date +%s%N)
        "$@" >/dev/null
        t1=$(date +%s%N)
        ms=$(((t1 - t0) / 1000000))
        if [[ -z $best || $ms -lt $best ]]; then best=$ms; fi
    done
    echo "$best"
}

# 1. Throughput: 5,000 analyses of 13 trials (130,000 rows).
small_db=$(bench_fresh_db living_small)
bench_generate_args() { "$simulate" synthetic --kind continuous "$@"; }
bench_generate_args --trials 13 --outcomes 1000 --timepoints 5 -o "$work/small.csv"
"$meta" load --db "$small_db" "$work/small.csv" >/dev/null
write_analyses "$work/small" 1000 5
"$meta" run --db "$small_db" --out "$work/out" "$work/small" >/dev/null # first run, recorded
run_s=$(best_of 3 "$meta" run --db "$small_db" --out "$work/out" "$work/small")
echo "meta run, 5,000 analyses of 13 trials, JSON only: ${run_s} s, $(awk -v s="$run_s" 'BEGIN { printf "%.0f", 5000 / s }') analyses/s"
bench_drop_dbs living_small

# 2. --changed: 1,000 analyses of 500 trials on 1,000,000 rows.
big_db=$(bench_fresh_db living_big)
bench_generate_args --trials 500 --outcomes 200 --timepoints 5 -o "$work/big.csv"
"$meta" db status --db "$big_db" >/dev/null
load_s=$(bench_seconds "$meta" load --db "$big_db" "$work/big.csv")
write_analyses "$work/big" 200 5
big_run_s=$(bench_seconds "$meta" run --db "$big_db" --out "$work/out" "$work/big")
changed_ms=$(best_ms 5 "$meta" run --db "$big_db" --out "$work/out" --changed "$work/big")
echo "meta load, 1,000,000 rows: ${load_s} s"
echo "meta run, 1,000 analyses of 500 trials: ${big_run_s} s"
echo "meta run --changed, 1,000 analyses, none stale: ${changed_ms} ms (best of 5)"
bench_drop_dbs living_big

# 3. The bookkeeping triggers: the same load without them.
bare_db=$(bench_fresh_db living_bare)
"$meta" db status --db "$bare_db" >/dev/null
psql -X -q -d "$bare_db" -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
DO $$
DECLARE t record;
BEGIN
    FOR t IN SELECT tgname, tgrelid::regclass AS rel FROM pg_trigger
              WHERE tgname LIKE '%\_noted\_%' AND NOT tgisinternal LOOP
        EXECUTE format('DROP TRIGGER %I ON %s', t.tgname, t.rel);
    END LOOP;
END $$;
SQL
bare_s=$(bench_seconds "$meta" load --db "$bare_db" "$work/big.csv")
echo "meta load, 1,000,000 rows, without the bookkeeping triggers: ${bare_s} s"
bench_drop_dbs living_bare
