/*
 * One analysis of the registry, as `meta pool`, `meta forest`, `meta funnel`
 * and `meta run` declare it: the selection and pooling options of
 * INTERFACE.md (a request, parsed from the command line or set option by
 * option from an analysis file), and running it (overall, subgroups,
 * leave-one-out, cumulative) on the arms read from the registry.
 */
#ifndef META_ANALYSIS_H
#define META_ANALYSIS_H

#include "contrasts.h"
#include "meta_registry.h"
#include "meta_select.h"
#include "meta_stats.h"

#include <stddef.h>

/* ---- The request --------------------------------------------------------- */

enum meta_format { META_FORMAT_TABLE, META_FORMAT_CSV, META_FORMAT_JSON };

/* Which pooling options were given explicitly (the others take defaults that
 * depend on the outcome type and on each other). */
#define META_GIVEN_MEASURE (1u << 0)
#define META_GIVEN_MODEL   (1u << 1)
#define META_GIVEN_METHOD  (1u << 2)
#define META_GIVEN_CI      (1u << 3)
#define META_GIVEN_LEVEL   (1u << 4)

/* What to analyse and how. Every string is owned by the request. */
struct meta_analysis_request {
    char *outcome;   /* required */
    char *timepoint; /* NULL: the outcome's only time point */
    char **treatments;
    size_t n_treatments;
    char **controls;
    size_t n_controls;
    struct meta_options opts; /* as given; see meta_analysis_resolve */
    unsigned given;           /* META_GIVEN_* bits */
    char *by;                 /* attribute of the treatment arms for subgroups, or NULL */
    int leave_one_out;
    int cumulative;
    enum meta_format format;
    char *db; /* --db CONNINFO, or NULL */
};

/* An option the request understands, by the long name shared by the command
 * line (--name) and analysis files (name = value). */
struct meta_analysis_option {
    const char *name;
    int takes_value; /* 0 for a flag */
    const char *help;
};

/* The options, terminated by an entry whose name is NULL. */
extern const struct meta_analysis_option meta_analysis_options[];

/* Looks an option up by name; NULL when the request has no such option. */
const struct meta_analysis_option *meta_analysis_option_find(const char *name);

/* Empties req and sets the option defaults (meta_options_init, format table). */
void meta_analysis_request_init(struct meta_analysis_request *req);

/* Frees what req owns and leaves it empty; accepts NULL. */
void meta_analysis_request_release(struct meta_analysis_request *req);

/*
 * Sets option `name` (see meta_analysis_options) from its text value; value
 * is NULL or "true"/"false"/"yes"/"no"/"1"/"0" for a flag. --treatment and
 * --control take comma-separated lists ("\," is a literal comma) and given
 * again they add to the list. Returns META_OK, or META_EINVAL with err
 * saying what is wrong and what would be valid (unknown option, unknown
 * measure, a level that is not a number, an empty list element...).
 */
int meta_analysis_request_set(struct meta_analysis_request *req, const char *name,
                              const char *value, struct meta_error *err);

/* A command's own option beside those of the request (e.g. -o FILE). */
struct meta_cli_extra {
    const char *name;   /* long name without dashes */
    char short_name;    /* single-letter form, or 0 */
    int takes_value;    /* 0 for a flag */
    const char **value; /* receives the value (borrowed from argv), "1" for a flag */
};

/*
 * Parses argv[1..argc-1] (argv[0] is the command name): `--name value`,
 * `--name=value` and flags, for the request's options and for `extras`
 * (an array ending with a NULL name; may be NULL). Positional arguments are
 * refused. --help or -h sets *help to 1 and stops. Returns META_OK or
 * META_EINVAL (a usage error) with err saying why.
 */
int meta_analysis_parse_args(struct meta_analysis_request *req, int argc, char **argv,
                             const struct meta_cli_extra *extras, int *help,
                             struct meta_error *err);

/*
 * Resolves the pooling options of req into *opts and checks them. `binary`
 * is the outcome type (1 binary, 0 continuous) or -1 while it is unknown,
 * in which case only what does not depend on it is checked. Defaults: the
 * measure is MD or RR by outcome type (OR when PETO was asked for); the
 * model follows an explicit method (IV, MH, PETO: common; the tau^2
 * estimators: random), else random; the method is IV under the common model
 * and REML under the random one. Also requires outcome, treatment and
 * control. Returns META_OK or META_EINVAL (a usage error) with err saying
 * what would be valid.
 */
int meta_analysis_resolve(const struct meta_analysis_request *req, int binary,
                          struct meta_options *opts, struct meta_error *err);

/* ---- Running it ---------------------------------------------------------- */

/* One subgroup of a --by analysis. */
struct meta_subgroup {
    char *value; /* the attribute value; NULL for arms lacking it */
    struct meta_contrasts contrasts;
    struct meta_result result;
    int pooled; /* 1 when result holds an analysis (k >= 1) */
};

/* Everything one analysis computes. */
struct meta_analysis {
    struct meta_selection sel;       /* the arms read from the registry */
    struct meta_options opts;        /* resolved options */
    struct meta_contrasts contrasts; /* one study per trial, and the trials left out */
    struct meta_result overall;

    struct meta_subgroup *groups; /* --by: n_groups subgroups, sorted by value */
    size_t n_groups;
    int have_test; /* 1 when at least two subgroups were pooled */
    struct meta_subgroup_test test;

    struct meta_result *loo; /* --leave-one-out: one result per omitted trial */
    size_t n_loo;

    struct meta_result *cum; /* --cumulative: result i adds trial cum_order[i] */
    size_t *cum_order;       /* indexes into contrasts, by year, then as loaded */
    size_t n_cum;
};

/* Empties an analysis. */
void meta_analysis_init(struct meta_analysis *an);

/* Frees what an owns and leaves it empty; accepts NULL. */
void meta_analysis_release(struct meta_analysis *an);

/*
 * Reads the arms of req's selection from db into an->sel (one query; see
 * meta_db_select). Returns META_OK, or the status of meta_db_select with
 * err saying why (unknown names with close matches, time point choices).
 */
int meta_analysis_fetch(struct meta_db *db, const struct meta_analysis_request *req,
                        struct meta_analysis *an, struct meta_error *err);

/*
 * Runs the analysis on an->sel with the resolved options an->opts: builds the
 * contrasts, pools them, and, as req asks, the subgroups with their test,
 * leave-one-out and cumulative results. Returns META_OK; META_EDOM when no
 * trial can be pooled (err lists why trials were left out) or leave-one-out
 * has fewer than two trials; otherwise the status of lib/stats (META_ENOCONV,
 * META_EINVAL, META_ENOMEM) with err naming the step that failed.
 */
int meta_analysis_compute(const struct meta_analysis_request *req, struct meta_analysis *an,
                          struct meta_error *err);

#endif
