/*
 * A systematic review's analyses as RevMan holds them, read from a Cochrane
 * data package (the CSV files of RevMan Web's "Download data") or a RevMan 5
 * file (.rm5 XML), and what meta makes of them: the records the registry
 * stores (lib/common/meta_record.h) and one analysis file per analysis.
 * Pure code: no database, no printing; every failure is a status and a message.
 */
#ifndef META_REVIEW_H
#define META_REVIEW_H

#include "meta_record.h"
#include "meta_status.h"

#include <stddef.h>
#include <stdio.h>

/* ---- The model ----------------------------------------------------------- */

enum meta_review_format {
    META_REVIEW_COCHRANE, /* a Cochrane data package (CSV) */
    META_REVIEW_REVMAN5   /* a RevMan 5 file (XML) */
};

/* What the rows of an analysis hold. */
enum meta_review_data_type {
    META_REVIEW_TYPE_UNKNOWN = 0, /* no row has data, and no settings say */
    META_REVIEW_DICHOTOMOUS,      /* cases and N per group */
    META_REVIEW_CONTINUOUS,       /* mean, SD and N per group */
    META_REVIEW_GIV,              /* generic inverse variance: an estimate and its SE */
    META_REVIEW_OE                /* O-E and variance (Peto, log-rank) */
};

enum meta_review_method {
    META_REVIEW_METHOD_UNSET = 0,
    META_REVIEW_METHOD_MH,   /* Mantel-Haenszel */
    META_REVIEW_METHOD_IV,   /* inverse variance */
    META_REVIEW_METHOD_PETO, /* Peto */
    META_REVIEW_METHOD_OE,   /* Exp[(O-E)/V], RevMan's method for O-E data */
    META_REVIEW_METHOD_OTHER /* a name meta does not know (method_text) */
};

enum meta_review_model {
    META_REVIEW_MODEL_UNSET = 0,
    META_REVIEW_MODEL_FIXED, /* RevMan's "fixed effect" */
    META_REVIEW_MODEL_RANDOM
};

/* The heterogeneity (tau^2) estimator of a random-effects analysis. */
enum meta_review_estimator {
    META_REVIEW_ESTIMATOR_UNSET = 0, /* not said: RevMan's DerSimonian-Laird */
    META_REVIEW_ESTIMATOR_DL,
    META_REVIEW_ESTIMATOR_REML,
    META_REVIEW_ESTIMATOR_PM,
    META_REVIEW_ESTIMATOR_OTHER /* estimator_text */
};

/* Which totals a row counts in (the data rows' "Applicability"). */
enum meta_review_applicability {
    META_REVIEW_APPLIES_UNSET = 0,     /* not said: both */
    META_REVIEW_APPLIES_BOTH,          /* SUBGROUP_AND_OVERALL */
    META_REVIEW_APPLIES_SUBGROUP_ONLY, /* SUBGROUP_ONLY */
    META_REVIEW_APPLIES_OVERALL_ONLY,  /* OVERALL_ONLY */
    META_REVIEW_APPLIES_OTHER          /* another word (applicability_text) */
};

/* A risk-of-bias judgement (RoB 2), or none when the result was not assessed. */
enum meta_review_rob {
    META_REVIEW_ROB_NONE = 0,
    META_REVIEW_ROB_LOW,
    META_REVIEW_ROB_SOME_CONCERNS,
    META_REVIEW_ROB_HIGH
};

/* RoB 2's five domains and its overall judgement, in this order. */
#define META_REVIEW_ROB_DOMAINS 6
#define META_REVIEW_ROB_OVERALL 5

/* One group of a two-group row; every number NAN when absent. */
struct meta_review_arm {
    double n;      /* participants */
    double events; /* dichotomous: participants with the event ("cases") */
    double mean;   /* continuous */
    double sd;     /* continuous */
};

/* RevMan's result for one study or one total, natural scale; NAN when absent. */
struct meta_review_result {
    double weight; /* percent */
    double estimate;
    double ci_lower, ci_upper;
};

/* RevMan's totals of an analysis or of one of its subgroups; NAN when absent. */
struct meta_review_totals {
    int present;                         /* RevMan computed them (an interval of positive width) */
    double estimate, ci_lower, ci_upper; /* natural scale */
    double z, p;                         /* test of the overall effect */
    double tau2, chi2, df, chi2_p, i2;   /* heterogeneity; i2 in percent */
    double events_exp, n_exp, events_ctl, n_ctl;
    double weight; /* subgroups: percent of the analysis */
};

/* RevMan's test for subgroup differences; NAN when absent. */
struct meta_review_subgroup_test {
    int present;
    double chi2, df, p, i2;
};

struct meta_review_subgroup {
    const char *name;
    int number; /* RevMan's, or the order of first appearance from 1 */
    struct meta_review_totals totals;
};

struct meta_review_analysis;

/* One study's data in one analysis (a data row, or a *_DATA element). */
struct meta_review_row {
    const struct meta_review_analysis *analysis;
    const struct meta_review_subgroup *subgroup; /* NULL when the analysis has none */
    const char *study;                           /* the study as the file names it */
    /* The trial name the row is stored under: the study, or for later rows of the same
     * study in one analysis (other data, or another subgroup) "study (2)", "study (3)"...
     * in file order, skipping names of studies the analysis has: RevMan Web allows a study
     * several rows (e.g. two comparisons of a multi-arm study) and counts each as a study,
     * while the registry keys a result by trial, arm and outcome. Two rows of a study in one
     * subgroup with the same data are refused as duplicates. */
    const char *trial;
    const char *year; /* NULL when not known */
    struct meta_review_arm exp, ctl;
    double giv_mean, giv_se; /* generic inverse variance; the mean on the analysis scale */
    double oe, variance;     /* O-E and variance */
    int estimable;           /* RevMan's flag: 1, 0 (not estimable), -1 not said; a
                                Cochrane data row: 1 with a result, 0 when its result
                                cells are empty (RevMan Web's "not estimable") */
    struct meta_review_result revman;
    enum meta_review_applicability applicability;
    const char *applicability_text;
    enum meta_review_rob rob[META_REVIEW_ROB_DOMAINS]; /* D1..D5, overall */
    const char *footnotes;                             /* NULL when none */
    long order;                                        /* RevMan 5's ORDER, else 0 */
    const char *source;                                /* the file, as in messages */
    long line;                                         /* its CSV line or XML line */
};

struct meta_review_analysis {
    int group, number;      /* "1.2": comparison (analysis group) 1, analysis 2 */
    const char *group_name; /* the comparison's name, or NULL */
    const char *name;       /* "" when the files do not say */
    enum meta_review_data_type type;
    int type_inferred; /* no settings: decided from which columns are filled */
    enum meta_review_method method;
    const char *method_text;    /* as the file says it, or NULL */
    const char *effect_measure; /* as the file says it ("Risk Ratio", "OR"), or NULL */
    int measure_inferred;       /* no settings: effect_measure is the measure that
                                   reproduces RevMan's printed per-study effects */
    enum meta_review_model model;
    enum meta_review_estimator estimator;
    const char *estimator_text;
    int log_scale;                     /* "Log-scale data": 1, 0, -1 not said */
    int swap_events;                   /* "Swap event and non-event": 1, 0, -1 not said */
    double study_level;                /* percent; NAN when not said */
    double total_level;                /* percent; NAN when not said */
    const char *label_exp, *label_ctl; /* group labels, or NULL */
    const char *intervention_exp, *intervention_ctl; /* or NULL */
    const char *favours_left, *favours_right;        /* graph labels (RevMan 5), or NULL */
    const char *sort_by;                             /* RevMan 5's SORT_BY, or NULL */
    int show_overall;                                /* 1, 0, -1 not said */
    int show_subgroups;                              /* 1, 0, -1 not said */
    int show_subgroup_test;                          /* 1, 0, -1 not said */
    struct meta_review_subgroup *subgroups;          /* by number */
    size_t n_subgroups;
    struct meta_review_totals overall;
    struct meta_review_subgroup_test subgroup_test;
    struct meta_review_row *rows; /* in file order */
    size_t n_rows;
    int has_rob;        /* some row carries a risk-of-bias judgement */
    const char *source; /* where the analysis is defined: settings or XML line */
    long line;
};

struct meta_review_study {
    const char *name;
    const char *year; /* NULL when not known */
    const char *id;   /* RevMan 5's STUDY ID, or NULL */
};

/* A file that was read, with its bytes: the registry records one load per source. */
struct meta_review_source {
    const char *name; /* as in messages: "pkg.zip/CD015373-data-rows.csv" */
    const unsigned char *data;
    size_t size;
};

struct meta_review_private;

/* A whole review. Every pointer in it, down to the rows' strings, is owned by
 * the review and lives until meta_review_free(). */
struct meta_review {
    enum meta_review_format format;
    const char *path;      /* as the caller gave it */
    const char *name;      /* the package's file or directory name, without extension */
    const char *cd_number; /* "CD015373" where the files carry it, else NULL */
    const char *title;     /* the review's title where the files carry it, else NULL */
    struct meta_review_analysis *analyses; /* by group, then number */
    size_t n_analyses;
    struct meta_review_study *studies; /* by name */
    size_t n_studies;
    struct meta_review_source *sources;
    size_t n_sources;
    const char **notes; /* what was read but is not imported, one sentence each */
    size_t n_notes;
    struct meta_review_private *priv;
};

/* ---- Reading ------------------------------------------------------------- */

/* Bounds that keep a hostile package from exhausting memory. */
struct meta_review_limits {
    size_t max_file_bytes;  /* one file or zip entry (default 256 MiB) */
    size_t max_total_bytes; /* everything read from one package (default 1 GiB) */
    size_t max_entries;     /* entries of one zip archive (default 100,000) */
};

/* Sets the default limits. */
void meta_review_limits_init(struct meta_review_limits *limits);

/*
 * Reads a Cochrane data package: a .zip (entries in any folder; a zip inside it
 * is opened too, one level deep), a directory (searched three levels deep), or
 * one data-rows CSV. The package needs *-data-rows.csv; it may have
 * *-overall-estimates-and-settings.csv, *-subgroup-estimates.csv and
 * *-study-information.csv, whose columns are found by name. Nothing is written
 * to disk. limits may be NULL (the defaults).
 * On success *out owns the review (free it with meta_review_free). On failure
 * *out is NULL and err says what is wrong and where ("FILE:LINE:COLUMN: ..."):
 * META_EIO (cannot read), META_EINVAL (bad input: a zip without data rows, a
 * zip entry too large or whose path climbs out, an unknown CSV layout, text
 * that is not UTF-8, a row whose numbers contradict its analysis's data type,
 * the same study twice with the same data in one analysis and subgroup...),
 * META_ENOMEM.
 */
int meta_review_read_cochrane(const char *path, const struct meta_review_limits *limits,
                              struct meta_review **out, struct meta_error *err);

/*
 * Reads a RevMan 5 file (XML, in the encoding it declares) with libxml2: the
 * studies, and every DICH_OUTCOME, CONT_OUTCOME, IV_OUTCOME and IPD_OUTCOME (O-E)
 * of every COMPARISON with its subgroups, group labels, settings, data,
 * not-estimable flags and RevMan's stored totals. OTHER_OUTCOME (text data) is
 * listed in notes. Failures as meta_review_read_cochrane, with "FILE:LINE:"
 * (the XML line): malformed XML, an encoding that cannot be decoded, an element
 * of another data type than its outcome, a study the file does not define...
 */
int meta_review_read_revman(const char *path, const struct meta_review_limits *limits,
                            struct meta_review **out, struct meta_error *err);

/* Frees a review and everything in it; accepts NULL. */
void meta_review_free(struct meta_review *rv);

/* ---- Names ----------------------------------------------------------------- */

/* The longest outcome or treatment name meta writes, in bytes: an analysis file's
 * line (`outcome = NAME`) must stay within inih's 200 characters. */
#define META_REVIEW_NAME_MAX 180

/* Room for any name made here (META_REVIEW_NAME_MAX and its NUL, with margin). */
#define META_REVIEW_NAME_SIZE 256

/* The outcome-name prefix: user_prefix when not NULL (may be ""), else the CD
 * number, else the package's name. */
const char *meta_review_prefix(const struct meta_review *rv, const char *user_prefix);

/* "1.2": the analysis's group and number (buf of at least 32 bytes). */
void meta_review_analysis_id(const struct meta_review_analysis *an, char *buf, size_t size);

/*
 * The outcome name of an analysis: "PREFIX GROUP.NUMBER NAME" (no prefix when
 * prefix is ""). Names are made safe for analysis files: control characters and
 * runs of blanks become one space, a ';' after a blank (an inline comment to
 * inih) becomes ',', and a name longer than META_REVIEW_NAME_MAX bytes is cut at
 * a character boundary and ends in "...". buf needs META_REVIEW_NAME_SIZE bytes.
 */
void meta_review_outcome_name(const struct meta_review_analysis *an, const char *prefix, char *buf,
                              size_t size);

/*
 * The treatment and control names of an analysis: the experimental and control
 * interventions, else the group labels, else "experimental" and "control";
 * made safe like outcome names. When both come out the same, they become
 * "NAME (experimental)" and "NAME (control)". Each buffer needs
 * META_REVIEW_NAME_SIZE bytes.
 */
void meta_review_side_names(const struct meta_review_analysis *an, char *exp, char *ctl,
                            size_t size);

/* "low", "some concerns", "high", or NULL for META_REVIEW_ROB_NONE. */
const char *meta_review_rob_name(enum meta_review_rob rob);

/* "dichotomous", "continuous", "generic inverse variance", "O-E and variance", "unknown". */
const char *meta_review_type_name(enum meta_review_data_type type);

/* ---- RevMan's settings as meta's options -------------------------------- */

#define META_REVIEW_MAP_NOTES 8

/* meta's options for one analysis, and what of RevMan's settings they cannot say. */
struct meta_review_map {
    const char *measure; /* MD, SMD, ROM, RR, OR, RD, HR or GIV; NULL: unknown data type */
    const char *model;   /* "common" or "random" */
    const char *method;  /* MH, IV, PETO (common); MH (random, revman5), DL, REML, PM */
    double level;        /* confidence level in percent */
    int log_scale;       /* GIV rows: the estimate is on the log scale */
    const char *totals;  /* "subgroups" when RevMan shows subgroup totals only (the analysis
                            key totals), else NULL */
    int totals_inferred; /* totals was inferred from the printed weights, not said */
    const char *notes[META_REVIEW_MAP_NOTES]; /* static sentences */
    size_t n_notes;
};

/*
 * Maps an analysis's settings to meta's options:
 * - measure: OR, RR, RD from Odds/Risk Ratio, Risk Difference ("Peto Odds Ratio"
 *   and "Odds Ratio (Non-event)" are OR); MD, SMD; for GIV data the named
 *   measure when meta has it and the scale fits (ratios on the log scale), HR
 *   for hazard ratios, else GIV; O-E data: HR when the measure is a hazard ratio,
 *   else OR (Peto's).
 * - model and method: fixed effect is "common" with MH, IV or PETO; random
 *   effects is "random" with DL, REML or PM as the estimator says (DL when it
 *   does not), and with MH when the method is MH and the estimator DL (the
 *   revman5 convention's MH random effects). O-E data pool by inverse variance:
 *   (O-E)/V with weight V is Peto's estimate.
 * - level: the totals' confidence level (Estimate CI), else the studies', else 95.
 * - totals: "subgroups" for an analysis with subgroups whose totals RevMan shows
 *   for the subgroups only: RevMan 5's TOTALS="SUB", a package's "Subgroup
 *   estimates" true and "Overall estimates" false; or, when the files say
 *   nothing (a data-rows CSV alone), inferred from RevMan's printed weights
 *   (meta_review_weights_within_subgroups()), with a note saying so.
 * notes lists what cannot be mapped (a Peto random-effects analysis, a
 * study CI level other than the totals', rows that count in the subgroup or
 * overall totals only, an unknown estimator...). Always succeeds.
 */
void meta_review_map_settings(const struct meta_review_analysis *an, struct meta_review_map *map);

/*
 * Whether RevMan's printed weights of an analysis are within each subgroup
 * rather than of the overall total: the analysis has at least two subgroups
 * whose rows print a weight above 0, every row with data prints its weight
 * (or is not estimable), each of those subgroups' weights sums to 100 (within
 * 0.001, the rounding of 6 decimals), and all of them together do not. A
 * single subgroup, or weights that sum to 100 overall, say nothing: they are
 * then read as RevMan's default, the overall total.
 */
int meta_review_weights_within_subgroups(const struct meta_review_analysis *an);

/* ---- Records --------------------------------------------------------------- */

/* Where the records go. record receives each record with the row it comes from
 * (the record's strings live only during the call) and returns META_OK to go
 * on, anything else to stop. skipped, when not NULL, hears of each row that
 * yields no record and why ("no data", "SD 0: not estimable"...). */
struct meta_review_sink {
    int (*record)(const struct meta_record *rec, const struct meta_review_row *row, void *ctx);
    void (*skipped)(const struct meta_review_row *row, const char *reason, void *ctx);
    void *ctx;
};

/*
 * Turns one analysis into the records the registry stores (INTERFACE.md 4):
 * trial = the row's trial name; outcome = meta_review_outcome_name(); no time
 * point; treatment and control = meta_review_side_names().
 * - dichotomous and continuous rows: two arm records (experimental first), the
 *   arm labelled with its treatment; "Swap event and non-event" stores N - cases
 *   as the events, as RevMan analyses them; the study year as arm attribute
 *   `year`.
 * - GIV rows: an estimate record; measure, scale and estimate as
 *   meta_review_map_settings() says (log-scale ratios: estimate = exp(GIV Mean),
 *   se = GIV SE; GIV: the GIV Mean as given, log_scale set from the settings);
 *   n_treatment and n_control from the Ns when given.
 * - O-E rows: an estimate record of Peto's log odds ratio (method "peto") or
 *   log hazard ratio: estimate = exp((O-E)/V), se = 1/sqrt(V).
 * - result attributes: `subgroup` (analyses with subgroups), `rob_d1` ...
 *   `rob_d5`, `rob_overall` (low, some concerns, high; absent when not
 *   assessed); estimate rows carry `year` there too.
 * Rows without usable data (not entered, an N, SD, SE or variance of 0) are
 * given to sink->skipped instead. Returns META_OK, or the status record returned.
 */
int meta_review_analysis_records(const struct meta_review *rv,
                                 const struct meta_review_analysis *an, const char *prefix,
                                 const struct meta_review_sink *sink, struct meta_error *err);

/* meta_review_analysis_records() for every analysis of the review, in order. */
int meta_review_records(const struct meta_review *rv, const char *prefix,
                        const struct meta_review_sink *sink, struct meta_error *err);

/* ---- Analysis files -------------------------------------------------------- */

/*
 * Writes the analysis file (INI) that recomputes one analysis with RevMan's
 * settings: outcome, treatment, control, measure, model, method, level,
 * `convention = revman5`, `by = subgroup` when the analysis has subgroups,
 * `totals = subgroups` when RevMan shows subgroup totals only (meta_review_map),
 * `rob = true` when its rows carry risk-of-bias judgements, favours labels and
 * sort order where RevMan 5 gives them, a title, and the outputs ID.json,
 * ID.txt and ID.png (ID from meta_review_analysis_id(), so the file itself is
 * best named ID.ini). What cannot be mapped is written as comments. Returns
 * META_OK; META_EINVAL when the analysis's data type is unknown (it has no data);
 * META_EIO when writing fails.
 */
int meta_review_write_analysis(FILE *out, const struct meta_review *rv,
                               const struct meta_review_analysis *an, const char *prefix,
                               struct meta_error *err);

#endif
