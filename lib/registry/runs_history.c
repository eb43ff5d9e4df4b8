/*
 * The recorded runs of one analysis file (see meta_db_history), oldest
 * first, each with the loads its data came from and which of them the run
 * before did not have: what a living review's report draws its evolution
 * from. Two statements: the runs, then the loads they name.
 */
#include "pg_util.h"
#include "runs_internal.h"

#include <stdlib.h>
#include <string.h>

static const char runs_sql[] =
    "SELECT run_id,"
    "       to_char(ran_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') AS ran_at,"
    "       file_sha256, fingerprint, options::text AS options, load_ids::text AS load_ids,"
    "       k, measure, log_scale, estimate, ci_lower, ci_upper, tau2, i2, p, conclusion,"
    "       subgroup_totals"
    "  FROM analysis_runs WHERE path = $1 ORDER BY run_id";

static const char loads_sql[] =
    "SELECT load_id, file_name, sha256,"
    "       to_char(loaded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') AS loaded_at"
    "  FROM loads WHERE load_id IN (SELECT unnest(load_ids) FROM analysis_runs WHERE path = $1)"
    " ORDER BY load_id";

void meta_history_init(struct meta_history *h)
{
    memset(h, 0, sizeof *h);
}

void meta_history_release(struct meta_history *h)
{
    if (!h)
        return;
    for (size_t i = 0; i < h->n; i++) {
        struct meta_history_run *r = &h->runs[i];
        free(r->ran_at);
        free(r->file_sha256);
        free(r->fingerprint);
        free(r->options);
        for (size_t j = 0; j < r->n_loads; j++) {
            free(r->loads[j].file);
            free(r->loads[j].sha256);
            free(r->loads[j].loaded_at);
        }
        free(r->loads);
        free(r->new_load);
    }
    free(h->runs);
    meta_history_init(h);
}

static int by_id(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;
    return x < y ? -1 : x > y;
}

/* A run's loads from its ids and the loads rows (ordered by load_id, ids in
 * row_ids); prev: the ids of the run before, first: there is none. */
static int fill_loads(struct meta_history_run *run, const long long *ids, size_t n, int first,
                      const long long *prev, size_t n_prev, const PGresult *loads,
                      const long long *row_ids, struct meta_error *err)
{
    if (n == 0)
        return META_OK;
    run->loads = calloc(n, sizeof *run->loads);
    run->new_load = calloc(n, sizeof *run->new_load);
    if (!run->loads || !run->new_load)
        return meta_error_set(err, META_ENOMEM, "out of memory");
    int rows = PQntuples(loads);
    for (size_t j = 0; j < n; j++) {
        const long long *hit = bsearch(&ids[j], row_ids, (size_t)rows, sizeof *row_ids, by_id);
        if (!hit)
            return meta_error_set(err, META_EDB, "run %lld names load %lld, which is not recorded",
                                  run->run_id, ids[j]);
        int r = (int)(hit - row_ids);
        struct meta_select_load *l = &run->loads[run->n_loads++];
        l->load_id = ids[j];
        l->file = strdup(meta_pg_text(loads, r, "file_name"));
        l->sha256 = strdup(meta_pg_text(loads, r, "sha256"));
        l->loaded_at = strdup(meta_pg_text(loads, r, "loaded_at"));
        if (!l->file || !l->sha256 || !l->loaded_at)
            return meta_error_set(err, META_ENOMEM, "out of memory");
        run->new_load[j] = first || !prev || !bsearch(&ids[j], prev, n_prev, sizeof *prev, by_id);
        run->n_new += (size_t)run->new_load[j];
    }
    return META_OK;
}

static char *dup_text(const PGresult *res, int row, const char *name, int *oom)
{
    char *s = strdup(meta_pg_text(res, row, name));
    *oom |= !s;
    return s;
}

int meta_db_history(struct meta_db *db, const char *path, struct meta_history *h,
                    struct meta_error *err)
{
    PGconn *conn = meta_db_pg(db);
    meta_history_init(h);
    const char *params[1] = {path};
    PGresult *runs = NULL, *loads = NULL;
    long long *row_ids = NULL, *prev = NULL, *ids = NULL;
    size_t n_prev = 0, n_ids = 0;
    int ret = META_OK;
    runs = PQexecParams(conn, runs_sql, 1, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(runs) != PGRES_TUPLES_OK) {
        ret = meta_pg_error(err, conn, runs, "cannot read the history of %s", path);
        goto cleanup;
    }
    loads = PQexecParams(conn, loads_sql, 1, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(loads) != PGRES_TUPLES_OK) {
        ret = meta_pg_error(err, conn, loads, "cannot read the loads of %s's runs", path);
        goto cleanup;
    }
    int n = PQntuples(runs), n_loads = PQntuples(loads);
    if (n == 0)
        goto cleanup;
    h->runs = calloc((size_t)n, sizeof *h->runs);
    row_ids = malloc((size_t)(n_loads ? n_loads : 1) * sizeof *row_ids);
    if (!h->runs || !row_ids) {
        ret = meta_error_set(err, META_ENOMEM, "out of memory");
        goto cleanup;
    }
    for (int r = 0; r < n_loads; r++)
        row_ids[r] = meta_pg_int(loads, r, "load_id");
    struct meta_runs_columns cols;
    meta_runs_find_columns(runs, &cols);
    for (int i = 0; i < n; i++) {
        struct meta_history_run *run = &h->runs[h->n++];
        int oom = 0;
        run->run_id = meta_pg_int(runs, i, "run_id");
        run->ran_at = dup_text(runs, i, "ran_at", &oom);
        run->file_sha256 = dup_text(runs, i, "file_sha256", &oom);
        run->fingerprint = dup_text(runs, i, "fingerprint", &oom);
        run->options = dup_text(runs, i, "options", &oom);
        meta_runs_read_result(runs, i, &cols, &run->result);
        if (oom) {
            ret = meta_error_set(err, META_ENOMEM, "out of memory");
            goto cleanup;
        }
        if ((ret = meta_runs_parse_ids(meta_pg_text(runs, i, "load_ids"), &ids, &n_ids))) {
            meta_error_set(err, ret, "run %lld: cannot read its loads", run->run_id);
            goto cleanup;
        }
        ret = fill_loads(run, ids, n_ids, i == 0, prev, n_prev, loads, row_ids, err);
        free(prev);
        prev = ids;
        n_prev = n_ids;
        ids = NULL;
        if (ret != META_OK)
            goto cleanup;
    }
cleanup:
    if (ret != META_OK)
        meta_history_release(h);
    PQclear(runs);
    PQclear(loads);
    free(row_ids);
    free(prev);
    free(ids);
    return ret;
}
