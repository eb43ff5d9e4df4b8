/*
 * The region allocator declared in ctgov_arena.h: a chain of blocks, each
 * at least 64 KiB, handed out from the front; large requests get a block of
 * their own. Nothing is freed before the whole arena.
 */
#include "ctgov_arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK_SIZE ((size_t)64 * 1024)
#define ALIGN      (sizeof(max_align_t))

struct block {
    struct block *next;
    size_t used, size;
    max_align_t data[]; /* size bytes */
};

struct ctgov_arena {
    struct block *head;
};

struct ctgov_arena *ctgov_arena_new(void)
{
    return calloc(1, sizeof(struct ctgov_arena));
}

void ctgov_arena_free(struct ctgov_arena *a)
{
    if (!a)
        return;
    struct block *b = a->head;
    while (b) {
        struct block *next = b->next;
        free(b);
        b = next;
    }
    free(a);
}

void *ctgov_arena_alloc(struct ctgov_arena *a, size_t size)
{
    if (size > SIZE_MAX - ALIGN)
        return NULL;
    size = (size + ALIGN - 1) / ALIGN * ALIGN;
    if (size == 0)
        size = ALIGN;
    struct block *b = a->head;
    if (!b || b->size - b->used < size) {
        size_t cap = size > BLOCK_SIZE ? size : BLOCK_SIZE;
        if (cap > SIZE_MAX - sizeof *b)
            return NULL;
        struct block *nb = malloc(sizeof *nb + cap);
        if (!nb)
            return NULL;
        nb->used = 0;
        nb->size = cap;
        if (b && size > BLOCK_SIZE) {
            /* keep filling the current block; put the big one behind it */
            nb->next = b->next;
            b->next = nb;
        } else {
            nb->next = b;
            a->head = nb;
        }
        b = nb;
    }
    void *p = (char *)b->data + b->used;
    b->used += size;
    memset(p, 0, size);
    return p;
}

void *ctgov_arena_calloc(struct ctgov_arena *a, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        return NULL;
    return ctgov_arena_alloc(a, n * size);
}

char *ctgov_arena_strndup(struct ctgov_arena *a, const char *s, size_t len)
{
    if (len == SIZE_MAX)
        return NULL;
    char *p = ctgov_arena_alloc(a, len + 1);
    if (!p)
        return NULL;
    if (len)
        memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *ctgov_arena_strdup(struct ctgov_arena *a, const char *s)
{
    return s ? ctgov_arena_strndup(a, s, strlen(s)) : NULL;
}

char *ctgov_arena_vprintf(struct ctgov_arena *a, const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n < 0)
        return NULL;
    char *p = ctgov_arena_alloc(a, (size_t)n + 1);
    if (p)
        vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

char *ctgov_arena_printf(struct ctgov_arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = ctgov_arena_vprintf(a, fmt, ap);
    va_end(ap);
    return p;
}
