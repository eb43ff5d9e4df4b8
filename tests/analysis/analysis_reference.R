# Reference values for tests/analysis/test_analysis.c, from metafor 3.8:
#   Rscript tests/analysis/analysis_reference.R
# The in-memory arms of the test, with the two treatment arms of T2 combined
# by the Cochrane Handbook formula (table 6.5.a), written out here anew.
suppressMessages(library(metafor))
comb <- function(n1, m1, s1, n2, m2, s2) {
  n <- n1 + n2
  m <- (n1 * m1 + n2 * m2) / n
  s <- sqrt(((n1 - 1) * s1^2 + (n2 - 1) * s2^2 + n1 * n2 / n * (m1 - m2)^2) / (n - 1))
  c(n, m, s)
}
t2 <- comb(20, 1.8, 1.2, 22, 1.5, 1.1)
cat(sprintf("T2 combined: n %.17g mean %.17g sd %.17g\n", t2[1], t2[2], t2[3]))
d <- data.frame(trial = c("T1", "T2", "T3", "T6"),
                n1 = c(30, t2[1], 25, 18), m1 = c(2.1, t2[2], 2.5, 2.0), s1 = c(1.4, t2[3], 1.3, 1.0),
                n2 = c(31, 40, 24, 19), m2 = c(3.5, 3.0, 3.1, 3.3), s2 = c(1.6, 1.5, 1.4, 1.2),
                year = c(2015, 2010, NA, 2012))
es <- escalc("MD", m1i = m1, sd1i = s1, n1i = n1, m2i = m2, sd2i = s2, n2i = n2, data = d)
fit <- rma(yi, vi, data = es, method = "REML", control = list(threshold = 1e-12))
p <- function(name, x) cat(sprintf("%s %.17g\n", name, x))
p("overall estimate", fit$b); p("overall se", fit$se); p("overall tau2", fit$tau2)
p("overall Q", fit$QE); p("overall I2", fit$I2)
l1 <- leave1out(fit)
for (i in 1:4) p(paste("loo", d$trial[i]), l1$estimate[i])
ord <- order(is.na(d$year), d$year)
cu <- cumul(fit, order = match(seq_along(ord), ord)) # a sort key in metafor 3.8
for (i in 1:4) p(paste("cumulative", i, d$trial[ord[i]]), cu$estimate[i])
# Subgroups by dose: 0.15 (T2's low-dose arm, T6), 0.5 (T1, T2's high-dose arm), missing (T3)
sg <- data.frame(n1 = c(20, 18), m1 = c(1.8, 2.0), s1 = c(1.2, 1.0),
                 n2 = c(40, 19), m2 = c(3.0, 3.3), s2 = c(1.5, 1.2))
e1 <- escalc("MD", m1i = m1, sd1i = s1, n1i = n1, m2i = m2, sd2i = s2, n2i = n2, data = sg)
f1 <- rma(yi, vi, data = e1, method = "REML", control = list(threshold = 1e-12))
p("subgroup 0.15 estimate", f1$b)
sg <- data.frame(n1 = c(30, 22), m1 = c(2.1, 1.5), s1 = c(1.4, 1.1),
                 n2 = c(31, 40), m2 = c(3.5, 3.0), s2 = c(1.6, 1.5))
e2 <- escalc("MD", m1i = m1, sd1i = s1, n1i = n1, m2i = m2, sd2i = s2, n2i = n2, data = sg)
f2 <- rma(yi, vi, data = e2, method = "REML", control = list(threshold = 1e-12))
p("subgroup 0.5 estimate", f2$b)
e3 <- escalc("MD", m1i = 2.5, sd1i = 1.3, n1i = 25, m2i = 3.1, sd2i = 1.4, n2i = 24)
p("subgroup missing estimate", e3$yi)
