/*
 * The two-thread reading of csv_pipeline.h. One producer (the parsing
 * thread) and one consumer (the caller) pass batches of records through a
 * bounded ring, first in first out: records arrive in file order, a failure
 * of the reading travels in the last batch after the records before it,
 * and memory stays at RING batches whatever the size of the file.
 */
#include "csv_pipeline.h"

#include "csv_parse.h"

#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Batches in the ring, and the field bytes after which a batch is handed on. */
#define RING        3
#define BATCH_BYTES (32 * 1024)

struct batch_record {
    long line, number;
    size_t first, count; /* its fields: fields[first .. first + count) */
};

/* A field in a batch: where its bytes are, and its line after its
 * record's (a record holds at most 4 MiB, so all of it fits 32 bits). */
struct batch_field {
    uint32_t off, len, line;
};

struct batch {
    char *data; /* the fields' bytes, each NUL-terminated */
    size_t len, cap;
    struct batch_field *fields;
    size_t nfields, fields_cap;
    struct batch_record *recs;
    size_t nrecs, recs_cap;
    int last;              /* the reading ended with this batch */
    int status;            /* of the last batch: the reading's */
    struct meta_error err; /* of the last batch: the reading's message */
    char sha256[META_CSV_SHA256_HEX];
};

struct pipeline {
    int fd;
    const char *name;
    int want_sha256;
    pthread_mutex_t lock;
    pthread_cond_t ready; /* a batch was handed on, or the reading ended */
    pthread_cond_t room;  /* a batch was given back, or the consumer stopped */
    struct batch ring[RING];
    /* Under lock: batches handed on and given back; the producer fills
     * ring[produced % RING] when produced - released < RING, the consumer
     * reads ring[released % RING] when released < produced. */
    unsigned long produced, released;
    int stop; /* the consumer stopped: the producer ends without handing on */
    /* The producer's own. */
    struct batch *filling;
    struct meta_error nomem; /* a batch could not grow */
    /* The consumer's own: one record's fields as the callback sees them. */
    struct meta_csv_field *scratch;
    size_t scratch_cap;
};

static long pipelined_reads;

long meta_csv_pipeline_count(void)
{
    return pipelined_reads;
}

/* Waits for a free batch (producer). META_OK, or nonzero when the consumer
 * has stopped. */
static int take_batch(struct pipeline *pl)
{
    pthread_mutex_lock(&pl->lock);
    while (!pl->stop && pl->produced - pl->released == RING)
        pthread_cond_wait(&pl->room, &pl->lock);
    int stopped = pl->stop;
    if (!stopped)
        pl->filling = &pl->ring[pl->produced % RING];
    pthread_mutex_unlock(&pl->lock);
    if (stopped)
        return META_EINVAL;
    struct batch *b = pl->filling;
    b->len = b->nfields = b->nrecs = 0;
    b->last = 0;
    return META_OK;
}

/* Hands the batch being filled to the consumer (producer). */
static void hand_on(struct pipeline *pl)
{
    pthread_mutex_lock(&pl->lock);
    pl->produced++;
    pl->filling = NULL;
    pthread_cond_signal(&pl->ready);
    pthread_mutex_unlock(&pl->lock);
}

/* Grows *p (of *cap elements of size) to hold need elements. */
static int grow(void **p, size_t *cap, size_t need, size_t size, size_t least)
{
    if (need <= *cap)
        return META_OK;
    size_t n = *cap ? *cap : least;
    while (n < need)
        n *= 2;
    void *q = realloc(*p, n * size);
    if (!q)
        return META_ENOMEM;
    *p = q;
    *cap = n;
    return META_OK;
}

/* The parser's record callback on the producer: copies the record into
 * the batch being filled, and hands the batch on once it is full. */
static int put(const struct meta_csv_record *rec, void *ctx)
{
    struct pipeline *pl = ctx;
    if (!pl->filling && take_batch(pl) != META_OK)
        return META_EINVAL; /* the consumer stopped: end the reading */
    struct batch *b = pl->filling;
    size_t bytes = 0;
    for (size_t i = 0; i < rec->count; i++)
        bytes += rec->fields[i].len + 1;
    if (grow((void **)&b->data, &b->cap, b->len + bytes, 1, BATCH_BYTES + 4096) != META_OK ||
        grow((void **)&b->fields, &b->fields_cap, b->nfields + rec->count, sizeof *b->fields,
             1024) != META_OK ||
        grow((void **)&b->recs, &b->recs_cap, b->nrecs + 1, sizeof *b->recs, 256) != META_OK)
        return meta_error_set(&pl->nomem, META_ENOMEM, "%s: out of memory", pl->name);
    b->recs[b->nrecs++] = (struct batch_record){rec->line, rec->number, b->nfields, rec->count};
    /* The parser keeps a record's fields one after the other: one copy
     * then, when they are. */
    const char *base = rec->count ? rec->fields[0].value : NULL;
    const struct meta_csv_field *end = rec->count ? &rec->fields[rec->count - 1] : NULL;
    int together = end && (size_t)(end->value + end->len + 1 - base) == bytes;
    if (together)
        memcpy(b->data + b->len, base, bytes);
    for (size_t i = 0; i < rec->count; i++) {
        const struct meta_csv_field *f = &rec->fields[i];
        size_t off = together ? b->len + (size_t)(f->value - base) : b->len;
        if (!together) {
            memcpy(b->data + off, f->value, f->len + 1);
            b->len += f->len + 1;
        }
        b->fields[b->nfields++] =
            (struct batch_field){(uint32_t)off, (uint32_t)f->len, (uint32_t)(f->line - rec->line)};
    }
    if (together)
        b->len += bytes;
    if (b->len >= BATCH_BYTES)
        hand_on(pl);
    return META_OK;
}

/* The producer: parses the file into batches, then hands on the last one
 * with the reading's outcome. */
static void *produce(void *arg)
{
    struct pipeline *pl = arg;
    struct meta_error err;
    meta_error_clear(&err);
    meta_error_clear(&pl->nomem);
    char sha256[META_CSV_SHA256_HEX] = "";
    int rc = meta_csv_parse_fd(pl->fd, pl->name, put, pl, pl->want_sha256 ? sha256 : NULL, &err);
    if (!pl->filling && take_batch(pl) != META_OK)
        return NULL; /* the consumer stopped */
    struct batch *b = pl->filling;
    b->last = 1;
    b->status = rc;
    b->err = rc == META_ENOMEM && pl->nomem.msg[0] ? pl->nomem : err;
    memcpy(b->sha256, sha256, sizeof sha256);
    hand_on(pl);
    return NULL;
}

/* Calls fn for the records of b (consumer), their fields spelled out in
 * pl->scratch; META_OK, fn's status, or META_ENOMEM with err set when the
 * scratch cannot grow. */
static int deliver(struct pipeline *pl, struct batch *b, meta_csv_record_fn fn, void *ctx,
                   struct meta_error *err)
{
    for (size_t i = 0; i < b->nrecs; i++) {
        const struct batch_record *r = &b->recs[i];
        if (grow((void **)&pl->scratch, &pl->scratch_cap, r->count, sizeof *pl->scratch, 64) !=
            META_OK)
            return meta_error_set(err, META_ENOMEM, "%s: out of memory", pl->name);
        for (size_t k = 0; k < r->count; k++) {
            const struct batch_field *f = &b->fields[r->first + k];
            pl->scratch[k] = (struct meta_csv_field){b->data + f->off, f->len, r->line + f->line};
        }
        struct meta_csv_record rec = {r->line, r->number, r->count, pl->scratch};
        int rc = fn(&rec, ctx);
        if (rc != META_OK)
            return rc;
    }
    return META_OK;
}

/* The consumer: the batches in order until the last, or until fn stops. */
static int consume(struct pipeline *pl, meta_csv_record_fn fn, void *ctx,
                   char sha256_hex[META_CSV_SHA256_HEX], struct meta_error *err)
{
    for (;;) {
        pthread_mutex_lock(&pl->lock);
        while (pl->released == pl->produced)
            pthread_cond_wait(&pl->ready, &pl->lock);
        struct batch *b = &pl->ring[pl->released % RING];
        pthread_mutex_unlock(&pl->lock);
        int ret = deliver(pl, b, fn, ctx, err);
        int last = b->last;
        if (ret == META_OK && last) {
            ret = b->status;
            if (ret != META_OK && err)
                *err = b->err;
            if (ret == META_OK && sha256_hex)
                memcpy(sha256_hex, b->sha256, META_CSV_SHA256_HEX);
        }
        pthread_mutex_lock(&pl->lock);
        pl->released++;
        if (ret != META_OK)
            pl->stop = 1;
        pthread_cond_signal(&pl->room);
        pthread_mutex_unlock(&pl->lock);
        if (ret != META_OK || last)
            return ret;
    }
}

int meta_csv_pipeline_read(int fd, const char *name, meta_csv_record_fn fn, void *ctx,
                           char sha256_hex[META_CSV_SHA256_HEX], struct meta_error *err)
{
    struct pipeline *pl = calloc(1, sizeof *pl);
    if (!pl)
        return meta_csv_parse_fd(fd, name, fn, ctx, sha256_hex, err);
    pl->fd = fd;
    pl->name = name;
    pl->want_sha256 = sha256_hex != NULL;
    pl->lock = (pthread_mutex_t)PTHREAD_MUTEX_INITIALIZER;
    pl->ready = (pthread_cond_t)PTHREAD_COND_INITIALIZER;
    pl->room = (pthread_cond_t)PTHREAD_COND_INITIALIZER;
    /* Signals stay with the calling thread (its handlers remove temporary
     * files and end the process): the producer blocks them all. */
    pthread_t thread;
    sigset_t all, old;
    sigfillset(&all);
    int started = 0;
    if (pthread_sigmask(SIG_SETMASK, &all, &old) == 0) {
        started = pthread_create(&thread, NULL, produce, pl) == 0;
        pthread_sigmask(SIG_SETMASK, &old, NULL);
    }
    int ret;
    if (started) {
        pipelined_reads++;
        ret = consume(pl, fn, ctx, sha256_hex, err);
        pthread_join(thread, NULL);
    } else {
        ret = meta_csv_parse_fd(fd, name, fn, ctx, sha256_hex, err);
    }
    pthread_cond_destroy(&pl->room);
    pthread_cond_destroy(&pl->ready);
    pthread_mutex_destroy(&pl->lock);
    for (int i = 0; i < RING; i++) {
        free(pl->ring[i].data);
        free(pl->ring[i].fields);
        free(pl->ring[i].recs);
    }
    free(pl->scratch);
    free(pl);
    return ret;
}
