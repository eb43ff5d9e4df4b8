/*
 * Turns an arm-level CSV of two-arm continuous trials (`meta-simulate
 * synthetic --kind continuous`) into "yi,vi" lines, the SMD of each trial by
 * meta_es_compute() (the non-`control` arm against the `control` one), so
 * that the C, R and Python benchmarks pool the same data.
 */
#include "meta_stats.h"

#include <csv.h>
#include <errno.h>
#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum col { COL_TRIAL, COL_TREATMENT, COL_N, COL_MEAN, COL_SD, NCOLS };
static const char *const col_names[NCOLS] = {"trial", "treatment", "n", "mean", "sd"};

#define FIELD_MAX 256

struct reader {
    FILE *out;
    long line;        /* record number, 1 = header */
    size_t field;     /* index of the field within the record */
    int where[NCOLS]; /* field index of each column, -1 until the header is read */
    char val[NCOLS][FIELD_MAX];
    char trial[FIELD_MAX]; /* the trial whose arms are being collected */
    int have_t, have_c;
    struct meta_study study;
    size_t trials;
    int failed;
};

static void fail(struct reader *r, const char *what)
{
    if (!r->failed)
        fprintf(stderr, "bench_smd: error: record %ld: %s\n", r->line, what);
    r->failed = 1;
}

static void on_field(void *s, size_t len, void *data)
{
    struct reader *r = data;
    if (r->line == 1) {
        for (int c = 0; c < NCOLS; c++)
            if (strlen(col_names[c]) == len && strncasecmp(s, col_names[c], len) == 0)
                r->where[c] = (int)r->field;
    } else {
        for (int c = 0; c < NCOLS; c++) {
            if (r->where[c] != (int)r->field)
                continue;
            if (len >= FIELD_MAX) {
                fail(r, "field too long");
            } else {
                memcpy(r->val[c], s, len);
                r->val[c][len] = '\0';
            }
        }
    }
    r->field++;
}

static int parse_num(const char *s, double *x)
{
    char *end;
    errno = 0;
    *x = strtod(s, &end);
    return *s && !*end && errno == 0;
}

/* Writes the study collected so far and starts the next trial. */
static void flush_trial(struct reader *r)
{
    double yi, vi;
    struct meta_error err;
    if (!r->have_t || !r->have_c) {
        fail(r, "a trial needs one control and one other arm, adjacent in the file");
        return;
    }
    if (meta_es_compute(META_SMD, &r->study, &yi, &vi, &err) != META_OK) {
        fail(r, err.msg);
        return;
    }
    if (fprintf(r->out, "%.17g,%.17g\n", yi, vi) < 0)
        fail(r, "cannot write the output");
    r->trials++;
    r->have_t = r->have_c = 0;
}

static void on_record(int c, void *data)
{
    struct reader *r = data;
    (void)c;
    if (r->line == 1) {
        for (int i = 0; i < NCOLS; i++)
            if (r->where[i] < 0)
                fail(r, "a column is missing (trial, treatment, n, mean, sd)");
    } else if (!r->failed) {
        struct meta_arm_cont arm;
        if (!parse_num(r->val[COL_N], &arm.n) || !parse_num(r->val[COL_MEAN], &arm.mean) ||
            !parse_num(r->val[COL_SD], &arm.sd))
            fail(r, "n, mean or sd is not a number");
        if (r->have_t + r->have_c > 0 && strcmp(r->trial, r->val[COL_TRIAL]) != 0)
            flush_trial(r);
        snprintf(r->trial, sizeof r->trial, "%s", r->val[COL_TRIAL]);
        int control = strcmp(r->val[COL_TREATMENT], "control") == 0;
        if (control ? r->have_c : r->have_t)
            fail(r, "a trial has more than two arms");
        if (control) {
            r->study.cc = arm;
            r->have_c = 1;
        } else {
            r->study.tc = arm;
            r->have_t = 1;
        }
    }
    r->line++;
    r->field = 0;
    memset(r->val, 0, sizeof r->val);
}

/* Usage: bench_smd ARMS.csv|- OUT.csv */
int main(int argc, char **argv)
{
    struct csv_parser p;
    struct reader r = {.line = 1};
    char buf[1 << 16];
    FILE *in = NULL;
    int ret = 1;

    gsl_set_error_handler_off();
    if (argc != 3) {
        fprintf(stderr, "usage: bench_smd ARMS.csv|- OUT.csv\n");
        return 2;
    }
    for (int c = 0; c < NCOLS; c++)
        r.where[c] = -1;
    r.study.binary = 0;
    in = strcmp(argv[1], "-") == 0 ? stdin : fopen(argv[1], "rb");
    r.out = fopen(argv[2], "w");
    if (!in || !r.out) {
        fprintf(stderr, "bench_smd: error: cannot open '%s'\n", !in ? argv[1] : argv[2]);
        goto cleanup;
    }
    if (csv_init(&p, CSV_APPEND_NULL) != 0)
        goto cleanup;
    fputs("yi,vi\n", r.out);
    size_t n;
    while (!r.failed && (n = fread(buf, 1, sizeof buf, in)) > 0)
        if (csv_parse(&p, buf, n, on_field, on_record, &r) != n)
            fail(&r, csv_strerror(csv_error(&p)));
    csv_fini(&p, on_field, on_record, &r);
    csv_free(&p);
    if (!r.failed && (r.have_t || r.have_c))
        flush_trial(&r);
    if (!r.failed && r.trials == 0)
        fail(&r, "no trials");
    if (ferror(in))
        fail(&r, "cannot read the input");
    ret = r.failed;

cleanup:
    if (in && in != stdin)
        fclose(in);
    if (r.out && fclose(r.out) != 0)
        ret = 1;
    return ret;
}
