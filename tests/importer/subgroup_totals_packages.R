# Variants of real and constructed review files whose analyses show subgroup
# totals only (RevMan's "subgroup totals only": no overall total, each study's
# weight within its subgroup), for tests/importer and tests/cli. Every number
# RevMan would store or print for them is computed here with metafor 3.8,
# each subgroup fitted on its own, so the values come from outside meta:
#
#   Rscript tests/importer/subgroup_totals_packages.R tests/data
#
# writes
# - revman/Fleiss1993_subgroup_totals.rm5: Fleiss1993.rm5 with its aspirin
#   analysis (OR, Mantel-Haenszel, fixed effect) in two subgroups by
#   publication year (before 1980: MRC-1, CDP, MRC-2, GASP; 1980 or later:
#   PARIS, AMIS, ISIS-2) and TOTALS="SUB": each study's WEIGHT within its
#   subgroup (rma.mh), each subgroup's totals (rma.mh: estimate, interval, Z
#   and its p, chi^2 around the MH estimate, df, p, I^2) with WEIGHT 100, no
#   overall totals, the test for subgroup differences (Q over the subgroup
#   estimates weighted by 1 / se^2, on G - 1 df) in Q, P_Q and I2_Q;
# - cochrane/constructed_subgroup_totals/: the trials of
#   constructed_subgroups (MD, DerSimonian-Laird random effects) in a package
#   whose settings say "Subgroup estimates" true and "Overall estimates"
#   false: data rows with weights within each subgroup, subgroup estimates
#   (weight 100 each), the test for subgroup differences, no overall totals;
# - cochrane/constructed_subgroup_totals_rows/: its data rows alone (no
#   settings), from which the importer infers subgroup totals only because
#   each subgroup's printed weights sum to 100.
# RevMan's rules as in constructed_packages.R (Deeks & Higgins, "Statistical
# algorithms in Review Manager 5"); numbers printed in packages are rounded
# to 6 decimals.
suppressMessages(library(metafor))
out <- commandArgs(trailingOnly = TRUE)[1]
stopifnot(!is.na(out))
i2 <- function(q, df) if (q > 0) max(0, (q - df) / q) * 100 else 0
full <- function(x) sprintf("%.17g", x)
p6 <- function(x) {
  s <- formatC(round(x, 6), format = "f", digits = 6)
  s <- sub("0+$", "", s)
  sub("\\.$", "", s)
}
subgroup_q <- function(est, se) {
  w <- 1 / se^2
  sum(w * (est - sum(w * est) / sum(w))^2)
}

# ---- the RevMan 5 file ------------------------------------------------------
src <- file.path(out, "revman", "Fleiss1993.rm5")
xml <- readLines(src, encoding = "latin1")
open <- grep("^<DICH_OUTCOME ", xml)
close <- grep("^</DICH_OUTCOME>", xml)
stopifnot(length(open) == 1, length(close) == 1)
body <- xml[(open + 1):(close - 1)]
data_lines <- grep("^<DICH_DATA ", body, value = TRUE)
head_lines <- grep("^<DICH_DATA ", body, value = TRUE, invert = TRUE)
attr_of <- function(line, name) sub(paste0('.* ', name, '="([^"]*)".*'), "\\1", line)
d <- data.frame(line = data_lines, id = sapply(data_lines, attr_of, "STUDY_ID"),
                ai = as.numeric(sapply(data_lines, attr_of, "EVENTS_1")),
                n1 = as.numeric(sapply(data_lines, attr_of, "TOTAL_1")),
                ci = as.numeric(sapply(data_lines, attr_of, "EVENTS_2")),
                n2 = as.numeric(sapply(data_lines, attr_of, "TOTAL_2")), stringsAsFactors = FALSE)
early <- c("STD-MRC_x002d_1", "STD-CDP", "STD-MRC_x002d_2", "STD-GASP")
d$sub <- ifelse(d$id %in% early, 1, 2)
names_sub <- c("Before 1980", "1980 or later")
fits <- lapply(1:2, function(g) {
  x <- d[d$sub == g, ]
  rma.mh(ai = ai, bi = n1 - ai, ci = ci, di = n2 - ci, data = x, measure = "OR")
})
set_attr <- function(line, name, value) sub(paste0(' ', name, '="[^"]*"'),
                                            paste0(' ', name, '="', value, '"'), line)
groups <- character(0)
for (g in 1:2) {
  f <- fits[[g]]
  x <- d[d$sub == g, ]
  w <- weights(f)
  rows <- mapply(function(l, wi) set_attr(l, "WEIGHT", full(wi)), x$line, w)
  df <- f$k - 1
  groups <- c(groups, sprintf(paste0(
    '<DICH_SUBGROUP CHI2="%s" CI_END="%s" CI_START="%s" DF="%d" EFFECT_SIZE="%s" ',
    'ESTIMABLE="YES" EVENTS_1="%d" EVENTS_2="%d" I2="%s" ID="CMP-001.01.%02d" LOG_CI_END="%s" ',
    'LOG_CI_START="%s" LOG_EFFECT_SIZE="%s" NO="%d" P_CHI2="%s" P_Z="%s" STUDIES="%d" ',
    'TAU2="0.0" TOTAL_1="%d" TOTAL_2="%d" WEIGHT="100.0" Z="%s">'),
    full(f$QE), full(exp(f$ci.ub)), full(exp(f$ci.lb)), df, full(exp(f$beta)),
    sum(x$ai), sum(x$ci), full(i2(f$QE, df)), g, full(f$ci.ub / log(10)),
    full(f$ci.lb / log(10)), full(f$beta / log(10)), g,
    full(pchisq(f$QE, df, lower.tail = FALSE)), full(f$pval), f$k, sum(x$n1), sum(x$n2),
    full(abs(f$zval))),
    sprintf("<NAME>%s</NAME>", names_sub[g]), rows, "</DICH_SUBGROUP>")
}
est <- sapply(fits, function(f) as.numeric(f$beta))
se <- sapply(fits, function(f) f$se)
q <- subgroup_q(est, se)
outcome <- xml[open]
for (a in c("CHI2", "CI_END", "CI_START", "EFFECT_SIZE", "I2", "LOG_CI_END", "LOG_CI_START",
            "LOG_EFFECT_SIZE", "P_CHI2", "P_Z", "Z", "WEIGHT"))
  outcome <- set_attr(outcome, a, "")
outcome <- set_attr(outcome, "DF", "")
outcome <- set_attr(outcome, "TOTALS", "SUB")
outcome <- set_attr(outcome, "SUBGROUPS", "YES")
outcome <- set_attr(outcome, "Q", full(q))
outcome <- set_attr(outcome, "P_Q", full(pchisq(q, 1, lower.tail = FALSE)))
outcome <- set_attr(outcome, "I2_Q", full(i2(q, 1)))
new <- c(xml[1:(open - 1)], outcome, head_lines, groups, xml[close:length(xml)])
con <- file(file.path(out, "revman", "Fleiss1993_subgroup_totals.rm5"), "wb")
writeLines(new, con, sep = "\n")
close(con)

# ---- the Cochrane packages --------------------------------------------------
write_csv <- function(dir, name, header, rows) {
  dir.create(file.path(out, "cochrane", dir), showWarnings = FALSE, recursive = TRUE)
  con <- file(file.path(out, "cochrane", dir, name), "wb")
  writeBin(as.raw(c(0xEF, 0xBB, 0xBF)), con) # the packages' BOM
  writeLines(paste(header, collapse = ","), con, sep = "\n")
  for (r in rows) writeLines(paste(r, collapse = ","), con, sep = "\n")
  close(con)
}
# the trials of constructed_subgroups, as its data rows give them
rows0 <- read.csv(file.path(out, "cochrane", "constructed_subgroups",
                            "constructed_subgroups-data-rows.csv"),
                  check.names = FALSE, fileEncoding = "UTF-8-BOM", stringsAsFactors = FALSE)
s <- data.frame(study = rows0$Study, year = rows0$`Study year`, sub = rows0$Subgroup,
                m1 = rows0$`Experimental mean`, sd1 = rows0$`Experimental SD`,
                n1 = rows0$`Experimental N`, m2 = rows0$`Control mean`,
                sd2 = rows0$`Control SD`, n2 = rows0$`Control N`, stringsAsFactors = FALSE)
s$yi <- s$m1 - s$m2
s$vi <- s$sd1^2 / s$n1 + s$sd2^2 / s$n2
groups <- c("Adults", "Children")
fits <- lapply(groups, function(g) rma(yi, vi, data = s[s$sub == g, ], method = "DL"))
s$w <- unlist(lapply(fits, weights))
z <- qnorm(0.975)
hdr <- c("Analysis group", "Analysis number", "Analysis name", "Subgroup", "Subgroup number",
         "Applicability", "Study", "Study year", "GIV Mean", "GIV SE", "Experimental mean",
         "Experimental SD", "Experimental cases", "Experimental N", "Control mean", "Control SD",
         "Control cases", "Control N", "O-E", "Variance", "Weight", "Mean", "CI start", "CI end",
         "Footnotes")
rows <- lapply(seq_len(nrow(s)), function(i) with(s[i, ], c(
  1, 1, "Pain score at 4 weeks", sub, if (sub == "Adults") 1 else 2, "SUBGROUP_AND_OVERALL",
  study, year, "", "", m1, sd1, "", n1, m2, sd2, "", n2, "", "",
  p6(w), p6(yi), p6(yi - z * sqrt(vi)), p6(yi + z * sqrt(vi)), "")))
for (dir in c("constructed_subgroup_totals", "constructed_subgroup_totals_rows"))
  write_csv(dir, paste0(dir, "-data-rows.csv"), hdr, rows)
est <- sapply(fits, function(f) as.numeric(f$beta))
se <- sapply(fits, function(f) f$se)
qt <- subgroup_q(est, se)
shdr <- c("Analysis group", "Analysis number", "Analysis name", "Data type", "Log-scale data",
          "Experimental intervention", "Control intervention", "Statistical method",
          "Effect measure", "Analysis model", "Subgroup estimates", "Overall estimates",
          "Test for subgroup differences", "Swap event and non-event", "Study CI", "Estimate CI",
          "Mean", "CI start", "CI end", "Heterogeneity Tau²", "Heterogeneity Chi²",
          "Heterogeneity df", "Heterogeneity P", "Heterogeneity I²", "Effect Z", "Effect P",
          "Subgroup Chi²", "Subgroup df", "Subgroup P", "Subgroup I²")
write_csv("constructed_subgroup_totals",
          "constructed_subgroup_totals-overall-estimates-and-settings.csv", shdr,
          list(c(1, 1, "Pain score at 4 weeks", "Continuous", "false", "Drug A", "Placebo", "IV",
                 "Mean Difference", "Random effects", "true", "false", "true", "false", "95%",
                 "95%", rep("", 10), p6(qt), 1, p6(pchisq(qt, 1, lower.tail = FALSE)),
                 p6(i2(qt, 1)))))
ghdr <- c("Analysis group", "Analysis number", "Subgroup", "Subgroup number", "Weight", "Mean",
          "CI start", "CI end", "Heterogeneity Tau²", "Heterogeneity Chi²", "Heterogeneity df",
          "Heterogeneity P", "Heterogeneity I²", "Effect Z", "Effect P")
grows <- lapply(seq_along(groups), function(g) {
  f <- fits[[g]]
  df <- f$k - 1
  c(1, 1, groups[g], g, 100, p6(f$beta), p6(f$ci.lb), p6(f$ci.ub), p6(f$tau2), p6(f$QE), df,
    p6(pchisq(f$QE, df, lower.tail = FALSE)), p6(i2(f$QE, df)), p6(abs(f$zval)), p6(f$pval))
})
write_csv("constructed_subgroup_totals", "constructed_subgroup_totals-subgroup-estimates.csv",
          ghdr, grows)
