/*
 * What the parts of the loader share inside lib/registry: the files of one
 * `meta load` call, the staging tables their rows are copied into, and the
 * two steps that run in SQL once every row is staged: the checks that span
 * rows (load_check.c) and the merge into the registry (load_merge.c).
 */
#ifndef META_LOAD_STAGE_H
#define META_LOAD_STAGE_H

#include "load.h"
#include "load_row.h"

#include <libpq-fe.h>
#include <sys/types.h>

/*
 * The staging table, a temporary table dropped at the end of the
 * transaction. One row per valid CSV row; file_no indexes the call's files;
 * line is where the record starts and *_line where the field of that name
 * starts when that differs (quoted line breaks), else NULL. kind is
 * 'continuous' or 'binary' (the values of outcomes.kind); attrs holds the
 * non-empty extra columns as the text of a JSON object, or NULL.
 */
#define META_STAGE_TABLE "meta_stage"
#define META_STAGE_COLUMNS                                                                         \
    "file_no, line, trial_line, treatment_line, outcome_line, trial, arm, treatment, outcome, "    \
    "timepoint, kind, n, mean, sd, events, total, attrs"

/* One file of the call. */
struct meta_load_file {
    const char *name;         /* the path as given */
    int col[META_LOAD_NCOLS]; /* its layout's column indexes, -1 when absent */
    int has_attrs;            /* it has attribute columns */
    long long rows;           /* valid data rows streamed */
    char sha256[META_CSV_SHA256_HEX];
    long long load_id; /* its loads row, once inserted */
    int identified;    /* dev and ino are known */
    dev_t dev;         /* the file itself, to notice one file given twice */
    ino_t ino;
};

/* One call of meta_reg_load. */
struct meta_load_run {
    struct meta_db *db; /* the registry, for the load lock's wait */
    PGconn *conn;
    size_t nfiles;
    struct meta_load_file *files;
    struct meta_load_errors *errs;
    int any_attrs; /* some file has attribute columns */
    int io_failed; /* some file could not be opened or read */
};

/* The column (1-based) of a known column in file f, for messages. */
size_t meta_load_column(const struct meta_load_run *run, long long file_no, enum meta_load_col col);

/*
 * Summarises the staged rows per outcome and per arm into the temporary
 * tables meta_stage_outcomes and meta_stage_arms, which the checks and the
 * merge use. Reads only the staging table, so it runs before the load lock.
 * Returns META_OK or META_EDB.
 */
int meta_load_prepare(struct meta_load_run *run, struct meta_error *err);

/*
 * Checks the staged rows for what no single row shows: an outcome whose type
 * differs between rows or from the registry, an arm given two treatments or
 * one other than the registry's. Needs meta_load_prepare first and must
 * run under the load lock. Problems go to run->errs. Returns META_OK (check run->errs) or
 * META_EDB.
 */
int meta_load_check(struct meta_load_run *run, struct meta_error *err);

/*
 * Merges the staged rows into trials, arms, outcomes and the result tables,
 * and fills the per-file counts of report (whose files array has
 * run->nfiles entries). The same trial/arm/outcome/timepoint twice in the
 * staged rows is found here (the upsert refuses it); it is reported to
 * run->errs with both lines and META_EINVAL returned. Returns META_OK,
 * META_EINVAL or META_EDB; on failure the transaction must be rolled back.
 */
int meta_load_merge(struct meta_load_run *run, struct meta_load_report *report,
                    struct meta_error *err);

/*
 * Analyses the registry tables that this transaction grew by more than
 * 1,000 rows and 10% of their size (autovacuum's threshold), where this role
 * may, so that the first queries after a large load are planned with its
 * rows counted. Runs after meta_load_merge, in the load's transaction.
 * Returns META_OK or META_EDB.
 */
int meta_load_refresh_statistics(struct meta_load_run *run, struct meta_error *err);

#endif
