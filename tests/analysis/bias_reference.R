# Reference values for tests/analysis/test_bias.c, from metafor 3.8:
#   Rscript tests/analysis/bias_reference.R
# The in-memory arms of the test (mean differences), written out here anew;
# the two treatment arms of D8 combined by the Cochrane Handbook formula
# (table 6.5.a). Iterative estimators run to threshold 1e-12, and to 1e-10
# times tau^2 when tau^2 is below 1e-2 (metafor stops on an absolute change).
suppressMessages(library(metafor))
options(digits = 17)
comb <- function(n1, m1, s1, n2, m2, s2) {
  n <- n1 + n2
  m <- (n1 * m1 + n2 * m2) / n
  s <- sqrt(((n1 - 1) * s1^2 + (n2 - 1) * s2^2 + n1 * n2 / n * (m1 - m2)^2) / (n - 1))
  c(n, m, s)
}
ctl <- function(tau2) if (!is.na(tau2) && tau2 > 0 && tau2 < 1e-2)
  list(threshold = 1e-10 * tau2, tol = 1e-10 * tau2, maxiter = 10000) else
  list(threshold = 1e-12, tol = 1e-12, maxiter = 10000)
fit_rma <- function(yi, vi, method, test = "z", mods = NULL) {
  args <- list(yi = yi, vi = vi, method = method, test = test, control = ctl(NA))
  if (!is.null(mods)) args$mods <- mods
  f <- do.call(rma, args)
  c2 <- ctl(f$tau2)
  if (!identical(c2, args$control)) {
    args$control <- c2
    f <- do.call(rma, args)
  }
  f
}
p <- function(name, x) cat(sprintf("%-40s %s\n", name,
                                   paste(sprintf("%.17g", as.numeric(x)), collapse = ", ")))
bias <- function(tag, yi, vi, method = "REML", test = "z") {
  f <- fit_rma(yi, vi, method, test)
  base <- rma(yi, vi, method = "FE")
  e <- regtest(base, model = "lm")
  p(paste(tag, "egger"), c(coef(e$fit)[2], coef(summary(e$fit))[2, 2], e$zval, e$ddf, e$pval,
                           e$est, e$ci.lb, e$ci.ub))
  r <- regtest(f)
  p(paste(tag, "regtest"), c(tail(r$fit$beta, 1), tail(r$fit$se, 1), r$zval, r$pval, r$est,
                             r$ci.lb, r$ci.ub))
  k <- ranktest(base)
  p(paste(tag, "begg"), c(k$tau, k$pval))
  t <- trimfill(f, control = f$control)
  p(paste(tag, "trimfill side k0"), c(t$side == "right", t$k0))
  p(paste(tag, "trimfill"), c(t$beta, t$se, t$ci.lb, t$ci.ub, t$tau2))
  if (t$k0 > 0) p(paste(tag, "filled yi"), t$yi[t$fill])
  inf <- influence(f)$inf
  p(paste(tag, "rstudent"), inf$rstudent)
  p(paste(tag, "cook_d"), inf$cook.d)
  p(paste(tag, "tau2_del"), inf$tau2.del)
  p(paste(tag, "weight"), inf$weight)
  p(paste(tag, "influential"), as.numeric(influence(f)$is.infl))
}
reg <- function(tag, yi, vi, X, method = "REML", test = "z") {
  f <- fit_rma(yi, vi, method, test, mods = X)
  p(paste(tag, "beta"), f$beta)
  p(paste(tag, "se"), f$se)
  p(paste(tag, "pval"), f$pval)
  p(paste(tag, "QM QMp QE QEp"), c(f$QM, f$QMp, f$QE, f$QEp))
  if (method != "FE") p(paste(tag, "tau2 I2 H2 R2"), c(f$tau2, f$I2, f$H2, f$R2))
  p(paste(tag, "weights"), weights(f))
}

# D: nine trials; D7 lacks dose; D8's two treatment arms disagree on route.
d8 <- comb(22, 4.0, 1.6, 23, 4.3, 1.7)
D <- data.frame(
  n1 = c(40, 25, 60, 15, 80, 20, 30, d8[1], 50),
  m1 = c(5.0, 4.1, 5.5, 3.2, 5.8, 3.9, 4.4, d8[2], 5.0),
  s1 = c(2.0, 1.8, 2.2, 1.5, 2.0, 1.9, 2.1, d8[3], 2.0),
  n2 = c(40, 24, 62, 16, 78, 21, 30, 45, 50),
  m2 = c(6.2, 6.0, 6.1, 5.9, 6.3, 6.4, 5.6, 6.0, 6.0),
  s2 = c(2.1, 2.0, 2.3, 1.7, 2.1, 2.2, 2.0, 1.9, 2.0),
  dose = c(1, 2, 1, 4, 0.5, 3, NA, 2, 1.5),
  route = c("iv", "iv", "im", "im", "iv", "oral", "im", NA, "iv"))
D <- escalc("MD", m1i = m1, sd1i = s1, n1i = n1, m2i = m2, sd2i = s2, n2i = n2, data = D)
bias("D", D$yi, D$vi)
hasdose <- !is.na(D$dose)
reg("D dose REML z", D$yi[hasdose], D$vi[hasdose], D$dose[hasdose])
reg("D dose REML knha", D$yi[hasdose], D$vi[hasdose], D$dose[hasdose], test = "knha")
f <- fit_rma(D$yi[hasdose], D$vi[hasdose], "REML", "knha", mods = D$dose[hasdose])
p("D dose REML knha QMdf ddf", c(f$QMdf, f$ddf))
hasroute <- !is.na(D$route)
R <- cbind(as.numeric(D$route[hasroute] == "iv"), as.numeric(D$route[hasroute] == "oral"))
reg("D route FE", D$yi[hasroute], D$vi[hasroute], R, method = "FE")
both <- hasdose & hasroute
B2 <- cbind(D$dose[both], as.numeric(D$route[both] == "iv"), as.numeric(D$route[both] == "oral"))
reg("D dose route REML", D$yi[both], D$vi[both], B2)

# A: three trials.
A <- escalc("MD", m1i = c(2.0, 2.5, 1.8), sd1i = c(1.0, 1.2, 0.9), n1i = c(30, 20, 50),
            m2i = c(3.0, 3.1, 3.3), sd2i = c(1.1, 1.0, 1.2), n2i = c(30, 22, 48))
bias("A", A$yi, A$vi)
reg("A dose REML", A$yi, A$vi, c(1, 2, 4))

# B: six homogeneous trials (tau^2 = 0).
B <- escalc("MD", m1i = c(4.0, 4.1, 3.9, 4.05, 4.0, 3.95), sd1i = c(2.0, 2.0, 2.0, 2.1, 2.0, 2.2),
            n1i = c(20, 25, 30, 35, 40, 20), m2i = c(5.0, 5.0, 5.0, 5.0, 4.95, 5.0),
            sd2i = c(2.0, 2.1, 2.0, 2.0, 2.0, 2.1), n2i = c(20, 25, 30, 35, 40, 20))
bias("B", B$yi, B$vi)
reg("B dose REML", B$yi, B$vi, 1:6)

# C: four trials with equal effects (and unequal sizes); and four identical
# trials, whose equal standard errors leave Egger's regression without a
# slope (metafor: "Model matrix no longer of full rank").
C <- escalc("MD", m1i = rep(2.0, 4), sd1i = rep(1.0, 4), n1i = c(20, 30, 40, 50),
            m2i = rep(3.0, 4), sd2i = rep(1.0, 4), n2i = c(20, 30, 40, 50))
f <- fit_rma(C$yi, C$vi, "REML")
base <- rma(C$yi, C$vi, method = "FE")
e <- regtest(base, model = "lm")
p("C egger coefficient se", c(coef(e$fit)[2], coef(summary(e$fit))[2, 2]))
p("C estimate se tau2", c(f$beta, f$se, f$tau2))
# trimfill(f) does not converge here (its centred effects are rounding
# noise); lib/stats fills nothing (meta_bias.h).
reg("C dose REML", C$yi, C$vi, 1:4)
same <- escalc("MD", m1i = rep(2.0, 4), sd1i = rep(1.0, 4), n1i = rep(30, 4), m2i = rep(3.0, 4),
               sd2i = rep(1.0, 4), n2i = rep(30, 4))
print(try(regtest(rma(same$yi, same$vi, method = "FE"), model = "lm"), silent = TRUE))

# Z: the zero-cell trials of arms.c under Mantel-Haenszel (S3, no events in
# either arm, has no effect of its own): the tests on the corrected yi/vi.
Z <- data.frame(ai = c(12, 0, 0, 8, 15), n1i = c(50, 30, 20, 40, 60),
                ci = c(20, 4, 0, 10, 9), n2i = c(50, 32, 22, 38, 61))
mh <- rma.mh(ai = ai, n1i = n1i, ci = ci, n2i = n2i, data = Z, measure = "RR")
e <- regtest(mh, model = "lm")
p("Z egger", c(coef(e$fit)[2], coef(summary(e$fit))[2, 2], e$zval, e$ddf, e$pval, e$est, e$ci.lb,
               e$ci.ub))
r <- regtest(mh)
p("Z regtest", c(tail(r$fit$beta, 1), tail(r$fit$se, 1), r$zval, r$pval, r$est, r$ci.lb, r$ci.ub))
k <- ranktest(mh)
p("Z begg", c(k$tau, k$pval))
