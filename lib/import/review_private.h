/*
 * The private state of a review while it is built (struct
 * meta_review_private): shared by the storage (review_build.c) and the
 * finishing pass (review_finish.c) only.
 */
#ifndef META_REVIEW_PRIVATE_H
#define META_REVIEW_PRIVATE_H

#include "meta_review.h"

#include <stddef.h>

#define ARENA_CHUNK (64 * 1024)

struct arena_chunk {
    struct arena_chunk *next;
    size_t used, cap;
    char data[];
};

/* A slot of the subgroup hash; index 0 marks it empty. */
struct subgroup_slot {
    size_t analysis;
    size_t index_plus1;
};

struct meta_review_private {
    struct arena_chunk *arena;
    /* rows as appended, with their analysis and subgroup index */
    struct meta_review_row *rows;
    size_t *row_analysis;
    long *row_subgroup;
    size_t n_rows, cap_rows;
    size_t cap_analyses, cap_studies, cap_sources, cap_notes;
    size_t *subgroup_caps; /* per analysis */
    /* open addressing: (group, number) -> analysis index + 1, 0 empty */
    size_t *hash;
    size_t hash_cap;
    /* open addressing: (analysis, subgroup name) -> subgroup index */
    struct subgroup_slot *sg_hash;
    size_t sg_cap, sg_used;
    int studies_indexed;
};

#endif
