#!/usr/bin/env bash
# meta import ctgov end to end with the built binary and the real PostgreSQL:
# the four shared ClinicalTrials.gov records (tests/data/ctgov) imported from
# their directory, value by value in the registry (meta pool --format json,
# meta list, and the tables where attributes live): an outcome measure of
# each kind, estimate rows, the adverse events, the trial attributes, every
# load's name and SHA-256; the skipped measures with their reasons; the
# proposal for each record; the proposal passed back unedited (refused), an
# import with a confirmed mapping, the same import again (unchanged), a
# corrected record (replaced and removed), meta pool on the imported adverse
# events against metafor (ctgov_pool_reference.R); every error class of bad
# input, with nothing stored; usage errors and help.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/harness.sh"
data=$here/../data/ctgov
work=$(mktemp -d /tmp/meta-ctgovtest-XXXXXX)
trap 'rm -rf "$work"' EXIT
fresh_db meta_test_import_ctgov

# The four real records in a directory of their own, with a file that is not
# a record and a subdirectory named like one (neither is read).
mkdir -p "$work/records/sub.json" "$work/variants"
cp "$data/NCT02210780.json" "$data/NCT02552212.json" "$data/NCT00763412.json" \
    "$data/NCT00734539.xml" "$work/records/"
echo "notes" >"$work/records/README.txt"
cp "$data/variants.json" "$work/variants/"
records=$work/records

import() { run "$META" import ctgov --db "$DB" "$@"; }
sql() { psql "$DB" -qAt -F '|' -v ON_ERROR_STOP=1 -c "$1" 2>&1; }

# expect_sql NAME QUERY EXPECTED: the query's output (psql -At, '|' between
# fields, one line per row) is exactly EXPECTED.
expect_sql() {
    local got
    got=$(sql "$2")
    if [[ $got == "$3" ]]; then
        ok "$1"
    else
        failed=$((failed + 1))
        echo "FAIL: $1"
        echo "  expected: $3"
        echo "  got:      $got"
    fi
}

# expect_py NAME EXPR: the Python expression EXPR is true, with j the JSON of
# the last run's standard output and close(a, b) agreement to 1e-6 relative.
expect_py() {
    local verdict
    verdict=$(python3 -c "
import json, math, sys
def close(a, b):
    return a is not None and abs(a - b) <= 1e-6 * max(abs(b), 1e-300)
j = json.loads(sys.stdin.read())
print('yes' if ($2) else 'no')
" <<<"$out" 2>&1)
    if [[ $verdict == yes ]]; then
        ok "$1"
    else
        failed=$((failed + 1))
        echo "FAIL: $1"
        echo "  expression: $2"
        echo "  verdict: $verdict"
        echo "  stdout: ${out:0:1500}"
    fi
}

# rows: every result row of the registry (arm results and estimates)
rows() {
    sql "SELECT (SELECT count(*) FROM continuous_results) + (SELECT count(*) FROM binary_results)
                + (SELECT count(*) FROM estimate_results)"
}

# arm VALUES of one binary or continuous result: trial, outcome, arm label
binary() {
    sql "SELECT a.treatment, r.events, r.total, r.timepoint FROM binary_results r
         JOIN arms a USING (arm_id) JOIN trials t ON t.trial_id = a.trial_id
         JOIN outcomes o ON o.outcome_id = r.outcome_id
         WHERE t.name = '$1' AND o.name = \$q\$$2\$q\$ AND a.label = \$q\$$3\$q\$"
}
battr() {
    sql "SELECT r.attributes ->> '$4' FROM binary_results r
         JOIN arms a USING (arm_id) JOIN trials t ON t.trial_id = a.trial_id
         JOIN outcomes o ON o.outcome_id = r.outcome_id
         WHERE t.name = '$1' AND o.name = \$q\$$2\$q\$ AND a.label = \$q\$$3\$q\$"
}

# ---- help and usage -----------------------------------------------------------
run "$META" help
expect "meta help lists import" 0 "import +import published evidence"
run "$META" import --help
expect "import --help lists the sources" 0 "ctgov +ClinicalTrials.gov records"
run "$META" help import
expect "help import" 0 "usage: meta import SOURCE"
run "$META" import ctgov --help
expect "import ctgov --help" 0 "usage: meta import ctgov \[--mapping FILE\]"
expect "its help says how a line of a mapping counts" 0 "confirmed is empty and the"
run "$META" import
expect "import without a source" 2 "^meta import: error: expected a source \(cochrane, revman, ctgov\)"
run "$META" import clinicaltrials x.json
expect "unknown source" 2 "unknown source 'clinicaltrials' \(expected cochrane, revman, ctgov\)"
run "$META" import ctgov
expect "no file" 2 "^meta import ctgov: error: expected at least one FILE or DIR"
run "$META" import ctgov --propose a.csv --mapping b.csv x.json
expect "--propose and --mapping together" 2 "give one of them"
run "$META" import ctgov --format csv x.json
expect "unknown format" 2 "unknown format 'csv' \(expected table, json\)"
run "$META" import ctgov --mapin m.csv x.json
expect "unknown option, with the close one" 2 "unknown option '--mapin' \(did you mean: 'mapping'"

# ---- the four records, from their directory ------------------------------------
import "$records"
expect "the four records import" 0
for line in "NCT00734539.xml: 1 trial, 140 rows \(140 new, 0 replaced, 0 unchanged, 0 removed\)" \
    "NCT00763412.json: 1 trial, 6 rows \(6 new" \
    "NCT02210780.json: 1 trial, 56 rows \(56 new" \
    "NCT02552212.json: 1 trial, 152 rows \(152 new"; do
    grep -Eq "^$records/$line" <<<"$out" && ok "report: ${line%%:*}" || not_ok "report: $line"
done
first=$(grep "^$records/" <<<"$out" | cut -d: -f1 | xargs -n1 basename | tr '\n' ' ')
[[ $first == "NCT00734539.xml NCT00763412.json NCT02210780.json NCT02552212.json " ]] &&
    ok "the directory's records in name order, nothing else read" ||
    not_ok "the directory's records in name order (got $first)"
expect "a study's summary" 0 \
    "^    28 arm rows of 14 outcomes, 4 estimates, 24 adverse-event rows of 12 outcomes$"
expect "20 groups left out, with how to map them" 0 \
    "^20 groups left out: to import them, write the proposal \(meta import ctgov --propose"
[[ $(rows) == 354 ]] && ok "354 result rows in the registry" || not_ok "354 rows (got $(rows))"
for f in NCT02210780.json NCT02552212.json NCT00763412.json NCT00734539.xml; do
    sum=$(sha256sum "$records/$f" | cut -d' ' -f1)
    expect_sql "load of $f: its name and SHA-256" \
        "SELECT sha256 FROM loads WHERE file_name = '$records/$f'" "$sum"
done
run "$META" list trials --db "$DB"
expect "list trials: the four NCT ids" 0 "NCT02552212"
expect_sql "trials by NCT id" "SELECT string_agg(name, ',' ORDER BY name) FROM trials" \
    "NCT00734539,NCT00763412,NCT02210780,NCT02552212"

# ---- an outcome measure of each kind ---------------------------------------------
pruritus="Change From Baseline in Peak Weekly Averaged Pruritis Numerical Rating Scale (NRS) Scores at Week 16"
run "$META" pool --db "$DB" --outcome "$pruritus" --treatment dupilumab --control placebo \
    --measure MD --format json
expect "pool the least-squares means (NCT02210780)" 0
# SD = SE sqrt(n): 0.250 sqrt(94), 0.259 sqrt(90); MD -2.13 with vi 0.25^2 + 0.259^2
expect_py "LS mean with SE: arms n, mean and the SD derived" \
    'j["timepoint"] == "Baseline to Week 16" and j["k"] == 1 and
     j["studies"][0]["treatment_arm"]["n"] == 94 and close(j["studies"][0]["treatment_arm"]["mean"], -4.24) and
     close(j["studies"][0]["treatment_arm"]["sd"], 2.4238399287081647) and
     j["studies"][0]["control_arm"]["n"] == 90 and close(j["studies"][0]["control_arm"]["mean"], -2.11) and
     close(j["studies"][0]["control_arm"]["sd"], 2.457089741950831) and
     close(j["estimate"], -2.13) and close(j["studies"][0]["vi"], 0.129581)'
expect_sql "sd_derived says how" \
    "SELECT DISTINCT r.attributes ->> 'sd_derived' FROM continuous_results r
     JOIN outcomes o USING (outcome_id) WHERE o.name = \$q\$$pruritus\$q\$" "from the standard error"

asqol="Change From Baseline in ASQoL at Week 1"
run "$META" pool --db "$DB" --outcome "$asqol" --treatment "certolizumab pegol" --control placebo \
    --format json
expect "pool the means with SD (NCT02552212)" 0
expect_py "mean with SD: the arms as posted, no SD derived" \
    'j["studies"][0]["treatment_arm"] == {"n": 147, "mean": -0.11, "sd": 0.21} and
     j["studies"][0]["control_arm"] == {"n": 150, "mean": -0.03, "sd": 0.14}'
expect_sql "no sd_derived on a posted SD" \
    "SELECT count(*) FROM continuous_results r JOIN outcomes o USING (outcome_id)
     WHERE o.name = '$asqol' AND r.attributes ? 'sd_derived'" "0"

medication="Number of Subjects Without Relevant Changes to Background Medication From Baseline to Week 52"
expect_sql "count of participants: events over the denominator" \
    "SELECT a.label, r.events, r.total FROM binary_results r JOIN arms a USING (arm_id)
     JOIN outcomes o USING (outcome_id) WHERE o.name = '$medication' ORDER BY a.label" \
    "CZP 200 mg Q2W (FAS)|115|159
Placebo (FAS)|48|158"

tetanus="Percentage of Participants With a Positive Response (≥4-Fold Increase) to Tetanus Toxoid (the Adacel [Tdap] Vaccine) at Week 16"
expect_sql "percentage of participants: the count recovered (83.7% of 92)" \
    "$(printf '%s' "SELECT a.treatment, r.events, r.total, r.timepoint, r.attributes ->> 'events_derived'
     FROM binary_results r JOIN arms a USING (arm_id) JOIN outcomes o USING (outcome_id)
     WHERE o.name = \$q\$$tetanus\$q\$ ORDER BY a.treatment")" \
    "dupilumab|75|90|Week 16|from 83.3% of 90 participants
placebo|77|92|Week 16|from 83.7% of 92 participants"

expect_sql "retired XML: counts, the time frame as time point" \
    "SELECT a.label, a.treatment, r.events, r.total, r.timepoint FROM binary_results r
     JOIN arms a USING (arm_id) JOIN outcomes o USING (outcome_id)
     WHERE o.name = 'Death or Candidiasis' ORDER BY a.label" \
    "Fluconazole|fluconazole|31|188|study day 49
Placebo|placebo|37|173|study day 49"

expect_sql "trial attributes on every arm" \
    "SELECT DISTINCT a.attributes ->> 'brief_title', a.attributes ->> 'phase',
            a.attributes ->> 'conditions', a.attributes ->> 'start_year'
     FROM arms a JOIN trials t USING (trial_id) WHERE t.name = 'NCT02552212'" \
    "Multicenter Study Evaluating Certolizumab Pegol Compared to Placebo in Subjects With axSpA Without X-ray Evidence of AS|Phase 3|Axial Spondyloarthritis; Nonradiographic Axial Spondyloarthritis; Nr-axSpA|2015"

# The synthetic record (tests/data/ctgov/README.md) for what the real ones lack:
# SDs from 95% and 90% intervals (tests/import/ctgov_sd_from_ci.R), a hazard ratio.
import "$work/variants"
expect "the synthetic variants import" 0 "variants.json: 1 trial, 22 rows \(22 new"
expect_sql "SD from a 95% interval, t on 19 df; from a 90% interval, normal for n = 60" \
    "SELECT o.name, a.label, r.n, round(r.sd::numeric, 12), r.attributes ->> 'sd_derived'
     FROM continuous_results r JOIN arms a USING (arm_id) JOIN outcomes o USING (outcome_id)
     WHERE o.name LIKE 'Pain score, %' ORDER BY o.name, a.label" \
    "Pain score, 90% interval|Ketamine|12|3.664930512365|from the confidence interval (t on n-1 df)
Pain score, 90% interval|Sham infusion|60|4.709213370415|from the confidence interval (normal)
Pain score, 95% interval|Ketalar 0.5 mg/kg|20|2.350354999570|from the confidence interval (t on n-1 df)
Pain score, 95% interval|Sham infusion|80|2.509918339981|from the confidence interval (normal)"
expect_sql "a hazard ratio: an estimate row of a time-to-event outcome" \
    "SELECT e.treatment, e.control, e.measure, e.estimate, o.kind FROM estimate_results e
     JOIN outcomes o USING (outcome_id) WHERE o.name = 'Time to rescue analgesia'" \
    "ketamine|sham|HR|0.62|time-to-event"

# ---- estimate rows ------------------------------------------------------------------
asdas="Percentage of Subjects With Ankylosing Spondylitis Disease Activity Score Major Improvement (ASDAS-MI) Response Criteria Response at Week 52"
expect_sql "an odds ratio with its 95% interval" \
    "SELECT e.treatment, e.control, e.measure, e.estimate, e.ci_lower, e.ci_upper, e.level,
            e.n_treatment, e.n_control, e.timepoint, e.attributes ->> 'group_ids'
     FROM estimate_results e JOIN outcomes o USING (outcome_id) WHERE o.name = '$asdas'" \
    "certolizumab pegol|placebo|OR|15.231|7.336|31.623|95|159|158|Week 52|OG001 vs OG000"
expect_sql "a mean difference with a 90% interval" \
    "SELECT e.measure, e.estimate, e.ci_lower, e.ci_upper, e.level FROM estimate_results e
     JOIN outcomes o USING (outcome_id) WHERE o.name = \$q\$$pruritus\$q\$" "MD|-2.13|-2.72|-1.55|90"
expect_sql "19 estimate rows in all" "SELECT count(*) FROM estimate_results" "19"

# ---- adverse events --------------------------------------------------------------------
[[ $(binary NCT02210780 "AE serious (any)" "Placebo qw") == "placebo|0|97|" ]] &&
    ok "NCT02210780: serious adverse events 0/97 placebo, no time point" ||
    not_ok "serious AEs placebo (got $(binary NCT02210780 "AE serious (any)" "Placebo qw"))"
[[ $(binary NCT02210780 "AE serious (any)" "Dupilumab 300 mg qw") == "dupilumab|3|97|" ]] &&
    ok "NCT02210780: serious adverse events 3/97 dupilumab" || not_ok "serious AEs dupilumab"
[[ $(binary NCT02210780 "AE other (any)" "Placebo qw") == "placebo|29|97|" &&
    $(binary NCT02210780 "AE other (any)" "Dupilumab 300 mg qw") == "dupilumab|30|97|" ]] &&
    ok "NCT02210780: other adverse events 29/97 and 30/97" || not_ok "other AEs"
[[ $(binary NCT02210780 "Deaths (all causes)" "Dupilumab 300 mg qw") == "dupilumab|0|97|" ]] &&
    ok "NCT02210780: deaths 0/97" || not_ok "deaths"
[[ $(binary NCT02210780 "AE serious: Serum sickness-like reaction" "Dupilumab 300 mg qw") == \
    "dupilumab|1|97|" ]] && ok "a serious term: participants affected over at risk" ||
    not_ok "serious term"
[[ $(battr NCT02210780 "AE serious: Serum sickness-like reaction" "Dupilumab 300 mg qw" \
    organ_system) == "Immune system disorders" ]] && ok "its organ system as an attribute" ||
    not_ok "organ system"
[[ $(battr NCT02210780 "AE serious (any)" "Placebo qw" time_frame) == "Adverse Events (AE) were"* ]] &&
    ok "the time frame as an attribute" || not_ok "time frame"
[[ $(binary NCT02552212 "AE other: Upper respiratory tract infection" "Placebo (SS)") == \
    "placebo|16|158|" ]] && ok "numAffected (16), never numEvents (23)" || not_ok "numAffected"
[[ $(binary NCT00734539 "AE serious: Intestinal Perforation" "Fluconazole") == \
    "fluconazole|12|188|" ]] && ok "retired XML: a serious term" || not_ok "XML serious term"
[[ $(binary NCT00734539 "AE serious (any)" "Placebo") == "placebo|68|173|" ]] &&
    ok "retired XML: serious totals" || not_ok "XML serious totals"
expect_sql "NCT00763412: adverse events all 0 of 8, nothing else" \
    "SELECT o.name, count(*), sum(r.events), min(r.total), max(r.total) FROM binary_results r
     JOIN arms a USING (arm_id) JOIN trials t ON t.trial_id = a.trial_id JOIN outcomes o USING (outcome_id)
     WHERE t.name = 'NCT00763412' GROUP BY o.name ORDER BY o.name" \
    "AE other (any)|2|0|8|8
AE serious (any)|2|0|8|8
Deaths (all causes)|2|0|8|8"
expect_sql "a term a group does not list is missing there, not zero" \
    "SELECT count(*) FROM binary_results r JOIN outcomes o USING (outcome_id)
     JOIN arms a USING (arm_id) JOIN trials t ON t.trial_id = a.trial_id
     WHERE t.name = 'NCT02552212' AND o.name LIKE 'AE %' AND a.label LIKE '%->%'" "0"

# ---- skipped, with the reasons --------------------------------------------------------
import "$records"
expect "imported again: every row unchanged" 0 \
    "NCT02552212.json: 1 trial, 152 rows \(0 new, 0 replaced, 152 unchanged, 0 removed\)"
expect "a median: skipped" 0 "outcome 10 'Length of Hospitalization': median: not turned into a mean"
n=$(grep -c "mean with a full range: no standard deviation, not guessed from the range" <<<"$out")
[[ $n == 15 ]] && ok "NCT00763412: 15 means with a full range, skipped" || not_ok "full ranges ($n)"
n=$(grep -c "GEOMETRIC_MEAN: a geometric scale, not turned into an arithmetic mean" <<<"$out")
[[ $n == 8 ]] && ok "NCT02552212: 8 geometric means, skipped" || not_ok "geometric means ($n)"
expect "a measure without values" 0 \
    "outcome 3 'Certolizumab Pegol Plasma Concentration at Baseline': no values posted"
n=$(grep -c "analysis 1: effect 'Percentage Difference' is not imported" <<<"$out")
[[ $n == 3 ]] && ok "NCT02210780: 3 percentage differences, skipped" || not_ok "percentage differences ($n)"
expect "a group left out, with its proposal and why" 0 \
    "adverse events EG002 'Placebo->OL CZP \(SS\)': 'placebo -> certolizumab pegol' \(low confidence\): title 'Placebo->OL CZP \(SS\)' names a switch"
[[ $(rows) == 376 ]] && ok "still 376 rows" || not_ok "rows after the second import ($(rows))"

import --format json "$records"
expect "the report as JSON" 0
expect_py "JSON: files, loads, trials, skips and groups left out" \
    'len(j["files"]) == 4 and j["mapping"] is None and
     [f["file"].rsplit("/", 1)[1] for f in j["files"]] == ["NCT00734539.xml", "NCT00763412.json", "NCT02210780.json", "NCT02552212.json"] and
     [f["rows"] for f in j["files"]] == [140, 6, 56, 152] and all(f["unchanged"] == f["rows"] for f in j["files"]) and
     len(j["files"][0]["sha256"]) == 64 and
     j["files"][2]["trials"][0]["nct"] == "NCT02210780" and j["files"][2]["trials"][0]["arm_rows"] == 28 and
     j["files"][2]["trials"][0]["estimates"] == 4 and j["files"][2]["trials"][0]["ae_rows"] == 24 and
     len(j["files"][1]["trials"][0]["skipped"]) == 15 and
     {"section": "outcome 10", "outcome": "Length of Hospitalization", "group_id": None, "reason": "median: not turned into a mean"} in j["files"][0]["trials"][0]["skipped"] and
     len(j["files"][3]["trials"][0]["left_out"]) == 20 and
     j["files"][3]["trials"][0]["left_out"][-1] == {"section": "adverse events", "group_id": "EG004", "group_title": "SFE OL CZP 200 mg Q2W (SS)", "treatment": "certolizumab pegol", "confidence": "medium", "reason": j["files"][3]["trials"][0]["left_out"][-1]["reason"], "mapping_line": None}'

# ---- meta pool on the imported adverse events (ctgov_pool_reference.R) --------------------
run "$META" pool --db "$DB" --outcome "AE serious (any)" --treatment dupilumab --control placebo \
    --measure RR --format json
expect "pool serious adverse events, dupilumab vs placebo" 0
expect_py "one trial: its RR (3.5/98)/(0.5/98) = 7, as metafor" \
    'j["k"] == 1 and close(j["estimate"], 1.94591014905531390) and close(j["se"], 1.50509339326467684) and
     close(j["ci_lower"], -1.00401869511263264) and close(j["ci_upper"], 4.89583899322325955) and
     close(j["p"], 0.19605141595799447) and close(j["exp"]["estimate"], 7) and
     close(j["studies"][0]["vi"], 2.26530612244897966) and j["studies"][0]["trial"] == "NCT02210780" and
     j["studies"][0]["treatment_arm"] == {"events": 3, "total": 97} and
     j["studies"][0]["control_arm"] == {"events": 0, "total": 97}'
run "$META" pool --db "$DB" --outcome "AE other (any)" --treatment dupilumab --control placebo \
    --model common --method MH --format json
expect "pool other adverse events by Mantel-Haenszel" 0
expect_py "RR 30/29 as metafor's rma.mh" \
    'close(j["estimate"], 0.033901551675681416) and close(j["se"], 0.217249937291111916) and
     close(j["ci_lower"], -0.391900501058483119) and close(j["ci_upper"], 0.459703604409845978) and
     close(j["p"], 0.875994701870127290) and close(j["exp"]["estimate"], 30 / 29)'
run "$META" pool --db "$DB" --outcome "AE serious (any)" --treatment dupilumab --control placebo
expect "the table: RR 7.00" 0 "NCT02210780"

# ---- the proposal for each record ----------------------------------------------------------
loads_before=$(sql "SELECT count(*) FROM loads")
# proposal FILE: --propose into $work/FILE.csv
proposal() {
    run "$META" import ctgov --propose "$work/$1.csv" "$records/$1"
}
# line CSV NCT SECTION GROUP: "title|treatment|confidence|confirmed|reason" of that group
line() {
    python3 - "$@" <<'EOF'
import csv, sys
for r in csv.DictReader(open(sys.argv[1], newline="")):
    if (r["nct"], r["section"], r["group_id"]) == tuple(sys.argv[2:5]):
        print("|".join([r["group_title"], r["treatment"], r["confidence"], r["confirmed"], r["reason"]]))
EOF
}
# expect_line NAME CSV NCT SECTION GROUP PATTERN
expect_line() {
    local got
    got=$(line "$2" "$3" "$4" "$5")
    grep -Eq -- "$6" <<<"$got" && ok "$1" || {
        failed=$((failed + 1))
        echo "FAIL: $1"
        echo "  got: $got"
    }
}

proposal NCT02210780.json
expect "propose NCT02210780" 0 "NCT02210780.json.csv: 24 groups of 1 trial in 1 file proposed: 24 high, 0 medium, 0 low, 0 none"
p=$work/NCT02210780.json.csv
head -1 "$p" | grep -qx "nct,section,group_id,group_title,treatment,confidence,confirmed,reason" &&
    ok "the proposal's header" || not_ok "the proposal's header"
expect_line "both arms typed EXPERIMENTAL: placebo recognised by name" "$p" NCT02210780 "outcome 1" OG000 \
    "^Placebo qw\|placebo\|high\|\|title is the label of arm 'Placebo qw', which gives placebo; its arm is typed EXPERIMENTAL: placebo is recognised by name$"
expect_line "the dupilumab group" "$p" NCT02210780 "adverse events" EG001 \
    "^Dupilumab 300 mg qw\|dupilumab\|high\|\|"

proposal NCT00734539.xml
expect "propose NCT00734539" 0 "26 groups of 1 trial in 1 file proposed: 26 high"
p=$work/NCT00734539.xml.csv
expect_line "arms labelled 1 and 2: Fluconazole" "$p" NCT00734539 "outcome 1" O1 \
    "^Fluconazole\|fluconazole\|high\|\|title 'Fluconazole' names fluconazole, given in arm '1'$"
expect_line "arms labelled 1 and 2: Placebo" "$p" NCT00734539 "adverse events" E2 \
    "^Placebo\|placebo\|high\|\|title 'Placebo' names placebo, given in arm '2'"

proposal NCT00763412.json
expect "propose NCT00763412" 0 "20 groups of 1 trial in 1 file proposed: 20 high"
p=$work/NCT00763412.json.csv
expect_line "numbered arm labels" "$p" NCT00763412 "outcome 1" OG001 \
    "^2. Repaglinide\|repaglinide\|high\|\|title is the label of arm '2. repaglinide'"

proposal NCT02552212.json
expect "propose NCT02552212" 0 "76 groups of 1 trial in 1 file proposed: 56 high, 8 medium, 12 low, 0 none"
expect "the proposal says what to do with it" 0 "write yes in the"
p=$work/NCT02552212.json.csv
expect_line "an abbreviation the record defines" "$p" NCT02552212 "outcome 1" OG001 \
    "^CZP 200 mg Q2W \(FAS\)\|certolizumab pegol\|high\|\|"
expect_line "a switch: the proposed treatment written, low" "$p" NCT02552212 "adverse events" EG002 \
    "^Placebo->OL CZP \(SS\)\|placebo -> certolizumab pegol\|low\|\|title 'Placebo->OL CZP \(SS\)' names a switch"
expect_line "an open-label extension: medium" "$p" NCT02552212 "adverse events" EG004 \
    "^SFE OL CZP 200 mg Q2W \(SS\)\|certolizumab pegol\|medium\|\|.*does not repeat participants"

run "$META" import ctgov --propose "$work/all.csv" --format json "$records" "$work/variants"
expect "propose for a directory and the variants, as JSON" 0
expect_py "the proposal in JSON" \
    'j == {"proposal": j["proposal"], "files": 5, "trials": 5, "groups": 175, "high": 150, "medium": 10, "low": 14, "none": 1}'
[[ $(sql "SELECT count(*) FROM loads") == "$loads_before" ]] &&
    ok "a proposal imports nothing" || not_ok "a proposal imports nothing"
run "$META" import ctgov --propose "$work/nodir/x.csv" "$records/NCT02210780.json"
expect "a proposal into a missing directory" 1 "cannot write '$work/nodir/x.csv'"
ln -s "$work/elsewhere.csv" "$work/link.csv"
run "$META" import ctgov --propose "$work/link.csv" "$records/NCT02210780.json"
expect "a proposal never written through a link" 1 "is a symbolic link: refusing to write through it"
[[ ! -e $work/elsewhere.csv ]] && ok "nothing written at the link's target" || not_ok "link target written"
run "$META" import ctgov --propose "$work/bad.csv" "$records/NCT02210780.json" "$work/none.json"
expect "a proposal with a file missing" 1 "none.json: No such file or directory"
[[ ! -e $work/bad.csv ]] && ok "no proposal written when a file fails" || not_ok "proposal written"

# ---- mappings: passed back unedited, then confirmed --------------------------------------
p=$work/NCT02552212.json.csv
import --mapping "$p" "$records"
expect "the proposal passed back unedited is refused" 1 \
    "^meta import ctgov: error: $p:9:7: NCT02552212 outcome 4 group OG001 \('Placebo->OL CZP \(SS\)'\): treatment 'placebo -> certolizumab pegol' has confidence low \(not high\) and is not confirmed: write yes in its confirmed column to import it, no to leave the group out \(or empty the treatment\); 19 more lines like it: 11, 13, 15, 17, 19, 21, 23, 60, 61, 62 and 9 more$"
[[ $(rows) == 376 ]] && ok "nothing stored" || not_ok "nothing stored ($(rows))"

# The analyst: the extension group (SFE) is its own treatment; the group that
# continues the CZP arm repeats its participants (no); the switch is left out.
python3 - "$p" "$work/confirmed.csv" <<'EOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
for r in rows:
    if r["group_title"] == "SFE OL CZP 200 mg Q2W (SS)":
        r["treatment"], r["confirmed"] = "certolizumab pegol open-label", "yes"
    elif r["group_title"] == "CZP->OL CZP (SS)":
        r["confirmed"] = "no"
    elif r["confidence"] == "low":
        r["treatment"] = ""
with open(sys.argv[2], "w", newline="") as f:
    w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
    w.writeheader()
    w.writerows(rows)
EOF
import --mapping "$work/confirmed.csv" "$records/NCT02552212.json"
expect "import with the confirmed mapping" 0 \
    "NCT02552212.json: 1 trial, 203 rows \(51 new, 0 replaced, 152 unchanged, 0 removed\)"
expect "the group the analyst refused, listed" 0 \
    "adverse events EG003 'CZP->OL CZP \(SS\)': 'certolizumab pegol' \(medium confidence\): line 76: the mapping leaves it out \(confirmed: no\)"
expect "the group left without a treatment, listed" 0 \
    "adverse events EG002 'Placebo->OL CZP \(SS\)': line 75: the mapping gives no treatment"
expect "groups left out by the mapping" 0 "^16 groups left out by the mapping $work/confirmed.csv$"
[[ $(binary NCT02552212 "AE serious (any)" "SFE OL CZP 200 mg Q2W (SS)") == \
    "certolizumab pegol open-label|15|243|" ]] && ok "the confirmed group: 15/243 serious AEs" ||
    not_ok "confirmed group ($(binary NCT02552212 "AE serious (any)" "SFE OL CZP 200 mg Q2W (SS)"))"
expect_sql "its percentage with TEAEs: 61.3% of 243 = 149" \
    "SELECT r.events, r.total FROM binary_results r JOIN arms a USING (arm_id) JOIN outcomes o USING (outcome_id)
     WHERE a.label = 'SFE OL CZP 200 mg Q2W (SS)' AND o.name LIKE 'Percentage of Subjects With Treatment-Emergent%During the Study'" \
    "149|243"
expect_sql "the refused group has no rows" \
    "SELECT count(*) FROM arms WHERE label IN ('CZP->OL CZP (SS)', 'Placebo->OL CZP (SS)')" "0"
import --mapping "$work/confirmed.csv" "$records/NCT02552212.json"
expect "the same mapping again: unchanged" 0 \
    "NCT02552212.json: 1 trial, 203 rows \(0 new, 0 replaced, 203 unchanged, 0 removed\)"
import "$records/NCT02552212.json"
expect "without the mapping: what it brought is removed" 0 \
    "NCT02552212.json: 1 trial, 152 rows \(0 new, 0 replaced, 152 unchanged, 51 removed\)"
expect_sql "and its arm" "SELECT count(*) FROM arms WHERE label = 'SFE OL CZP 200 mg Q2W (SS)'" "0"

# ---- a corrected record --------------------------------------------------------------------
python3 - "$records/NCT02210780.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
ae = d["resultsSection"]["adverseEventsModule"]
ae["eventGroups"][1]["seriousNumAffected"] = 4
ae["seriousEvents"][0]["stats"][1]["numAffected"] = 2
d["resultsSection"]["outcomeMeasuresModule"]["outcomeMeasures"][0]["title"] += " (corrected)"
json.dump(d, open(sys.argv[1], "w"), indent=1)
EOF
import "$records/NCT02210780.json"
expect "a corrected record replaces what it brought" 0 \
    "NCT02210780.json: 1 trial, 56 rows \(2 new, 2 replaced, 52 unchanged, 2 removed\)"
[[ $(binary NCT02210780 "AE serious (any)" "Dupilumab 300 mg qw") == "dupilumab|4|97|" ]] &&
    ok "the corrected count" || not_ok "the corrected count"
expect_sql "the old outcome is gone, the corrected one stored" \
    "SELECT count(*) FILTER (WHERE name = \$q\$$tetanus\$q\$), count(*) FILTER (WHERE name = \$q\$$tetanus (corrected)\$q\$) FROM outcomes" \
    "0|1"
sum=$(sha256sum "$records/NCT02210780.json" | cut -d' ' -f1)
expect_sql "the corrected file's load has its SHA-256" \
    "SELECT sha256 FROM loads WHERE file_name = '$records/NCT02210780.json' ORDER BY load_id DESC LIMIT 1" "$sum"

# ---- bad input: every class, named, nothing stored -----------------------------------------
before=$(rows)
loads=$(sql "SELECT count(*) FROM loads")
# variant NAME FROM TO [SOURCE]: SOURCE (a file of tests/data/ctgov) with the
# first FROM replaced by TO, written as $work/bad/NAME
mkdir -p "$work/bad"
variant() {
    python3 - "$data/${4:-NCT02210780.json}" "$work/bad/$1" "$2" "$3" <<'EOF'
import sys
text = open(sys.argv[1], encoding="utf-8").read()
assert sys.argv[3] in text, "the variant would test nothing"
open(sys.argv[2], "w", encoding="utf-8").write(text.replace(sys.argv[3], sys.argv[4], 1))
EOF
}
# refused NAME PATTERN ARGS...: the import fails naming the problem, stores nothing
refused() {
    local name=$1 pattern=$2
    shift 2
    import "$@"
    expect "$name" 1 "$pattern"
    [[ $(rows) == "$before" && $(sql "SELECT count(*) FROM loads") == "$loads" ]] &&
        ok "$name: nothing stored" || not_ok "$name: nothing stored"
}

head -c 3000 "$data/NCT02210780.json" >"$work/bad/cut.json"
refused "malformed JSON" "^meta import ctgov: error: $work/bad/cut.json:[0-9]+:[0-9]+: malformed JSON" \
    "$work/bad/cut.json" "$data/NCT00763412.json"
variant bad.xml "</outcome_list>" "" NCT00734539.xml
refused "malformed XML" "$work/bad/bad.xml:[0-9]+:[0-9]+: malformed XML" "$work/bad/bad.xml"
variant nores.json '"resultsSection"' '"resultsSectionX"'
refused "a record without results" \
    "$work/bad/nores.json: NCT02210780: \\$: record has no results \\(no resultsSection\\)" \
    "$work/bad/nores.json"
variant group.json '"groupId": "OG001",
                      "value": "83.3"' '"groupId": "OG009",
                      "value": "83.3"'
refused "a group id the measure does not define" \
    "$work/bad/group.json: NCT02210780: resultsSection.outcomeMeasuresModule.outcomeMeasures\[0\].classes\[0\].categories\[0\].measurements\[1\]: a measurement names group 'OG009', which outcome 1 does not define \(it defines OG000, OG001\)" \
    "$work/bad/group.json"
variant denom.xml '<count group_id="O2" value="173"/>' "" NCT00734539.xml
refused "a count without its denominator" \
    "$work/bad/denom.xml:[0-9]+: NCT00734539: outcome 1: the value of group 'O2' has no denominator" \
    "$work/bad/denom.xml"
variant atrisk.json '"numAffected": 0,
              "numAtRisk": 97' '"numAffected": 0'
refused "an adverse event without participants at risk" \
    "$work/bad/atrisk.json: NCT02210780: resultsSection.adverseEventsModule.seriousEvents\[0\].stats\[0\]: adverse events: 'AE serious: Serum sickness-like reaction' gives group 'EG000' 0 participants affected but no participants at risk" \
    "$work/bad/atrisk.json"
import "$work/bad/cut.json" "$work/bad/nores.json" "$data/NCT00763412.json"
expect "every bad file is named" 1 "nores.json: NCT02210780: \\$: record has no results"
expect "... the first too" 1 "cut.json:[0-9]+:[0-9]+: malformed JSON"
expect "... and counted" 1 "^meta import ctgov: error: 2 problems in the input, nothing was imported$"
refused "a missing file" "$work/bad/none.json: No such file or directory" "$work/bad/none.json"
mkfifo "$work/bad/fifo.json"
refused "a FIFO is refused, never waited on" "fifo.json: not a regular file" "$work/bad/fifo.json"
mkdir -p "$work/empty"
refused "a directory without records" "$work/empty: no \*.json or \*.xml file in the directory" \
    "$work/empty"
cp "$data/NCT02210780.json" "$work/bad/again.json"
refused "the same trial in two files" \
    "$work/bad/again.json: NCT02210780: the trial is in $data/NCT02210780.json too" \
    "$data/NCT02210780.json" "$work/bad/again.json"

# mappings that name unknown groups
head="nct,section,group_id,group_title,treatment,confidence,confirmed,reason"
printf '%s\nNCT02210780,outcome 1,OG007,Placebo qw,placebo,high,,\n' "$head" >"$work/bad/m1.csv"
refused "a mapping naming a group the record lacks" \
    "$work/bad/m1.csv:2: NCT02210780: outcome 1 has no group 'OG007' in $data/NCT02210780.json" \
    --mapping "$work/bad/m1.csv" "$data/NCT02210780.json"
printf '%s\nNCT02210780,outcome 40,OG000,Placebo qw,placebo,high,,\n' "$head" >"$work/bad/m2.csv"
refused "a mapping naming a section the record lacks" \
    "$work/bad/m2.csv:2: NCT02210780: no section 'outcome 40' in $data/NCT02210780.json \(it has outcome 1 to outcome 11 and adverse events\)" \
    --mapping "$work/bad/m2.csv" "$data/NCT02210780.json"
printf '%s\nNCT02210780,adverse events,EG001,Placebo qw,placebo,high,,\n' "$head" >"$work/bad/m3.csv"
refused "a mapping naming a group by another title" \
    "$work/bad/m3.csv:2: NCT02210780: adverse events group 'EG001' is titled 'Dupilumab 300 mg qw' in $data/NCT02210780.json, not 'Placebo qw'" \
    --mapping "$work/bad/m3.csv" "$data/NCT02210780.json"
printf '%s\nNCT09999999,outcome 1,OG000,Placebo,placebo,high,,\n' "$head" >"$work/bad/m4.csv"
refused "a mapping naming a trial of no file imported" \
    "$work/bad/m4.csv:2: NCT09999999: no file of this import holds this trial" \
    --mapping "$work/bad/m4.csv" "$data/NCT02210780.json"
printf '%s\nNCT02210780,outcome 1,OG000,Placebo qw,placebo,low,maybe,\n' "$head" >"$work/bad/m5.csv"
refused "a confirmed column that is neither yes nor no" \
    "$work/bad/m5.csv:2:7: confirmed must be yes, no or empty, got 'maybe'" \
    --mapping "$work/bad/m5.csv" "$data/NCT02210780.json"
printf 'nct,section,group_id,group_title\n' >"$work/bad/m6.csv"
refused "a mapping without its treatment column" "$work/bad/m6.csv:1: missing column 'treatment'" \
    --mapping "$work/bad/m6.csv" "$data/NCT02210780.json"
refused "a mapping that does not exist" "$work/bad/none.csv: No such file or directory" \
    --mapping "$work/bad/none.csv" "$data/NCT02210780.json"

# a record that breaks a storage rule against the registry: an outcome of
# another kind (in a registry of its own)
fresh_db meta_test_import_ctgov_kind
printf 'trial,treatment,outcome,n,mean,sd\nX1,a,AE serious: Hallucination,10,1,1\nX1,b,AE serious: Hallucination,10,2,1\n' \
    >"$work/bad/kind.csv"
run "$META" load --db "$DB" "$work/bad/kind.csv"
expect "an outcome loaded as continuous" 0
before=$(rows)
loads=$(sql "SELECT count(*) FROM loads")
refused "an outcome of another kind in the registry, named with file, NCT id and path" \
    "^meta import ctgov: error: $work/variants/variants.json: NCT99999901: studies\[0\].resultsSection.adverseEventsModule.seriousEvents\[0\].stats\[0\]: outcome 'AE serious: Hallucination' is continuous in the registry, got a binary row$" \
    "$work/variants"

finish
