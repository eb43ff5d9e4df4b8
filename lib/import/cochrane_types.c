/*
 * Which numbers an analysis's data rows hold. Packages fill unused fields
 * with "0.0", "0" or nothing, and CD015373's package has no settings file at
 * all, so the type of an analysis is decided from its rows when no settings
 * give it, and every row is checked against that type: a non-zero number in a
 * column of another type is a contradiction, not an unused field.
 */
#include "cochrane.h"

#include <math.h>

/* Which numeric columns each data type uses. */
static int uses(enum meta_review_data_type type, enum cochrane_num col)
{
    switch (type) {
    case META_REVIEW_DICHOTOMOUS:
        return col == CN_EXP_CASES || col == CN_EXP_N || col == CN_CTL_CASES || col == CN_CTL_N;
    case META_REVIEW_CONTINUOUS:
        return col == CN_EXP_MEAN || col == CN_EXP_SD || col == CN_EXP_N || col == CN_CTL_MEAN ||
               col == CN_CTL_SD || col == CN_CTL_N;
    case META_REVIEW_GIV:
        return col == CN_GIV_MEAN || col == CN_GIV_SE || col == CN_EXP_N || col == CN_CTL_N;
    case META_REVIEW_OE:
        return col == CN_OE || col == CN_VARIANCE || col == CN_EXP_N || col == CN_CTL_N;
    default:
        return 0;
    }
}

/* The data type a filled column speaks for (N speaks for none: every type has it). */
static enum meta_review_data_type speaks_for(enum cochrane_num col)
{
    switch (col) {
    case CN_EXP_CASES:
    case CN_CTL_CASES:
        return META_REVIEW_DICHOTOMOUS;
    case CN_EXP_MEAN:
    case CN_EXP_SD:
    case CN_CTL_MEAN:
    case CN_CTL_SD:
        return META_REVIEW_CONTINUOUS;
    case CN_GIV_MEAN:
    case CN_GIV_SE:
        return META_REVIEW_GIV;
    case CN_OE:
    case CN_VARIANCE:
        return META_REVIEW_OE;
    default:
        return META_REVIEW_TYPE_UNKNOWN;
    }
}

/* The row's numbers by column. */
static void pointers(struct meta_review_row *r, double *v[CN_COUNT])
{
    v[CN_GIV_MEAN] = &r->giv_mean;
    v[CN_GIV_SE] = &r->giv_se;
    v[CN_EXP_MEAN] = &r->exp.mean;
    v[CN_EXP_SD] = &r->exp.sd;
    v[CN_EXP_CASES] = &r->exp.events;
    v[CN_EXP_N] = &r->exp.n;
    v[CN_CTL_MEAN] = &r->ctl.mean;
    v[CN_CTL_SD] = &r->ctl.sd;
    v[CN_CTL_CASES] = &r->ctl.events;
    v[CN_CTL_N] = &r->ctl.n;
    v[CN_OE] = &r->oe;
    v[CN_VARIANCE] = &r->variance;
}

static int filled(double v)
{
    return !isnan(v) && v != 0;
}

static const char *what_it_holds(enum meta_review_data_type type)
{
    switch (type) {
    case META_REVIEW_DICHOTOMOUS:
        return "dichotomous data (cases and N per group)";
    case META_REVIEW_CONTINUOUS:
        return "continuous data (mean, SD and N per group)";
    case META_REVIEW_GIV:
        return "generic inverse variance data (GIV Mean and GIV SE)";
    case META_REVIEW_OE:
        return "O-E and variance data";
    default:
        return "no data";
    }
}

static int at(const struct cochrane_layout *lay, const struct meta_review_row *r,
              enum cochrane_num col, struct meta_error *err, const char *fmt, double value)
{
    return meta_error_set(err, META_EINVAL, "%s:%ld:%ld: '%s' %s, got %.15g", r->source, r->line,
                          lay->column[col], cochrane_num_name(col), fmt, value);
}

/* Decides an analysis's type from its rows. */
static int infer(struct meta_review_analysis *an, const struct cochrane_layout *lay,
                 struct meta_error *err)
{
    for (size_t i = 0; i < an->n_rows; i++) {
        struct meta_review_row *r = &an->rows[i];
        double *v[CN_COUNT];
        pointers(r, v);
        enum cochrane_num first = CN_COUNT;
        for (int c = 0; c < CN_COUNT; c++) {
            enum meta_review_data_type t = speaks_for(c);
            if (t == META_REVIEW_TYPE_UNKNOWN || !filled(*v[c]))
                continue;
            if (first == CN_COUNT) {
                first = c;
                an->type = t;
            } else if (t != an->type) {
                return meta_error_set(err, META_EINVAL,
                                      "%s:%ld:%ld: the row fills '%s' and '%s', columns of two "
                                      "data types",
                                      r->source, r->line, lay->column[c], cochrane_num_name(first),
                                      cochrane_num_name(c));
            }
        }
        if (first != CN_COUNT)
            return META_OK;
    }
    /* No row has a filled number: counts of zero events are still dichotomous. */
    for (size_t i = 0; i < an->n_rows; i++)
        if (filled(an->rows[i].exp.n) || filled(an->rows[i].ctl.n)) {
            an->type = META_REVIEW_DICHOTOMOUS;
            return META_OK;
        }
    return META_OK;
}

/* Checks one row against its analysis's type and clears the other types' numbers. */
static int check_row(struct meta_review_row *r, enum meta_review_data_type type,
                     const struct cochrane_layout *lay, struct meta_error *err)
{
    const struct meta_review_analysis *an = r->analysis;
    double *v[CN_COUNT];
    pointers(r, v);
    for (int c = 0; c < CN_COUNT; c++) {
        if (uses(type, c))
            continue;
        if (filled(*v[c]))
            return meta_error_set(err, META_EINVAL,
                                  "%s:%ld:%ld: '%s' is %.15g, but analysis %d.%d holds %s",
                                  r->source, r->line, lay->column[c], cochrane_num_name(c), *v[c],
                                  an->group, an->number, what_it_holds(type));
        *v[c] = NAN;
    }
    static const enum cochrane_num counts[] = {CN_EXP_N, CN_CTL_N, CN_EXP_CASES, CN_CTL_CASES};
    for (size_t k = 0; k < sizeof counts / sizeof *counts; k++) {
        double x = *v[counts[k]];
        if (!isnan(x) && (x < 0 || x != floor(x)))
            return at(lay, r, counts[k], err, "must be a whole number, 0 or more", x);
    }
    if (r->exp.events > r->exp.n)
        return at(lay, r, CN_EXP_CASES, err, "exceeds 'Experimental N'", r->exp.events);
    if (r->ctl.events > r->ctl.n)
        return at(lay, r, CN_CTL_CASES, err, "exceeds 'Control N'", r->ctl.events);
    static const enum cochrane_num spreads[] = {CN_EXP_SD, CN_CTL_SD, CN_GIV_SE, CN_VARIANCE};
    for (size_t k = 0; k < sizeof spreads / sizeof *spreads; k++)
        if (*v[spreads[k]] < 0)
            return at(lay, r, spreads[k], err, "must not be negative", *v[spreads[k]]);
    return META_OK;
}

int cochrane_check_types(struct meta_review *rv, const struct cochrane_layout *layout,
                         struct meta_error *err)
{
    for (size_t a = 0; a < rv->n_analyses; a++) {
        struct meta_review_analysis *an = &rv->analyses[a];
        if (an->type == META_REVIEW_TYPE_UNKNOWN && an->n_rows) {
            int rc = infer(an, layout, err);
            if (rc != META_OK)
                return rc;
            an->type_inferred = an->type != META_REVIEW_TYPE_UNKNOWN;
        }
        for (size_t i = 0; i < an->n_rows; i++) {
            int rc = check_row(&an->rows[i], an->type, layout, err);
            if (rc != META_OK)
                return rc;
        }
    }
    return META_OK;
}
