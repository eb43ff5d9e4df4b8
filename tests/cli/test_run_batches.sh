#!/usr/bin/env bash
# meta run over many batches, computed and written on a second thread: the
# same printed lines in the same order, exit code, messages, outputs and
# recorded runs as on one thread, and as in one batch; each analysis once,
# failures of every stage (a file, a request, the data, an output that
# cannot be written, a plot) interleaved with the analyses that succeed.
# META_RUN_BATCH and META_RUN_THREADS set the batch size and the threads.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/harness.sh"
root=$(cd "$here/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fresh_db meta_test_run_batches
run "$META" load --db "$DB" "$root"/analyses/data/bcg.csv "$root"/analyses/data/haeuser2009_fibromyalgia.csv
expect "load the example data" 0

# 61 analyses, one file each, in name order: a kind of analysis or failure
# by i mod 6, a plot every 12th, one output claimed twice.
n=61
dir=$work/many
mkdir "$dir"
for ((i = 0; i < n; i++)); do
    printf -v f '%s/f_%03d.ini' "$dir" "$i"
    case $((i % 6)) in
    0) printf '[analysis]\noutcome = bcg\ntreatment = bcg-treated\ncontrol = bcg-control\nmeasure = RR\njson = j%d.json\ncsv = c%d.csv\ntable = t%d.txt\n' "$i" "$i" "$i" ;;
    1) printf '[analysis]\noutcome = pain\ntimepoint = end of treatment\ntreatment = duloxetine\ncontrol = placebo\nmeasure = SMD\nleave_one_out = true\njson = j%d.json\n' "$i" ;;
    2) printf '[analysis]\noutcome = pain_vas\ntreatment = duloxetine\ncontrol = placebo\njson = j%d.json\n' "$i" ;;
    3) printf '[analysis]\noutcome = bcg\ntreatment = bcg-treated\ncontrol = bcg-control\nmeasure = IRR\njson = j%d.json\n' "$i" ;;
    4) printf '[analysis]\noutcome = bcg\ntreatment = bcg-treated\ncontrol = bcg-control\njson = blocked%d/j.json\n' "$i" ;;
    5) if ((i % 12 == 5)); then
        printf '[analysis]\noutcome = bcg\ntreatment = bcg-treated\ncontrol = bcg-control\nfunnel = p%d.svg\njson = j%d.json\n' "$i" "$i"
    else
        printf '[analysis]\noutcome = bcg\ntreatment = bcg-treated\ncontrol = placebo\njson = j%d.json\n' "$i"
    fi ;;
    esac >"$f"
done
printf '[analysis]\noutcome = bcg\ntreatment = bcg-treated\ncontrol = bcg-control\njson = j0.json\n' >"$dir/f_030.ini"

# run_mode NAME [VAR=VALUE...]: meta run of the directory into out/NAME
# (where an output of every 6th analysis cannot be written), keeping its
# lines with the output directory spelled OUT, its exit code and the runs it
# recorded.
last_run() { psql "$DB" -qAt -c "SELECT coalesce(max(run_id), 0) FROM analysis_runs"; }
run_mode() {
    local name=$1 o=$work/out/$1 before i
    shift
    mkdir -p "$o"
    for ((i = 4; i < n; i += 6)); do : >"$o/blocked$i"; done
    before=$(last_run)
    run env "$@" "$META" run --db "$DB" --out "$o" "$dir"
    printf '%s\n' "$out" | sed "s|$o|OUT|g" >"$work/$name.out"
    printf '%s\n' "$err" | sed "s|$o|OUT|g" >"$work/$name.err"
    echo "$rc" >"$work/$name.rc"
    psql "$DB" -qAt -c "SELECT path, file_sha256, options, outcome_id, data_version, data_timepoints,
        fingerprint, load_ids, k, measure, log_scale, estimate, ci_lower, ci_upper, tau2, i2, p,
        conclusion FROM analysis_runs WHERE run_id > $before ORDER BY run_id" >"$work/$name.runs"
}
run_mode one_thread META_RUN_THREADS=1 META_RUN_BATCH=7
run_mode threads META_RUN_BATCH=7
run_mode threads_batch1 META_RUN_BATCH=1
run_mode one_batch

# The expected shape, on one thread.
ok_n=$(grep -c '^ok   ' "$work/one_thread.out")
fail_n=$(grep -c '^FAIL ' "$work/one_thread.out")
[[ $ok_n -eq 25 && $fail_n -eq 36 ]] && ok "one thread: 25 ok, 36 failed" ||
    not_ok "one thread: $ok_n ok, $fail_n failed, expected 25 and 36"
grep -q "^61 analyses: 25 ok, 36 failed$" "$work/one_thread.out" && ok "one thread: the summary" ||
    not_ok "one thread: no summary"
[[ $(cat "$work/one_thread.rc") -eq 1 ]] && ok "one thread: exit 1" || not_ok "one thread: exit $(cat "$work/one_thread.rc")"
[[ $(wc -l <"$work/one_thread.runs") -eq 25 ]] && ok "one thread: 25 runs recorded" ||
    not_ok "one thread: $(wc -l <"$work/one_thread.runs") runs recorded"
# One line per file, in name order.
sed -nE 's/^(ok   |FAIL )([^: ]*\.ini).*/\2/p' "$work/one_thread.out" >"$work/order"
printf '%s\n' "$dir"/f_*.ini >"$work/files"
cmp -s "$work/order" "$work/files" && ok "one line per analysis, in name order" ||
    not_ok "lines out of order or missing: $(diff "$work/files" "$work/order" | head -5)"
grep -q "^FAIL $dir/f_004.ini: 'OUT/blocked4' is not a directory" "$work/one_thread.out" &&
    ok "an output that cannot be written fails its analysis" || not_ok "no failure for blocked4"
grep -q "^FAIL $dir/f_030.ini:.*also an output of" "$work/one_thread.out" &&
    ok "an output claimed twice fails the second" || not_ok "f_030 claimed j0.json"
grep -q "^ok   $dir/f_005.ini .*OUT/p5.svg OUT/j5.json$" "$work/one_thread.out" &&
    ok "the plot is drawn" || not_ok "no plot for f_005"

# Every other mode: the same bytes everywhere.
for mode in threads threads_batch1 one_batch; do
    for part in out err rc runs; do
        cmp -s "$work/one_thread.$part" "$work/$mode.$part" && ok "$mode: the same $part as one thread" ||
            not_ok "$mode: $part differs: $(diff "$work/one_thread.$part" "$work/$mode.$part" | head -6)"
    done
    diff -r "$work/out/one_thread" "$work/out/$mode" >"$work/diff" &&
        ok "$mode: the same output files" || not_ok "$mode: outputs differ: $(head -5 "$work/diff")"
done
[[ $(find "$work/out/threads" -type f -name '*.json' | wc -l) -eq 25 ]] &&
    ok "threads: one JSON per analysis that succeeded" || not_ok "threads: JSON files missing or extra"

# --changed in batches: the unchanged ones skipped between the ones run.
for ((i = 0; i < n; i += 12)); do printf '; changed\n' >>"$dir/$(printf 'f_%03d.ini' "$i")"; done
run env META_RUN_BATCH=4 "$META" run --db "$DB" --out "$work/out/threads" --changed "$dir"
expect "--changed in batches: the changed files run" 1 "^61 analyses: 19 unchanged, 6 ok, 36 failed$"
grep -oE "^ok   [^ ]*" <<<"$out" | sed 's/^ok   //' >"$work/changed"
printf '%s\n' "$dir"/f_0{00,12,24,36,48,60}.ini >"$work/changed_expected"
cmp -s "$work/changed" "$work/changed_expected" && ok "--changed: the six changed, in order" ||
    not_ok "--changed ran $(tr '\n' ' ' <"$work/changed")"

# The switches take only what they say; anything else is a usage error
# before anything is read or written.
for bad in "META_RUN_BATCH=0" "META_RUN_BATCH=257" "META_RUN_BATCH=abc" "META_RUN_BATCH=7x" \
    "META_RUN_BATCH=" "META_RUN_THREADS=0" "META_RUN_THREADS=yes"; do
    run env "$bad" "$META" run --db "$DB" --out "$work/out/refused" "$dir"
    expect "$bad is refused" 2 "error: ${bad%%=*} is '${bad#*=}': give"
    [[ ! -e $work/out/refused ]] && ok "$bad: nothing written" || not_ok "$bad: outputs written"
done
# More than 64 files are read on two threads: failures of reading (an
# unknown key, a link to nothing, a FIFO) and an output claimed again by a
# file of another chunk give the same lines as on one thread.
read_dir=$work/read
mkdir "$read_dir"
for ((i = 0; i < 100; i++)); do
    printf '[analysis]\noutcome = bcg\ntreatment = bcg-treated\ncontrol = bcg-control\njson = r%d.json\n' \
        "$i" >"$read_dir/$(printf 'r_%03d.ini' "$i")"
done
printf '[analysis]\noutcom = bcg\n' >"$read_dir/r_037.ini"
printf '[analysis]\noutcome = bcg\ntreatment = bcg-treated\ncontrol = bcg-control\njson = r5.json\n' >"$read_dir/r_070.ini"
rm "$read_dir/r_081.ini" && ln -s "$read_dir/nowhere.ini" "$read_dir/r_081.ini"
rm "$read_dir/r_090.ini" && mkfifo "$read_dir/r_090.ini"
for threads in 1 2; do
    run env META_RUN_THREADS=$threads "$META" run --db "$DB" --out "$work/out/read$threads" "$read_dir"
    printf '%s\n%s\n%s\n' "$out" "$err" "$rc" | sed "s|$work/out/read$threads|OUT|g" >"$work/read$threads.txt"
done
grep -q "^100 analyses: 96 ok, 4 failed$" "$work/read2.txt" && ok "files read on two threads: 96 ok, 4 failed" ||
    not_ok "files read on two threads: $(grep analyses: "$work/read2.txt")"
grep -q "^FAIL $read_dir/r_070.ini:.*also an output of" "$work/read2.txt" &&
    ok "files read on two threads: the later claim of an output fails" || not_ok "r_070 claimed r5.json"
cmp -s "$work/read1.txt" "$work/read2.txt" && ok "files read on two threads: the same lines as on one" ||
    not_ok "files read on two threads: $(diff "$work/read1.txt" "$work/read2.txt" | head -6)"
diff -r "$work/out/read1" "$work/out/read2" >"$work/diff" && ok "files read on two threads: the same outputs" ||
    not_ok "files read on two threads: outputs differ: $(head -5 "$work/diff")"
finish
