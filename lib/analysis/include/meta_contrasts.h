/*
 * From the arms and estimate rows of a selection to the studies lib/stats
 * pools: one contrast per trial, from its arms when it has both sides (the
 * arms of each side combined: binary sums, continuous the Cochrane Handbook
 * formula, table 6.5.a), else from its estimate row (INTERFACE.md 1b, turned
 * round when its sides are the selection's swapped), and the trials left
 * out with the reason.
 */
#ifndef META_CONTRASTS_H
#define META_CONTRASTS_H

#include "meta_select.h"
#include "meta_stats.h"

#include <stddef.h>

/* Where a contrast's effect comes from. */
enum meta_contrast_source {
    META_SOURCE_ARMS,    /* the trial's arms (the meta_study's tc/cc or tb/cb) */
    META_SOURCE_ESTIMATE /* its estimate row (the meta_study's given yi and vi) */
};

/* What a contrast keeps beside its meta_study. */
struct meta_contrast_info {
    const char *trial;     /* borrowed from the selection */
    long long trial_id;    /* order of loading */
    double year;           /* the trial's `year` attribute (smallest of its arms, or its
                              estimate row's), NAN if none */
    size_t treatment_arms; /* arms combined on each side (0 for an estimate) */
    size_t control_arms;
    enum meta_contrast_source source;
    /* META_SOURCE_ESTIMATE only (NULL and NAN for arms): */
    const struct meta_select_estimate *estimate; /* the row used, borrowed from the selection;
                                                    estimate->swapped: turned round */
    double n_treatment, n_control; /* participants on the selection's treatment and control
                                      sides (the row's, swapped with it), NAN when not given */
    double ci_lower, ci_upper;     /* the row's interval on the analysis scale (logs for
                                      ratios), turned round with it, when it was given at the
                                      analysis' level; else NAN */
};

/* A trial left out, and why. */
struct meta_exclusion {
    const char *trial; /* borrowed from the selection */
    char *reason;      /* owned, e.g. "no placebo arm" */
};

/* The contrasts of one analysis (or of one subgroup). */
struct meta_contrasts {
    struct meta_study *studies;      /* k studies, label = trial name (borrowed) */
    struct meta_contrast_info *info; /* k entries, parallel to studies */
    size_t k;
    struct meta_exclusion *excluded; /* n_excluded trials left out, in load order */
    size_t n_excluded;
};

/* Which treatment arms a contrast uses: all of them, or (a --by subgroup)
 * only those whose by_value equals value (NULL: those lacking it). */
struct meta_arm_filter {
    int active;
    const char *value;
};

/* Empties c. */
void meta_contrasts_init(struct meta_contrasts *c);

/* Frees what c owns and leaves it empty; accepts NULL. */
void meta_contrasts_release(struct meta_contrasts *c);

/*
 * Builds the contrasts of sel for the analysis opts describes (its measure,
 * method and convention) into *out (initialised here; release after any
 * return), one per trial in the order of loading.
 *
 * A trial with arms on both sides is a contrast of its arms: the treatment
 * arms that pass filter (NULL: all) are combined against all control arms.
 * A trial lacking a side is left out as "no <control list> arm" / "no
 * <treatment list> arm" (the names of the lists given, joined by " or "),
 * one whose effect cannot be estimated (meta_es_compute_opts fails) with
 * lib/stats' reason. A trial that the convention calls not estimable
 * (revman5, r-meta: no events in either arm for RR and OR...) stays a
 * contrast: lib/stats lists it with no weight.
 *
 * A trial without arms on both sides but with estimate rows (sel->estimates)
 * is a contrast of its estimate row when exactly one row passes filter and
 * its measure is opts->measure: yi = log(estimate) for a ratio measure (and
 * GIV on the log scale as given), the estimate itself otherwise, vi = se^2,
 * yi negated when the row's sides are the selection's swapped (a ratio 1/x,
 * a difference -x). It is left out, with the reason, when several rows pass
 * ("several estimate rows for the selected sides: ..."), when the method is
 * MH or PETO (they need counts), when the row is of another measure, or when
 * a GIV row is on another scale than meta_contrasts_log_scale() chose.
 *
 * Under a filter, trials with no passing treatment arm or estimate row are
 * skipped silently (they belong to other subgroups). The strings and rows
 * of sel are borrowed: sel must outlive out. Returns META_OK, META_EINVAL
 * for arm data lib/stats refuses to combine, or META_ENOMEM, with err set.
 */
int meta_contrasts_build(const struct meta_selection *sel, const char *const *treatments,
                         size_t n_treatments, const char *const *controls, size_t n_controls,
                         const struct meta_options *opts, const struct meta_arm_filter *filter,
                         struct meta_contrasts *out, struct meta_error *err);

/*
 * The distinct values of the `by` attribute among the treatment arms of
 * trials that have a control arm, and among the estimate rows of trials
 * that have no arms on both sides, sorted (numerically when all are
 * numbers, else by byte order); *has_missing says whether some such arm or
 * row lacks the attribute (the subgroup with value NULL). *values is an
 * owned array of *count owned strings. Returns META_OK or META_ENOMEM.
 */
int meta_contrasts_by_values(const struct meta_selection *sel, char ***values, size_t *count,
                             int *has_missing, struct meta_error *err);

/*
 * Whether the effects of an analysis of `measure` on sel are on the log
 * scale, and so shown back-transformed: 1 for the ratio measures (RR, OR,
 * ROM, HR); for GIV, 1 when most of sel's GIV estimate rows are on the log
 * scale (ties: the log scale), which meta_contrasts_build() then takes as
 * the analysis' scale; 0 otherwise.
 */
int meta_contrasts_log_scale(const struct meta_selection *sel, enum meta_measure measure);

#endif
