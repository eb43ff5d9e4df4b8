/*
 * ClinicalTrials.gov records with posted results, read into a model of what
 * they say (the trial, its arms and interventions, the result groups of every
 * outcome measure and of the adverse events) and turned into registry records
 * (struct meta_record): arm rows, estimate rows, adverse-event rows, with the
 * measures that cannot be turned into rows listed with the reason. Nothing in
 * a record links a result group to a treatment, so every group gets a proposed
 * treatment with a confidence, which an analyst may confirm in a mapping CSV.
 * Pure code: no database, no printing.
 */
#ifndef META_CTGOV_H
#define META_CTGOV_H

#include "meta_record.h"
#include "meta_status.h"

#include <stddef.h>
#include <stdio.h>

/* ---- The model: what one record says --------------------------------------
 * Strings are never NULL unless said otherwise ("" when the record leaves them
 * out); numbers are NAN when absent. Every part knows where it was read:
 * `where` is a JSON path ("resultsSection.adverseEventsModule.eventGroups[1]")
 * for the API's JSON and NULL for XML, `line` the XML line (0 for JSON). */

/* One arm of the protocol (armGroups / arm_group). */
struct meta_ctgov_arm {
    const char *label, *type, *description;
    const char **interventions; /* intervention names as the arm lists them, without
                                   the "Drug: " type prefix */
    size_t n_interventions;
};

/* One intervention of the protocol. */
struct meta_ctgov_intervention {
    const char *type, *name, *description;
    const char **other_names;
    size_t n_other_names;
    const char **arm_labels; /* the arms it is given in */
    size_t n_arm_labels;
};

/* One result group of a section (an outcome measure, or the adverse events).
 * Ids restart in every outcome measure. */
struct meta_ctgov_group {
    const char *id, *title, *description;
    /* Adverse-event groups only: participants affected and at risk. */
    double deaths_affected, deaths_at_risk;
    double serious_affected, serious_at_risk;
    double other_affected, other_at_risk;
    const char *where;
    long line;
};

/* A per-group number: a denominator, or the value of a count. */
struct meta_ctgov_count {
    const char *group_id;
    double value;
    const char *where;
    long line;
};

/* Participants (or other units) analysed, per group. */
struct meta_ctgov_denom {
    const char *units; /* "Participants", "Eyes"... */
    struct meta_ctgov_count *counts;
    size_t n_counts;
};

/* One group's value in one category, as the record writes it (NULL: absent). */
struct meta_ctgov_measurement {
    const char *group_id;
    const char *value, *spread, *lower, *upper, *comment;
    const char *where;
    long line;
};

struct meta_ctgov_category {
    const char *title; /* "" when untitled */
    struct meta_ctgov_measurement *measurements;
    size_t n_measurements;
};

struct meta_ctgov_class {
    const char *title;               /* "" when untitled */
    struct meta_ctgov_denom *denoms; /* the class's own denominators, if any */
    size_t n_denoms;
    struct meta_ctgov_category *categories;
    size_t n_categories;
    const char *where;
    long line;
};

/* A statistical analysis between groups; fields as written (NULL: absent). */
struct meta_ctgov_analysis {
    const char **group_ids;
    size_t n_group_ids;
    const char *param_type, *param_value;
    const char *ci_level, *ci_sides, *ci_lower, *ci_upper;
    const char *dispersion_type, *dispersion_value;
    const char *p_value, *method, *estimate_comment, *group_description;
    const char *where;
    long line;
};

/* One outcome measure. */
struct meta_ctgov_measure {
    size_t index;        /* 1-based, in record order */
    const char *section; /* "outcome 3": names the measure in mappings and messages */
    const char *type, *title, *description, *time_frame, *population;
    const char *param_type;      /* "MEAN", "LEAST_SQUARES_MEAN", "Number"... */
    const char *dispersion_type; /* "Standard Deviation", "95% Confidence Interval"... */
    const char *unit;
    const char *denom_units_selected; /* "" unless the record says */
    const char *reporting_status;     /* "" unless the record says */
    struct meta_ctgov_group *groups;
    size_t n_groups;
    struct meta_ctgov_denom *denoms;
    size_t n_denoms;
    struct meta_ctgov_class *classes;
    size_t n_classes;
    struct meta_ctgov_analysis *analyses;
    size_t n_analyses;
    const char *where;
    long line;
};

/* One group's figures for one adverse-event term. */
struct meta_ctgov_event_stat {
    const char *group_id;
    double affected, at_risk, events; /* numAffected, numAtRisk, numEvents */
    const char *where;
    long line;
};

struct meta_ctgov_event {
    int serious; /* 1: serious, 0: other */
    const char *term, *organ_system, *vocabulary, *assessment;
    struct meta_ctgov_event_stat *stats;
    size_t n_stats;
    const char *where;
    long line;
};

/* The adverse-event module; present = 0 when the record has none. */
struct meta_ctgov_adverse {
    int present;
    const char *section; /* "adverse events" */
    const char *time_frame, *description, *frequency_threshold;
    struct meta_ctgov_group *groups;
    size_t n_groups;
    struct meta_ctgov_event *events; /* serious ones first, in record order */
    size_t n_events;
    const char *where;
    long line;
};

/* One trial with its results. */
struct meta_ctgov_study {
    const char *nct_id, *brief_title;
    const char *phase;      /* "Phase 3", "Phase 1/Phase 2", "N/A"; "" unknown */
    const char *start_date; /* as written */
    int start_year;         /* 0 when unknown */
    const char **conditions;
    size_t n_conditions;
    struct meta_ctgov_arm *arms;
    size_t n_arms;
    struct meta_ctgov_intervention *interventions;
    size_t n_interventions;
    struct meta_ctgov_measure *measures;
    size_t n_measures;
    struct meta_ctgov_adverse adverse;
    const char *source; /* the file as named by the user */
    const char *where;  /* JSON path of the study ("" for a single study, "studies[2]") */
    long line;
};

/* What one file holds: one or more studies. */
struct meta_ctgov_file {
    const char *source;
    int xml; /* 1: the retired XML format, 0: API v2 JSON */
    struct meta_ctgov_study *studies;
    size_t n_studies;
    struct ctgov_arena *arena; /* owns everything above */
};

/*
 * Parses len bytes of a ClinicalTrials.gov record: API v2 JSON (one study, an
 * array of studies or a page {"studies": [...]}) or the retired XML
 * (clinical_study with clinical_results), told apart by the first byte that
 * is not blank. name is the file name used in messages and in records.
 * On success *out owns a new file model (free with meta_ctgov_file_free).
 * Returns META_EINVAL for malformed JSON or XML ("NAME:LINE:COLUMN: ..."), a
 * record without an NCT id or without results, a group id that a measurement,
 * denominator, analysis or event names but its section does not define, or a
 * count that is not a whole number ("NAME: NCTxxxxxxxx: PATH: ..." or
 * "NAME:LINE: NCTxxxxxxxx: ..."); META_ENOMEM. *out is NULL on failure.
 */
int meta_ctgov_file_parse(const char *data, size_t len, const char *name,
                          struct meta_ctgov_file **out, struct meta_error *err);

/* Reads the file at path and parses it as meta_ctgov_file_parse does (name:
 * for messages; NULL uses path). META_EIO when it cannot be read. */
int meta_ctgov_file_read(const char *path, const char *name, struct meta_ctgov_file **out,
                         struct meta_error *err);

/*
 * Reads the whole regular file at path into *data (a NUL is not added;
 * the caller frees it) and its size into *len, for a caller that needs the
 * bytes as well as the model (their SHA-256). A FIFO or a device is refused
 * without waiting on it. name names the file in messages (NULL: path).
 * Returns META_OK, META_EIO ("NAME: reason": missing, unreadable, a
 * directory, not a regular file), META_EINVAL (larger than 512 MiB) or
 * META_ENOMEM; *data is NULL on failure.
 */
int meta_ctgov_file_slurp(const char *path, const char *name, char **data, size_t *len,
                          struct meta_error *err);

/* Frees a file model; accepts NULL. */
void meta_ctgov_file_free(struct meta_ctgov_file *f);

/* The files of one import (meta_ctgov_paths_expand). */
struct meta_ctgov_paths {
    char **paths; /* owned */
    size_t n;
};

/*
 * Expands the arguments args[0..n-1] of an import: a directory stands for
 * its entries named *.json or *.xml that are regular files (a link to one
 * included; names starting with a dot left out), in byte order of name, as
 * DIR/NAME; any other argument is kept as given, to be read (and refused if
 * it cannot be) like a file. The same path twice is kept once. On success
 * out owns the list (release with meta_ctgov_paths_release). Returns
 * META_OK, META_EIO (a directory that cannot be read: "DIR: ..."),
 * META_EINVAL (a directory with no such file) or META_ENOMEM; out is empty
 * on failure.
 */
int meta_ctgov_paths_expand(struct meta_ctgov_paths *out, const char *const *args, size_t n,
                            struct meta_error *err);

/* Frees the list and empties it; accepts NULL. */
void meta_ctgov_paths_release(struct meta_ctgov_paths *p);

/* ---- Groups to treatments ------------------------------------------------- */

enum meta_ctgov_confidence {
    META_CTGOV_NONE,   /* nothing found: no treatment proposed */
    META_CTGOV_LOW,    /* a guess (several treatments, a switch, a pooled group) */
    META_CTGOV_MEDIUM, /* found in a description, or in an open-label/extension group */
    META_CTGOV_HIGH    /* the group's title names exactly one treatment */
};

/* "none", "low", "medium", "high". */
const char *meta_ctgov_confidence_name(enum meta_ctgov_confidence c);

/* The analyst's word on a line of a mapping file (its `confirmed` column). */
enum meta_ctgov_confirmed {
    META_CTGOV_UNCONFIRMED = 0, /* empty: a proposal, or a line of a mapping built in memory */
    META_CTGOV_CONFIRMED_YES,   /* "yes": import the group with this treatment */
    META_CTGOV_CONFIRMED_NO     /* "no": leave the group out */
};

/* One line of a mapping: which treatment a result group received. */
struct meta_ctgov_assignment {
    const char *nct, *section, *group_id, *group_title;
    const char *treatment; /* "" : not imported */
    enum meta_ctgov_confidence confidence;
    enum meta_ctgov_confirmed confirmed;
    const char *reason;
    long line; /* its line in a mapping file read back, 0 otherwise */
};

/* A list of assignments: proposed, or read back from a mapping CSV. */
struct meta_ctgov_mapping {
    const char *source; /* the mapping file's name, or NULL for a proposal */
    struct meta_ctgov_assignment *items;
    size_t n_items, cap;
    struct ctgov_arena *arena;
};

/* A new empty mapping, or NULL when out of memory. */
struct meta_ctgov_mapping *meta_ctgov_mapping_alloc(void);

/* Frees a mapping; accepts NULL. */
void meta_ctgov_mapping_free(struct meta_ctgov_mapping *m);

/*
 * Appends a proposal for every result group of the study (each outcome
 * measure's, then the adverse events'): a treatment from the group's title,
 * description, the arm labels and the intervention names, with a confidence
 * and the reason. Placebo and sham are recognised by name whatever the arm
 * type; arm types are never trusted. Returns META_OK or META_ENOMEM.
 */
int meta_ctgov_mapping_propose(struct meta_ctgov_mapping *m, const struct meta_ctgov_study *study,
                               struct meta_error *err);

/*
 * Reads the file at path (meta_ctgov_file_read; path names it in messages)
 * and appends the proposal for each of its studies to m; *n_studies (may be
 * NULL) receives their number. Returns as meta_ctgov_file_read, or
 * META_ENOMEM; m is unchanged on failure.
 */
int meta_ctgov_mapping_propose_file(struct meta_ctgov_mapping *m, const char *path,
                                    size_t *n_studies, struct meta_error *err);

/*
 * Writes the mapping as CSV (RFC 4180, one header line:
 * nct,section,group_id,group_title,treatment,confidence,confirmed,reason) to
 * out, which the caller owns. The proposed treatment is written for every
 * group, whatever its confidence, and `confirmed` is left empty for the
 * analyst (yes or no as read back otherwise). Returns META_OK, or META_EIO
 * (err: "NAME: reason", name naming out in messages) when writing fails.
 */
int meta_ctgov_mapping_write(const struct meta_ctgov_mapping *m, FILE *out, const char *name,
                             struct meta_error *err);

/*
 * Writes the mapping as meta_ctgov_mapping_write does to the file at path,
 * whole or not at all (lib/common safe_out: a temporary file in the same
 * directory renamed over path once complete; a symbolic link, a directory or
 * another non-regular file at path is refused and left alone). The
 * directory must exist. Returns META_OK, META_EINVAL (path is not a file
 * that may be written), META_EIO ("cannot write 'PATH': reason") or
 * META_ENOMEM.
 */
int meta_ctgov_mapping_save(const struct meta_ctgov_mapping *m, const char *path,
                            struct meta_error *err);

/*
 * Reads a mapping CSV as meta_ctgov_mapping_write writes it, after an
 * analyst's edits: columns by name in any order and case ("group id" and
 * "proposed treatment" are accepted too); nct, section, group_id and
 * treatment are required, group_title is checked against the record when
 * present; columns of other names (an analyst's notes) are ignored.
 *
 * Which lines count, so that a proposal passed back unedited can never
 * import a guess: a line's treatment is imported when its `confirmed` column
 * says yes, or when it is empty and the line's `confidence` is high. A line
 * whose confirmed says no, or whose treatment is empty, leaves the group
 * out. Any other line with a treatment (confidence medium, low, none or
 * missing, and confirmed empty) is refused, and so is a confirmed yes
 * without a treatment, or a confirmed value other than yes, no or empty.
 *
 * On success *out owns a new mapping (source = name). Returns META_EIO
 * (cannot read), META_EINVAL ("NAME:LINE:COLUMN: ..." for malformed CSV, a
 * missing column, an empty key, the same group twice, a line refused as
 * above: the first such line, with the number and lines of the others),
 * META_ENOMEM; *out is NULL on failure.
 */
int meta_ctgov_mapping_read(const char *path, const char *name, struct meta_ctgov_mapping **out,
                            struct meta_error *err);

/* The assignment for one group, or NULL. */
const struct meta_ctgov_assignment *meta_ctgov_mapping_find(const struct meta_ctgov_mapping *m,
                                                            const char *nct, const char *section,
                                                            const char *group_id);

/* ---- Records ---------------------------------------------------------------- */

/* A measure, a class, a group's value or an analysis that gives no record. */
struct meta_ctgov_skip {
    const char *section;  /* "outcome 4", "adverse events" */
    const char *outcome;  /* the outcome name it would have had */
    const char *group_id; /* NULL: the whole measure or analysis */
    const char *reason;
    const char *where;
    long line;
};

/* What one study gives. Records borrow nothing from the study: all strings
 * live as long as the result. */
struct meta_ctgov_result {
    struct meta_record *records; /* arm rows, then estimate rows, then adverse events */
    size_t n_records;
    struct meta_ctgov_skip *skipped;
    size_t n_skipped;
    struct meta_ctgov_assignment *unmapped; /* groups left out: their proposal or the
                                               mapping's empty line */
    size_t n_unmapped;
    struct ctgov_arena *arena;
};

/*
 * Turns one study into records (INTERFACE.md sections 1 and 1b):
 * - trial = the NCT id; every arm row carries the arm attributes brief_title,
 *   phase, conditions, start_year; arm = the group's title; outcome = the
 *   measure's title (": class" and ": category" added when titled), time point
 *   = its time frame;
 * - MEAN or LEAST_SQUARES_MEAN with a standard deviation: continuous rows; with
 *   a standard error or a confidence interval: the SD derived (SE sqrt(n);
 *   from the interval's width at its level, t on n-1 df below 60 participants,
 *   normal above, Cochrane Handbook 6.5.2.2), marked in the result attribute
 *   sd_derived; COUNT_OF_PARTICIPANTS: binary rows over the denominator; NUMBER
 *   only in participants or a percentage of them (the count recovered from the
 *   percentage when exactly one whole number rounds to it, marked in
 *   events_derived); everything else is skipped with the reason;
 * - statistical analyses of two groups giving a mean difference, odds ratio,
 *   risk ratio or hazard ratio with a two-sided interval: estimate rows, the
 *   sides told from the arm data where they decide it, else from the analysis
 *   text, else active against placebo or sham; the trial's attributes are
 *   result attributes of the comparison;
 * - adverse events: `AE serious: TERM` and `AE other: TERM` binary rows
 *   (numAffected over numAtRisk, never numEvents; organ_system as a result
 *   attribute; no time point), and per group `AE serious (any)`, `AE other
 *   (any)` and `Deaths (all causes)`. A group a term does not list has no row.
 * Groups get their treatment from mapping (every line of this trial with a
 * treatment, whatever its confidence, unless its confirmed says no:
 * meta_ctgov_mapping_read has refused the unconfirmed guesses; lines of
 * other trials are ignored; a group the mapping does not list is left out)
 * or, when mapping is NULL, from
 * meta_ctgov_mapping_propose keeping only the high-confidence groups; groups
 * left out are listed in unmapped. arm = the group's title (with its id when
 * two groups of one section share a title).
 * On success *out owns the result (free with meta_ctgov_result_free).
 * Returns META_EINVAL when the mapping names a group the study does not have
 * (or with another title), gives one arm two treatments, or when a value that
 * would become a row has no denominator ("NAME: NCT...: PATH: ..."); META_ENOMEM.
 * *out is NULL on failure.
 */
int meta_ctgov_study_records(const struct meta_ctgov_study *study,
                             const struct meta_ctgov_mapping *mapping,
                             struct meta_ctgov_result **out, struct meta_error *err);

/* Frees a result; accepts NULL. */
void meta_ctgov_result_free(struct meta_ctgov_result *r);

/* Outcome names of the adverse-event totals. */
#define META_CTGOV_AE_SERIOUS_ANY "AE serious (any)"
#define META_CTGOV_AE_OTHER_ANY   "AE other (any)"
#define META_CTGOV_DEATHS         "Deaths (all causes)"

#endif
