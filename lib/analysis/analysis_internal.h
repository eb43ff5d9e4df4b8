/*
 * What the files of lib/analysis share and do not export: messages that
 * name the key at fault in the caller's spelling.
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

#endif
