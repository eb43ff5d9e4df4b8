/*
 * From the arms of a selection to the studies lib/stats pools: one contrast
 * per trial, the arms of each side combined (binary: sums; continuous: the
 * Cochrane Handbook formula, table 6.5.a), and the trials left out with the
 * reason (no control arm, no treatment arm, an effect that cannot be
 * estimated).
 */
#ifndef META_CONTRASTS_H
#define META_CONTRASTS_H

#include "meta_select.h"
#include "meta_stats.h"

#include <stddef.h>

/* What a contrast keeps beside its meta_study. */
struct meta_contrast_info {
    const char *trial;     /* borrowed from the selection */
    long long trial_id;    /* order of loading */
    double year;           /* the trial's `year` attribute (smallest of its arms), NAN if none */
    size_t treatment_arms; /* arms combined on each side */
    size_t control_arms;
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
 * Builds the contrasts of sel for the analysis opts describes (its measure
 * and convention) into *out (initialised here; release after any return).
 * In each trial the treatment arms that pass filter (NULL: all) are
 * combined against all control arms. A trial lacking a side is left out as
 * "no <control list> arm" / "no <treatment list> arm" (the names of the
 * lists given, joined by " or "), one whose effect cannot be estimated
 * (meta_es_compute_opts fails) with lib/stats' reason. A trial that the
 * convention calls not estimable (revman5, r-meta: no events in either arm
 * for RR and OR...) stays a contrast: lib/stats lists it with no weight.
 * Under a filter, trials with no passing treatment arm are skipped silently
 * (they belong to other subgroups). The strings of sel are borrowed: sel
 * must outlive out. Returns META_OK, META_EINVAL for arm data lib/stats
 * refuses to combine, or META_ENOMEM, with err set.
 */
int meta_contrasts_build(const struct meta_selection *sel, const char *const *treatments,
                         size_t n_treatments, const char *const *controls, size_t n_controls,
                         const struct meta_options *opts, const struct meta_arm_filter *filter,
                         struct meta_contrasts *out, struct meta_error *err);

/*
 * The distinct values of the `by` attribute among the treatment arms of
 * trials that have a control arm, sorted (numerically when all are numbers,
 * else by byte order); *has_missing says whether some such arm lacks the
 * attribute (the subgroup with value NULL). *values is an owned array of
 * *count owned strings. Returns META_OK or META_ENOMEM.
 */
int meta_contrasts_by_values(const struct meta_selection *sel, char ***values, size_t *count,
                             int *has_missing, struct meta_error *err);

#endif
