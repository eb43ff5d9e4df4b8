/*
 * A fixed, reproducible stream of 64-bit numbers for tests that compare
 * meta with libc on millions of generated values (xorshift64): the same
 * values on every machine and run, so a failure can be replayed.
 */
#ifndef META_TEST_RANDOM_H
#define META_TEST_RANDOM_H

#include <stdint.h>

/* The next number of the stream whose state is *state (never 0). */
static inline uint64_t test_random_next(uint64_t *state)
{
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    return *state;
}

#endif
