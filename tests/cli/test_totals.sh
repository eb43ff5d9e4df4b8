#!/usr/bin/env bash
# Subgroup totals only (--totals subgroups, analysis key totals) end to end:
# a RevMan 5 file with TOTALS="SUB" and Cochrane packages with "Overall
# estimates" false or without settings imported and checked (--check), their
# analysis files run; meta pool's table, CSV and JSON (weights within each
# subgroup, as the package prints them; no overall total), the forest plot
# without an overall diamond, the default unchanged, runs recorded, compared
# by --changed and listed by meta history as subgroup totals only, and the
# errors. The packages' numbers come from
# tests/importer/subgroup_totals_packages.R.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/harness.sh"
data=$here/../data
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fresh_db meta_test_totals

# ---- the importers and --check ------------------------------------------------

run "$META" import revman --db "$DB" "$data/revman/Fleiss1993_subgroup_totals.rm5" --prefix RMSUB \
    --check --analyses "$work/rm5"
expect "revman: TOTALS=SUB checked against the stored subgroup totals" 0 \
    "^agree +1\.1 +k=7 +52 of 52 numbers agree"
expect_no "revman: nothing disagrees" "^disagree"
run grep -c "^totals     = subgroups$" "$work/rm5/1.1.ini"
expect "revman: the analysis file says totals = subgroups" 0 "^1$"

pkg=constructed_subgroup_totals
run "$META" import cochrane --db "$DB" "$data/cochrane/$pkg" --check --analyses "$work/pkg"
expect "cochrane: Overall estimates false, checked" 0 "^agree +1\.1 +k=6 +50 of 50 numbers agree"
run grep -c "^totals     = subgroups$" "$work/pkg/1.1.ini"
expect "cochrane: the analysis file says totals = subgroups" 0 "^1$"

run "$META" import cochrane --db "$DB" "$data/cochrane/${pkg}_rows" --check --analyses "$work/rows"
expect "cochrane, data rows alone: checked" 0 "^agree +1\.1 +k=6 +24 of 24 numbers agree"
run cat "$work/rows/1.1.ini"
expect "data rows alone: subgroup totals only inferred, and said" 0 \
    "^; Note: the package does not say which totals RevMan shows: subgroup totals only, because each$"
expect "data rows alone: the analysis file says totals = subgroups" 0 "^totals     = subgroups$"

run "$META" run --db "$DB" --out "$work/out" "$work/rm5"
expect "meta run on the written analysis files" 0 \
    "^ok .*1\.1\.ini +k=7 +OR subgroup totals only +2 subgroups"
for f in out/1.1.json out/1.1.txt out/1.1.png; do
    [[ -s $work/$f ]] && ok "meta run wrote $f" || not_ok "meta run did not write $f"
done

# ---- meta pool ----------------------------------------------------------------

sel=(--db "$DB" --outcome "$pkg 1.1 Pain score at 4 weeks" --treatment "Drug A" --control Placebo
    --by subgroup)
run "$META" pool "${sel[@]}" --convention revman5 --totals subgroups
expect "table: a trial's weight within its subgroup" 0 "^Abel 2001 .* 33\.0%$"
expect "table: each subtotal 100%" 0 "^Subtotal \(k = 3\) .*-1\.96 +\[-9\.24, +5\.31\] +100\.0%$"
expect "table: says there is no overall total" 0 \
    "^Subgroup totals only: no overall total; each trial's weight is within its subgroup$"
expect "table: the test for subgroup differences" 0 \
    "^Test for subgroup differences: Q = 0\.31, df = 1, p = 0\.5758; I\^2 = 0\.0%$"
expect_no "table: no overall row" "^Overall|^Heterogeneity|^Test for overall"

# json CONVENTION: each trial's weight against the package's printed Weight,
# the overall fields null, the subgroups' totals as printed
json_check() {
    run "$META" pool "${sel[@]}" --convention "$1" --method DL --totals subgroups --format json
    printf '%s\n' "$out" >"$work/$1.json"
    expect "json ($1)" 0
    run python3 - "$work/$1.json" "$data/cochrane/$pkg/$pkg-data-rows.csv" <<'PY'
import csv, json, sys
d = json.load(open(sys.argv[1]))
rows = {r["Study"]: float(r["Weight"]) for r in csv.DictReader(open(sys.argv[2], encoding="utf-8-sig"))}
bad = []
if d.get("totals") != "subgroups":
    bad.append("totals: %r" % d.get("totals"))
for key in ("estimate", "se", "ci_lower", "ci_upper", "p", "tau2", "I2", "Q", "Q_df", "exp"):
    if d[key] is not None:
        bad.append("overall %s is %r, not null" % (key, d[key]))
if d["k"] != 6:
    bad.append("k %r" % d["k"])
for s in d["studies"]:
    if abs(s["weight"] - rows[s["trial"]]) > 5e-7:
        bad.append("%s: weight %r, printed %r" % (s["trial"], s["weight"], rows[s["trial"]]))
for g in d["subgroups"]:
    total = sum(s["weight"] for s in g["studies"])
    if abs(total - 100) > 1e-9:
        bad.append("subgroup %s: weights sum to %r" % (g["value"], total))
    for s in g["studies"]:
        if abs(s["weight"] - rows[s["trial"]]) > 5e-7:
            bad.append("%s in %s: weight %r" % (s["trial"], g["value"], s["weight"]))
adults = [g for g in d["subgroups"] if g["value"] == "Adults"][0]
if abs(adults["estimate"] - -1.962628) > 5e-7 or abs(adults["tau2"] - 33.501066) > 5e-7:
    bad.append("Adults: %r, tau2 %r" % (adults["estimate"], adults["tau2"]))
if abs(d["subgroup_test"]["Q"] - 0.313004) > 5e-7:
    bad.append("test Q %r" % d["subgroup_test"]["Q"])
print("\n".join(bad) if bad else "every number as printed")
sys.exit(1 if bad else 0)
PY
    expect "json ($1): weights within each subgroup as RevMan printed them" 0 \
        "^every number as printed$"
}
json_check revman5
json_check metafor # inverse-variance weights with each subgroup's DL tau^2: the same

run "$META" pool "${sel[@]}" --convention revman5 --totals subgroups --format csv
expect "csv: no overall pooled row" 0
expect_no "csv: no overall pooled row" "^pooled,"
run python3 -c '
import csv, io, sys
rows = list(csv.DictReader(io.StringIO(sys.stdin.read())))
print(sorted({r["type"] for r in rows}))
print(round(sum(float(r["weight"]) for r in rows if r["type"] == "study"), 9))' <<<"$out"
expect "csv: studies, subgroups and the test; study weights within subgroups" 0 \
    "^\['study', 'subgroup_pooled', 'subgroup_study', 'subgroup_test'\]
200\.0$"

run "$META" pool "${sel[@]}" --convention revman5 --format json
printf '%s\n' "$out" >"$work/both.json"
run python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print("totals" in d, round(d["estimate"], 6), round(sum(s["weight"] for s in d["studies"]), 9))' \
    "$work/both.json"
expect "default (both totals): the overall total and its weights, no totals key" 0 \
    "^False -3\.559572 100\.0$"

# ---- plots --------------------------------------------------------------------

run "$META" forest "${sel[@]}" --convention revman5 --totals subgroups -o "$work/totals.png"
expect "forest plot with subgroup totals only" 0 "totals.png: forest plot of 6 trials"
run head -c 8 "$work/totals.png"
expect "PNG signature" 0 $'^\x89PNG'
[[ $(stat -c %s "$work/totals.png") -gt 20000 ]] && ok "PNG has a real size" || not_ok "PNG size"
run "$META" forest "${sel[@]}" --convention revman5 --totals subgroups -o "$work/totals.svg"
run python3 -c '
import sys, xml.etree.ElementTree as ET
print("\n".join(ET.parse(sys.argv[1]).getroot().itertext()))' "$work/totals.svg"
expect "SVG: weights within subgroups, subtotals of 100%" 0 "^100\.0%$"
expect "SVG: says why there is no overall diamond" 0 \
    "^Subgroup totals only: no overall total; weights are within each subgroup$"
expect "SVG: the test for subgroup differences" 0 "Test for subgroup differences"
expect_no "SVG: no overall total" "^Total \(95% CI\)$"

run "$META" funnel "${sel[@]}" --totals subgroups -o "$work/funnel.png"
expect "funnel: no overall estimate to centre on" 2 "--totals subgroups leaves no overall estimate"

# ---- recorded runs: meta run --changed and meta history -----------------------
# A run of subgroup totals only has no overall total: it is recorded, listed
# and compared as such, never as "not estimable", never as a conclusion flip.

living=$here/living
"$META" load --db "$DB" "$living/base.csv" >/dev/null || not_ok "cannot load base.csv"
mkdir "$work/living"
ini=$work/living/nausea_by_dose.ini
write_ini() {
    printf '[analysis]\noutcome   = nausea\ntreatment = drug\ncontrol   = placebo\n' >"$ini"
    printf 'measure   = OR\nby        = dose\n%sjson      = nausea_by_dose.json\n' "$1" >>"$ini"
}
runs=(--db "$DB" --out "$work/living_out")
write_ini $'totals    = subgroups\n'
run "$META" run "${runs[@]}" "$work/living"
expect "first run of subgroup totals only" 0 "^ok .*nausea_by_dose\.ini +k=5 +OR subgroup totals only +2 subgroups"
expect_no "first run: recorded without a word" "warning"

"$META" load --db "$DB" "$living/new_trial.csv" >/dev/null || not_ok "cannot load new_trial.csv"
run "$META" run "${runs[@]}" --changed "$work/living"
expect "--changed: subgroup totals only, before and after" 0 \
    "^ok   $ini +OR subgroup totals only k=5 \(2 subgroups\) -> OR subgroup totals only k=6 \(2 subgroups\)  \(data changed: new data from $living/new_trial.csv\)$"
expect_no "--changed: not 'not estimable'" "not estimable"
expect_no "--changed: no conclusion flip" "conclusion flips"

write_ini ""
run "$META" run "${runs[@]}" --changed "$work/living"
expect "--changed: from subgroup totals only to an overall total" 0 \
    "^ok   $ini +OR subgroup totals only k=6 \(2 subgroups\) -> OR [0-9.]+ \[[0-9.]+, [0-9.]+\] k=6  \(file changed\)$"
expect_no "--changed: no conclusion flip from subgroup totals only" "conclusion flips"
write_ini $'totals    = subgroups\n'
run "$META" run "${runs[@]}" --changed "$work/living"
expect "--changed: from an overall total to subgroup totals only" 0 \
    "^ok   $ini +OR [0-9.]+ \[[0-9.]+, [0-9.]+\] k=6 -> OR subgroup totals only k=6 \(2 subgroups\)  \(file changed\)$"
expect_no "--changed: no conclusion flip to subgroup totals only" "conclusion flips"

run "$META" history --db "$DB" "$ini"
expect "history table: four runs" 0 "^History of $ini: 4 runs, oldest first$"
expect "history table: the first, subgroup totals only, the load it read" 0 \
    "^ +[0-9]+  20[0-9-]+ [0-9:]+ +5  OR subgroup totals only \(2 subgroups\) +- +- +- +- +$living/base\.csv$"
expect "history table: the second, the new load" 0 \
    "^ +[0-9]+  20[0-9-]+ [0-9:]+ +6  OR subgroup totals only \(2 subgroups\) +- +- +- +- +$living/new_trial\.csv$"
expect "history table: the overall total between" 0 \
    "^ +[0-9]+  20[0-9-]+ [0-9:]+ +6  OR [0-9.]+ \[[0-9.]+, [0-9.]+\] .* (above|includes) 1 +- *$"
expect_no "history table: not 'not estimable'" "not estimable"
run "$META" history --db "$DB" "$ini" --format csv
printf '%s\n' "$out" >"$work/history.csv"
run python3 -c '
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
print([r["subgroup_totals"] for r in rows], [r["conclusion"] for r in rows],
      [r["k"] for r in rows], list(rows[0])[-1])' "$work/history.csv"
expect "history csv: the last column subgroup_totals, empty for the overall total" 0 \
    "^\['2', '2', '', '2'\] \['none', 'none', '(above|includes)', 'none'\] \['5', '6', '6', '6'\] subgroup_totals$"
"$META" history --db "$DB" "$ini" --format json >"$work/history.json"
run python3 -c '
import json, sys
runs = json.load(open(sys.argv[1]))["runs"]
print([r["subgroup_totals"] for r in runs], [r["estimate"] is None for r in runs],
      [r["exp"] is None for r in runs], [r["options"].get("totals") for r in runs])' \
    "$work/history.json"
expect "history json: subgroup_totals, null with an overall total" 0 \
    "^\[2, 2, None, 2\] \[True, True, False, True\] \[True, True, False, True\] \['subgroups', 'subgroups', None, 'subgroups'\]$"

# ---- errors -------------------------------------------------------------------

run "$META" pool "${sel[@]}" --totals none
expect "--totals none is refused" 2 "--totals 'none' \(study rows without any total\) is not offered"
run "$META" pool "${sel[@]}" --totals overall
expect "--totals with an unknown value" 2 "unknown --totals 'overall'"
run "$META" pool --db "$DB" --outcome "$pkg 1.1 Pain score at 4 weeks" --treatment "Drug A" \
    --control Placebo --totals subgroups
expect "--totals subgroups without --by" 2 "--totals subgroups needs subgroups: add --by ATTR"
run "$META" pool "${sel[@]}" --totals subgroups --leave-one-out
expect "--totals subgroups with --leave-one-out" 2 \
    "--leave-one-out analyses the overall total, which --totals subgroups does not compute"
run "$META" pool "${sel[@]}" --totals subgroups --bias
expect "--totals subgroups with --bias" 2 "--bias analyses the overall total"
printf '[analysis]\noutcome = %s\ntreatment = Drug A\ncontrol = Placebo\ntotals = subgroups\njson = x.json\n' \
    "$pkg 1.1 Pain score at 4 weeks" >"$work/bad.ini"
run "$META" run --db "$DB" --out "$work/out" "$work/bad.ini"
expect "analysis file: totals = subgroups without by" 1 "totals subgroups needs subgroups: add by ATTR"

finish
