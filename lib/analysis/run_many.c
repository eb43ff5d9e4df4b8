/*
 * Running many requests on the registry (see meta_analysis_run_many): each
 * request's options are checked as meta_analysis_run checks them, the
 * selections of those that pass are read in one batch
 * (meta_db_select_many), and each is computed in memory. What a request
 * gets, result or error, is what meta_analysis_run would give it. The
 * batch can be sent ahead (meta_analysis_run_many_send), so that the
 * server reads one batch while the caller computes and writes another.
 */
#include "analysis_internal.h"

#include <stdlib.h>
#include <string.h>

/* What the batch needs per request that reaches the registry. */
struct pending {
    size_t index; /* into the caller's arrays */
    char timepoint_word[64];
};

struct meta_analysis_batch {
    const struct meta_analysis_request *const *reqs;
    size_t n, m; /* requests, and those whose selections were asked for */
    struct pending *p;
    struct meta_select_query *q;
    struct meta_select_batch sel;
    int sent; /* sel awaits meta_db_select_many_finish */
};

/* Gives every request the failure ret of the batch as a whole. */
static int fail_all(size_t n, struct meta_request_error *errs, int *status, int ret,
                    const struct meta_error *err)
{
    for (size_t i = 0; i < n; i++) {
        status[i] = ret;
        errs[i].key = NULL;
        meta_error_set(&errs[i].err, ret, "%s", err->msg);
    }
    return ret;
}

void meta_analysis_batch_free(struct meta_db *db, struct meta_analysis_batch *batch)
{
    if (!batch)
        return;
    if (batch->sent)
        meta_select_batch_release(db, &batch->sel);
    for (size_t j = 0; batch->q && j < batch->m; j++)
        analysis_select_query_release(&batch->q[j]);
    free(batch->p);
    free(batch->q);
    free(batch);
}

int meta_analysis_run_many_send(struct meta_db *db, const struct meta_analysis_request *const *reqs,
                                size_t n, struct meta_request_error *errs, int *status,
                                struct meta_analysis_batch **out, struct meta_error *err)
{
    int ret = META_OK;
    struct meta_analysis_batch *batch = calloc(1, sizeof *batch);
    *out = batch;
    if (!batch || !(batch->p = calloc(n ? n : 1, sizeof *batch->p)) ||
        !(batch->q = calloc(n ? n : 1, sizeof *batch->q))) {
        ret = meta_error_set(err, META_ENOMEM, "out of memory");
        return fail_all(n, errs, status, ret, err);
    }
    batch->reqs = reqs;
    batch->n = n;
    struct pending *p = batch->p;
    for (size_t i = 0; i < n; i++) {
        struct meta_options opts;
        if ((status[i] = meta_analysis_resolve(reqs[i], -1, &opts, &errs[i])) != META_OK)
            continue;
        if (analysis_select_query(reqs[i], &errs[i], p[batch->m].timepoint_word,
                                  sizeof p[batch->m].timepoint_word,
                                  &batch->q[batch->m]) != META_OK) {
            status[i] = meta_error_set(&errs[i].err, META_ENOMEM, "out of memory");
            continue;
        }
        p[batch->m].index = i;
        batch->m++;
    }
    if (batch->m == 0)
        return META_OK;
    ret = meta_db_select_many_send(db, batch->q, batch->m, &batch->sel, err);
    batch->sent = 1; /* released by finish or free, whatever the outcome */
    if (ret != META_OK)
        return fail_all(n, errs, status, ret, err);
    return META_OK;
}

void meta_analysis_batch_poll(struct meta_db *db, struct meta_analysis_batch *batch)
{
    if (batch && batch->sent)
        meta_select_batch_poll(db, &batch->sel);
}

void meta_analysis_batch_wait(struct meta_db *db, struct meta_analysis_batch *batch, int wake_fd)
{
    meta_select_batch_wait(db, batch && batch->sent ? &batch->sel : NULL, wake_fd);
}

int meta_analysis_run_many_finish(struct meta_db *db, struct meta_analysis_batch *batch,
                                  struct meta_analysis *ans, struct meta_request_error *errs,
                                  int *status, struct meta_error *err)
{
    int ret = META_OK;
    size_t m = batch->m;
    struct meta_selection *sels = calloc(m ? m : 1, sizeof *sels);
    struct meta_error *qerrs = calloc(m ? m : 1, sizeof *qerrs);
    int *qstatus = calloc(m ? m : 1, sizeof *qstatus);
    if (!sels || !qerrs || !qstatus) {
        ret = meta_error_set(err, META_ENOMEM, "out of memory");
        goto cleanup;
    }
    if (m > 0) {
        batch->sent = 0;
        ret = meta_db_select_many_finish(db, &batch->sel, sels, qstatus, qerrs, err);
        if (ret != META_OK)
            goto cleanup;
    }
    for (size_t j = 0; j < m; j++) {
        size_t i = batch->p[j].index;
        struct meta_analysis *an = &ans[i];
        errs[i].key = NULL;
        meta_selection_release(&an->sel);
        an->sel = sels[j]; /* now the analysis' */
        meta_selection_init(&sels[j]);
        if ((status[i] = qstatus[j]) != META_OK) {
            errs[i].err = qerrs[j];
            continue;
        }
        status[i] =
            analysis_check_selection(db, &batch->q[j], batch->reqs[i]->n_mods, &an->sel, &errs[i]);
    }
cleanup:
    if (ret != META_OK)
        fail_all(batch->n, errs, status, ret, err);
    for (size_t j = 0; sels && j < m; j++)
        meta_selection_release(&sels[j]);
    free(sels);
    free(qerrs);
    free(qstatus);
    return ret;
}

int meta_analysis_run_many(struct meta_db *db, const struct meta_analysis_request *const *reqs,
                           size_t n, struct meta_analysis *ans, struct meta_request_error *errs,
                           int *status, struct meta_error *err)
{
    struct meta_analysis_batch *batch = NULL;
    int ret = meta_analysis_run_many_send(db, reqs, n, errs, status, &batch, err);
    if (ret == META_OK)
        ret = meta_analysis_run_many_finish(db, batch, ans, errs, status, err);
    for (size_t i = 0; ret == META_OK && i < n; i++)
        if (status[i] == META_OK)
            status[i] = meta_analysis_compute(reqs[i], &ans[i].sel, &ans[i], &errs[i]);
    meta_analysis_batch_free(db, batch);
    return ret;
}
