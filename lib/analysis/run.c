/*
 * Running a request on the registry (see meta_analysis_run): the options
 * that do not depend on the data are checked first, then the selection is
 * read with lib/registry and computed in memory.
 */
#include "analysis_internal.h"
#include "meta_study_attr.h"

#include <stdlib.h>

int analysis_select_query(const struct meta_analysis_request *req,
                          const struct meta_request_error *e, char *timepoint_word, size_t size,
                          struct meta_select_query *q)
{
    /* The moderators, then the risk-of-bias judgements when asked for:
     * read by name in the selection's one round trip. */
    size_t n_attributes = req->n_mods + (req->rob ? META_ROB_ATTRIBUTES : 0);
    const char **attributes = NULL;
    if (n_attributes) {
        attributes = malloc(n_attributes * sizeof *attributes);
        if (!attributes)
            return META_ENOMEM;
        for (size_t j = 0; j < req->n_mods; j++)
            attributes[j] = req->mods[j];
        for (size_t j = req->n_mods; j < n_attributes; j++)
            attributes[j] = meta_rob_attributes[j - req->n_mods];
    }
    *q = (struct meta_select_query){
        .outcome = req->outcome,
        .timepoint = req->timepoint,
        .treatments = (const char *const *)req->treatments,
        .n_treatments = req->n_treatments,
        .controls = (const char *const *)req->controls,
        .n_controls = req->n_controls,
        .by = req->by,
        .attributes = attributes,
        .n_attributes = n_attributes,
        .timepoint_option = analysis_key_word(e, "timepoint", timepoint_word, size),
    };
    return META_OK;
}

void analysis_select_query_release(struct meta_select_query *q)
{
    free((void *)q->attributes);
    q->attributes = NULL;
    q->n_attributes = 0;
}

/* A moderator (the first n_mods attributes of q) that no treatment arm or
 * estimate of the selection carries is a mistake (a typo, most likely): the
 * error lists what they do have. */
static int check_mods(struct meta_db *db, const struct meta_select_query *q, size_t n_mods,
                      const struct meta_selection *sel, struct meta_request_error *e)
{
    for (size_t j = 0; j < n_mods; j++) {
        int seen = 0;
        for (size_t i = 0; i < sel->count && !seen; i++)
            seen = sel->arms[i].side == META_SIDE_TREATMENT && sel->arms[i].values &&
                   sel->arms[i].values[j];
        for (size_t i = 0; i < sel->n_estimates && !seen; i++)
            seen = sel->estimates[i].values && sel->estimates[i].values[j];
        if (!seen && (sel->count > 0 || sel->n_estimates > 0))
            return meta_db_missing_attribute(db, q, q->attributes[j], "to regress on", &e->err);
    }
    return META_OK;
}

int analysis_check_selection(struct meta_db *db, const struct meta_select_query *q, size_t n_mods,
                             const struct meta_selection *sel, struct meta_request_error *e)
{
    e->key = NULL;
    int ret = check_mods(db, q, n_mods, sel, e);
    if (ret != META_OK || !q->by)
        return ret;
    /* A `by` attribute that no treatment arm or estimate row carries is a
     * mistake (a typo, most likely), not one subgroup of rows that lack it. */
    for (size_t i = 0; i < sel->count; i++)
        if (sel->arms[i].side == META_SIDE_TREATMENT && sel->arms[i].by_value)
            return META_OK;
    for (size_t i = 0; i < sel->n_estimates; i++)
        if (sel->estimates[i].by_value)
            return META_OK;
    if (sel->count == 0 && sel->n_estimates == 0)
        return META_OK;
    return meta_db_unknown_attribute(db, q, &e->err);
}

/* Reads the arms and estimate rows of req's selection into an->sel. */
static int fetch(struct meta_db *db, const struct meta_analysis_request *req,
                 struct meta_analysis *an, struct meta_request_error *e)
{
    char timepoint_word[64];
    struct meta_select_query q;
    e->key = NULL;
    if (analysis_select_query(req, e, timepoint_word, sizeof timepoint_word, &q) != META_OK)
        return meta_error_set(&e->err, META_ENOMEM, "out of memory");
    meta_selection_release(&an->sel);
    int ret = meta_db_select(db, &q, &an->sel, &e->err);
    if (ret == META_OK)
        ret = analysis_check_selection(db, &q, req->n_mods, &an->sel, e);
    analysis_select_query_release(&q);
    return ret;
}

int meta_analysis_run(struct meta_db *db, const struct meta_analysis_request *req,
                      struct meta_analysis *an, struct meta_request_error *e)
{
    struct meta_options opts;
    int ret = meta_analysis_resolve(req, -1, &opts, e);
    if (ret == META_OK)
        ret = fetch(db, req, an, e);
    if (ret == META_OK)
        ret = meta_analysis_compute(req, &an->sel, an, e);
    return ret;
}
