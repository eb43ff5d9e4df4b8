/*
 * Running many requests on the registry in batches, two cores at once: the
 * calling thread reads one batch's selections off the connection while a
 * second thread computes the batch before it and hands each result to the
 * caller. Apart from meta_analysis.h because it is the one part of the
 * engine that starts a thread.
 */
#ifndef META_RUN_PIPELINE_H
#define META_RUN_PIPELINE_H

#include "meta_analysis.h"

#include <stddef.h>

/* Requests read per round trip unless meta_pipeline.batch says otherwise. */
#define META_PIPELINE_BATCH 256

/*
 * What becomes of request `index`: status is META_OK and an its computed
 * analysis, or the failure, with rerr saying why (an is then NULL or not
 * computed). Called once per request given, in index order within a batch,
 * on the computing thread (not the caller's when two threads run): it may
 * touch only what belongs to that request and what no other thread writes
 * meanwhile. an and rerr are the pipeline's, released after the call.
 */
typedef void (*meta_pipeline_each_fn)(void *ctx, size_t index, int status,
                                      const struct meta_analysis *an,
                                      const struct meta_request_error *rerr);

/* Requests first .. first + n - 1 are done (each called for every one of
 * them given): called on the caller's thread, in order, batch by batch. */
typedef void (*meta_pipeline_done_fn)(void *ctx, size_t first, size_t n);

struct meta_pipeline {
    struct meta_db *db;                              /* in a snapshot or not */
    const struct meta_analysis_request *const *reqs; /* n; a NULL entry is not run */
    size_t n;
    meta_key_spelling spell; /* how failures name keys (may be NULL) */
    size_t batch;            /* requests (NULL entries included) per batch; 0: the default */
    int threads;             /* 1: everything on the caller's thread; otherwise two */
    meta_pipeline_each_fn each;
    meta_pipeline_done_fn done; /* may be NULL */
    void *ctx;                  /* given to each and done */
};

/*
 * Runs p->reqs: batch after batch, each batch's selections sent to p->db
 * before the previous batch is computed, and read while it is: two batches
 * in memory, and what libpq has read of a third. Every request given gets one call of p->each
 * (failures of the batch as a whole, a lost connection or memory, included)
 * and every batch one call of p->done after the calls of p->each for it.
 * When a second thread cannot start, the caller's thread does it all.
 * p->db takes no other command meanwhile; p->reqs stays valid throughout.
 */
void meta_analysis_run_pipeline(const struct meta_pipeline *p);

#endif
