#!/bin/sh
# End-to-end test of meta-simulate: the committed simulated ketamine example
# is exactly what the default seed makes, synthetic mode gives N*A*O*T valid
# rows (INTERFACE.md section 1), bad arguments exit 2 and I/O errors exit 1.
# usage: test_simulate.sh PATH/TO/meta-simulate PATH/TO/ketamine_simulated.csv
set -u

SIM=$1
COMMITTED=$2
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
failures=0

fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

# Checks a CSV file against the rules of INTERFACE.md section 1: required
# columns, exactly one result group per row, n and total positive integers,
# sd > 0, 0 <= events <= total, one type per outcome, no duplicate
# trial/arm/outcome/timepoint. Prints the number of data rows.
validate() {
    awk -F, '
    function isint(s) { return s ~ /^[0-9]+$/ }
    function isnum(s) { return s ~ /^-?[0-9]+(\.[0-9]+)?$/ }
    function bad(msg) { printf "%s:%d: %s\n", FILENAME, NR, msg > "/dev/stderr"; err = 1 }
    NR == 1 {
        for (i = 1; i <= NF; i++) col[tolower($i)] = i
        split("trial treatment outcome n mean sd events total", req, " ")
        for (r in req) if (!(req[r] in col)) bad("missing column " req[r])
        next
    }
    /"/ { bad("quoted field (not expected from meta-simulate)"); next }
    {
        t = $col["trial"]; o = $col["outcome"]
        arm = ("arm" in col) ? $col["arm"] : $col["treatment"]
        tp = ("timepoint" in col) ? $col["timepoint"] : ""
        if (t == "" || $col["treatment"] == "" || o == "") bad("empty trial, treatment or outcome")
        c = ($col["n"] != "" || $col["mean"] != "" || $col["sd"] != "")
        b = ($col["events"] != "" || $col["total"] != "")
        if (c == b) { bad("both or neither result groups"); next }
        if (c) {
            if (!isint($col["n"]) || $col["n"] + 0 <= 0) bad("n not a positive integer")
            if (!isnum($col["mean"])) bad("mean not a number")
            if (!isnum($col["sd"]) || $col["sd"] + 0 <= 0) bad("sd not > 0")
            type = "continuous"
        } else {
            if (!isint($col["total"]) || $col["total"] + 0 <= 0) bad("total not a positive integer")
            if (!isint($col["events"]) || $col["events"] + 0 > $col["total"] + 0) bad("events not in [0, total]")
            type = "binary"
        }
        if ((o in otype) && otype[o] != type) bad("outcome " o " is both continuous and binary")
        otype[o] = type
        key = t SUBSEP arm SUBSEP o SUBSEP tp
        if (key in seen) bad("duplicate trial/arm/outcome/timepoint")
        seen[key] = 1
        rows++
    }
    END { if (err) exit 1; print rows + 0 }' "$1"
}

# --- the committed example is reproducible from the default seed ----------
"$SIM" ketamine >"$tmp/k.csv" || fail "ketamine mode exited $?"
cmp "$tmp/k.csv" "$COMMITTED" || fail "default seed does not reproduce $COMMITTED"
"$SIM" ketamine --seed 20241122 -o "$tmp/k2.csv" || fail "ketamine -o exited $?"
cmp "$tmp/k2.csv" "$COMMITTED" || fail "--seed 20241122 -o does not reproduce $COMMITTED"
"$SIM" ketamine --seed 7 >"$tmp/k7.csv" || fail "ketamine --seed 7 exited $?"
cmp -s "$tmp/k7.csv" "$COMMITTED" && fail "another seed gave the same data"

rows=$(validate "$COMMITTED") || fail "$COMMITTED breaks the CSV rules"
[ "${rows:-0}" -gt 150 ] || fail "ketamine example has only ${rows:-0} rows"
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
    $col["source"] != "simulated" || $1 !~ /\(simulated\)$/ { bad = 1 }
    { trials[$1] = 1 }
    $4 == "hallucinations" { arms[$1]++; if ($9 == 0) zero[$1]++ }
    $4 == "hallucinations" && $3 == "placebo" && $9 == 0 { zplacebo++ }
    END {
        for (t in trials) n++
        for (t in arms) if (zero[t] == arms[t]) zboth++
        if (bad || n != 20 || zboth < 1 || zplacebo < 3) exit 1
    }' "$COMMITTED" ||
    fail "ketamine example: not every row marked simulated, not 20 trials, or no zero cells"

# --- synthetic mode: N*A*O*T rows, valid, reproducible ---------------------
"$SIM" synthetic --trials 7 --arms 3 --outcomes 4 --timepoints 2 --kind mixed --seed 5 \
    >"$tmp/s.csv" || fail "synthetic mode exited $?"
[ "$(head -n 1 "$tmp/s.csv")" = "trial,arm,treatment,outcome,timepoint,n,mean,sd,events,total,year,class" ] ||
    fail "synthetic header"
rows=$(validate "$tmp/s.csv") || fail "synthetic rows break the CSV rules"
[ "${rows:-0}" -eq 168 ] || fail "synthetic 7x3x4x2 gave ${rows:-0} rows, not 168"
[ "$(cut -d, -f1 "$tmp/s.csv" | sed 1d | sort -u | wc -l)" -eq 7 ] || fail "synthetic trial count"
grep -q '^SYN-0000001,control,control,outcome_002,t2,,,,[0-9]*,[0-9]*,[0-9]*,$' "$tmp/s.csv" ||
    fail "mixed mode: outcome_002 should be binary, control arm without class"
grep -q '^SYN-0000007,active 2,active,outcome_003,t1,[0-9]*,[0-9.]*,[0-9.]*,,,[0-9]*,[ABC]$' \
    "$tmp/s.csv" || fail "mixed mode: outcome_003 should be continuous, active arm with a class"
"$SIM" synthetic --trials 7 --arms 3 --outcomes 4 --timepoints 2 --seed 5 -o "$tmp/s2.csv" ||
    fail "synthetic -o exited $?"
cmp "$tmp/s.csv" "$tmp/s2.csv" || fail "synthetic mode is not reproducible from its seed"
for kind in continuous binary; do
    "$SIM" synthetic --trials 3 --outcomes 2 --kind $kind >"$tmp/$kind.csv" ||
        fail "--kind $kind exited $?"
    rows=$(validate "$tmp/$kind.csv") || fail "--kind $kind rows break the CSV rules"
    [ "${rows:-0}" -eq 12 ] || fail "--kind $kind 3x2x2x1 gave ${rows:-0} rows, not 12"
done
[ "$(cut -d, -f9 "$tmp/continuous.csv" | sed 1d | sort -u)" = "" ] || fail "continuous has events"
[ "$(cut -d, -f6 "$tmp/binary.csv" | sed 1d | sort -u)" = "" ] || fail "binary has n"

# --- usage errors exit 2 with the usage on stderr, nothing on stdout -------
while IFS= read -r args; do
    # shellcheck disable=SC2086 # the arguments are meant to be split
    "$SIM" $args >"$tmp/out" 2>"$tmp/err"
    rc=$?
    [ "$rc" -eq 2 ] || fail "'meta-simulate $args' exited $rc, not 2"
    [ -s "$tmp/out" ] && fail "'meta-simulate $args' wrote to stdout"
    grep -q '^usage: meta-simulate' "$tmp/err" || fail "'meta-simulate $args' printed no usage"
done <<'EOF'

bogus
synthetic
synthetic --trials 0
synthetic --trials 12x
synthetic --trials -3
synthetic --trials 5 --arms 1
synthetic --trials 5 --arms 101
synthetic --trials 5 --outcomes 0
synthetic --trials 5 --timepoints 1001
synthetic --trials 5 --kind survival
ketamine --seed 0
ketamine --seed 4294967296
ketamine --seed abc
ketamine --seed
ketamine --trials 5
ketamine --frobnicate
ketamine extra
EOF

if ! "$SIM" --help >"$tmp/out" 2>&1 || ! grep -q '^usage: meta-simulate' "$tmp/out"; then
    fail "--help should print the usage and exit 0"
fi

# --- I/O errors exit 1 with a message ------------------------------------
"$SIM" ketamine -o "$tmp/missing/dir/k.csv" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 1 ] || fail "unwritable -o exited $rc, not 1"
grep -q '^meta-simulate: error: ' "$tmp/err" || fail "unwritable -o: no error message"
if [ -w /dev/full ]; then
    "$SIM" synthetic --trials 1000 >/dev/full 2>"$tmp/err"
    rc=$?
    [ "$rc" -eq 1 ] || fail "full device exited $rc, not 1"
    grep -q '^meta-simulate: error: cannot write' "$tmp/err" || fail "full device: no error message"
fi

if [ "$failures" -ne 0 ]; then
    echo "$failures check(s) failed" >&2
    exit 1
fi
echo "meta-simulate: all checks passed"
