/*
 * The numbers a check compares (check_fields.c): each field with RevMan's
 * value, meta's, the tolerance the source's precision allows, and whether
 * they agree. Internal to lib/importer.
 */
#ifndef META_CHECK_FIELDS_H
#define META_CHECK_FIELDS_H

#include "meta_importer.h"

/* How precisely RevMan gives its numbers. */
enum check_precision {
    CHECK_PRINTED,   /* a Cochrane package: rounded to 6 decimals */
    CHECK_FULL,      /* a RevMan 5 file: full double precision */
    CHECK_FULL_CHI2P /* a RevMan 5 p-value of a chi^2 test: RevMan's own approximation */
};

/* The fields of one analysis being filled. */
struct check_fields {
    struct meta_check_analysis *a;
    size_t cap;
    int failed; /* out of memory */
};

/*
 * Adds the field "PREFIX: NAME" (just NAME when prefix is NULL) comparing
 * RevMan's value with meta's. NAN revman means RevMan shows no number (a
 * study that is not estimable): meta must have none either. Updates the
 * analysis's n_disagree and max_rel_diff. Sets f->failed when out of memory.
 */
void check_field(struct check_fields *f, const char *prefix, const char *name, double revman,
                 double meta, enum check_precision precision);

#endif
