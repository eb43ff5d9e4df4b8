"""The risk-of-bias columns of a forest plot's SVG against the judgements
in a Cochrane package's data rows:

  python3 rob_svg_check.py PLOT.svg DATA_ROWS.csv ANALYSIS

Every study of ANALYSIS (e.g. 1.12) must show, on its own row (the y of its
label) and under the column headed D1 ... D5 or Overall, the mark of its
judgement (+ low, ? some concerns, U+2212 high) and nothing where it was not
judged; no other mark may sit in those columns. Prints "fine" or what is
wrong.
"""
import csv
import re
import sys

DOMAINS = (
    ("D1", "Bias arising from the randomization process (judgement)"),
    ("D2", "Bias due to deviations from intended interventions (judgement)"),
    ("D3", "Bias due to missing outcome data (judgement)"),
    ("D4", "Bias in measurement of the outcome (judgement)"),
    ("D5", "Bias in selection of the reported result (judgement)"),
    ("Overall", "Overall bias (judgement)"),
)
MARK = {"Low risk": "+", "Some concerns": "?", "High risk": "\u2212", "": None}
TEXT = re.compile(r'<g transform="translate\(([\d.]+),([\d.]+)\)"[^>]*>\s*<text>([^<]*)</text>')


def main():
    svg, data, analysis = sys.argv[1:4]
    texts = [(float(x), float(y), t) for x, y, t in TEXT.findall(open(svg, encoding="utf-8").read())]
    columns = {}
    for x, y, t in texts:
        if t in dict(DOMAINS) and t not in columns:
            columns[t] = x
    problems = ["no column %s" % d for d, _ in DOMAINS if d not in columns]
    group, number = analysis.split(".")
    with open(data, encoding="utf-8-sig", newline="") as f:
        rows = [r for r in csv.DictReader(f)
                if r["Analysis group"] == group and r["Analysis number"] == number]
    marks = {(round(x, 1), round(y, 1)): t for x, y, t in texts
             if t in ("+", "?", "\u2212") and any(abs(x - cx) < 0.5 for cx in columns.values())}
    expected_marks = 0
    for r in rows:
        ys = [y for x, y, t in texts if t == r["Study"]]
        if len(ys) != 1:
            problems.append("%s: %d labels" % (r["Study"], len(ys)))
            continue
        for domain, column in DOMAINS:
            want = MARK[r[column]]
            got = marks.get((round(columns.get(domain, -1), 1), round(ys[0], 1)))
            expected_marks += want is not None
            if got != want:
                problems.append("%s %s: %r, the data rows say %r" % (r["Study"], domain, got, want))
    if len(marks) != expected_marks:
        problems.append("%d marks in the columns, %d judgements" % (len(marks), expected_marks))
    print("\n".join(problems) or "fine")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
