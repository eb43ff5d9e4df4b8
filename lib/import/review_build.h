/*
 * How the readers build a struct meta_review: strings in the review's own
 * arena, analyses found by (group, number), rows and subgroups appended, and
 * one finishing pass (meta_review_finish) that orders everything, links rows
 * to their analysis and subgroup, checks duplicate studies and fills years.
 * Internal to lib/import.
 */
#ifndef META_REVIEW_BUILD_H
#define META_REVIEW_BUILD_H

#include "meta_review.h"

/* A new, empty review of that format, read from path, called name (both
 * copied); NULL when out of memory. */
struct meta_review *meta_review_new(enum meta_review_format format, const char *path,
                                    const char *name);

/* The limits to read with: *given, or the defaults when given is NULL. */
void meta_review_limits_get(const struct meta_review_limits *given, struct meta_review_limits *out);

/* A copy of len bytes of s (NUL added) in the review's arena; NULL when out
 * of memory. meta_review_str() copies a NUL-terminated string. */
char *meta_review_strndup(struct meta_review *rv, const char *s, size_t len);
char *meta_review_str(struct meta_review *rv, const char *s);

/* Copies s with leading and trailing blanks removed; NULL for NULL or an
 * empty result, and when out of memory (*oom set). */
const char *meta_review_trimmed(struct meta_review *rv, const char *s, int *oom);

/* Adds a source file; the review takes ownership of data (malloc'ed). Returns
 * the source's name as stored, or NULL when out of memory (data freed). */
const char *meta_review_add_source(struct meta_review *rv, const char *name, unsigned char *data,
                                   size_t size);

/* Adds a note (copied). Returns META_OK or META_ENOMEM. */
int meta_review_add_note(struct meta_review *rv, const char *text);

/* The index of analysis (group, number), created (zeroed, with NAN numbers
 * and -1 flags) when create is set and it does not exist. *created tells
 * which. Returns META_OK, META_EINVAL (not found, create unset) or META_ENOMEM.
 * Pointers from meta_review_analysis_at() stay valid until the next creation. */
int meta_review_analysis_find(struct meta_review *rv, int group, int number, int create,
                              size_t *index, int *created);
struct meta_review_analysis *meta_review_analysis_at(struct meta_review *rv, size_t index);

/* The index of the subgroup called name in an analysis, created when absent
 * (number 0: numbered by order of appearance at finish). A subgroup found
 * again with another non-zero number is refused (META_EINVAL, err says
 * "WHERE: ..."). */
int meta_review_subgroup_find(struct meta_review *rv, size_t analysis, const char *name, int number,
                              size_t *index, const char *where, struct meta_error *err);

/* Appends a row to an analysis (subgroup index or -1): zeroed, numbers NAN,
 * estimable -1. The pointer stays valid until the next meta_review_add_row. */
int meta_review_add_row(struct meta_review *rv, size_t analysis, long subgroup,
                        struct meta_review_row **row);

/* Adds a study (name and id copied; year may be NULL). */
int meta_review_add_study(struct meta_review *rv, const char *name, const char *year,
                          const char *id);

/* The study with that name, or NULL (after meta_review_index_studies). */
const struct meta_review_study *meta_review_study_named(const struct meta_review *rv,
                                                        const char *name);

/* Sorts the studies by name so that meta_review_study_named() works; two
 * studies of the same name are refused (META_EINVAL, naming where). */
int meta_review_index_studies(struct meta_review *rv, const char *where, struct meta_error *err);

/* Marks a totals or result struct absent (every number NAN). */
void meta_review_totals_clear(struct meta_review_totals *t);

/*
 * Finishes the review: analyses by (group, number), subgroups by number,
 * rows grouped by analysis in file order and linked to analysis and subgroup;
 * years from the studies where rows lack them; has_rob; and the duplicate
 * rule: a study twice in one analysis and subgroup with the same numbers is
 * refused (META_EINVAL, "FILE:LINE: ... (first on line N)"); with other
 * numbers the later rows are named "study (2)", "study (3)"...
 */
int meta_review_finish(struct meta_review *rv, struct meta_error *err);

#endif
