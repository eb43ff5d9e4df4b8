#!/usr/bin/env bash
# Study-level estimates end to end (INTERFACE.md 1b): estimate rows loaded
# beside arm rows and pooled by meta pool, forest, funnel and run. The BCG
# trials half as arms, half as estimate rows computed from them (to full
# precision: the same numbers as the all-arms analysis; as a publication
# prints "RR (95% CI)": metafor's numbers on those rows), some the other way
# round; 65 head and neck cancer trials as hazard ratios (Pignon 2000), with
# subgroups by an attribute of the estimate rows; the trials left out and
# why; the source of each study in JSON, CSV and the table; the errors of
# options that do not fit. The numbers are checked by estimates_check.py
# against estimates_expected.json (estimates_reference.R, metafor 3.8).
here=$(cd "$(dirname "$0")" && pwd)
source "$here/harness.sh"
data=$here/../data
check=$here/estimates_check.py
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fresh_db meta_test_estimates
run "$META" load --db "$DB" "$data/bcg.csv" "$data/bcg_estimates.csv" "$data/pignon2000_hr.csv"
expect "load arms and estimate rows" 0

# json NAME ARGS...: meta pool --format json into $work/NAME.json
json() {
    local name=$1
    shift
    run "$META" pool --db "$DB" --format json "$@"
    printf '%s\n' "$out" >"$work/$name.json"
    expect "$name: meta pool --format json" 0
}

# checked CASE NAME: estimates_check.py on $work/NAME.json
checked() {
    run python3 "$check" "$1" "$work/$2.json"
    expect "$2: every number as metafor gives it" 0
    grep '^FAIL' <<<"$out" | head -20
}

# ---- BCG: arms and estimate rows mixed ------------------------------------------

bcg=(--treatment bcg-treated --control bcg-control --measure RR)
json bcg_arms --outcome bcg "${bcg[@]}"
checked bcg_arms bcg_arms
json bcg_log_se --outcome bcg_log_se "${bcg[@]}"
checked bcg_log_se bcg_log_se
run python3 "$check" same "$work/bcg_arms.json" "$work/bcg_log_se.json"
expect "estimates at full precision: the all-arms analysis to 1e-9" 0
grep '^FAIL' <<<"$out" | head

json bcg_rr_ci --outcome bcg_rr_ci "${bcg[@]}"
checked bcg_rr_ci bcg_rr_ci
json bcg_rr_ci_dl --outcome bcg_rr_ci "${bcg[@]}" --method DL
checked bcg_rr_ci_dl bcg_rr_ci_dl
json bcg_rr_ci_common --outcome bcg_rr_ci "${bcg[@]}" --model common
checked bcg_rr_ci_common bcg_rr_ci_common
json bcg_rr_ci_hksj --outcome bcg_rr_ci "${bcg[@]}" --ci hksj
checked bcg_rr_ci_hksj bcg_rr_ci_hksj
json bcg_rr_ci_revman5 --outcome bcg_rr_ci "${bcg[@]}" --convention revman5
checked bcg_rr_ci_revman5 bcg_rr_ci_revman5
json bcg_rr_ci_loo --outcome bcg_rr_ci "${bcg[@]}" --leave-one-out
checked bcg_rr_ci_loo bcg_rr_ci_loo
json bcg_rr_ci_cumulative --outcome bcg_rr_ci "${bcg[@]}" --cumulative
checked bcg_rr_ci_cumulative bcg_rr_ci_cumulative
json bcg_rr_ci_by_alloc --outcome bcg_rr_ci "${bcg[@]}" --by alloc
checked bcg_rr_ci_by_alloc bcg_rr_ci_by_alloc
json bcg_rr_ci_mh --outcome bcg_rr_ci "${bcg[@]}" --method MH
checked bcg_rr_ci_mh bcg_rr_ci_mh

run python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
s = {x["trial"]: x for x in d["studies"]}
a, f, h = s["bcg: Aronson 1948"], s["bcg: Ferguson & Simes 1949"], s["bcg: Hart & Sutherland 1977"]
assert a["source"] == "arms" and "treatment_arm" in a and "reported" not in a
assert f["source"] == "estimate" and "treatment_arm" not in f
assert (f["n_treatment"], f["n_control"]) == (306, 303)
assert f["reported"] == {"treatment": "bcg-treated", "control": "bcg-control", "measure": "RR",
                         "estimate": 0.2, "se": f["reported"]["se"], "ci_lower": 0.09,
                         "ci_upper": 0.49, "level": 95}, f["reported"]
# the other way round: its sides as stored, participants on the selection'"'"'s sides
assert h["reported"]["treatment"] == "bcg-control" and h["reported"]["estimate"] == 4.23
assert (h["n_treatment"], h["n_control"]) == (13598, 12867)
assert "n_treatment" not in s["bcg: Stein & Aronson 1953"]
print("sources ok")' "$work/bcg_rr_ci.json"
expect "json: source, participants and the reported row per study" 0 "sources ok"

run python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
ex = {x["trial"]: x["reason"] for x in d["excluded"]}
assert len(ex) == 6, ex
assert ex["bcg: Ferguson & Simes 1949"] == "method MH needs arm counts; the trial reports only an estimate (RR)"
assert d["k"] == 7 and all(s["source"] == "arms" for s in d["studies"])
print("mh ok")' "$work/bcg_rr_ci_mh.json"
expect "MH: the estimate rows left out with the reason" 0 "mh ok"

run "$META" pool --db "$DB" --outcome bcg_rr_ci "${bcg[@]}"
expect "table: the estimate rows marked" 0 "^bcg: Ferguson & Simes 1949 † +- +306 +- +303 +0\.20 +\[0\.09, +0\.49\]"
expect "table: an estimate turned round, interval as reported" 0 \
    "^bcg: Hart & Sutherland 1977 † +- +13598 +- +12867 +0\.24 +\[0\.18, +0\.31\]"
expect "table: the mark explained" 0 "^† study-level estimate as reported \(no arm data\)$"
run "$META" pool --db "$DB" --outcome bcg_rr_ci "${bcg[@]}" --format csv
expect "csv: a study of arms" 0 "^study,,bcg: Aronson 1948,1948,,,,,4,123,,,,11,139,"
expect "csv: a study of an estimate row: participants, no arm data" 0 \
    "^study,,bcg: Ferguson & Simes 1949,1949,,,,,,306,,,,,303,-1\.6"

# ---- hazard ratios -------------------------------------------------------------------

hr=(--outcome death --treatment chemotherapy --control locoregional)
json hr "${hr[@]}"
checked hr hr
run python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["measure"] == "HR" and abs(d["exp"]["estimate"] - 0.8743) < 1e-4, d["exp"]
print("default HR")' "$work/hr.json"
expect "an outcome of hazard ratios defaults to HR, exp back-transformed" 0 "default HR"
json hr_dl "${hr[@]}" --measure HR --method DL
checked hr_dl hr_dl
json hr_hksj "${hr[@]}" --ci hksj
checked hr_hksj hr_hksj
json hr_reversed --outcome death --treatment locoregional --control chemotherapy
checked hr_reversed hr_reversed
json hr_by_timing "${hr[@]}" --by timing
checked hr_by_timing hr_by_timing

run "$META" pool --db "$DB" "${hr[@]}"
expect "table of hazard ratios" 0 "^Measure: HR, hazard ratio; random effects \(REML\)"
expect "table: log HR line" 0 "^Log scale: log HR = -0\.1343"
expect_no "table: no mark when every trial is an estimate" "†"
run "$META" pool --db "$DB" "${hr[@]}" --measure RR
expect "RR on hazard ratios is a usage error" 2 \
    "outcome 'death' is time-to-event \(it holds hazard ratios\): measure 'RR' does not apply \(use HR\)"
run "$META" pool --db "$DB" "${hr[@]}" --method MH
expect "MH on hazard ratios is a usage error" 2 \
    "outcome 'death' holds study-level estimates only: method 'MH' needs counts"
run "$META" pool --db "$DB" "${hr[@]}" --by timng
expect "a mistyped --by names the close attribute" 1 "close matches: 'timing'"

# ---- plots and analysis files --------------------------------------------------------

run "$META" forest --db "$DB" --outcome bcg_rr_ci "${bcg[@]}" -o "$work/mixed.svg"
expect "forest of arms and estimate rows" 0 "forest plot of 13 trials"
run python3 -c '
import sys, xml.etree.ElementTree as ET
print("\n".join(t for t in ET.parse(sys.argv[1]).getroot().itertext()))' "$work/mixed.svg"
for label in "bcg: Ferguson & Simes 1949" "bcg: Aronson 1948" "0.20 \[0.09, 0.49\]" "0.24 \[0.18, 0.31\]"; do
    grep -q -- "$label" <<<"$out" && ok "forest shows '$label'" || not_ok "forest lacks '$label'"
done
# svg_text FILE: the texts of an SVG, one a line, into $out
svg_text() {
    run python3 -c '
import sys, xml.etree.ElementTree as ET
print("\n".join(t.strip() for t in ET.parse(sys.argv[1]).getroot().itertext() if t.strip()))' "$1"
}
svg_text "$work/mixed.svg"
# svg_row LABEL PATTERN NAME: the row of $out's texts that begins with the line
# LABEL, with the next two, matches PATTERN
svg_row() {
    grep -A2 -x -- "$1" <<<"$out" | tr '\n' ' ' | grep -q -- "$2" && ok "$3" || not_ok "$3"
}
# the participant counts of an estimate row (n_treatment, n_control) are shown
# and counted in the totals, beside arm rows and alone
svg_row "bcg: Ferguson & Simes 1949" "^bcg: Ferguson & Simes 1949 306 303 " \
    "forest shows an estimate row's participants"
svg_row "Total (95% CI)" "96918 72435" "forest totals count the estimate rows' participants"
printf '%s\n' "trial,treatment,control,outcome,measure,estimate,se,n_treatment,n_control" \
    "E1,drug,placebo,est_n,MD,-1.5,0.5,40,41" "E2,drug,placebo,est_n,MD,-0.5,0.4,55,50" \
    "E3,drug,placebo,est_n,MD,-1,0.6,," >"$work/est_n.csv"
run "$META" load --db "$DB" "$work/est_n.csv"
expect "load estimate rows with participant counts" 0
run "$META" forest --db "$DB" --outcome est_n --treatment drug --control placebo -o "$work/est_n.svg"
expect "forest of estimate rows alone" 0 "forest plot of 3 trials"
svg_text "$work/est_n.svg"
svg_row "E1" "^E1 40 41 " "forest of estimate rows alone shows their participants"
svg_row "Total (95% CI)" "95 91" "forest of estimate rows alone totals their participants"
run "$META" forest --db "$DB" "${hr[@]}" --by timing -o "$work/hr.png"
expect "forest of hazard ratios by timing" 0 "forest plot of 65 trials"
run "$META" funnel --db "$DB" "${hr[@]}" -o "$work/hr_funnel.png"
expect "funnel of hazard ratios" 0 "funnel plot of 65 trials"
run head -c 8 "$work/hr_funnel.png"
expect "funnel PNG signature" 0 $'^\x89PNG'

mkdir -p "$work/analyses"
cat >"$work/analyses/hr.ini" <<'EOF'
[analysis]
outcome   = death
treatment = chemotherapy
control   = locoregional
by        = timing
json      = hr.json
table     = hr.txt
forest    = hr.svg
EOF
cat >"$work/analyses/mixed.ini" <<'EOF'
[analysis]
outcome   = bcg_rr_ci
treatment = bcg-treated
control   = bcg-control
measure   = RR
json      = mixed.json
EOF
run "$META" run --db "$DB" --out "$work/out" "$work/analyses"
expect "meta run of estimate analyses" 0 "ok +.*hr\.ini +k=65 +HR 0\.87 \[0\.8[0-9], 0\.9[0-9]\] +3 subgroups"
expect "meta run of a mixed analysis" 0 "ok +.*mixed\.ini +k=13 +RR 0\.49"
run python3 "$check" hr_by_timing "$work/out/hr.json"
expect "meta run: the same numbers as meta pool" 0

# ---- trials left out, subgroups from estimate rows' attributes -------------------------

cat >"$work/exclusions.csv" <<'EOF'
trial,arm,treatment,control,outcome,events,total,measure,estimate,ci_lower,ci_upper,rob_overall
A,a,drug,,relapse,10,50,,,,,low
A,p,placebo,,relapse,20,50,,,,,low
B,a,drug,,relapse,12,40,,,,,high
B,p,placebo,,relapse,15,41,,,,,high
C,,drug,placebo,relapse,,,RR,0.61,0.40,0.93,low
D,,drug,placebo,relapse,,,OR,0.70,0.50,0.98,high
E,,drug,placebo,relapse,,,RR,0.80,0.60,1.07,some concerns
E,,placebo,drug,relapse,,,RR,1.20,0.90,1.60,some concerns
F,p,placebo,,relapse,5,30,,,,,
G,,placebo,drug,relapse,,,RR,1.25,0.80,1.95,
EOF
run "$META" load --db "$DB" "$work/exclusions.csv"
expect "load arms and estimate rows of one outcome" 0
json exclusions --outcome relapse --treatment drug --control placebo
run python3 -c '
import json, math, sys
d = json.load(open(sys.argv[1]))
ex = {x["trial"]: x["reason"] for x in d["excluded"]}
assert ex == {
    "D": "its estimate is of another measure (OR, not RR)",
    "E": "several estimate rows for the selected sides ('"'"'drug'"'"' vs '"'"'placebo'"'"', '"'"'placebo'"'"' vs '"'"'drug'"'"')",
    "F": "no drug arm"}, ex
s = {x["trial"]: x for x in d["studies"]}
assert [x["trial"] for x in d["studies"]] == ["A", "B", "C", "G"]
assert abs(s["G"]["yi"] + math.log(1.25)) < 1e-15 and s["G"]["source"] == "estimate"
print("exclusions ok")' "$work/exclusions.json"
expect "left out: another measure, several rows, a side missing; G turned round" 0 "exclusions ok"
json rob --outcome relapse --treatment drug --control placebo --by rob_overall
run python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
g = {s["value"]: [x["trial"] for x in s["studies"]] for s in d["subgroups"]}
assert g == {"high": ["B"], "low": ["A", "C"], "some concerns": [], None: ["G"]}, g
print("rob ok")' "$work/rob.json"
expect "--by rob_overall: estimate rows in their subgroups" 0 "rob ok"
run "$META" pool --db "$DB" --outcome relapse --treatment drug --control placebo --measure OR \
    --format json
expect "OR: the RR estimate rows left out instead" 0 "its estimate is of another measure \(RR, not OR\)"

# without --measure an outcome's default (RR, MD) is pooled when its estimate
# rows are of several measures, one of them the default; else a measure is asked for
printf '%s\n' "trial,treatment,control,outcome,measure,estimate,se" "M1,drug,placebo,mixed,RR,2,0.3" \
    "M2,drug,placebo,mixed,RR,1.5,0.2" "M3,drug,placebo,mixed,OR,2.5,0.4" \
    "M1,drug,placebo,mixed2,OR,2,0.3" "M2,drug,placebo,mixed2,RD,0.1,0.03" >"$work/mixed.csv"
run "$META" load --db "$DB" "$work/mixed.csv"
expect "load estimate rows of several measures" 0
run "$META" pool --db "$DB" --outcome mixed --treatment drug --control placebo --format json
expect "RR and OR rows, no --measure: RR pooled" 0 '"measure": "RR"'
python3 -c 'import json, sys; d = json.load(sys.stdin)
sys.exit(d["excluded"] != [{"trial": "M3", "reason": "its estimate is of another measure (OR, not RR)"}]
         or [s["trial"] for s in d["studies"]] != ["M1", "M2"])' <<<"$out" &&
    ok "RR and OR rows, no --measure: the OR trial left out" ||
    not_ok "RR and OR rows, no --measure: the OR trial left out"
run "$META" pool --db "$DB" --outcome mixed2 --treatment drug --control placebo
expect "OR and RD rows, no --measure: a measure is asked for" 1 "several measures \(OR, RD\)"

finish
