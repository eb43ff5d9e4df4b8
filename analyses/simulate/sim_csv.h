/*
 * Writes arm-level CSV rows (INTERFACE.md section 1) for meta-simulate:
 * fixed column order, numbers with fixed decimals formatted by hand (no
 * locale, no printf rounding), RFC 4180 quoting where a field needs it.
 */
#ifndef META_SIM_CSV_H
#define META_SIM_CSV_H

#include "meta_status.h"

#include <stddef.h>
#include <stdio.h>

/* One arm's result for one outcome at one time point. Strings are borrowed. */
struct meta_sim_row {
    const char *trial;
    const char *arm;
    const char *treatment;
    const char *outcome;
    const char *timepoint; /* "" for none */
    int binary;            /* 0: n, mean, sd are set; 1: events, total are set */
    long n;
    double mean; /* written with 2 decimals */
    double sd;   /* written with 2 decimals; must round to >= 0.01 */
    long events;
    long total;
    const char *const *attrs; /* one value per attribute column ("" for none) */
};

/* A CSV writer on a stream the caller owns. */
struct meta_sim_csv {
    FILE *fp;
    const char *path; /* for messages: the file name, or "standard output" */
    size_t nattrs;    /* attribute columns, set by meta_sim_csv_header() */
    char *buf;        /* the line being built; owned */
    size_t len, cap;
    int oom; /* set when growing buf failed; the line is then dropped */
};

/* Prepares w to write to fp (not closed by the writer); path names it in
 * messages. Call meta_sim_csv_release() when done. */
void meta_sim_csv_init(struct meta_sim_csv *w, FILE *fp, const char *path);

/* Frees the line buffer; w may be released twice. */
void meta_sim_csv_release(struct meta_sim_csv *w);

/* Writes the header: trial,arm,treatment,outcome,timepoint,n,mean,sd,events,
 * total and then the nattrs attribute names in attr_names, which every later
 * row fills. META_EIO or META_ENOMEM with err set on failure. */
int meta_sim_csv_header(struct meta_sim_csv *w, const char *const *attr_names, size_t nattrs,
                        struct meta_error *err);

/* Writes one row. META_EINVAL if the row breaks a rule of INTERFACE.md
 * (n or total not positive, sd not > 0 once rounded, events outside
 * [0, total]); META_EIO or META_ENOMEM on failure; err says which. */
int meta_sim_csv_row(struct meta_sim_csv *w, const struct meta_sim_row *row,
                     struct meta_error *err);

#endif
