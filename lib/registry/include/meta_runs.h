/*
 * The history of analysis runs (living analyses, sql/004_living.sql): what
 * each run of an analysis file computed and from which data, which analyses
 * must run again because their file or their data changed, and the list of
 * an analysis' runs. An analysis file is known by its absolute path; its
 * data by the registry's bookkeeping of changes per outcome and time point,
 * which the check reads instead of the rows.
 */
#ifndef META_RUNS_H
#define META_RUNS_H

#include "meta_registry.h"
#include "meta_select.h"

#include <stddef.h>

/* The result of a run, as recorded and compared. */
struct meta_run_result {
    long long k;      /* studies */
    char measure[16]; /* "MD", "RR", ... */
    int log_scale;    /* estimate and interval on the log scale, shown back-transformed: the
                         ratio measures, and GIV when its rows are log ratios */
    double estimate, ci_lower, ci_upper; /* on the analysis scale (log when log_scale) */
    double tau2, I2, p;                  /* NAN where they do not apply */
    char conclusion[16];                 /* where the interval lies against no effect:
                                            "below", "above", "includes", or "none" */
    int totals_only;       /* 1: the analysis shows subgroup totals only (totals = subgroups):
                              no overall total, so no estimate and conclusion "none" */
    long long n_subgroups; /* with totals_only: its subgroups (0 for a run recorded without
                              the count) */
};

/* An analysis file to check. Strings are borrowed. */
struct meta_run_key {
    const char *path;        /* the file's absolute path: its identity in the history */
    const char *file_sha256; /* the SHA-256 of its bytes, 64 lowercase hex digits */
    const char *outcome;     /* what it selects */
    const char *timepoint;   /* NULL: the outcome's only time point */
};

/* Why an analysis must run again, if it must. */
enum meta_run_staleness {
    META_RUN_CURRENT = 0,  /* same file, same data as its last recorded run */
    META_RUN_NEVER_RAN,    /* no recorded run */
    META_RUN_FILE_CHANGED, /* the file's SHA-256 differs from its last run's */
    META_RUN_DATA_CHANGED  /* a result of its outcome and time point was added, replaced or
                              removed, or an arm or trial it reads changed, since */
};

/* What the registry says of one analysis file. */
struct meta_run_state {
    enum meta_run_staleness stale;
    int recordable; /* 0 when the history cannot hold the file: its path, outcome or time
                       point is not valid UTF-8 (it then counts as never ran) */
    /* The data as they stand (what a run of it now records). */
    long long outcome_id; /* 0: the registry has no such outcome */
    long long data_version;
    int data_timepoints; /* the outcome's time points when the file names none, else -1 */
    /* Its last recorded run (when stale is not META_RUN_NEVER_RAN). */
    long long last_run_id;
    struct meta_run_result last;
    char last_fingerprint[META_FINGERPRINT_SIZE]; /* of the rows it read */
    long long *last_load_ids;                     /* owned: the loads its rows came from, sorted */
    size_t n_last_loads;
};

/*
 * Decides for the n analysis files of keys, in one query, which must run
 * again, and reads their last recorded runs: states[i] for keys[i]
 * (initialised by this call; release with meta_run_states_release). Only
 * the bookkeeping of changes and the history are read, never a result row.
 * Inside a snapshot (meta_db_snapshot_begin), the data versions are those
 * that the snapshot's selections read, and JIT is off for the rest of the
 * snapshot's transaction. Returns META_OK, META_EDB or
 * META_ENOMEM (err says why; states are then empty).
 */
int meta_db_runs_check(struct meta_db *db, const struct meta_run_key *keys, size_t n,
                       struct meta_run_state *states, struct meta_error *err);

/* Frees what states[0..n-1] own; accepts NULL. */
void meta_run_states_release(struct meta_run_state *states, size_t n);

/* The name of a staleness in messages: "current", "first run", "file changed",
 * "data changed". Static. */
const char *meta_run_staleness_name(enum meta_run_staleness stale);

/* One run to record. Strings and arrays are borrowed. */
struct meta_run_record {
    const char *path;                   /* as in meta_run_key */
    const char *file_sha256;            /* as in meta_run_key */
    const char *options_json;           /* the request as run: a JSON object */
    const struct meta_run_state *state; /* the check made in the snapshot the run read */
    const char *fingerprint;            /* meta_selection_fingerprint of the rows it read */
    const long long *load_ids;          /* the loads those rows came from */
    size_t n_loads;
    struct meta_run_result result;
};

/*
 * Records the n runs in one transaction (READ WRITE, whatever the session's
 * default), all or none. The connection must take writes and its role may
 * insert into analysis_runs (meta_loader, or the database's owner):
 * otherwise META_EDB with the server's reason (a read-only server: see
 * meta_db_require_writable). Returns META_OK, META_EDB, META_EINVAL (a
 * record the table refuses: err says which) or META_ENOMEM.
 */
int meta_db_runs_record(struct meta_db *db, const struct meta_run_record *runs, size_t n,
                        struct meta_error *err);

/* One recorded run of an analysis file. Strings are owned by the history. */
struct meta_history_run {
    long long run_id;
    char *ran_at;      /* ISO 8601 in UTC */
    char *file_sha256; /* of the analysis file as it ran */
    char *fingerprint; /* of the rows it read */
    char *options;     /* the request as run, JSON */
    struct meta_run_result result;
    struct meta_select_load *loads; /* the loads its rows came from, by load_id */
    size_t n_loads;
    int *new_load; /* per load: 1 when the previous run did not have it (every load of the
                      first run) */
    size_t n_new;  /* how many are new */
};

/* The runs of one analysis file, oldest first. */
struct meta_history {
    struct meta_history_run *runs;
    size_t n;
};

/* Empties h. */
void meta_history_init(struct meta_history *h);

/* Frees what h owns and leaves it empty; accepts NULL. */
void meta_history_release(struct meta_history *h);

/*
 * Reads the recorded runs of the analysis file at absolute path `path`
 * into h (initialised by this call; release it after any return), oldest
 * first, each with the loads of its data and which of them are new since
 * the run before. Works on a read-only server and for the reader role.
 * Returns META_OK (no run: h->n is 0), META_EDB or META_ENOMEM.
 */
int meta_db_history(struct meta_db *db, const char *path, struct meta_history *h,
                    struct meta_error *err);

#endif
