# Two constructed Cochrane data packages for tests/importer and tests/cli
# (not real reviews: made-up trials), with the numbers RevMan Web would print
# for them computed here with metafor 3.8, so that `meta import --check`
# meets subgroup totals, a test for subgroup differences and estimate rows
# whose expected values come from outside meta.
#
#   Rscript tests/importer/constructed_packages.R tests/data/cochrane
#
# writes constructed_subgroups/ and constructed_estimates/ there. Every
# number RevMan prints is rounded to 6 decimals (trailing zeros dropped), as
# in real packages. RevMan's rules (Deeks & Higgins, "Statistical algorithms
# in Review Manager 5"): random effects by DerSimonian-Laird with inverse
# variance weights; I^2 = max(0, (Q - df) / Q); weights in percent of the
# overall total; the test for subgroup differences is Q over the subgroup
# estimates weighted by 1 / se^2, on G - 1 df.
suppressMessages(library(metafor))
out <- commandArgs(trailingOnly = TRUE)[1]
stopifnot(!is.na(out))

p6 <- function(x) {
  s <- formatC(round(x, 6), format = "f", digits = 6)
  s <- sub("0+$", "", s)
  sub("\\.$", "", s)
}
i2 <- function(q, df) if (q > 0) max(0, (q - df) / q) * 100 else 0
write_csv <- function(dir, name, header, rows) {
  dir.create(file.path(out, dir), showWarnings = FALSE, recursive = TRUE)
  con <- file(file.path(out, dir, name), "wb")
  writeBin(as.raw(c(0xEF, 0xBB, 0xBF)), con) # the packages' BOM
  writeLines(paste(header, collapse = ","), con, sep = "\n")
  for (r in rows) writeLines(paste(r, collapse = ","), con, sep = "\n")
  close(con)
}
totals <- function(fit, q, df) {
  c(p6(exp_or_id(fit$beta)), p6(exp_or_id(fit$ci.lb)), p6(exp_or_id(fit$ci.ub)),
    p6(if (is.null(fit$tau2)) 0 else fit$tau2), p6(q), df, p6(pchisq(q, df, lower.tail = FALSE)),
    p6(i2(q, df)), p6(abs(fit$zval)), p6(fit$pval))
}
exp_or_id <- identity

# ---- constructed_subgroups: MD, random effects (DL), two subgroups --------
s <- data.frame(
  study = c("Abel 2001", "Baker 2004", "Cole 2008", "Dunn 2010", "Ellis 2013", "Ford 2016"),
  year = c(2001, 2004, 2008, 2010, 2013, 2016),
  sub = c("Adults", "Adults", "Adults", "Children", "Children", "Children"),
  m1 = c(42.1, 38.5, 53.0, 30.2, 28.9, 35.5), sd1 = c(12.3, 10.1, 14.2, 9.8, 8.7, 11.0),
  n1 = c(40, 55, 32, 28, 60, 45),
  m2 = c(48.3, 44.0, 46.1, 36.8, 31.0, 41.2), sd2 = c(13.0, 11.5, 12.9, 10.4, 9.1, 12.2),
  n2 = c(38, 57, 30, 30, 58, 44))
s$yi <- s$m1 - s$m2
s$vi <- s$sd1^2 / s$n1 + s$sd2^2 / s$n2
all <- rma(yi, vi, data = s, method = "DL")
w <- weights(all)
z <- qnorm(0.975)
hdr <- c("Analysis group", "Analysis number", "Analysis name", "Subgroup", "Subgroup number",
         "Applicability", "Study", "Study year", "GIV Mean", "GIV SE", "Experimental mean",
         "Experimental SD", "Experimental cases", "Experimental N", "Control mean", "Control SD",
         "Control cases", "Control N", "O-E", "Variance", "Weight", "Mean", "CI start", "CI end",
         "Footnotes")
rows <- lapply(seq_len(nrow(s)), function(i) with(s[i, ], c(
  1, 1, "Pain score at 4 weeks", sub, if (sub == "Adults") 1 else 2, "SUBGROUP_AND_OVERALL",
  study, year, "", "", m1, sd1, "", n1, m2, sd2, "", n2, "", "",
  p6(w[i]), p6(yi), p6(yi - z * sqrt(vi)), p6(yi + z * sqrt(vi)), "")))
write_csv("constructed_subgroups", "constructed_subgroups-data-rows.csv", hdr, rows)

groups <- c("Adults", "Children")
fits <- lapply(groups, function(g) rma(yi, vi, data = s[s$sub == g, ], method = "DL"))
est <- sapply(fits, function(f) f$beta)
se <- sapply(fits, function(f) f$se)
qt <- sum((est - sum(est / se^2) / sum(1 / se^2))^2 / se^2)
dft <- length(groups) - 1
shdr <- c("Analysis group", "Analysis number", "Analysis name", "Data type", "Log-scale data",
          "Experimental intervention", "Control intervention", "Statistical method",
          "Effect measure", "Analysis model", "Subgroup estimates", "Overall estimates",
          "Test for subgroup differences", "Swap event and non-event", "Study CI", "Estimate CI",
          "Mean", "CI start", "CI end", "Heterogeneity Tau²", "Heterogeneity Chi²",
          "Heterogeneity df", "Heterogeneity P", "Heterogeneity I²", "Effect Z", "Effect P",
          "Subgroup Chi²", "Subgroup df", "Subgroup P", "Subgroup I²")
write_csv("constructed_subgroups", "constructed_subgroups-overall-estimates-and-settings.csv",
          shdr, list(c(1, 1, "Pain score at 4 weeks", "Continuous", "false", "Drug A", "Placebo",
                       "IV", "Mean Difference", "Random effects", "true", "true", "true",
                       "false", "95%", "95%", totals(all, all$QE, nrow(s) - 1),
                       p6(qt), dft, p6(pchisq(qt, dft, lower.tail = FALSE)), p6(i2(qt, dft)))))
ghdr <- c("Analysis group", "Analysis number", "Subgroup", "Subgroup number", "Weight", "Mean",
          "CI start", "CI end", "Heterogeneity Tau²", "Heterogeneity Chi²", "Heterogeneity df",
          "Heterogeneity P", "Heterogeneity I²", "Effect Z", "Effect P")
grows <- lapply(seq_along(groups), function(g) {
  f <- fits[[g]]
  t <- totals(f, f$QE, f$k - 1)
  c(1, 1, groups[g], g, p6(sum(w[s$sub == groups[g]])), t)
})
write_csv("constructed_subgroups", "constructed_subgroups-subgroup-estimates.csv", ghdr, grows)

# ---- constructed_estimates: GIV (log RR, random) and O-E (Peto, fixed) ----
g <- data.frame(study = c("Gray 2002", "Hale 2005", "Irwin 2009", "Jones 2012"),
                year = c(2002, 2005, 2009, 2012),
                lrr = c(-0.223144, -0.510826, 0.095310, -0.356675),
                se = c(0.181, 0.245, 0.150, 0.302))
fg <- rma(lrr, se^2, data = g, method = "DL")
wg <- weights(fg)
o <- data.frame(study = c("Kent 2003", "Lowe 2007", "Moss 2011"), year = c(2003, 2007, 2011),
                oe = c(-3.2, -1.5, 0.8), v = c(9.6, 6.1, 4.4))
fo <- rma(oe / v, 1 / v, data = o, method = "FE")
wo <- weights(fo)
erows <- c(
  lapply(seq_len(nrow(g)), function(i) with(g[i, ], c(
    1, 1, "Relapse (adjusted risk ratios)", "", "", "SUBGROUP_AND_OVERALL", study, year, lrr, se,
    "", "", "", "", "", "", "", "", "", "", p6(wg[i]), p6(exp(lrr)), p6(exp(lrr - z * se)),
    p6(exp(lrr + z * se)), ""))),
  lapply(seq_len(nrow(o)), function(i) with(o[i, ], c(
    1, 2, "Death (O-E and variance)", "", "", "SUBGROUP_AND_OVERALL", study, year, "", "", "",
    "", "", "", "", "", "", "", oe, v, p6(wo[i]), p6(exp(oe / v)),
    p6(exp(oe / v - z / sqrt(v))), p6(exp(oe / v + z / sqrt(v))), ""))))
write_csv("constructed_estimates", "constructed_estimates-data-rows.csv", hdr, erows)
exp_or_id <- exp
write_csv("constructed_estimates", "constructed_estimates-overall-estimates-and-settings.csv",
          shdr[1:26], list(
  c(1, 1, "Relapse (adjusted risk ratios)", "Generic inverse variance", "true", "Drug B",
    "Placebo", "IV", "Risk Ratio", "Random effects", "false", "true", "false", "false", "95%",
    "95%", totals(fg, fg$QE, nrow(g) - 1)),
  c(1, 2, "Death (O-E and variance)", "O-E and variance", "false", "Drug B", "Placebo",
    "Exp[(O-E)/V]", "Peto Odds Ratio", "Fixed effect", "false", "true", "false", "false", "95%",
    "95%", totals(fo, fo$QE, nrow(o) - 1))))
