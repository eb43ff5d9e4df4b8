/*
 * Storing results in the registry: `meta load` of arm-level CSV files, and
 * the records any parser makes (struct meta_record: Cochrane data packages,
 * RevMan 5 files, ClinicalTrials.gov), through one path. Every rule of
 * INTERFACE.md sections 1 and 1b is checked before anything is stored; all
 * sources of one call are stored in one transaction or not at all, each
 * recorded as one row of the loads table (its name and the SHA-256 of its
 * bytes) that every row it brought points to; storing the same rows again
 * changes nothing, and a row whose key is stored replaces it.
 *
 * Keys: an arm row is (trial, arm, outcome, timepoint); an estimate row is
 * (trial, outcome, timepoint, treatment, control).
 *
 * Measures of estimate rows (struct meta_record.measure, the CSV column
 * `measure`, in any case; stored upper case):
 *   MD, SMD, ROM   continuous outcomes (ROM is a ratio)
 *   RR, OR, RD     binary outcomes (RR and OR are ratios)
 *   HR             hazard ratio: a time-to-event outcome, which has estimate
 *                  rows only (HR on an outcome with arm rows is refused)
 *   GIV            generic inverse variance, where the source names no
 *                  measure (RevMan's "GIV" analyses): a generic outcome,
 *                  estimate rows only; the estimate, its se and interval are
 *                  on the scale given, the log scale when the record's
 *                  log_scale is set (then pooled on it and back-transformed)
 * Peto's O-E and variance rows are OR estimates with method "peto":
 * estimate exp((O-E)/V), se 1/sqrt(V). A ratio's estimate and interval are
 * on the natural scale (RR 4.94 (2.76 to 8.84)) and must be > 0; se is on
 * the analysis scale (log for ratios). Given an interval instead of se, the
 * loader derives se = width on the analysis scale / (2 z) at the interval's
 * level (default 95) and keeps the interval and level as given.
 */
#ifndef META_LOAD_H
#define META_LOAD_H

#include "csv_reader.h"
#include "load_errors.h"
#include "meta_record.h"
#include "meta_registry.h"

/* What one source (a file) contributed. */
struct meta_load_file_report {
    char *name;                       /* owned; the name as given */
    char sha256[META_CSV_SHA256_HEX]; /* of the source's bytes */
    long long load_id;                /* its row in the loads table */
    long long rows;                   /* data rows read (arm and estimate rows) */
    long long estimates;              /* of which estimate rows */
    long long inserted;               /* rows new to the registry */
    long long replaced;               /* rows that replaced a stored row with other values */
    long long unchanged;              /* rows equal to the stored row (which keeps its load) */
    long long removed;                /* rows an earlier load of this source brought that it
                                         no longer has (META_LOAD_REPLACE), removed */
    long long trials;                 /* distinct trials in the source */
    long long outcomes;               /* distinct outcomes in the source */
};

/* The outcome of one load. */
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
 * A row gives one arm's result (INTERFACE.md section 1) or one comparison's
 * estimate (section 1b), in any mix in one file. Each file's rows are read
 * once (after a first read for its SHA-256 when the registry holds loads it
 * could be the same as, below): they are checked as they stream (see
 * meta_load_row_check) and sent through COPY into a temporary staging
 * table; then, under a transaction-level advisory lock that makes
 * concurrent loads run one after the other, the rules that span rows are
 * checked in SQL (an outcome continuous in one place and binary in another,
 * or measured by an estimate of another kind, in the files or against the
 * registry; an arm given two treatments, likewise; the same key twice in
 * this call), and the rows are merged. An arm keeps its treatment: a row
 * that gives a stored arm another treatment is an error, not a replacement.
 * Extra columns are merged into the arm's attributes (arm rows; non-empty
 * values only; later rows win) or are the estimate's own attributes
 * (estimate rows). A stored result equal to the new row keeps the load that
 * brought it.
 *
 * One file of new trials (none of its trials stored; arm rows only, each
 * trial's rows together; no rule broken) is stored more directly, to the
 * same end: read once under the load lock, its trials, arms and results
 * are written with COPY straight into their tables under ids reserved from
 * their sequences, its arms and results held in temporary files until
 * their turn. Any other file, or one that proves otherwise on the way (a
 * trial the registry holds or that the file gives again later, a broken
 * rule, estimate rows, a trial of more than 64 arms or 4,096 rows, more
 * than 64 outcomes), is loaded as above, with the same messages.
 *
 * A call whose files the registry already holds as they are is seen from
 * their SHA-256 alone: when for each file a load of the same bytes is
 * stored and no load since changed anything (stored, replaced or removed a
 * row, or gave an arm new attributes), each file is recorded as a new load
 * and reported with all its rows unchanged, as a full load would find
 * them, at the cost of reading the files once for the hash. When some
 * rows of such a file were replaced by another load since, the file is
 * loaded in full: its rows take their values back, as any file given
 * again does (the registry holds the values of the last load given).
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

/* ---- Storing records ------------------------------------------------------
 *
 * A parser hands its records to a loader, one at a time, in the order they
 * appear in its sources; the loader checks each by the rules of meta_db_load
 * as it arrives (what it can check alone), streams it to the server, and at
 * meta_loader_finish checks what spans records and stores everything in one
 * transaction. Memory stays flat whatever the number of records.
 *
 *     struct meta_loader *l = NULL;
 *     size_t src;
 *     int ret = meta_loader_begin(db, &l, &err);
 *     if (ret == META_OK)
 *         ret = meta_loader_source(l, "CD015373-data-rows.csv", sha256_hex,
 *                                  META_LOAD_REPLACE, &src, &err);
 *     for (each record r, while ret == META_OK || ret == META_EINVAL)
 *         ret = meta_loader_add(l, src, &r, &err);
 *     if (ret == META_OK || ret == META_EINVAL)
 *         ret = meta_loader_finish(l, &report, &err);  (problems: report.errors)
 *     meta_loader_free(l);
 *
 * The connection serves the loader alone from begin to finish (it is in a
 * transaction and streaming); a loader belongs to one thread.
 */

/* One load in progress. */
struct meta_loader;

/* Flags of a source. */
enum {
    /* The source replaces what earlier loads of a source of the same name
     * brought: rows they stored that this load does not give again are
     * removed (and trials, arms and outcomes left with no result), so that
     * a corrected package replaces what it brought. Without it, rows are
     * replaced by key only and nothing is removed (meta load). */
    META_LOAD_REPLACE = 1u
};

/*
 * Starts a load on db: a transaction and the staging table. On success *out
 * owns it (end with meta_loader_finish, then meta_loader_free; free alone
 * rolls back). Returns META_OK, META_EDB (err says why) or META_ENOMEM.
 */
int meta_loader_begin(struct meta_db *db, struct meta_loader **out, struct meta_error *err);

/*
 * Declares a source: a file the records come from, recorded as one row of
 * the loads table named name (also the name messages use when a record
 * names none). sha256_hex is the SHA-256 of the source's bytes, 64
 * lowercase hex digits (meta_load_sha256_file and meta_load_sha256_bytes
 * compute it), or NULL to give it later with meta_loader_source_sha256;
 * flags: 0 or META_LOAD_REPLACE. *id receives the source's number for
 * meta_loader_add. Two sources of one load may not share a name.
 * Returns META_OK, META_EINVAL (an empty or repeated name, a malformed
 * SHA-256; err says which) or META_ENOMEM.
 */
int meta_loader_source(struct meta_loader *l, const char *name, const char *sha256_hex,
                       unsigned flags, size_t *id, struct meta_error *err);

/* Gives source id its SHA-256 (64 lowercase hex digits) when it was not
 * known at meta_loader_source. Returns META_OK or META_EINVAL. */
int meta_loader_source_sha256(struct meta_loader *l, size_t id, const char *sha256_hex,
                              struct meta_error *err);

/*
 * Adds one record of source id. The record is checked at once by every
 * rule that needs no other record (INTERFACE.md 1 and 1b; see
 * meta_load_rules_apply in load_rules.h): names present, exact (no white
 * space at an end), valid UTF-8, at most 1,000 bytes; the record's kind and
 * its fields agreeing (a continuous record gives n, mean, sd and nothing of
 * a binary record or an estimate); counts integers in range; sd > 0;
 * events <= total; for estimates, a known measure, se > 0 or an interval
 * (ci_lower < ci_upper, level 50..100, default 95) containing the estimate,
 * a ratio's estimate and bounds > 0, no arm, a control other than the
 * treatment, Peto's method for OR and the log scale for GIV only. Numbers
 * are NAN when absent; NaN cannot be given as a value. Attributes with an
 * empty name or value are skipped; names are lowercased, values lose the
 * white space around them; estimate records may carry result attributes
 * only.
 *
 * A record's problems are kept, worded "SOURCE:LINE: what" (with the
 * record's `where` after the line when given; SOURCE is rec->source, or the
 * source's name), and META_EINVAL returned: go on adding, to hear of every
 * problem at finish. The strings of rec need only live for this call.
 * Returns META_OK, META_EINVAL (the record was refused), or META_EDB /
 * META_ENOMEM (the load cannot go on: call meta_loader_finish to hear the
 * reason with nothing stored, or meta_loader_free).
 */
int meta_loader_add(struct meta_loader *l, size_t id, const struct meta_record *rec,
                    struct meta_error *err);

/*
 * Ends the load: checks what spans records (an outcome's kind against the
 * other records and the registry, an arm's treatment, a key given twice,
 * both worded with SOURCE:LINE), then stores every record and commits.
 * report (initialised) receives one entry per source on success, or every
 * problem on failure. Returns as meta_db_load: META_OK; META_EINVAL with
 * report->errors, nothing stored; META_EDB or META_ENOMEM, nothing stored.
 * After it, only meta_loader_free may be called.
 */
int meta_loader_finish(struct meta_loader *l, struct meta_load_report *report,
                       struct meta_error *err);

/* Frees l, rolling back whatever it has not committed; accepts NULL. */
void meta_loader_free(struct meta_loader *l);

/* The SHA-256 of the file at path (65 bytes: 64 hex digits and a NUL).
 * Only a regular file is read (a FIFO or a device is refused without
 * waiting on it). Returns META_OK or META_EIO (err: "PATH: reason"). */
int meta_load_sha256_file(const char *path, char out[META_CSV_SHA256_HEX], struct meta_error *err);

/* The SHA-256 of len bytes at data (a file a parser read into memory, or
 * took from a zip archive). Returns META_OK or META_ENOMEM. Both digests
 * may run on several threads at once. */
int meta_load_sha256_bytes(const void *data, size_t len, char out[META_CSV_SHA256_HEX]);

#endif
