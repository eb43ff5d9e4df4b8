/*
 * Which analyses must run again (see meta_db_runs_check): one statement for
 * all of them reads, per analysis, the bookkeeping of changes of its
 * outcome and time point (data_changes, joined once) and its last recorded
 * run (a probe of analysis_runs by path), never a result row; the
 * comparison is made here.
 */
#include "csv_reader.h"
#include "pg_util.h"
#include "runs_internal.h"
#include "select_rows.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * data_version: the changes of the analysis' key, or of every time point
 * of its outcome when it names none (then data_timepoints counts them, so
 * that a new time point, which would make its choice ambiguous, shows).
 * The keys come as three arrays (path, outcome, time point or NULL), qi
 * their place (from 1); the changes of the keys with a time point are
 * joined once (a hash join over data_changes, not a probe per key); the
 * rows come in no particular order.
 */
static const char check_sql[] =
    "WITH q AS MATERIALIZED ("
    "  SELECT x.qi, x.path, x.outcome, x.tp"
    "    FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY"
    "         AS x(path, outcome, tp, qi))"
    "SELECT q.qi, o.outcome_id,"
    "       CASE WHEN o.outcome_id IS NULL THEN 0"
    "            WHEN q.tp IS NULL THEN (SELECT coalesce(sum(d.changes), 0) FROM data_changes d"
    "                                     WHERE d.outcome_id = o.outcome_id)"
    "            ELSE coalesce(c.changes, 0)"
    "       END AS data_version,"
    "       CASE WHEN q.tp IS NOT NULL THEN NULL"
    "            WHEN o.outcome_id IS NULL THEN 0"
    "            ELSE (SELECT count(*) FROM data_changes d WHERE d.outcome_id = o.outcome_id)"
    "       END AS data_timepoints,"
    "       l.run_id, l.file_sha256, l.outcome_id AS last_outcome_id,"
    "       l.data_version AS last_version, l.data_timepoints AS last_timepoints,"
    "       l.k, l.measure, l.log_scale, l.estimate, l.ci_lower, l.ci_upper, l.tau2, l.i2, l.p,"
    "       l.conclusion, l.subgroup_totals, l.fingerprint, l.load_ids::text AS load_ids"
    "  FROM q LEFT JOIN outcomes o ON o.name = q.outcome"
    "  LEFT JOIN data_changes c ON c.outcome_id = o.outcome_id AND c.timepoint = q.tp"
    "  LEFT JOIN LATERAL (SELECT * FROM analysis_runs r WHERE r.path = q.path"
    "                      ORDER BY r.run_id DESC LIMIT 1) l ON true";

const char *meta_run_staleness_name(enum meta_run_staleness stale)
{
    switch (stale) {
    case META_RUN_CURRENT:
        return "current";
    case META_RUN_NEVER_RAN:
        return "first run";
    case META_RUN_FILE_CHANGED:
        return "file changed";
    case META_RUN_DATA_CHANGED:
        return "data changed";
    }
    return "?";
}

void meta_run_states_release(struct meta_run_state *states, size_t n)
{
    for (size_t i = 0; states && i < n; i++) {
        free(states[i].last_load_ids);
        states[i].last_load_ids = NULL;
        states[i].n_last_loads = 0;
    }
}

void meta_runs_find_columns(const PGresult *res, struct meta_runs_columns *c)
{
    c->k = PQfnumber(res, "k");
    c->measure = PQfnumber(res, "measure");
    c->log_scale = PQfnumber(res, "log_scale");
    c->estimate = PQfnumber(res, "estimate");
    c->ci_lower = PQfnumber(res, "ci_lower");
    c->ci_upper = PQfnumber(res, "ci_upper");
    c->tau2 = PQfnumber(res, "tau2");
    c->i2 = PQfnumber(res, "i2");
    c->p = PQfnumber(res, "p");
    c->conclusion = PQfnumber(res, "conclusion");
    c->subgroup_totals = PQfnumber(res, "subgroup_totals");
}

void meta_runs_read_result(const PGresult *res, int row, const struct meta_runs_columns *c,
                           struct meta_run_result *out)
{
    memset(out, 0, sizeof *out);
    out->k = meta_pg_int_at(res, row, c->k);
    snprintf(out->measure, sizeof out->measure, "%s", meta_pg_text_at(res, row, c->measure));
    out->log_scale = meta_pg_bool_chk(res, row, c->log_scale, NULL);
    out->estimate = meta_pg_double(res, row, c->estimate);
    out->ci_lower = meta_pg_double(res, row, c->ci_lower);
    out->ci_upper = meta_pg_double(res, row, c->ci_upper);
    out->tau2 = meta_pg_double(res, row, c->tau2);
    out->I2 = meta_pg_double(res, row, c->i2);
    out->p = meta_pg_double(res, row, c->p);
    snprintf(out->conclusion, sizeof out->conclusion, "%s",
             meta_pg_text_at(res, row, c->conclusion));
    int col = c->subgroup_totals;
    out->totals_only = col >= 0 && !PQgetisnull(res, row, col);
    out->n_subgroups = out->totals_only ? strtoll(PQgetvalue(res, row, col), NULL, 10) : 0;
}

static int by_id(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;
    return x < y ? -1 : x > y;
}

int meta_runs_parse_ids(const char *text, long long **ids, size_t *n)
{
    *ids = NULL;
    *n = 0;
    size_t len = strlen(text);
    if (len < 2 || text[0] != '{' || text[len - 1] != '}')
        return META_EDB;
    size_t count = len > 2;
    for (const char *p = text; *p; p++)
        count += *p == ',';
    if (count == 0)
        return META_OK;
    long long *out = malloc(count * sizeof *out);
    if (!out)
        return META_ENOMEM;
    const char *p = text + 1;
    for (size_t i = 0; i < count; i++) {
        char *end;
        out[i] = strtoll(p, &end, 10);
        if (end == p || (*end != ',' && *end != '}')) {
            free(out);
            return META_EDB;
        }
        p = end + 1;
    }
    qsort(out, count, sizeof *out, by_id);
    *ids = out;
    *n = count;
    return META_OK;
}

static int utf8(const char *s)
{
    size_t bad;
    return !s || meta_csv_utf8_valid(s, strlen(s), &bad);
}

/* Whether the history can hold key: text the server takes. */
static int recordable(const struct meta_run_key *key)
{
    return utf8(key->path) && utf8(key->outcome) && utf8(key->timepoint);
}

/* The three array literals of the recordable keys (paths, outcomes, time
 * points) into lit (each caller frees; NULL when out of memory); sent[j] is
 * the index in keys of the j-th key sent. */
static int keys_arrays(const struct meta_run_key *keys, size_t n,
                       const struct meta_run_state *states, char *lit[3], size_t *sent)
{
    const char **cols[3] = {malloc(n * sizeof(char *)), malloc(n * sizeof(char *)),
                            malloc(n * sizeof(char *))};
    size_t m = 0;
    int ret = META_ENOMEM;
    lit[0] = lit[1] = lit[2] = NULL;
    if (!cols[0] || !cols[1] || !cols[2])
        goto cleanup;
    for (size_t i = 0; i < n; i++) {
        if (!states[i].recordable)
            continue;
        sent[m] = i;
        cols[0][m] = keys[i].path;
        cols[1][m] = keys[i].outcome;
        cols[2][m] = keys[i].timepoint; /* NULL: none named */
        m++;
    }
    for (int k = 0; k < 3; k++)
        if (!(lit[k] = meta_select_array_literal(cols[k], m)))
            goto cleanup;
    ret = META_OK;
cleanup:
    for (int k = 0; k < 3; k++)
        free(cols[k]);
    return ret;
}

/* The columns of the check's rows, found once. */
struct check_columns {
    int qi, outcome_id, data_version, data_timepoints, run_id, file_sha256, last_outcome_id,
        last_version, last_timepoints, fingerprint, load_ids;
    struct meta_runs_columns result;
};

static void find_check_columns(const PGresult *res, struct check_columns *c)
{
    c->qi = PQfnumber(res, "qi");
    c->outcome_id = PQfnumber(res, "outcome_id");
    c->data_version = PQfnumber(res, "data_version");
    c->data_timepoints = PQfnumber(res, "data_timepoints");
    c->run_id = PQfnumber(res, "run_id");
    c->file_sha256 = PQfnumber(res, "file_sha256");
    c->last_outcome_id = PQfnumber(res, "last_outcome_id");
    c->last_version = PQfnumber(res, "last_version");
    c->last_timepoints = PQfnumber(res, "last_timepoints");
    c->fingerprint = PQfnumber(res, "fingerprint");
    c->load_ids = PQfnumber(res, "load_ids");
    meta_runs_find_columns(res, &c->result);
}

/* Compares row r of res (for key) with its last run into *st. */
static int read_state(const PGresult *res, int r, const struct check_columns *c,
                      const struct meta_run_key *key, struct meta_run_state *st)
{
    st->outcome_id = meta_pg_int_at(res, r, c->outcome_id);
    st->data_version = meta_pg_int_at(res, r, c->data_version);
    int c_tps = c->data_timepoints;
    st->data_timepoints = PQgetisnull(res, r, c_tps) ? -1 : atoi(PQgetvalue(res, r, c_tps));
    if (PQgetisnull(res, r, c->run_id)) {
        st->stale = META_RUN_NEVER_RAN;
        return META_OK;
    }
    st->last_run_id = meta_pg_int_at(res, r, c->run_id);
    meta_runs_read_result(res, r, &c->result, &st->last);
    snprintf(st->last_fingerprint, sizeof st->last_fingerprint, "%s",
             meta_pg_text_at(res, r, c->fingerprint));
    int ret = meta_runs_parse_ids(meta_pg_text_at(res, r, c->load_ids), &st->last_load_ids,
                                  &st->n_last_loads);
    if (ret != META_OK)
        return ret;
    int c_last_tps = c->last_timepoints;
    int last_tps = PQgetisnull(res, r, c_last_tps) ? -1 : atoi(PQgetvalue(res, r, c_last_tps));
    if (strcmp(meta_pg_text_at(res, r, c->file_sha256), key->file_sha256) != 0)
        st->stale = META_RUN_FILE_CHANGED;
    else if (meta_pg_int_at(res, r, c->last_outcome_id) != st->outcome_id ||
             meta_pg_int_at(res, r, c->last_version) != st->data_version ||
             last_tps != st->data_timepoints)
        st->stale = META_RUN_DATA_CHANGED;
    else
        st->stale = META_RUN_CURRENT;
    return META_OK;
}

int meta_db_runs_check(struct meta_db *db, const struct meta_run_key *keys, size_t n,
                       struct meta_run_state *states, struct meta_error *err)
{
    PGconn *conn = meta_db_pg(db);
    memset(states, 0, n * sizeof *states);
    if (n == 0)
        return META_OK;
    int ret = META_OK;
    PGresult *res = NULL;
    size_t sent = 0;
    for (size_t i = 0; i < n; i++) {
        states[i].stale = META_RUN_NEVER_RAN;
        states[i].data_timepoints = -1;
        sent += (size_t)(states[i].recordable = recordable(&keys[i]));
    }
    if (sent == 0)
        return META_OK;
    char *lit[3] = {NULL, NULL, NULL};
    size_t *index = malloc(sent * sizeof *index);
    if (!index || keys_arrays(keys, n, states, lit, index) != META_OK) {
        ret = meta_error_set(err, META_ENOMEM, "out of memory");
        goto cleanup;
    }
    /* The statement's estimated cost grows with the number of keys, and
     * past a few thousand JIT would compile for longer than it runs (40 ms
     * for 5,000): off for the rest of the transaction (a snapshot), whose
     * batches turn it off anyway. */
    if (PQtransactionStatus(conn) == PQTRANS_INTRANS &&
        (ret = meta_pg_exec(conn, "SET LOCAL jit = off", err,
                            "cannot read the history of the analyses")) != META_OK)
        goto cleanup;
    const char *params[3] = {lit[0], lit[1], lit[2]};
    res = PQexecParams(conn, check_sql, 3, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        ret = meta_pg_error(err, conn, res, "cannot read the history of the analyses");
        goto cleanup;
    }
    if ((size_t)PQntuples(res) != sent) {
        ret = meta_error_set(err, META_EDB, "the history query returned %d rows for %zu analyses",
                             PQntuples(res), sent);
        goto cleanup;
    }
    struct check_columns cols;
    find_check_columns(res, &cols);
    for (int r = 0; r < PQntuples(res) && ret == META_OK; r++) {
        long long at = meta_pg_int_at(res, r, cols.qi);
        size_t qi = at >= 1 && (size_t)at <= sent ? index[at - 1] : n;
        if (qi == n)
            ret = meta_error_set(err, META_EDB, "the history query returned analysis %lld", at);
        else if ((ret = read_state(res, r, &cols, &keys[qi], &states[qi])) != META_OK)
            meta_error_set(err, ret, "cannot read the history of %s", keys[qi].path);
    }
cleanup:
    if (ret != META_OK) {
        meta_run_states_release(states, n);
        memset(states, 0, n * sizeof *states);
    }
    PQclear(res);
    for (int k = 0; k < 3; k++)
        free(lit[k]);
    free(index);
    return ret;
}
