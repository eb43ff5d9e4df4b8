# Reference values for tests/report/test_report.c, from metafor 3.8:
#   Rscript tests/report/report_reference.R
# BCG vaccine trials (Colditz 1994, metafor's dat.bcg), risk ratio, REML:
# the arms as C literals, then per trial yi, its standard error, CI and
# weight, and the pooled result with tau^2, Q's p and I^2.
suppressMessages(library(metafor))
d <- dat.bcg
for (i in seq_len(nrow(d)))
  cat(sprintf("    {%d, \"%s\", %d, %d, %d, %d, \"%d\", \"%s\"},\n", i,
              paste(d$author[i], d$year[i]), d$tpos[i], d$tpos[i] + d$tneg[i],
              d$cpos[i], d$cpos[i] + d$cneg[i], d$year[i], d$alloc[i]))
es <- escalc("RR", ai = tpos, bi = tneg, ci = cpos, di = cneg, data = d)
fit <- rma(yi, vi, data = es, method = "REML", control = list(threshold = 1e-12))
w <- weights(fit)
z <- qnorm(0.975)
for (i in seq_len(nrow(d)))
  cat(sprintf("    {%.17g, %.17g, %.17g, %.17g, %.17g},\n", es$yi[i], sqrt(es$vi[i]),
              es$yi[i] - z * sqrt(es$vi[i]), es$yi[i] + z * sqrt(es$vi[i]), w[i]))
p <- function(name, x) cat(sprintf("%s %.17g\n", name, x))
p("estimate", fit$b); p("se", fit$se); p("ci_lower", fit$ci.lb); p("ci_upper", fit$ci.ub)
p("tau2", fit$tau2); p("Q", fit$QE); p("Q_p", fit$QEp); p("I2", fit$I2); p("H2", fit$H2)
p("z", fit$zval); p("p", fit$pval)
pr <- predict(fit)
p("pi_lower", pr$pi.lb); p("pi_upper", pr$pi.ub)
p("exp estimate", exp(fit$b))
# Subgroups by allocation, each pooled with REML on its own, and the test for
# subgroup differences (a common-effect meta-analysis of the subgroup estimates).
sub <- lapply(sort(unique(d$alloc)), function(a)
  rma(yi, vi, data = es, subset = alloc == a, method = "REML",
      control = list(threshold = 1e-12)))
for (i in seq_along(sub)) p(paste("subgroup", sort(unique(d$alloc))[i], "estimate"), sub[[i]]$b)
ft <- rma(sapply(sub, function(s) s$b), sei = sapply(sub, function(s) s$se), method = "FE")
p("subgroup test Q", ft$QE); p("subgroup test p", ft$QEp)
