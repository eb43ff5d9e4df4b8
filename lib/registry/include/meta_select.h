/*
 * Reading a selection (`meta pool`, `meta forest`, `meta run`): one outcome
 * at one time point, the arms whose treatment is in a treatment list or a
 * control list, and the estimate rows that compare a treatment of one list
 * with a control of the other, in one round trip to the server. When the
 * selection does not resolve (unknown outcome or treatment, an ambiguous or
 * unknown time point), further queries find the choices to offer the user.
 * Many selections can be read in one round trip (meta_db_select_many, for
 * `meta run`). Every selection read from the registry knows the loads that
 * brought its rows and a fingerprint of them (living analyses: where every
 * number came from, and whether the data changed).
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
    long long load_id; /* the load that brought the row (0: not read from the registry) */
    char **values;     /* the query's `attributes`, in its order (sel->n_attributes entries):
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
    long long load_id; /* the load that brought the row (0: not read from the registry) */
    char **values;     /* the query's `attributes`, in its order (sel->n_attributes entries),
                          NULL where it lacks one; NULL when the query asked for none */
};

/* A load that brought rows of a selection (a row of the loads table).
 * Strings are owned by the selection. */
struct meta_select_load {
    long long load_id;
    char *file;      /* the file name as loaded */
    char *sha256;    /* the SHA-256 of its bytes, 64 lowercase hex digits */
    char *loaded_at; /* when, ISO 8601 in UTC: "2024-11-22T10:15:02.123456Z" */
};

/* The length of a fingerprint: 64 hex digits and a NUL. */
#define META_FINGERPRINT_SIZE 65

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
    /* The loads that brought the arms and estimates, by load_id (none for a
     * selection held in memory). */
    struct meta_select_load *loads;
    size_t n_loads;
    /* meta_selection_fingerprint of the rows, set by meta_db_select and
     * meta_db_select_many; "" for a selection built in memory. */
    char fingerprint[META_FINGERPRINT_SIZE];
    /* The names of the query's `attributes` (owned copies, n_attributes):
     * what each arm's and estimate's `values` hold. */
    char **attributes;
    size_t n_attributes;
    /* When set (meta_db_select_many), one block that holds the trial, label
     * and treatment of every arm, which then are not freed one by one. */
    char *arm_names;
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
 * treatment is in one list and control in the other. The happy path is three
 * round trips: the outcome and time point (primary-key probes), then the
 * arms and estimates in one statement (a range of the results' primary key
 * (outcome_id, timepoint, arm_id) and a probe of the arms' and trials'
 * primary keys per result row; a range of the estimates' primary key), then
 * the loads the rows came from. The connection's JIT compilation is turned
 * off on the way.
 *
 * Returns META_OK; META_EINVAL for an invalid query (no outcome, an empty
 * list, a name in both lists) or a selection that does not resolve, with err
 * saying which and listing the choices the registry holds: an unknown
 * outcome or treatment (with the close matches, case-insensitive: edit
 * distance, prefix or substring), an outcome with several time points and no
 * q->timepoint (listing them), a time point the outcome does not have
 * (listing those it has); META_EDB when the database fails; META_ENOMEM.
 * On success out also holds the loads its rows came from and its
 * fingerprint (one more short query).
 */
int meta_db_select(struct meta_db *db, const struct meta_select_query *q,
                   struct meta_selection *out, struct meta_error *err);

/*
 * Reads the selections of queries q[0..n-1] into out[0..n-1] (each
 * initialised by this call; release them with meta_selection_release after
 * any return) in one statement for all of them, one more for the arms
 * (and their trials) its result rows belong to that were not read before in
 * the same snapshot (at most 65,536 kept between batches; outside a
 * snapshot every batch reads its own, and all it reads comes from one
 * read-only transaction of its own, ended before it returns), and one
 * for the loads their rows came from, so that many small analyses cost two
 * or three round trips in all rather than three each. Each query gets what meta_db_select would
 * give it: status[i] is META_OK with out[i] filled, or meta_db_select's
 * error with errs[i] saying why; a query that does not resolve in the batch
 * (unknown outcome, time point to choose, a listed name that no row
 * carries) is read again by meta_db_select, which finds out why and words
 * it. Rows are ordered as meta_db_select orders them. A caller that wants
 * every selection from one state of the registry runs this inside one
 * snapshot (meta_db_snapshot_begin).
 *
 * Returns META_OK when every query has its status; META_EDB or META_ENOMEM
 * (err says why) when the batch itself failed, and then every status[i] is
 * that failure too.
 */
int meta_db_select_many(struct meta_db *db, const struct meta_select_query *q, size_t n,
                        struct meta_selection *out, int *status, struct meta_error *errs,
                        struct meta_error *err);

/* A batch of selections whose statement is on its way to the server
 * (meta_db_select_many_send) and whose rows are not read yet. */
struct meta_select_batch {
    const struct meta_select_query *q; /* the caller's, kept until finished */
    size_t n;
    int *in_batch; /* which queries the statement reads */
    int sent;      /* a statement awaits its rows */
    int own_tx;    /* outside a snapshot: the batch's own read-only transaction is open */
};

/*
 * meta_db_select_many in two halves, so that the caller works while the
 * server reads: _send sends the statement for q[0..n-1] (q kept valid by
 * the caller) without waiting; _finish waits for its rows and does the
 * rest, with meta_db_select_many's results and returns. Between the two
 * the connection takes no other command. _send's failure (META_EDB,
 * META_ENOMEM, err says why) leaves batch to meta_select_batch_release;
 * _finish releases it in any case.
 */
int meta_db_select_many_send(struct meta_db *db, const struct meta_select_query *q, size_t n,
                             struct meta_select_batch *batch, struct meta_error *err);
int meta_db_select_many_finish(struct meta_db *db, struct meta_select_batch *batch,
                               struct meta_selection *out, int *status, struct meta_error *errs,
                               struct meta_error *err);

/* Reads what the server has sent of the batch's rows so far, without
 * waiting: called now and then between _send and _finish, it keeps the
 * server from waiting on a full connection while the caller works. */
void meta_select_batch_poll(struct meta_db *db, struct meta_select_batch *batch);

/* Reads the batch's rows as the server sends them, sleeping in poll(2)
 * between them, until wake_fd is readable (nothing is read from wake_fd).
 * For a caller waiting on other work: the server never waits on a full
 * connection, and nothing spins once its rows are all in. A failure of
 * the connection shows when the rows are read. batch may be NULL (or not
 * sent): waits for wake_fd alone. Returns before wake_fd is readable only
 * when poll(2) itself fails. */
void meta_select_batch_wait(struct meta_db *db, const struct meta_select_batch *batch, int wake_fd);

/* Drops a batch that is not to be finished: reads and discards any rows
 * on their way, and frees it. */
void meta_select_batch_release(struct meta_db *db, struct meta_select_batch *batch);

/*
 * The fingerprint of the rows of sel: the SHA-256, as 64 lowercase hex
 * digits, of the outcome, the time point and every arm and estimate row
 * with each value the selection holds (trial and arm names, treatments,
 * counts, means, SDs, estimates and their intervals, `year`, the `by`
 * value, the result's attributes), in a canonical order: the same rows
 * give the same fingerprint whatever their order, their ids or the loads
 * that brought them, and any change to a selected value changes it.
 * Returns META_OK, or META_ENOMEM (out is then "").
 */
int meta_selection_fingerprint(const struct meta_selection *sel, char out[META_FINGERPRINT_SIZE]);

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
