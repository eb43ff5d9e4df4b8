# Expected values of tests/analysis/test_conventions.c: the engine under the
# revman5 and r-meta conventions on arms held in memory, worked out here with
# the conventions' published formulas (Deeks & Higgins, "Statistical
# algorithms in Review Manager 5", 2010; R meta's metabin/metacont defaults),
# independently of lib/stats. Run: Rscript tests/analysis/conventions_reference.R
options(digits = 15)
show <- function(name, x) cat(sprintf("%-36s %s\n", name, paste(sprintf("%.15g", x), collapse = ", ")))

## DerSimonian-Laird random effects on yi/vi (RevMan: I^2 from Q; t(k-2)
## prediction interval, Higgins, Thompson & Spiegelhalter 2009).
dl <- function(y, v) {
  w <- 1 / v; k <- length(y)
  Q <- sum(w * (y - sum(w * y) / sum(w))^2)
  tau2 <- if (k > 1) max(0, (Q - (k - 1)) / (sum(w) - sum(w^2) / sum(w))) else 0
  ws <- 1 / (v + tau2); mu <- sum(ws * y) / sum(ws); se <- sqrt(1 / sum(ws))
  list(mu = mu, se = se, tau2 = tau2, Q = Q, df = k - 1, weights = 100 * ws / sum(ws),
       I2 = if (Q > 0) max(0, (Q - (k - 1)) / Q) * 100 else 0,
       pi = if (k >= 3) mu + c(-1, 1) * qt(0.975, k - 2) * sqrt(se^2 + tau2) else c(NA, NA))
}
md <- function(n1, m1, s1, n2, m2, s2) list(y = m1 - m2, v = s1^2 / n1 + s2^2 / n2)

## 1. The pain example of tests/analysis/arms.c under revman5 (MD, DL) by
## dose: T2's two ketamine arms (0.15 and 0.5 mg/kg) fall in two subgroups,
## so the total pools the five subgroup entries, as RevMan does:
## 0.15: T2 (20, 1.8, 1.2), T6; 0.5: T1, T2 (22, 1.5, 1.1); missing: T3.
e <- md(c(20, 18, 30, 22, 25), c(1.8, 2.0, 2.1, 1.5, 2.5), c(1.2, 1.0, 1.4, 1.1, 1.3),
        c(40, 19, 31, 40, 24), c(3.0, 3.3, 3.5, 3.0, 3.1), c(1.5, 1.2, 1.6, 1.5, 1.4))
t <- dl(e$y, e$v)
show("pain by dose total est, se, tau2", c(t$mu, t$se, t$tau2))
show("pain by dose total Q, I2", c(t$Q, t$I2))
show("pain by dose total weights", t$weights)
g1 <- dl(e$y[1:2], e$v[1:2]); g2 <- dl(e$y[3:4], e$v[3:4])
show("pain dose 0.15 est, se, tau2", c(g1$mu, g1$se, g1$tau2))
show("pain dose 0.5 est, se, tau2", c(g2$mu, g2$se, g2$tau2))
show("pain dose 0.15 weights within", g1$weights)
est <- c(g1$mu, g2$mu, e$y[5]); se <- c(g1$se, g2$se, sqrt(e$v[5])); w <- 1 / se^2
Qs <- sum(w * (est - sum(w * est) / sum(w))^2)
show("pain subgroup test Q, p, I2", c(Qs, pchisq(Qs, 2, lower.tail = FALSE), max(0, (Qs - 2) / Qs) * 100))

## 2. The same four trials without subgroups (T2's arms combined, Cochrane
## Handbook 6.5.a: n 42, mean 1.6428571428571428, sd 1.1445827564711737)
## under revman5 with the prediction interval asked for.
c4 <- md(c(30, 42, 25, 18), c(2.1, 1.6428571428571428, 2.5, 2.0),
         c(1.4, 1.1445827564711737, 1.3, 1.0), c(31, 40, 24, 19), c(3.5, 3.0, 3.1, 3.3),
         c(1.6, 1.5, 1.4, 1.2))
p4 <- dl(c4$y, c4$v)
show("pain DL est, tau2", c(p4$mu, p4$tau2))
show("pain DL PI t(k-2)", p4$pi)

## 3. Binary set B (tests/unit/conventions.R): s2 has a zero cell, s3 no
## events in either arm. R meta's default binary analysis: MH (0.5 in every
## cell of a zero-cell table), s3 dropped; random effects: DL with Q around
## the MH estimate on meta's study RRs (0.5 to the events and to each total),
## then inverse variance; prediction on k-1 df.
ai <- c(12, 0, 0, 8, 15); n1 <- c(50, 30, 20, 40, 60)
ci <- c(20, 4, 0, 10, 9); n2 <- c(50, 32, 22, 38, 61)
bi <- n1 - ai; di <- n2 - ci
ok <- !(ai == 0 & ci == 0)
zero <- ai == 0 | bi == 0 | ci == 0 | di == 0
A <- ai + 0.5 * zero; B <- bi + 0.5 * zero; C <- ci + 0.5 * zero; D <- di + 0.5 * zero
N1 <- A + B; N2 <- C + D; N <- N1 + N2
y <- (log((ai + 0.5 * zero) / (n1 + 0.5 * zero)) - log((ci + 0.5 * zero) / (n2 + 0.5 * zero)))[ok]
v <- (1 / (ai + 0.5 * zero) - 1 / (n1 + 0.5 * zero) + 1 / (ci + 0.5 * zero) -
      1 / (n2 + 0.5 * zero))[ok]
R <- (A * N2 / N)[ok]; S <- (C * N1 / N)[ok]
rr <- log(sum(R) / sum(S))
se <- sqrt(sum(((N1 * N2 * (A + C) - A * C * N) / N^2)[ok]) / (sum(R) * sum(S)))
k <- sum(ok); Q <- sum((y - rr)^2 / v)
show("B r-meta common est, se", c(rr, se))
show("B r-meta Q, p, I2, H2", c(Q, pchisq(Q, k - 1, lower.tail = FALSE),
                                max(0, (Q - (k - 1)) / Q) * 100, max(1, Q / (k - 1))))
show("B r-meta common weights (c n1/N)", 100 * S / sum(S))
w <- 1 / v; tau2 <- max(0, (Q - (k - 1)) / (sum(w) - sum(w^2) / sum(w)))
ws <- 1 / (v + tau2); mu <- sum(ws * y) / sum(ws); s <- sqrt(1 / sum(ws))
show("B r-meta random tau2, est, se", c(tau2, mu, s))
show("B r-meta random weights", 100 * ws / sum(ws))
show("B r-meta random PI t(k-1)", mu + c(-1, 1) * qt(0.975, k - 1) * sqrt(s^2 + tau2))

## 4. CD015373 analysis 1.5 (tests/data/cochrane/CD015373): pain at short
## term by clinical condition, revman5, DL. The review prints each study's
## weight in the total (its data rows); the subgroup total of complex
## regional pain syndrome (Schwartzman 2009, Sigtermans 2009) pools two.
x <- md(c(9, 30), c(64.9, 67), c(33, 27.386128), c(10, 30), c(75.2, 74), c(18.973666, 21.908902))
crps <- dl(x$y, x$v)
show("1.5 CRPS est, se, tau2, Q", c(crps$mu, crps$se, crps$tau2, crps$Q))
show("1.5 CRPS weights within", crps$weights)
f <- md(12, 63, 38.105118, 12, 61, 38.105118); p <- md(6, 73, 35, 5, 58, 37)
est <- c(crps$mu, f$y, p$y); se <- c(crps$se, sqrt(f$v), sqrt(p$v)); w <- 1 / se^2
Qs <- sum(w * (est - sum(w * est) / sum(w))^2)
show("1.5 subgroup test Q, p", c(Qs, pchisq(Qs, 2, lower.tail = FALSE)))
