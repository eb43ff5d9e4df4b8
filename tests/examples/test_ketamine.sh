#!/usr/bin/env bash
# The real ketamine example end to end: analyses/data/CD015373 imported with
# meta import cochrane, every analyses/ketamine_*.ini run; the review's three
# published results to their printed digits, every pooled number, weight
# and subgroup against metafor to 1e-6 (ketamine_expected.json, from
# ketamine_reference.R), every per-study effect, interval and weight of the
# revman5 analyses as RevMan printed them in the data rows; DerSimonian-Laird
# and not REML as the estimator that reproduces them; --by rob_d1 and
# --by rob_overall; the forest plots' risk-of-bias marks on their trials.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../cli/harness.sh"
root=$(cd "$here/../.." && pwd)
analyses=$root/analyses
package=$analyses/data/CD015373
rows_csv=$package/CD015373_pub2-data-rows.csv
expected=$here/ketamine_expected.json
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fresh_db meta_test_examples
run "$META" import cochrane --db "$DB" "$package"
expect "the demo's package imports" 0 "^data rows: 176 \(97 dichotomous, 79 continuous\): 176 stored, 0 skipped$"

files=("$analyses"/ketamine_*.ini)
n=${#files[@]}
[[ $n -eq 12 ]] && ok "six analyses, each under revman5 and metafor" || not_ok "analyses/ketamine_*.ini: $n files"
out_dir=$work/out
run "$META" run --db "$DB" --out "$out_dir" "${files[@]}"
expect "every ketamine analysis runs" 0 "^$n analyses: $n ok, 0 failed$"
run_out=$out

# ---- the review's published results, to the digits it prints -------------------

published() { # FILE PATTERN
    grep -Eq "^ok   .*/$1 +$2 " <<<"$run_out" && ok "$1: $2" || { out=$run_out; not_ok "$1: $2"; }
}
published ketamine_pain_immediate.ini 'k=3 +MD -15\.79 \[-32\.09, 0\.51\]'
published ketamine_pain_short.ini 'k=4 +MD -5\.32 \[-15\.51, 4\.87\]'
published ketamine_adverse_events.ini 'k=4 +RR 3\.26 \[1\.05, 10\.09\]'
published ketamine_pain_short_by_condition.ini 'k=4 +MD -5\.32 \[-15\.51, 4\.87\] +3 subgroups'
run cat "$out_dir/ketamine_pain_immediate.txt"
expect "the table's total" 0 "^Total, random effects \(k = 3\) .* -15\.79  \[-32\.09,   0\.51\]  100\.0%$"
expect "the table names the review" 0 "^Ferraro et al\. 2025, Cochrane Database Syst Rev CD015373: real trial data$"
run cat "$out_dir/ketamine_adverse_events.txt"
expect "the table's total (RR)" 0 "^Total, random effects \(k = 4\) .* 3\.26  \[1\.05,  10\.09\]  100\.0%$"

# ---- every pooled number against metafor, to 1e-6 -----------------------------

for f in "${files[@]}"; do
    name=$(basename "$f" .ini)
    run python3 "$here/ketamine_check.py" "$expected" "$name" "$out_dir/$name.json"
    expect "$name: as metafor computes it" 0 "^fine$"
done

# ---- every per-study number as RevMan printed it ------------------------------

run python3 "$root/tests/cli/import_check.py" "$rows_csv" "$out_dir" 1.1=ketamine_pain_immediate.json \
    1.4=ketamine_pain_short.json 1.5=ketamine_pain_short_by_condition.json \
    1.9=ketamine_adverse_events.json 1.12=ketamine_psychotomimetic.json 1.15=ketamine_nausea.json
expect "every study's effect, interval and weight as RevMan printed them" 0 \
    "^6 analyses checked, 80 numbers, 0 failed$"

# DerSimonian-Laird reproduces RevMan's weights; REML (RevMan Web's other
# estimator) does not, where tau^2 > 0.
o11="CD015373 1.1 Pain intensity (continuous), immediate-term follow-up"
run "$META" pool --db "$DB" --outcome "$o11" --treatment experimental --control control \
    --convention revman5 --method REML --format json
printf '%s\n' "$out" >"$out_dir/reml.json"
run python3 "$root/tests/cli/import_check.py" "$rows_csv" "$out_dir" 1.1=reml.json
expect "REML does not give RevMan's weights" 1 "^FAIL: 1\.1: Lumanauw 2019 Weight: RevMan 34\.134428"

# ---- risk of bias as a sensitivity analysis -----------------------------------

o19="CD015373 1.9 Adverse events (total)"
for conv in revman5 metafor; do
    suffix=${conv/revman5/}
    suffix=${suffix:+_$suffix}
    method=DL
    [[ $conv == metafor ]] && method=REML
    run "$META" pool --db "$DB" --outcome "$o19" --treatment experimental --control control \
        --measure RR --method $method --convention $conv --by rob_d1 --format json
    printf '%s\n' "$out" >"$work/rob_d1$suffix.json"
    run python3 "$here/ketamine_check.py" "$expected" "adverse_events_by_rob$suffix" "$work/rob_d1$suffix.json"
    expect "pool --by rob_d1 ($conv): low and some concerns as metafor" 0 "^fine$"
done
run "$META" pool --db "$DB" --outcome "$o19" --treatment experimental --control control --by rob_overall
expect "--by rob_overall where no result is judged overall" 1 \
    "no treatment arm has the attribute 'rob_overall' to form subgroups by \(the treatment arms have: rob_d1, year\)"

# The same package with the overall judgement filled in (the randomisation
# domain's), as newer exports carry it.
mkdir -p "$work/judged"
python3 - "$rows_csv" "$work/judged/KETROB-data-rows.csv" <<'PY'
import csv, sys
with open(sys.argv[1], encoding="utf-8-sig", newline="") as f:
    r = csv.DictReader(f)
    fields, rows = r.fieldnames, list(r)
for row in rows:
    row["Overall bias (judgement)"] = row["Bias arising from the randomization process (judgement)"]
with open(sys.argv[2], "w", encoding="utf-8-sig", newline="") as f:
    w = csv.DictWriter(f, fields)
    w.writeheader()
    w.writerows(rows)
PY
run "$META" import cochrane --db "$DB" --prefix KETROB "$work/judged/KETROB-data-rows.csv"
expect "a package with overall judgements" 0
run "$META" pool --db "$DB" --outcome "KETROB 1.9 Adverse events (total)" --treatment experimental \
    --control control --measure RR --method DL --convention revman5 --by rob_overall --format json
printf '%s\n' "$out" >"$work/rob_overall.json"
run python3 "$here/ketamine_check.py" "$expected" adverse_events_by_rob "$work/rob_overall.json"
expect "pool --by rob_overall: the sensitivity analysis by risk of bias" 0 "^fine$"

# ---- forest plots with risk of bias ---------------------------------------------

declare -A analysis_of=([ketamine_pain_immediate]=1.1 [ketamine_pain_short]=1.4
    [ketamine_pain_short_by_condition]=1.5 [ketamine_adverse_events]=1.9
    [ketamine_psychotomimetic]=1.12 [ketamine_nausea]=1.15)
for f in "${files[@]}"; do
    name=$(basename "$f" .ini)
    a=${analysis_of[${name%_metafor}]}
    [[ $(head -c 8 "$out_dir/$name.png" | od -An -tx1 | tr -d ' \n') == 89504e470d0a1a0a ]] &&
        ok "$name.png is a PNG" || not_ok "$name.png is not a PNG"
    run python3 "$here/rob_svg_check.py" "$out_dir/$name.svg" "$rows_csv" "$a"
    expect "$name.svg: each trial's RoB marks on its row (analysis $a)" 0 "^fine$"
done
run grep -c "Favours ketamine\|Favours placebo" "$out_dir/ketamine_adverse_events.svg"
expect "the favours labels" 0 "^2$"

o112="CD015373 1.12 Psychotomimetic effects"
run "$META" forest --db "$DB" --outcome "$o112" --treatment experimental --control control \
    --measure RR --convention revman5 --method DL --rob -o "$work/forest_rob.svg"
expect "meta forest --rob" 0
run python3 "$here/rob_svg_check.py" "$work/forest_rob.svg" "$rows_csv" 1.12
expect "meta forest --rob: the marks on their trials, the not estimable one too" 0 "^fine$"
run "$META" forest --db "$DB" --outcome "$o112" --treatment experimental --control control \
    --measure RR --convention revman5 --method DL -o "$work/forest.svg"
run grep -c "Risk of Bias" "$work/forest.svg"
expect "without --rob, no risk-of-bias columns" 1 "^0$"
run "$META" forest --help
expect "forest --help names --rob" 0 "^  --rob  "

# Judgements given as arm attributes of meta load's CSV (the result's own
# value first, else the arm's: here the treatment arm's) reach the plot too.
cat >"$work/arm_rob.csv" <<'CSV'
trial,arm,treatment,outcome,timepoint,n,mean,sd,events,total,rob_d1,rob_overall
A 2001,drug,drug,pain_rob,,20,3.1,1.2,,,low,low
A 2001,placebo,placebo,pain_rob,,20,4.0,1.3,,,,
B 2002,drug,drug,pain_rob,,25,3.5,1.1,,,high,some concerns
B 2002,placebo,placebo,pain_rob,,24,3.9,1.0,,,,
C 2003,drug,drug,pain_rob,,30,3.0,1.4,,,,
C 2003,placebo,placebo,pain_rob,,31,4.1,1.5,,,,
CSV
run "$META" load --db "$DB" "$work/arm_rob.csv"
expect "arm attributes rob_d1 and rob_overall load" 0
run "$META" forest --db "$DB" --outcome pain_rob --treatment drug --control placebo --rob \
    -o "$work/arm_rob.svg"
expect "meta forest --rob on arm attributes" 0
run python3 - "$work/arm_rob.svg" <<'PY'
import re, sys
texts = re.findall(r'<g transform="translate\(([\d.]+),([\d.]+)\)"[^>]*>\s*<text>([^<]*)</text>',
                   open(sys.argv[1], encoding="utf-8").read())
col = {t: float(x) for x, y, t in texts if t in ("D1", "Overall")}
row = {t: float(y) for x, y, t in texts if t in ("A 2001", "B 2002", "C 2003")}
marks = sorted((t, c, r) for x, y, t in texts if t in "+?\u2212" and len(t) == 1
               for c in col for r in row
               if abs(float(x) - col[c]) < 0.5 and abs(float(y) - row[r]) < 0.5)
print(marks)
PY
expect "each trial's marks from its arm attributes, on its row" 0 \
    "^\[\('\+', 'D1', 'A 2001'\), \('\+', 'Overall', 'A 2001'\), \('\?', 'Overall', 'B 2002'\), \('−', 'D1', 'B 2002'\)\]$"

# The files meta import --analyses writes draw the columns by themselves.
run "$META" import cochrane --db "$DB" "$package" --analyses "$work/review"
expect "import --analyses" 0
grep -q '^rob *= *true$' "$work/review/1.12.ini" && ok "imported analysis files set rob" ||
    not_ok "imported analysis files set rob"
sed -i 's/^forest *= *1.12.png$/forest     = 1.12.svg/' "$work/review/1.12.ini"
run "$META" run --db "$DB" --out "$work/review-out" "$work/review/1.12.ini"
expect "the imported 1.12 runs" 0
run python3 "$here/rob_svg_check.py" "$work/review-out/1.12.svg" "$rows_csv" 1.12
expect "the imported analysis's forest plot shows its RoB marks" 0 "^fine$"

finish
