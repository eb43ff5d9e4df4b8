#!/usr/bin/env bash
# Names that would control a terminal: trials, arms, treatments, outcomes,
# time points and attributes holding escape sequences (colours, the window
# title) and line breaks that forge a line of meta's output. Tables
# (list, pool, subgroup headings, trials left out, a run's table file),
# error messages, load reports and run lines show them escaped (\033, \n);
# CSV and JSON keep them exact.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/harness.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fresh_db meta_test_terminal
esc=$'\033'

# no_controls NAME: neither output of the last run holds an escape character
# nor a line that a stored name forged.
no_controls() {
    if [[ $out$err == *"$esc"* ]]; then
        not_ok "$1: an escape character reached the terminal"
    elif grep -q '^FORGED' <<<"$out"$'\n'"$err"; then
        not_ok "$1: a name forged a line"
    else
        ok "$1: no control character, no forged line"
    fi
}

python3 - "$work/names.csv" <<'EOF'
import csv, sys
E = "\x1b"
evil_trial = "Evil " + E + "[31mred" + E + "[0m\nFORGED line"
rows = [["trial", "arm", "treatment", "outcome", "timepoint", "n", "mean", "sd", "dose"],
        [evil_trial, "arm" + E + "[1m", "ketamine", "pain", "24h", 30, 2.1, 1.4,
         "high" + E + "]0;title\x07"],
        [evil_trial, "placebo", "placebo", "pain", "24h", 31, 3.5, 1.6, ""],
        ["Plain 2020", "ketamine", "ketamine", "pain", "24h", 20, 2.5, 1.2, "low"],
        ["Plain 2020", "placebo", "placebo", "pain", "24h", 21, 3.0, 1.3, ""],
        ["Lonely\nFORGED too", "ketamine", "ketamine", "pain", "24h", 20, 2.5, 1.2, "low"],
        ["Plain 2020", "ketamine", "ketamine", "pain", "48h" + E + "[8m\nFORGED", 20, 2.4, 1.2, "low"],
        ["Plain 2020", "placebo", "placebo", "pain", "48h" + E + "[8m\nFORGED", 21, 3.1, 1.3, ""]]
with open(sys.argv[1], "w", newline="") as f:
    csv.writer(f, lineterminator="\n").writerows(rows)
EOF
named=$work/n${esc}[1mame.csv
cp "$work/names.csv" "$named"
run "$META" load --db "$DB" "$named"
expect "names with control characters load" 0 'n\\033\[1mame\.csv: 7 rows'
no_controls "load report"

# ---- list: table escaped, CSV and JSON exact ----------------------------------
run "$META" list --db "$DB" trials
expect "list trials" 0 'Evil \\033\[31mred\\033\[0m\\nFORGED line'
no_controls "list trials"
run "$META" list --db "$DB" outcomes
expect "list outcomes: the time point escaped" 0 '48h\\033\[8m\\nFORGED'
no_controls "list outcomes"
run "$META" list --db "$DB" trials --format csv
python3 - "$out" >"$work/check" <<'EOF'
import csv, io, sys
names = [r[0] for r in csv.reader(io.StringIO(sys.argv[1]))]
print("exact" if "Evil \x1b[31mred\x1b[0m\nFORGED line" in names else names)
EOF
[[ $(cat "$work/check") == exact ]] && ok "list --format csv keeps the name exact" ||
    not_ok "list --format csv: $(cat "$work/check")"
run "$META" list --db "$DB" trials --format json
python3 - "$out" >"$work/check" <<'EOF'
import json, sys
names = [r["trial"] for r in json.loads(sys.argv[1])]
print("exact" if "Evil \x1b[31mred\x1b[0m\nFORGED line" in names else names)
EOF
[[ $(cat "$work/check") == exact ]] && ok "list --format json keeps the name exact" ||
    not_ok "list --format json: $(cat "$work/check")"

# ---- pool: trial rows, subgroup headings, trials left out ---------------------
pain=(--db "$DB" --outcome pain --timepoint 24h --treatment ketamine --control placebo)
run "$META" pool "${pain[@]}"
expect "pool table: the trial escaped" 0 '^Evil \\033\[31mred\\033\[0m\\nFORGED line +30'
expect "pool table: a trial left out, escaped" 0 'Lonely\\nFORGED too: '
no_controls "pool table"
run "$META" pool "${pain[@]}" --by dose
expect "pool --by: the subgroup heading escaped" 0 '^dose = high\\033\]0;title\\007$'
no_controls "pool --by"
run "$META" pool "${pain[@]}" --format json
python3 - "$out" >"$work/check" <<'EOF'
import json, sys
d = json.loads(sys.argv[1])
print("exact" if d["studies"][0]["trial"] == "Evil \x1b[31mred\x1b[0m\nFORGED line" else d)
EOF
[[ $(cat "$work/check") == exact ]] && ok "pool --format json keeps the name exact" ||
    not_ok "pool --format json: $(head -c 300 "$work/check")"
run "$META" pool "${pain[@]}" --format csv
[[ $out == *"$esc[31mred"* ]] && ok "pool --format csv keeps the escape character" ||
    not_ok "pool --format csv lost the name"

# ---- messages -----------------------------------------------------------------
run "$META" pool --db "$DB" --outcome pain --treatment ketamine --control placebo
expect "several time points: the stored one escaped" 1 "48h\\\\033\[8m\\\\nFORGED"
no_controls "time point message"
run "$META" pool --db "$DB" --outcome pain --timepoint 24h --treatment "ket${esc}[2Jamine" \
    --control placebo
expect "an unknown treatment given with an escape" 1 "unknown treatment 'ket\\\\033\[2Jamine'"
no_controls "unknown treatment message"
run "$META" "bogus${esc}]0;x"$'\a'
expect "an unknown command" 2 "unknown command 'bogus\\\\033\]0;x\\\\007'"
no_controls "unknown command"
printf 'trial,arm,treatment,outcome,n,mean,sd\n"T1",a,ketamine,pain2,"3\033[2J\nFORGED",1,1\n' \
    >"$work/bad.csv"
run "$META" load --db "$DB" "$work/bad.csv"
expect "a bad value is quoted escaped" 1 "got '3\\\\033\[2J\\\\nFORGED'"
no_controls "load error"

# ---- meta run: its lines and the table file -------------------------------------
mkdir "$work/an${esc}[7m"
cat >"$work/an${esc}[7m/a.ini" <<EOF
[analysis]
outcome = pain
timepoint = 24h
treatment = ketamine
control = placebo
title = Title ${esc}[41mred
table = t.txt
json = t.json
EOF
run "$META" run --db "$DB" --out "$work/out" "$work/an${esc}[7m"
expect "run: the ok line escaped" 0 '^ok   .*/an\\033\[7m/a\.ini'
no_controls "run lines"
run cat "$work/out/t.txt"
expect "run: the table file's title escaped" 0 '^Title \\033\[41mred$'
expect "run: the table file's trial escaped" 0 '^Evil \\033\[31mred\\033\[0m\\nFORGED line'
no_controls "run table file"
run "$META" run --db "$DB" --out "$work/out" "$work/an${esc}[7m/missing${esc}[5m.ini"
expect "run: a FAIL line escaped" 1 'FAIL .*/missing\\033\[5m\.ini'
no_controls "run FAIL line"
finish
