/*
 * Building a funnel plot's description: the studies' estimates and standard
 * errors, the pooled estimate and the labels of the axis. Strings are copied.
 */
#include <math.h>
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
    return f;
}

void meta_funnel_free(struct meta_funnel *f)
{
    if (!f)
        return;
    free(f->title);
    free(f->measure);
    for (size_t i = 0; i < f->n_points; i++)
        free(f->points[i].label);
    free(f->points);
    free(f);
}

int meta_funnel_set_title(struct meta_funnel *f, const char *title, struct meta_error *err)
{
    char *copy = NULL;
    if (title && !(copy = strdup(title)))
        return meta_error_set(err, META_ENOMEM, "out of memory");
    free(f->title);
    f->title = copy;
    return META_OK;
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

int meta_funnel_add_point(struct meta_funnel *f, double yi, double sei, const char *label,
                          struct meta_error *err)
{
    char *copy = NULL;
    if (!isfinite(yi) || !isfinite(sei) || !(sei > 0))
        return meta_error_set(err, META_EINVAL,
                              "study '%s': needs a finite estimate and a standard error > 0, "
                              "got %g and %g",
                              label ? label : "", yi, sei);
    if (f->n_points == f->cap_points) {
        size_t cap = f->cap_points ? 2 * f->cap_points : 16;
        struct meta_funnel_point *grown = realloc(f->points, cap * sizeof *grown);
        if (!grown)
            return meta_error_set(err, META_ENOMEM, "out of memory");
        f->points = grown;
        f->cap_points = cap;
    }
    if (label && !(copy = strdup(label)))
        return meta_error_set(err, META_ENOMEM, "out of memory");
    f->points[f->n_points].yi = yi;
    f->points[f->n_points].sei = sei;
    f->points[f->n_points].label = copy;
    f->n_points++;
    return META_OK;
}
