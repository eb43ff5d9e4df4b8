/*
 * What the two halves of the direct path share (load_direct.c reads the
 * file and stores new trials; load_direct_replace.c stores a file over
 * stored trials): the reason to leave a file to the staging path, and the
 * interface of the replacement, which receives the rows one trial at a time.
 */
#ifndef META_LOAD_DIRECT_H
#define META_LOAD_DIRECT_H

#include "load_copy.h"
#include "load_rules.h"
#include "meta_status.h"

#include <libpq-fe.h>

/* A reason to leave the file to the staging path, as a stop of the reader. */
#define META_DIRECT_STAGE (-1000)

/* A trial with more arms or rows, or a file with more outcomes, goes to
 * the staging path: the reader checks these before it hands rows on, and
 * the tables of both halves are sized by them. */
#define META_DIRECT_MAX_ARMS     64
#define META_DIRECT_MAX_ROWS     4096
#define META_DIRECT_MAX_OUTCOMES 64

struct meta_direct_replace;

/*
 * The bulk variant (load_bulk.c, sql/010_bulk_load.sql), inside the load's
 * transaction, after the file of new trials is read and before its arms
 * are copied: when rows reaches the threshold (meta_load_bulk_from), this
 * role may call both meta_bulk_load_begin() and meta_bulk_load_end(), and
 * begin finds arms and the result tables empty and free, their keys,
 * indexes and foreign keys are dropped and *begun set. Anything else,
 * including any failure of the call (undone to a savepoint), leaves
 * everything as it was (*begun 0) and the load goes the ordinary way.
 * Returns META_OK, or META_EDB only when the connection itself fails.
 */
int meta_load_bulk_begin(PGconn *conn, long long rows, int *begun, struct meta_error *err);

/* Builds what meta_load_bulk_begin dropped, once the rows are copied. A
 * key the rows give twice (any SQLSTATE of class 23): META_DIRECT_STAGE
 * (the transaction is to be given up for the staging path, which words
 * it). Returns META_OK, META_DIRECT_STAGE or META_EDB. */
int meta_load_bulk_end(PGconn *conn, struct meta_error *err);

/* Sends b to conn's open COPY once it holds enough to be worth a message
 * (force: whatever it holds), emptying it. Returns META_OK, META_ENOMEM (an
 * append to b failed) or META_EDB. */
int meta_direct_flush(PGconn *conn, struct meta_load_buf *b, int force, struct meta_error *err);

/* Starts the COPY statement sql on conn. Returns META_OK or META_EDB. */
int meta_direct_copy_begin(PGconn *conn, const char *sql, struct meta_error *err);

/*
 * Ends conn's open COPY: unless abort, sends what b holds first; on abort
 * or a failure to send, discards the COPY. The server's refusal of the rows
 * is, with refused NULL, an error of what (META_EDB); with refused given,
 * handed over in *refused (the caller PQclears it, err untouched) with
 * META_EDB. Returns META_OK (also when aborted), META_ENOMEM or META_EDB.
 */
int meta_direct_copy_end(PGconn *conn, struct meta_load_buf *b, int abort, const char *what,
                         PGresult **refused, struct meta_error *err);

/* One outcome of the file, by its number in the file: its id (known once
 * the file is read) and whether its rows are binary. */
struct meta_direct_outcome_id {
    long long id;
    int binary;
};

/*
 * Records in load_outcomes that load load_id stored results of
 * outcomes[o] for each o of 0..noutcomes-1 with touched[o] set (touched
 * NULL: every one; see sql/009_load_replace.sql). Returns META_OK, META_EDB
 * or META_ENOMEM.
 */
int meta_direct_record_outcomes(PGconn *conn, long long load_id,
                                const struct meta_direct_outcome_id *outcomes, int noutcomes,
                                const char *touched, struct meta_error *err);

/* What the replacement stored. */
struct meta_direct_replace_counts {
    long long inserted, replaced, trials, arms_updated;
};

/*
 * Creates the temporary table of the file's rows and opens a binary COPY
 * into it on conn (inside the load's transaction, under the load lock).
 * *out is owned by the caller (meta_direct_replace_free). Returns META_OK,
 * META_EDB or META_ENOMEM.
 */
int meta_direct_replace_begin(PGconn *conn, struct meta_direct_replace **out,
                              struct meta_error *err);

/* Keeps one valid arm row of the current trial until the trial ends: arm
 * is the arm's index in the trial, arm_no its number in the file, outcome
 * the outcome's number in the file. Returns META_OK or META_ENOMEM. */
int meta_direct_replace_row(struct meta_direct_replace *r, int arm, long long arm_no, int outcome,
                            const struct meta_load_row *row, struct meta_error *err);

/* Describes arm (its index in the current trial): the trial's number in the
 * file and name, the arm's label, treatment and merged attributes (the text
 * of a JSON object; NULL or len 0: none). Called for each arm of the trial
 * before meta_direct_replace_end_trial. Returns META_OK or META_ENOMEM. */
int meta_direct_replace_arm(struct meta_direct_replace *r, int arm, long long trial_no,
                            const char *trial, size_t trial_len, const char *label,
                            size_t label_len, const char *treatment, size_t treatment_len,
                            const char *attrs, size_t attrs_len, struct meta_error *err);

/* Sends the trial's rows, each arm's description with its first row.
 * Returns META_OK, META_EDB or META_ENOMEM. */
int meta_direct_replace_end_trial(struct meta_direct_replace *r, struct meta_error *err);

/* Ends the COPY (abort nonzero: discards it). Returns META_OK or META_EDB. */
int meta_direct_replace_end_copy(struct meta_direct_replace *r, int abort, struct meta_error *err);

/*
 * Matches the copied arms with the registry's and decides whether the file
 * can be stored here: META_DIRECT_STAGE when an arm changes its treatment
 * or a trial's rows come in two places of the file (the staging path words
 * or handles these). groups is the number of trials the reader saw (one per
 * run of rows). Writes nothing. Returns META_OK, META_DIRECT_STAGE or
 * META_EDB.
 */
int meta_direct_replace_check(struct meta_direct_replace *r, long long groups,
                              struct meta_error *err);

/*
 * Stores the file as the staging path would (after meta_direct_replace_check
 * and with the outcomes stored): stored arms take the new attributes, new
 * trials and arms are inserted in the staging path's order, stored results
 * whose values change are updated, new ones inserted, all under load_id,
 * and the outcomes whose results it stored are recorded in load_outcomes.
 * outcomes[0..noutcomes-1]: the file's outcomes by number (noutcomes at
 * most META_DIRECT_MAX_OUTCOMES); rows: the file's continuous and binary
 * rows. Fills counts. Returns META_OK or META_EDB.
 */
int meta_direct_replace_store(struct meta_direct_replace *r,
                              const struct meta_direct_outcome_id *outcomes, int noutcomes,
                              const long long rows[2], long long load_id,
                              struct meta_direct_replace_counts *counts, struct meta_error *err);

/* Frees r (accepts NULL); an open COPY is abandoned. */
void meta_direct_replace_free(struct meta_direct_replace *r);

#endif
