/*
 * Running many requests on the registry (see meta_analysis_run_many): each
 * request's options are checked as meta_analysis_run checks them, the
 * selections of those that pass are read in one batch
 * (meta_db_select_many), and each is computed in memory. What a request
 * gets, result or error, is what meta_analysis_run would give it.
 */
#include "analysis_internal.h"

#include <stdlib.h>
#include <string.h>

/* What the batch needs per request that reaches the registry. */
struct pending {
    size_t index; /* into the caller's arrays */
    char timepoint_word[64];
};

int meta_analysis_run_many(struct meta_db *db, const struct meta_analysis_request *const *reqs,
                           size_t n, struct meta_analysis *ans, struct meta_request_error *errs,
                           int *status, struct meta_error *err)
{
    int ret = META_OK;
    size_t m = 0;
    struct pending *p = calloc(n ? n : 1, sizeof *p);
    struct meta_select_query *q = calloc(n ? n : 1, sizeof *q);
    struct meta_selection *sels = calloc(n ? n : 1, sizeof *sels);
    struct meta_error *qerrs = calloc(n ? n : 1, sizeof *qerrs);
    int *qstatus = calloc(n ? n : 1, sizeof *qstatus);
    if (!p || !q || !sels || !qerrs || !qstatus) {
        ret = meta_error_set(err, META_ENOMEM, "out of memory");
        goto cleanup;
    }
    for (size_t i = 0; i < n; i++) {
        struct meta_options opts;
        if ((status[i] = meta_analysis_resolve(reqs[i], -1, &opts, &errs[i])) != META_OK)
            continue;
        if (analysis_select_query(reqs[i], &errs[i], p[m].timepoint_word,
                                  sizeof p[m].timepoint_word, &q[m]) != META_OK) {
            status[i] = meta_error_set(&errs[i].err, META_ENOMEM, "out of memory");
            continue;
        }
        p[m].index = i;
        m++;
    }
    if (m > 0 && (ret = meta_db_select_many(db, q, m, sels, qstatus, qerrs, err)) != META_OK)
        goto cleanup;
    for (size_t j = 0; j < m; j++) {
        size_t i = p[j].index;
        struct meta_analysis *an = &ans[i];
        errs[i].key = NULL;
        meta_selection_release(&an->sel);
        an->sel = sels[j]; /* now the analysis' */
        meta_selection_init(&sels[j]);
        if ((status[i] = qstatus[j]) != META_OK) {
            errs[i].err = qerrs[j];
            continue;
        }
        if ((status[i] = analysis_check_selection(db, &q[j], reqs[i]->n_mods, &an->sel,
                                                  &errs[i])) == META_OK)
            status[i] = meta_analysis_compute(reqs[i], &an->sel, an, &errs[i]);
    }
cleanup:
    if (ret != META_OK)
        for (size_t i = 0; i < n; i++) {
            status[i] = ret;
            errs[i].key = NULL;
            meta_error_set(&errs[i].err, ret, "%s", err->msg);
        }
    for (size_t j = 0; sels && j < m; j++)
        meta_selection_release(&sels[j]);
    for (size_t j = 0; q && j < m; j++)
        analysis_select_query_release(&q[j]);
    free(p);
    free(q);
    free(sels);
    free(qerrs);
    free(qstatus);
    return ret;
}
