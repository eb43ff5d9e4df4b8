"""Checks one `meta pool --format json` result of tests/cli/test_conventions.sh
against the numbers RevMan itself wrote or the conventions' formulas:

  python3 conventions_check.py CASE RESULT.json [ANALYSIS]

prints one line per check ("ok: ..." or "FAIL: ...") and exits 1 when any
failed. The expected values and their sources are beside each case.
"""
import csv
import json
import math
import os
import sys

REL = 1e-6  # every number to 1e-6 relative
PRINTED = 0.5e-6 * (1 + 1e-9)  # a value printed to 6 decimals
HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "data")

failed = 0


def report(good, what, detail=""):
    global failed
    if good:
        print("ok: " + what)
    else:
        failed += 1
        print("FAIL: " + what + (": " + detail if detail else ""))


def close(what, want, got, rel=REL):
    good = isinstance(got, (int, float)) and (
        abs(got - want) <= rel * abs(want) if want != 0 else abs(got) <= 1e-10)
    report(good, what, "expected %.17g, got %r" % (want, got))


def equal(what, want, got):
    report(want == got, what, "expected %r, got %r" % (want, got))


def study(d, trial, subgroup=None):
    for s in d["studies"]:
        if s["trial"] == trial and (subgroup is None or s.get("subgroup") == subgroup):
            return s
    return None


# ---- Fleiss 1993, aspirin after myocardial infarction --------------------

# RevMan 5's stored totals of Fleiss1993.rm5 (R meta's inst/extdata; its
# DICH_OUTCOME CMP-001.01, OR, MH, fixed), as transcribed in
# tests/unit/test_conventions.c: per study (EVENTS_1, TOTAL_1, EVENTS_2,
# TOTAL_2 as in tests/data/fleiss1993.csv) WEIGHT, EFFECT_SIZE, VAR,
# CI_START, CI_END.
FLEISS_STUDIES = {
    "MRC-1": (3.176490004091248, 0.7197141500975687, 0.038895652988376536,
              0.4889745274989256, 1.0593362817898602),
    "CDP": (3.1016891143394365, 0.6807598039215687, 0.04116726010836378,
            0.45739090373983604, 1.0132119087766858),
    "MRC-2": (5.675380442715663, 0.8028701891715591, 0.020491507988447278,
              0.6064528819242718, 1.062902922672345),
    "GASP": (1.795484618258711, 0.8007386888273315, 0.06476459830387778,
             0.4862610363759706, 1.318597213882381),
    "PARIS": (3.2176243566716805, 0.7981432360742705, 0.035199644215011906,
              0.5525633542165779, 1.1528680293941878),
    "AMIS": (10.153491219997628, 1.1327364047365673, 0.00961673238271602,
             0.9346646778747347, 1.3727829808793592),
    "ISIS-2": (72.87984024392564, 0.8949693601254097, 0.0015061979058117042,
               0.8294175772940908, 0.965701930475584),
}


def fleiss_or(d):
    equal("fleiss: convention", "revman5", d["convention"])
    equal("fleiss: k", 7, d["k"])
    close("fleiss: OR (EFFECT_SIZE)", 0.8968655609130709, d["exp"]["estimate"])
    close("fleiss: CI_START", 0.8405144008917793, d["exp"]["ci_lower"])
    close("fleiss: CI_END", 0.9569947088336491, d["exp"]["ci_upper"])
    close("fleiss: Z", 3.287633061337987, abs(d["statistic"]))
    close("fleiss: P_Z", 0.0010103343130005407, d["p"])
    close("fleiss: CHI2", 9.946055983220074, d["Q"])
    equal("fleiss: DF", 6, d["Q_df"])
    close("fleiss: I2", 39.67458045558399, d["I2"])
    # RevMan's P_CHI2 comes from its own chi-squared approximation
    # (0.1269422521561745); the exact tail of chi2(6) at Q is
    # 0.126942177906295 (R's pchisq): 5.8e-7 relative, inside the rule.
    close("fleiss: P_CHI2 (RevMan's approximation)", 0.1269422521561745, d["Q_p"])
    close("fleiss: P_CHI2 (exact)", 0.126942177906295, d["Q_p"], 1e-12)
    equal("fleiss: no tau^2", None, d["tau2"])
    total = 0.0
    for trial, (w, eff, var, lo, hi) in FLEISS_STUDIES.items():
        s = study(d, trial)
        if s is None:
            report(False, "fleiss: study " + trial)
            continue
        close("fleiss: %s WEIGHT" % trial, w, s["weight"])
        close("fleiss: %s EFFECT_SIZE" % trial, eff, math.exp(s["yi"]))
        close("fleiss: %s VAR" % trial, var, s["vi"])
        close("fleiss: %s CI_START" % trial, lo, math.exp(s["ci_lower"]))
        close("fleiss: %s CI_END" % trial, hi, math.exp(s["ci_upper"]))
        total += s["weight"]
    close("fleiss: weights add to 100", 100.0, total)


# The package's SMD analysis, for which RevMan stored no numbers:
# tests/unit/conventions.R "F SMD yi", "F SMD FE est, se, Q", "F SMD FE
# weights %" (RevMan's approximate Hedges correction and variance).
def fleiss_smd(d):
    equal("fleiss smd: measure", "SMD", d["measure"])
    close("fleiss smd: estimate", -0.343415790514985, d["estimate"])
    close("fleiss smd: se", 0.134385026267765, d["se"])
    close("fleiss smd: Q", 3.67700404162111, d["Q"])
    y = [-0.339895678441358, -0.565892627050607, -0.299910934494936, 0.125026403895252,
         -0.734573719992273]
    w = [11.5421167730743, 32.5754534380696, 31.2317447507624, 18.020277354095,
         6.63040768399861]
    for i, trial in enumerate(["Davis", "Florell", "Gruen", "Hart", "Wilson"]):
        s = study(d, trial)
        close("fleiss smd: %s yi" % trial, y[i], s["yi"] if s else None)
        close("fleiss smd: %s weight" % trial, w[i], s["weight"] if s else None)


# ---- CD015373 (ketamine for chronic pain) --------------------------------

# The review's data rows print RevMan's effect (natural scale), interval and
# weight of every study, rounded to 6 decimals; its summary the totals.
SUMMARIES = {
    "1.1": (-15.79, -32.09, 0.51),
    "1.4": (-5.32, -15.51, 4.87),
    "1.9": (3.26, 1.05, 10.09),
}


def cd015373(d, analysis):
    group, number = analysis.split(".")
    path = os.path.join(DATA, "cochrane", "CD015373", "CD015373_pub2-data-rows.csv")
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = [r for r in csv.DictReader(f)
                if r["Analysis group"] == group and r["Analysis number"] == number]
    report(len(rows) > 0, "%s: the review prints %d studies" % (analysis, len(rows)))
    ratio = d["measure"] in ("RR", "OR", "ROM")
    show = math.exp if ratio else (lambda v: v)
    equal("%s: k" % analysis, len(rows), d["k"])
    for r in rows:
        s = study(d, r["Study"], r["Subgroup"] or None)
        if s is None:
            report(False, "%s: study %s" % (analysis, r["Study"]))
            continue
        for name, want, got in (("Weight", r["Weight"], s["weight"]),
                                ("Mean", r["Mean"], show(s["yi"])),
                                ("CI start", r["CI start"], show(s["ci_lower"])),
                                ("CI end", r["CI end"], show(s["ci_upper"]))):
            good = abs(got - float(want)) <= PRINTED
            report(good, "%s: %s %s %s" % (analysis, r["Study"], name, want),
                   "meta gives %.9f" % got)
    if analysis in SUMMARIES:
        est, lo, hi = SUMMARIES[analysis]
        got = [show(d["estimate"]), show(d["ci_lower"]), show(d["ci_upper"])]
        report([round(x, 2) for x in got] == [est, lo, hi],
               "%s: the review's %.2f [%.2f, %.2f]" % (analysis, est, lo, hi), repr(got))


# ---- A zero cell and a double zero ----------------------------------------

# tests/data/zero_cells.csv is set B of tests/unit/conventions.R: S2 has a
# zero cell, S3 no events in either arm.


# revman5, MH OR, common: conventions.R "B MH OR est, se", "B MH OR Q, p,
# I2", "B MH OR weights %"; S3 listed, not estimable.
def revman5_zero(d):
    equal("revman5 zero cells: k (every study listed)", 5, d["k"])
    equal("revman5 zero cells: Q_df (estimable studies - 1)", 3, d["Q_df"])
    close("revman5 zero cells: estimate", -0.268855552040034, d["estimate"])
    close("revman5 zero cells: se", 0.258318249310881, d["se"])
    close("revman5 zero cells: Q", 6.84879047252724, d["Q"])
    close("revman5 zero cells: Q_p", 0.0768767277650898, d["Q_p"])
    close("revman5 zero cells: I2", 56.1966450567587, d["I2"])
    w = [44.2009443099243, 12.4724087305451, 0, 23.860158871754, 19.4664880877766]
    for i, trial in enumerate(["S1", "S2", "S3", "S4", "S5"]):
        close("revman5 zero cells: %s weight" % trial, w[i], study(d, trial)["weight"])
    s3 = study(d, "S3")
    equal("revman5 zero cells: S3 not estimable (yi, vi, CI null)", [None] * 4,
          [s3["yi"], s3["vi"], s3["ci_lower"], s3["ci_upper"]])


# r-meta's default binary analysis (MH; random: DL around the MH estimate):
# tests/analysis/conventions_reference.R "B r-meta ...".
def rmeta_random(d):
    equal("r-meta zero cells: method MH by default", "MH", d["method"])
    equal("r-meta zero cells: model random by default", "random", d["model"])
    equal("r-meta zero cells: k (S3 dropped)", 4, d["k"])
    equal("r-meta zero cells: Q_df", 3, d["Q_df"])
    close("r-meta zero cells: tau2", 0.221398016188356, d["tau2"])
    close("r-meta zero cells: estimate", -0.20020090138145, d["estimate"])
    close("r-meta zero cells: se", 0.335957224469224, d["se"])
    close("r-meta zero cells: Q", 6.46028420159598, d["Q"])
    close("r-meta zero cells: I2", 53.5624144947235, d["I2"])
    close("r-meta zero cells: H2", 2.15342806719866, d["H2"])
    close("r-meta zero cells: pi_lower", -2.04015383894486, d["pi_lower"])
    close("r-meta zero cells: pi_upper", 1.63975203618196, d["pi_upper"])
    equal("r-meta zero cells: no tau^2 interval around MH", None, d["tau2_ci_lower"])
    w = [35.8614598909813, 4.74219394389543, 0, 28.5680420533261, 30.8283041117972]
    for i, trial in enumerate(["S1", "S2", "S3", "S4", "S5"]):
        close("r-meta zero cells: %s weight" % trial, w[i], study(d, trial)["weight"])
    equal("r-meta zero cells: S3 yi null", None, study(d, "S3")["yi"])


def rmeta_common(d):
    equal("r-meta common: method MH by default", "MH", d["method"])
    equal("r-meta common: k", 4, d["k"])
    close("r-meta common: estimate", -0.206027428117599, d["estimate"])
    close("r-meta common: se", 0.198309284380346, d["se"])
    close("r-meta common: Q_p", 0.0912420250213265, d["Q_p"])
    close("r-meta common: H2", 2.15342806719866, d["H2"])
    w = [45.9332902972358, 10.0120218694756, 0, 23.5555334857619, 20.4991543475267]
    for i, trial in enumerate(["S1", "S2", "S3", "S4", "S5"]):
        close("r-meta common: %s weight" % trial, w[i], study(d, trial)["weight"])


CASES = {f.__name__: f for f in (fleiss_or, fleiss_smd, cd015373, revman5_zero, rmeta_random,
                                 rmeta_common)}

if __name__ == "__main__":
    with open(sys.argv[2]) as f:
        result = json.load(f)
    CASES[sys.argv[1]](result, *sys.argv[3:])
    sys.exit(1 if failed else 0)
