/*
 * The design matrix of a meta-regression from trial attributes given as
 * text: numeric moderators as one column each, categorical ones as
 * indicators of every level but the first in byte order (R's treatment
 * coding in the C locale), with the errors metafor would raise or the
 * columns it would drop turned into clear messages.
 */
#include "metareg_internal.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void meta_design_release(struct meta_design *design)
{
    if (!design)
        return;
    if (design->names)
        for (size_t j = 0; j < design->p; j++)
            free(design->names[j]);
    if (design->mods)
        for (size_t j = 0; j < design->n_mods; j++)
            free(design->mods[j]);
    free(design->names);
    free(design->mods);
    free(design->x);
    memset(design, 0, sizeof *design);
}

/* A decimal number, blanks around it allowed: [+-] digits [. digits]
 * [(e|E) [+-] digits], at least one digit before the exponent. Sets *out. */
static int parse_number(const char *s, double *out)
{
    const char *p = s;
    int digits = 0;
    while (*p == ' ' || *p == '\t')
        p++;
    const char *start = p;
    if (*p == '+' || *p == '-')
        p++;
    while (isdigit((unsigned char)*p)) {
        p++;
        digits++;
    }
    if (*p == '.') {
        p++;
        while (isdigit((unsigned char)*p)) {
            p++;
            digits++;
        }
    }
    if (!digits)
        return 0;
    if (*p == 'e' || *p == 'E') {
        const char *e = p + 1;
        if (*e == '+' || *e == '-')
            e++;
        if (!isdigit((unsigned char)*e))
            return 0;
        while (isdigit((unsigned char)*e))
            e++;
        p = e;
    }
    const char *end = p;
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p)
        return 0;
    char buf[128];
    size_t n = (size_t)(end - start);
    if (n >= sizeof buf)
        return 0;
    memcpy(buf, start, n);
    buf[n] = '\0';
    *out = strtod(buf, NULL);
    return isfinite(*out);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Categorical moderators with up to this many levels are deduplicated by
 * lookup rather than by sorting every value. */
#define FEW_LEVELS 32

/* One moderator's coding: numeric, or its sorted distinct levels. */
struct coding {
    int numeric;
    const char **levels; /* distinct values in byte order (borrowed strings) */
    size_t n_levels;
};

static void trial_name(char *buf, size_t size, const char *const *labels, size_t i)
{
    if (labels && labels[i])
        snprintf(buf, size, "trial '%s'", labels[i]);
    else
        snprintf(buf, size, "trial %zu", i + 1);
}

/* Codes moderator j: numeric when every value parses, else categorical.
 * Fails when it has one value in all trials. */
static int code_moderator(const char *name, const char *const *values, size_t n_mods, size_t j,
                          size_t k, struct coding *c, struct meta_error *err)
{
    double first = 0.0, v;
    int varies = 0;
    c->numeric = 1;
    for (size_t i = 0; i < k && c->numeric; i++) {
        if (!parse_number(values[i * n_mods + j], &v))
            c->numeric = 0;
        else if (i == 0)
            first = v;
        else if (v != first)
            varies = 1;
    }
    if (!c->numeric) {
        c->levels = malloc(k * sizeof *c->levels);
        if (!c->levels)
            return meta_error_set(err, META_ENOMEM, "out of memory for the levels of '%s'", name);
        /* The distinct values: while they are few, by looking each value
         * up among those found (O(k) for a handful of levels); past
         * FEW_LEVELS, by sorting all of them. */
        size_t n = 0, i = 0;
        for (; i < k && n <= FEW_LEVELS; i++) {
            const char *text = values[i * n_mods + j];
            size_t l = 0;
            while (l < n && strcmp(c->levels[l], text) != 0)
                l++;
            if (l == n)
                c->levels[n++] = text;
        }
        if (i < k) {
            for (i = 0; i < k; i++)
                c->levels[i] = values[i * n_mods + j];
            n = k;
        }
        qsort(c->levels, n, sizeof *c->levels, cmp_str);
        size_t m = 0;
        for (i = 0; i < n; i++)
            if (m == 0 || strcmp(c->levels[m - 1], c->levels[i]) != 0)
                c->levels[m++] = c->levels[i];
        c->n_levels = m;
        n = m;
        varies = n > 1;
    }
    if (!varies)
        return meta_error_set(err, META_EINVAL,
                              "moderator '%s' has the same value '%s' in all %zu trials: there "
                              "is nothing to regress on",
                              name, values[j], k);
    return META_OK;
}

/* Index of value among the sorted levels. */
static size_t level_of(const struct coding *c, const char *value)
{
    const char **hit = bsearch(&value, c->levels, c->n_levels, sizeof *c->levels, cmp_str);
    return (size_t)(hit - c->levels);
}

static int check_input(const char *const *mods, size_t n_mods, const char *const *values, size_t k,
                       const char *const *labels, struct meta_error *err)
{
    if (!mods || n_mods == 0)
        return meta_error_set(err, META_EINVAL, "no moderators given");
    if (!values || k == 0)
        return meta_error_set(err, META_EINVAL, "no trials given");
    for (size_t j = 0; j < n_mods; j++) {
        if (!mods[j] || !mods[j][0])
            return meta_error_set(err, META_EINVAL, "moderator %zu has no name", j + 1);
        for (size_t l = 0; l < j; l++)
            if (strcmp(mods[l], mods[j]) == 0)
                return meta_error_set(err, META_EINVAL, "moderator '%s' is named twice", mods[j]);
    }
    for (size_t i = 0; i < k; i++)
        for (size_t j = 0; j < n_mods; j++) {
            const char *v = values[i * n_mods + j];
            if (!v || !v[0]) {
                char who[256];
                trial_name(who, sizeof who, labels, i);
                return meta_error_set(err, META_EINVAL, "%s has no value for moderator '%s'", who,
                                      mods[j]);
            }
        }
    return META_OK;
}

/* The column names, then the rows. */
static int fill_design(const char *const *mods, size_t n_mods, const char *const *values,
                       const struct coding *codes, struct meta_design *d, struct meta_error *err)
{
    size_t k = d->k, p = d->p, col = 1;
    d->names[0] = strdup("intercept");
    if (!d->names[0])
        return meta_error_set(err, META_ENOMEM, "out of memory for the design");
    for (size_t j = 0; j < n_mods; j++) {
        d->mods[j] = strdup(mods[j]);
        if (!d->mods[j])
            return meta_error_set(err, META_ENOMEM, "out of memory for the design");
        if (codes[j].numeric) {
            d->names[col] = strdup(mods[j]);
            if (!d->names[col++])
                return meta_error_set(err, META_ENOMEM, "out of memory for the design");
            continue;
        }
        for (size_t l = 1; l < codes[j].n_levels; l++) {
            size_t n = strlen(mods[j]) + strlen(codes[j].levels[l]) + 2;
            d->names[col] = malloc(n);
            if (!d->names[col])
                return meta_error_set(err, META_ENOMEM, "out of memory for the design");
            snprintf(d->names[col++], n, "%s=%s", mods[j], codes[j].levels[l]);
        }
    }
    for (size_t i = 0; i < k; i++) {
        double *row = d->x + i * p;
        row[0] = 1.0;
        col = 1;
        for (size_t j = 0; j < n_mods; j++) {
            const char *v = values[i * n_mods + j];
            if (codes[j].numeric) {
                parse_number(v, &row[col++]);
                continue;
            }
            size_t lev = level_of(&codes[j], v);
            for (size_t l = 1; l < codes[j].n_levels; l++)
                row[col++] = l == lev ? 1.0 : 0.0;
        }
    }
    return META_OK;
}

int meta_design_build(const char *const *mods, size_t n_mods, const char *const *values, size_t k,
                      const char *const *labels, struct meta_design *out, struct meta_error *err)
{
    struct coding *codes = NULL;
    int ret;
    if (!out)
        return meta_error_set(err, META_EINVAL, "no design given");
    memset(out, 0, sizeof *out);
    ret = check_input(mods, n_mods, values, k, labels, err);
    if (ret != META_OK)
        return ret;
    codes = calloc(n_mods, sizeof *codes);
    if (!codes)
        return meta_error_set(err, META_ENOMEM, "out of memory for the design");
    size_t p = 1;
    for (size_t j = 0; j < n_mods; j++) {
        ret = code_moderator(mods[j], values, n_mods, j, k, &codes[j], err);
        if (ret != META_OK)
            goto cleanup;
        p += codes[j].numeric ? 1 : codes[j].n_levels - 1;
    }
    if (p > k) {
        ret = meta_error_set(err, META_EINVAL,
                             "the moderators need %zu coefficients with the intercept, more than "
                             "the %zu trials allow",
                             p, k);
        goto cleanup;
    }
    out->k = k;
    out->p = p;
    out->n_mods = n_mods;
    out->x = malloc(k * p * sizeof *out->x);
    out->names = calloc(p, sizeof *out->names);
    out->mods = calloc(n_mods, sizeof *out->mods);
    if (!out->x || !out->names || !out->mods) {
        ret = meta_error_set(err, META_ENOMEM, "out of memory for the design");
        goto cleanup;
    }
    ret = fill_design(mods, n_mods, values, codes, out, err);
    if (ret != META_OK)
        goto cleanup;
    /* The rank check of the fit, here, so that the error names the
     * moderator before any fitting. */
    struct meta_wls w;
    double *y = calloc(k, sizeof *y);
    if (!y) {
        ret = meta_error_set(err, META_ENOMEM, "out of memory for the design");
        goto cleanup;
    }
    for (size_t i = 0; i < k; i++)
        y[i] = 1.0; /* unit variances: only the design matters */
    ret = meta_wls_init(&w, y, y, out->x, k, p, (const char *const *)out->names, err);
    meta_wls_free(&w);
    free(y);
    if (ret == META_EDOM)
        ret = META_EINVAL;

cleanup:
    if (codes)
        for (size_t j = 0; j < n_mods; j++)
            free(codes[j].levels);
    free(codes);
    if (ret != META_OK)
        meta_design_release(out);
    return ret;
}
