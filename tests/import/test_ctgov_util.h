/*
 * What the ClinicalTrials.gov tests share: reading the shared records from
 * tests/data/ctgov, finding one record among a study's results, reading an
 * attribute, and writing variants of a record to real temporary files.
 */
#ifndef META_TEST_CTGOV_UTIL_H
#define META_TEST_CTGOV_UTIL_H

#include "meta_ctgov.h"

#include <stddef.h>

/* Path of a file in tests/data/ctgov (a static buffer). */
const char *ctgov_data(const char *file);

/* The file's study records with the proposals (mapping NULL) or a mapping;
 * fails the test and returns NULL on error. *file must be freed. */
struct meta_ctgov_result *ctgov_load(const char *file, const struct meta_ctgov_mapping *mapping,
                                     struct meta_ctgov_file **out_file);

/* The only record of kind with this outcome and arm (treatment for estimates
 * matches arm); NULL when none or several. */
const struct meta_record *ctgov_find(const struct meta_ctgov_result *r, enum meta_record_kind kind,
                                     const char *outcome, const char *arm);

/* Records of an outcome. */
size_t ctgov_count(const struct meta_ctgov_result *r, const char *outcome);

/* The value of a result attribute, or NULL. */
const char *ctgov_attr(const struct meta_record *rec, const char *name);

/* The value of an arm attribute, or NULL. */
const char *ctgov_arm_attr(const struct meta_record *rec, const char *name);

/* The skips whose outcome starts with prefix and whose reason contains text. */
size_t ctgov_skips(const struct meta_ctgov_result *r, const char *prefix, const char *text);

/* The whole file, NUL-terminated (malloc'd); NULL on failure. */
char *ctgov_slurp(const char *path, size_t *len);

/* A copy of text with the first occurrence of from replaced by to (malloc'd);
 * NULL when from does not occur (the variant would test nothing). */
char *ctgov_replace(const char *text, const char *from, const char *to);

/* Writes text to a new file named name in a private temporary directory and
 * returns its path (static buffer, valid until the next call). */
const char *ctgov_write_temp(const char *name, const char *text);

/* Removes the temporary directory and what it holds. */
void ctgov_temp_cleanup(void);

#endif
