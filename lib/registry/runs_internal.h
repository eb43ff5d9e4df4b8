/*
 * What the files of the run history (runs_check.c, runs_record.c,
 * runs_history.c) share: reading a recorded result and a list of load ids
 * from the server's rows.
 */
#ifndef META_RUNS_INTERNAL_H
#define META_RUNS_INTERNAL_H

#include "load_copy.h"
#include "meta_runs.h"

#include <libpq-fe.h>

/* The result columns of analysis_runs (k, measure, estimate, ci_lower,
 * ci_upper, tau2, i2, p, conclusion, subgroup_totals) in row `row` of res into *out; NULL
 * numbers become NAN. */
void meta_runs_read_result(const PGresult *res, int row, struct meta_run_result *out);

/* Parses a bigint[] in PostgreSQL's text form ("{3,1,2}", "{}") into *ids
 * (caller frees; NULL when empty), sorted. Returns META_OK, META_EDB for
 * text that is not such an array, or META_ENOMEM. */
int meta_runs_parse_ids(const char *text, long long **ids, size_t *n);

/* The COPY of records into analysis_runs, in the columns of
 * meta_runs_copy_row's rows. */
extern const char meta_runs_copy_sql[];

/* Appends run r to b as a row of meta_runs_copy_sql's COPY (text format);
 * META_EINVAL, nothing appended and err naming the run, when its path or
 * options are not valid UTF-8. Running out of memory shows in b->nomem. */
int meta_runs_copy_row(struct meta_load_buf *b, const struct meta_run_record *r,
                       struct meta_error *err);

/* Ends the COPY under way on conn, aborted with `failure` as its reason
 * unless NULL, and reads its outcome: META_OK, META_EDB ("cannot record the
 * runs: " and the server's reason) or META_EINVAL (a record the table's
 * constraints refuse). */
int meta_runs_copy_end(PGconn *conn, const char *failure, struct meta_error *err);

#endif
