# Expected values of tests/unit/test_conventions.c: the revman5 and r-meta
# rules worked out with their published formulas, written out here in R
# independently of lib/stats (and, where metafor computes the same thing, by
# metafor 3.8). Run: Rscript tests/unit/conventions.R
suppressMessages(library(metafor))
options(digits = 15)
p <- function(...) cat(sprintf("%-28s %.15g\n", paste(...), c(...)[length(c(...))]))
show <- function(name, x) cat(sprintf("%-34s %s\n", name, paste(sprintf("%.15g", x), collapse = ", ")))

## Binary data set B: one zero cell (s2), one double zero (s3).
ai <- c(12, 0, 0, 8, 15); n1 <- c(50, 30, 20, 40, 60)
ci <- c(20, 4, 0, 10, 9); n2 <- c(50, 32, 22, 38, 61)
bi <- n1 - ai; di <- n2 - ci
est <- !(ai == 0 & ci == 0)               # RevMan: s3 not estimable for RR, OR
zero <- ai == 0 | bi == 0 | ci == 0 | di == 0
A <- ai + 0.5 * zero; B <- bi + 0.5 * zero; C <- ci + 0.5 * zero; D <- di + 0.5 * zero
N1 <- A + B; N2 <- C + D; N <- N1 + N2

## revman5 RR, study level (0.5 in every cell of a zero-cell table)
yRR <- log(A / N1) - log(C / N2); vRR <- 1 / A - 1 / N1 + 1 / C - 1 / N2
show("B RR yi", yRR[est]); show("B RR vi", vRR[est])

## revman5 MH OR, fixed (Deeks & Higgins 2010; Robins, Breslow, Greenland 1986)
e <- est
R <- A * D / N; S <- B * C / N; P <- (A + D) / N; Q <- (B + C) / N
orMH <- sum(R[e]) / sum(S[e])
varOR <- 0.5 * (sum((P * R)[e]) / sum(R[e])^2 + sum((P * S + Q * R)[e]) / (sum(R[e]) * sum(S[e])) +
                sum((Q * S)[e]) / sum(S[e])^2)
yOR <- log(A / B) - log(C / D); vOR <- 1 / A + 1 / B + 1 / C + 1 / D
QOR <- sum(((yOR - log(orMH))^2 / vOR)[e]); dfOR <- sum(e) - 1
show("B MH OR est, se", c(log(orMH), sqrt(varOR)))
show("B MH OR Q, p, I2", c(QOR, pchisq(QOR, dfOR, lower.tail = FALSE), max(0, (QOR - dfOR) / QOR) * 100))
show("B MH OR weights %", 100 * S[e] / sum(S[e]))

## revman5 MH RR, random: DL with Q around the MH estimate, then IV
rrMH <- sum((A * N2 / N)[e]) / sum((C * N1 / N)[e])
Qrr <- sum(((yRR - log(rrMH))^2 / vRR)[e]); w <- 1 / vRR[e]
tau2 <- max(0, (Qrr - dfOR) / (sum(w) - sum(w^2) / sum(w)))
ws <- 1 / (vRR[e] + tau2); mu <- sum(ws * yRR[e]) / sum(ws); se <- sqrt(1 / sum(ws))
show("B MH RR random Q, tau2", c(Qrr, tau2))
show("B MH RR random est, se", c(mu, se))
show("B MH RR random ci", mu + c(-1, 1) * qnorm(0.975) * se)
show("B MH RR random I2", max(0, (Qrr - dfOR) / Qrr) * 100)
show("B MH RR random weights %", 100 * ws / sum(ws))
show("B MH RR random PI t(k-2)", mu + c(-1, 1) * qt(0.975, sum(e) - 2) * sqrt(se^2 + tau2))

## MH RD with the Greenland-Robins (1985) variance; every study (RD: s3 estimable)
rd <- sum(A * N2 / N - C * N1 / N) / sum(N1 * N2 / N)
vrd <- sum((A * B * N2^3 + C * D * N1^3) / (N1 * N2 * N^2)) / sum(N1 * N2 / N)^2
show("B MH RD est, se", c(rd, sqrt(vrd)))
show("B RD yi (raw)", ai / n1 - ci / n2)
show("B RD vi (corrected)", A * B / N1^3 + C * D / N2^3)
show("B MH RD weights %", 100 * (N1 * N2 / N) / sum(N1 * N2 / N))

## r-meta RR: 0.5 to the events and to each total; s3 dropped
a2 <- ai + 0.5 * zero; c2 <- ci + 0.5 * zero; m1 <- n1 + 0.5 * zero; m2 <- n2 + 0.5 * zero
show("B r-meta RR yi", (log(a2 / m1) - log(c2 / m2))[est])
show("B r-meta RR vi", (1 / a2 - 1 / m1 + 1 / c2 - 1 / m2)[est])

## Continuous data set C: small trials for the SMD
m1i <- c(10, 15, 9.5, 14); sd1 <- c(3, 4, 2.5, 5); nn1 <- c(5, 8, 6, 10)
m2i <- c(13, 12, 11, 11); sd2 <- c(3.5, 3, 2, 4); nn2 <- c(6, 7, 6, 9)
Nt <- nn1 + nn2; sp <- sqrt(((nn1 - 1) * sd1^2 + (nn2 - 1) * sd2^2) / (Nt - 2))
g5 <- (m1i - m2i) / sp * (1 - 3 / (4 * Nt - 9))
show("C revman5 SMD yi", g5); show("C revman5 SMD vi", 1 / nn1 + 1 / nn2 + g5^2 / (2 * (Nt - 3.94)))
ub <- escalc("SMD", m1i = m1i, sd1i = sd1, n1i = nn1, m2i = m2i, sd2i = sd2, n2i = nn2, vtype = "UB")
show("C r-meta SMD yi", ub$yi); show("C r-meta SMD vi", ub$vi)

## r-meta, REML on the unbiased SMDs with hksj: PI on k-1 df, ordinary se
fz <- rma(ub$yi, ub$vi, method = "REML", control = list(threshold = 1e-12))
fk <- rma(ub$yi, ub$vi, method = "REML", test = "knha", control = list(threshold = 1e-12))
show("C r-meta REML est, se(knha), tau2", c(fk$b, fk$se, fk$tau2))
show("C r-meta REML Q, I2 from Q, H2", c(fz$QE, max(0, (fz$QE - 3) / fz$QE) * 100, max(1, fz$QE / 3)))
show("C r-meta PI t(k-1) ordinary se", c(fz$b) + c(-1, 1) * qt(0.975, 3) * sqrt(fz$se^2 + fz$tau2))
show("C r-meta Q-profile tau2 ci", unlist(confint(fz, control = list(tol = 1e-14))$random[1, 2:3]))

## Jackson's tau^2 interval (generalised Q, weights 1/se), as R meta asks
## metafor for it (rma.uni(weights = 1/se, method = "GENQ"), confint()), with
## P(Q_a > q) from Ruben's (1962) series, the method of Farebrother's AS 204
## that metafor calls (CompQuadForm is not packaged for Debian):
## P(sum l_j chi2_1 <= x) = sum_i c_i P(chi2_{n+2i} <= x / b), b = min l.
jackson <- function(y, v, level = 0.95) {
  a <- 1 / sqrt(v); k <- length(y)
  qa <- sum(a * (y - sum(a * y) / sum(a))^2)
  Pm <- diag(a) - a %o% a / sum(a)
  tail <- function(t2) {
    S <- diag(sqrt(v + t2))
    l <- eigen(S %*% Pm %*% S, symmetric = TRUE, only.values = TRUE)$values
    l <- l[l > 1e-12 * max(l)]
    n <- length(l); b <- min(l)
    cc <- prod(sqrt(b / l)); g <- numeric(0); tot <- 0; i <- 0
    repeat {
      term <- cc[i + 1] * pchisq(qa / b, n + 2 * i)
      tot <- tot + term
      if (i > 20 && sum(cc) > 1 - 1e-14) break
      i <- i + 1
      g[i] <- sum((1 - b / l)^i)
      cc[i + 1] <- sum(g[i:1] * cc[1:i]) / (2 * i)
      if (i > 100000) stop("series did not converge")
    }
    1 - tot
  }
  alpha <- 1 - level
  t2g <- max(0, (qa - (sum(a * v) - sum(a^2 * v) / sum(a))) / (sum(a) - sum(a^2) / sum(a)))
  tmax <- max(100, 10 * t2g)
  p0 <- tail(0); pmax <- tail(tmax)
  if (p0 > 1 - alpha / 2) return(c(0, 0))
  ub <- if (pmax < 1 - alpha / 2) tmax else
    uniroot(function(t) tail(t) - (1 - alpha / 2), c(0, tmax), tol = 1e-13)$root
  lb <- if (pmax < alpha / 2) tmax else if (p0 > alpha / 2) 0 else
    uniroot(function(t) tail(t) - alpha / 2, c(0, tmax), tol = 1e-13)$root
  c(lb, ub)
}
## Data set J: continuous, heterogeneous (MD), 5 studies
yJ <- c(-2.1, 0.4, -3.5, 1.2, -0.8); vJ <- c(0.5, 0.8, 0.6, 1.1, 0.4)
fJ <- rma(yJ, vJ, method = "DL")
show("J DL tau2, est", c(fJ$tau2, fJ$b))
show("J Jackson tau2 ci", jackson(yJ, vJ))
show("J Q-profile tau2 ci (metafor)", unlist(confint(fJ, control = list(tol = 1e-14))$random[1, 2:3]))
## k = 2: Q_a is c (v1 + v2 + 2 tau2) chi2(1), so the bounds are
## ((y1 - y2)^2 / chi2 quantile - v1 - v2) / 2 (the C test's hand formula)
y2 <- c(0.3, 0); v2 <- c(0.001, 0.002)
show("J2 Jackson tau2 ci", jackson(y2, v2))
show("J2 closed form", ((y2[1] - y2[2])^2 / qchisq(c(0.975, 0.025), 1) - sum(v2)) / 2)
show("chi2(1) quantiles .975 .025", qchisq(c(0.975, 0.025), 1))

## Fleiss 1993 SMD analysis (tests/data/revman/Fleiss1993.rm5 stores no
## numbers for it): RevMan 5's SMD, and its fixed-effect IV total
n1f <- c(13, 30, 35, 20, 8); m1f <- c(5, 4.9, 22.5, 12.5, 6.5); s1f <- c(4.7, 1.71, 3.44, 1.47, 0.76)
n2f <- c(13, 50, 35, 20, 8); m2f <- c(6.5, 6.1, 24.9, 12.3, 7.38); s2f <- c(3.8, 2.3, 10.65, 1.66, 1.41)
Nf <- n1f + n2f; spf <- sqrt(((n1f - 1) * s1f^2 + (n2f - 1) * s2f^2) / (Nf - 2))
gf <- (m1f - m2f) / spf * (1 - 3 / (4 * Nf - 9)); vf <- 1 / n1f + 1 / n2f + gf^2 / (2 * (Nf - 3.94))
show("F SMD yi", gf); show("F SMD vi", vf)
ff <- rma(gf, vf, method = "FE")
show("F SMD FE est, se, Q", c(ff$b, ff$se, ff$QE))
show("F SMD FE weights %", 100 * (1 / vf) / sum(1 / vf))
