/*
 * Which analyses must run again (see meta_db_runs_check): one statement for
 * all of them reads, per analysis, the bookkeeping of changes of its
 * outcome and time point (a primary-key probe of data_changes) and its last
 * recorded run (a probe of analysis_runs by path), never a result row; the
 * comparison is made here.
 */
#include "csv_reader.h"
#include "pg_util.h"
#include "runs_internal.h"

#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * data_version: the changes of the analysis' key, or of every time point
 * of its outcome when it names none (then data_timepoints counts them, so
 * that a new time point, which would make its choice ambiguous, shows).
 */
static const char check_sql[] =
    "WITH q AS MATERIALIZED ("
    "  SELECT x.qi, x.path, x.outcome, x.tp"
    "    FROM jsonb_to_recordset($1::jsonb) AS x(qi int, path text, outcome text, tp text))"
    "SELECT q.qi, o.outcome_id,"
    "       CASE WHEN o.outcome_id IS NULL THEN 0"
    "            WHEN q.tp IS NULL THEN (SELECT coalesce(sum(d.changes), 0) FROM data_changes d"
    "                                     WHERE d.outcome_id = o.outcome_id)"
    "            ELSE coalesce((SELECT d.changes FROM data_changes d"
    "                            WHERE d.outcome_id = o.outcome_id AND d.timepoint = q.tp), 0)"
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
    "  LEFT JOIN LATERAL (SELECT * FROM analysis_runs r WHERE r.path = q.path"
    "                      ORDER BY r.run_id DESC LIMIT 1) l ON true"
    " ORDER BY q.qi";

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

void meta_runs_read_result(const PGresult *res, int row, struct meta_run_result *out)
{
    memset(out, 0, sizeof *out);
    out->k = meta_pg_int(res, row, "k");
    snprintf(out->measure, sizeof out->measure, "%s", meta_pg_text(res, row, "measure"));
    out->log_scale = meta_pg_text(res, row, "log_scale")[0] == 't';
    out->estimate = meta_pg_double(res, row, PQfnumber(res, "estimate"));
    out->ci_lower = meta_pg_double(res, row, PQfnumber(res, "ci_lower"));
    out->ci_upper = meta_pg_double(res, row, PQfnumber(res, "ci_upper"));
    out->tau2 = meta_pg_double(res, row, PQfnumber(res, "tau2"));
    out->I2 = meta_pg_double(res, row, PQfnumber(res, "i2"));
    out->p = meta_pg_double(res, row, PQfnumber(res, "p"));
    snprintf(out->conclusion, sizeof out->conclusion, "%s", meta_pg_text(res, row, "conclusion"));
    int col = PQfnumber(res, "subgroup_totals");
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

/* The JSON array of the recordable keys: [{"qi", "path", "outcome", "tp"}]. */
static struct json_object *keys_json(const struct meta_run_key *keys, size_t n,
                                     const struct meta_run_state *states)
{
    int oom = 0;
    struct json_object *arr = json_object_new_array();
    for (size_t i = 0; arr && i < n && !oom; i++) {
        if (!states[i].recordable)
            continue;
        struct json_object *o = json_object_new_object();
        if (!o || json_object_array_add(arr, o) != 0) {
            json_object_put(o);
            oom = 1;
            break;
        }
        struct json_object *v[4] = {
            json_object_new_int64((int64_t)i), json_object_new_string(keys[i].path),
            json_object_new_string(keys[i].outcome),
            keys[i].timepoint ? json_object_new_string(keys[i].timepoint) : NULL};
        static const char *const names[4] = {"qi", "path", "outcome", "tp"};
        for (int k = 0; k < 4; k++) {
            if ((!v[k] && k < 3) || json_object_object_add(o, names[k], v[k]) != 0) {
                json_object_put(v[k]);
                oom = 1;
            }
        }
    }
    if (oom || !arr) {
        json_object_put(arr);
        return NULL;
    }
    return arr;
}

/* Compares row r of res (for keys[qi]) with its last run into *st. */
static int read_state(const PGresult *res, int r, const struct meta_run_key *key,
                      struct meta_run_state *st)
{
    st->outcome_id = meta_pg_int(res, r, "outcome_id");
    st->data_version = meta_pg_int(res, r, "data_version");
    int c_tps = PQfnumber(res, "data_timepoints");
    st->data_timepoints = PQgetisnull(res, r, c_tps) ? -1 : atoi(PQgetvalue(res, r, c_tps));
    int c_run = PQfnumber(res, "run_id");
    if (PQgetisnull(res, r, c_run)) {
        st->stale = META_RUN_NEVER_RAN;
        return META_OK;
    }
    st->last_run_id = meta_pg_int(res, r, "run_id");
    meta_runs_read_result(res, r, &st->last);
    snprintf(st->last_fingerprint, sizeof st->last_fingerprint, "%s",
             meta_pg_text(res, r, "fingerprint"));
    int ret = meta_runs_parse_ids(meta_pg_text(res, r, "load_ids"), &st->last_load_ids,
                                  &st->n_last_loads);
    if (ret != META_OK)
        return ret;
    int c_last_tps = PQfnumber(res, "last_timepoints");
    int last_tps = PQgetisnull(res, r, c_last_tps) ? -1 : atoi(PQgetvalue(res, r, c_last_tps));
    if (strcmp(meta_pg_text(res, r, "file_sha256"), key->file_sha256) != 0)
        st->stale = META_RUN_FILE_CHANGED;
    else if (meta_pg_int(res, r, "last_outcome_id") != st->outcome_id ||
             meta_pg_int(res, r, "last_version") != st->data_version ||
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
    struct json_object *arr = keys_json(keys, n, states);
    const char *params[1] = {arr ? json_object_to_json_string_ext(
                                       arr, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)
                                 : NULL};
    if (!params[0]) {
        ret = meta_error_set(err, META_ENOMEM, "out of memory");
        goto cleanup;
    }
    res = PQexecParams(conn, check_sql, 1, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        ret = meta_pg_error(err, conn, res, "cannot read the history of the analyses");
        goto cleanup;
    }
    if ((size_t)PQntuples(res) != sent) {
        ret = meta_error_set(err, META_EDB, "the history query returned %d rows for %zu analyses",
                             PQntuples(res), sent);
        goto cleanup;
    }
    for (int r = 0; r < PQntuples(res) && ret == META_OK; r++) {
        long long qi = meta_pg_int(res, r, "qi");
        if (qi < 0 || (size_t)qi >= n || !states[qi].recordable)
            ret = meta_error_set(err, META_EDB, "the history query returned analysis %lld", qi);
        else if ((ret = read_state(res, r, &keys[qi], &states[qi])) != META_OK)
            meta_error_set(err, ret, "cannot read the history of %s", keys[qi].path);
    }
cleanup:
    if (ret != META_OK) {
        meta_run_states_release(states, n);
        memset(states, 0, n * sizeof *states);
    }
    PQclear(res);
    json_object_put(arr);
    return ret;
}
