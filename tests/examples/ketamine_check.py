"""What meta computed for the ketamine examples against metafor 3.8:

  python3 ketamine_check.py EXPECTED.json CASE RESULT.json

EXPECTED.json comes from ketamine_reference.R; CASE names one of its cases
and RESULT.json is meta's JSON of that analysis (meta run or meta pool
--format json). The pooled estimate, interval, tau^2 and Q (log scale for
ratios), the number of studies with a weight, each study's weight and each
subgroup's own pooled numbers must agree to 1e-6 relative. Prints "fine" or
the disagreements, one per line, and the largest relative difference.
"""
import json
import sys

TOL = 1e-6
FIELDS = ("estimate", "ci_lower", "ci_upper", "tau2", "Q")


def main():
    expected = json.load(open(sys.argv[1]))[sys.argv[2]]
    got = json.load(open(sys.argv[3]))
    problems = []
    worst = [0.0]

    def compare(what, g, r):
        if g is None:
            problems.append("%s: meta gives none, metafor %.15g" % (what, r))
            return
        diff = abs(g - r) / abs(r) if r != 0 else abs(g)
        worst[0] = max(worst[0], diff)
        if diff > TOL and abs(g - r) > 1e-12:
            problems.append("%s: meta %.15g, metafor %.15g" % (what, g, r))

    for f in FIELDS:
        compare(f, got[f], expected[f])
    weighted = [s for s in got["studies"] if s.get("weight")]
    if len(weighted) != expected["k"]:
        problems.append("%d studies with a weight, metafor pools %d" % (len(weighted), expected["k"]))
    weights = {s["trial"]: s.get("weight") for s in got["studies"]}
    for trial, w in expected["weights"].items():
        compare("weight of " + trial, weights.get(trial), w)
    groups = {g["value"]: g for g in got.get("subgroups", [])}
    if set(groups) != set(expected.get("subgroups", {})):
        problems.append("subgroups %s, metafor %s" % (sorted(groups), sorted(expected.get("subgroups", {}))))
    for value, ref in expected.get("subgroups", {}).items():
        if value in groups:
            for f in FIELDS:
                compare("subgroup %s %s" % (value, f), groups[value][f], ref[f])
    print("\n".join(problems) or "fine")
    print("max rel diff %.2g" % worst[0])
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
