#!/usr/bin/python3
"""Library benchmark peer: statsmodels' combine_effects() on the yi,vi files
that bench_smd writes (the files bench_stats and bench_metafor.R read), timed
in-process with time.perf_counter() (Python start-up and reading the file are
not timed). Prints one `tool=statsmodels op=fit ...` line per file and method
in bench_stats' format. statsmodels has DerSimonian-Laird ("chi2") and
Paule-Mandel ("iterated"); it has no REML and no tau^2 interval, which the
lines say. Run it with Debian's /usr/bin/python3 (python3-statsmodels).
Usage: bench_statsmodels.py [--min-time SECONDS] FILE...
"""
import statistics
import sys
import time

MIN_REPS = 5
MAX_REPS = 20001


def version_line():
    """The versions of Python, NumPy and statsmodels, or None when missing."""
    try:
        import numpy
        import statsmodels
    except ImportError as e:
        print(f"tool=statsmodels op=version skipped=\"not installed: {e}\"")
        return False
    print(f"tool=statsmodels op=version python={sys.version.split()[0]} "
          f"numpy={numpy.__version__} statsmodels={statsmodels.__version__}")
    return True


def time_op(fn, min_time):
    """Median seconds of one call of fn, repeated for at least min_time."""
    times = []
    start = time.perf_counter()
    while len(times) < MAX_REPS and (len(times) < MIN_REPS or
                                     time.perf_counter() - start < min_time):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), len(times)


def bench_file(path, min_time):
    import numpy as np
    from statsmodels.stats.meta_analysis import combine_effects

    data = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
    yi = np.ascontiguousarray(data[:, 0])
    vi = np.ascontiguousarray(data[:, 1])
    k = len(yi)
    for method, name in (("chi2", "DL"), ("iterated", "PM")):
        def fit():
            res = combine_effects(yi, vi, method_re=method)
            res.conf_int(use_t=False)
            return res

        res = fit()  # warm-up, and the figures printed beside the time
        t, reps = time_op(fit, min_time)
        # statsmodels does not truncate DL's tau^2 at 0; print what it uses.
        print(f"tool=statsmodels op=fit method={name} k={k} time={t:.6e} "
              f"reps={reps} tau2={res.tau2:.15g} estimate={res.mean_effect_re:.15g} "
              f"se={res.sd_eff_w_re:.15g} Q={res.q:.15g}", flush=True)
    print(f"tool=statsmodels op=fit method=REML k={k} "
          f"skipped=\"statsmodels has no REML estimator\"")
    for name in ("DL", "REML", "PM"):
        print(f"tool=statsmodels op=tau2ci method={name} k={k} "
              f"skipped=\"statsmodels has no tau^2 interval\"")


def main(argv):
    min_time = 0.3
    args = argv[1:]
    if len(args) >= 2 and args[0] == "--min-time":
        min_time = float(args[1])
        args = args[2:]
    if not args:
        print("usage: bench_statsmodels.py [--min-time SECONDS] FILE...",
              file=sys.stderr)
        return 2
    if not version_line():
        return 0
    for path in args:
        bench_file(path, min_time)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
