/*
 * A region allocator for the ClinicalTrials.gov parsers: every string and
 * array of one parsed file, one proposal or one set of records lives in one
 * arena and is freed with it, so that a parser that fails half-way frees
 * everything at once and never returns anything half-built.
 */
#ifndef META_CTGOV_ARENA_H
#define META_CTGOV_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct ctgov_arena;

/* A new empty arena, or NULL when out of memory. */
struct ctgov_arena *ctgov_arena_new(void);

/* Frees the arena and everything allocated from it; accepts NULL. */
void ctgov_arena_free(struct ctgov_arena *a);

/* size zeroed bytes aligned for any type, or NULL when out of memory.
 * A size of 0 gives a valid unique pointer. */
void *ctgov_arena_alloc(struct ctgov_arena *a, size_t size);

/* n zeroed elements of size bytes each (NULL on overflow or no memory). */
void *ctgov_arena_calloc(struct ctgov_arena *a, size_t n, size_t size);

/* A copy of the len bytes at s, NUL-terminated; NULL when out of memory. */
char *ctgov_arena_strndup(struct ctgov_arena *a, const char *s, size_t len);

/* A copy of s (NULL gives NULL without failing: check the source first). */
char *ctgov_arena_strdup(struct ctgov_arena *a, const char *s);

/* A printf-formatted string; NULL when out of memory. */
char *ctgov_arena_printf(struct ctgov_arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* As ctgov_arena_printf with a va_list. */
char *ctgov_arena_vprintf(struct ctgov_arena *a, const char *fmt, va_list ap);

#endif
