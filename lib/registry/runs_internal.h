/*
 * What the files of the run history (runs_check.c, runs_record.c,
 * runs_history.c) share: reading a recorded result and a list of load ids
 * from the server's rows.
 */
#ifndef META_RUNS_INTERNAL_H
#define META_RUNS_INTERNAL_H

#include "meta_runs.h"

#include <libpq-fe.h>

/* Where the result columns of analysis_runs (k, measure, log_scale,
 * estimate, ci_lower, ci_upper, tau2, i2, p, conclusion, subgroup_totals)
 * are in a result: -1 for one it lacks. */
struct meta_runs_columns {
    int k, measure, log_scale, estimate, ci_lower, ci_upper, tau2, i2, p, conclusion,
        subgroup_totals;
};

/* Finds the result columns in res, once for all its rows. */
void meta_runs_find_columns(const PGresult *res, struct meta_runs_columns *c);

/* The result columns (found by meta_runs_find_columns) in row `row` of res
 * into *out; NULL numbers become NAN, a missing column reads as empty. */
void meta_runs_read_result(const PGresult *res, int row, const struct meta_runs_columns *c,
                           struct meta_run_result *out);

/* Parses a bigint[] in PostgreSQL's text form ("{3,1,2}", "{}") into *ids
 * (caller frees; NULL when empty), sorted. Returns META_OK, META_EDB for
 * text that is not such an array, or META_ENOMEM. */
int meta_runs_parse_ids(const char *text, long long **ids, size_t *n);

#endif
