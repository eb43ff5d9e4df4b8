/*
 * The batches of meta_run_pipeline.h on two threads. The caller's thread
 * owns the connection: while a second thread computes batch k and hands
 * each analysis to the caller's callback, it reads batch k+1's selections
 * off the connection (decoding rows, joining arms), then sends batch k+2's
 * statement and reads its rows as the server sends them, sleeping between
 * them, until batch k is done. Beside the two batches, memory holds k+2's
 * statement and the rows of it libpq has read. The connection is never
 * touched by the second thread; each analysis and its selection are its
 * own memory.
 */
#define _GNU_SOURCE /* pipe2 */
#include "meta_run_pipeline.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

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
    /* The selections are the analyses' own now; the connection is free for
     * the next statement. */
    meta_analysis_batch_free(s->p->db, s->batch);
    s->batch = NULL;
}

/* Computes a batch received and hands each analysis to p->each. Needs no
 * connection unless s->poll is set (one thread: the next batch's rows are
 * read between analyses, or the server would wait for them). */
static void stage_compute(struct stage *s)
{
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
}

/* The second thread, computing one batch: says when it is done by a byte
 * on a pipe, so that the caller can sleep in poll(2) on that pipe and the
 * connection at once. */
struct worker {
    pthread_t thread;
    int wake[2]; /* read end, write end */
    struct stage *stage;
};

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    stage_compute(w->stage);
    ssize_t r; /* one byte into an empty pipe of ours: only a signal can stop it */
    do
        r = write(w->wake[1], "", 1);
    while (r < 0 && errno == EINTR);
    return NULL;
}

/* Starts the second thread on stage s; 0 when it cannot start. */
static int worker_start(struct worker *w, struct stage *s)
{
    w->stage = s;
    return pthread_create(&w->thread, NULL, worker_main, w) == 0;
}

/* Waits for the second thread, reading the rows of `sent` (NULL: none) as
 * the server sends them and sleeping between them. */
static void worker_wait(struct worker *w, const struct stage *sent)
{
    char byte;
    meta_analysis_batch_wait(w->stage->p->db, sent ? sent->batch : NULL, w->wake[0]);
    pthread_join(w->thread, NULL);
    while (read(w->wake[0], &byte, 1) < 0 && errno == EINTR)
        ;
}

/* The requests of the batch that starts at `first`. */
static size_t batch_size(const struct meta_pipeline *p, size_t first, size_t size)
{
    return first >= p->n ? 0 : p->n - first < size ? p->n - first : size;
}

/* Without memory for the batches: every request given fails. */
static void fail_every_request(const struct meta_pipeline *p, size_t size)
{
    struct meta_request_error rerr;
    meta_request_error_init(&rerr, p->spell);
    meta_error_set(&rerr.err, META_ENOMEM, "out of memory");
    for (size_t first = 0; first < p->n; first += size) {
        size_t n = batch_size(p, first, size);
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
    struct stage st[3] = {{0}};
    struct worker w;
    int threads = p->threads != 1;
    if (p->n == 0)
        return;
    if (stage_alloc(&st[0], p, cap) != META_OK || stage_alloc(&st[1], p, cap) != META_OK ||
        stage_alloc(&st[2], p, cap) != META_OK) {
        fail_every_request(p, size);
        goto cleanup;
    }
    if (threads)
        threads = pipe2(w.wake, O_CLOEXEC) == 0;
    /* Batch k is in st[k % 3]: k computed, k + 1 read, k + 2 sent. */
    stage_send(&st[0], 0, cap);
    stage_receive(&st[0]);
    stage_send(&st[1], size, batch_size(p, size, size));
    for (size_t first = 0, k = 0; first < p->n; first += size, k = (k + 1) % 3) {
        struct stage *cur = &st[k], *next = &st[(k + 1) % 3], *after = &st[(k + 2) % 3];
        size_t n_next = batch_size(p, first + size, size);
        size_t n_after = batch_size(p, first + 2 * size, size);
        cur->poll = NULL;
        int started = threads && cur->m > 0 && worker_start(&w, cur);
        if (!started) {
            cur->poll = n_next ? next : NULL;
            stage_compute(cur);
        }
        if (n_next)
            stage_receive(next);
        if (n_after)
            stage_send(after, first + 2 * size, n_after);
        if (started)
            worker_wait(&w, n_after ? after : NULL);
        if (p->done)
            p->done(p->ctx, cur->first, cur->n);
    }
    if (threads) {
        close(w.wake[0]);
        close(w.wake[1]);
    }
cleanup:
    for (int i = 0; i < 3; i++)
        stage_free(&st[i]);
}
