/*
 * Running a request on the registry (see meta_analysis_run): the options
 * that do not depend on the data are checked first, then the selection is
 * read with lib/registry and computed in memory.
 */
#include "analysis_internal.h"

void analysis_select_query(const struct meta_analysis_request *req,
                           const struct meta_request_error *e, char *timepoint_word, size_t size,
                           struct meta_select_query *q)
{
    *q = (struct meta_select_query){
        .outcome = req->outcome,
        .timepoint = req->timepoint,
        .treatments = (const char *const *)req->treatments,
        .n_treatments = req->n_treatments,
        .controls = (const char *const *)req->controls,
        .n_controls = req->n_controls,
        .by = req->by,
        .timepoint_option = analysis_key_word(e, "timepoint", timepoint_word, size),
    };
}

int analysis_check_by(struct meta_db *db, const struct meta_select_query *q,
                      const struct meta_selection *sel, struct meta_request_error *e)
{
    if (!q->by || sel->count == 0)
        return META_OK;
    /* A `by` attribute that no treatment arm carries is a mistake (a typo,
     * most likely), not one subgroup of arms that lack it. */
    for (size_t i = 0; i < sel->count; i++)
        if (sel->arms[i].side == META_SIDE_TREATMENT && sel->arms[i].by_value)
            return META_OK;
    e->key = NULL;
    return meta_db_unknown_attribute(db, q, &e->err);
}

/* Reads the arms of req's selection into an->sel. */
static int fetch(struct meta_db *db, const struct meta_analysis_request *req,
                 struct meta_analysis *an, struct meta_request_error *e)
{
    char timepoint_word[64];
    struct meta_select_query q;
    analysis_select_query(req, e, timepoint_word, sizeof timepoint_word, &q);
    e->key = NULL;
    meta_selection_release(&an->sel);
    int ret = meta_db_select(db, &q, &an->sel, &e->err);
    if (ret != META_OK)
        return ret;
    return analysis_check_by(db, &q, &an->sel, e);
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
