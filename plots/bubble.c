/*
 * Building a bubble plot's description (see meta_plot.h): the trials with
 * their moderator values, effects and weights, the fitted line with its
 * band, the axes and footer lines. Values are checked as they arrive, so
 * that the script never meets a NaN; strings are copied.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "plot_internal.h"

struct meta_bubble *meta_bubble_alloc(void)
{
    struct meta_bubble *b = calloc(1, sizeof *b);
    if (!b)
        return NULL;
    b->moderator = strdup("Moderator");
    b->measure = strdup("Effect");
    b->level = 95.0;
    if (!b->moderator || !b->measure) {
        meta_bubble_free(b);
        return NULL;
    }
    return b;
}

void meta_bubble_free(struct meta_bubble *b)
{
    if (!b)
        return;
    free(b->title);
    free(b->moderator);
    free(b->measure);
    for (size_t i = 0; i < b->n_points; i++)
        free(b->points[i].label);
    free(b->points);
    free(b->line);
    for (size_t i = 0; i < b->n_footer; i++)
        free(b->footer[i]);
    free(b->footer);
    free(b);
}

/* Replaces *slot with a copy of text (NULL allowed when may_be_null). */
static int set_text(char **slot, const char *text, int may_be_null, const char *what,
                    struct meta_error *err)
{
    char *copy = NULL;
    if (!text && !may_be_null)
        return meta_error_set(err, META_EINVAL, "the bubble plot needs %s", what);
    if (text && !(copy = strdup(text)))
        return meta_error_set(err, META_ENOMEM, "out of memory");
    free(*slot);
    *slot = copy;
    return META_OK;
}

int meta_bubble_set_title(struct meta_bubble *b, const char *title, struct meta_error *err)
{
    return set_text(&b->title, title, 1, "a title", err);
}

int meta_bubble_set_axes(struct meta_bubble *b, const char *moderator, const char *measure,
                         int log_scale, double level, struct meta_error *err)
{
    if (!(level > 0 && level < 100))
        return meta_error_set(err, META_EINVAL, "the band's level must be in (0, 100), got %g",
                              level);
    int ret = set_text(&b->moderator, moderator, 0, "the moderator's name", err);
    if (ret == META_OK)
        ret = set_text(&b->measure, measure, 0, "the measure's label", err);
    if (ret == META_OK) {
        b->log_scale = log_scale != 0;
        b->level = level;
    }
    return ret;
}

/* Makes room for one more element of size `size` in *array. */
static int grow(void **array, size_t n, size_t *cap, size_t size, struct meta_error *err)
{
    if (n < *cap)
        return META_OK;
    size_t grown_cap = *cap ? 2 * *cap : 16;
    void *grown = realloc(*array, grown_cap * size);
    if (!grown)
        return meta_error_set(err, META_ENOMEM, "out of memory");
    *array = grown;
    *cap = grown_cap;
    return META_OK;
}

int meta_bubble_add_point(struct meta_bubble *b, double x, double y, double weight,
                          const char *label, struct meta_error *err)
{
    char *copy = NULL;
    if (!isfinite(x) || !isfinite(y) || !isfinite(weight) || !(weight > 0))
        return meta_error_set(err, META_EINVAL,
                              "trial '%s': needs a finite moderator value and effect and a "
                              "weight > 0, got %g, %g and %g",
                              label ? label : "", x, y, weight);
    int ret = grow((void **)&b->points, b->n_points, &b->cap_points, sizeof *b->points, err);
    if (ret != META_OK)
        return ret;
    if (label && !(copy = strdup(label)))
        return meta_error_set(err, META_ENOMEM, "out of memory");
    b->points[b->n_points++] = (struct meta_bubble_point){x, y, weight, copy};
    return META_OK;
}

int meta_bubble_add_fit(struct meta_bubble *b, double x, double fit, double lo, double hi,
                        struct meta_error *err)
{
    if (!isfinite(x) || !isfinite(fit) || !isfinite(lo) || !isfinite(hi) || lo > fit || fit > hi)
        return meta_error_set(err, META_EINVAL,
                              "the fitted line needs finite values with lo <= fit <= hi, got "
                              "%g: %g [%g, %g]",
                              x, fit, lo, hi);
    if (b->n_line > 0 && !(x > b->line[b->n_line - 1].x))
        return meta_error_set(err, META_EINVAL,
                              "the fitted line's points must come in increasing x");
    int ret = grow((void **)&b->line, b->n_line, &b->cap_line, sizeof *b->line, err);
    if (ret != META_OK)
        return ret;
    b->line[b->n_line++] = (struct meta_bubble_fit){x, fit, lo, hi};
    return META_OK;
}

int meta_bubble_add_footer(struct meta_bubble *b, const char *line, struct meta_error *err)
{
    if (!line)
        return meta_error_set(err, META_EINVAL, "a footer line cannot be NULL");
    char **grown = realloc(b->footer, (b->n_footer + 1) * sizeof *grown);
    if (!grown)
        return meta_error_set(err, META_ENOMEM, "out of memory");
    b->footer = grown;
    if (!(b->footer[b->n_footer] = strdup(line)))
        return meta_error_set(err, META_ENOMEM, "out of memory");
    b->n_footer++;
    return META_OK;
}
