/*
 * One number of RevMan's against meta's, to the precision RevMan gave it:
 * a Cochrane package prints every number rounded to 6 decimals, so meta's
 * must round to it (within half a unit of the sixth decimal); a RevMan 5
 * file stores doubles, so meta's must agree to 1e-6 relative, except the
 * p-values of chi^2 tests, which RevMan 5 takes from an approximation of its
 * own (1e-5 relative; see meta_db_check_review).
 */
#include "check_fields.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Half a unit of the sixth decimal, with room for the binary representation
 * of a printed decimal. */
#define PRINTED_TOL (0.5e-6 * (1 + 1e-9))
#define FULL_REL    1e-6
#define CHI2P_REL   1e-5
/* What counts as zero for a full-precision zero (RevMan's I^2 = 0, tau^2 = 0). */
#define FULL_ZERO 1e-12

static double tolerance(double revman, enum check_precision precision)
{
    switch (precision) {
    case CHECK_PRINTED:
        return PRINTED_TOL;
    case CHECK_FULL_CHI2P:
        return revman == 0 ? FULL_ZERO : CHI2P_REL * fabs(revman);
    case CHECK_FULL:
        break;
    }
    return revman == 0 ? FULL_ZERO : FULL_REL * fabs(revman);
}

void check_field(struct check_fields *f, const char *prefix, const char *name, double revman,
                 double meta, enum check_precision precision)
{
    struct meta_check_analysis *a = f->a;
    if (f->failed)
        return;
    if (a->n_fields == f->cap) {
        size_t cap = f->cap ? 2 * f->cap : 16;
        struct meta_check_field *v = realloc(a->fields, cap * sizeof *v);
        if (!v) {
            f->failed = 1;
            return;
        }
        a->fields = v;
        f->cap = cap;
    }
    struct meta_check_field *fd = &a->fields[a->n_fields];
    memset(fd, 0, sizeof *fd);
    size_t len = (prefix ? strlen(prefix) + 2 : 0) + strlen(name) + 1;
    if (!(fd->field = malloc(len))) {
        f->failed = 1;
        return;
    }
    if (prefix)
        snprintf(fd->field, len, "%s: %s", prefix, name);
    else
        snprintf(fd->field, len, "%s", name);
    a->n_fields++;

    fd->revman = revman;
    fd->meta = isfinite(meta) ? meta : NAN;
    fd->tolerance = isnan(revman) ? 0 : tolerance(revman, precision);
    if (isnan(revman) || isnan(fd->meta)) {
        fd->agree = isnan(revman) && isnan(fd->meta);
        fd->rel_diff = NAN;
    } else {
        double diff = fabs(fd->meta - revman);
        fd->agree = diff <= fd->tolerance;
        /* relative to a zero: undefined, and left out of the largest */
        fd->rel_diff = diff == 0 ? 0 : revman != 0 ? diff / fabs(revman) : NAN;
        if (!isnan(fd->rel_diff) && fd->rel_diff > a->max_rel_diff)
            a->max_rel_diff = fd->rel_diff;
    }
    if (!fd->agree)
        a->n_disagree++;
}
