"""Checks one `meta pool --format json` result of tests/cli/test_estimates.sh
against metafor's numbers in estimates_expected.json (estimates_reference.R):

  python3 estimates_check.py CASE RESULT.json
  python3 estimates_check.py same RESULT.json OTHER.json

The first compares every field the case gives (pooled result, heterogeneity,
tau^2 and prediction intervals, each study's source, yi, vi and weight;
leave-one-out and cumulative steps; subgroups and their test) to 1e-6
relative; the second says that two results hold the same numbers to 1e-9
relative, study by study, whatever their source. Prints one line per check
("ok: ..." or "FAIL: ...") and exits 1 when any failed.
"""
import json
import os
import sys

REL = 1e-6
HERE = os.path.dirname(os.path.abspath(__file__))

failed = 0


def report(good, what, detail=""):
    global failed
    if good:
        print("ok: " + what)
    else:
        failed += 1
        print("FAIL: " + what + (": " + detail if detail else ""))


def close(what, want, got, rel=REL):
    if want is None:
        report(got is None, what, "expected null, got %r" % (got,))
        return
    good = isinstance(got, (int, float)) and (
        abs(got - want) <= rel * abs(want) if want != 0 else abs(got) <= 1e-10)
    report(good, what, "expected %.17g, got %r" % (want, got))


def fields(what, want, got):
    """Every field of the expected object want against the result got."""
    for key, value in want.items():
        if key == "studies":
            studies(what, value, got.get("studies", []))
        elif isinstance(value, str):
            report(got.get(key) == value, "%s %s" % (what, key),
                   "expected %r, got %r" % (value, got.get(key)))
        else:
            close("%s %s" % (what, key), value, got.get(key))


def studies(what, want, got):
    report(len(want) == len(got), "%s: %d studies" % (what, len(want)),
           "got %d" % len(got))
    for w, g in zip(want, got):
        report(w["trial"] == g["trial"], "%s: study %s in its place" % (what, w["trial"]),
               "got %r" % g["trial"])
        fields("%s study %s" % (what, w["trial"]), w, g)


def steps(what, want, got, key):
    report(len(want) == len(got), "%s: %d steps" % (what, len(want)), "got %d" % len(got))
    for w, g in zip(want, got):
        report(w[key] == g[key], "%s: %s %s" % (what, key, w[key]), "got %r" % g[key])
        for f in ("estimate", "se", "tau2", "I2"):
            close("%s %s %s" % (what, w[key], f), w[f], g[f])


def subgroups(what, want, got):
    by_value = {s["value"]: s for s in got["subgroups"]}
    for value, w in want.items():
        if value == "test":
            continue
        report(value in by_value, "%s: subgroup %s" % (what, value))
        if value in by_value:
            fields("%s subgroup %s" % (what, value), w, by_value[value])
    t = got.get("subgroup_test") or {}
    for f in ("Q", "df", "p"):
        close("%s test %s" % (what, f), want["test"][f], t.get(f))


def same(a, b):
    """Two results with the same numbers, study by study."""
    for key in ("k", "estimate", "se", "ci_lower", "ci_upper", "statistic", "p", "tau2",
                "tau2_ci_lower", "tau2_ci_upper", "I2", "H2", "Q", "Q_df", "Q_p",
                "pi_lower", "pi_upper"):
        close("same %s" % key, a[key], b[key], 1e-9)
    for key in ("estimate", "ci_lower", "ci_upper"):
        close("same exp %s" % key, a["exp"][key], b["exp"][key], 1e-9)
    report(len(a["studies"]) == len(b["studies"]), "same number of studies")
    for x, y in zip(a["studies"], b["studies"]):
        report(x["trial"] == y["trial"], "same study %s" % x["trial"])
        for key in ("yi", "vi", "ci_lower", "ci_upper", "weight"):
            close("same %s %s" % (x["trial"], key), x[key], y[key], 1e-9)


def main():
    case, path = sys.argv[1], sys.argv[2]
    with open(path) as f:
        got = json.load(f)
    if case == "same":
        with open(sys.argv[3]) as f:
            same(got, json.load(f))
    else:
        with open(os.path.join(HERE, "estimates_expected.json")) as f:
            want = json.load(f)[case]
        if case.endswith("_loo"):
            steps(case, want, got["leave_one_out"], "omitted")
        elif case.endswith("_cumulative"):
            steps(case, want, got["cumulative"], "added")
        elif "_by_" in case:
            subgroups(case, want, got)
        else:
            fields(case, want, got)
    sys.exit(1 if failed else 0)


main()
