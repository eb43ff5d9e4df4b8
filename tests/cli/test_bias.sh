#!/usr/bin/env bash
# meta bias, meta regress, meta pool --influence and the funnel's
# trim-and-fill and contours end to end: the outputs' shapes (table notes,
# CSV rows and columns, JSON fields), the moderators' rules on constructed
# trials (a trial lacking a moderator, treatment arms that disagree, a level
# of one trial; one value, collinear moderators, a misspelt attribute),
# Mantel-Haenszel, conventions, usage errors, plots in every format, the
# analysis-file keys through meta run, and the help texts. The numbers are
# checked against metafor by test_bias_reference.c.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/harness.sh"
data=$(cd "$here/../data" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fresh_db meta_test_bias
export META_DB=$DB

# D1..D9 of tests/analysis/bias_reference.R: D7 lacks dose, D8's two drug
# arms disagree on route, oral is a level of one trial (D6), country has one
# value, dose2 = 2 dose.
cat >"$work/doses.csv" <<'EOF'
trial,arm,treatment,outcome,n,mean,sd,dose,route,country,dose2
D1,drug,drug,pain,40,5.0,2.0,1,iv,NO,2
D1,placebo,placebo,pain,40,6.2,2.1,,,NO,
D2,drug,drug,pain,25,4.1,1.8,2,iv,NO,4
D2,placebo,placebo,pain,24,6.0,2.0,,,NO,
D3,drug,drug,pain,60,5.5,2.2,1,im,NO,2
D3,placebo,placebo,pain,62,6.1,2.3,,,NO,
D4,drug,drug,pain,15,3.2,1.5,4,im,NO,8
D4,placebo,placebo,pain,16,5.9,1.7,,,NO,
D5,drug,drug,pain,80,5.8,2.0,0.5,iv,NO,1
D5,placebo,placebo,pain,78,6.3,2.1,,,NO,
D6,drug,drug,pain,20,3.9,1.9,3,oral,NO,6
D6,placebo,placebo,pain,21,6.4,2.2,,,NO,
D7,drug,drug,pain,30,4.4,2.1,,im,NO,
D7,placebo,placebo,pain,30,5.6,2.0,,,NO,
D8,drug low,drug,pain,22,4.0,1.6,2,iv,NO,4
D8,drug high,drug,pain,23,4.3,1.7,2,im,NO,4
D8,placebo,placebo,pain,45,6.0,1.9,,,NO,
D9,drug,drug,pain,50,5.0,2.0,1.5,iv,NO,3
D9,placebo,placebo,pain,50,6.0,2.0,,,NO,
EOF
run "$META" load "$work/doses.csv" "$data/bcg_regression.csv" "$data/zero_cells.csv"
expect "load the fixtures" 0

d=(--outcome pain --treatment drug --control placebo)
bcg=(--outcome bcg_reg --treatment bcg_reg-treated --control bcg_reg-control --measure RR)
json() { python3 -c "import json, sys; d = json.load(sys.stdin); print($1)" <<<"$out"; }

# ---- meta bias ---------------------------------------------------------------

run "$META" bias "${d[@]}"
expect "bias: table" 0 "^Small-study effects \(k = 9\)$"
expect "bias: Egger's row with t on 7 df (bias_reference.R: -5.5047)" 0 \
    "^Egger's regression test +-5\.5047 +1\.9823 +t\(7\) = -2\.78 +0\.0274"
expect "bias: Begg's tau" 0 "tau = -0\.6111"
expect "bias: trim-and-fill" 0 "^Trim-and-fill \(estimator L0\): 1 trial estimated missing on the right$"
expect "bias: below 10 trials the table says so" 0 "^Note: below 10 studies the tests have little power"
run "$META" bias "${bcg[@]}"
expect_no "bias: no power note at k = 13" "little power"
run "$META" bias "${d[@]}" --format json
expect "bias: json" 0
[[ $(json 'd["k"], d["egger"]["df"], d["regtest"]["df"], d["trimfill"]["k0"], d["trimfill"]["side"], len(d["notes"])') == "9 7 None 1 right 1" ]] &&
    ok "bias json: k, egger df, regtest df null under z, k0, side, the note" ||
    not_ok "bias json fields: $(json 'd.keys()')"
run "$META" bias "${d[@]}" --ci hksj --estimator R0 --format json
[[ $(json 'd["regtest"]["df"], d["trimfill"]["estimator"]') == "7 R0" ]] &&
    ok "bias json: regtest t on k - 2 df under hksj; R0" || not_ok "bias hksj/R0: $out"
run "$META" bias "${bcg[@]}" --format json
[[ $(json 'sorted(d["trimfill"]["exp"]), sorted(d["egger"]["exp"])') == \
    "['ci_lower', 'ci_upper', 'estimate'] ['limit_ci_lower', 'limit_ci_upper', 'limit_estimate']" ]] &&
    ok "bias json: exp for a ratio measure" || not_ok "bias json exp: $out"
run "$META" bias "${d[@]}" --format csv
expect "bias: csv header" 0 "^type,subgroup,trial,.*,reason,name,coefficient,kendall_tau,estimator,side,k0,QM,QM_df,QM_p,R2,rstudent"
for row in egger regtest begg trimfill trimfill_study; do
    grep -q "^$row," <<<"$out" && ok "bias csv: a $row row" || not_ok "bias csv: no $row row"
done

# Mantel-Haenszel: the tests on the trials' own effects, no trim-and-fill.
run "$META" bias "${bcg[@]}" --method MH --format json
[[ $(json 'd["trimfill"], d["egger"]["df"], d["regtest"]["df"], d["notes"][0][:13]') == \
    "None 11 None trim-and-fill" ]] &&
    ok "bias under MH: trimfill null, why in the notes" || not_ok "bias under MH: $out"
run "$META" bias "${bcg[@]}" --method MH
expect "bias under MH: the table says why" 0 "^Note: trim-and-fill needs an inverse-variance analysis"
run "$META" funnel "${bcg[@]}" --method MH --trimfill -o "$work/x.png"
expect "funnel --trimfill under MH: a usage error" 2 "metafor has none for method MH"
run "$META" pool "${bcg[@]}" --method PETO --measure OR --influence
expect "influence under Peto: a usage error" 2 \
    "influence diagnostics needs an inverse-variance analysis"
run "$META" regress "${bcg[@]}" --mods ablat --method MH --model common
expect "regress under MH: a usage error" 2 "a meta-regression needs an inverse-variance analysis"
# r-meta pools binary outcomes by MH unless asked for what needs inverse-variance
# weights: then its default is REML, here (no zero cells) metafor's numbers
run "$META" regress "${bcg[@]}" --mods ablat --format json
metafor_fit=$(json 'd["method"], [round(c["estimate"], 12) for c in d["coefficients"]], round(d["tau2"], 12)')
run "$META" regress "${bcg[@]}" --mods ablat --convention r-meta --format json
expect "regress under r-meta's defaults" 0 '"method": "REML"'
[[ $(json 'd["method"], [round(c["estimate"], 12) for c in d["coefficients"]], round(d["tau2"], 12)') == "$metafor_fit" ]] &&
    ok "regress under r-meta's defaults: REML as metafor" ||
    not_ok "regress under r-meta's defaults: $metafor_fit"
run "$META" regress "${bcg[@]}" --mods ablat --convention revman5 --plot "$work/bubble_revman5.svg"
expect "bubble plot under revman5" 0
grep -q "Convention: revman5 (RevMan 5 and RevMan Web)" "$work/bubble_revman5.svg" &&
    ok "bubble plot names its convention" || not_ok "bubble plot does not name its convention"
run "$META" pool "${bcg[@]}" --influence --convention r-meta
expect "influence under r-meta's defaults" 0 "random effects \(REML\)"
run "$META" funnel "${bcg[@]}" --trimfill --convention r-meta -o "$work/rmeta.png"
expect "funnel --trimfill under r-meta's defaults" 0 "funnel plot of 13 trials"

# Conventions: the effects are the convention's (revman5: S3, no events in
# either arm, is not estimable and not tested).
zc=(--outcome event --treatment drug --control placebo --method DL)
run "$META" bias "${zc[@]}" --format json
[[ $(json 'd["k"]') == 5 ]] && ok "bias metafor: the double zero tested (0.5 added)" || not_ok "k: $out"
run "$META" bias "${zc[@]}" --convention revman5 --format json
[[ $(json 'd["k"], d["convention"]') == "4 revman5" ]] &&
    ok "bias revman5: the double zero not estimable, not tested" || not_ok "revman5 k: $out"

# Too few trials is an error naming the test.
run "$META" bias --outcome pain --treatment drug --control placebo --timepoint "" --measure SMD --format json
expect "bias on nine trials" 0
head -5 "$work/doses.csv" >"$work/two.csv"
sed -i 's/,pain,/,pain2,/' "$work/two.csv"
run "$META" load "$work/two.csv"
run "$META" bias --outcome pain2 --treatment drug --control placebo
expect "bias on two trials: Egger's test needs three" 1 "Egger's regression test needs at least 3 studies"

# ---- meta regress ------------------------------------------------------------

run "$META" regress "${d[@]}" --mods dose --format json
expect "regress dose" 0
[[ $(json 'd["k"], d["mods"], [c["name"] for c in d["coefficients"]], d["QM_df"], d["QE_df"]') == \
    "8 ['dose'] ['intercept', 'dose'] 1 6" ]] && ok "regress json: k, mods, coefficients, dfs" ||
    not_ok "regress json: $out"
[[ $(json '[(x["trial"], x["reason"]) for x in d["excluded"]]') == \
    "[('D7', \"no value of moderator 'dose'\")]" ]] &&
    ok "regress: a trial lacking the moderator is left out with the reason" || not_ok "excluded: $out"
[[ $(json 'round(d["coefficients"][1]["estimate"], 10), d["tau2"], d["R2"], d["df"]') == \
    "-0.7130876525 0 100 None" ]] && ok "regress: bias_reference.R's slope, tau^2 = 0, R^2 = 100" ||
    not_ok "regress numbers: $out"
[[ $(json 'd["studies"][6]["trial"], d["studies"][6]["mods"]["dose"], round(sum(s["weight"] for s in d["studies"]), 9)') == \
    "D8 2 100.0" ]] && ok "regress: studies with numeric moderator values and weights" ||
    not_ok "regress studies: $out"
run "$META" regress "${d[@]}" --mods route --model common --format json
[[ $(json '[c["name"] for c in d["coefficients"]], d["excluded"][0]["reason"], d["tau2"], d["R2"]') == \
    "['intercept', 'route=iv', 'route=oral'] its treatment arms disagree on moderator 'route' ('iv', 'im') None None" ]] &&
    ok "regress route: levels in byte order, arms that disagree left out, a level of one trial" ||
    not_ok "regress route: $out"
run "$META" regress "${d[@]}" --mods dose --ci hksj
expect "regress table under hksj: the F test" 0 "^Test of moderators \(coefficient 2\): F\(1, 6\) = 47\.90"
expect "regress table: left out" 0 "^  D7: no value of moderator 'dose'$"
run "$META" regress "${bcg[@]}" --mods ablat
expect "regress table: log scale said" 0 "^Coefficients on the log scale \(log RR\)"
run "$META" regress "${d[@]}" --mods dose --format csv
for row in regression coefficient regression_study regression_excluded; do
    grep -q "^$row," <<<"$out" && ok "regress csv: a $row row" || not_ok "regress csv: no $row row"
done
run "$META" regress "${d[@]}" --mods country
expect "a moderator with one value: an error" 1 "moderator 'country' has the same value 'NO' in all 9 trials"
run "$META" regress "${d[@]}" --mods dose,dose2
expect "collinear moderators: an error naming the column" 1 "meta regress: error: meta-regression: .*'dose2'"
run "$META" regress "${d[@]}" --mods dos
expect "a misspelt moderator: its close matches" 1 "no treatment arm has the attribute 'dos' to regress on \(close matches: 'dose'"
run "$META" regress "${d[@]}"
expect "regress without --mods: usage error" 2 "missing --mods"
run "$META" regress "${d[@]}" --mods dose --leave-one-out
expect "regress --leave-one-out: usage error" 2 "shown by 'meta pool'"
run "$META" regress "${d[@]}" --mods route --plot "$work/route.png"
expect "bubble plot of a categorical moderator: usage error" 2 "'route' is categorical"
run "$META" regress "${d[@]}" --mods dose,route --plot "$work/two.png"
expect "bubble plot of two moderators: usage error" 2 "one moderator, the regression has 2"
run "$META" regress "${d[@]}" --mods dose --plot "$work/x.jpg"
expect "bubble plot format: usage error" 2 "\.png, \.svg or \.pdf"
for ext in png svg pdf; do
    run "$META" regress "${bcg[@]}" --mods ablat --plot "$work/bubble.$ext" --title "BCG by latitude"
    expect "regress --plot bubble.$ext" 0 "bubble plot of 13 trials"
done
[[ $(head -c 8 "$work/bubble.png" | od -An -tx1 | tr -d ' \n') == 89504e470d0a1a0a ]] &&
    ok "bubble PNG signature" || not_ok "bubble PNG signature"
[[ $(head -c 5 "$work/bubble.pdf") == %PDF- ]] && ok "bubble PDF signature" || not_ok "bubble PDF"
run python3 -c 'import sys, xml.etree.ElementTree as E; t = E.parse(sys.argv[1]); print("\n".join("".join(e.itertext()) for e in t.iter() if e.tag.endswith("text")))' "$work/bubble.svg"
for text in "^BCG by latitude$" "^ablat$" "^Risk Ratio \(log scale\)$" "^Marker area proportional to weight" \
    "slope -0\.0291 \[-0\.0432, -0\.0150\] per unit of ablat"; do
    expect "bubble SVG shows '$text'" 0 "$text"
done
run "$META" regress "${bcg[@]}" --mods ablat --format json --plot "$work/quiet.png"
[[ $(json 'd["k"]') == 13 ]] && ok "regress --format json --plot: stdout stays JSON" || not_ok "json with --plot: $out"

# ---- meta pool --influence -------------------------------------------------------

run "$META" pool "${d[@]}" --influence
expect "pool --influence: the table" 0 "^Trial +rstudent +dffits +cook\.d +cov\.r +tau2\.del +QE\.del +hat +weight +inf$"
run "$META" pool "${d[@]}" --influence --format json
[[ $(json 'len(d["influence"]), sorted(d["influence"][0])') == \
    "9 ['QE_del', 'cook_d', 'cov_r', 'dffits', 'hat', 'influential', 'rstudent', 'tau2_del', 'trial', 'weight']" ]] &&
    ok "pool --influence json: one entry per trial, every field" || not_ok "influence json: $out"
run "$META" pool "${d[@]}" --influence --format csv
expect "pool --influence csv: a column per field" 0 "^type,.*,rstudent,dffits,cook_d,cov_r,tau2_del,QE_del,hat,influential$"
[[ $(grep -c '^influence,' <<<"$out") == 9 ]] && ok "pool --influence csv: nine rows" || not_ok "influence rows"
run "$META" pool "${d[@]}" --format csv
expect "pool csv without extras keeps its 40 columns" 0 "^type,subgroup,.*,exp_pi_upper,reason$"
run "$META" pool "${d[@]}" --estimator R0
expect "--estimator without trim-and-fill: usage error" 2 "estimator is trim-and-fill's"
run "$META" pool "${bcg[@]}" --bias --mods ablat --format json
[[ $(json '"egger" in d, d["regression"]["k"], d["k"]') == "True 13 13" ]] &&
    ok "pool --bias --mods: the pooled result with the tests and the regression" || not_ok "$out"

# ---- funnel: trim-and-fill and contours ------------------------------------------------

for ext in png svg pdf; do
    run "$META" funnel "${bcg[@]}" --trimfill --contours -o "$work/funnel.$ext" --script "$work/funnel_$ext.gp"
    expect "funnel --trimfill --contours .$ext" 0 "funnel plot of 13 trials"
done
run grep -c "set object polygon" "$work/funnel_svg.gp"
expect "contours: three shaded regions" 0 "^3$"
run grep -A1 '^\$filled << EOD' "$work/funnel_svg.gp"
expect "trim-and-fill: the filled trial in the script" 0 "^1\.3639"
run python3 -c 'import sys, xml.etree.ElementTree as E; t = E.parse(sys.argv[1]); print(" ".join("".join(e.itertext()) for e in t.iter() if e.tag.endswith("text")))' "$work/funnel.svg"
expect "funnel SVG: the key" 0 "Filled \(trim-and-fill\).*Adjusted estimate.*p > 0\.10.*0\.05 < p < 0\.10.*0\.01 < p < 0\.05.*p < 0\.01"
run "$META" forest "${bcg[@]}" --trimfill -o "$work/forest.png"
expect "forest --trimfill: usage error" 2 "--trimfill is shown by 'meta bias' and 'meta funnel --trimfill'"
run "$META" funnel "${bcg[@]}" --influence -o "$work/forest.png"
expect "funnel --influence: usage error" 2 "--influence is shown by 'meta pool --influence'"
run "$META" bias "${bcg[@]}" --mods ablat
expect "bias --mods: usage error" 2 "--mods is shown by 'meta regress'"

# ---- analysis files ------------------------------------------------------------------

mkdir -p "$work/analyses"
cat >"$work/analyses/latitude.ini" <<'EOF'
[analysis]
outcome = bcg_reg
treatment = bcg_reg-treated
control = bcg_reg-control
measure = RR
bias = true
trimfill = true
estimator = R0
influence = true
mods = ablat
contours = true
title = BCG by latitude
funnel = latitude_funnel.svg
bubble = latitude_bubble.png
bubble = latitude_bubble.pdf
table = latitude.txt
csv = latitude.csv
json = latitude.json
EOF
run "$META" run --out "$work/out" "$work/analyses/latitude.ini"
expect "meta run with bias, influence, mods, contours and bubble" 0 "^1 analysis: 1 ok, 0 failed$"
for f in latitude_funnel.svg latitude_bubble.png latitude_bubble.pdf latitude.txt latitude.csv latitude.json; do
    [[ -s $work/out/$f ]] && ok "run wrote $f" || not_ok "run did not write $f"
done
run python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print(d["trimfill"]["estimator"], len(d["influence"]), d["regression"]["mods"], "egger" in d)' "$work/out/latitude.json"
expect "run json: trim-and-fill R0, influence, regression, tests" 0 "^R0 13 \['ablat'\] True$"
run grep -c "^Influence diagnostics\|^Small-study effects\|^Meta-regression on ablat" "$work/out/latitude.txt"
expect "run table: the three sections" 0 "^3$"
grep -q "Adjusted estimate" "$work/out/latitude_funnel.svg" && grep -q "p &lt; 0.01\|p < 0.01" "$work/out/latitude_funnel.svg" &&
    ok "run funnel: trim-and-fill and contours" || not_ok "run funnel lacks trim-and-fill or contours"
printf '[analysis]\noutcome = bcg_reg\ntreatment = bcg_reg-treated\ncontrol = bcg_reg-control\nbubble = b.png\n' >"$work/analyses/nomods.ini"
run "$META" run --out "$work/out" "$work/analyses/nomods.ini"
expect "bubble without mods: the file's line" 1 "FAIL .*nomods.ini:5: a bubble plot shows a meta-regression: add 'mods = ATTR'"
printf '[analysis]\noutcome = bcg_reg\ntreatment = bcg_reg-treated\ncontrol = bcg_reg-control\nbias = true\nfunnel = f.png\n' >"$work/analyses/plotonly.ini"
run "$META" run --out "$work/out" "$work/analyses/plotonly.ini"
expect "bias with plots only: refused" 1 "bias, influence and mods show in table, csv and json outputs"
printf '[analysis]\noutcome = bcg_reg\ntreatment = bcg_reg-treated\ncontrol = bcg_reg-control\nestimator = L1\njson = x.json\n' >"$work/analyses/badest.ini"
run "$META" run --out "$work/out" "$work/analyses/badest.ini"
expect "a bad estimator: the file's line" 1 "badest.ini:5: unknown estimator 'L1' \(use L0 or R0\)"
printf '[analysis]\noutcome = bcg_reg\ntreatment = bcg_reg-treated\ncontrol = bcg_reg-control\nmods = alloc\nbubble = b.png\n' >"$work/analyses/categorical.ini"
run "$META" run --out "$work/out" "$work/analyses/categorical.ini"
expect "bubble of a categorical moderator: FAIL" 1 "FAIL .*categorical.ini: a bubble plot needs a numeric moderator: 'alloc' is categorical"

# ---- help ------------------------------------------------------------------------------

run "$META" help
expect "help lists bias" 0 "^  bias +small-study tests"
expect "help lists regress" 0 "^  regress +meta-regression"
run "$META" bias --help
expect "bias --help" 0 "--estimator E"
run "$META" regress --help
expect "regress --help" 0 "--plot FILE"
run "$META" funnel --help
expect "funnel --help: contours" 0 "--contours"
run "$META" pool --help
expect "pool --help: influence" 0 "--influence"

finish
