/*
 * What the files of lib/analysis share and do not export: messages that
 * name the key at fault in the caller's spelling, and the selection a
 * request reads (run.c, run_many.c).
 */
#ifndef META_ANALYSIS_INTERNAL_H
#define META_ANALYSIS_INTERNAL_H

#include "meta_analysis.h"

#include <stddef.h>

#define ANALYSIS_RANDOM_METHODS "DL, REML, ML, PM, HE, HS, SJ, EB"
#define ANALYSIS_COMMON_METHODS "IV, MH, PETO"
/* The random-effects methods of the revman5 and r-meta conventions: MH is
 * DerSimonian-Laird around the Mantel-Haenszel estimate. */
#define ANALYSIS_REVMAN5_RANDOM_METHODS "DL, REML, MH"
#define ANALYSIS_RMETA_RANDOM_METHODS   "MH, DL, REML, ML, PM, HE, HS, SJ, EB"

/* Writes how e's caller names `key` into buf and returns buf. */
const char *analysis_key_word(const struct meta_request_error *e, const char *key, char *buf,
                              size_t size);

/* Records a failure of key `key` (NULL: none is at fault) in e (may be
 * NULL) and returns status. */
int analysis_key_error(struct meta_request_error *e, int status, const char *key, const char *fmt,
                       ...) __attribute__((format(printf, 4, 5)));

/* The selection query of req (strings borrowed from req); the time point
 * option is named in e's spelling, written into timepoint_word. */
void analysis_select_query(const struct meta_analysis_request *req,
                           const struct meta_request_error *e, char *timepoint_word, size_t size,
                           struct meta_select_query *q);

/* META_OK unless q names a `by` attribute that no treatment arm of sel
 * carries: then meta_db_unknown_attribute's error (e->key NULL). */
int analysis_check_by(struct meta_db *db, const struct meta_select_query *q,
                      const struct meta_selection *sel, struct meta_request_error *e);

#endif
