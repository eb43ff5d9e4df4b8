#!/usr/bin/env bash
# meta run losing its connection mid-run, between and during its batches'
# statements (its server process ended by pg_terminate_backend): a clean
# failure of the analyses not yet read (no crash, exit 1, the server's
# message), the analyses read before it written, and nothing recorded: the
# runs of an unfinished `meta run` are never committed. In batches of one,
# on two threads and on one.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/harness.sh"
root=$(cd "$here/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fresh_db meta_test_run_lost
run "$META" load --db "$DB" "$root"/analyses/data/bcg.csv
expect "load the example data" 0

n=1500
mkdir "$work/many"
for ((i = 0; i < n; i++)); do
    printf '[analysis]\noutcome = bcg\ntreatment = bcg-treated\ncontrol = bcg-control\njson = j%d.json\n' \
        "$i" >"$work/many/$(printf 'f_%04d.ini' "$i")"
done
# One analysis in ten names an unknown outcome: it is read alone, between
# the batches' statements.
for ((i = 5; i < n; i += 10)); do
    printf '[analysis]\noutcome = no_such\ntreatment = bcg-treated\ncontrol = bcg-control\njson = j%d.json\n' \
        "$i" >"$work/many/$(printf 'f_%04d.ini' "$i")"
done

# lost NAME VAR=VALUE...: meta run in the background, its server process
# ended once it is reading selections; keeps its lines, standard error and
# exit code; returns 1 when the run was not ended while reading selections.
lost() {
    local name=$1 pid killed=f tries
    shift
    env "$@" "$META" run --db "$DB" --out "$work/out/$name" "$work/many" \
        >"$work/$name.out" 2>"$work/$name.err" &
    pid=$!
    for ((tries = 0; tries < 5000; tries++)); do
        [[ $killed != t ]] && kill -0 "$pid" 2>/dev/null || break
        # Once the first batches are printed: mid-run, not at its start.
        grep -q '^ok   ' "$work/$name.out" || { sleep 0.01; continue; }
        killed=$(psql "$DB" -qAt -c "SELECT coalesce(bool_or(pg_terminate_backend(pid)), false)
            FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()
             AND query LIKE '%SELECT x.qi, x.outcome, x.tp, x.tr%'")
    done
    wait "$pid"
    echo $? >"$work/$name.rc"
    # Ended in time when some analysis could not be read for it (not, say,
    # while the runs were recorded, after every analysis).
    [[ $killed == t ]] && grep -qE "^FAIL $work/many/f_[0-9]+\.ini: cannot read" "$work/$name.out"
}

for mode in "threads META_RUN_BATCH=1" "one_thread META_RUN_BATCH=1 META_RUN_THREADS=1"; do
    name=${mode%% *}
    read -r -a vars <<<"${mode#* }"
    if ! lost "$name" "${vars[@]}"; then
        ok "$name: the run ended before its connection could be (nothing to check)"
        continue
    fi
    rc=$(cat "$work/$name.rc")
    [[ $rc -eq 1 ]] && ok "$name: exit 1" || not_ok "$name: exit $rc: $(tail -3 "$work/$name.err")"
    grep -qE "^$n analyses: [0-9]+ ok, [0-9]+ failed$" "$work/$name.out" &&
        ok "$name: the summary" || not_ok "$name: no summary: $(tail -2 "$work/$name.out")"
    lines=$(grep -cE '^(ok   |FAIL )' "$work/$name.out")
    [[ $lines -eq $n ]] && ok "$name: a line per analysis" || not_ok "$name: $lines lines"
    grep -qE "^FAIL $work/many/f_[0-9]+\.ini: .*(terminat|server closed the connection|connection)" \
        "$work/$name.out" && ok "$name: the analyses not read fail with the server's message" ||
        not_ok "$name: no failure names the connection: $(grep -m3 '^FAIL' "$work/$name.out")"
    grep -qE "^ok   $work/many/f_0000\.ini " "$work/$name.out" &&
        ok "$name: the analyses read before it ran" || not_ok "$name: f_0000 did not run"
    grep -qiE 'sanitizer|segmentation|assert' "$work/$name.err" &&
        not_ok "$name: $(head -3 "$work/$name.err")" || ok "$name: no crash"
    written=$(find "$work/out/$name" -name '*.json' | wc -l)
    ok_lines=$(grep -c '^ok   ' "$work/$name.out")
    [[ $written -eq $ok_lines ]] && ok "$name: an output per analysis that ran" ||
        not_ok "$name: $written outputs for $ok_lines ok lines"
    recorded=$(psql "$DB" -qAt -c "SELECT count(*) FROM analysis_runs")
    [[ $recorded -eq 0 ]] && ok "$name: nothing recorded" || not_ok "$name: $recorded runs recorded"
done
finish
