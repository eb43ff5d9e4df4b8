/*
 * Loading arm-level CSV files into the registry (`meta load`), all files of
 * one call in one transaction: every rule of INTERFACE.md section 1 is
 * checked before anything is stored, rows are streamed through COPY into a
 * staging table and merged set-wise, and a row whose (trial, arm, outcome,
 * timepoint) is already stored replaces it.
 */
#ifndef META_LOAD_H
#define META_LOAD_H

#include "csv_reader.h"
#include "load_errors.h"
#include "meta_registry.h"

/* What one file contributed. */
struct meta_load_file_report {
    char *name;                       /* owned; the path as given */
    char sha256[META_CSV_SHA256_HEX]; /* of the file's bytes */
    long long load_id;                /* its row in the loads table */
    long long rows;                   /* data rows read */
    long long inserted;               /* rows new to the registry */
    long long replaced;               /* rows that replaced a stored row with other values */
    long long unchanged;              /* rows equal to the stored row (which keeps its load) */
    long long trials;                 /* distinct trials in the file */
    long long outcomes;               /* distinct outcomes in the file */
};

/* The outcome of one meta_db_load call. */
struct meta_load_report {
    size_t nfiles;
    struct meta_load_file_report *files; /* owned; filled on success only */
    struct meta_load_errors errors;      /* problems in the input, filled on failure */
};

/* Prepares an empty report. */
void meta_load_report_init(struct meta_load_report *r);

/* Frees what r owns and leaves it empty; accepts NULL. */
void meta_load_report_release(struct meta_load_report *r);

/*
 * Loads the CSV files paths[0..npaths-1] into the registry db, in one
 * transaction: either every file is stored or nothing is.
 *
 * Each file is read once: its rows are checked as they stream (see
 * meta_load_row_check) and sent through COPY into a temporary staging table;
 * then, under a transaction-level advisory lock that makes concurrent loads
 * run one after the other, the rules that span rows are checked in SQL (an
 * outcome continuous in one place and binary in another, in the files or
 * against the registry; an arm given two treatments, likewise; the same
 * trial/arm/outcome/timepoint twice in this call), and the rows are merged.
 * An arm keeps its treatment: a row that gives a stored arm another
 * treatment is an error, not a replacement. Extra columns are merged into
 * the arm's attributes (non-empty values only; later rows win). A stored
 * result equal to the new row keeps the load that brought it.
 *
 * report must have been initialised with meta_load_report_init.
 * Returns META_OK with report->files filled; META_EINVAL when the input
 * breaks a rule, or META_EIO when a file cannot be read: report->errors then
 * holds every problem ("FILE:LINE:COLUMN: what, got 'value'"; the first
 * META_LOAD_MAX_ERRORS of them, and their total) and nothing was stored;
 * META_EDB (err: the server's message) when the database fails, nothing
 * stored either; META_ENOMEM.
 */
int meta_db_load(struct meta_db *db, const char *const *paths, size_t npaths,
                 struct meta_load_report *report, struct meta_error *err);

#endif
