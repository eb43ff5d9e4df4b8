# Library benchmark peer of bench_bias: metafor's meta-regression with three
# moderators and its small-study tests on the yi,vi,dose,year,class files
# that `bench_bias --write-mods` writes, timed inside R with system.time()
# (R's start-up, loading metafor, reading the file and building the model
# matrix are not timed). Prints bench_bias' line format:
#   op=metareg  rma(yi, vi, mods = X, method = M), X the model matrix of
#               dose + year + class (levels in byte order, the first the
#               reference), M = DL, REML, PM
#   op=egger    regtest(fit, model = "lm"), fit = rma(yi, vi) (REML)
#   op=regtest  regtest(fit)
#   op=begg     ranktest(fit): exact p-value below 171 studies, as ranktest
#               asks of cor.test; from 171 on R's exact computation overflows
#               (NaN, after O(k^3) memory and time), so the normal
#               approximation, cor.test(exact = FALSE), which is what meta
#               computes there, is timed instead (exact=FALSE on the line)
#   op=trimfill trimfill(fit) (L0)
# Fast calls are timed in batches of at least 50 ms and the median batch is
# divided by its size. rma() builds k x k matrices, so files with more than
# --max-k studies (default 1000) are skipped and say so.
# Usage: Rscript bench_bias_metafor.R [--min-time SECONDS] [--max-k N] FILE...

args <- commandArgs(trailingOnly = TRUE)
min_time <- 1.0
max_k <- 1000
while (length(args) >= 2 && args[1] %in% c("--min-time", "--max-k")) {
  if (args[1] == "--min-time") min_time <- as.numeric(args[2]) else max_k <- as.numeric(args[2])
  args <- args[-(1:2)]
}
if (length(args) == 0) {
  cat("usage: Rscript bench_bias_metafor.R [--min-time SECONDS] [--max-k N] FILE...\n",
      file = stderr())
  quit(status = 2)
}
if (!suppressMessages(requireNamespace("metafor", quietly = TRUE))) {
  cat('tool=metafor op=version skipped="not installed: R package metafor"\n')
  quit(status = 0)
}
suppressMessages(library(metafor))

# Median seconds per call of f, as bench_metafor.R times it, and the median
# processor time (user + system) per call: on a shared machine the elapsed
# time also counts the time others held the processor. A first call that
# takes longer than min_time is the measurement (no warm-up repeat).
time_op <- function(f) {
  cpu_of <- function(st) st[["user.self"]] + st[["sys.self"]]
  st <- system.time(f())
  if (st[["elapsed"]] > min_time)
    return(list(time = st[["elapsed"]], cpu = cpu_of(st), reps = 1))
  n <- 1
  repeat {
    st <- system.time(for (i in seq_len(n)) f())
    t <- st[["elapsed"]]
    if (t >= 0.05 || n >= 1e5) break
    n <- n * 4
  }
  times <- t / n
  cpus <- cpu_of(st) / n
  total <- t
  while ((length(times) < 3 || total < min_time) && !(total >= min_time && t > min_time)) {
    st <- system.time(for (i in seq_len(n)) f())
    t <- st[["elapsed"]]
    times <- c(times, t / n)
    cpus <- c(cpus, cpu_of(st) / n)
    total <- total + t
  }
  list(time = median(times), cpu = median(cpus), reps = n * length(times))
}

fmt <- function(x) sprintf("%.15g", x)
line <- function(op, method, k, r, extra = "") {
  cat(sprintf("tool=metafor op=%s%s k=%d time=%.6e cpu=%.6e reps=%d%s\n", op,
              if (is.null(method)) "" else paste0(" method=", method), k, r$time, r$cpu, r$reps,
              extra))
  flush(stdout())
}

for (path in args) {
  d <- read.csv(path, stringsAsFactors = FALSE)
  k <- nrow(d)
  if (k > max_k) {
    why <- sprintf("k > %d: rma() builds k x k matrices (%s GB each)", max_k,
                   format(8 * k^2 / 1e9, big.mark = ",", scientific = FALSE))
    for (op in c("metareg", "egger", "regtest", "begg", "trimfill"))
      cat(sprintf('tool=metafor op=%s k=%d skipped="%s"\n', op, k, why))
    next
  }
  lev <- sort(unique(d$class), method = "radix")
  X <- cbind(dose = d$dose, year = d$year)
  for (l in lev[-1]) X <- cbind(X, as.numeric(d$class == l))
  for (m in c("DL", "REML", "PM")) {
    fit <- rma(d$yi, d$vi, mods = X, method = m)
    r <- time_op(function() rma(d$yi, d$vi, mods = X, method = m))
    line("metareg", m, k, r, sprintf(" tau2=%s b_dose=%s QM=%s", fmt(fit$tau2), fmt(fit$beta[2]),
                                     fmt(fit$QM)))
  }
  fit <- rma(d$yi, d$vi)
  rt <- regtest(fit, model = "lm")
  line("egger", NULL, k, time_op(function() regtest(fit, model = "lm")),
       sprintf(" statistic=%s p=%s", fmt(rt$zval), fmt(rt$pval)))
  rt <- regtest(fit)
  line("regtest", "REML", k, time_op(function() regtest(fit)),
       sprintf(" statistic=%s p=%s", fmt(rt$zval), fmt(rt$pval)))
  exact <- k <= 170
  rk <- ranktest(fit, exact = exact)
  line("begg", NULL, k, time_op(function() ranktest(fit, exact = exact)),
       sprintf(" tau=%s p=%s exact=%s", fmt(rk$tau), fmt(rk$pval), if (exact) "TRUE" else "FALSE"))
  tf <- trimfill(fit)
  line("trimfill", "REML", k, time_op(function() trimfill(fit)),
       sprintf(" k0=%d side=%s estimate=%s", tf$k0, tf$side, fmt(tf$beta)))
}
