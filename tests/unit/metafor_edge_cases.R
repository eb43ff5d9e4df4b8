# The expected values of tests/unit/test_pool_edge.c, test_es.c and
# test_sequential.c: metafor 3.8 (Debian 12's r-cran-metafor) on the edge
# cases of lib/stats. Rerun with
#   Rscript tests/unit/metafor_edge_cases.R   (from the repository root)
# and compare with the numbers in those files (15 significant digits).
# Iterative estimators are run to threshold 1e-12 and Q-profile bounds to
# tol 1e-12, as for tests/data/reference.json.
suppressMessages(library(metafor))
options(digits = 15, width = 150)
ctl <- list(threshold = 1e-12, tol = 1e-12, maxiter = 1000)
fmt <- function(x) ifelse(is.na(x), "NAN", formatC(x, digits = 15, format = "g"))
show <- function(tag, r, ci = TRUE) {
  cat(sprintf("%s: estimate %s se %s ci %s %s stat %s p %s\n", tag, fmt(r$beta), fmt(r$se),
              fmt(r$ci.lb), fmt(r$ci.ub), fmt(r$zval), fmt(r$pval)))
  cat(sprintf("%s: tau2 %s I2 %s H2 %s Q %s Q_p %s\n", tag, fmt(r$tau2), fmt(r$I2),
              fmt(r$H2), fmt(r$QE), fmt(r$QEp)))
  if (ci && !is.element(r$method, c("FE", "EE", "CE", "MH", "PETO")) && r$k > 1) {
    cf <- confint(r, control = list(tol = 1e-12))$random[1, ]
    cat(sprintf("%s: tau2_ci %s %s\n", tag, fmt(cf[2]), fmt(cf[3])))
  }
  if (!is.element(r$method, c("FE", "EE", "CE", "MH", "PETO"))) {
    p <- predict(r)
    cat(sprintf("%s: pi %s %s\n", tag, fmt(p$pi.lb), fmt(p$pi.ub)))
  }
}
methods <- c("DL", "REML", "ML", "PM", "HE", "HS", "SJ", "EB")

cat("## k = 1\n")
show("k1 REML", rma(0.5, 0.1, method = "REML"))
show("k1 FE", rma(0.5, 0.1, method = "FE"))
show("k1 REML knha", suppressWarnings(rma(0.5, 0.1, method = "REML", test = "knha")))

cat("## k = 2: yi = c(0.2, 0.9), vi = c(0.04, 0.09)\n")
for (m in methods) show(paste("k2", m), rma(c(0.2, 0.9), c(0.04, 0.09), method = m, control = ctl))
show("k2 REML knha", rma(c(0.2, 0.9), c(0.04, 0.09), method = "REML", test = "knha", control = ctl))
show("k2 FE", rma(c(0.2, 0.9), c(0.04, 0.09), method = "FE"))
show("k2 FE knha", suppressWarnings(rma(c(0.2, 0.9), c(0.04, 0.09), method = "FE", test = "knha")))

cat("## all identical: yi = rep(0.3, 4), vi = c(0.1, 0.2, 0.15, 0.05)\n")
for (m in methods) show(paste("same", m), rma(rep(0.3, 4), c(0.1, 0.2, 0.15, 0.05), method = m, control = ctl))
r <- rma(rep(0.3, 4), c(0.1, 0.2, 0.15, 0.05), method = "REML", test = "knha", control = ctl)
cat(sprintf("same REML knha: se %s (zero: the HKSJ factor is 0)\n", fmt(r$se)))

cat("## tau2 = 0 boundary: yi = c(0.1, 0.12, 0.11, 0.09, 0.1), vi = c(0.05, 0.04, 0.06, 0.05, 0.03)\n")
yb <- c(0.1, 0.12, 0.11, 0.09, 0.1); vb <- c(0.05, 0.04, 0.06, 0.05, 0.03)
for (m in methods) show(paste("bound", m), rma(yb, vb, method = m, control = ctl))

cat("## enormous variance ratio: yi = c(0.1, 0.5), vi = c(1e-10, 1e10)\n")
for (m in methods) {
  r <- try(suppressWarnings(rma(c(0.1, 0.5), c(1e-10, 1e10), method = m, control = ctl)), silent = TRUE)
  if (!inherits(r, "try-error")) show(paste("ratio", m), r, ci = FALSE)
}
# metafor's Q is 0 here (its projection cancels); the exact Q and its p-value:
Q <- 0.16 / (1e10 + 1e-10)
cat(sprintf("ratio exact: Q %s Q_p %s\n", fmt(Q), fmt(pchisq(Q, 1, lower.tail = FALSE))))
# and SJ's exact tau^2: t0 = var(yi) (k-1)/k = 0.04, Q(t0) = 0.16 / (1e10 + 0.08 + 1e-10)
cat(sprintf("ratio exact: SJ tau2 %s\n", fmt(0.04 * 0.16 / (1e10 + 0.08 + 1e-10))))
cat("## large variance ratio, k = 3: yi = c(0.1, 0.5, -0.3), vi = c(1e-4, 1, 1e4)\n")
for (m in c("DL", "REML", "PM")) show(paste("ratio3", m), suppressWarnings(rma(c(0.1, 0.5, -0.3), c(1e-4, 1, 1e4), method = m, control = ctl)))

cat("## zero cells\n")
ai <- c(0, 3, 5, 0, 2); n1 <- c(20, 30, 40, 25, 15); ci <- c(1, 6, 4, 0, 5); n2 <- c(22, 31, 38, 24, 16)
for (ms in c("RR", "OR", "RD")) {
  d <- escalc(ms, ai = ai, n1i = n1, ci = ci, n2i = n2)
  cat(sprintf("zero %s escalc yi: %s\n", ms, paste(fmt(d$yi), collapse = " ")))
  cat(sprintf("zero %s escalc vi: %s\n", ms, paste(fmt(d$vi), collapse = " ")))
  show(paste("zero", ms, "FE"), rma(yi, vi, data = d, method = "FE"))
  show(paste("zero", ms, "DL"), rma(yi, vi, data = d, method = "DL", control = ctl))
  r <- suppressWarnings(rma.mh(ai = ai, n1i = n1, ci = ci, n2i = n2, measure = ms))
  show(paste("zero", ms, "MH"), r)
  cat(sprintf("zero %s MH yi: %s\n", ms, paste(fmt(r$yi.f), collapse = " ")))
  cat(sprintf("zero %s MH k %d Q_df %d\n", ms, r$k, r$k.yi - 1))
}
r <- suppressWarnings(rma.peto(ai = ai, n1i = n1, ci = ci, n2i = n2))
show("zero PETO", r)
cat(sprintf("zero PETO yi: %s\n", paste(fmt(r$yi.f), collapse = " ")))
cat(sprintf("zero PETO vi: %s\n", paste(fmt(r$vi.f), collapse = " ")))
# RevMan's MH weights (metafor gives none): OR b c / N, RR c n1 / N, RD n1 n2 / N; Peto V
N <- n1 + n2; bi <- n1 - ai; di <- n2 - ci
w <- bi * ci / N; cat(sprintf("zero OR MH weight: %s\n", paste(fmt(100 * w / sum(w)), collapse = " ")))
w <- ci * n1 / N; cat(sprintf("zero RR MH weight: %s\n", paste(fmt(100 * w / sum(w)), collapse = " ")))
w <- n1 * n2 / N; cat(sprintf("zero RD MH weight: %s\n", paste(fmt(100 * w / sum(w)), collapse = " ")))
w <- (ai + ci) * (bi + di) * n1 * n2 / (N^2 * (N - 1)); cat(sprintf("zero PETO weight: %s\n", paste(fmt(100 * w / sum(w)), collapse = " ")))

cat("## three-arm trial combined (Cochrane Handbook table 6.5.a) against placebo\n")
comb <- function(n, m, s) {
  acc <- c(n[1], m[1], s[1])
  for (i in seq_along(n)[-1]) {
    N <- acc[1] + n[i]
    M <- (acc[1] * acc[2] + n[i] * m[i]) / N
    S <- sqrt(((acc[1] - 1) * acc[3]^2 + (n[i] - 1) * s[i]^2 + acc[1] * n[i] / N * (acc[2] - m[i])^2) / (N - 1))
    acc <- c(N, M, S)
  }
  acc
}
g <- comb(c(30, 28, 31), c(5.1, 4.6, 5.5), c(2.0, 2.4, 1.8))
cat(sprintf("three-arm combined: n %s mean %s sd %s\n", fmt(g[1]), fmt(g[2]), fmt(g[3])))
for (ms in c("MD", "SMD", "ROM")) {
  d <- escalc(ms, n1i = g[1], m1i = g[2], sd1i = g[3], n2i = 29, m2i = 6.2, sd2i = 2.2)
  cat(sprintf("three-arm %s: yi %s vi %s\n", ms, fmt(d$yi), fmt(d$vi)))
}
cat(sprintf("escalc with sd1 = 0 (SMD): yi %s\n", fmt(escalc("SMD", n1i = 10, m1i = 1, sd1i = 0, n2i = 10, m2i = 0, sd2i = 0)$yi)))
cat(sprintf("escalc ROM with a negative mean: yi %s\n", fmt(suppressWarnings(escalc("ROM", n1i = 10, m1i = -1, sd1i = 1, n2i = 10, m2i = 2, sd2i = 1)$yi))))

cat("## level 90\n")
normand <- read.csv("tests/data/normand1999.csv")
nt <- normand[normand$arm == "treated", ]; nc <- normand[normand$arm == "control", ]
dn <- escalc("MD", n1i = nt$n, m1i = nt$mean, sd1i = nt$sd, n2i = nc$n, m2i = nc$mean, sd2i = nc$sd)
r <- rma(yi, vi, data = dn, method = "REML", level = 90, control = ctl)
show("normand MD REML level 90", r)
cf <- confint(r, control = list(tol = 1e-12), level = 90)$random[1, ]
cat(sprintf("normand MD REML level 90 tau2_ci %s %s\n", fmt(cf[2]), fmt(cf[3])))

cat("## leave-one-out and cumulative\n")
r <- rma(yi, vi, data = dn, method = "REML", control = ctl)
l <- leave1out(r)
for (i in seq_along(l$estimate)) cat(sprintf("normand l1o %d: estimate %s se %s tau2 %s Q %s I2 %s\n", i, fmt(l$estimate[i]), fmt(l$se[i]), fmt(l$tau2[i]), fmt(l$Q[i]), fmt(l$I2[i])))
bcg <- read.csv("tests/data/bcg.csv")
bt <- bcg[bcg$arm == "treated", ]; bc <- bcg[bcg$arm == "control", ]
r <- rma.mh(ai = bt$events, n1i = bt$total, ci = bc$events, n2i = bc$total, measure = "RR")
l <- leave1out(r)
for (i in seq_along(l$estimate)) cat(sprintf("bcg mh l1o %d: estimate %s se %s Q %s I2 %s\n", i, fmt(l$estimate[i]), fmt(l$se[i]), fmt(l$Q[i]), fmt(l$I2[i])))
db <- escalc("RR", ai = bt$events, n1i = bt$total, ci = bc$events, n2i = bc$total)
r <- rma(yi, vi, data = db, method = "DL")
cu <- cumul(r)
for (i in seq_along(cu$estimate)) cat(sprintf("bcg DL cumul %d: estimate %s se %s tau2 %s Q %s I2 %s\n", i, fmt(cu$estimate[i]), fmt(cu$se[i]), fmt(cu$tau2[i]), fmt(cu$Q[i]), fmt(cu$I2[i])))

cat("## subgroups: Haeuser pain, SMD, REML, by drug class (arms of a class combined)\n")
h <- read.csv("tests/data/haeuser2009_fibromyalgia.csv")
h <- h[h$outcome == "pain", ]
classes <- list(TCA = "amitriptyline", SNRI = c("duloxetine", "milnacipran"),
                SSRI = c("fluoxetine", "citalopram", "paroxetine"), MAOI = c("moclobemide", "pirlindole"))
est <- se <- c()
for (cl in names(classes)) {
  yi <- vi <- c()
  for (tr in unique(h$trial)) {
    t <- h[h$trial == tr & h$treatment %in% classes[[cl]], ]
    c <- h[h$trial == tr & h$treatment == "placebo", ]
    if (nrow(t) == 0 || nrow(c) == 0) next
    gt <- comb(t$n, t$mean, t$sd); gc <- comb(c$n, c$mean, c$sd)
    d <- escalc("SMD", n1i = gt[1], m1i = gt[2], sd1i = gt[3], n2i = gc[1], m2i = gc[2], sd2i = gc[3])
    yi <- c(yi, d$yi); vi <- c(vi, d$vi)
  }
  r <- rma(yi, vi, method = "REML", control = ctl)
  cat(sprintf("subgroup %s: k %d estimate %s se %s tau2 %s\n", cl, r$k, fmt(r$beta), fmt(r$se), fmt(r$tau2)))
  est <- c(est, r$beta); se <- c(se, r$se)
}
w <- 1 / se^2
Q <- sum(w * (est - sum(w * est) / sum(w))^2)
cat(sprintf("subgroup test: Q %s df %d p %s\n", fmt(Q), length(est) - 1, fmt(pchisq(Q, length(est) - 1, lower.tail = FALSE))))

cat("## chi-squared quantiles for the Q-profile at large k (GSL's inverse fails there)\n")
for (d in c(1, 2, 12, 1e5, 999999, 1e7))
  cat(sprintf("qchisq df %s: lower %s upper %s\n", fmt(d), fmt(qchisq(0.025, d)), fmt(qchisq(0.025, d, lower.tail = FALSE))))
