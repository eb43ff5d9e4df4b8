# Expected values of tests/analysis/test_totals.c: analyses with subgroup
# totals only (RevMan's "subgroup totals only"), where each subgroup is
# pooled on its own and each study's weight is its weight within its
# subgroup. Every subgroup is fitted here on its own with metafor 3.8, so the
# values come from outside meta:
#
#   Rscript tests/analysis/totals_reference.R
#
# Set C: continuous (MD), subgroups a (C1-C3) and b (C4-C7); fitted by
# inverse variance (method "FE") and by DerSimonian-Laird (method "DL").
# Set B: binary (OR, no zero cell), subgroups x (B1-B3) and y (B4-B5);
# fitted by Mantel-Haenszel (rma.mh), as RevMan 5 pools it without zero cells.
# The test for subgroup differences is Q over the subgroup estimates weighted
# by 1 / se^2 on G - 1 df (RevMan, R meta).
suppressMessages(library(metafor))
options(digits = 15)

show <- function(label, x) cat(sprintf("%-28s %s\n", label, paste(format(x, digits = 15), collapse = ", ")))
qtest <- function(fits) {
  est <- sapply(fits, function(f) as.numeric(f$beta))
  se <- sapply(fits, function(f) f$se)
  w <- 1 / se^2
  q <- sum(w * (est - sum(w * est) / sum(w))^2)
  c(q, pchisq(q, length(fits) - 1, lower.tail = FALSE))
}

C <- data.frame(trial = paste0("C", 1:7), sub = c("a", "a", "a", "b", "b", "b", "b"),
                n1 = c(30, 45, 22, 50, 38, 60, 27), m1 = c(12.1, 10.4, 14.0, 9.2, 11.5, 8.8, 13.1),
                sd1 = c(4.2, 3.9, 5.1, 3.3, 4.0, 3.6, 4.8),
                n2 = c(31, 44, 20, 52, 40, 58, 25), m2 = c(13.5, 12.0, 13.1, 10.9, 12.2, 11.0, 13.0),
                sd2 = c(4.5, 4.1, 4.9, 3.5, 4.4, 3.8, 5.0))
C <- escalc("MD", m1i = m1, sd1i = sd1, n1i = n1, m2i = m2, sd2i = sd2, n2i = n2, data = C)
for (method in c("FE", "DL")) {
  fits <- lapply(c("a", "b"), function(g) rma(yi, vi, data = C[C$sub == g, ], method = method))
  for (i in 1:2) {
    f <- fits[[i]]
    show(sprintf("C %s subgroup %d weights", method, i), weights(f))
    show(sprintf("C %s subgroup %d est, se", method, i), c(f$beta, f$se))
    show(sprintf("C %s subgroup %d tau2, Q", method, i), c(f$tau2, f$QE))
  }
  show(sprintf("C %s test Q, p", method), qtest(fits))
}

B <- data.frame(trial = paste0("B", 1:5), sub = c("x", "x", "x", "y", "y"),
                ai = c(12, 8, 20, 15, 30), n1 = c(60, 45, 110, 70, 150),
                ci = c(18, 13, 26, 14, 41), n2 = c(62, 44, 105, 72, 148))
B$bi <- B$n1 - B$ai
B$di <- B$n2 - B$ci
fits <- lapply(c("x", "y"), function(g) {
  d <- B[B$sub == g, ]
  rma.mh(ai = ai, bi = bi, ci = ci, di = di, data = d, measure = "OR")
})
for (i in 1:2) {
  f <- fits[[i]]
  show(sprintf("B MH subgroup %d weights", i), weights(f))
  show(sprintf("B MH subgroup %d est, se", i), c(f$beta, f$se))
  show(sprintf("B MH subgroup %d Q", i), f$QE)
}
show("B MH test Q, p", qtest(fits))
