#!/usr/bin/env bash
# The conventions end to end (meta pool, forest, funnel, run): RevMan 5's
# stored totals of the Fleiss 1993 aspirin review under revman5; the
# Cochrane review CD015373's printed per-study weights, effects and
# intervals and its summaries (analyses 1.1, 1.4, 1.9, and 1.5 and 1.11
# with subgroups) under revman5 with DerSimonian-Laird; r-meta's defaults
# on a zero cell and a double zero; the convention named in every output;
# a forest plot with a study that is not estimable; the errors of the
# options. The numbers are checked by conventions_check.py.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/harness.sh"
data=$here/../data
check=$here/conventions_check.py
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fresh_db meta_test_conventions
main_db=$DB
run "$META" load --db "$DB" "$data/fleiss1993.csv" "$data/cd015373_ketamine.csv" \
    "$data/zero_cells.csv"
expect "load Fleiss 1993, CD015373 and the zero cells" 0

# json NAME ARGS...: meta pool --format json into $work/NAME.json
json() {
    local name=$1
    shift
    run "$META" pool --db "$DB" --format json "$@"
    printf '%s\n' "$out" >"$work/$name.json"
    expect "$name: meta pool --format json" 0
}

# checked CASE NAME [ANALYSIS]: conventions_check.py on $work/NAME.json
checked() {
    run python3 "$check" "$1" "$work/$2.json" "${@:3}"
    expect "$2: every number as RevMan or the formulas give it" 0
    grep '^FAIL' <<<"$out" | head -20
}

# ---- Fleiss 1993 under revman5: RevMan 5's stored totals --------------------

aspirin=(--outcome death --treatment aspirin --control placebo)
json fleiss "${aspirin[@]}" --convention revman5 --measure OR --method MH --model common
checked fleiss_or fleiss
json fleiss_smd --outcome "mental health outcome" --treatment "mental health treatment" \
    --control control --convention revman5 --measure SMD --model common
checked fleiss_smd fleiss_smd

run "$META" pool --db "$DB" "${aspirin[@]}" --convention revman5 --measure OR --method MH \
    --model common
expect "table names the convention" 0 \
    "^Measure: OR, odds ratio; common effect \(MH\); 95% CI \(z\); convention revman5 \(RevMan 5 and RevMan Web\)$"
expect "table: RevMan's total" 0 "^Total, common effect \(k = 7\) .* 0\.90  \[0\.84, 0\.96\]  100\.0%$"

# ---- CD015373 under revman5, DerSimonian-Laird (the default) -----------------

ket=(--treatment ketamine --control placebo --convention revman5)
json cd_1.1 --outcome "CD015373 1.1 Pain intensity (continuous), immediate-term follow-up" "${ket[@]}"
checked cd015373 cd_1.1 1.1
json cd_1.4 --outcome "CD015373 1.4 Pain intensity (continuous), short-term follow-up" "${ket[@]}" \
    --method DL
checked cd015373 cd_1.4 1.4
json cd_1.9 --outcome "CD015373 1.9 Adverse events (total)" "${ket[@]}"
checked cd015373 cd_1.9 1.9
run python3 -c 'import json, sys; d = json.load(open(sys.argv[1]))
print(d["method"], d["model"], d["tau2_ci_lower"], d["pi_lower"])' "$work/cd_1.9.json"
expect "revman5: random means DL, no tau^2 or prediction interval" 0 "^DL random None None$"
json cd_1.5 --outcome "CD015373 1.5 Pain intensity (continuous), short-term follow-up: clinical condition subgroup analysis" \
    "${ket[@]}" --by subgroup
checked cd015373 cd_1.5 1.5

# A study sits in one subgroup per analysis, but the registry keeps one
# attribute per arm: analysis 1.11 (the same studies as 1.9) loads apart.
fresh_db meta_test_conventions_1_11
run "$META" load --db "$DB" "$data/cd015373_ketamine_1.11.csv"
expect "load CD015373 1.11" 0
json cd_1.11 --outcome "CD015373 1.11 Adverse events (total): duration of administration subgroup analysis" \
    "${ket[@]}" --by subgroup
checked cd015373 cd_1.11 1.11
run python3 -c 'import json, sys; d = json.load(open(sys.argv[1]))
g = d["subgroups"][1]
print(d["k"], len(d["subgroups"]), g["k"], round(sum(s["weight"] for s in g["studies"]), 9),
      d["subgroup_test"]["df"])' "$work/cd_1.11.json"
expect "1.11: subgroups pooled on their own, their test on 1 df" 0 "^4 2 3 100.0 1$"
run "$META" pool --db "$DB" --outcome "CD015373 1.11 Adverse events (total): duration of administration subgroup analysis" \
    "${ket[@]}" --by subgroup
expect "table: each study's share of the total" 0 "^Lumanauw 2019 .* 22\.2%$"
expect "table: the subtotal's share" 0 "^Subtotal \(k = 3\) .* 68\.2%$"
expect "table: the test for subgroup differences with I^2" 0 \
    "^Test for subgroup differences: Q = [0-9.]+, df = 1, p = [0-9.]+; I\^2 = [0-9.]+%$"
DB=$main_db

# ---- A zero cell and a double zero --------------------------------------------

zero=(--outcome event --treatment drug --control placebo)
json revman5_zero "${zero[@]}" --convention revman5 --measure OR --method MH
checked revman5_zero revman5_zero
json rmeta_random "${zero[@]}" --convention r-meta
checked rmeta_random rmeta_random
json rmeta_common "${zero[@]}" --convention r-meta --model common
checked rmeta_common rmeta_common
run "$META" pool --db "$DB" "${zero[@]}" --convention revman5 --measure OR --method MH
expect "table: S3 not estimable, no weight" 0 "^S3 +0 +20 +0 +22 +not estimable +0\.0%$"
run "$META" pool --db "$DB" "${zero[@]}" --convention r-meta
expect "table: r-meta's k counts the estimable studies" 0 "^Total, random effects \(k = 4\)"
expect "table: the MH random method in words" 0 "random effects \(MH, DL tau\^2 around the MH estimate\)"
run "$META" pool --db "$DB" "${zero[@]}" --format json
expect "metafor is the default, named in the json" 0 '"convention": "metafor"'
run "$META" pool --db "$DB" "${zero[@]}"
expect_no "metafor's table is as before" "convention"

# --method MH --model random: valid under revman5 and r-meta, not metafor
run "$META" pool --db "$DB" "${zero[@]}" --convention revman5 --method MH --model random --prediction
expect "revman5: MH random with the prediction interval asked for" 0 "^Prediction interval "
run "$META" pool --db "$DB" "${zero[@]}" --method MH --model random
expect "metafor: MH random still refused" 2 "method 'MH' does not go with --model random"

# ---- Forest and funnel ---------------------------------------------------------

run "$META" forest --db "$DB" "${zero[@]}" --convention revman5 --measure OR --method MH \
    -o "$work/zero.svg"
expect "forest with a study that is not estimable" 0 "forest plot of 5 trials"
run python3 -c 'import sys, xml.etree.ElementTree as E
print("\n".join(E.parse(sys.argv[1]).getroot().itertext()))' "$work/zero.svg"
for label in "Not estimable" "Convention: revman5 (RevMan 5 and RevMan Web)" \
    "Common effect, MH, 95% CI" "0.76 [0.46, 1.27]"; do
    grep -qF -- "$label" <<<"$out" && ok "forest SVG shows '$label'" || not_ok "forest SVG lacks '$label'"
done
run "$META" forest --db "$DB" "${zero[@]}" --convention revman5 --measure OR --method MH \
    -o "$work/zero.png"
expect "forest PNG under revman5" 0
run "$META" funnel --db "$DB" "${zero[@]}" --convention revman5 --measure OR --method MH \
    -o "$work/funnel.svg"
expect "funnel leaves the study that is not estimable out" 0 "funnel plot"
grep -qF "Convention: revman5 (RevMan 5 and RevMan Web)" "$work/funnel.svg" &&
    ok "funnel SVG names its convention" || not_ok "funnel SVG does not name its convention"
run "$META" funnel --db "$DB" "${zero[@]}" --measure OR -o "$work/funnel_metafor.svg"
expect "funnel under metafor" 0 "funnel plot"
grep -qF "Convention:" "$work/funnel_metafor.svg" &&
    not_ok "funnel SVG under metafor, the default, names it" || ok "funnel SVG under metafor: no note"

# ---- An analysis file ----------------------------------------------------------

cat >"$work/aspirin.ini" <<EOF
[analysis]
outcome    = death
treatment  = aspirin
control    = placebo
measure    = OR
method     = MH
convention = revman5
json       = aspirin.json
table      = aspirin.txt
EOF
run "$META" run --db "$DB" --out "$work/out" "$work/aspirin.ini"
expect "meta run with convention = revman5" 0 "k=7 +OR 0\.90 \[0\.84, 0\.96\]"
cp "$work/out/aspirin.json" "$work/aspirin_run.json"
checked fleiss_or aspirin_run
run grep -c "convention revman5" "$work/out/aspirin.txt"
expect "the table file names the convention" 0 "^1$"
cat >"$work/prediction.ini" <<EOF
[analysis]
outcome    = event
treatment  = drug
control    = placebo
convention = revman5
prediction = true
json       = prediction.json
EOF
run "$META" run --db "$DB" --out "$work/out" "$work/prediction.ini"
expect "meta run with prediction = true" 0
run python3 -c 'import json, sys; d = json.load(open(sys.argv[1]))
print(d["convention"], d["method"], d["pi_lower"] is not None)' "$work/out/prediction.json"
expect "the file's prediction interval" 0 "^revman5 DL True$"
printf '[analysis]\noutcome = event\ntreatment = drug\ncontrol = placebo\nconvention = stata\njson = x.json\n' \
    >"$work/bad.ini"
run "$META" run --db "$DB" --out "$work/out" "$work/bad.ini"
expect "a bad convention in a file: its line" 1 \
    "bad.ini:5: unknown convention 'stata' \(use metafor, revman5 or r-meta\)"

# ---- Usage errors and help -------------------------------------------------------

run "$META" pool --db "$DB" "${zero[@]}" --convention stata
expect "unknown convention" 2 "unknown convention 'stata' \(use metafor, revman5 or r-meta\)"
run "$META" pool --db "$DB" "${zero[@]}" --convention revman5 --method PM
expect "revman5 offers DL, REML and MH" 2 \
    "method 'PM' is not offered by --convention revman5 \(random: DL, REML, MH; or --convention metafor or r-meta for PM\)"
run "$META" pool --db "$DB" "${zero[@]}" --convention revman5 --model common --prediction
expect "a prediction interval needs the random model" 2 \
    "--prediction needs the random model: a common-effect analysis has no prediction interval"
run "$META" pool --db "$DB" --outcome "mental health outcome" \
    --treatment "mental health treatment" --control control --convention r-meta --method MH
expect "MH on a continuous outcome under r-meta" 2 "is continuous: method 'MH' needs a binary outcome"
run "$META" pool --help
expect "pool --help explains the conventions" 0 "^  revman5  RevMan 5/Web"
expect "pool --help: r-meta" 0 "^  r-meta   R meta 8.x"
expect "pool --help: --prediction" 0 "^  --prediction"
finish
