#!/usr/bin/env bash
# meta import cochrane|revman end to end: the shared packages (CD015373, the
# Fleiss 1993 package as a directory and as a zip, its RevMan 5 file) and the
# constructed ones imported with --check against every number RevMan printed
# or stored; --analyses then meta run reproducing every per-study effect,
# interval and weight of CD015373 and the review's published totals; the
# reports as text and JSON; re-import unchanged; a corrected package; a
# check that fails; a variant for every class of bad input, each refused
# with its file and line and nothing stored; a read-only server refused
# before anything is read; usage errors and help.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/harness.sh"
data=$here/../data
cd015373=$data/cochrane/CD015373
rows_csv=$cd015373/CD015373_pub2-data-rows.csv
fleiss=$data/cochrane/Fleiss1993
rm5=$data/revman/Fleiss1993.rm5
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# outcomes: the registry's outcomes, one per line (meta list outcomes --format csv)
outcomes() {
    "$META" list outcomes --db "$DB" --format csv 2>/dev/null | tail -n +2
}

# ---- help and usage -----------------------------------------------------------

run "$META" import --help
expect "import --help lists the sources" 0 "^  cochrane   a Cochrane review's data package"
run "$META" help import
expect "meta help import" 0 "^usage: meta import SOURCE"
run "$META" import cochrane --help
expect "import cochrane --help" 0 "^usage: meta import cochrane PATH"
run "$META" import revman -h
expect "import revman -h" 0 "^usage: meta import revman FILE.rm5"
run "$META" import
expect "import without a source" 2 "expected a source \(cochrane, revman, ctgov\)"
run "$META" import ctgovx x
expect "an unknown source" 2 "unknown source 'ctgovx' \(expected cochrane, revman, ctgov\)"
run "$META" import cochrane
expect "no PATH" 2 "expected one PATH \(the Cochrane data package to import\)"
run "$META" import revman a.rm5 b.rm5
expect "two PATHs" 2 "expected one PATH \(the RevMan 5 file to import\)"
run "$META" import cochrane "$cd015373" --format csv
expect "an unknown format" 2 "unknown format 'csv' \(expected table, json\)"
run "$META" import cochrane "$cd015373" --chek
expect "an unknown option, with the close one" 2 "unknown option '--chek' \(did you mean: 'check'\?\)"
run "$META" help
expect "meta help lists import" 0 "^  import   "

# ---- CD015373: import, check, again ---------------------------------------------

fresh_db meta_test_import
run "$META" import cochrane --db "$DB" "$cd015373" --check
expect "CD015373 with --check" 0 "^95 analyses: 95 agree, 0 disagree, 0 not computed, 0 not compared$"
expect "the review and its package" 0 "^imported CD015373 from .*/CD015373 \(Cochrane data package\)$"
expect "analyses by data type" 0 "^analyses: 95 \(60 dichotomous, 35 continuous\)$"
expect "data rows" 0 "^data rows: 176 \(97 dichotomous, 79 continuous\): 176 stored, 0 skipped$"
expect "records and trials" 0 "^stored: 352 arm rows \(194 binary, 158 continuous\), 0 estimate rows; 29 trials$"
expect "one load, named by the review" 0 \
    "^load CD015373/data-rows.csv <- .*/CD015373_pub2-data-rows.csv: 352 rows \(352 new, 0 replaced, 0 unchanged, 0 removed\)$"
expect "a line per analysis" 0 "^agree +1\.1 +k=3 +12 of 12 numbers agree, max rel diff .*  Pain intensity \(continuous\), immediate-term follow-up$"
expect "an SMD analysis (the measure the printed effects tell)" 0 "^agree +7\.19 +k=3 +12 of 12 numbers agree"
expect "no estimable study, as RevMan shows" 0 "^agree +2\.2 +k=2 +2 of 2 numbers agree, max rel diff 0 \(meta finds no study estimable\)"
[[ $(outcomes | wc -l) == 95 ]] && ok "95 outcomes stored" || not_ok "95 outcomes stored (got $(outcomes | wc -l))"
outcomes | grep -q '^"CD015373 1.1 Pain intensity (continuous), immediate-term follow-up",continuous' &&
    ok "outcome named PREFIX GROUP.NUMBER NAME" || not_ok "outcome named PREFIX GROUP.NUMBER NAME"

run "$META" import cochrane --db "$DB" "$cd015373"
expect "imported again: nothing changes" 0 "352 rows \(0 new, 0 replaced, 352 unchanged, 0 removed\)$"
expect_no "no check without --check" "agree"

# The report as JSON; the check as the JSON of INTERFACE.md section 4.
run "$META" import cochrane --db "$DB" "$cd015373" --format json
printf '%s\n' "$out" >"$work/report.json"
run python3 - "$work/report.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["review"]["cd_number"] == "CD015373" and d["review"]["format"] == "cochrane", d["review"]
s = d["sources"][0]
assert s["load"] == "CD015373/data-rows.csv" and len(s["sha256"]) == 64, s
assert (s["rows"], s["unchanged"], s["new"], s["removed"]) == (352, 352, 0, 0), s
assert len(d["analyses"]) == 95 and d["analyses"][0]["analysis"] == "1.1", d["analyses"][0]
a = [x for x in d["analyses"] if x["analysis"] == "1.5"][0]
assert (a["data_type"], a["subgroups"], a["rows"], a["stored"]) == ("continuous", 3, 4, 4), a
assert d["data_rows"] == {"dichotomous": 97, "continuous": 79}, d["data_rows"]
assert d["stored"] == {"binary": 194, "continuous": 158, "estimates": 0}, d["stored"]
assert d["trials"] == 29 and d["skipped"] == [], d
print("report ok")
EOF
expect "the import report as JSON" 0 "^report ok$"

run "$META" import cochrane --db "$DB" "$cd015373" --check --format json
printf '%s\n' "$out" >"$work/check.json"
run python3 - "$work/check.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
assert isinstance(d, list) and len(d) == 95, len(d)
for a in d:
    assert set(["analysis", "name", "k", "agree", "max_rel_diff", "fields"]) <= set(a), a
    assert a["agree"] is True, a["analysis"]
    for f in a["fields"]:
        assert set(["field", "revman", "meta"]) <= set(f), f
a = d[0]
assert a["analysis"] == "1.1" and a["k"] == 3 and len(a["fields"]) == 12, a
w = [f for f in a["fields"] if f["field"] == "Lumanauw 2019: weight"][0]
assert w["revman"] == 34.134428 and abs(w["meta"] - 34.134428) <= 0.5e-6, w
n = [f for f in d if f["analysis"] == "2.2"][0]["fields"]
assert all(f["revman"] is None and f["meta"] is None for f in n), n
print("check ok")
EOF
expect "the check as JSON (INTERFACE.md 4)" 0 "^check ok$"

# ---- --analyses, then meta run: the review recomputed ------------------------------

run "$META" import cochrane --db "$DB" "$cd015373" --analyses "$work/an"
expect "analysis files written" 0 \
    "^analysis files: 91 written to .*/an \(none for 4 analyses without data or without an estimable study\)$"
grep -q '^rob        = true$' "$work/an/1.1.ini" && ok "analysis files ask for risk of bias" ||
    not_ok "analysis files ask for risk of bias"
grep -q '^by         = subgroup$' "$work/an/1.5.ini" && ok "subgroup analyses by subgroup" ||
    not_ok "subgroup analyses by subgroup"
run "$META" run --db "$DB" --out "$work/out" "$work/an"
expect "meta run of the analysis files" 0 "^91 analyses: 91 ok, 0 failed$"
# The review's published results (its summary of findings).
expect "1.1: MD -15.79 (-32.09 to 0.51), 3 trials" 0 "^ok   $work/an/1.1.ini +k=3 +MD -15.79 \[-32.09, 0.51\]"
expect "1.4: MD -5.32 (-15.51 to 4.87), 4 trials" 0 "^ok   $work/an/1.4.ini +k=4 +MD -5.32 \[-15.51, 4.87\]"
expect "1.9: RR 3.26 (1.05 to 10.09), 4 trials" 0 "^ok   $work/an/1.9.ini +k=4 +RR 3.26 \[1.05, 10.09\]"
run python3 "$here/import_check.py" "$rows_csv" "$work/out"
expect "every per-study effect, interval and weight as RevMan printed it" 0 \
    "^91 analyses checked, 676 numbers, 0 failed$"
grep '^FAIL' <<<"$out" | head -5
[[ -s $work/out/1.5.png ]] && ok "a forest plot per analysis" || not_ok "a forest plot per analysis"

# Written whole into a directory reached without links; a link is refused
# before anything is read or stored.
mkdir -p "$work/elsewhere"
ln -s "$work/elsewhere" "$work/link"
run "$META" import cochrane --db "$DB" "$cd015373" --analyses "$work/link/an"
expect "--analyses through a symbolic link is refused" 1 "link"
[[ -z $(ls "$work/elsewhere") ]] && ok "nothing written through the link" ||
    not_ok "nothing written through the link"

# ---- a corrected package ----------------------------------------------------------

mkdir -p "$work/corrected"
grep -v '^13,1,' "$rows_csv" >"$work/corrected/CD015373_pub3-data-rows.csv"
run "$META" import cochrane --db "$DB" "$work/corrected" --check
expect "a corrected package replaces what the earlier one brought" 0 \
    "^load CD015373/data-rows.csv <- .*: 350 rows \(0 new, 0 replaced, 350 unchanged, 2 removed\)$"
expect "the corrected package checks" 0 "^94 analyses: 94 agree"
outcomes | grep -q 'CD015373 13\.1' && not_ok "13.1 removed with its rows" || ok "13.1 removed with its rows"

# ---- Fleiss 1993: directory, zip, RevMan 5 ---------------------------------------------

fresh_db meta_test_import_fleiss
run "$META" import cochrane --db "$DB" "$fleiss" --check
expect "Fleiss 1993 package with --check" 0 "^2 analyses: 1 agree, 0 disagree, 0 not computed, 1 not compared$"
expect "its totals compared" 0 "^agree +1\.1 +k=7 +37 of 37 numbers agree"
expect "RevMan computed nothing for the SMD analysis" 0 \
    "^not compared 1\.2 +RevMan gives no number for this analysis  Mental Health Treatment versus Control$"
expect "four loads, one per file" 0 "^load Fleiss1993/study-information.csv <- .*: 0 rows"
python3 - "$fleiss" "$work/Fleiss1993.zip" <<'EOF'
import os, sys, zipfile
with zipfile.ZipFile(sys.argv[2], "w", zipfile.ZIP_DEFLATED) as z:
    for name in sorted(os.listdir(sys.argv[1])):
        z.write(os.path.join(sys.argv[1], name), "export/" + name)
EOF
run "$META" import cochrane --db "$DB" "$work/Fleiss1993.zip" --check
expect "the same package zipped: the same review, nothing changes" 0 \
    "^load Fleiss1993/data-rows.csv <- .*Fleiss1993.zip/export/921923100913455418-data-rows.csv: 24 rows \(0 new, 0 replaced, 24 unchanged, 0 removed\)$"
expect "the zip checks" 0 "^2 analyses: 1 agree, 0 disagree, 0 not computed, 1 not compared$"

fresh_db meta_test_import_revman
run "$META" import revman --db "$DB" "$rm5" --check
expect "RevMan 5 file with --check" 0 "^2 analyses: 1 agree, 0 disagree, 0 not computed, 1 not compared$"
expect "every stored total of 1.1" 0 "^agree +1\.1 +k=7 +37 of 37 numbers agree, max rel diff 5\.8e-07  "
expect "its load" 0 "^load Fleiss1993/review.rm5 <- .*Fleiss1993.rm5: 24 rows \(24 new"
run "$META" import revman --db "$DB" "$rm5" --check --format json
printf '%s\n' "$out" >"$work/rm5.json"
run python3 - "$work/rm5.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
a = d[0]
f = {x["field"]: x for x in a["fields"]}
assert f["estimate"]["revman"] == 0.8968655609130709, f["estimate"]
assert abs(f["estimate"]["meta"] / 0.8968655609130709 - 1) < 1e-6, f["estimate"]
for name in ("ci_lower", "ci_upper", "Z", "p", "chi2", "df", "chi2_p", "I2", "ISIS-2: weight"):
    assert f[name]["agree"] is True, name
assert d[1]["agree"] is None and d[1]["status"] == "not compared", d[1]
print("rm5 ok")
EOF
expect "the RevMan 5 check as JSON" 0 "^rm5 ok$"

# ---- constructed packages: subgroup totals; estimate rows --------------------------------

run "$META" import cochrane --db "$DB" "$data/cochrane/constructed_subgroups" --check
expect "subgroup totals and the test for subgroup differences" 0 \
    "^agree +1\.1 +k=6 +60 of 60 numbers agree"
run "$META" import cochrane --db "$DB" "$data/cochrane/constructed_estimates" --check
expect_no "estimate rows never disagree" "DISAGREE"
if [[ $rc -eq 0 ]]; then
    expect "estimate rows recomputed" 0 "^2 analyses: 2 agree"
else
    # until the engine pools estimate rows: said plainly, and the check fails
    expect "estimate rows not recomputed, said plainly" 1 \
        "^NOT COMPUTED 1\.1 +meta cannot recompute it from its generic inverse variance rows \(stored as estimate rows\)"
    expect "the check fails" 1 "the check failed: 0 of 2 analyses disagree with RevMan, 2 could not be recomputed"
fi
expect "GIV and O-E rows stored as estimate rows" "$rc" "7 estimate rows; 7 trials$"

# A check that fails: a package whose printed weight is not what its data give.
mkdir -p "$work/tampered"
cp "$data/cochrane/constructed_subgroups/"*.csv "$work/tampered/"
sed -i 's/,14\.780908,/,15.780908,/' "$work/tampered/constructed_subgroups-data-rows.csv"
run "$META" import cochrane --db "$DB" "$work/tampered" --prefix tampered --check
expect "a wrong printed weight fails the check" 1 "^DISAGREE +1\.1 +k=6 +59 of 60 numbers agree"
expect "the number that differs" 1 "^    Abel 2001: weight: RevMan 15\.780908, meta 14\.78090"
expect "exit 1 with the reason" 1 "the check failed: 1 of 1 analyses disagree with RevMan, 0 could not be recomputed"

# ---- bad input: every class refused with file and line, nothing stored ---------------------

fresh_db meta_test_import_errors
python3 - "$work/bad" "$data" <<'EOF'
import csv, os, sys, zipfile
bad, data = sys.argv[1], sys.argv[2]
os.makedirs(bad)
fleiss = os.path.join(data, "cochrane", "Fleiss1993")
with zipfile.ZipFile(os.path.join(bad, "nodata.zip"), "w") as z:  # settings, no data rows
    z.write(os.path.join(fleiss, "921923100913455418-overall-estimates-and-settings.csv"),
            "CD000001-overall-estimates-and-settings.csv")
with open(os.path.join(bad, "layout-data-rows.csv"), "w", encoding="utf-8-sig") as f:
    f.write("Study,Effect,Lower\nA 2001,1.2,0.9\n")
rm5 = open(os.path.join(data, "revman", "Fleiss1993.rm5"), "rb").read()
open(os.path.join(bad, "truncated.rm5"), "wb").write(rm5[:len(rm5) // 2])
# declared UTF-8, holding a Latin-1 byte
open(os.path.join(bad, "encoding.rm5"), "wb").write(
    rm5.replace(b'encoding="ISO-8859-1"', b'encoding="UTF-8"', 1).replace(b"Fleiss", b"Fl\xe9iss", 3))
rows = list(csv.reader(open(os.path.join(data, "cochrane", "CD015373", "CD015373_pub2-data-rows.csv"),
                            encoding="utf-8-sig", newline="")))
head = rows[0]
def write(name, rs):
    with open(os.path.join(bad, name), "w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rs)
contra = [list(r) for r in rows]
for r in contra[1:]:
    if r[0] == "1" and r[1] == "3":  # dichotomous: a mean has no place there
        r[head.index("Experimental mean")] = "12.5"
write("contradiction-data-rows.csv", contra)
twice = [list(r) for r in rows]
i = [k for k, r in enumerate(twice) if r[0] == "1" and r[1] == "4"][1]
twice.insert(i + 1, list(twice[i]))
write("twice-data-rows.csv", twice)
EOF
run "$META" import cochrane --db "$DB" "$work/bad/nodata.zip"
expect "a zip without data rows" 1 "^meta import: error: .*/nodata.zip: no \*-data-rows.csv in the package"
run "$META" import cochrane --db "$DB" "$work/bad/layout-data-rows.csv"
expect "an unknown layout" 1 "^meta import: error: .*/layout-data-rows.csv:1: unknown layout for Cochrane data rows: no column 'Analysis group'"
run "$META" import revman --db "$DB" "$work/bad/truncated.rm5"
expect "malformed XML" 1 "^meta import: error: .*/truncated.rm5:[0-9]+: malformed XML: "
run "$META" import revman --db "$DB" "$work/bad/encoding.rm5"
expect "an encoding that cannot be decoded" 1 \
    "^meta import: error: .*/encoding.rm5:[0-9]+: the text cannot be decoded in the encoding the file declares"
run "$META" import cochrane --db "$DB" "$work/bad/contradiction-data-rows.csv"
expect "numbers contradicting the data type" 1 \
    "^meta import: error: .*/contradiction-data-rows.csv:8:13: the row fills 'Experimental mean' and 'Experimental cases', columns of two data types$"
run "$META" import cochrane --db "$DB" "$work/bad/twice-data-rows.csv"
expect "a study twice in one analysis and subgroup" 1 \
    "^meta import: error: .*/twice-data-rows.csv:11: study 'Pickering 2020' is twice in analysis 1\.4 with the same data \(first on line 10\)"
run "$META" import cochrane --db "$DB" "$work/bad/no such package"
expect "a package that does not exist" 1 "^meta import: error: .*/no such package: cannot open: No such file or directory$"
[[ -z $(outcomes) ]] && ok "nothing stored by any refused import" || not_ok "nothing stored by any refused import"

# A record the registry refuses (an outcome stored as binary): every problem
# with its data row, nothing of the review stored.
printf '%s\n' 'trial,treatment,outcome,events,total' \
    'X,a,"CD015373 1.1 Pain intensity (continuous), immediate-term follow-up",1,10' >"$work/binary.csv"
run "$META" load --db "$DB" "$work/binary.csv"
expect "an outcome loaded as binary" 0
run "$META" import cochrane --db "$DB" "$cd015373"
expect "the registry's rules, with the data row" 1 "^meta import: error: .*/CD015373_pub2-data-rows.csv:2: analysis 1\.1: "
expect "nothing of it loaded" 1 "nothing was loaded"
[[ $(outcomes | wc -l) == 1 ]] && ok "the registry as it was" || not_ok "the registry as it was"

# A server that takes no writes is refused before anything is read.
run "$META" import cochrane --db "$DB options='-c default_transaction_read_only=on'" "$work/bad/no such package"
expect "a read-only server, refused at once" 1 \
    "takes no writes in this session \(default_transaction_read_only is on\): importing needs a read-write session"

finish
