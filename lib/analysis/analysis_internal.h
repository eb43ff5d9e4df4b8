/*
 * What the files of lib/analysis share and do not export: messages that
 * name the key at fault in the caller's spelling, the selection a request
 * reads (run.c, run_many.c), and the pieces of a trial's contrast that
 * contrasts.c and estimates.c share.
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
 * option is named in e's spelling, written into timepoint_word. Its
 * attributes (req's moderators, then with req->rob the risk-of-bias
 * judgements) are an array q owns: analysis_select_query_release frees it.
 * Returns META_OK or META_ENOMEM. */
int analysis_select_query(const struct meta_analysis_request *req,
                          const struct meta_request_error *e, char *timepoint_word, size_t size,
                          struct meta_select_query *q);
void analysis_select_query_release(struct meta_select_query *q);

/* META_OK unless q names a moderator (the first n_mods of q->attributes)
 * that no treatment arm or estimate row of sel carries
 * (meta_db_missing_attribute's error), or a `by` attribute that none carries
 * (meta_db_unknown_attribute's error); e->key NULL. */
int analysis_check_selection(struct meta_db *db, const struct meta_select_query *q, size_t n_mods,
                             const struct meta_selection *sel, struct meta_request_error *e);
/* contrast_info.c: "T1: why; T2: why" for the first five of the n trials left
 * out (x), then "; and N more", into buf (size bytes, always terminated). */
void analysis_list_exclusions(char *buf, size_t size, const struct meta_exclusion *x, size_t n);

/* bias.c: META_OK when opts pool by inverse variance; META_EINVAL saying that
 * `what` ("trim-and-fill") has no method under Mantel-Haenszel or Peto
 * pooling (metafor has none) and what to use instead. */
int analysis_check_iv(const struct meta_options *opts, const char *what, struct meta_error *err);

/* bias.c: the small-study tests (req->bias) and trim-and-fill (req->bias or
 * req->trimfill) into an->bias, on the overall analysis's studies with an
 * estimate. Under Mantel-Haenszel and Peto pooling the tests run and
 * trim-and-fill is skipped with the reason (an error when req->trimfill asks
 * for it). Returns META_OK or lib/stats' status with err naming the test. */
int analysis_bias(const struct meta_analysis_request *req, struct meta_analysis *an,
                  struct meta_error *err);

/* bias.c: the influence diagnostics into an->influence. Failure as
 * analysis_bias. */
int analysis_influence(struct meta_analysis *an, struct meta_error *err);

/* Free what the results own and empty them; accept NULL. */
void analysis_bias_release(struct meta_analysis_bias *b);
void analysis_influence_release(struct meta_analysis_influence *inf);
void analysis_regression_release(struct meta_analysis_regression *r);

/* regression.c: the meta-regression on req->mods into an->regression.
 * Returns META_OK; META_EINVAL for a moderator no trial has, a moderator
 * with one value, too many coefficients or collinear moderators (err names
 * it); META_EDOM when no trial has every moderator; the fit's failures. */
int analysis_regression(const struct meta_analysis_request *req, struct meta_analysis *an,
                        struct meta_error *err);

/* moderators.c: the value of each of the n moderators `names` for each
 * study of c, from the attributes sel read (which must include them):
 * values[i * n + j] borrowed from sel, all NULL for a study whose trial is
 * left out, with reasons[i] (owned; NULL for the others) saying why: a
 * treatment arm lacks a moderator, or the treatment arms disagree on one.
 * present[j] says whether any row of the studies' trials has moderator j.
 * Returns META_OK, META_EINVAL (a moderator sel did not read) or
 * META_ENOMEM; reasons set so far are the caller's to free. */
int analysis_moderator_values(const struct meta_selection *sel, const struct meta_contrasts *c,
                              char *const *names, size_t n, const char **values, char **reasons,
                              int *present, struct meta_error *err);
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
