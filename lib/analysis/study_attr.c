/*
 * A study's attributes by name (meta_study_attr.h): from a study of the
 * analysis back to the rows of the selection it was built from, so that
 * per-result attributes (a Cochrane row's risk-of-bias judgements) reach
 * the plots without the plots knowing about selections.
 */
#include "meta_study_attr.h"

#include <string.h>

const char *const meta_rob_attributes[META_ROB_ATTRIBUTES] = {"rob_d1", "rob_d2", "rob_d3",
                                                              "rob_d4", "rob_d5", "rob_overall"};

/* The value of attribute name among n attributes, or NULL. */
static const char *find_attr(const struct meta_select_attr *attrs, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (attrs[i].name && strcmp(attrs[i].name, name) == 0)
            return attrs[i].value;
    return NULL;
}

/* 1 when arm a belongs to subgroup g (NULL: any subgroup). */
static int in_subgroup(const struct meta_select_arm *a, const struct meta_subgroup *g)
{
    if (!g)
        return 1;
    if (!g->value || !a->by_value)
        return !g->value && !a->by_value;
    return strcmp(g->value, a->by_value) == 0;
}

/* Where the selection's values by name hold name, or sel->n_attributes. */
static size_t read_by_name(const struct meta_selection *sel, const char *name)
{
    size_t j = 0;
    while (j < sel->n_attributes && strcmp(sel->attributes[j], name) != 0)
        j++;
    return j;
}

/* The attribute of the first arm of trial id on side that has it
 * (treatment arms: only those of subgroup g), or NULL. */
static const char *arm_attr(const struct meta_selection *sel, long long id,
                            enum meta_select_side side, const struct meta_subgroup *g,
                            const char *name)
{
    size_t j = read_by_name(sel, name);
    for (size_t i = 0; i < sel->count; i++) {
        const struct meta_select_arm *a = &sel->arms[i];
        if (a->trial_id != id || a->side != side)
            continue;
        if (side == META_SIDE_TREATMENT && !in_subgroup(a, g))
            continue;
        const char *v = j < sel->n_attributes && a->values ? a->values[j] : NULL;
        if (!v)
            v = find_attr(a->attrs, a->n_attrs, name);
        if (v)
            return v;
    }
    return NULL;
}

const char *meta_analysis_study_attr(const struct meta_analysis *an, size_t study, const char *name)
{
    if (!an || !name || !an->data || study >= an->contrasts.k)
        return NULL;
    const struct meta_contrast_info *info = &an->contrasts.info[study];
    if (info->source == META_SOURCE_ESTIMATE) {
        const struct meta_select_estimate *row = info->estimate;
        size_t j = read_by_name(an->data, name);
        if (!row)
            return NULL;
        if (j < an->data->n_attributes && row->values && row->values[j])
            return row->values[j];
        return find_attr(row->attrs, row->n_attrs, name);
    }
    const struct meta_subgroup *g = meta_analysis_subgroup_of(an, study);
    const char *v = arm_attr(an->data, info->trial_id, META_SIDE_TREATMENT, g, name);
    return v ? v : arm_attr(an->data, info->trial_id, META_SIDE_CONTROL, NULL, name);
}

const char *meta_analysis_study_attr_cb(void *ctx, size_t study, const char *name)
{
    return meta_analysis_study_attr(ctx, study, name);
}
