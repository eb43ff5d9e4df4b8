# Library benchmark peer: metafor's rma() and confint() on the yi,vi files
# that bench_smd writes (the files bench_stats and bench_statsmodels.py read),
# timed inside R with system.time() (R's start-up, loading metafor and reading
# the file are not timed). Prints bench_stats' line format: `op=fit` is
# rma(yi, vi, method = M), `op=tau2ci` is confint() of that fit (the Q-profile
# tau^2 interval). Fast calls are timed in batches of at least 50 ms and the
# median batch is divided by its size. metafor's rma.uni builds k x k
# matrices (8 k^2 bytes each, O(k^3) time for REML), so files with more than
# --max-k studies (default 1000) are skipped and say so. Untimed, each fit
# and interval is also computed to 1e-12 (`exact` fields), metafor's answer
# with the convergence meta uses, to show that the two agree.
# Usage: Rscript bench_metafor.R [--min-time SECONDS] [--max-k N] FILE...

args <- commandArgs(trailingOnly = TRUE)
min_time <- 1.0
max_k <- 1000
while (length(args) >= 2 && args[1] %in% c("--min-time", "--max-k")) {
  if (args[1] == "--min-time") min_time <- as.numeric(args[2]) else max_k <- as.numeric(args[2])
  args <- args[-(1:2)]
}
if (length(args) == 0) {
  cat("usage: Rscript bench_metafor.R [--min-time SECONDS] [--max-k N] FILE...\n", file = stderr())
  quit(status = 2)
}
if (!suppressMessages(requireNamespace("metafor", quietly = TRUE))) {
  cat('tool=metafor op=version skipped="not installed: R package metafor"\n')
  quit(status = 0)
}
suppressMessages(library(metafor))
cat(sprintf("tool=metafor op=version R=%s metafor=%s\n",
            paste(R.version$major, R.version$minor, sep = "."),
            as.character(packageVersion("metafor"))))

# Median seconds per call of f: batches of n calls, n grown until a batch
# takes 50 ms, then at least 3 batches and min_time in all (one call is
# enough when a single call already takes longer than min_time).
time_op <- function(f) {
  f()
  n <- 1
  repeat {
    t <- system.time(for (i in seq_len(n)) f())[["elapsed"]]
    if (t >= 0.05 || n >= 1e5) break
    n <- n * 4
  }
  times <- t / n
  total <- t
  while ((length(times) < 3 || total < min_time) && !(total >= min_time && t > min_time)) {
    t <- system.time(for (i in seq_len(n)) f())[["elapsed"]]
    times <- c(times, t / n)
    total <- total + t
  }
  list(time = median(times), reps = n * length(times))
}

fmt <- function(x) sprintf("%.15g", x)

for (path in args) {
  d <- read.csv(path)
  yi <- d$yi
  vi <- d$vi
  k <- length(yi)
  for (m in c("DL", "REML", "PM")) {
    if (k > max_k) {
      why <- sprintf("k > %d: rma() builds k x k matrices (%s GB each)", max_k,
                     format(8 * k^2 / 1e9, big.mark = ",", scientific = FALSE))
      cat(sprintf('tool=metafor op=fit method=%s k=%d skipped="%s"\n', m, k, why))
      cat(sprintf('tool=metafor op=tau2ci method=%s k=%d skipped="%s"\n', m, k, why))
      next
    }
    fit <- rma(yi, vi, method = m)
    exact <- rma(yi, vi, method = m, control = list(threshold = 1e-12, tol = 1e-12, maxiter = 1000))
    r <- time_op(function() rma(yi, vi, method = m))
    cat(sprintf(paste("tool=metafor op=fit method=%s k=%d time=%.6e reps=%d tau2=%s estimate=%s",
                      "se=%s Q=%s tau2_exact=%s estimate_exact=%s\n"),
                m, k, r$time, r$reps, fmt(fit$tau2), fmt(as.numeric(fit$b)), fmt(fit$se),
                fmt(fit$QE), fmt(exact$tau2), fmt(as.numeric(exact$b))))
    ci <- confint(fit)
    ci_exact <- confint(exact, control = list(tol = 1e-12))
    r <- time_op(function() confint(fit))
    cat(sprintf(paste("tool=metafor op=tau2ci method=%s k=%d time=%.6e reps=%d lower=%s upper=%s",
                      "lower_exact=%s upper_exact=%s\n"),
                m, k, r$time, r$reps, fmt(ci$random["tau^2", "ci.lb"]),
                fmt(ci$random["tau^2", "ci.ub"]), fmt(ci_exact$random["tau^2", "ci.lb"]),
                fmt(ci_exact$random["tau^2", "ci.ub"])))
    flush(stdout())
  }
}
