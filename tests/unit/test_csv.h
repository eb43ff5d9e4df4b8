/*
 * A small CSV reader for the unit tests only: reads the arm-level fixture
 * files in tests/data (header row, optional double-quoted fields) and builds
 * the treatment-versus-control studies of one selection. The production
 * loader lives in lib/registry; this one stays deliberately simple.
 */
#ifndef META_TEST_CSV_H
#define META_TEST_CSV_H

#include "meta_stats.h"

#include <stddef.h>

/* One selection's studies, in the order their trials first appear in the
 * file, each side combined from its arms with meta_arm_*_combine(). */
struct test_studies {
    struct meta_study *studies;
    char **labels; /* owned; studies[i].label points into it */
    size_t k;
    char **attr; /* per study: value of the requested treatment-arm attribute */
};

/* Reads `path` and selects rows of `outcome` (and `timepoint` when not NULL)
 * whose treatment is in the comma-separated `treatments` (treatment side) or
 * `controls` (control side). `attr_name` (may be NULL) names a column whose
 * value in the first treatment arm is kept per study. Returns 0 on success,
 * -1 on a read or parse failure (message on stderr). */
int test_studies_load(const char *path, const char *outcome, const char *timepoint,
                      const char *treatments, const char *controls, const char *attr_name,
                      struct test_studies *out);

/* Frees what test_studies_load() allocated. */
void test_studies_free(struct test_studies *s);

#endif
