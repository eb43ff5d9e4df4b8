#!/usr/bin/env bash
# meta pool end to end with the built binary, on a small registry made for
# the purpose: every usage error and its exit code, the table and csv
# shapes, trials left out with their reasons, the ambiguous time point,
# close-match suggestions, subgroups, leave-one-out and cumulative output,
# and JSON that never holds NaN or Infinity.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/harness.sh"
: "${META_TEST_DB:?META_TEST_DB must name the test server (run through ctest)}"
unset META_DB
work=$(mktemp -d /tmp/meta-pooltest-XXXXXX)
trap 'rm -rf "$work"' EXIT
dbname=meta_test_pool_sh
psql "$META_TEST_DB" -qc "DROP DATABASE IF EXISTS $dbname WITH (FORCE)" >/dev/null 2>&1
psql "$META_TEST_DB" -qc "CREATE DATABASE $dbname" >/dev/null || { echo "cannot create $dbname"; exit 1; }
DB="$META_TEST_DB dbname=$dbname"

# pain_nrs has two time points; hallucinations one. Gamma lacks a control
# arm, Delta a ketamine arm; Epsilon's ketamine arm (n = 1) gives no SMD or
# MD; Beta has two ketamine arms against saline; Zeta's ketamine arm lacks
# the dose attribute and it is a double-zero trial for hallucinations; Eta's
# treatment name holds a comma, and so does its trial name: with
# --treatment ketamine it has no treatment arm.
cat >"$work/fixture.csv" <<'EOF'
trial,arm,treatment,outcome,timepoint,n,mean,sd,events,total,year,dose
Alpha 2015,ketamine,ketamine,pain_nrs,24h,30,2.1,1.4,,,2015,0.5
Alpha 2015,placebo,placebo,pain_nrs,24h,31,3.5,1.6,,,2015,
Alpha 2015,ketamine,ketamine,pain_nrs,48h,30,2.0,1.3,,,2015,0.5
Alpha 2015,placebo,placebo,pain_nrs,48h,31,3.1,1.5,,,2015,
Beta 2017,ketamine low,ketamine,pain_nrs,24h,20,2.5,1.2,,,2017,0.25
Beta 2017,ketamine high,ketamine,pain_nrs,24h,22,2.2,1.1,,,2017,1
Beta 2017,saline,saline,pain_nrs,24h,25,3.4,1.3,,,2017,
Gamma 2012,ketamine,ketamine,pain_nrs,24h,15,3.0,1.5,,,2012,0.5
Delta 2019,placebo,placebo,pain_nrs,24h,40,3.6,1.7,,,2019,
Epsilon 2020,ketamine,ketamine,pain_nrs,24h,1,2.0,1.0,,,2020,0.5
Epsilon 2020,placebo,placebo,pain_nrs,24h,12,3.0,1.2,,,2020,
Zeta 2021,ketamine,ketamine,pain_nrs,24h,25,2.4,1.3,,,2021,
Zeta 2021,placebo,placebo,pain_nrs,24h,25,3.3,1.4,,,2021,
"Eta, 2022",oral,"ketamine, oral",pain_nrs,24h,18,2.9,1.2,,,2022,
"Eta, 2022",placebo,placebo,pain_nrs,24h,18,3.2,1.3,,,2022,
Alpha 2015,ketamine,ketamine,hallucinations,,,,,5,30,2015,0.5
Alpha 2015,placebo,placebo,hallucinations,,,,,0,31,2015,
Beta 2017,ketamine low,ketamine,hallucinations,,,,,3,20,2017,0.25
Beta 2017,ketamine high,ketamine,hallucinations,,,,,6,22,2017,1
Beta 2017,saline,saline,hallucinations,,,,,1,25,2017,
Zeta 2021,ketamine,ketamine,hallucinations,,,,,0,25,2021,
Zeta 2021,placebo,placebo,hallucinations,,,,,0,25,2021,
EOF
run "$META" load --db "$DB" "$work/fixture.csv"
expect "fixture loads" 0

pool() { run "$META" pool --db "$DB" "$@"; }
pain=(--outcome pain_nrs --timepoint 24h --treatment ketamine --control placebo,saline)
hall=(--outcome hallucinations --treatment ketamine --control placebo,saline)
# flat JSON: the pretty-printed output on one line without blanks
flat() { tr -d ' \n' <<<"$out"; }

# ---- help -------------------------------------------------------------------
run "$META" pool --help
expect "pool --help" 0 "usage: meta pool --outcome NAME --treatment"
run "$META" help pool
expect "help pool" 0 "--leave-one-out"
run "$META" help
expect "help lists pool" 0 "pool +pooled effect"

# ---- usage errors: exit 2, house format, what would be valid ------------------
pool --treatment ketamine --control placebo
expect "missing --outcome" 2 "^meta pool: error: missing --outcome"
pool --outcome pain_nrs --control placebo
expect "missing --treatment" 2 "meta pool: error: missing --treatment"
pool --outcome pain_nrs --treatment ketamine
expect "missing --control" 2 "meta pool: error: missing --control"
pool "${pain[@]}" --frobnicate
expect "unknown option" 2 "unknown option '--frobnicate'"
pool "${pain[@]}" --measur SMD
expect "unknown option suggests the close one" 2 "did you mean: 'measure'"
pool "${pain[@]}" stray
expect "positional argument" 2 "unexpected argument 'stray'"
pool "${pain[@]}" --level 150
expect "--level 150" 2 "level must be between 0 and 100"
pool "${pain[@]}" --level abc
expect "--level abc" 2 "level must be a number"
pool "${pain[@]}" --level 0.95
expect "--level 0.95 is a proportion" 2 "did you mean 95"
pool "${pain[@]}" --measure XX
expect "unknown measure lists the measures" 2 "unknown measure 'XX' \(use MD, SMD or ROM"
pool "${pain[@]}" --model mixed
expect "unknown model" 2 "unknown model 'mixed' \(use common or random\)"
pool "${pain[@]}" --method XYZ
expect "unknown method lists the methods" 2 "unknown method 'XYZ' \(common: IV, MH, PETO; random: DL"
pool "${pain[@]}" --ci wald
expect "unknown ci" 2 "unknown ci 'wald' \(use z or hksj\)"
pool "${pain[@]}" --format xml
expect "unknown format" 2 "unknown format 'xml' \(use table, csv or json\)"
pool "${pain[@]}" --outcome
expect "option without its value" 2 "option '--outcome' needs a value"
pool --outcome pain_nrs --treatment ketamine,,x --control placebo
expect "empty name in a list" 2 "has an empty name"
pool --outcome pain_nrs --treatment ketamine --control placebo,ketamine
expect "a treatment on both sides" 2 "'ketamine' is in both --treatment and --control"
pool "${hall[@]}" --method MH --model random
expect "MH under --model random" 2 "method 'MH' does not go with --model random \(random: DL"
pool "${hall[@]}" --method PETO --measure RR
expect "PETO with RR" 2 "method 'PETO' needs measure OR, not 'RR' \(Peto pools odds ratios; for RR use --method MH or IV\)"
pool "${hall[@]}" --method MH --ci hksj
expect "hksj with MH" 2 "ci 'hksj' is not available with method 'MH' \(use --ci z"
pool "${hall[@]}" --method DL --model common
expect "DL under --model common" 2 "does not go with --model common \(common: IV, MH, PETO"
pool "${pain[@]}" --measure RR
expect "RR on a continuous outcome" 2 "outcome 'pain_nrs' is continuous: measure 'RR' does not apply \(use MD, SMD or ROM\)"
pool "${hall[@]}" --measure SMD
expect "SMD on a binary outcome" 2 "is binary: measure 'SMD' does not apply \(use RR, OR or RD\)"
pool "${pain[@]}" --method MH
expect "MH on a continuous outcome" 2 "method 'MH' needs a binary outcome"
expect_no "usage errors print nothing on stdout" "^\{"

# ---- data errors: exit 1 with the choices ----------------------------------------
pool --outcome pain_nsr --treatment ketamine --control placebo
expect "unknown outcome suggests the close one" 1 "^meta pool: error: unknown outcome 'pain_nsr' \(close matches: 'pain_nrs'\)"
pool --outcome PAIN --treatment ketamine --control placebo
expect "outcome suggestion by substring, case-insensitive" 1 "close matches: 'pain_nrs'"
pool --outcome zzzzzz --treatment ketamine --control placebo
expect "unknown outcome with nothing close" 1 "unknown outcome 'zzzzzz' \(nothing close"
pool --outcome pain_nrs --timepoint 24h --treatment Ketamine --control placebo
expect "unknown treatment suggests case-insensitive matches" 1 "unknown treatment 'Ketamine' \(close matches: 'ketamine'"
pool --outcome pain_nrs --timepoint 24h --treatment ketamin --control placebo
expect "unknown treatment suggests by edit distance" 1 "unknown treatment 'ketamin' \(close matches: 'ketamine'"
pool --outcome pain_nrs --timepoint 24h --treatment ketamine --control placebo,salin
expect "unknown control suggests" 1 "unknown treatment 'salin' \(close matches: 'saline'"
pool --outcome pain_nrs --treatment ketamine --control placebo
expect "ambiguous time point lists the choices" 1 "outcome 'pain_nrs' has several time points: '24h', '48h' \(choose one with --timepoint\)"
pool --outcome pain_nrs --timepoint 72h --treatment ketamine --control placebo
expect "unknown time point lists the choices" 1 "outcome 'pain_nrs' has no time point '72h' \(it has: '24h', '48h'\)"
pool --outcome pain_nrs --timepoint 48h --treatment saline --control placebo
expect "nothing to pool" 1 "no trial to pool for outcome 'pain_nrs'"
run "$META" pool --db "host=$work/nowhere dbname=meta" "${pain[@]}"
expect "database down" 1 "meta pool: error: cannot connect to the database"

# ---- exclusions and combined arms (json) -------------------------------------------
pool "${pain[@]}" --format json
expect "pain at 24h pools" 0 '"k": 3'
f=$(flat)
[[ $f == *'"trial":"Gamma2012","reason":"noplaceboorsalinearm"'* ]] && ok "no control arm reported" || not_ok "no control arm reported"
[[ $f == *'"trial":"Delta2019","reason":"noketaminearm"'* ]] && ok "no treatment arm reported" || not_ok "no treatment arm reported"
[[ $f =~ \"trial\":\"Epsilon2020\",\"reason\":\"[^\"]*n[^\"]*\" ]] && ok "inestimable trial reported with its reason" || not_ok "inestimable trial reported"
[[ $f == *'"trial":"Beta2017"'*'"treatment_arm":{"n":42,'*'"treatment_arms":2,"control_arms":1'* ]] && ok "Beta's two ketamine arms combined" || not_ok "Beta's two ketamine arms combined"
[[ $f == *'"timepoint":"24h","treatment":["ketamine"],"control":["placebo","saline"],"measure":"MD","model":"random","method":"REML","ci":"z","level":95'* ]] && ok "json header: defaults for a continuous outcome" || not_ok "json header defaults"
expect_no "json has no NaN or Infinity" "[Nn]a[Nn]|[Ii]nf"
expect "json: df is null under z" 0 '"df": null'
expect "json: exp is null for MD" 0 '"exp": null'

pool "${hall[@]}" --format json
f=$(flat)
[[ $f == *'"measure":"RR","model":"random","method":"REML"'* ]] && ok "binary default measure RR" || not_ok "binary default measure RR"
[[ $f == *'"exp":{"estimate":'*'"pi_lower":'* ]] && ok "exp for a ratio measure" || not_ok "exp for a ratio measure"
pool "${hall[@]}" --method MH --format json
f=$(flat)
[[ $f == *'"model":"common","method":"MH"'*'"k":3,'* ]] && ok "MH implies the common model; the double-zero trial counts in k" || not_ok "MH with a double-zero trial"
[[ $f == *'"tau2":null'*'"pi_lower":null'* ]] && ok "common model: tau2 and pi null" || not_ok "common model nulls"
expect_no "MH json has no NaN or Infinity" "[Nn]a[Nn]|[Ii]nf"
pool "${hall[@]}" --method PETO --format json
expect "PETO implies OR" 0 '"measure": "OR"'

pool --outcome pain_nrs --timepoint 24h --treatment 'ketamine\, oral' --control placebo --format json
f=$(flat)
[[ $f == *'"treatment":["ketamine,oral"]'*'"k":1,'*'"trial":"Eta,2022"'* ]] && ok "escaped comma selects one name; k = 1" || not_ok "escaped comma"
expect_no "k = 1 json has no NaN or Infinity" "[Nn]a[Nn]|[Ii]nf"
META_DB="$DB" run "$META" pool "${pain[@]}" --format json
expect "META_DB names the registry" 0 '"k": 3'

# ---- table ----------------------------------------------------------------------------
pool "${pain[@]}"
expect "table: title" 0 "^Outcome: pain_nrs, time point '24h'; ketamine vs placebo/saline"
expect "table: measure line" 0 "^Measure: MD, mean difference; random effects \(REML\); 95% CI \(z\)$"
expect "table: column headers" 0 "^Trial +N +Mean +SD +N +Mean +SD +MD +Weight$"
expect "table: a trial row" 0 "^Alpha 2015 +30 +2\.1 +1\.4 +31 +3\.5 +1\.6 +-1\.40 +\[-?[0-9.]+, +-?[0-9.]+\] +[0-9.]+%$"
expect "table: combined arms are marked" 0 "^Beta 2017 \* +42 "
expect "table: pooled row" 0 "^Total, random effects \(k = 3\) .* 100\.0%$"
expect "table: prediction interval" 0 "^Prediction interval +\["
expect "table: heterogeneity" 0 "^Heterogeneity: tau\^2 = [0-9.]+ \[[0-9.]+, [0-9.]+\]; tau = [0-9.]+; I\^2 = [0-9.]+%; H\^2 = [0-9.]+"
expect "table: Q line" 0 "Q = [0-9.]+, df = 2, p = 0\.[0-9]{4}"
expect "table: overall effect" 0 "^Test for overall effect: z = -?[0-9.]+, p"
expect "table: left out with reasons" 0 "Left out \(4 trials\):"
expect "table: reason" 0 "^  Delta 2019: no ketamine arm$"
widths=$(grep -E '%$' <<<"$out" | awk '{ print length($0) }' | sort -u | wc -l)
[[ $widths -eq 1 ]] && ok "table: weight column aligned" || not_ok "table: weight column aligned"
pool "${hall[@]}" --measure OR
expect "table: binary headers" 0 "^Trial +Events +Total +Events +Total +OR +Weight$"
expect "table: ratio shown back-transformed with the log scale noted" 0 "^Log scale: log OR = "
pool "${hall[@]}" --model common --ci z
expect "table: common model heterogeneity" 0 "^Heterogeneity: I\^2 = .*; Q = "
expect_no "table: no prediction interval under the common model" "Prediction interval"
pool "${pain[@]}" --ci hksj
expect "table: t test under hksj" 0 "Test for overall effect: t\(2\) = "

# ---- csv -------------------------------------------------------------------------------
pool "${pain[@]}" --format csv
expect "csv" 0 "^type,subgroup,trial,year,k,treatment_n,treatment_mean,treatment_sd,treatment_events,treatment_total,control_n,control_mean,control_sd,control_events,control_total,estimate,se,ci_lower,ci_upper,exp_estimate,exp_ci_lower,exp_ci_upper,weight,statistic,df,p,tau2,tau2_ci_lower,tau2_ci_upper,tau,I2,H2,Q,Q_df,Q_p,pi_lower,pi_upper,exp_pi_lower,exp_pi_upper,reason$"
[[ $(grep -c '^study,' <<<"$out") -eq 3 ]] && ok "csv: one row per trial" || not_ok "csv: one row per trial"
[[ $(grep -c '^pooled,' <<<"$out") -eq 1 ]] && ok "csv: one pooled row" || not_ok "csv: one pooled row"
[[ $(grep -c '^excluded,' <<<"$out") -eq 4 ]] && ok "csv: excluded rows" || not_ok "csv: excluded rows"
expect "csv: excluded reason" 0 "^excluded,,Gamma 2012,(,)+no placebo or saline arm$"
fields=$(grep -v '"' <<<"$out" | awk -F, '{ print NF }' | sort -u)
[[ $fields == 40 ]] && ok "csv: 40 fields on every unquoted row" || not_ok "csv: 40 fields on every row ($fields)"
expect "csv: a reason with a comma is quoted" 0 '^excluded,,Epsilon 2020,(,)+"[^"]*, got 1"$' 
expect "csv: full precision" 0 "^study,,Beta 2017,2017,,42,2\.342857142857143,1\.1445827564711737,"
pool --outcome pain_nrs --timepoint 24h --treatment 'ketamine\, oral' --control placebo --format csv
expect "csv: quoted trial name" 0 '^study,,"Eta, 2022",2022,'

# ---- subgroups -------------------------------------------------------------------------
pool "${pain[@]}" --by dose --format json
expect "by dose" 0 '"by": "dose"'
f=$(flat)
[[ $f == *'"subgroups":[{"value":"0.25",'*'{"value":"0.5",'*'{"value":"1",'*'{"value":null,'* ]] && ok "subgroups sorted numerically, missing last as null" || not_ok "subgroup values"
[[ $f == *'"subgroup_test":{"Q":'*',"df":3,"p":'* ]] && ok "subgroup test on G - 1 df" || not_ok "subgroup test"
[[ $(grep -o '"trial": "Beta 2017"' <<<"$out" | wc -l) -eq 3 ]] && ok "a shared control arm serves in both subgroups" || not_ok "shared control arm"
expect_no "subgroup json has no NaN or Infinity" "[Nn]a[Nn]|[Ii]nf"
pool "${pain[@]}" --by dose
expect "table: subgroup heading" 0 "^dose = 0\.25$"
expect "table: missing attribute subgroup" 0 "^dose = \(missing\)$"
expect "table: subtotal" 0 "^Subtotal \(k = 1\)"
expect "table: test for subgroup differences" 0 "^Test for subgroup differences: Q = [0-9.]+, df = 3, p"
pool "${pain[@]}" --by dose --format csv
expect "csv: subgroup rows" 0 "^subgroup_pooled,0\.25,"
expect "csv: subgroup test row" 0 "^subgroup_test,"
pool "${pain[@]}" --by nosuchattribute --format json
expect "an attribute no treatment arm has is an error naming those they have" 1 \
    "meta pool: error: no treatment arm has the attribute 'nosuchattribute' .*the treatment arms have: .*dose"
pool "${pain[@]}" --by dos
expect "a mistyped --by suggests the close match" 1 "close matches: 'dose'"

# ---- leave-one-out and cumulative -------------------------------------------------------
pool "${pain[@]}" --leave-one-out --cumulative --format json
f=$(flat)
[[ $f == *'"leave_one_out":[{"omitted":"'*'","k":2,'*'{"omitted":"'*'","k":2,'*'{"omitted":"'*'","k":2,'* ]] && ok "json: leave_one_out" || not_ok "json: leave_one_out"
[[ $f == *'"cumulative":[{"added":"Alpha2015","year":2015,"k":1,'*'{"added":"Beta2017","year":2017,"k":2,'*'{"added":"Zeta2021","year":2021,"k":3,'* ]] && ok "json: cumulative by year" || not_ok "json: cumulative by year"
pool "${pain[@]}" --leave-one-out --cumulative
expect "table: leave-one-out" 0 "^Leave-one-out: each trial omitted in turn$"
expect "table: cumulative" 0 "^Cumulative: trials added by year$"
expect "table: cumulative row" 0 "^Zeta 2021 +2021 +3 +-?[0-9.]+ +\["
pool "${pain[@]}" --leave-one-out --cumulative --format csv
[[ $(grep -c '^leave_one_out,' <<<"$out") -eq 3 ]] && ok "csv: leave-one-out rows" || not_ok "csv: leave-one-out rows"
[[ $(grep -c '^cumulative,' <<<"$out") -eq 3 ]] && ok "csv: cumulative rows" || not_ok "csv: cumulative rows"
pool --outcome pain_nrs --timepoint 24h --treatment 'ketamine\, oral' --control placebo --leave-one-out
expect "leave-one-out needs two trials" 1 "leave-one-out needs at least 2 trials"

psql "$META_TEST_DB" -qc "DROP DATABASE IF EXISTS $dbname WITH (FORCE)" >/dev/null 2>&1
finish
