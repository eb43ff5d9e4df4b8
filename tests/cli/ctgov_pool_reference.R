# The pooled adverse events that test_import_ctgov.sh checks after importing
# NCT02210780 (dupilumab vs placebo, tests/data/ctgov): metafor 3.8 on the
# counts the record gives (participants affected over at risk). With one
# trial the pooled RR is that trial's RR. Run: Rscript ctgov_pool_reference.R
library(metafor)

# AE serious (any): dupilumab 3/97, placebo 0/97. The zero cell gets 0.5 in
# every cell: RR = (3.5/98) / (0.5/98) = 7.
es <- escalc(measure = "RR", ai = 3, n1i = 97, ci = 0, n2i = 97)
fit <- rma(yi, vi, data = es, method = "REML")
print(c(yi = es$yi, vi = es$vi, est = fit$b[1], se = fit$se, lo = fit$ci.lb,
        hi = fit$ci.ub, p = fit$pval), digits = 17)
#  yi = est = 1.94591014905531390 (log 7), vi = 2.26530612244897966
#  se = 1.50509339326467684, lo = -1.00401869511263264, hi = 4.89583899322325955
#  p  = 0.19605141595799447

# AE other (any): dupilumab 30/97, placebo 29/97, Mantel-Haenszel: RR 30/29.
mh <- rma.mh(measure = "RR", ai = 30, n1i = 97, ci = 29, n2i = 97)
print(c(est = mh$b[1], se = mh$se, lo = mh$ci.lb, hi = mh$ci.ub, p = mh$pval),
      digits = 17)
#  est = 0.033901551675681416 (log 30/29), se = 0.217249937291111916
#  lo = -0.391900501058483119, hi = 0.459703604409845978, p = 0.875994701870127290
