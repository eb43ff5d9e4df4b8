/*
 * Reading the arms of a selection (`meta pool`, `meta forest`, `meta run`):
 * one outcome at one time point, the arms whose treatment is in a treatment
 * list or a control list, in one round trip to the server. When the
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
};

/* Which side of the comparison an arm is on. */
enum meta_select_side { META_SIDE_TREATMENT, META_SIDE_CONTROL };

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
    char *year;           /* the arm's `year` attribute, NULL when absent */
    char *by_value;       /* the `by` attribute, NULL when absent or no `by` */
};

/* The arms of a selection, in the order of loading: by trial, then by arm. */
struct meta_selection {
    char *outcome;   /* owned copy of the outcome name */
    char *timepoint; /* the resolved time point ("" is the unnamed one) */
    int binary;      /* 1 for a binary outcome, 0 for a continuous one */
    struct meta_select_arm *arms;
    size_t count;
    /* Listed names (treatment list first, then control list) that no arm of
     * this outcome and time point carries, though the registry knows them:
     * owned, n_unmatched entries. */
    char **unmatched;
    size_t n_unmatched;
};

/* Sets every field of sel to empty. */
void meta_selection_init(struct meta_selection *sel);

/* Frees what sel owns and leaves it empty; accepts NULL. */
void meta_selection_release(struct meta_selection *sel);

/*
 * Reads the arms of selection q from db into *out (which this call
 * initialises; release it with meta_selection_release after any return).
 *
 * The time point defaults to the outcome's only one. Arms are those whose
 * treatment is in either list; an arm's side follows its treatment's list.
 * The happy path is two round trips: the outcome and time point (primary-key
 * probes), then the arms (a range of the results' primary key (outcome_id,
 * timepoint, arm_id) and a probe of the arms' and trials' primary keys per
 * result row). The connection's JIT compilation is turned off on the way.
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
 * arms do have, closest first when some are close (a mistyped --by). Returns
 * META_EDB or META_ENOMEM when it cannot find them out.
 */
int meta_db_unknown_attribute(struct meta_db *db, const struct meta_select_query *q,
                              struct meta_error *err);

#endif
