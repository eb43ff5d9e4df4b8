/*
 * The rows of every CSV output (see report_internal.h): one vocabulary of
 * columns, so that the CSV of `meta pool`, `meta bias` and `meta regress`
 * stack; cells in full precision on the analysis scale, exp_* for ratio
 * measures; a failed allocation spoils its row, checked once at the end.
 */
#include "meta_decimal.h"
#include "report_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const names[REPORT_CSV_COLUMNS] = {
    "type",
    "subgroup",
    "trial",
    "year",
    "k",
    "treatment_n",
    "treatment_mean",
    "treatment_sd",
    "treatment_events",
    "treatment_total",
    "control_n",
    "control_mean",
    "control_sd",
    "control_events",
    "control_total",
    "estimate",
    "se",
    "ci_lower",
    "ci_upper",
    "exp_estimate",
    "exp_ci_lower",
    "exp_ci_upper",
    "weight",
    "statistic",
    "df",
    "p",
    "tau2",
    "tau2_ci_lower",
    "tau2_ci_upper",
    "tau",
    "I2",
    "H2",
    "Q",
    "Q_df",
    "Q_p",
    "pi_lower",
    "pi_upper",
    "exp_pi_lower",
    "exp_pi_upper",
    "reason",
    "name",
    "coefficient",
    "kendall_tau",
    "estimator",
    "side",
    "k0",
    "QM",
    "QM_df",
    "QM_p",
    "R2",
    "rstudent",
    "dffits",
    "cook_d",
    "cov_r",
    "tau2_del",
    "QE_del",
    "hat",
    "influential",
};

int report_csv_extended(const struct meta_analysis *an)
{
    return an->have_influence || an->have_bias || an->have_regression;
}

void report_csv_begin(struct report_csv *c, FILE *out, size_t ncols)
{
    c->out = out;
    c->ncols = ncols < REPORT_CSV_COLUMNS ? ncols : REPORT_CSV_COLUMNS;
    c->bad = 0;
    for (size_t i = 0; i < c->ncols; i++)
        fprintf(out, "%s%s", i ? "," : "", names[i]);
    fputc('\n', out);
}

void report_csv_text(struct report_csv_row *r, enum report_csv_column col, const char *text)
{
    free(r->cell[col]);
    r->cell[col] = NULL;
    if (text && !(r->cell[col] = strdup(text)))
        r->oom = 1;
}

void report_csv_num(struct report_csv_row *r, enum report_csv_column col, double v)
{
    char buf[40];
    meta_shortest_double(buf, sizeof buf, v);
    report_csv_text(r, col, buf);
}

void report_csv_exp(struct report_csv_row *r, enum report_csv_column col, double v, int log_scale)
{
    if (log_scale)
        report_csv_num(r, col, exp(v));
}

void report_csv_emit(struct report_csv *c, struct report_csv_row *r)
{
    int oom = r->oom;
    for (size_t i = 0; i < REPORT_CSV_COLUMNS; i++) {
        if (i && i < c->ncols)
            fputc(',', c->out);
        if (!oom && i < c->ncols)
            meta_csv_field(c->out, r->cell[i]);
        free(r->cell[i]);
        r->cell[i] = NULL;
    }
    fputc('\n', c->out);
    r->oom = 0;
    c->bad |= oom;
}

int report_csv_end(struct report_csv *c, struct meta_error *err)
{
    if (c->bad)
        return meta_error_set(err, META_ENOMEM, "out of memory writing the csv output");
    if (ferror(c->out))
        return meta_error_set(err, META_EIO, "cannot write the output");
    return META_OK;
}

void report_csv_excluded(struct report_csv *c, const char *type, const char *subgroup,
                         const struct meta_exclusion *x, size_t n)
{
    struct report_csv_row r = {{0}, 0};
    for (size_t i = 0; i < n; i++) {
        report_csv_text(&r, REPORT_CSV_TYPE, type);
        report_csv_text(&r, REPORT_CSV_SUBGROUP, subgroup);
        report_csv_text(&r, REPORT_CSV_TRIAL, x[i].trial);
        report_csv_text(&r, REPORT_CSV_REASON, x[i].reason);
        report_csv_emit(c, &r);
    }
}
