#!/usr/bin/env bash
# Living analyses end to end (meta run records, --changed, meta history, the
# JSON "data" block): five analyses of tests/cli/living/base.csv; one new
# trial touching two of them re-runs exactly those two and reports the
# change; a replaced value, an attribute used by `by` and an edited file
# each make their one analysis stale; an identical reload makes none stale;
# a conclusion that flips is flagged; the history lists every run with the
# loads new since the one before; a read-only session says it could not
# record and --record-db / META_RECORD_DB records elsewhere; the reader role
# lists the history but cannot write it; an estimate row's value replaced and
# a result's subgroup or risk-of-bias judgement changed make the analyses
# that read them stale; loads committing while meta run --changed runs give
# each run one state of the registry, never a mix.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/harness.sh"
fixtures=$here/living
work=$(mktemp -d)
trap 'kill "${loader_pid:-}" 2>/dev/null; rm -rf "$work"' EXIT
cp -r "$fixtures/analyses" "$work/analyses"
an=$work/analyses
fresh_db meta_test_living
out_dir=$work/out

changed() { run "$META" run --db "$DB" --out "$out_dir" --changed "$an"; }
load() { "$META" load --db "$DB" "$@" >/dev/null || { echo "cannot load $*" >&2; exit 1; }; }
# ran NAME...: exactly these analyses ran (an ok line each), no other did.
ran() {
    local want got
    want=$( (($#)) && printf '%s\n' "$@" | sort | tr '\n' ' ')
    got=$(sed -n 's|^ok   '"$an"'/\([a-z0-9_]*\)\.ini .*|\1|p' <<<"$out" | sort | tr '\n' ' ')
    [[ $got == "$want" ]] && ok "ran exactly: ${want:-nothing}" ||
        not_ok "ran '$got', expected '$want'"
}

load "$fixtures/base.csv"
run "$META" run --db "$DB" --out "$out_dir" "$an"
expect "the first run: every analysis" 0 "^5 analyses: 5 ok, 0 failed$"
expect_no "it records without a word" "warning"

# ---- JSON outputs carry the data they came from --------------------------

sha=$(sha256sum "$fixtures/base.csv" | cut -d' ' -f1)
run python3 - "$out_dir/pain24.json" "$sha" "$fixtures/base.csv" <<'EOF'
import json, re, sys
d = json.load(open(sys.argv[1]))["data"]
ok = (re.fullmatch("[0-9a-f]{64}", d["fingerprint"]) and len(d["loads"]) == 1
      and d["loads"][0]["sha256"] == sys.argv[2] and d["loads"][0]["file"] == sys.argv[3]
      and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", d["loads"][0]["loaded_at"]))
print("fine" if ok else d)
EOF
expect "run JSON: data block with fingerprint and the load's file and SHA-256" 0 "^fine$"
run "$META" pool --db "$DB" --outcome pain --timepoint 24h --treatment drug --control placebo \
    --format json
pool_fp=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["fingerprint"])' <<<"$out")
run_fp=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["data"]["fingerprint"])' \
    "$out_dir/pain24.json")
[[ -n $pool_fp && $pool_fp == "$run_fp" ]] && ok "pool and run give the same fingerprint" ||
    not_ok "pool fingerprint '$pool_fp', run '$run_fp'"

# ---- --changed ----------------------------------------------------------

changed
expect "nothing changed: nothing runs" 0 "^5 analyses: 5 unchanged, 0 ok, 0 failed$"
ran

load "$fixtures/new_trial.csv"
changed
expect "a new trial: two of five re-run" 0 "^5 analyses: 3 unchanged, 2 ok, 0 failed$"
ran nausea pain24
expect "the change of pain24, old -> new, and why" 0 \
    "^ok   $an/pain24.ini +MD -0\.74 \[-1\.43, -0\.06\] k=5 -> MD -[0-9.]+ \[-[0-9.]+, -[0-9.]+\] k=6  \(data changed: new data from $fixtures/new_trial.csv\)$"
expect "the change of nausea, back-transformed" 0 \
    "^ok   $an/nausea.ini +RR 2\.67 \[1\.80, 3\.95\] k=5 -> RR [0-9.]+ \[[0-9.]+, [0-9.]+\] k=6  \(data changed"
expect_no "no conclusion flips" "conclusion flips"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(d["k"] != 6)' "$out_dir/pain24.json" &&
    ok "pain24.json rewritten with k=6" || not_ok "pain24.json not rewritten"
changed
expect "run again: nothing" 0 "^5 analyses: 5 unchanged, 0 ok, 0 failed$"

load "$fixtures/base.csv" "$fixtures/new_trial.csv"
changed
expect "identical files reloaded: nothing is stale" 0 "^5 analyses: 5 unchanged, 0 ok, 0 failed$"

load "$fixtures/replace.csv"
changed
expect "a replaced value: one analysis" 0 "^5 analyses: 4 unchanged, 1 ok, 0 failed$"
ran opioid
expect "its change" 0 "opioid.ini +MD -6\.22 .* k=5 -> MD -[0-9.]+ .* k=5  \(data changed: new data from"

load "$fixtures/dose.csv"
changed
expect "an attribute used by 'by' changed: one analysis" 0 "^5 analyses: 4 unchanged, 1 ok, 0 failed$"
ran pain2h_by_dose

echo "; edited" >>"$an/mood.ini"
changed
expect "an edited analysis file: that one" 0 "^5 analyses: 4 unchanged, 1 ok, 0 failed$"
ran mood
expect "it says why" 0 "mood.ini +SMD 0\.14 \[-0\.04, 0\.32\] k=5 -> SMD 0\.14 \[-0\.04, 0\.32\] k=5  \(file changed\)$"

load "$fixtures/mood_trial.csv"
changed
ran mood
expect "the change that flips the conclusion" 0 "mood.ini +SMD 0\.14 \[-0\.04, 0\.32\] k=5 -> SMD 0\.54 \[0\.43, 0\.66\] k=6  \(data changed"
expect "is flagged on the next line" 0 "^ +conclusion flips: the interval now excludes no effect$"

cp "$an/mood.ini" "$an/zz_new.ini"
sed -i 's/mood.json/zz_new.json/' "$an/zz_new.ini"
changed
ran zz_new
expect "a file never run before: its first run" 0 "zz_new.ini +SMD 0\.54 \[0\.43, 0\.66\] k=6  \(first run\)$"
rm "$an/zz_new.ini"

# A file over 1 MiB is parsed as a stream and hashed by a second read; the
# hash is the same either way, so a second run finds it unchanged.
{
    sed 's/mood.json/zz_big.json/' "$an/mood.ini"
    for ((i = 0; i < 20000; i++)); do echo "; padding line $i of a large analysis file, 64 bytes"; done
} >"$an/zz_big.ini"
changed
expect "a file over 1 MiB: its first run" 0 "zz_big.ini +SMD 0\.54 \[0\.43, 0\.66\] k=6  \(first run\)$"
changed
expect "and unchanged on the next" 0 "^6 analyses: 6 unchanged, 0 ok, 0 failed$"
[[ $(psql -X -At -d "$DB" -c "SELECT file_sha256 FROM analysis_runs WHERE path LIKE '%/zz_big.ini'") == \
    "$(sha256sum "$an/zz_big.ini" | cut -d' ' -f1)" ]] && ok "its recorded hash is its bytes'" ||
    not_ok "the recorded hash of zz_big.ini differs from sha256sum's"
[[ $(psql -X -At -d "$DB" -c "SELECT file_sha256 FROM analysis_runs WHERE path LIKE '%/mood.ini' ORDER BY run_id DESC LIMIT 1") == \
    "$(sha256sum "$an/mood.ini" | cut -d' ' -f1)" ]] && ok "a small file's recorded hash is its bytes'" ||
    not_ok "the recorded hash of mood.ini differs from sha256sum's"
rm "$an/zz_big.ini"

# A failing analysis is not recorded: it stays stale and fails again.
sed 's/^outcome *= mood/outcome = no_such_outcome/' "$an/mood.ini" >"$an/zz_bad.ini"
sed -i 's/mood.json/zz_bad.json/' "$an/zz_bad.ini"
changed
expect "a failing analysis fails" 1 "^FAIL $an/zz_bad.ini: unknown outcome"
changed
expect "and fails again under --changed" 1 "^5 analyses: 5 unchanged, 0 ok, 1 failed$|^6 analyses: 5 unchanged, 0 ok, 1 failed$"
rm "$an/zz_bad.ini"

# ---- meta history -----------------------------------------------------------

run "$META" history --db "$DB" "$an/pain24.ini"
expect "history: a table of the runs" 0 "^History of $an/pain24.ini: 2 runs, oldest first$"
expect "history: the columns" 0 "^run +ran at \(UTC\) +k +result +tau\^2 +I\^2 +p +conclusion +new data$"
[[ $(grep -cE '^ *[0-9]+  20[0-9]{2}-' <<<"$out") -eq 2 ]] && ok "history: two lines" ||
    not_ok "history: expected two run lines"
expect "history: the second names the new load" 0 " 6  MD -[0-9.]+ \[.*below 0 +$fixtures/new_trial.csv$"
run "$META" history --db "$DB" "$an/pain24.ini" --format csv
[[ $(wc -l <<<"$out") -eq 3 ]] && ok "history csv: header and two rows" || not_ok "history csv lines"
expect "history csv: the header" 0 "^run_id,ran_at,file_sha256,fingerprint,k,measure,estimate"
"$META" history --db "$DB" "$an/nausea.ini" --format json >"$work/history.json"
run python3 - "$fixtures" "$work/history.json" <<'EOF'
import json, sys
runs = json.load(open(sys.argv[2]))["runs"]
fx = sys.argv[1]
checks = [
    len(runs) == 2,
    runs[0]["run_id"] < runs[1]["run_id"],
    [l["file"] for l in runs[0]["new_loads"]] == [fx + "/base.csv"],
    [l["file"] for l in runs[1]["new_loads"]] == [fx + "/new_trial.csv"],
    len(runs[1]["data"]["loads"]) == 2,
    runs[0]["k"] == 5 and runs[1]["k"] == 6,
    runs[0]["measure"] == "RR" and runs[0]["exp"]["estimate"] > 1,
    runs[0]["options"]["method"] == "MH" and runs[0]["options"]["treatment"] == ["drug"],
    runs[0]["conclusion"] == "above",
]
print("fine" if all(checks) else checks)
EOF
expect "history json: runs, new loads, exp, options, conclusion" 0 "^fine$"
run "$META" history --db "$DB" "$work/never.ini"
expect "history of a file never run" 0 "^History of $work/never.ini: 0 runs"
(cd "$work" && "$META" history --db "$DB" analyses/pain24.ini | head -1) >"$work/rel.txt"
grep -q "^History of $an/pain24.ini: 2 runs" "$work/rel.txt" && ok "history: a relative path" ||
    not_ok "history: a relative path names the same file"
run "$META" history --db "$DB"
expect "history: no file" 2 "no analysis file given"
run "$META" history --db "$DB" a.ini b.ini
expect "history: two files" 2 "one analysis file at a time"
run "$META" history --db "$DB" "$an/pain24.ini" --format xml
expect "history: a bad format" 2 "unknown format 'xml'"

# ---- where runs are recorded ---------------------------------------------

count() { psql "$DB" -qAt -c "SELECT count(*) FROM analysis_runs"; }
before=$(count)
run "$META" run --db "$DB options=-cdefault_transaction_read_only=on" --out "$out_dir" "$an/pain24.ini"
expect "a read-only session: the analysis runs" 0 "^1 analysis: 1 ok, 0 failed$"
expect "and meta run says it could not record" 0 \
    "meta run: warning: the runs were not recorded: the server .* takes no writes \(read-only session\); name a primary to record them on with --record-db CONNINFO or META_RECORD_DB"
[[ $(count) -eq $before ]] && ok "nothing recorded" || not_ok "a read-only session recorded"
run "$META" run --db "$DB options=-cdefault_transaction_read_only=on" --record-db "$DB" \
    --out "$out_dir" "$an/pain24.ini"
expect "--record-db: recorded there" 0 "^1 analysis: 1 ok, 0 failed$"
expect_no "without a warning" "warning"
[[ $(count) -eq $((before + 1)) ]] && ok "one run recorded on --record-db" || not_ok "--record-db"
META_RECORD_DB=$DB run "$META" run --db "$DB options=-cdefault_transaction_read_only=on" \
    --out "$out_dir" "$an/pain24.ini"
[[ $(count) -eq $((before + 2)) ]] && ok "META_RECORD_DB: recorded there" || not_ok "META_RECORD_DB"
run "$META" run --db "$DB" --record-db "host=$work/nosocket dbname=meta" --out "$out_dir" "$an/pain24.ini"
expect "--record-db unreachable: an error" 1 "meta run: error: the runs were not recorded on --record-db: .*nosocket"
run "$META" run --db "$DB" --record-db "$DB options=-cdefault_transaction_read_only=on" \
    --out "$out_dir" "$an/pain24.ini"
expect "--record-db read-only: an error naming it" 1 "not recorded on --record-db: the server .* takes no writes"
run "$META" run --db "$DB" --record-db= --out "$out_dir" "$an/pain24.ini"
expect "--record-db empty: usage error" 2 "--record-db needs a connection string"

# The reader role lists the history; its runs are not recorded.
reader="$DB options=-crole=meta_reader"
run "$META" history --db "$reader" "$an/pain24.ini"
expect "reader: history" 0 "^History of $an/pain24.ini: 4 runs"
before=$(count)
run "$META" run --db "$reader" --out "$out_dir" "$an/pain24.ini"
expect "reader: runs, but cannot record" 0 "warning: the runs were not recorded: .*permission denied for table analysis_runs"
[[ $(count) -eq $before ]] && ok "reader: nothing recorded" || not_ok "reader recorded a run"
psql "$reader" -qAt -c "INSERT INTO analysis_runs (path) VALUES ('x')" >/dev/null 2>&1 &&
    not_ok "reader inserted into analysis_runs" || ok "reader: no INSERT into analysis_runs"

# ---- estimate rows and the attributes of results ----------------------------

# Three analyses of their own: hazard ratios from estimate rows; one outcome's
# arm rows by the `subgroup` attribute of their results, and with their
# risk-of-bias judgements (`rob_overall`, an attribute of the result too).
an=$work/more
mkdir "$an"
printf '[analysis]\noutcome = survival\ntreatment = drug\ncontrol = placebo\nmeasure = HR\njson = hr.json\n' \
    >"$an/hr.ini"
printf '[analysis]\noutcome = ropain\ntreatment = drug\ncontrol = placebo\nby = subgroup\njson = sub.json\n' \
    >"$an/sub.ini"
printf '[analysis]\noutcome = ropain\ntreatment = drug\ncontrol = placebo\nrob = true\njson = rob.json\n' \
    >"$an/rob.ini"
cat >"$work/more.csv" <<'CSV'
trial,arm,treatment,control,outcome,timepoint,n,mean,sd,measure,estimate,se,year
H1,,drug,placebo,survival,,,,,HR,0.70,0.10,2010
H2,,drug,placebo,survival,,,,,HR,0.80,0.12,2012
H3,,drug,placebo,survival,,,,,HR,0.75,0.15,2015
R1,drug,drug,,ropain,,40,2.0,1.0,,,,2011
R1,placebo,placebo,,ropain,,40,2.5,1.1,,,,2011
R2,drug,drug,,ropain,,50,2.1,1.2,,,,2013
R2,placebo,placebo,,ropain,,52,2.9,1.0,,,,2013
R3,drug,drug,,ropain,,30,1.8,0.9,,,,2016
R3,placebo,placebo,,ropain,,31,2.2,1.0,,,,2016
CSV
printf 'trial,treatment,control,outcome,measure,estimate,se\nH2,drug,placebo,survival,HR,0.90,0.12\n' \
    >"$work/more_h2.csv"
load "$work/more.csv"
# Cochrane imports store these as attributes of each result, not of the arm.
psql "$DB" -qAt -c "UPDATE continuous_results r SET attributes = jsonb_build_object(
    'subgroup', CASE WHEN t.name = 'R1' THEN 'a' ELSE 'b' END, 'rob_overall', 'low')
    FROM arms a JOIN trials t USING (trial_id)
    WHERE a.arm_id = r.arm_id AND t.name IN ('R1', 'R2', 'R3')" >/dev/null
run "$META" run --db "$DB" --out "$out_dir" "$an"
expect "estimate rows and result attributes: the first run" 0 "^3 analyses: 3 ok, 0 failed$"
changed
expect "nothing changed: nothing runs" 0 "^3 analyses: 3 unchanged, 0 ok, 0 failed$"
load "$work/more_h2.csv"
changed
expect "an estimate row's value replaced: its analysis" 0 "^3 analyses: 2 unchanged, 1 ok, 0 failed$"
ran hr
expect "its change" 0 "hr.ini +HR 0\.74 \[.*\] k=3 -> HR 0\.77 \[.*\] k=3  \(data changed: new data from $work/more_h2.csv\)$"
psql "$DB" -qAt -c "UPDATE continuous_results r SET attributes = r.attributes || '{\"subgroup\": \"a\"}'
    FROM arms a JOIN trials t USING (trial_id) WHERE a.arm_id = r.arm_id AND t.name = 'R2'" >/dev/null
changed
expect "a result's subgroup changed: the analyses of its outcome" 0 "^3 analyses: 1 unchanged, 2 ok, 0 failed$"
ran rob sub
expect "the subgroup analysis sees other rows" 0 "sub.ini .*\(data changed"
psql "$DB" -qAt -c "UPDATE continuous_results r SET attributes = r.attributes || '{\"rob_overall\": \"high\"}'
    FROM arms a JOIN trials t USING (trial_id) WHERE a.arm_id = r.arm_id AND t.name = 'R3'" >/dev/null
changed
expect "a result's rob_overall changed: the analyses of its outcome" 0 "^3 analyses: 1 unchanged, 2 ok, 0 failed$"
ran rob sub
changed
expect "and then nothing" 0 "^3 analyses: 3 unchanged, 0 ok, 0 failed$"

# ---- one snapshot per run ---------------------------------------------------

# 300 analyses of 300 outcomes, more than meta run reads in one statement;
# two versions of the data differ at every outcome. Loads of the two
# versions commit, one after the other, while meta run --changed runs again
# and again: each run's records (one transaction, one ran_at) must all come
# from one version, and once the loads stop, one more run must leave every
# analysis recorded with the data it now has.
fresh_db meta_test_cli_living_snapshot
mkdir "$work/many"
gen() { # gen SHIFT: two trials x 300 outcomes
    awk -v shift="$1" 'BEGIN {
        print "trial,arm,treatment,outcome,timepoint,n,mean,sd"
        for (o = 1; o <= 300; o++) for (t = 1; t <= 2; t++) {
            printf "S%d,drug,drug,o%03d,,%d,%.2f,1.5\n", t, o, 30 + t, 3 + shift + t / 10
            printf "S%d,placebo,placebo,o%03d,,%d,%.2f,1.6\n", t, o, 31 + t, 4 + t / 10
        }
    }'
}
gen 0 >"$work/v1.csv"
gen 0.5 >"$work/v2.csv"
for o in $(seq -f %03g 1 300); do
    printf '[analysis]\noutcome = o%s\ntreatment = drug\ncontrol = placebo\njson = o%s.json\n' \
        "$o" "$o" >"$work/many/o$o.ini"
done
latest() { # the fingerprint each analysis last recorded, sorted
    psql "$DB" -qAt -c "SELECT fingerprint FROM analysis_runs WHERE run_id IN
                        (SELECT max(run_id) FROM analysis_runs GROUP BY path)" | sort
}
fp_of() { # the fingerprints of state FILE
    "$META" load --db "$DB" "$1" >/dev/null
    "$META" run --db "$DB" --out "$work/fp" "$work/many" >/dev/null
    latest
}
fp_of "$work/v1.csv" >"$work/fp1"
fp_of "$work/v2.csv" >"$work/fp2"
[[ $(sort -u "$work/fp1" "$work/fp2" | wc -l) -eq 600 ]] && ok "two states, 600 fingerprints" ||
    not_ok "the two states should differ at every analysis"
(
    for i in $(seq 1 6); do
        "$META" load --db "$DB" "$work/v1.csv" >/dev/null
        "$META" load --db "$DB" "$work/v2.csv" >/dev/null
    done
) &
loader_pid=$!
runs=0
while kill -0 "$loader_pid" 2>/dev/null && [[ $runs -lt 40 ]]; do
    "$META" run --db "$DB" --out "$work/fp" --changed "$work/many" >/dev/null 2>&1
    runs=$((runs + 1))
done
wait "$loader_pid"
loader_pid=""
psql "$DB" -qAt -F ' ' -c "SELECT ran_at, fingerprint FROM analysis_runs ORDER BY run_id" >"$work/recs"
run python3 - "$work/recs" "$work/fp1" "$work/fp2" <<'EOF'
import sys
f1 = set(open(sys.argv[2]).read().split())
f2 = set(open(sys.argv[3]).read().split())
groups = {}
for line in open(sys.argv[1]):
    at, fp = line.rsplit(" ", 1)
    groups.setdefault(at, []).append(fp.strip())
mixed = [at for at, fps in groups.items()
         if not (all(f in f1 for f in fps) or all(f in f2 for f in fps))]
whole = sum(1 for fps in groups.values() if len(fps) == 300)
print("runs %d, whole %d, mixed %d" % (len(groups), whole, len(mixed)))
EOF
expect "concurrent loads: every run saw one state" 0 "mixed 0$"
echo "  ($runs runs of meta run --changed during 12 loads: $out)"
"$META" run --db "$DB" --out "$work/fp" --changed "$work/many" >/dev/null 2>&1
latest >"$work/fp_final"
cmp -s "$work/fp_final" "$work/fp2" && ok "then every analysis is recorded with the data it has" ||
    not_ok "after the loads, some analysis keeps a run of other data"
changed_many=$("$META" run --db "$DB" --out "$work/fp" --changed "$work/many" | tail -1)
[[ $changed_many == "300 analyses: 300 unchanged, 0 ok, 0 failed" ]] && ok "and none is stale" ||
    not_ok "after the loads: $changed_many"

finish
