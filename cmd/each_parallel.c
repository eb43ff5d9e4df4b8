/*
 * cli_each_parallel (each_parallel.h): the indices are handed out in
 * chunks from one shared counter, so that a thread slowed by the machine
 * takes fewer of them; with one thread asked for, too few items for two,
 * or when a thread cannot be started, the calling thread does them all.
 */
#include "each_parallel.h"

#include <pthread.h>
#include <stdatomic.h>

enum { CHUNK = 32 };

struct each {
    size_t n;
    void (*fn)(void *ctx, size_t i);
    void *ctx;
    atomic_size_t next; /* the first index not yet taken */
};

static void *work(void *arg)
{
    struct each *e = arg;
    for (;;) {
        size_t first = atomic_fetch_add(&e->next, CHUNK);
        if (first >= e->n)
            return NULL;
        size_t end = e->n - first < CHUNK ? e->n : first + CHUNK;
        for (size_t i = first; i < end; i++)
            e->fn(e->ctx, i);
    }
}

void cli_each_parallel(size_t n, int threads, void (*fn)(void *ctx, size_t i), void *ctx)
{
    struct each e = {.n = n, .fn = fn, .ctx = ctx};
    atomic_init(&e.next, 0);
    pthread_t thread;
    int started = threads > 1 && n > 2 * CHUNK && pthread_create(&thread, NULL, work, &e) == 0;
    work(&e);
    if (started)
        pthread_join(thread, NULL);
}
