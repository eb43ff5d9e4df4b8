/*
 * ClinicalTrials.gov records into the registry (`meta import ctgov`): each
 * file read and turned into records by lib/import (meta_ctgov.h), with the
 * analyst's mapping of result groups to treatments or, without one, the
 * groups proposed with high confidence; then stored through the storage
 * API (meta_load.h): all files in one transaction, one load per file, a
 * file imported again replacing what it brought. Says what each study
 * gave, what it skipped and why, and which groups it left out. No printing.
 */
#ifndef META_IMPORT_CTGOV_H
#define META_IMPORT_CTGOV_H

#include "meta_ctgov.h"
#include "meta_load.h"
#include "meta_registry.h"

#include <stddef.h>

/* A measure, class, value or analysis that gave no record (owned strings). */
struct meta_ctgov_import_skip {
    char *section;  /* "outcome 4", "adverse events" */
    char *outcome;  /* the outcome name it would have had */
    char *group_id; /* NULL: the whole measure or analysis */
    char *reason;
};

/* A result group left out: no treatment it may be imported with. */
struct meta_ctgov_import_group {
    char *section, *group_id, *group_title;
    char *treatment; /* proposed (or the mapping's), "" when none */
    enum meta_ctgov_confidence confidence;
    char *reason;
    long line; /* its line in the mapping, 0 when not there */
};

/* What one study of one file gave. */
struct meta_ctgov_import_study {
    char *nct_id, *brief_title;
    size_t file;        /* index in meta_ctgov_import_report.files */
    size_t arm_rows;    /* arm rows of outcome measures (continuous and binary) */
    size_t estimates;   /* estimate rows of statistical analyses */
    size_t ae_rows;     /* arm rows of adverse events and deaths */
    size_t outcomes;    /* outcomes of outcome measures given arm rows */
    size_t ae_outcomes; /* adverse-event outcomes given rows */
    struct meta_ctgov_import_skip *skipped;
    size_t n_skipped;
    struct meta_ctgov_import_group *left_out;
    size_t n_left_out;
};

/* The outcome of one import. */
struct meta_ctgov_import_report {
    char **files; /* owned: the files read, in order */
    size_t n_files;
    struct meta_ctgov_import_study *studies; /* in file order */
    size_t n_studies;
    /* On success, load.files[i] is what files[i] stored (its SHA-256, load
     * id and rows new, replaced, unchanged and removed). On META_EINVAL or
     * META_EIO, load.errors holds every problem found in the input. */
    struct meta_load_report load;
};

/* Prepares an empty report. */
void meta_ctgov_import_report_init(struct meta_ctgov_import_report *r);

/* Frees what r owns and leaves it empty; accepts NULL. */
void meta_ctgov_import_report_release(struct meta_ctgov_import_report *r);

/*
 * Imports the ClinicalTrials.gov records at paths[0..npaths-1] (files, as
 * meta_ctgov_paths_expand lists them) into db, all in one transaction:
 * every file is read once (regular files only), its SHA-256 taken from the
 * bytes read, its studies turned into records (meta_ctgov_study_records)
 * with mapping, or with the high-confidence proposal when mapping is NULL,
 * and the records handed to a loader as one source per file named as
 * given, with META_LOAD_REPLACE: rows an earlier import of that file
 * stored and this one no longer gives (a corrected record, a group now
 * left out) are removed. Importing the same files with the same mapping
 * again changes nothing.
 *
 * Refused as a whole, with nothing stored, when any file cannot be read or
 * parsed, a study's records cannot be made (a denominator missing, the
 * mapping naming a group the study lacks), the same NCT id comes in two
 * files (or twice in one), a mapping line names a trial that no file
 * holds, or a record breaks a storage rule (INTERFACE.md 1 and 1b, against
 * the registry too). Every problem is kept in report->load.errors, worded
 * with the file, the NCT id and the JSON path or XML line (or the
 * mapping's file and line); parsing goes on past a bad file to report the
 * others.
 *
 * db must take writes (the caller refuses a standby before reading any
 * file). report must have been initialised; it is filled as far as the
 * files were read, also on failure. Returns META_OK; META_EINVAL (problems
 * in the input; err: how many), META_EIO (a file could not be read; the
 * problems as for META_EINVAL); META_EDB (err: the server's message,
 * nothing stored) or META_ENOMEM.
 */
int meta_ctgov_import(struct meta_db *db, const char *const *paths, size_t npaths,
                      const struct meta_ctgov_mapping *mapping,
                      struct meta_ctgov_import_report *report, struct meta_error *err);

#endif
