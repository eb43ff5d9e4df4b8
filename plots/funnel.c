/*
 * Building a funnel plot's description: the studies' estimates and standard
 * errors, the pooled estimate, the labels of the axis, and trim-and-fill's
 * filled studies and adjusted estimate. Strings are copied.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot_internal.h"

struct meta_funnel *meta_funnel_alloc(void)
{
    struct meta_funnel *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->measure = strdup("Effect");
    if (!f->measure) {
        free(f);
        return NULL;
    }
    f->estimate = NAN;
    f->adjusted = NAN;
    return f;
}

void meta_funnel_free(struct meta_funnel *f)
{
    if (!f)
        return;
    free(f->title);
    free(f->note);
    free(f->measure);
    for (size_t i = 0; i < f->n_points; i++)
        free(f->points[i].label);
    free(f->points);
    free(f->filled);
    free(f);
}

/* Replaces *slot with a copy of text (NULL: none). */
static int set_text(char **slot, const char *text, struct meta_error *err)
{
    char *copy = NULL;
    if (text && !(copy = strdup(text)))
        return meta_error_set(err, META_ENOMEM, "out of memory");
    free(*slot);
    *slot = copy;
    return META_OK;
}

int meta_funnel_set_title(struct meta_funnel *f, const char *title, struct meta_error *err)
{
    return set_text(&f->title, title, err);
}

int meta_funnel_set_note(struct meta_funnel *f, const char *note, struct meta_error *err)
{
    return set_text(&f->note, note, err);
}

int meta_funnel_set_measure(struct meta_funnel *f, const char *label, int log_scale,
                            struct meta_error *err)
{
    char *copy;
    if (!label)
        return meta_error_set(err, META_EINVAL, "the measure needs a label");
    if (!(copy = strdup(label)))
        return meta_error_set(err, META_ENOMEM, "out of memory");
    free(f->measure);
    f->measure = copy;
    f->log_scale = log_scale != 0;
    return META_OK;
}

int meta_funnel_set_estimate(struct meta_funnel *f, double estimate, struct meta_error *err)
{
    if (!isfinite(estimate))
        return meta_error_set(err, META_EINVAL, "the pooled estimate must be finite, got %g",
                              estimate);
    f->estimate = estimate;
    return META_OK;
}

/* Appends (yi, sei, label) to a growing array of points; `what` names the
 * point in messages. */
static int append(struct meta_funnel_point **points, size_t *n, size_t *cap, double yi, double sei,
                  const char *label, const char *what, struct meta_error *err)
{
    char *copy = NULL;
    if (!isfinite(yi) || !isfinite(sei) || !(sei > 0))
        return meta_error_set(err, META_EINVAL,
                              "%s: needs a finite estimate and a standard error > 0, got %g and %g",
                              what, yi, sei);
    if (*n == *cap) {
        size_t grown_cap = *cap ? 2 * *cap : 16;
        struct meta_funnel_point *grown = realloc(*points, grown_cap * sizeof *grown);
        if (!grown)
            return meta_error_set(err, META_ENOMEM, "out of memory");
        *points = grown;
        *cap = grown_cap;
    }
    if (label && !(copy = strdup(label)))
        return meta_error_set(err, META_ENOMEM, "out of memory");
    (*points)[*n].yi = yi;
    (*points)[*n].sei = sei;
    (*points)[*n].label = copy;
    (*n)++;
    return META_OK;
}

int meta_funnel_add_point(struct meta_funnel *f, double yi, double sei, const char *label,
                          struct meta_error *err)
{
    char what[320];
    snprintf(what, sizeof what, "study '%.300s'", label ? label : "");
    return append(&f->points, &f->n_points, &f->cap_points, yi, sei, label, what, err);
}

int meta_funnel_add_filled(struct meta_funnel *f, double yi, double sei, struct meta_error *err)
{
    return append(&f->filled, &f->n_filled, &f->cap_filled, yi, sei, NULL, "a filled study", err);
}

int meta_funnel_set_adjusted(struct meta_funnel *f, double estimate, struct meta_error *err)
{
    if (!isfinite(estimate))
        return meta_error_set(err, META_EINVAL, "the adjusted estimate must be finite, got %g",
                              estimate);
    f->adjusted = estimate;
    return META_OK;
}

void meta_funnel_set_contours(struct meta_funnel *f, int on)
{
    f->contours = on != 0;
}
