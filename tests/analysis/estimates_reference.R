# Reference values for tests/analysis/test_estimates.c (lib/analysis on arms
# and estimate rows held in memory), from metafor 3.8:
#   Rscript tests/analysis/estimates_reference.R
# Each trial enters rma() as the engine takes it: an estimate row's yi is
# log(estimate) for a ratio (the estimate itself for MD and for GIV, whose
# scale is the row's), negated when its sides are the selection's swapped,
# vi = se^2; a trial with arms on both sides goes through escalc() and its
# estimate row, if any, is not used. Iterative estimators to threshold 1e-12,
# Q-profile bounds to tol 1e-12.
suppressMessages(library(metafor))
suppressMessages(library(metadat))
ctl <- list(threshold = 1e-12, tol = 1e-12, maxiter = 1000)
p <- function(name, x) cat(sprintf("%s %.17g\n", name, x))
show <- function(tag, fit) {
  p(paste(tag, "estimate"), fit$b); p(paste(tag, "se"), fit$se)
  p(paste(tag, "tau2"), fit$tau2); p(paste(tag, "Q"), fit$QE); p(paste(tag, "I2"), fit$I2)
  cf <- confint(fit, control = list(tol = 1e-12))$random[1, ]
  p(paste(tag, "tau2_ci"), cf[2]); p(paste(tag, "tau2_ci upper"), cf[3])
  pr <- predict(fit)
  p(paste(tag, "pi_lower"), pr$pi.lb); p(paste(tag, "pi_upper"), pr$pi.ub)
  w <- weights(fit)
  for (i in seq_along(w)) p(paste(tag, "weight", i), w[i])
}
subgroup_test <- function(tag, fits) {
  est <- sapply(fits, function(f) f$b[1]); w <- 1 / sapply(fits, function(f) f$se)^2
  Q <- sum(w * (est - sum(w * est) / sum(w))^2)
  p(paste(tag, "subgroup Q"), Q); p(paste(tag, "subgroup p"), pchisq(Q, length(fits) - 1,
                                                                      lower.tail = FALSE))
}

cat("## MD: A1 (arms; its estimate row unused), E1, E2 (turned round), A2 (treatment arm only)\n")
a1 <- escalc("MD", m1i = 2.1, sd1i = 1.4, n1i = 30, m2i = 3.5, sd2i = 1.6, n2i = 31)
d <- data.frame(trial = c("A1", "E1", "E2", "A2"), yi = c(a1$yi, -1.3, -0.9, -0.6),
                vi = c(a1$vi, 0.4^2, 0.5^2, 0.38^2), year = c(2015, 2016, NA, 2010),
                dose = c("high", "high", "low", "low"))
fit <- rma(yi, vi, data = d, method = "REML", control = ctl)
show("md", fit)
l1 <- leave1out(fit)
for (i in 1:4) p(paste("md loo", d$trial[i]), l1$estimate[i])
ord <- order(is.na(d$year), d$year)
cu <- cumul(fit, order = match(seq_along(ord), ord)) # a sort key in metafor 3.8
for (i in 1:4) p(paste("md cumulative", i, d$trial[ord[i]]), cu$estimate[i])
fits <- lapply(c("high", "low"), function(g) rma(yi, vi, data = d[d$dose == g, ],
                                                 method = "REML", control = ctl))
p("md subgroup high", fits[[1]]$b); p("md subgroup low", fits[[2]]$b)
subgroup_test("md", fits)

cat("## BCG: odd trials as arms, even trials as estimate rows (full precision)\n")
es <- escalc("RR", ai = tpos, bi = tneg, ci = cpos, di = cneg, data = dat.bcg)
for (i in seq(2, 12, 2)) {
  swap <- i %% 4 == 0
  cat(sprintf("row %d: RR %.17g se %.17g%s\n", i, exp(es$yi[i] * (if (swap) -1 else 1)),
              sqrt(es$vi[i]), if (swap) " (bcg-control vs bcg-treated)" else ""))
}
show("bcg", rma(yi, vi, data = es, method = "REML", control = ctl))

cat("## HR: Pignon 2000, the first 12 trials; 5 and 10 turned round\n")
pig <- dat.pignon2000[1:12, ]
pig$yi <- pig$OmE / pig$V
pig$vi <- 1 / pig$V
for (i in 1:12)
  cat(sprintf("row %d %s: HR %.17g se %.17g grp %d\n", i, pig$trial[i],
              exp(pig$yi[i] * (if (i %% 5 == 0) -1 else 1)), sqrt(pig$vi[i]), pig$grp[i]))
fit <- rma(yi, vi, data = pig, method = "REML", control = ctl)
show("hr", fit)
show("hr DL", rma(yi, vi, data = pig, method = "DL", control = ctl))
fits <- lapply(1:2, function(g) rma(yi, vi, data = pig[pig$grp == g, ], method = "REML",
                                    control = ctl))
p("hr subgroup adjuvant", fits[[1]]$b); p("hr subgroup neoadjuvant", fits[[2]]$b)
subgroup_test("hr", fits)

cat("## GIV on the log scale: Nielweise 2008, log incidence rate ratios of the first 5 trials\n")
nw <- escalc("IRR", x1i = x1i, t1i = t1i, x2i = x2i, t2i = t2i, data = dat.nielweise2008[1:5, ])
for (i in 1:5) cat(sprintf("row %d: %.17g se %.17g\n", i, nw$yi[i], sqrt(nw$vi[i])))
show("giv", rma(yi, vi, data = nw, method = "REML", control = ctl))
