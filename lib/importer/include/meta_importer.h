/*
 * A review read by lib/import (a Cochrane data package or a RevMan 5 file)
 * taken into the registry: its records stored through lib/registry's storage
 * API in one transaction, one load per source file; one analysis file per
 * RevMan analysis; and the check that recomputes every analysis from what was
 * stored (lib/analysis, the revman5 convention) and compares it with the
 * numbers RevMan itself printed or stored. No printing: front ends show the
 * reports.
 */
#ifndef META_IMPORTER_H
#define META_IMPORTER_H

#include "meta_load.h"
#include "meta_registry.h"
#include "meta_review.h"

#include <stddef.h>

/* ---- Storing a review ------------------------------------------------------ */

/* One analysis as imported. */
struct meta_import_analysis {
    const struct meta_review_analysis *an; /* borrowed from the review */
    char id[32];                           /* "1.2" */
    char outcome[META_REVIEW_NAME_SIZE];   /* the outcome its rows are stored under */
    size_t rows;                           /* its data rows */
    size_t stored;                         /* rows stored (two arm records, or one estimate) */
    size_t skipped;                        /* rows without usable data, not stored */
};

/* A data row that was not stored, and why. */
struct meta_import_skip {
    const struct meta_review_row *row; /* borrowed from the review */
    char *reason;                      /* owned: "no data entered", "an SD is 0 ..." */
};

/* What an import did. Pointers into the review are borrowed: the review must
 * outlive the report. */
struct meta_import_report {
    const struct meta_review *rv;
    char *prefix;                          /* owned: the outcome names' prefix */
    char **source_names;                   /* owned, one per rv->sources: the load's name */
    struct meta_import_analysis *analyses; /* rv->n_analyses entries */
    size_t n_analyses;
    size_t rows_by_type[META_REVIEW_OE + 1]; /* data rows per enum meta_review_data_type */
    long long continuous, binary, estimates; /* records stored, by kind */
    size_t trials;                           /* distinct trials stored */
    struct meta_import_skip *skipped;        /* in file order */
    size_t n_skipped;
    /* The loader's report: per source (parallel to source_names) the rows
     * new, replaced, unchanged and removed; on META_EINVAL every problem
     * found, each naming its file and line. */
    struct meta_load_report load;
};

/* Prepares an empty report. */
void meta_import_report_init(struct meta_import_report *r);

/* Frees what r owns and leaves it empty; accepts NULL. */
void meta_import_report_release(struct meta_import_report *r);

/*
 * The name under which source i of rv is recorded as a load: the review's
 * identity (the outcome prefix, else the review's name), a '/', and the
 * file's part of the review: "data-rows.csv", "overall-estimates-and-
 * settings.csv", "subgroup-estimates.csv", "study-information.csv" (a
 * Cochrane package, whatever the export named its files), "review.rm5" (a
 * RevMan 5 file). So a corrected package of the same review, downloaded
 * under another name, replaces what the earlier one brought. buf needs
 * META_REVIEW_NAME_SIZE + 64 bytes.
 */
void meta_import_source_name(const struct meta_review *rv, size_t i, const char *prefix, char *buf,
                             size_t size);

/*
 * Stores every record of rv (meta_review_records with prefix; NULL: the CD
 * number, else the review's name) in db in one transaction: each source
 * file of the review is one load (meta_import_source_name, the SHA-256 of
 * its bytes) with META_LOAD_REPLACE, so importing the same review again
 * changes nothing and a corrected one removes what it no longer has. report
 * (initialised) receives what was stored. db must take writes (see
 * meta_db_require_writable). Returns META_OK; META_EINVAL when a record
 * breaks a rule of the registry (report->load.errors lists every problem,
 * "FILE:LINE: WHERE: what"), nothing stored; META_EDB or META_ENOMEM (err),
 * nothing stored.
 */
int meta_db_import_review(struct meta_db *db, const struct meta_review *rv, const char *prefix,
                          struct meta_import_report *report, struct meta_error *err);

/* ---- Analysis files -------------------------------------------------------- */

/*
 * Opens (creating it and its parents as needed) the directory that receives
 * analysis files, following no symbolic link at any component. *dir_fd
 * receives a descriptor the caller closes. Returns META_OK, META_EINVAL (a
 * link or a file in the way) or META_EIO, err naming the path.
 */
int meta_import_open_dir(const char *dir, int *dir_fd, struct meta_error *err);

/*
 * Writes one analysis file per analysis of rv into the directory dir_fd
 * (named dir in messages): "<group>.<number>.ini", as
 * meta_review_write_analysis makes it, each written whole or not at all
 * (lib/common's safe_out: a temporary file renamed into place; an existing
 * link or non-file in the way is refused). An analysis without data, or
 * whose every study RevMan shows as not estimable, gets no file (meta run
 * would find nothing to pool); *written and *skipped (may be NULL) count
 * both. Returns META_OK or the first failure (META_EINVAL, META_EIO), err
 * naming the file.
 */
int meta_import_write_analyses(const struct meta_review *rv, const char *prefix, int dir_fd,
                               const char *dir, size_t *written, size_t *skipped,
                               struct meta_error *err);

/* ---- Checking against RevMan ---------------------------------------------- */

enum meta_check_status {
    META_CHECK_AGREE,        /* every number RevMan gives is reproduced */
    META_CHECK_DISAGREE,     /* some number is not */
    META_CHECK_NOT_COMPARED, /* RevMan gives no number for this analysis */
    META_CHECK_NOT_COMPUTED  /* meta could not recompute it (reason says why) */
};

/* One number compared. */
struct meta_check_field {
    char *field;      /* owned: "estimate", "Smith 2001: weight", "subgroup Adults: I2" */
    double revman;    /* RevMan's number; NAN where RevMan shows the study not estimable */
    double meta;      /* meta's; NAN where meta has none (not estimable, not pooled) */
    double tolerance; /* allowed |meta - revman|: absolute, from the printed precision */
    double rel_diff;  /* |meta - revman| / |revman|: 0 when equal; NAN when either is
                         NAN, or when RevMan's is 0 and meta's is not */
    int agree;
};

/* One analysis checked. */
struct meta_check_analysis {
    const struct meta_review_analysis *an; /* borrowed from the review */
    char id[32];                           /* "1.2" */
    size_t k;                              /* studies meta pooled */
    enum meta_check_status status;
    char *reason;        /* owned: why not compared or not computed; for one compared,
                            a remark ("meta finds no study estimable") or NULL */
    double max_rel_diff; /* largest rel_diff of its fields (0 when none) */
    struct meta_check_field *fields;
    size_t n_fields;
    size_t n_disagree;
};

/* The check of a whole review. */
struct meta_check_report {
    struct meta_check_analysis *analyses; /* one per analysis of the review, in order */
    size_t n_analyses;
    size_t agree, disagree, not_compared, not_computed; /* analyses by status */
};

/* Prepares an empty report. */
void meta_check_report_init(struct meta_check_report *r);

/* Frees what r owns and leaves it empty; accepts NULL. */
void meta_check_report_release(struct meta_check_report *r);

/*
 * Recomputes every analysis of rv from the registry (the rows that
 * meta_db_import_review stored with the same prefix) with RevMan's settings
 * as meta_review_map_settings maps them, under the revman5 convention and by
 * subgroup where the analysis has subgroups (with subgroup totals only where
 * RevMan shows them, said or inferred: map.totals), and compares:
 * - per study, RevMan's weight (within its subgroup under subgroup totals
 *   only), effect (natural scale) and interval at the
 *   studies' confidence level; a study RevMan shows without numbers must be
 *   not estimable in meta too;
 * - the totals RevMan gives (a RevMan 5 file's stored totals, a Cochrane
 *   package's overall and subgroup estimates): estimate and interval, Z and
 *   its p, heterogeneity chi^2, df, p, I^2, tau^2 (random effects), each
 *   subgroup's totals and weight, the test for subgroup differences; no
 *   overall total under subgroup totals only, where RevMan computed none.
 * Tolerances: half a unit of the sixth decimal for a Cochrane package's
 * numbers (printed rounded to 6 decimals); 1e-6 relative for RevMan 5's
 * full-precision numbers, except the p-values of chi^2 tests (heterogeneity,
 * subgroup differences), which RevMan 5 takes from its own approximation of
 * the chi^2 tail (5.8e-7 relative from the exact tail in Fleiss 1993):
 * 1e-5 relative. An analysis meta cannot recompute (its rows are of a kind
 * the engine cannot pool, none was stored...) is META_CHECK_NOT_COMPUTED
 * with the engine's reason, never a pass.
 * out (initialised) receives one entry per analysis. Returns META_OK, or
 * META_EDB / META_ENOMEM (err) when the check itself cannot go on.
 */
int meta_db_check_review(struct meta_db *db, const struct meta_review *rv, const char *prefix,
                         struct meta_check_report *out, struct meta_error *err);

#endif
