# Reference values for the mixed analysis of tests/analysis/test_bias.c
# (small-study tests, trim-and-fill, influence and a meta-regression on
# trials of arms and trials of estimate rows together), from metafor 3.8:
#   Rscript tests/analysis/bias_mixed_reference.R
# The BCG trials (metadat's dat.bcg): nine from their arms, four from an
# estimate row as a paper would report it, RR and SE of log RR rounded to two
# decimals; TPT Madras's row is stored the other way round (control vs
# treated, RR 0.99), so its effect is log(1 / 0.99). Each row carries the
# trial's absolute latitude itself (ablat), the moderator of the regression.
suppressMessages(library(metafor))
options(digits = 17)
ctl <- function(tau2) if (!is.na(tau2) && tau2 > 0 && tau2 < 1e-2)
  list(threshold = 1e-10 * tau2, tol = 1e-10 * tau2, maxiter = 10000) else
  list(threshold = 1e-12, tol = 1e-12, maxiter = 10000)
fit_rma <- function(yi, vi, method, mods = NULL) {
  args <- list(yi = yi, vi = vi, method = method, control = ctl(NA))
  if (!is.null(mods)) args$mods <- mods
  f <- do.call(rma, args)
  c2 <- ctl(f$tau2)
  if (!identical(c2, args$control)) {
    args$control <- c2
    f <- do.call(rma, args)
  }
  f
}
p <- function(name, x) cat(sprintf("%-28s %s\n", name,
                                   paste(sprintf("%.17g", as.numeric(x)), collapse = ", ")))

d <- escalc("RR", ai = tpos, n1i = tpos + tneg, ci = cpos, n2i = cpos + cneg, data = dat.bcg)
rows <- c(2, 5, 8, 11)
d$yi[rows] <- log(c(0.20, 0.80, 1 / 0.99, 0.71))
d$vi[rows] <- c(0.44, 0.23, 0.06, 0.11)^2
yi <- as.numeric(d$yi)
vi <- as.numeric(d$vi)

f <- fit_rma(yi, vi, "REML")
p("pooled estimate se tau2", c(f$beta, f$se, f$tau2))
base <- rma(yi, vi, method = "FE")
e <- regtest(base, model = "lm")
p("egger", c(coef(e$fit)[2], coef(summary(e$fit))[2, 2], e$zval, e$ddf, e$pval,
             e$est, e$ci.lb, e$ci.ub))
r <- regtest(f)
p("regtest", c(tail(r$fit$beta, 1), tail(r$fit$se, 1), r$zval, r$pval, r$est, r$ci.lb,
               r$ci.ub))
k <- ranktest(base)
p("begg", c(k$tau, k$pval))
t <- trimfill(f, control = f$control)
p("trimfill side k0", c(t$side == "right", t$k0))
p("trimfill", c(t$beta, t$se, t$ci.lb, t$ci.ub, t$tau2))
if (t$k0 > 0) p("filled yi", t$yi[t$fill])
inf <- influence(f)$inf
p("rstudent", inf$rstudent)
p("cook_d", inf$cook.d)

m <- fit_rma(yi, vi, "REML", mods = dat.bcg$ablat)
p("ablat beta", m$beta)
p("ablat se", m$se)
p("ablat pval", m$pval)
p("ablat QM QMp QE QEp", c(m$QM, m$QMp, m$QE, m$QEp))
p("ablat tau2 I2 H2 R2", c(m$tau2, m$I2, m$H2, m$R2))
