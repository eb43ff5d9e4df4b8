/*
 * The listings of `meta list` (see list.h): one aggregate query each over
 * the result tables (arm results and estimates), copied out of the PGresult
 * so that no libpq type leaves lib/registry.
 */
#include "list.h"

#include "pg_util.h"

#include <stdlib.h>
#include <string.h>

/* Every arm result row, whichever its kind, with its trial; and every
 * estimate row (arm_id NULL). */
#define RESULTS                                                                                    \
    "(SELECT a.trial_id, r.arm_id, r.outcome_id, r.timepoint FROM ("                               \
    "   SELECT arm_id, outcome_id, timepoint FROM continuous_results"                              \
    "   UNION ALL SELECT arm_id, outcome_id, timepoint FROM binary_results) r"                     \
    "  JOIN arms a ON a.arm_id = r.arm_id"                                                         \
    " UNION ALL SELECT trial_id, NULL, outcome_id, timepoint FROM estimate_results)"

static const char trials_sql[] =
    "SELECT t.name AS trial, coalesce(ac.arms, 0) AS arms, coalesce(rc.outcomes, 0) AS outcomes,"
    "       coalesce(rc.rows, 0) AS rows"
    " FROM trials t"
    " LEFT JOIN (SELECT trial_id, count(*) AS arms FROM arms GROUP BY trial_id) ac"
    "   ON ac.trial_id = t.trial_id"
    " LEFT JOIN (SELECT r.trial_id, count(DISTINCT r.outcome_id) AS outcomes, count(*) AS rows"
    "            FROM " RESULTS " r GROUP BY r.trial_id) rc"
    "   ON rc.trial_id = t.trial_id"
    " ORDER BY t.name";

static const char outcomes_sql[] =
    "SELECT o.name AS outcome, o.kind AS type, coalesce(r.timepoint, '') AS timepoint,"
    "       count(DISTINCT r.trial_id) AS trials, count(r.arm_id) AS arms,"
    "       count(r.trial_id) - count(r.arm_id) AS estimates"
    " FROM outcomes o LEFT JOIN " RESULTS " r ON r.outcome_id = o.outcome_id"
    " GROUP BY o.name, o.kind, r.timepoint ORDER BY o.name, 3";

/* A treatment is named by arms and by either side of estimates. */
static const char treatments_sql[] =
    "SELECT name AS treatment, sum(arm) AS arms, count(DISTINCT trial_id) AS trials"
    " FROM (SELECT treatment AS name, 1 AS arm, trial_id FROM arms"
    "       UNION ALL SELECT treatment, 0, trial_id FROM estimate_results"
    "       UNION ALL SELECT control, 0, trial_id FROM estimate_results) x"
    " GROUP BY name ORDER BY name";

static const char *const trials_cols[] = {"trial", "arms", "outcomes", "rows"};
static const int trials_num[] = {0, 1, 1, 1};
static const char *const outcomes_cols[] = {"outcome", "type", "timepoint",
                                            "trials",  "arms", "estimates"};
static const int outcomes_num[] = {0, 0, 0, 1, 1, 1};
static const char *const treatments_cols[] = {"treatment", "arms", "trials"};
static const int treatments_num[] = {0, 1, 1};

static const struct {
    const char *name;
    const char *sql;
    const char *const *columns;
    const int *numeric;
    size_t ncols;
} listings[] = {
    [META_LIST_TRIALS] = {"trials", trials_sql, trials_cols, trials_num, 4},
    [META_LIST_OUTCOMES] = {"outcomes", outcomes_sql, outcomes_cols, outcomes_num, 6},
    [META_LIST_TREATMENTS] = {"treatments", treatments_sql, treatments_cols, treatments_num, 3},
};

int meta_list_parse(const char *name, enum meta_list_what *what)
{
    for (size_t i = 0; i < sizeof listings / sizeof *listings; i++) {
        if (strcmp(name, listings[i].name) == 0) {
            *what = (enum meta_list_what)i;
            return META_OK;
        }
    }
    return META_EINVAL;
}

void meta_list_table_release(struct meta_list_table *t)
{
    if (!t)
        return;
    if (t->cells)
        for (size_t i = 0; i < t->nrows * t->ncols; i++)
            free(t->cells[i]);
    free(t->cells);
    memset(t, 0, sizeof *t);
}

int meta_db_list(struct meta_db *db, enum meta_list_what what, struct meta_list_table *out,
                 struct meta_error *err)
{
    PGconn *conn = meta_db_pg(db);
    PGresult *res = NULL;
    int ret = META_OK;

    memset(out, 0, sizeof *out);
    if ((unsigned)what >= sizeof listings / sizeof *listings)
        return meta_error_set(err, META_EINVAL, "unknown listing");
    out->columns = listings[what].columns;
    out->numeric = listings[what].numeric;
    out->ncols = listings[what].ncols;
    res = PQexec(conn, listings[what].sql);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        ret = meta_pg_error(err, conn, res, "cannot list the %s", listings[what].name);
        goto cleanup;
    }
    size_t nrows = (size_t)PQntuples(res);
    int cols[8];
    for (size_t c = 0; c < out->ncols; c++) {
        cols[c] = PQfnumber(res, out->columns[c]);
        if (cols[c] < 0) {
            ret = meta_error_set(err, META_EDB, "the listing lacks column '%s'", out->columns[c]);
            goto cleanup;
        }
    }
    out->cells = calloc(nrows * out->ncols + 1, sizeof *out->cells);
    if (!out->cells) {
        ret = meta_error_set(err, META_ENOMEM, "out of memory");
        goto cleanup;
    }
    out->nrows = nrows;
    for (size_t r = 0; r < nrows; r++) {
        for (size_t c = 0; c < out->ncols; c++) {
            char *cell = strdup(PQgetvalue(res, (int)r, cols[c]));
            if (!cell) {
                ret = meta_error_set(err, META_ENOMEM, "out of memory");
                goto cleanup;
            }
            out->cells[r * out->ncols + c] = cell;
        }
    }

cleanup:
    PQclear(res);
    if (ret != META_OK)
        meta_list_table_release(out);
    return ret;
}
