/*
 * Reading a selection (`meta pool`, `meta forest`, `meta run`): one outcome
 * at one time point, the arms whose treatment is in a treatment list or a
 * control list, and the estimate rows that compare a treatment of one list
 * with a control of the other, in one round trip to the server. When the
 * selection does not resolve (unknown outcome or treatment, an ambiguous or
 * unknown time point), further queries find the choices to offer the user.
 */
#ifndef META_SELECT_H
#define META_SELECT_H

#include "meta_registry.h"

#include <stddef.h>

/* What to read. Every pointer is borrowed for the duration of the call. */
struct meta_select_query {
    const char *outcome;           /* outcome name, required */
    const char *timepoint;         /* NULL: the outcome's only time point */
    const char *const *treatments; /* the treatment list, n_treatments >= 1 names */
    size_t n_treatments;
    const char *const *controls; /* the control list, n_controls >= 1 names */
    size_t n_controls;
    const char *by; /* an attribute read for each arm (--by), or NULL */
    /* Further attributes read for each arm and estimate row, by name (the
     * moderators of a meta-regression, risk-of-bias columns): n_attributes
     * names, or NULL. They come back in the same round trip, as `values`. */
    const char *const *attributes;
    size_t n_attributes;
    /* How the caller's messages name the time point option ("--timepoint"
     * on a command line, the default when NULL). */
    const char *timepoint_option;
};

/* Which side of the comparison an arm is on. */
enum meta_select_side { META_SIDE_TREATMENT, META_SIDE_CONTROL };

/* The kind of an outcome (outcomes.kind): what its rows can hold. */
enum meta_select_kind {
    META_KIND_CONTINUOUS,    /* arm rows n, mean, sd; estimates MD, SMD, ROM */
    META_KIND_BINARY,        /* arm rows events, total; estimates RR, OR, RD */
    META_KIND_TIME_TO_EVENT, /* estimates HR only */
    META_KIND_GENERIC        /* estimates GIV only */
};

/* One attribute of a result: name and value, owned by the selection. */
struct meta_select_attr {
    char *name;
    char *value;
};

/* One arm's result for the selected outcome and time point. Strings are
 * owned by the selection. */
struct meta_select_arm {
    long long trial_id; /* the registry's trial id: the order of loading */
    char *trial;        /* trial name */
    char *label;        /* arm label, unique within the trial */
    char *treatment;    /* the arm's treatment (one of the listed names) */
    enum meta_select_side side;
    double n, mean, sd;   /* continuous outcomes (NAN for binary ones) */
    double events, total; /* binary outcomes (NAN for continuous ones) */
    char *year;           /* `year`: the result's attribute, else the arm's; NULL when absent */
    char *by_value;       /* the `by` attribute, the result's, else the arm's; NULL when
                             absent or no `by` */
    struct meta_select_attr *attrs; /* the result's own attributes (a Cochrane subgroup,
                                       risk-of-bias judgements), in the registry's order */
    size_t n_attrs;
    char **values; /* the query's `attributes`, in its order (sel->n_attributes entries):
                      the result's own value, else the arm's; NULL where neither has it;
                      the array is NULL when the query asked for none */
};

/*
 * One estimate row (INTERFACE.md 1b) of the selected outcome and time
 * point that compares a name of one list with a name of the other, as
 * stored. swapped says that its treatment is in the control list and its
 * control in the treatment list: the effect of the selection is then its
 * estimate turned round (a ratio 1/x, a difference -x; se and n swap
 * sides), which is the reader's to do. Strings are owned by the selection.
 */
struct meta_select_estimate {
    long long trial_id; /* the registry's trial id: the order of loading */
    char *trial;        /* trial name */
    char *treatment;    /* the side the estimate is of, as stored */
    char *control;      /* the side it is compared with, as stored */
    int swapped;        /* treatment in the control list, control in the treatment list */
    char *measure;      /* "MD", "SMD", "ROM", "RR", "OR", "RD", "HR" or "GIV" */
    int peto;           /* an OR from Peto's O-E and V (estimate exp((O-E)/V), se 1/sqrt(V)) */
    int log_scale;      /* GIV: estimate and interval are on the log scale */
    double estimate;    /* natural scale for ROM, RR, OR, HR; as given for the others */
    double se;          /* on the analysis scale (log for ROM, RR, OR, HR) */
    int se_given;       /* the source gave se (else it came from the interval) */
    double ci_lower, ci_upper, level; /* the interval as given, NAN when none */
    double n_treatment, n_control;    /* participants per side, NAN when not given */
    char *year;                       /* its `year` attribute, NULL when absent */
    char *by_value;                   /* its `by` attribute, NULL when absent or no `by` */
    struct meta_select_attr *attrs;   /* its attributes, in the registry's order */
    size_t n_attrs;
    char **values; /* the query's `attributes`, in its order (sel->n_attributes entries),
                      NULL where it lacks one; NULL when the query asked for none */
};

/* What a selection holds, in the order of loading: by trial, then its arms
 * by arm, then its estimates by treatment and control. */
struct meta_selection {
    char *outcome;   /* owned copy of the outcome name */
    char *timepoint; /* the resolved time point ("" is the unnamed one) */
    int binary;      /* 1 for a binary outcome, 0 for any other */
    enum meta_select_kind kind;
    struct meta_select_arm *arms;
    size_t count;
    struct meta_select_estimate *estimates;
    size_t n_estimates;
    /* Listed names (treatment list first, then control list) that no arm
     * or estimate of this outcome and time point carries, though the
     * registry knows them: owned, n_unmatched entries. */
    char **unmatched;
    size_t n_unmatched;
    /* The names of the query's `attributes` (owned copies, n_attributes):
     * what each arm's and estimate's `values` hold. */
    char **attributes;
    size_t n_attributes;
};

/* Sets every field of sel to empty. */
void meta_selection_init(struct meta_selection *sel);

/* Frees what sel owns and leaves it empty; accepts NULL. */
void meta_selection_release(struct meta_selection *sel);

/*
 * Reads selection q from db into *out (which this call initialises; release
 * it with meta_selection_release after any return).
 *
 * The time point defaults to the outcome's only one (among its arm rows and
 * estimate rows). Arms are those whose treatment is in either list; an
 * arm's side follows its treatment's list. Estimates are those whose
 * treatment is in one list and control in the other. The happy path is two
 * round trips: the outcome and time point (primary-key probes), then the
 * arms and estimates in one statement (a range of the results' primary key
 * (outcome_id, timepoint, arm_id) and a probe of the arms' and trials'
 * primary keys per result row; a range of the estimates' primary key). The
 * connection's JIT compilation is turned off on the way.
 *
 * Returns META_OK; META_EINVAL for an invalid query (no outcome, an empty
 * list, a name in both lists) or a selection that does not resolve, with err
 * saying which and listing the choices the registry holds: an unknown
 * outcome or treatment (with the close matches, case-insensitive: edit
 * distance, prefix or substring), an outcome with several time points and no
 * q->timepoint (listing them), a time point the outcome does not have
 * (listing those it has); META_EDB when the database fails; META_ENOMEM.
 */
int meta_db_select(struct meta_db *db, const struct meta_select_query *q,
                   struct meta_selection *out, struct meta_error *err);

/*
 * The error for a q->by attribute that no treatment arm of the selection
 * carries: META_EINVAL with err naming the attributes the treatment list's
 * arms, and the results and estimates of the outcome, do have, closest
 * first when some are close (a mistyped --by). Returns META_EDB or
 * META_ENOMEM when it cannot find them out.
 */
int meta_db_unknown_attribute(struct meta_db *db, const struct meta_select_query *q,
                              struct meta_error *err);

/*
 * The same error for any attribute `name` of q's selection that no
 * treatment arm, result or estimate carries, worded for `purpose` (e.g.
 * "to regress on"): "no treatment arm has the attribute 'ablt' to regress
 * on (close matches: ablat; ...)". Returns META_EINVAL with err set, or
 * META_EDB / META_ENOMEM when the attributes cannot be listed.
 */
int meta_db_missing_attribute(struct meta_db *db, const struct meta_select_query *q,
                              const char *name, const char *purpose, struct meta_error *err);

#endif
