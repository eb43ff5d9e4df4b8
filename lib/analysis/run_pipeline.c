/*
 * The batches of meta_run_pipeline.h on two threads. The caller's thread
 * owns the connection: it sends batch k+1, reads its selections off the
 * connection (decoding rows, joining arms) while a second thread computes
 * batch k and hands each analysis to the caller's callback, then frees what
 * batch k held on the connection. The connection is never touched by the
 * second thread; each analysis and its selection are its own memory.
 */
#include "meta_run_pipeline.h"

#include <pthread.h>
#include <stdlib.h>

/* One batch on its way: the requests of p->reqs[first .. first + n - 1]
 * that are given (m of them), their analyses and failures. */
struct stage {
    const struct meta_pipeline *p;
    size_t first, n, m;
    const struct meta_analysis_request **reqs; /* m, for meta_analysis_run_many_send */
    size_t *index;                             /* m: each one's index in p->reqs */
    struct meta_analysis *ans;
    struct meta_request_error *errs;
    int *status;
    struct meta_analysis_batch *batch;
    int ret; /* of the batch as a whole */
    struct meta_error err;
    const struct stage *poll; /* the next batch, read meanwhile on one thread; or NULL */
};

static int stage_alloc(struct stage *s, const struct meta_pipeline *p, size_t cap)
{
    s->p = p;
    s->reqs = calloc(cap, sizeof *s->reqs);
    s->index = calloc(cap, sizeof *s->index);
    s->ans = calloc(cap, sizeof *s->ans);
    s->errs = calloc(cap, sizeof *s->errs);
    s->status = calloc(cap, sizeof *s->status);
    return s->reqs && s->index && s->ans && s->errs && s->status ? META_OK : META_ENOMEM;
}

static void stage_free(struct stage *s)
{
    free(s->reqs);
    free(s->index);
    free(s->ans);
    free(s->errs);
    free(s->status);
}

/* Sends the batch of requests first .. first + n - 1. */
static void stage_send(struct stage *s, size_t first, size_t n)
{
    const struct meta_pipeline *p = s->p;
    s->first = first;
    s->n = n;
    s->m = 0;
    s->batch = NULL;
    s->ret = META_OK;
    meta_error_clear(&s->err);
    for (size_t i = first; i < first + n; i++) {
        if (!p->reqs[i])
            continue;
        s->reqs[s->m] = p->reqs[i];
        s->index[s->m] = i;
        s->status[s->m] = META_OK;
        meta_analysis_init(&s->ans[s->m]);
        meta_request_error_init(&s->errs[s->m], p->spell);
        s->m++;
    }
    if (s->m > 0)
        s->ret = meta_analysis_run_many_send(p->db, s->reqs, s->m, s->errs, s->status, &s->batch,
                                             &s->err);
}

/* Reads the selections of a batch sent (a failure is every request's). */
static void stage_receive(struct stage *s)
{
    if (s->ret == META_OK && s->m > 0)
        s->ret =
            meta_analysis_run_many_finish(s->p->db, s->batch, s->ans, s->errs, s->status, &s->err);
}

/* Computes a batch received and hands each analysis to p->each. Needs no
 * connection unless s->poll is set (one thread: the next batch's rows are
 * read between analyses, or the server would wait for them). */
static void *stage_compute(void *arg)
{
    struct stage *s = arg;
    const struct meta_pipeline *p = s->p;
    for (size_t j = 0; j < s->m; j++) {
        if (s->poll)
            meta_analysis_batch_poll(p->db, s->poll->batch);
        if (s->status[j] == META_OK)
            s->status[j] =
                meta_analysis_compute(s->reqs[j], &s->ans[j].sel, &s->ans[j], &s->errs[j]);
        p->each(p->ctx, s->index[j], s->status[j], &s->ans[j], &s->errs[j]);
        meta_analysis_release(&s->ans[j]);
    }
    return NULL;
}

/* Without memory for the batches: every request given fails. */
static void fail_all(const struct meta_pipeline *p, size_t size)
{
    struct meta_request_error rerr;
    meta_request_error_init(&rerr, p->spell);
    meta_error_set(&rerr.err, META_ENOMEM, "out of memory");
    for (size_t first = 0; first < p->n; first += size) {
        size_t n = p->n - first < size ? p->n - first : size;
        for (size_t i = first; i < first + n; i++)
            if (p->reqs[i])
                p->each(p->ctx, i, META_ENOMEM, NULL, &rerr);
        if (p->done)
            p->done(p->ctx, first, n);
    }
}

void meta_analysis_run_pipeline(const struct meta_pipeline *p)
{
    size_t size = p->batch ? p->batch : META_PIPELINE_BATCH;
    size_t cap = p->n < size ? p->n : size;
    struct stage st[2] = {0};
    if (p->n == 0)
        return;
    if (stage_alloc(&st[0], p, cap) != META_OK || stage_alloc(&st[1], p, cap) != META_OK) {
        fail_all(p, size);
        goto cleanup;
    }
    stage_send(&st[0], 0, cap);
    stage_receive(&st[0]);
    for (size_t first = 0, k = 0; first < p->n; first += size, k ^= 1) {
        struct stage *cur = &st[k], *next = &st[k ^ 1];
        size_t after = first + size;
        int more = after < p->n;
        if (more)
            stage_send(next, after, p->n - after < size ? p->n - after : size);
        pthread_t worker;
        cur->poll = NULL;
        int threaded =
            p->threads != 1 && cur->m > 0 && pthread_create(&worker, NULL, stage_compute, cur) == 0;
        if (!threaded) {
            cur->poll = more ? next : NULL;
            stage_compute(cur);
        }
        if (more)
            stage_receive(next);
        if (threaded)
            pthread_join(worker, NULL);
        meta_analysis_batch_free(p->db, cur->batch);
        cur->batch = NULL;
        if (p->done)
            p->done(p->ctx, cur->first, cur->n);
    }
cleanup:
    stage_free(&st[0]);
    stage_free(&st[1]);
}
