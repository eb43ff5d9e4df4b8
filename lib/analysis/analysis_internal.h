/*
 * What the files of lib/analysis share and do not export: messages that
 * name the key at fault in the caller's spelling, and the pieces of a
 * trial's contrast that contrasts.c and estimates.c share.
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

/* Appends to c the exclusion of trial (borrowed) with a copy of reason.
 * META_OK or META_ENOMEM (err set). */
int analysis_exclude(struct meta_contrasts *c, const char *trial, const char *reason,
                     struct meta_error *err);

/* Whether a treatment arm or estimate row whose `by` value is by_value (NULL:
 * it lacks one) belongs to the subgroup filter builds (NULL or inactive:
 * every row does). */
int analysis_filter_passes(const char *by_value, const struct meta_arm_filter *filter);

/* The leading number of a `year` attribute ("1986", "1986.5"); NAN for NULL
 * or anything else. */
double analysis_parse_year(const char *text);

/*
 * Appends to out (whose arrays have room) the contrast of one trial from its
 * estimate rows rows[0..count-1] of sel, or its exclusion with the reason,
 * or nothing when no row passes filter (see meta_contrasts_build). log_scale
 * is meta_contrasts_log_scale() of the analysis. Returns META_OK or
 * META_ENOMEM (err set).
 */
int analysis_estimate_contrast(const struct meta_selection *sel,
                               const struct meta_select_estimate *rows, size_t count,
                               const struct meta_options *opts, int log_scale,
                               const struct meta_arm_filter *filter, struct meta_contrasts *out,
                               struct meta_error *err);

#endif
