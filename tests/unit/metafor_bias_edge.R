# The expected values of tests/unit/test_bias_edge.c: metafor 3.8 (Debian
# 12's r-cran-metafor) and R's cor.test on the edge cases of the small-study
# tests, trim-and-fill, influence diagnostics and meta-regression. Rerun with
#   Rscript tests/unit/metafor_bias_edge.R   (from the repository root)
# and compare with the numbers in that file (15 significant digits).
# Iterative estimators run to threshold 1e-12 (1e-10 times tau^2 when that is
# below 1e-2), as for tests/data/bias_reference.json.
suppressMessages(library(metafor))
options(digits = 15, width = 150)
fmt <- function(x) ifelse(is.na(x), "NAN", formatC(x, digits = 15, format = "g"))
ctl <- list(threshold = 1e-12, tol = 1e-12, maxiter = 10000)
say <- function(tag, ...) cat(sprintf("%s: %s\n", tag, paste(fmt(c(...)), collapse = " ")))

show_regtest <- function(tag, r) {
  cf <- coef(r$fit); n <- length(cf)
  se <- if (r$model == "lm") coef(summary(r$fit))[n, 2] else r$fit$se[n]
  say(paste(tag, "coef se stat df p"), cf[n], se, r$zval, r$ddf, r$pval)
  say(paste(tag, "limit"), if (is.null(r$est)) NA else r$est,
      if (is.null(r$ci.lb)) NA else r$ci.lb, if (is.null(r$ci.ub)) NA else r$ci.ub)
}
show_trimfill <- function(tag, tf) {
  cat(sprintf("%s: side %s k0 %d\n", tag, tf$side, tf$k0))
  say(paste(tag, "estimate se ci tau2"), tf$beta, tf$se, tf$ci.lb, tf$ci.ub, tf$tau2)
  if (tf$k0 > 0) {
    say(paste(tag, "filled yi"), tf$yi[tf$fill])
    say(paste(tag, "filled vi"), tf$vi[tf$fill])
  }
}
show_influence <- function(tag, fit) {
  inf <- influence(fit)
  x <- inf$inf
  for (f in c("rstudent", "dffits", "cook.d", "cov.r", "tau2.del", "QE.del", "hat", "weight"))
    say(paste(tag, f), x[[f]])
  cat(sprintf("%s influential: %s\n", tag, paste(as.integer(inf$is.infl), collapse = " ")))
}
show_reg <- function(tag, f) {
  for (j in seq_along(f$beta))
    say(paste(tag, rownames(f$beta)[j]), f$beta[j], f$se[j], f$zval[j], f$pval[j], f$ci.lb[j],
        f$ci.ub[j])
  say(paste(tag, "QM QMdf QMp QE QEp df"), f$QM, f$QMdf[1], f$QMp, f$QE, f$QEp, f$ddf)
  say(paste(tag, "tau2 I2 H2 R2"), f$tau2, f$I2, f$H2, if (is.null(f$R2)) NA else f$R2)
}

cat("## k = 3: yi = c(0.2, 0.5, 0.9), vi = c(0.04, 0.09, 0.06), x = c(1, 2, 4)\n")
y3 <- c(0.2, 0.5, 0.9); v3 <- c(0.04, 0.09, 0.06); x3 <- c(1, 2, 4)
f3 <- rma(y3, v3, method = "REML", control = ctl)
show_regtest("k3 regtest REML", regtest(f3))
show_regtest("k3 regtest lm", regtest(f3, model = "lm"))
r <- ranktest(f3); say("k3 ranktest", r$tau, r$pval)
show_trimfill("k3 trimfill L0 REML", trimfill(f3, control = ctl))
show_influence("k3 influence REML", f3)
show_reg("k3 reg REML", rma(y3, v3, mods = x3, method = "REML", control = ctl))
show_reg("k3 reg FE", rma(y3, v3, mods = x3, method = "FE"))
cat(sprintf("k3 reg REML with 2 moderators (p + 1 > k): error? %s\n",
            inherits(try(rma(y3, v3, mods = cbind(x3, x3^2), method = "REML"), silent = TRUE),
                     "try-error")))

cat("## tau2 at 0: yi = c(0.1, 0.12, 0.11, 0.09, 0.1), vi = c(0.05, 0.04, 0.06, 0.05, 0.03)\n")
yb <- c(0.1, 0.12, 0.11, 0.09, 0.1); vb <- c(0.05, 0.04, 0.06, 0.05, 0.03); xb <- 1:5
fb <- rma(yb, vb, method = "REML", control = ctl)
say("zero tau2", fb$tau2)
show_regtest("zero regtest REML", regtest(fb))
show_trimfill("zero trimfill L0 REML", trimfill(fb, control = ctl))
show_influence("zero influence REML", fb)
show_reg("zero reg REML", rma(yb, vb, mods = xb, method = "REML", control = ctl))

cat("## all equal: yi = rep(0.3, 4), vi = c(0.1, 0.2, 0.15, 0.05)\n")
ye <- rep(0.3, 4); ve <- c(0.1, 0.2, 0.15, 0.05)
fe <- rma(ye, ve, method = "REML", control = ctl)
show_regtest("equal regtest REML", regtest(fe))
show_regtest("equal regtest lm (rounding noise: the fit is perfect)", regtest(fe, model = "lm"))
r <- ranktest(fe); say("equal ranktest (rounding noise)", r$tau, r$pval)
cat(sprintf("equal trimfill: %s\n", tryCatch({trimfill(fe); "ok"}, error = function(e) conditionMessage(e))))
show_influence("equal influence REML", fe)

cat("## nothing to fill: yi = c(-0.4, -0.1, 0, 0.1, 0.4), vi = c(0.05, 0.02, 0.01, 0.02, 0.05)\n")
ys <- c(-0.4, -0.1, 0, 0.1, 0.4); vs <- c(0.05, 0.02, 0.01, 0.02, 0.05)
fs <- rma(ys, vs, method = "DL")
show_trimfill("sym trimfill L0 DL", trimfill(fs))
show_trimfill("sym trimfill R0 DL", trimfill(fs, estimator = "R0"))
fs <- rma(ys, vs, method = "DL", test = "knha")
show_trimfill("sym trimfill L0 DL knha", trimfill(fs))

cat("## collinearity: x2 = 2 x1 + 1; equal variances for regtest\n")
x1 <- c(1, 2, 3, 4, 5, 6); x2 <- 2 * x1 + 1; yc <- c(0.1, 0.3, 0.2, 0.5, 0.4, 0.7)
vc <- c(0.02, 0.03, 0.04, 0.02, 0.05, 0.03)
f <- suppressWarnings(rma(yc, vc, mods = cbind(x1, x2), method = "REML"))
cat(sprintf("collinear: metafor drops %s (coef.na)\n", paste(names(which(f$coef.na)), collapse = " ")))
cat(sprintf("equal vi regtest: %s\n",
            tryCatch({regtest(rma(yc, rep(0.04, 6))); "ok"}, error = function(e) conditionMessage(e))))

cat("## a level with one trial: g = a a b b b c\n")
g <- c("a", "a", "b", "b", "b", "c"); yg <- c(0.1, 0.3, 0.6, 0.5, 0.8, -0.2)
vg <- c(0.02, 0.03, 0.04, 0.02, 0.05, 0.03)
Xg <- cbind("g=b" = as.numeric(g == "b"), "g=c" = as.numeric(g == "c"))
fg <- rma(yg, vg, mods = Xg, method = "REML", control = ctl)
show_reg("level1 reg REML", fg)
show_influence("level1 influence REML", fg)
show_reg("level1 reg FE", rma(yg, vg, mods = Xg, method = "FE"))

cat("## BCG, MH and Peto analyses: regtest and ranktest on the studies' own yi/vi\n")
mh <- rma.mh(ai = tpos, bi = tneg, ci = cpos, di = cneg, data = dat.bcg, measure = "RR")
show_regtest("bcg MH regtest", regtest(mh))
show_regtest("bcg MH regtest lm", regtest(mh, model = "lm"))
r <- ranktest(mh); say("bcg MH ranktest", r$tau, r$pval)
pe <- rma.peto(ai = tpos, bi = tneg, ci = cpos, di = cneg, data = dat.bcg)
show_regtest("bcg PETO regtest", regtest(pe))
r <- ranktest(pe); say("bcg PETO ranktest", r$tau, r$pval)

cat("## trim-and-fill on the left: BCG log RR negated, and side = \"left\" forced\n")
d <- escalc("RR", ai = tpos, bi = tneg, ci = cpos, di = cneg, data = dat.bcg)
fl <- rma(-d$yi, d$vi, method = "REML", control = ctl)
show_trimfill("bcg negated trimfill L0 REML", trimfill(fl, control = ctl))
ff <- rma(d$yi, d$vi, method = "FE")
show_trimfill("bcg FE trimfill L0 left", trimfill(ff, side = "left"))
show_trimfill("bcg FE trimfill R0 left", trimfill(ff, side = "left", estimator = "R0"))

cat("## influence of a meta-regression: BCG on ablat, REML and FE knha\n")
fa <- rma(d$yi, d$vi, mods = ~ablat, data = dat.bcg, method = "REML", control = ctl)
show_influence("bcg ablat influence REML", fa)
fa <- rma(d$yi, d$vi, mods = ~ablat, data = dat.bcg, method = "FE", test = "knha")
show_influence("bcg ablat influence FE knha", fa)

cat("## Kendall's tau: cor.test(exact = TRUE) as ranktest calls it\n")
kx <- function(n) ((1:n) * 7919) %% 1009 / 1009
ky <- function(n) ((1:n) * 104729) %% 1013 / 1013 + 0.001 * (1:n)
for (n in c(5, 50, 170)) {
  r <- cor.test(kx(n), ky(n), method = "kendall", exact = TRUE)
  say(sprintf("kendall exact n=%d", n), r$estimate, r$p.value)
}
r1 <- suppressWarnings(cor.test(kx(171), ky(171), method = "kendall", exact = TRUE))
r2 <- cor.test(kx(171), ky(171), method = "kendall", exact = FALSE)
say("kendall n=171 exact (R overflows) and normal", r1$estimate, r1$p.value, r2$p.value)
xt <- c(1, 2, 2, 3, 4, 4, 4, 5, 6, 7); yt <- c(3, 1, 2, 2, 5, 6, 4, 4, 7, 9)
r <- suppressWarnings(cor.test(xt, yt, method = "kendall", exact = TRUE))
say("kendall ties", r$estimate, r$p.value)
for (n in c(61, 1001)) {
  r <- suppressWarnings(cor.test(round(kx(n) * 10), round(ky(n) * 8), method = "kendall",
                                 exact = TRUE))
  say(sprintf("kendall many ties n=%d", n), r$estimate, r$p.value)
}

cat("## predictions of a meta-regression: BCG on ablat at 10 and 40, REML z and knha\n")
for (test in c("z", "knha")) {
  fa <- rma(d$yi, d$vi, mods = ~ablat, data = dat.bcg, method = "REML", test = test, control = ctl)
  p <- predict(fa, newmods = c(10, 40))
  say(paste("bcg ablat predict", test, "pred"), p$pred)
  say(paste("bcg ablat predict", test, "ci.lb"), p$ci.lb)
  say(paste("bcg ablat predict", test, "ci.ub"), p$ci.ub)
  say(paste("bcg ablat weights", test), weights(fa))
}
