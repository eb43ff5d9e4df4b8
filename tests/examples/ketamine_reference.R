# What metafor 3.8 (Debian 12's r-cran-metafor) computes on the analyses of
# analyses/ketamine_*.ini: the real trials of the Cochrane review CD015373
# (Ferraro et al. 2025), read from the review's data rows. Rerun from the
# repository root with
#   Rscript tests/examples/ketamine_reference.R > tests/examples/ketamine_expected.json
# Per analysis file: the pooled estimate (log scale for RR), its interval,
# tau^2, Q and each study's weight in percent, by trial name as meta import
# names them; with `by = subgroup`, each subgroup pooled on its own.
#  - ketamine_X.ini (convention revman5, random effects, DerSimonian-Laird):
#    rma(method = "DL") on escalc's MD or log RR (0.5 added to every cell of a
#    table with a zero cell, as RevMan does), leaving out the studies RevMan
#    shows as not estimable (no events in either arm: Weight empty in the
#    data rows). Under revman5 with by, the overall total pools the
#    subgroups' studies (each trial sits in one subgroup here).
#  - ketamine_X_metafor.ini (meta's default: metafor, REML): rma(method =
#    "REML") on every study, a double-zero study included with its 0.5
#    correction as escalc does by default; REML to threshold 1e-12.
#  - adverse_events_by_rob(_metafor): analysis 1.9 in subgroups by the risk of
#    bias judgement (meta pool --by rob_overall on a package whose overall
#    judgement is the randomisation domain's, or --by rob_d1), each subgroup
#    pooled on its own, under the two conventions.
suppressMessages(library(metafor))
ctl <- list(threshold = 1e-12, maxiter = 1000)
rows <- read.csv("tests/data/cochrane/CD015373/CD015373_pub2-data-rows.csv",
                 fileEncoding = "UTF-8-BOM", check.names = FALSE, stringsAsFactors = FALSE)
g17 <- function(x) formatC(x, digits = 17, format = "g")

analysis_rows <- function(number) {
  d <- rows[rows[["Analysis group"]] == 1 & rows[["Analysis number"]] == number, ]
  d$estimable <- !is.na(d$Weight)
  d
}

effects <- function(d, measure) {
  if (measure == "MD")
    escalc("MD", m1i = d[["Experimental mean"]], sd1i = d[["Experimental SD"]],
           n1i = d[["Experimental N"]], m2i = d[["Control mean"]],
           sd2i = d[["Control SD"]], n2i = d[["Control N"]])
  else
    escalc("RR", ai = d[["Experimental cases"]], n1i = d[["Experimental N"]],
           ci = d[["Control cases"]], n2i = d[["Control N"]])
}

fit <- function(d, measure, method) {
  es <- effects(d, measure)
  rma(es$yi, es$vi, method = method, control = ctl)
}

pooled <- function(res) {
  sprintf('"estimate": %s, "ci_lower": %s, "ci_upper": %s, "tau2": %s, "Q": %s, "k": %d',
          g17(res$b[1]), g17(res$ci.lb), g17(res$ci.ub), g17(res$tau2), g17(res$QE), res$k)
}

case <- function(name, number, measure, method, by = FALSE, rob = FALSE) {
  d <- analysis_rows(number)
  if (rob) # the randomisation domain's judgement, as meta import stores it
    d$Subgroup <- c("Low risk" = "low", "Some concerns" = "some concerns", "High risk" = "high")[
      d[["Bias arising from the randomization process (judgement)"]]]
  if (method == "DL")
    d <- d[d$estimable, ]
  res <- fit(d, measure, method)
  w <- weights(res)
  studies <- paste(sprintf('"%s": %s', d$Study, g17(w)), collapse = ", ")
  out <- sprintf('  "%s": {%s, "weights": {%s}', name, pooled(res), studies)
  if (by) {
    groups <- sort(unique(d$Subgroup))
    sub <- sapply(groups, function(g) {
      dg <- d[d$Subgroup == g, ]
      sprintf('"%s": {%s}', g, pooled(fit(dg, measure, method)))
    })
    out <- paste0(out, sprintf(', "subgroups": {%s}', paste(sub, collapse = ", ")))
  }
  paste0(out, "}")
}

cases <- c(
  case("ketamine_pain_immediate", 1, "MD", "DL"),
  case("ketamine_pain_immediate_metafor", 1, "MD", "REML"),
  case("ketamine_pain_short", 4, "MD", "DL"),
  case("ketamine_pain_short_metafor", 4, "MD", "REML"),
  case("ketamine_pain_short_by_condition", 5, "MD", "DL", by = TRUE),
  case("ketamine_pain_short_by_condition_metafor", 5, "MD", "REML", by = TRUE),
  case("ketamine_adverse_events", 9, "RR", "DL"),
  case("ketamine_adverse_events_metafor", 9, "RR", "REML"),
  case("ketamine_psychotomimetic", 12, "RR", "DL"),
  case("ketamine_psychotomimetic_metafor", 12, "RR", "REML"),
  case("ketamine_nausea", 15, "RR", "DL"),
  case("ketamine_nausea_metafor", 15, "RR", "REML"),
  case("adverse_events_by_rob", 9, "RR", "DL", by = TRUE, rob = TRUE),
  case("adverse_events_by_rob_metafor", 9, "RR", "REML", by = TRUE, rob = TRUE))
cat("{\n", paste(cases, collapse = ",\n"), "\n}\n", sep = "")
