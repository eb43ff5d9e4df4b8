/*
 * Work on many independent items on two threads: `meta run` reads and
 * hashes thousands of analysis files before it connects, each on its own,
 * and two cores halve that wait.
 */
#ifndef META_EACH_PARALLEL_H
#define META_EACH_PARALLEL_H

#include <stddef.h>

/*
 * Calls fn(ctx, i) once for every i in 0 .. n - 1, on the calling thread
 * and, when threads is 2 and there is enough to share (and a thread can be
 * started), on one more thread, in chunks of consecutive indices taken in order; returns
 * once every call has returned. Calls for different i run concurrently:
 * fn must touch only what belongs to item i (and what is safe to share).
 */
void cli_each_parallel(size_t n, int threads, void (*fn)(void *ctx, size_t i), void *ctx);

#endif
