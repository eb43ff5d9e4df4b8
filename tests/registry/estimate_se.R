# The standard errors test_estimates.c expects of estimate rows given with an
# interval instead of se (INTERFACE.md 1b): the interval's width on the
# analysis scale (log for ratios) over 2 z, z the normal quantile of its
# level. Run with `Rscript estimate_se.R`; the values are copied into the
# test beside the rows they belong to.
se <- function(lo, hi, level, ratio) {
  w <- if (ratio) log(hi) - log(lo) else hi - lo
  w / (2 * qnorm(1 - (1 - level / 100) / 2))
}
cases <- list(
  list("T3: RR 4.94 (2.76 to 8.84), 95%", 2.76, 8.84, 95, TRUE),
  list("T4: RR 0.5 (0.25 to 1), 90%", 0.25, 1, 90, TRUE),
  list("C1: MD -1.3 (-2.1 to -0.5), 95%", -2.1, -0.5, 95, FALSE),
  list("C2: HR 0.7 (0.5 to 0.98), 99%", 0.5, 0.98, 99, TRUE),
  list("C3: GIV -0.2 (-0.5 to 0.1), 95%", -0.5, 0.1, 95, FALSE),
  list("C4: ROM 1.5 (1.1 to 1.9), 80%", 1.1, 1.9, 80, TRUE))
for (x in cases) cat(sprintf("%s: %.17g\n", x[[1]], se(x[[2]], x[[3]], x[[4]], x[[5]])))
