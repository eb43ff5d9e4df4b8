"""What `meta run` of the analysis files `meta import --analyses` wrote gives,
against the numbers RevMan printed in the package's data rows:

  python3 import_check.py DATA_ROWS.csv OUT_DIR [ANALYSIS[=NAME.json]...]

For every analysis with a JSON output OUT_DIR/<group>.<number>.json (or only
those named, from OUT_DIR/NAME.json where a name is given), every study RevMan gives a result for must have the same weight,
effect (natural scale) and interval to the printed precision (6 decimals),
and every study RevMan shows as not estimable must have none in meta either.
A study's trial name is the study's, "(2)", "(3)"... for its later rows in one
analysis, as meta import names them. Prints "ok: ..." or "FAIL: ..." per
analysis and a summary; exits 1 when any check failed or no analysis was
found.
"""
import csv
import json
import math
import os
import sys

PRINTED = 0.5e-6 * (1 + 1e-9)  # half a unit of the sixth decimal


def rows_by_analysis(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    out = {}
    for r in rows:
        out.setdefault("%s.%s" % (r["Analysis group"], r["Analysis number"]), []).append(r)
    return out


def trial_names(rows):
    seen = {}
    names = []
    for r in rows:
        n = seen.get(r["Study"], 0) + 1
        seen[r["Study"]] = n
        names.append(r["Study"] if n == 1 else "%s (%d)" % (r["Study"], n))
    return names


def check(analysis, rows, result):
    problems = []
    ratio = result["measure"] in ("RR", "OR", "ROM", "HR")
    show = math.exp if ratio else (lambda v: v)
    studies = {s["trial"]: s for s in result["studies"]}
    compared = 0
    for name, r in zip(trial_names(rows), rows):
        s = studies.get(name)
        if r["Weight"] == "":
            if s is not None and s["yi"] is not None:
                problems.append("%s: RevMan shows it not estimable, meta gives %r" % (name, s["yi"]))
            continue
        if s is None or s["yi"] is None:
            problems.append("%s: no result in meta" % name)
            continue
        for col, got in (("Weight", s["weight"]), ("Mean", show(s["yi"])),
                         ("CI start", show(s["ci_lower"])), ("CI end", show(s["ci_upper"]))):
            compared += 1
            if abs(got - float(r[col])) > PRINTED:
                problems.append("%s %s: RevMan %s, meta %.9f" % (name, col, r[col], got))
    return compared, problems


def main():
    data, out = sys.argv[1], sys.argv[2]
    wanted = {}
    for arg in sys.argv[3:]:
        analysis, _, name = arg.partition("=")
        wanted[analysis] = name or analysis + ".json"
    analyses = rows_by_analysis(data)
    failed = checked = numbers = 0
    for analysis in sorted(analyses, key=lambda a: [int(x) for x in a.split(".")]):
        if wanted and analysis not in wanted:
            continue
        path = os.path.join(out, wanted.get(analysis, analysis + ".json"))
        if not os.path.exists(path):
            if wanted:
                failed += 1
                print("FAIL: %s: no %s" % (analysis, path))
            continue
        with open(path) as f:
            result = json.load(f)
        compared, problems = check(analysis, analyses[analysis], result)
        checked += 1
        numbers += compared
        if problems:
            failed += 1
            print("FAIL: %s: %s" % (analysis, "; ".join(problems)))
        else:
            print("ok: %s: %d numbers as RevMan printed them" % (analysis, compared))
    print("%d analyses checked, %d numbers, %d failed" % (checked, numbers, failed))
    sys.exit(1 if failed or not checked else 0)


if __name__ == "__main__":
    main()
