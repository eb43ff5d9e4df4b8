# Expected SDs derived from confidence intervals of means in
# tests/data/ctgov/variants.json (Cochrane Handbook 6.5.2.2: SD = sqrt(n) *
# (upper - lower) / (2 q), q the t quantile on n-1 df below 60 participants,
# the normal quantile from 60 up). Run: Rscript tests/import/ctgov_sd_from_ci.R
sd_ci <- function(n, lower, upper, level) {
  p <- 0.5 + level / 200
  q <- if (n < 60) qt(p, n - 1) else qnorm(p)
  sqrt(n) * (upper - lower) / (2 * q)
}
print(sprintf("%.15g", sd_ci(20, 4.0, 6.2, 95)))   # OG000, 95% CI, t on 19 df
print(sprintf("%.15g", sd_ci(80, 3.5, 4.6, 95)))   # OG001, 95% CI, normal
print(sprintf("%.15g", sd_ci(12, 10.1, 13.9, 90))) # OG000, CONFIDENCE_90, t on 11 df
print(sprintf("%.15g", sd_ci(60, 9.0, 11.0, 90)))  # OG001, CONFIDENCE_90, normal
