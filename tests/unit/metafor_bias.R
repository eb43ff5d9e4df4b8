# The expected values of tests/unit/test_bias_reference.c: metafor 3.8
# (Debian 12's r-cran-metafor) on the BCG trials with their attributes
# (bcg_regression.csv, log risk ratio), Normand 1999 (mean difference) and the
# Haeuser 2009 fibromyalgia trials (pain, SMD, antidepressants against
# placebo, by drug class, treatment weeks and year). Writes
# tests/data/bias_reference.json; rerun from the repository root with
#   Rscript tests/unit/metafor_bias.R
# For every model (common; random with DL, REML, ML, PM, HE, HS, SJ, EB) and
# test (z, knha): regtest(fit), trimfill(fit, estimator = "L0" and "R0"),
# influence(fit) and rma(yi, vi, mods = X, method, test) for several sets of
# moderators; per dataset regtest(fit, model = "lm") and ranktest(fit).
# The field names are those of INTERFACE.md section 3.
#
# Convergence: iterative estimators run to threshold 1e-12 and uniroot() to
# tol 1e-12; when the estimate of tau^2 is below 1e-2 the fit is repeated
# with both set to 1e-10 times it (metafor stops on an absolute change of
# tau^2, too coarse for a tiny tau^2). The control list travels with the fit
# into regtest(), influence() and (as an argument) trimfill().
#
# Conventions of INTERFACE 3 that differ from what metafor prints: under the
# common model tau2, I2, H2 and R2 of a meta-regression, trimfill's tau2 and
# influence's tau2_del are null (metafor prints I^2 and H^2 from QE, the
# adjusted R^2 of a weighted lm() and tau2.del = 0).
#
# The arms of a multi-arm trial's side are combined with the Cochrane
# Handbook formula (table 6.5.a). Haeuser: Goldenberg 1996 (fluoxetine, an
# SSRI, and amitriptyline, a TCA) and Hannonen 1998 (moclobemide, an MAOI,
# and amitriptyline) compare arms of two drug classes with one placebo arm;
# they are left out, so that each trial has one class. The file has no dose.
suppressMessages(library(metafor))
options(digits = 15)

combine <- function(n, m, s) {
  # Cochrane Handbook 6.5.a, pairwise from the first arm
  N <- n[1]; M <- m[1]; S <- s[1]
  if (length(n) > 1) for (j in 2:length(n)) {
    S <- sqrt(((N - 1) * S^2 + (n[j] - 1) * s[j]^2 + N * n[j] / (N + n[j]) * (M - m[j])^2) /
              (N + n[j] - 1))
    M <- (N * M + n[j] * m[j]) / (N + n[j])
    N <- N + n[j]
  }
  c(N, M, S)
}

# One row per trial (first appearance order): the effect and each attribute
# of its treatment arms (they agree within a trial in these files).
load_cont <- function(file, outcome, treatments, control, measure, attrs, drop = character()) {
  d <- read.csv(file, stringsAsFactors = FALSE, check.names = FALSE)
  d <- d[d$outcome == outcome, ]
  trials <- unique(d$trial)
  trials <- trials[!trials %in% drop]
  rows <- list()
  for (t in trials) {
    tr <- d[d$trial == t & d$treatment %in% treatments, ]
    co <- d[d$trial == t & d$treatment %in% control, ]
    if (nrow(tr) == 0 || nrow(co) == 0) next
    a <- combine(tr$n, tr$mean, tr$sd); b <- combine(co$n, co$mean, co$sd)
    es <- escalc(measure, n1i = a[1], m1i = a[2], sd1i = a[3], n2i = b[1], m2i = b[2], sd2i = b[3])
    row <- data.frame(trial = t, yi = as.numeric(es$yi), vi = as.numeric(es$vi))
    for (at in attrs) {
      v <- unique(as.character(tr[[at]]))
      stopifnot(length(v) == 1)
      row[[at]] <- v
    }
    rows[[length(rows) + 1]] <- row
  }
  do.call(rbind, rows)
}

load_bin <- function(file, outcome, treatment, control, measure, attrs) {
  d <- read.csv(file, stringsAsFactors = FALSE, check.names = FALSE)
  d <- d[d$outcome == outcome, ]
  rows <- list()
  for (t in unique(d$trial)) {
    tr <- d[d$trial == t & d$treatment == treatment, ]
    co <- d[d$trial == t & d$treatment == control, ]
    es <- escalc(measure, ai = sum(tr$events), n1i = sum(tr$total), ci = sum(co$events),
                 n2i = sum(co$total))
    row <- data.frame(trial = t, yi = as.numeric(es$yi), vi = as.numeric(es$vi))
    for (at in attrs) row[[at]] <- as.character(tr[[at]][1])
    rows[[length(rows) + 1]] <- row
  }
  do.call(rbind, rows)
}

# The design of INTERFACE 3: numeric moderators as they are; others as
# indicators of every level but the first in byte order, named ATTR=level.
design <- function(dat, mods) {
  X <- NULL
  for (m in mods) {
    v <- dat[[m]]
    num <- suppressWarnings(as.numeric(v))
    if (!anyNA(num)) {
      X <- cbind(X, num); colnames(X)[ncol(X)] <- m
    } else {
      lev <- sort(unique(v), method = "radix")
      for (l in lev[-1]) {
        X <- cbind(X, as.numeric(v == l)); colnames(X)[ncol(X)] <- paste0(m, "=", l)
      }
    }
  }
  X
}

ctl_for <- function(tau2) {
  if (!is.na(tau2) && tau2 > 0 && tau2 < 1e-2)
    list(threshold = 1e-10 * tau2, tol = 1e-10 * tau2, maxiter = 10000)
  else
    list(threshold = 1e-12, tol = 1e-12, maxiter = 10000)
}

# rma() converged relative to its tau^2.
fit_rma <- function(yi, vi, mods = NULL, method, test) {
  args <- list(yi = yi, vi = vi, method = method, test = test, control = ctl_for(NA))
  if (!is.null(mods)) args$mods <- mods
  f <- suppressWarnings(do.call(rma, args))
  ctl <- ctl_for(f$tau2)
  if (!identical(ctl, args$control)) {
    args$control <- ctl
    f <- suppressWarnings(do.call(rma, args))
  }
  f
}

num <- function(x) if (is.null(x) || length(x) == 0 || is.na(x)) NA else unname(as.numeric(x))

regtest_fields <- function(r) {
  list(coefficient = num(tail(coef(r$fit), 1)),
       se = num(if (r$model == "lm") coef(summary(r$fit))[2, 2] else r$fit$se[length(r$fit$se)]),
       statistic = num(r$zval), df = num(r$ddf), p = num(r$pval),
       limit_estimate = num(r$est), limit_ci_lower = num(r$ci.lb),
       limit_ci_upper = num(r$ci.ub))
}

trimfill_fields <- function(fit, est, common) {
  tf <- suppressWarnings(trimfill(fit, estimator = est, control = fit$control))
  filled <- if (tf$k0 > 0) {
    w <- which(tf$fill)
    lapply(w, function(i) list(yi = num(tf$yi[i]), vi = num(tf$vi[i])))
  } else list()
  list(estimator = est, side = tf$side, k0 = tf$k0, estimate = num(tf$beta), se = num(tf$se),
       ci_lower = num(tf$ci.lb), ci_upper = num(tf$ci.ub),
       tau2 = if (common) NA else num(tf$tau2), filled = filled)
}

influence_fields <- function(fit, common) {
  inf <- influence(fit)
  x <- inf$inf
  lapply(seq_along(x$rstudent), function(i)
    list(rstudent = num(x$rstudent[i]), dffits = num(x$dffits[i]), cook_d = num(x$cook.d[i]),
         cov_r = num(x$cov.r[i]), tau2_del = if (common) NA else num(x$tau2.del[i]),
         QE_del = num(x$QE.del[i]), hat = num(x$hat[i]), weight = num(x$weight[i]),
         influential = isTRUE(inf$is.infl[i])))
}

regress_fields <- function(fit, X, common) {
  nm <- c("intercept", colnames(X))
  coefs <- lapply(seq_along(nm), function(j)
    list(name = nm[j], estimate = num(fit$beta[j]), se = num(fit$se[j]),
         statistic = num(fit$zval[j]), p = num(fit$pval[j]), ci_lower = num(fit$ci.lb[j]),
         ci_upper = num(fit$ci.ub[j])))
  list(mods = NULL, coefficients = coefs, QM = num(fit$QM), QM_df = fit$QMdf[1],
       QM_p = num(fit$QMp), QE = num(fit$QE), QE_df = fit$k - fit$p, QE_p = num(fit$QEp),
       df = num(fit$ddf), tau2 = if (common) NA else num(fit$tau2),
       I2 = if (common) NA else num(fit$I2), H2 = if (common) NA else num(fit$H2),
       R2 = if (common) NA else num(fit$R2))
}

models <- list(c("common", "FE"), c("random", "DL"), c("random", "REML"), c("random", "ML"),
               c("random", "PM"), c("random", "HE"), c("random", "HS"), c("random", "SJ"),
               c("random", "EB"))

dataset <- function(name, file, outcome, treatment, control, measure, dat, modsets,
                    excluded = character()) {
  cat(sprintf("%s: k = %d\n", name, nrow(dat)))
  fits <- list()
  for (m in models) for (test in c("z", "knha")) {
    common <- m[1] == "common"
    fit <- fit_rma(dat$yi, dat$vi, method = m[2], test = test)
    entry <- list(model = m[1], method = if (common) "IV" else m[2],
                  ci = if (test == "z") "z" else "hksj",
                  regtest = regtest_fields(suppressWarnings(regtest(fit))),
                  trimfill = list(L0 = trimfill_fields(fit, "L0", common),
                                  R0 = trimfill_fields(fit, "R0", common)),
                  influence = influence_fields(fit, common), regress = list())
    for (mods in modsets) {
      X <- design(dat, mods)
      rf <- fit_rma(dat$yi, dat$vi, mods = X, method = m[2], test = test)
      r <- regress_fields(rf, X, common)
      r$mods <- as.list(mods)
      entry$regress[[length(entry$regress) + 1]] <- r
    }
    fits[[length(fits) + 1]] <- entry
  }
  base <- rma(dat$yi, dat$vi, method = "FE")
  rk <- ranktest(base)
  list(dataset = name, file = file, outcome = outcome, treatment = treatment, control = control,
       measure = measure, excluded = excluded, trials = dat$trial, yi = dat$yi, vi = dat$vi,
       egger = regtest_fields(regtest(base, model = "lm")),
       begg = list(tau = num(rk$tau), p = num(rk$pval)), fits = fits)
}

cases <- list()
bcg <- load_bin("tests/data/bcg_regression.csv", "bcg_reg", "bcg_reg-treated", "bcg_reg-control",
                "RR", c("ablat", "year", "alloc"))
cases[[1]] <- dataset("bcg_regression", "bcg_regression.csv", "bcg_reg", "bcg_reg-treated",
                      "bcg_reg-control", "RR", bcg,
                      list("ablat", c("year", "alloc"), c("ablat", "year", "alloc")))

nor <- load_cont("tests/data/normand1999.csv", "normand1999", "normand1999-treated",
                 "normand1999-control", "MD", character())
cases[[2]] <- dataset("normand1999", "normand1999.csv", "normand1999", "normand1999-treated",
                      "normand1999-control", "MD", nor, list())

drugs <- c("amitriptyline", "pirlindole", "fluoxetine", "moclobemide", "citalopram", "duloxetine",
           "paroxetine", "milnacipran")
mixed <- c("Goldenberg et al. 1996", "Hannonen et al. 1998")
hae <- load_cont("tests/data/haeuser2009_fibromyalgia.csv", "pain", drugs, "placebo", "SMD",
                 c("class", "weeks", "year"), drop = mixed)
cases[[3]] <- dataset("haeuser2009", "haeuser2009_fibromyalgia.csv", "pain",
                      paste(drugs, collapse = ","), "placebo", "SMD", hae,
                      list("class", "weeks", c("class", "year")), excluded = mixed)

# A small JSON writer (base R has none): named lists are objects, others
# arrays; numbers with 17 significant digits; NA and NULL are null.
json <- function(x, indent = "") {
  inner <- paste0(indent, " ")
  if (is.null(x)) return("null")
  if (is.list(x)) {
    if (length(x) == 0) return(if (is.null(names(x))) "[]" else "{}")
    items <- vapply(x, json, "", indent = inner)
    if (!is.null(names(x)))
      items <- paste0("\"", names(x), "\": ", items)
    open <- if (is.null(names(x))) "[" else "{"
    close <- if (is.null(names(x))) "]" else "}"
    return(paste0(open, "\n", inner, paste(items, collapse = paste0(",\n", inner)), "\n",
                  indent, close))
  }
  if (length(x) != 1) return(json(as.list(x), indent))
  if (is.na(x)) return("null")
  if (is.logical(x)) return(if (x) "true" else "false")
  if (is.numeric(x)) return(sprintf("%.17g", x))
  paste0("\"", gsub("\"", "\\\\\"", gsub("\\\\", "\\\\\\\\", x)), "\"")
}

out <- list(metafor = as.character(packageVersion("metafor")), cases = cases)
writeLines(json(out), "tests/data/bias_reference.json")
cat("wrote tests/data/bias_reference.json\n")
