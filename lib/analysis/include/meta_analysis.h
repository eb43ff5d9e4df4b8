/*
 * The analysis engine: what to analyse (a request: selection and pooling
 * options, no output format and no database handle), its defaults, and
 * running it (contrasts, overall pooling, subgroups, leave-one-out,
 * cumulative, small-study tests, influence diagnostics, meta-regression) on
 * arms and estimate rows read from the registry or held in memory. Front ends (the meta program,
 * analysis files, tests) drive it through this header.
 */
#ifndef META_ANALYSIS_H
#define META_ANALYSIS_H

#include "meta_bias.h"
#include "meta_contrasts.h"
#include "meta_metareg.h"
#include "meta_registry.h"
#include "meta_select.h"
#include "meta_stats.h"

#include <stddef.h>

/* ---- The request --------------------------------------------------------- */

/* Which pooling options were given explicitly (the others take defaults that
 * depend on the outcome type and on each other). */
#define META_GIVEN_MEASURE   (1u << 0)
#define META_GIVEN_MODEL     (1u << 1)
#define META_GIVEN_METHOD    (1u << 2)
#define META_GIVEN_CI        (1u << 3)
#define META_GIVEN_LEVEL     (1u << 4)
#define META_GIVEN_ESTIMATOR (1u << 5)

/* Which totals an analysis with subgroups shows (RevMan's "Totals" setting).
 * Under META_TOTALS_SUBGROUPS there is no overall total: each study's weight
 * is its weight within its subgroup (the subgroup pooled on its own, with its
 * own tau^2), as RevMan prints it for "subgroup totals only". */
enum meta_analysis_totals {
    META_TOTALS_BOTH = 0,  /* the subgroup totals and the overall total (the default) */
    META_TOTALS_SUBGROUPS, /* the subgroup totals only */
};

/* What to analyse and how. Every string is owned by the request. New
 * options (a convention, moderators, the source of a contrast) are new
 * fields with a default set by meta_analysis_request_init and a key of
 * meta_analysis_options. */
struct meta_analysis_request {
    char *outcome;   /* required */
    char *timepoint; /* NULL: the outcome's only time point */
    char **treatments;
    size_t n_treatments;
    char **controls;
    size_t n_controls;
    struct meta_options opts; /* as given; see meta_analysis_resolve */
    unsigned given;           /* META_GIVEN_* bits */
    char *by; /* attribute for subgroups (of the results, else of the treatment arms), or NULL */
    enum meta_analysis_totals totals; /* with by: which totals are shown */
    int leave_one_out;
    int cumulative;
    int bias;                         /* Egger's and the regression test, Begg's test and
                                         trim-and-fill */
    int trimfill;                     /* trim-and-fill (also without the tests) */
    enum meta_tf_estimator estimator; /* of trim-and-fill: L0 (default) or R0 */
    int influence;                    /* influence diagnostics of each trial */
    char **mods;                      /* moderators of a meta-regression: trial attributes */
    size_t n_mods;                    /* 0: no meta-regression */
    int rob; /* read each result's risk-of-bias judgements (rob_d1 ... rob_overall, the
                result's own, else the arm's) for meta_analysis_study_attr; not a key of
                its own: set by whoever draws the forest plot's risk-of-bias columns */
};

/* A key of the request: the long name shared by the command line (--name)
 * and analysis files (name = value, with '_' for '-'). */
struct meta_analysis_option {
    const char *name;
    int takes_value; /* 0 for a flag */
    int repeatable;  /* given again, it adds to the value (the arm lists) */
    const char *help;
};

/* The keys, terminated by an entry whose name is NULL. */
extern const struct meta_analysis_option meta_analysis_options[];

/* Looks a key up by name; NULL when the request has no such key. */
const struct meta_analysis_option *meta_analysis_option_find(const char *name);

/* How a front end names a key of the request in its messages: writes the
 * spelling of `key` ("--leave-one-out" on a command line, "leave_one_out" in
 * an analysis file) into buf (size bytes, always terminated). */
typedef void (*meta_key_spelling)(char *buf, size_t size, const char *key);

/* What went wrong with a request, by key, so that each front end can point
 * at the option or line at fault and word the keys its own way. */
struct meta_request_error {
    meta_key_spelling spell; /* in: how messages name keys; NULL: as in the table */
    const char *key;         /* out: the key at fault (a name of meta_analysis_options,
                                static), or NULL when the data or the system are */
    struct meta_error err;   /* out: the message */
};

/* Clears e and sets the spelling its messages will use (may be NULL). */
void meta_request_error_init(struct meta_request_error *e, meta_key_spelling spell);

/* Reads a flag's value: NULL (given bare), "1", "true", "yes" set *out to 1;
 * "0", "false", "no" to 0 (words in any case). Returns META_OK, or
 * META_EINVAL for anything else. */
int meta_flag_parse(const char *value, int *out);

/* Empties req and sets the option defaults (meta_options_init). */
void meta_analysis_request_init(struct meta_analysis_request *req);

/* Frees what req owns and leaves it empty; accepts NULL. */
void meta_analysis_request_release(struct meta_analysis_request *req);

/*
 * Sets key `name` (see meta_analysis_options) from its text value; value
 * is NULL or "true"/"false"/"yes"/"no"/"1"/"0" for a flag. treatment and
 * control take comma-separated lists ("\," is a literal comma) and given
 * again they add to the list. Returns META_OK, or META_EINVAL with e->key
 * set and e->err saying what is wrong and what would be valid (unknown key,
 * unknown measure, a level that is not a number, an empty list element...);
 * META_ENOMEM.
 */
int meta_analysis_request_set(struct meta_analysis_request *req, const char *name,
                              const char *value, struct meta_request_error *e);

/*
 * Resolves the pooling options of req into *opts and checks them. `binary`
 * is the outcome type (1 binary, 0 continuous) or -1 while it is unknown,
 * in which case only what does not depend on it is checked (an explicit
 * measure tells the type then). Defaults: the measure is MD or RR by
 * outcome type (OR when PETO was asked for); the model follows an explicit
 * method (IV, MH, PETO: common; the tau^2 estimators: random), else random;
 * the method is IV under the common model and, under the random one, REML
 * (conventions metafor and r-meta) or DL (revman5); under r-meta a binary
 * outcome is pooled by MH under both models (metabin's default; IV and REML
 * with ci hksj). Method and model must fit the convention: MH under the
 * random model only under revman5 and r-meta (DerSimonian-Laird around the
 * MH estimate), and revman5's random methods are DL, REML and MH. An
 * explicit prediction interval needs the random model. totals = subgroups
 * needs by, and refuses what analyses the overall total it leaves out
 * (leave-one-out, cumulative, bias, trimfill, influence, mods). Also requires
 * outcome, treatment and control. Returns META_OK or META_EINVAL with
 * e->key naming the key at fault and e->err what would be valid.
 */
int meta_analysis_resolve(const struct meta_analysis_request *req, int binary,
                          struct meta_options *opts, struct meta_request_error *e);

/* The kind of the outcome of sel: binary when sel->binary (whatever
 * sel->kind says), time-to-event or generic as sel->kind says, else
 * continuous. */
enum meta_select_kind meta_analysis_kind(const struct meta_selection *sel);

/*
 * meta_analysis_resolve for the data at hand (sel, borrowed): the outcome's
 * kind (meta_analysis_kind), so that a time-to-event outcome takes HR (the
 * only measure of its estimate rows), a generic one GIV, and MH or PETO are
 * refused on either (they need counts). When sel holds estimate rows but no
 * arm rows, the default measure is the one they all have (OR for PETO), and
 * inverse variance stays the default method under r-meta. Returns as
 * meta_analysis_resolve; also META_EINVAL, with e->key NULL, when the
 * measure is not given and such rows have several (the message lists them).
 */
int meta_analysis_resolve_selection(const struct meta_analysis_request *req,
                                    const struct meta_selection *sel, struct meta_options *opts,
                                    struct meta_request_error *e);

/* ---- Running it ---------------------------------------------------------- */

/* One subgroup of a `by` analysis. */
struct meta_subgroup {
    char *value; /* the attribute value; NULL for arms lacking it */
    struct meta_contrasts contrasts;
    struct meta_result result; /* the subgroup pooled on its own (its own tau^2): its total;
                                  studies[j].weight is the weight within the subgroup */
    int pooled;   /* 1 when result holds an analysis (k >= 1); under revman5 and r-meta its
                     numbers are NAN when no study of it is estimable (k_estimable = 0) */
    size_t first; /* with an->subgroups_in_total: where its studies start in an->contrasts
                     and an->overall.studies */
};

/*
 * Small-study effects (req->bias; trim-and-fill alone with req->trimfill) on
 * the studies of the overall analysis that have an estimate (under
 * Mantel-Haenszel and Peto the studies' own yi and vi, as metafor's
 * regtest() and ranktest() take them; under revman5 and r-meta those the
 * convention estimates). Every number is on the analysis scale.
 */
struct meta_analysis_bias {
    size_t k;                    /* studies tested */
    size_t *index;               /* k entries: the study's index in an->contrasts */
    int have_tests;              /* egger, regtest and begg hold results (req->bias) */
    struct meta_regtest egger;   /* metafor's regtest(fit, model = "lm") */
    struct meta_regtest regtest; /* metafor's regtest(fit) */
    struct meta_ranktest begg;   /* metafor's ranktest(fit) */
    int have_trimfill;           /* trimfill holds a result */
    struct meta_trimfill trimfill;
    char *trimfill_missing; /* owned: why trim-and-fill was not run (Mantel-Haenszel or Peto
                               pooling, for which metafor has none), else NULL */
};

/* Influence diagnostics (req->influence), one row per study with an
 * estimate, as metafor's influence(fit). */
struct meta_analysis_influence {
    size_t k;
    size_t *index;              /* k entries: the study's index in an->contrasts */
    struct meta_influence *row; /* k entries */
};

/*
 * A meta-regression (req->mods) of the studies' effects on trial attributes.
 * A trial's value of a moderator is the one its treatment arms carry (each
 * result's own attribute, else its arm's; an estimate row's own for a trial
 * with no treatment arm); a trial whose treatment arms lack the moderator,
 * or disagree on it (two drug classes against one placebo), is left out with
 * the reason, as is a study with no estimate.
 */
struct meta_analysis_regression {
    size_t k;                        /* trials regressed */
    size_t *index;                   /* k entries: the study's index in an->contrasts */
    double *yi, *vi;                 /* k entries each: the studies' effects */
    const char **values;             /* k x n_mods, row-major: the moderators' values,
                                        borrowed from the selection */
    double *weight;                  /* k entries: weight in percent (the bubble plot's) */
    struct meta_design design;       /* the columns (intercept, moderators, indicators) */
    struct meta_metareg fit;         /* metafor's rma(yi, vi, mods, method, test) */
    struct meta_exclusion *excluded; /* trials of an->contrasts left out, and why */
    size_t n_excluded;
};

/* Everything one analysis computes. Pointers into the request and the arms
 * are borrowed: both must outlive the analysis. Later analyses (a data
 * fingerprint) are further fields, empty unless the request asks for them. */
struct meta_analysis {
    const struct meta_analysis_request *req; /* what was asked */
    const struct meta_selection *data;       /* the arms and estimate rows analysed: &sel or
                                                the caller's */
    struct meta_selection sel;               /* the selection read by meta_analysis_run */
    struct meta_options opts;                /* resolved options */
    enum meta_select_kind kind;              /* the outcome's (meta_analysis_kind) */
    int log_scale; /* effects on the log scale, shown back-transformed: the ratio measures
                      (RR, OR, ROM, HR), and GIV when its estimate rows are on the log
                      scale (meta_contrasts_log_scale) */
    struct meta_contrasts contrasts; /* one study per trial, and the trials left out */
    struct meta_result overall;

    struct meta_subgroup *groups; /* by: n_groups subgroups, sorted by value */
    size_t n_groups;
    int have_test; /* 1 when at least two subgroups have an estimate */
    struct meta_subgroup_test test;
    int subgroups_in_total;   /* 1 under revman5 and r-meta with by: as in RevMan and R meta,
                                 the overall total pools the subgroups' studies, so contrasts
                                 and overall hold them subgroup after subgroup (a trial whose
                                 treatment arms fall in two subgroups counts in each) and each
                                 study is shown with its weight in that total; 0 under metafor:
                                 the total pools one contrast per trial, as without by; 1
                                 under every convention with req->totals = subgroups, whose
                                 studies are then listed subgroup after subgroup */
    int subgroup_totals_only; /* req->totals = subgroups: no overall total is shown (overall
                                 still holds each study's own yi, vi and interval, and an
                                 overall pooling that no output reports), and each study's
                                 weight is the one within its subgroup */

    struct meta_result *loo; /* leave-one-out: one result per omitted trial */
    size_t n_loo;

    struct meta_result *cum; /* cumulative: result i adds trial cum_order[i] */
    size_t *cum_order;       /* indexes into contrasts, by year, then as loaded */
    size_t n_cum;

    int have_bias; /* bias holds results (req->bias or req->trimfill) */
    struct meta_analysis_bias bias;
    int have_influence; /* influence holds results (req->influence) */
    struct meta_analysis_influence influence;
    int have_regression; /* regression holds results (req->n_mods > 0) */
    struct meta_analysis_regression regression;
};

/* The weight in percent shown beside study j of subgroup g (an index into
 * an->groups[g].contrasts): its weight in the overall total when
 * an->subgroups_in_total (RevMan's and R meta's weights) unless
 * an->subgroup_totals_only, else its weight within the subgroup. 0 for a
 * study that is not estimable. */
double meta_analysis_shown_weight(const struct meta_analysis *an, size_t g, size_t j);

/* The subgroup that study i of an->contrasts belongs to when
 * an->subgroups_in_total; NULL otherwise (the contrasts are then one per
 * trial, whatever its subgroups). */
const struct meta_subgroup *meta_analysis_subgroup_of(const struct meta_analysis *an, size_t i);

/* The weight in percent shown beside study i of an->contrasts: within its
 * subgroup when an->subgroup_totals_only, else its weight in the overall
 * total (an->overall.studies[i].weight). */
double meta_analysis_study_weight(const struct meta_analysis *an, size_t i);

/* "both" or "subgroups": the name of a totals value, as the key takes it. */
const char *meta_analysis_totals_name(enum meta_analysis_totals totals);

/* Empties an analysis. */
void meta_analysis_init(struct meta_analysis *an);

/* Frees what an owns and leaves it empty; accepts NULL. */
void meta_analysis_release(struct meta_analysis *an);

/*
 * Runs req on arms and estimate rows held by the caller: resolves the
 * options for data (meta_analysis_resolve_selection), builds the contrasts
 * (arms first, estimate rows otherwise: meta_contrasts_build), pools them
 * and, as req asks, the subgroups with their test, leave-one-out and
 * cumulative results, the small-study tests and trim-and-fill, the
 * influence diagnostics and the meta-regression (whose moderators data must
 * have read by name: meta_selection.attributes); trials of arms and of
 * estimates mix freely under inverse variance and the tau^2 estimators,
 * pooled, tested and regressed from their yi and vi. an must be initialised
 * (or released); req and data are borrowed and must outlive it. data's arms
 * are ordered by trial (trial_id), each trial's arms together, and so are
 * its estimate rows. Returns META_OK; META_EINVAL with e->key set when the
 * options do not fit the outcome (e->key NULL when estimate rows of several
 * measures leave the measure open); META_EDOM when no trial can be pooled
 * (e->err lists why trials were left out), leave-one-out has fewer than two
 * trials or no trial has a value of every moderator; otherwise the status
 * of lib/stats (META_ENOCONV; META_EINVAL for too few studies for a test,
 * trim-and-fill, influence or a meta-regression under Mantel-Haenszel or
 * Peto pooling, a moderator with one value, more coefficients than trials,
 * collinear moderators; META_ENOMEM) with e->err naming the step that failed
 * and e->key NULL.
 */
int meta_analysis_compute(const struct meta_analysis_request *req,
                          const struct meta_selection *data, struct meta_analysis *an,
                          struct meta_request_error *e);

/*
 * Runs req on the registry: checks the options that do not depend on the
 * data, reads the arms of req's selection from db into an->sel (one query;
 * see meta_db_select), then meta_analysis_compute on them. Returns META_OK
 * or the first failure: the request's (META_EINVAL, e->key set), the
 * registry's (unknown names with close matches, time point choices, a `by`
 * attribute no treatment arm has, a moderator no treatment arm or estimate
 * has: META_EINVAL with e->key NULL; META_EDB), or the computation's.
 */
int meta_analysis_run(struct meta_db *db, const struct meta_analysis_request *req,
                      struct meta_analysis *an, struct meta_request_error *e);

/*
 * Runs the n requests reqs[i] on the registry into ans[i] (each
 * initialised or released by the caller, who releases them afterwards),
 * as meta_analysis_run would run each, but reading their selections in one
 * batch (meta_db_select_many: two round trips for all of them instead of
 * three each), so that thousands of small analyses cost little more than
 * their arithmetic. status[i] and errs[i] (initialised with the spelling
 * for messages) receive what meta_analysis_run would return for reqs[i].
 * Inside a snapshot (meta_db_snapshot_begin), every analysis sees the same
 * state of the registry. Returns META_OK when every request has its
 * status; META_EDB or META_ENOMEM (err says why) when the batch itself
 * failed, every status[i] then that failure.
 */
int meta_analysis_run_many(struct meta_db *db, const struct meta_analysis_request *const *reqs,
                           size_t n, struct meta_analysis *ans, struct meta_request_error *errs,
                           int *status, struct meta_error *err);

/* A batch of requests whose selections are on their way. */
struct meta_analysis_batch;

/*
 * meta_analysis_run_many in steps, so that the caller can compute and
 * write one batch while the server reads the next: _send checks the
 * requests (status[i] and errs[i] of those that fail) and sends the
 * statement that reads the selections of the others into *batch; _finish
 * waits for it and gives each request still META_OK its selection in
 * ans[i].sel, checked, for meta_analysis_compute(reqs[i], &ans[i].sel,
 * &ans[i], &errs[i]), which needs no registry. Between _send and _finish
 * db takes no other command; reqs stays valid until the batch is freed.
 * Both return META_OK, or the failure of the batch as a whole (META_EDB,
 * META_ENOMEM: err says why, and every status[i] is that failure).
 * meta_analysis_batch_free frees the batch after either, finished or not.
 */
int meta_analysis_run_many_send(struct meta_db *db, const struct meta_analysis_request *const *reqs,
                                size_t n, struct meta_request_error *errs, int *status,
                                struct meta_analysis_batch **batch, struct meta_error *err);
int meta_analysis_run_many_finish(struct meta_db *db, struct meta_analysis_batch *batch,
                                  struct meta_analysis *ans, struct meta_request_error *errs,
                                  int *status, struct meta_error *err);
void meta_analysis_batch_free(struct meta_db *db, struct meta_analysis_batch *batch);

/* Between _send and _finish: reads what the server has sent so far, so
 * that it goes on reading while the caller works (a batch's rows exceed
 * what the connection holds). batch may be NULL. */
void meta_analysis_batch_poll(struct meta_db *db, struct meta_analysis_batch *batch);

/* Between _send and _finish, while another thread works: reads the rows
 * as the server sends them, sleeping between them, until wake_fd is
 * readable (meta_select_batch_wait). batch may be NULL: waits for wake_fd. */
void meta_analysis_batch_wait(struct meta_db *db, struct meta_analysis_batch *batch, int wake_fd);

#endif
