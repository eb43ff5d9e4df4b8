# metafor beside `meta run` in bench_import.sh: the same analyses of the
# generated Cochrane package (the arm rows bench_import wrote as arms.csv),
# each fitted in one R process, as a script that loops over analyses would:
# escalc() of its studies (RR for binary outcomes, MD for continuous ones),
# rma(method = "DL") overall and, for the analyses with subgroups, per
# subgroup. Reading the file and splitting it by analysis are not timed;
# the loop is, with system.time(). metafor has no Mantel-Haenszel random
# effects model (what revman5 does for MH analyses), so binary analyses are
# inverse variance here: the same amount of work per study.
# Prints one line: the analyses, the seconds, the analyses per second.
# Usage: Rscript bench_import_metafor.R ARMS.csv [REPEATS]
args <- commandArgs(trailingOnly = TRUE)
if (length(args) < 1) {
  cat("usage: Rscript bench_import_metafor.R ARMS.csv [REPEATS]\n", file = stderr())
  quit(status = 2)
}
if (!suppressMessages(requireNamespace("metafor", quietly = TRUE))) {
  cat("metafor: not installed (R package metafor)\n")
  quit(status = 0)
}
suppressMessages(library(metafor))
repeats <- if (length(args) >= 2) as.integer(args[2]) else 3
d <- read.csv(args[1], stringsAsFactors = FALSE)
d$side <- ifelse(d$treatment == "Placebo", "c", "t")

# One data frame per analysis: a row per study, both arms side by side.
analyses <- lapply(split(d, d$outcome), function(a) {
  t <- a[a$side == "t", ]
  c <- a[a$side == "c", ]
  m <- merge(t, c, by = "trial", suffixes = c(".t", ".c"))
  m$subgroup <- m$subgroup.t
  m
})

fit_one <- function(m) {
  if (!is.na(m$events.t[1])) {
    es <- escalc("RR", ai = m$events.t, n1i = m$total.t, ci = m$events.c, n2i = m$total.c)
  } else {
    es <- escalc("MD", m1i = m$mean.t, sd1i = m$sd.t, n1i = m$n.t,
                 m2i = m$mean.c, sd2i = m$sd.c, n2i = m$n.c)
  }
  fit <- rma(es$yi, es$vi, method = "DL")
  sub <- m$subgroup
  if (any(!is.na(sub) & sub != "")) {
    for (g in unique(sub)) {
      s <- sub == g
      rma(es$yi[s], es$vi[s], method = "DL")
    }
  }
  fit
}

times <- sapply(seq_len(repeats), function(i)
  system.time(for (m in analyses) fit_one(m))[["elapsed"]])
t <- median(times)
cat(sprintf("metafor %s in one R process: %d analyses in %.2f s (median of %d): %.0f analyses/s\n",
            as.character(packageVersion("metafor")), length(analyses), t, repeats,
            length(analyses) / t))
