# The estimate-row fixtures of tests/cli/test_estimates.sh and what metafor
# 3.8 (Debian 12's r-cran-metafor) computes on them. Rerun from the
# repository root with
#   Rscript tests/cli/estimates_reference.R
# It writes
#   tests/data/bcg_estimates.csv   the BCG trials (Colditz 1994, metadat's dat.bcg) of
#                                  tests/data/bcg.csv, the odd ones as arm rows, the even
#                                  ones as estimate rows computed from their arms: outcome
#                                  bcg_rr_ci as a publication prints them ("RR 0.20, 95% CI
#                                  0.07 to 0.59": two decimals), outcome bcg_log_se to full
#                                  precision (RR and the SE of log RR, 17 digits); trials 4, 8
#                                  and 12 the other way round (bcg-control vs bcg-treated,
#                                  RR 1/x)
#   tests/data/pignon2000_hr.csv   chemotherapy added to locoregional treatment for head and
#                                  neck cancer, 65 trials as hazard ratios (Pignon 2000,
#                                  metadat's dat.pignon2000: log HR = (O-E)/V, variance 1/V),
#                                  time-to-event outcome `death`; every tenth trial the other
#                                  way round, every thirteenth given as HR (95% CI) to two
#                                  decimals instead of its SE
#   tests/cli/estimates_expected.json   metafor's numbers per case of the test
# Each estimate row enters metafor as meta reads it (INTERFACE.md 1b): yi = log(estimate),
# negated when the row's sides are the selection's swapped; vi = se^2, or ((log(upper) -
# log(lower)) / (2 qnorm(0.975)))^2 from the interval. Arm rows go through escalc("RR").
# Iterative estimators run to threshold 1e-12, Q-profile bounds to tol 1e-12.
suppressMessages(library(metafor))
suppressMessages(library(metadat))
ctl <- list(threshold = 1e-12, tol = 1e-12, maxiter = 1000)
z975 <- qnorm(0.975)
g17 <- function(x) formatC(x, digits = 17, format = "g")

# ---- the fixtures ------------------------------------------------------------

bcg <- dat.bcg
bcg$name <- paste0("bcg: ", bcg$author, " ", bcg$year)
es_bcg <- escalc("RR", ai = tpos, bi = tneg, ci = cpos, di = cneg, data = bcg)
csv_line <- function(...) paste(sapply(list(...), function(v) {
  v <- as.character(v)
  ifelse(grepl("[,\"]", v), paste0("\"", gsub("\"", "\"\"", v), "\""), v)
}), collapse = ",")
lines <- csv_line("trial", "arm", "treatment", "control", "outcome", "events", "total",
                  "measure", "estimate", "se", "ci_lower", "ci_upper", "n_treatment",
                  "n_control", "year", "alloc")
for (outcome in c("bcg_rr_ci", "bcg_log_se")) {
  for (i in seq_len(nrow(bcg))) {
    b <- bcg[i, ]
    if (i %% 2 == 1) {
      lines <- c(lines,
        csv_line(b$name, "treated", "bcg-treated", "", outcome, b$tpos, b$tpos + b$tneg,
                 "", "", "", "", "", "", "", b$year, b$alloc),
        csv_line(b$name, "control", "bcg-control", "", outcome, b$cpos, b$cpos + b$cneg,
                 "", "", "", "", "", "", "", b$year, b$alloc))
      next
    }
    swap <- i %% 4 == 0
    yi <- es_bcg$yi[i] * (if (swap) -1 else 1)
    se <- sqrt(es_bcg$vi[i])
    sides <- if (swap) c("bcg-control", "bcg-treated") else c("bcg-treated", "bcg-control")
    n <- c(b$tpos + b$tneg, b$cpos + b$cneg)
    if (swap) n <- rev(n)
    if (i > 4) n <- c("", "") # participants only where the source gives them
    if (outcome == "bcg_rr_ci") {
      lines <- c(lines, csv_line(b$name, "", sides[1], sides[2], outcome, "", "", "RR",
                                 sprintf("%.2f", exp(yi)), "", sprintf("%.2f", exp(yi - z975 * se)),
                                 sprintf("%.2f", exp(yi + z975 * se)), n[1], n[2], b$year, b$alloc))
    } else {
      lines <- c(lines, csv_line(b$name, "", sides[1], sides[2], outcome, "", "", "RR",
                                 g17(exp(yi)), g17(se), "", "", n[1], n[2], b$year, b$alloc))
    }
  }
}
writeLines(lines, "tests/data/bcg_estimates.csv")

pig <- dat.pignon2000
timing <- c("adjuvant", "neoadjuvant", "concomitant")
lines <- csv_line("trial", "treatment", "control", "outcome", "measure", "estimate", "se",
                  "ci_lower", "ci_upper", "timing")
for (i in seq_len(nrow(pig))) {
  p <- pig[i, ]
  swap <- i %% 10 == 0
  yi <- p$OmE / p$V * (if (swap) -1 else 1)
  se <- 1 / sqrt(p$V)
  sides <- if (swap) c("locoregional", "chemotherapy") else c("chemotherapy", "locoregional")
  if (i %% 13 == 0) {
    lines <- c(lines, csv_line(p$trial, sides[1], sides[2], "death", "HR", sprintf("%.2f", exp(yi)),
                               "", sprintf("%.2f", exp(yi - z975 * se)),
                               sprintf("%.2f", exp(yi + z975 * se)), timing[p$grp]))
  } else {
    lines <- c(lines, csv_line(p$trial, sides[1], sides[2], "death", "HR", g17(exp(yi)), g17(se),
                               "", "", timing[p$grp]))
  }
}
writeLines(lines, "tests/data/pignon2000_hr.csv")

# ---- the fixtures read back as meta reads them ---------------------------------

# yi, vi of each trial of `outcome` for treatment `tr` vs control `co`, in file order.
studies <- function(file, outcome, tr, co) {
  d <- read.csv(file, colClasses = "character", check.names = FALSE)
  d <- d[d$outcome == outcome, ]
  num <- function(v) suppressWarnings(as.numeric(v))
  out <- NULL
  for (t in unique(d$trial)) {
    r <- d[d$trial == t, ]
    if (!"measure" %in% names(r) || all(r$measure == "")) {
      a <- r[r$treatment == tr, ]; b <- r[r$treatment == co, ]
      e <- escalc("RR", ai = num(a$events), n1i = num(a$total), ci = num(b$events),
                  n2i = num(b$total))
      out <- rbind(out, data.frame(trial = t, yi = e$yi, vi = e$vi,
                                   year = if ("year" %in% names(r)) num(r$year[1]) else NA,
                                   attr = r[1, ncol(r)], source = "arms"))
      next
    }
    yi <- log(num(r$estimate))
    se <- num(r$se)
    if (is.na(se)) se <- (log(num(r$ci_upper)) - log(num(r$ci_lower))) / (2 * z975)
    if (r$treatment == co) yi <- -yi
    out <- rbind(out, data.frame(trial = t, yi = yi, vi = se^2,
                                 year = if ("year" %in% names(r)) num(r$year) else NA,
                                 attr = r[1, ncol(r)], source = "estimate"))
  }
  out
}

# ---- JSON ------------------------------------------------------------------------

jv <- function(x) {
  if (is.character(x)) return(paste0("\"", x, "\""))
  if (length(x) != 1 || is.na(x) || !is.finite(x)) return("null")
  g17(x)
}
jobj <- function(fields) paste0("{", paste0("\"", names(fields), "\": ", fields, collapse = ", "),
                                "}")

# The fields of `meta pool --format json` for fit (rma.uni or rma.mh); revman5: I2 and H2 from
# Q, no tau^2 interval and no prediction interval.
result <- function(fit, d, revman5 = FALSE) {
  random <- !is.element(fit$method, c("FE", "EE", "CE", "MH"))
  f <- list(k = jv(fit$k), estimate = jv(fit$beta[1]), se = jv(fit$se), ci_lower = jv(fit$ci.lb),
            ci_upper = jv(fit$ci.ub), statistic = jv(fit$zval), p = jv(fit$pval),
            Q = jv(fit$QE), Q_df = jv(fit$k - 1), Q_p = jv(fit$QEp))
  if (revman5) {
    f$I2 <- jv(max(0, (fit$QE - (fit$k - 1)) / fit$QE) * 100)
    f$H2 <- jv(fit$QE / (fit$k - 1))
  } else {
    f$I2 <- jv(fit$I2)
    f$H2 <- jv(fit$H2)
  }
  if (random) {
    f$tau2 <- jv(fit$tau2)
    if (revman5) {
      f$tau2_ci_lower <- f$tau2_ci_upper <- f$pi_lower <- f$pi_upper <- "null"
    } else {
      cf <- confint(fit, control = list(tol = 1e-12))$random[1, ]
      f$tau2_ci_lower <- jv(cf[2])
      f$tau2_ci_upper <- jv(cf[3])
      pr <- predict(fit)
      f$pi_lower <- jv(pr$pi.lb)
      f$pi_upper <- jv(pr$pi.ub)
    }
  }
  if (!is.null(d)) {
    w <- weights(fit)
    f$studies <- paste0("[", paste(sapply(seq_len(nrow(d)), function(i)
      jobj(list(trial = jv(d$trial[i]), source = jv(d$source[i]), yi = jv(d$yi[i]),
                vi = jv(d$vi[i]), weight = jv(w[i])))), collapse = ", "), "]")
  }
  jobj(f)
}

steps <- function(x, key, trials) {
  paste0("[", paste(sapply(seq_along(trials), function(i)
    jobj(setNames(list(jv(trials[i]), jv(x$estimate[i]), jv(x$se[i]), jv(x$tau2[i]),
                       jv(x$I2[i])), c(key, "estimate", "se", "tau2", "I2")))), collapse = ", "),
    "]")
}

# REML and ML approach a tau^2 of 0 on the boundary in ever smaller steps and stop at
# whatever the threshold leaves (6e-13 for Pignon's neoadjuvant trials, 1e-31 with a
# threshold of 1e-30): such a fit is refitted with a threshold far below it, and when tau^2
# keeps falling it is the boundary, reported as tau^2 = 0, I^2 = 0, H^2 = 1.
fit_yv <- function(d, method = "REML", test = "z") {
  fit <- rma(yi, vi, data = d, method = method, test = test, control = ctl)
  if (fit$tau2 > 0 && fit$tau2 < 1e-10) {
    refit <- rma(yi, vi, data = d, method = method, test = test,
                 control = list(threshold = 1e-30, maxiter = 100000))
    if (refit$tau2 < 1e-3 * fit$tau2) {
      fit$tau2 <- 0; fit$I2 <- 0; fit$H2 <- 1
    }
  }
  fit
}
# Subgroups by the rows' attribute, each pooled on its own (REML), and the test of RevMan
# and R meta between them.
by_attr <- function(d) {
  est <- se <- numeric(0)
  sub <- character(0)
  for (g in sort(unique(d$attr))) {
    s <- d[d$attr == g, ]
    f <- fit_yv(s)
    sub <- c(sub, paste0("\"", g, "\": ", result(f, s)))
    est <- c(est, f$beta[1]); se <- c(se, f$se)
  }
  w <- 1 / se^2
  Q <- sum(w * (est - sum(w * est) / sum(w))^2)
  paste0("{", paste(sub, collapse = ", "), ", \"test\": ",
         jobj(list(Q = jv(Q), df = jv(length(est) - 1),
                   p = jv(pchisq(Q, length(est) - 1, lower.tail = FALSE)))), "}")
}

cases <- list()

bcg_file <- "tests/data/bcg.csv"
arms <- read.csv(bcg_file, colClasses = "character")
d_arms <- studies(bcg_file, "bcg", "bcg-treated", "bcg-control")
cases$bcg_arms <- result(fit_yv(d_arms), d_arms)

est_file <- "tests/data/bcg_estimates.csv"
d_se <- studies(est_file, "bcg_log_se", "bcg-treated", "bcg-control")
cases$bcg_log_se <- result(fit_yv(d_se), d_se)
d_ci <- studies(est_file, "bcg_rr_ci", "bcg-treated", "bcg-control")
cases$bcg_rr_ci <- result(fit_yv(d_ci), d_ci)
cases$bcg_rr_ci_dl <- result(fit_yv(d_ci, "DL"), d_ci)
cases$bcg_rr_ci_common <- result(fit_yv(d_ci, "EE"), d_ci)
cases$bcg_rr_ci_hksj <- result(fit_yv(d_ci, "REML", "knha"), d_ci)
cases$bcg_rr_ci_revman5 <- result(fit_yv(d_ci, "DL"), d_ci, revman5 = TRUE)
fit <- fit_yv(d_ci)
l1 <- leave1out(fit)
cases$bcg_rr_ci_loo <- steps(l1, "omitted", d_ci$trial)
ord <- order(d_ci$year, seq_len(nrow(d_ci)))
cu <- cumul(fit, order = match(seq_along(ord), ord)) # a sort key in metafor 3.8
cases$bcg_rr_ci_cumulative <- steps(cu, "added", d_ci$trial[ord])
cases$bcg_rr_ci_by_alloc <- by_attr(d_ci)
# Mantel-Haenszel: the 7 trials with arms (the estimate rows have no counts).
a <- bcg[seq(1, nrow(bcg), 2), ]
mh <- rma.mh(measure = "RR", ai = tpos, bi = tneg, ci = cpos, di = cneg, data = a)
cases$bcg_rr_ci_mh <- result(mh, NULL)

hr_file <- "tests/data/pignon2000_hr.csv"
d_hr <- studies(hr_file, "death", "chemotherapy", "locoregional")
cases$hr <- result(fit_yv(d_hr), d_hr)
cases$hr_dl <- result(fit_yv(d_hr, "DL"), d_hr)
cases$hr_hksj <- result(fit_yv(d_hr, "REML", "knha"), d_hr)
d_rev <- studies(hr_file, "death", "locoregional", "chemotherapy")
cases$hr_reversed <- result(fit_yv(d_rev), d_rev)
cases$hr_by_timing <- by_attr(d_hr)

writeLines(paste0("{\n", paste0("  \"", names(cases), "\": ", unlist(cases), collapse = ",\n"),
                  "\n}"), "tests/cli/estimates_expected.json")
