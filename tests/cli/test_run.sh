#!/usr/bin/env bash
# meta run end to end: every analysis of analyses/ on the example data, with
# each output checked (PNG signature, SVG and JSON parsed, k and the sign of
# the estimate, metafor's figures where reference.json has them); the
# fixtures of run/good (a directory, subdirectories, every plot format,
# leave-one-out); every error path of analysis files (run/errors/*.ini, each
# naming the FAIL line it must give in its first line); keep-going, the
# summary and exit codes, and the failures of the run itself.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/harness.sh"
root=$(cd "$here/../.." && pwd)
analyses=$root/analyses
fixtures=$here/run
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fresh_db meta_test_run
run "$META" load --db "$DB" "$analyses"/data/*.csv
expect "load the example data" 0
run "$META" import cochrane --db "$DB" "$analyses"/data/CD015373
expect "import the example review (the real ketamine trials)" 0

# ---- analyses/ ----------------------------------------------------------

files=("$analyses"/*.ini)
n=${#files[@]}
[[ $n -ge 10 ]] && ok "analyses/ holds $n analyses" || not_ok "analyses/ holds only $n analyses"
run_out=$work/out
run "$META" run --db "$DB" --out "$run_out" "$analyses"
expect "meta run analyses/: every analysis succeeds" 0 "^$n analyses: $n ok, 0 failed$"
expect_no "meta run analyses/: no failure" "^FAIL"
for f in "${files[@]}"; do
    name=$(basename "$f")
    grep -q "^ok   $analyses/$name " <<<"$out" && ok "$name ran" || not_ok "$name has no ok line"
done

# Every output each file declares exists and is what its extension says.
for f in "${files[@]}"; do
    name=$(basename "$f")
    while IFS= read -r line; do
        kind=${line%%=*} kind=${kind// /}
        path=${line#*=} path=${path#"${path%%[! ]*}"}
        file=$run_out/$path
        if [[ ! -s $file ]]; then
            not_ok "$name: $kind output $path missing or empty"
            continue
        fi
        case $path in
        *.png) [[ $(head -c 8 "$file" | od -An -tx1 | tr -d ' \n') == 89504e470d0a1a0a ]] ;;
        *.svg) python3 -c 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])' "$file" ;;
        *.pdf) [[ $(head -c 5 "$file") == %PDF- ]] ;;
        *.json) python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$file" ;;
        *.csv) head -1 "$file" | grep -q '^type,subgroup,trial,' ;;
        *) grep -q '^Outcome: ' "$file" ;;
        esac && ok "$name: $path is a valid $kind output" || not_ok "$name: $path is not a valid $kind output"
    done < <(grep -E '^(forest|funnel|bubble|table|csv|json) *=' "$f")
done

# k, the sign of the estimate and subgroups of each analysis, from its JSON;
# metafor 3.8's figures (tests/data/reference.json) where they exist.
check_json() { # NAME K SIGN SUBGROUPS [METAFOR_ESTIMATE]
    run python3 - "$run_out/$1.json" "$2" "$3" "$4" "${5:-}" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
k, sign, groups, ref = int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), sys.argv[5]
problems = []
if d["k"] != k:
    problems.append("k %d, expected %d" % (d["k"], k))
if (d["estimate"] < 0) != (sign == "-"):
    problems.append("estimate %g has the wrong sign" % d["estimate"])
if len(d.get("subgroups", [])) != groups:
    problems.append("%d subgroups, expected %d" % (len(d.get("subgroups", [])), groups))
if ref and abs(d["estimate"] - float(ref)) > 1e-6 * abs(float(ref)):
    problems.append("estimate %.15g, metafor %s" % (d["estimate"], ref))
print("; ".join(problems) or "fine")
EOF
    expect "$1.json: k=$2, estimate $3, $4 subgroups${5:+, metafor $5}" 0 "^fine$"
}
check_json bcg 13 - 0 -0.714532342158212
check_json fibromyalgia_duloxetine 3 - 0 -0.345262001397004
check_json fibromyalgia_pain_by_class 17 - 4
check_json bcg_latitude 13 - 0 -0.714532342158212
run python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print(d["regression"]["mods"], len(d["influence"]), d["trimfill"]["k0"], "egger" in d)' "$run_out/bcg_latitude.json"
expect "bcg_latitude.json: regression on ablat, influence, trim-and-fill, the tests" 0 "^\['ablat'\] 13 1 True$"
# The real ketamine example (the Cochrane review CD015373; tests/examples
# checks every number of it), each analysis under revman5 and metafor.
for name in ketamine_pain_immediate ketamine_pain_short ketamine_adverse_events \
    ketamine_psychotomimetic ketamine_nausea; do
    for twin in "" _metafor; do
        case $name in
        ketamine_pain_immediate | ketamine_psychotomimetic | ketamine_nausea) k=3 ;;
        *) k=4 ;;
        esac
        case $name in ketamine_pain*) sign=- ;; *) sign=+ ;; esac
        check_json "$name$twin" $k $sign 0
    done
done
check_json ketamine_pain_short_by_condition 4 - 3
check_json ketamine_pain_short_by_condition_metafor 4 - 3
check_json simulated_ketamine_pain_2h_by_dose 15 - 3
check_json simulated_ketamine_hallucinations 20 + 0

# The real example names its source; the simulated one says it is simulated
# on its plots, and only what the real data cannot show is simulated.
for f in "$analyses"/ketamine_*.ini; do
    grep -Eq '^note *= Ferraro et al\. 2025, Cochrane Database Syst Rev CD015373: real trial data$' "$f" &&
        ok "$(basename "$f") cites the review" || not_ok "$(basename "$f") does not cite the review"
    grep -q SIMULATED "$f" && not_ok "$(basename "$f") (real) mentions SIMULATED" || true
done
for f in "$analyses"/simulated_*.ini; do
    grep -Eq '^(title|note) *=.*SIMULATED' "$f" && ok "$(basename "$f") says SIMULATED" ||
        not_ok "$(basename "$f") does not say the data are simulated"
done
svg=$run_out/simulated_ketamine_pain_2h_by_dose.svg
for label in "SIMULATED DATA" "SIMULATED trials" "Favours ketamine" "Favours placebo" \
    "SIM-KET-03 (simulated)" "-1.07 [-1.28, -0.86]"; do
    grep -qF -- "$label" "$svg" && ok "simulated ketamine SVG shows '$label'" ||
        not_ok "simulated ketamine SVG lacks '$label'"
done
run head -1 "$run_out/simulated_ketamine_pain_2h_by_dose.txt"
expect "the table starts with the title" 0 "^Ketamine vs placebo: pain \(0-10\) at 2 h by dose \[SIMULATED DATA\]$"
run sed -n 2p "$run_out/simulated_ketamine_pain_2h_by_dose.txt"
expect "then the note" 0 "^SIMULATED trials \(meta-simulate, seed 20241122\)"
run grep -c "SIM-KET-07 (simulated)" "$run_out/simulated_ketamine_hallucinations.txt"
expect "hallucinations keep the double-zero trial in the table" 0 "^1$"

# The demo's living-review step: the one more (simulated) trial of
# analyses/living/ is selected by exactly one analysis of analyses/, which
# meta run --changed re-runs; the others are found current.
run "$META" load --db "$DB" "$analyses"/living/*.csv
expect "load the living-review trial" 0 "2 rows \(2 new"
run "$META" run --db "$DB" --out "$work/living" --changed "$analyses"
expect "the new trial re-runs exactly one analysis" 0 "^$n analyses: $((n - 1)) unchanged, 1 ok, 0 failed$"
expect "the analysis of its dose, from 15 trials to 16" 0 \
    "^ok   $analyses/simulated_ketamine_pain_2h_by_dose.ini +MD .* k=15 -> MD .* k=16 "

# Running again overwrites the outputs and gives the same JSON.
cp "$run_out/bcg.json" "$work/bcg-first.json"
run "$META" run --db "$DB" --out "$out" "$analyses/bcg.ini"
expect "running again succeeds" 0 "^1 analysis: 1 ok, 0 failed$"
run cmp "$run_out/bcg.json" "$work/bcg-first.json"
expect "running again gives the same JSON" 0

# META_DB is the database when --db is not given.
META_DB=$DB run "$META" run --out "$work/envdb" "$analyses/fibromyalgia_duloxetine.ini"
expect "META_DB names the database" 0 "fibromyalgia_duloxetine.ini +k=3 +SMD -0.35"

# ---- the fixtures of run/good ---------------------------------------------

good=$work/good
run "$META" run --db "$DB" --out "$good" "$fixtures/good"
expect "a directory runs its *.ini files" 0 "^2 analyses: 2 ok, 0 failed$"
expect_no "hidden files and other extensions are skipped" "hidden|notes"
[[ $(grep -c '^ok ' <<<"$out") -eq 2 && $(grep '^ok ' <<<"$out" | head -1) == *a_bcg_mh.ini* ]] &&
    ok "directory entries run in name order" || not_ok "directory order"
expect "the ok line gives k and the back-transformed RR" 0 "a_bcg_mh.ini +k=13 +RR 0.64 \[0.59, 0.69\]"
for path in plots/bcg_mh.svg plots/bcg_mh.pdf plots/funnel/bcg_mh.png tables/bcg_mh.txt \
    tables/bcg_mh.csv duloxetine_sensitivity.txt duloxetine_sensitivity.json; do
    [[ -s $good/$path ]] && ok "fixture output $path" || not_ok "fixture output $path missing"
done
grep -q "$good/plots/funnel/bcg_mh.png" <<<"$out" && ok "paths are shown cleaned" || not_ok "cleaned path"
for label in "BCG fixture under MH" "Favours BCG" "Favours control" "Common effect, MH, 95% CI"; do
    grep -qF -- "$label" "$good/plots/bcg_mh.svg" && ok "fixture SVG shows '$label'" ||
        not_ok "fixture SVG lacks '$label'"
done
run cat "$good/duloxetine_sensitivity.txt"
expect "table: note first" 0 "^fixture note line"
expect "table: leave-one-out" 0 "^Leave-one-out: each trial omitted in turn"
expect "table: cumulative" 0 "^Cumulative: trials added by year"
expect "table: 90% HKSJ" 0 "90% CI"
run python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(d["level"], d["ci"], len(d["leave_one_out"]), len(d["cumulative"]))' "$good/duloxetine_sensitivity.json"
expect "JSON: level, ci, leave-one-out and cumulative" 0 "^90 hksj 3 3$"

# A file named twice (directly and through its directory) runs once.
run "$META" run --db "$DB" --out "$work/twice" "$fixtures/good/a_bcg_mh.ini" "$fixtures/good"
expect "a file named twice runs once" 0 "^2 analyses: 2 ok, 0 failed$"

# Windows line endings and a byte order mark are fine.
printf '\xef\xbb\xbf[analysis]\r\noutcome = bcg\r\ntreatment = bcg-treated\r\ncontrol = bcg-control\r\njson = crlf.json\r\n' \
    >"$work/crlf.ini"
run "$META" run --db "$DB" --out "$work/crlf" "$work/crlf.ini"
expect "CRLF and BOM" 0 "k=13 +RR 0.49"

# ---- error paths of analysis files ----------------------------------------

errors=$fixtures/errors
count=$(ls "$errors"/*.ini | wc -l)
run "$META" run --db "$DB" --out "$work/errors" "$errors"
expect "every error fixture fails, exit 1" 1 "^$count analyses: 0 ok, $count failed$"
expect "the summary error on stderr" 1 "meta run: error: $count of $count analyses failed"
all=$out
for f in "$errors"/*.ini; do
    want=$(head -1 "$f")
    want=${want#'; expect: '}
    want=${want//\{dir\}/$errors}
    if grep -qF -- "FAIL $f$want" <<<"$all"; then
        ok "$(basename "$f" .ini): FAIL $want"
    else
        out=$all
        not_ok "$(basename "$f" .ini): expected 'FAIL $f$want'"
    fi
done
[[ -z $(find "$work/errors" -type f) ]] && ok "failing analyses write nothing" ||
    not_ok "failing analyses wrote files"

# Errors that fixtures cannot hold: a very long line, a NUL byte, a missing
# file, an empty directory.
{ printf '[analysis]\ntitle = '; head -c 300 /dev/zero | tr '\0' x; printf '\n'; } >"$work/long.ini"
run "$META" run --db "$DB" --out "$work/e" "$work/long.ini"
expect "a line longer than inih's buffer" 1 "^FAIL $work/long.ini:2: the line is longer than 197 characters$"
printf '[analysis]\noutcome = a\0b\n' >"$work/nul.ini"
run "$META" run --db "$DB" --out "$work/e" "$work/nul.ini"
expect "a NUL byte" 1 "^FAIL $work/nul.ini:2: the line holds a NUL byte"
run "$META" run --db "$DB" --out "$work/e" "$work/nosuch.ini"
expect "a missing file" 1 "^FAIL $work/nosuch.ini: cannot read: No such file or directory$"
if [[ $(id -u) -ne 0 ]]; then
    cp "$fixtures/good/a_bcg_mh.ini" "$work/locked.ini"
    chmod 000 "$work/locked.ini"
    run "$META" run --db "$DB" --out "$work/e" "$work/locked.ini"
    expect "an unreadable file" 1 "^FAIL $work/locked.ini: cannot read: Permission denied$"
fi
mkdir "$work/empty"
run "$META" run --db "$DB" --out "$work/e" "$work/empty"
expect "a directory without analyses" 1 "^FAIL $work/empty: no \*.ini analysis files"

# ---- keep going, summary, exit codes --------------------------------------

run "$META" run --db "$DB" --out "$work/mixed" "$errors/bad_measure.ini" \
    "$fixtures/good/b_duloxetine_sensitivity.ini" "$errors/data_unknown_outcome.ini"
expect "keeps going past failures: exit 1" 1 "^3 analyses: 1 ok, 2 failed$"
expect "the good one in the middle ran" 1 "^ok   $fixtures/good/b_duloxetine_sensitivity.ini"
expect "the last one was tried" 1 "^FAIL $errors/data_unknown_outcome.ini: unknown outcome"
[[ -s $work/mixed/duloxetine_sensitivity.json ]] && ok "the good one's output is written" ||
    not_ok "the good one's output is missing"

# The database cannot be reached: every analysis fails, the reason once.
run "$META" run --db "host=$work/nosocket dbname=meta" --out "$work/nodb" "$fixtures/good"
expect "no database: exit 1" 1 "^2 analyses: 0 ok, 2 failed$"
expect "no database: the first failure says why" 1 "^FAIL $fixtures/good/a_bcg_mh.ini: .*$work/nosocket"
expect "no database: the next ones refer to it" 1 \
    "^FAIL $fixtures/good/b_duloxetine_sensitivity.ini: no registry database \(see the first failure\)$"

# gnuplot is missing or an output cannot be written: that analysis fails.
META_GNUPLOT=$work/no-gnuplot run "$META" run --db "$DB" --out "$work/nognuplot" "$analyses/bcg.ini"
expect "gnuplot missing" 1 "^FAIL $analyses/bcg.ini: .*gnuplot"
mkdir -p "$work/blocked" && : >"$work/blocked/plots"
run "$META" run --db "$DB" --out "$work/blocked" "$fixtures/good/a_bcg_mh.ini"
expect "an output directory that is a file" 1 "^FAIL $fixtures/good/a_bcg_mh.ini: '$work/blocked/plots' is not a directory"

# The output directory itself.
: >"$work/a-file"
run "$META" run --db "$DB" --out "$work/a-file" "$analyses/bcg.ini"
expect "--out names a file: exit 1" 1 "meta run: error: output directory: cannot create directory"
run "$META" run --db "$DB" --out "$work/deep/er/out" "$analyses/bcg.ini"
expect "--out is created with its parents" 0 "-> $work/deep/er/out/bcg.png"
mkdir "$work/cwd"
(cd "$work/cwd" && "$META" run --db "$DB" "$analyses/bcg.ini" >/dev/null 2>&1)
[[ -s $work/cwd/out/bcg.png ]] && ok "the default output directory is out/" || not_ok "default out/"

# Usage errors exit 2.
run "$META" run
expect "no analysis: usage error" 2 "no analysis given"
run "$META" run --bogus "$analyses"
expect "unknown option: usage error" 2 "unknown option '--bogus'"
run "$META" run "$analyses" --out
expect "--out without a value: usage error" 2 "option '--out' needs a value"
run "$META" run --out= "$analyses"
expect "an empty --out: usage error" 2 "--out needs a directory"
run "$META" run --help
expect "--help" 0 "usage: meta run"
run "$META" help run
expect "meta help run" 0 "forest = FILE.png"
finish
