/*
 * What a trial's contrast records whether it comes from arms (contrasts.c)
 * or from an estimate row (estimates.c): a trial left out with its reason
 * (and the reasons listed in a message), the year that orders a cumulative
 * analysis, and whether a row belongs to the subgroup being built.
 */
#include "analysis_internal.h"
#include "meta_decimal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int analysis_exclude(struct meta_contrasts *c, const char *trial, const char *reason,
                     struct meta_error *err)
{
    struct meta_exclusion *grown = realloc(c->excluded, (c->n_excluded + 1) * sizeof *grown);
    if (!grown)
        return meta_error_set(err, META_ENOMEM, "out of memory");
    c->excluded = grown;
    char *copy = strdup(reason);
    if (!copy)
        return meta_error_set(err, META_ENOMEM, "out of memory");
    c->excluded[c->n_excluded++] = (struct meta_exclusion){trial, copy};
    return META_OK;
}

void analysis_list_exclusions(char *buf, size_t size, const struct meta_exclusion *x, size_t n)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && i < 5 && used < size; i++) {
        int w =
            snprintf(buf + used, size - used, "%s%s: %s", i ? "; " : "", x[i].trial, x[i].reason);
        used += w > 0 ? (size_t)w : 0;
    }
    if (n > 5 && used < size)
        snprintf(buf + used, size - used, "; and %zu more", n - 5);
}

double analysis_parse_year(const char *text)
{
    if (!text)
        return NAN;
    char *end;
    double y = meta_strtod(text, &end);
    while (*end == ' ')
        end++;
    return end != text && *end == '\0' && isfinite(y) ? y : NAN;
}

int analysis_filter_passes(const char *by_value, const struct meta_arm_filter *filter)
{
    if (!filter || !filter->active)
        return 1;
    if (!filter->value)
        return by_value == NULL;
    return by_value && strcmp(by_value, filter->value) == 0;
}
