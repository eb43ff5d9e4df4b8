/*
 * What the parts of the loader share inside lib/registry: the state of one
 * load (struct meta_loader) with its sources, the staging table their rows
 * are copied into, and the steps that run in SQL once every row is staged:
 * the checks that span rows (load_check.c), the merge of arm rows
 * (load_merge.c) and of estimate rows (load_estimates.c), and the removal
 * of what a replaced source no longer brings (load_replace.c).
 */
#ifndef META_LOAD_STAGE_H
#define META_LOAD_STAGE_H

#include "load_copy.h"
#include "load_rules.h"
#include "meta_load.h"

#include <libpq-fe.h>
#include <sys/types.h>

/*
 * The staging table, a temporary table dropped at the end of the
 * transaction. One row per valid row or record; file_no indexes the load's
 * sources; line is where the row starts and *_line where the field of that
 * name starts when that differs (quoted line breaks), else NULL. kind is
 * the outcome kind the row implies (outcomes.kind). attrs holds the arm
 * attributes as the text of a JSON object, or NULL; extra, NULL for most
 * arm rows, what only some rows have, as a JSON object: "est" the fields
 * of an estimate row (as strings; its arm is then ''), "attrs" the result's
 * own attributes, "place" a record's finer location and "origin" the file
 * a record names when it is not its source's name. Estimate rows move to
 * meta_stage_est (with columns rattrs, place and origin) before the checks;
 * SQL reads the others from extra with the STAGE_* macros below.
 */
#define META_STAGE_TABLE "meta_stage"
#define META_STAGE_COLUMNS                                                                         \
    "file_no, line, trial_line, treatment_line, outcome_line, trial, arm, treatment, outcome, "    \
    "timepoint, kind, n, mean, sd, events, total, attrs, extra"

/* A staged arm row's own attributes (text of a JSON object), place and
 * origin, read from extra; s is the table's alias. */
#define META_STAGE_RATTRS(s) "(" s ".extra::jsonb -> 'attrs')::text"
#define META_STAGE_PLACE(s)  "(" s ".extra::jsonb ->> 'place')"
#define META_STAGE_ORIGIN(s) "(" s ".extra::jsonb ->> 'origin')"

/* The SQL both ways of storing a file share (the staging path's merge and
 * the direct replacement), so that they decide alike. Whether a stored
 * result r holds the values of a new one i (attrs: i's own attributes as
 * jsonb): */
#define META_LOAD_SAME_CONTINUOUS(attrs)                                                           \
    "(r.n = i.n AND r.mean = i.mean AND r.sd = i.sd"                                               \
    " AND r.attributes IS NOT DISTINCT FROM " attrs ")"
#define META_LOAD_SAME_BINARY(attrs)                                                               \
    "(r.events = i.events AND r.total = i.total AND r.attributes IS NOT DISTINCT FROM " attrs ")"

/* Whether the attributes given to an arm (jsonb, NULL: none) add to its
 * stored ones. */
#define META_LOAD_NEW_ATTRS(stored, given) "(" given " IS NOT NULL AND NOT " stored " @> " given ")"

/* Stored arms take the new attributes over theirs: table (alias s) holds
 * arm_id, the attributes given (column attrs, jsonb) and new_attrs. */
#define META_LOAD_ARM_ATTRIBUTES_SQL(table, attrs)                                                 \
    "UPDATE arms a SET attributes = a.attributes || s." attrs " FROM " table " s"                  \
    " WHERE a.arm_id = s.arm_id AND s.new_attrs"

/* One source of the load: a file of `meta load`, or a parser's source. */
struct meta_load_file {
    char *name;               /* owned; as given */
    int col[META_LOAD_NCOLS]; /* a CSV file's column of each field, -1 when absent */
    int csv;                  /* a CSV file: messages name columns */
    unsigned flags;           /* META_LOAD_REPLACE */
    long long rows;           /* valid rows staged */
    long long estimates;      /* of which estimate rows */
    char sha256[META_CSV_SHA256_HEX];
    long long load_id; /* its loads row, once inserted */
    int identified;    /* dev and ino are known */
    dev_t dev;         /* the file itself, to notice one file given twice */
    ino_t ino;
};

/* One load (see meta_load.h). */
struct meta_loader {
    struct meta_db *db; /* the registry, for the load lock's wait */
    PGconn *conn;
    size_t nfiles, cap;
    struct meta_load_file *files;
    struct meta_load_errors errs; /* problems in the input */
    struct meta_load_buf copy;    /* COPY data not yet sent */
    struct meta_load_buf json;    /* one row's attributes or estimate, being built */
    struct meta_load_attr *attrs; /* a record's attributes, being read (cap_attrs entries) */
    size_t cap_attrs;
    char *attr_names; /* their names, lowercased (cap_attr_names bytes) */
    size_t cap_attr_names;
    int any_estimates;         /* some row is an estimate row */
    int any_rattrs;            /* some row has result attributes */
    int any_continuous;        /* some row is a continuous arm row */
    int any_binary;            /* some row is a binary arm row */
    int any_replace;           /* some source has META_LOAD_REPLACE */
    long long arms_updated;    /* stored arms the merge gave new attributes */
    long long new_arms;        /* staged arms the registry does not hold (meta_load_check) */
    int arms_one_row;          /* no staged arm has two rows: no key is given twice */
    int io_failed;             /* some file could not be opened or read */
    int in_tx;                 /* the transaction is open */
    int copying;               /* the COPY is open */
    int status;                /* META_OK, or the failure that ends the load */
    struct meta_error failure; /* its detail */
    int finished;
};

/* Makes a libpq message in err one line and says that the transaction left
 * the registry as it was: " (nothing was loaded)" (load.c). */
void meta_load_say_nothing_loaded(struct meta_error *err);

/* ---- Staging (load_stage.c) ---- */

/* Configures the transaction, creates the staging tables and opens the
 * COPY. Returns META_OK or META_EDB. */
int meta_load_stage_begin(struct meta_loader *l, struct meta_error *err);

/* Stages one valid row of source file_no (its texts copied now). Rows are
 * sent in pieces; nothing more is sent once l->errs holds a problem.
 * Returns META_OK, META_EDB or META_ENOMEM. */
int meta_load_stage_row(struct meta_loader *l, size_t file_no, const struct meta_load_row *row,
                        struct meta_error *err);

/* Ends the COPY (discarding it when l->errs holds a problem), moves the
 * estimate rows to meta_stage_est and analyses the staged rows. Returns
 * META_OK or META_EDB. */
int meta_load_stage_end(struct meta_loader *l, struct meta_error *err);

/* Abandons an open COPY (the rollback discards what it sent). */
void meta_load_stage_abort(struct meta_loader *l);

/* Records each source in loads and maps file_no to its load in
 * meta_stage_files. Returns META_OK or META_EDB. */
int meta_load_stage_loads(struct meta_loader *l, struct meta_error *err);

/* The column (1-based) of field col in source file_no, for messages; 1 when
 * a CSV file has no such column, 0 for a source without columns. */
size_t meta_load_column(const struct meta_loader *l, long long file_no, enum meta_load_col col);

/* The name of source file_no as given, for messages; "?" when out of range. */
const char *meta_load_file_name(const struct meta_loader *l, long long file_no);

/* The file a staged row names in messages: its origin (the staged column;
 * may be "" or NULL) when it has one, else its source's name. */
const char *meta_load_origin_name(const struct meta_loader *l, long long file_no,
                                  const char *origin);

/* Reports a problem a check in SQL found at line of source file_no (origin:
 * the staged origin), field col: "FILE:LINE:COLUMN: what" for a CSV file,
 * "FILE:LINE: PLACE: what" for a record (place: the staged place, "" when
 * none). */
void meta_load_report_at(struct meta_loader *l, long long file_no, const char *origin, long line,
                         enum meta_load_col col, const char *place, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

/* Runs sql, a statement that returns (load_id, n): rows it stored per load,
 * and adds n to the inserted (replaced == 0) or replaced counts of the
 * source of that load in report. Returns META_OK; META_EINVAL when a primary
 * key refused a key given twice (SQLSTATE 23505); META_EDB. */
int meta_load_count_results(struct meta_loader *l, const char *sql, int replaced,
                            struct meta_load_report *report, struct meta_error *err);

/* ---- Checks and merges ---- */

/*
 * Summarises the staged rows per outcome and per arm into the temporary
 * tables meta_stage_outcomes and meta_stage_arms, which the checks and the
 * merge use. Reads only the staging tables, so it runs before the load
 * lock. Returns META_OK or META_EDB.
 */
int meta_load_prepare(struct meta_loader *l, struct meta_error *err);

/*
 * Checks the staged rows for what no single row shows: an outcome whose kind
 * differs between rows or from the registry (an arm row's kind, or the kind
 * of an estimate's measure), an arm given two treatments or one other than
 * the registry's, an estimate key given twice. Needs meta_load_prepare first
 * and must run under the load lock, before anything is written: it leaves
 * the staged arms the registry holds in meta_stage_stored, which
 * meta_load_merge reads. Problems go to l->errs. Returns META_OK (check
 * l->errs) or META_EDB.
 */
int meta_load_check(struct meta_loader *l, struct meta_error *err);

/*
 * Merges the staged rows into trials, arms, outcomes and the arm result
 * tables, and fills the per-file counts of report (whose files array has
 * l->nfiles entries). The same trial/arm/outcome/timepoint twice in the
 * staged rows is found here (the upsert refuses it); it is reported to
 * l->errs with both lines and META_EINVAL returned. Returns META_OK,
 * META_EINVAL or META_EDB; on failure the transaction must be rolled back.
 */
int meta_load_merge(struct meta_loader *l, struct meta_load_report *report, struct meta_error *err);

/*
 * Merges the staged estimate rows into estimate_results, adding to the
 * per-file counts of report. Called by meta_load_merge once the trials and
 * outcomes are stored, inside its stretch without foreign-key triggers.
 * Returns META_OK or META_EDB.
 */
int meta_load_merge_estimates(struct meta_loader *l, struct meta_load_report *report,
                              struct meta_error *err);

/*
 * For each source with META_LOAD_REPLACE: removes the rows that earlier
 * loads of a source of the same name brought and this load does not give
 * again, then the arms, trials and outcomes that lost their last result by
 * it; counts them in report. Runs after the merges. Returns META_OK or
 * META_EDB.
 */
int meta_load_replace_sources(struct meta_loader *l, struct meta_load_report *report,
                              struct meta_error *err);

/*
 * Analyses the registry tables whose row count this transaction changed
 * (rows inserted or removed; updates leave it) by more than 1,000 rows and
 * 10% of their size (autovacuum's threshold), where this role
 * may, so that the first queries after a large load are planned with its
 * rows counted. Runs after the merges, in the load's transaction.
 * Returns META_OK or META_EDB.
 */
int meta_load_refresh_statistics(struct meta_loader *l, struct meta_error *err);

/*
 * Records in the loads row load_id what one load found (load_summary.c):
 * whether it changed the registry, and for a CSV file (csv nonzero) its
 * estimate rows, trials and outcomes (NULL for other sources). name is
 * the source, for the message. Returns META_OK or META_EDB.
 */
int meta_load_record_summary(PGconn *conn, long long load_id, int changed, int csv,
                             long long estimates, long long trials, long long outcomes,
                             const char *name, struct meta_error *err);

/*
 * Records with each source's loads row what the load found (load_summary.c):
 * whether the load changed the registry at all (counted in report, and
 * l->arms_updated), and for a CSV file its estimate rows, trials and
 * outcomes, so that the file given again can be recognised as changing
 * nothing (meta_load_unchanged). Runs last in the load's transaction.
 * Returns META_OK or META_EDB.
 */
int meta_load_record_summaries(struct meta_loader *l, const struct meta_load_report *report,
                               struct meta_error *err);

/*
 * Loads the CSV files paths[0..npaths-1] at the cost of reading them when
 * that changes nothing (load_summary.c): when the registry holds a load
 * of each file's bytes (same SHA-256, a CSV file) after which no load
 * changed anything, every row of the file is stored as it gives it and its
 * arms have its attributes, so a full load would find every row unchanged.
 * Then, in one transaction under the load lock, each file gets its loads
 * row (as a full load records it) and report says so (all rows
 * unchanged); *done = 1. Otherwise nothing is written, *done = 0 and the
 * caller releases report (it may hold the files' names and hashes) and
 * loads the files in full (so also when a file cannot be read, is given
 * twice, or is not a regular file: the full load reports that). report
 * must be empty (initialised) on entry. Returns META_OK, or META_EDB or
 * META_ENOMEM (nothing loaded; the caller releases report).
 */
int meta_load_unchanged(struct meta_db *db, const char *const *paths, size_t npaths,
                        struct meta_load_report *report, int *done, struct meta_error *err);

/*
 * Loads the one CSV file at path by the direct path (load_direct.c) when it
 * can: every row valid, arm rows only, each trial's rows together (at most
 * 64 arms and 4,096 rows a trial, 64 outcomes a file), no key given twice
 * within a trial, an arm of one treatment, an outcome of one kind that the
 * registry does not hold as another. When the registry holds none of the
 * file's trials, in one transaction under the load lock it writes the
 * trials, arms (their attributes merged in file order, later rows win) and
 * results with COPY under ids reserved from the identity sequences, in the
 * order the staging path gives them. When it holds the file's first trial
 * (asked before the file is read on), the file is a replacement
 * (load_direct_replace.c): its rows are copied to a temporary table, and
 * stored arms take the new attributes, new trials and arms are inserted,
 * changed results updated and new ones inserted, as the staging path's
 * merge leaves them; its trials must then each come in one run of rows and
 * keep their arms' treatments. Either way it records the load as the
 * staging path does, fills report (rows inserted, replaced and unchanged)
 * and sets *done = 1. A file whose first trial is new but whose trials the
 * registry's keys then refuse is read again as a replacement when the
 * refused trial is stored (not when the file gives it again). A file it cannot prove so,
 * in the streaming checks or in the replacement's checks, leaves nothing
 * written and *done = 0:
 * the caller loads it by the staging path, which words every problem.
 * report must be empty on entry. Returns META_OK, or META_EDB (the lock's
 * wait ran out, the database failed) or META_ENOMEM: nothing loaded.
 */
int meta_load_direct(struct meta_db *db, const char *path, struct meta_load_report *report,
                     int *done, struct meta_error *err);

/* Whether meta_db_load tries the direct path (allow 1, the default, or 0:
 * every file staged), and how many loads the direct path has stored in this
 * process: the tests compare the two paths with these. */
void meta_load_direct_allow(int allow);
long meta_load_direct_count(void);

/* Whether the direct path also stores a file whose first trial the
 * registry holds (a replacement, load_direct_replace.c; allow 1, the
 * default) or leaves it to the staging path (0), and how many of the direct
 * path's loads in this process were such replacements (they count in
 * meta_load_direct_count too). */
void meta_load_direct_replace_allow(int allow);
long meta_load_direct_replace_count(void);

/* How many times in this process the direct path began reading a file
 * (twice for a file read again as a replacement). */
long meta_load_direct_reads(void);

/* The rows from which a file of new trials into an empty registry is
 * stored by the bulk variant of the direct path (load_bulk.c: arms and
 * results first, their secondary indexes built afterwards); below it, or
 * with rows < 0 (never), the direct path fills the indexed tables as
 * before. META_LOAD_BULK_ROWS by default; the tests set it. */
#define META_LOAD_BULK_ROWS 50000
void meta_load_bulk_from(long long rows);

/* How many loads in this process the bulk variant stored (they count in
 * meta_load_direct_count too). */
long meta_load_bulk_count(void);

/*
 * Runs the rest of the transaction in replica mode where the server lets
 * this session, which skips the foreign-key triggers (*skipped = 1), and
 * then locks the registry's tables against other writers until the commit
 * (load_merge.c). Every id a load writes comes from its own parent rows,
 * under the load lock, so the keys hold by construction. Returns META_OK
 * or META_EDB.
 */
int meta_load_skip_fk_triggers(PGconn *conn, int *skipped, struct meta_error *err);

/* Appends a number of row as the source wrote it, or as a record gave it
 * (integers exactly, doubles with 17 significant digits) (load_stage.c). */
void meta_load_put_number(struct meta_load_buf *b, const struct meta_load_row *row,
                          enum meta_load_col col, double value, int integer);

/* The key of the transaction-level advisory lock that makes loads run one
 * after the other (meta_load_lock): the bytes of "metaload". */
#define META_LOAD_LOCK_KEY "7882826103418319204"

/* ---- Records (load_record.c) ---- */

/*
 * Turns record rec of source file_no into a row by the rules of
 * meta_load_rules_apply, reporting its problems to l->errs. The row's texts
 * point into rec, its attributes into l->attrs, until the next call.
 * Returns META_OK, META_EINVAL (reported) or META_ENOMEM.
 */
int meta_load_record_row(struct meta_loader *l, size_t file_no, const struct meta_record *rec,
                         struct meta_load_row *row);

#endif
