/*
 * Recording runs of analysis files (see meta_db_runs_record): every run of
 * one `meta run` in one statement and one transaction, whatever the
 * session's default; the records travel as one JSON array, numbers with the
 * digits that read back as the same double.
 */
#include "csv_reader.h"
#include "pg_util.h"
#include "runs_internal.h"

#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static const char record_sql[] =
    "INSERT INTO analysis_runs (path, file_sha256, options, outcome_id, data_version,"
    "   data_timepoints, fingerprint, load_ids, k, measure, estimate, ci_lower, ci_upper, tau2,"
    "   i2, p, conclusion)"
    " SELECT x.path, x.file_sha256, x.options, x.outcome_id, x.data_version,"
    "        x.data_timepoints, x.fingerprint, x.load_ids, x.k, x.measure, x.estimate,"
    "        x.ci_lower, x.ci_upper, x.tau2, x.i2, x.p, x.conclusion"
    "   FROM jsonb_to_recordset($1::jsonb) AS x(ord int, path text, file_sha256 text, options "
    "jsonb,"
    "        outcome_id bigint, data_version bigint, data_timepoints integer, fingerprint text,"
    "        load_ids bigint[], k integer, measure text, estimate float8, ci_lower float8,"
    "        ci_upper float8, tau2 float8, i2 float8, p float8, conclusion text)"
    "  ORDER BY x.ord";

/* Builder state: any failed allocation sets oom. */
struct jb {
    int oom;
};

static void put(struct jb *b, struct json_object *obj, const char *key, struct json_object *val)
{
    if (json_object_object_add(obj, key, val) != 0) {
        json_object_put(val);
        b->oom = 1;
    }
}

static struct json_object *text(struct jb *b, const char *s)
{
    struct json_object *o = json_object_new_string(s ? s : "");
    b->oom |= !o;
    return o;
}

static struct json_object *integer(struct jb *b, long long v)
{
    struct json_object *o = json_object_new_int64(v);
    b->oom |= !o;
    return o;
}

/* A double as JSON, exactly; NAN and infinities as null. */
static struct json_object *number(struct jb *b, double v)
{
    if (!isfinite(v))
        return NULL;
    char digits[40];
    snprintf(digits, sizeof digits, "%.17g", v);
    struct json_object *o = json_object_new_double_s(v, digits);
    b->oom |= !o;
    return o;
}

static struct json_object *record_json(struct jb *b, const struct meta_run_record *r, size_t ord)
{
    struct json_object *o = json_object_new_object();
    if (!o) {
        b->oom = 1;
        return NULL;
    }
    struct json_object *options = json_tokener_parse(r->options_json ? r->options_json : "{}");
    b->oom |= !options;
    struct json_object *ids = json_object_new_array();
    b->oom |= !ids;
    for (size_t i = 0; ids && i < r->n_loads; i++) {
        struct json_object *id = integer(b, r->load_ids[i]);
        if (json_object_array_add(ids, id) != 0) {
            json_object_put(id);
            b->oom = 1;
        }
    }
    put(b, o, "ord", integer(b, (long long)ord));
    put(b, o, "path", text(b, r->path));
    put(b, o, "file_sha256", text(b, r->file_sha256));
    put(b, o, "options", options);
    put(b, o, "outcome_id", integer(b, r->state->outcome_id));
    put(b, o, "data_version", integer(b, r->state->data_version));
    put(b, o, "data_timepoints",
        r->state->data_timepoints < 0 ? NULL : integer(b, r->state->data_timepoints));
    put(b, o, "fingerprint", text(b, r->fingerprint));
    put(b, o, "load_ids", ids);
    put(b, o, "k", integer(b, r->result.k));
    put(b, o, "measure", text(b, r->result.measure));
    put(b, o, "estimate", number(b, r->result.estimate));
    put(b, o, "ci_lower", number(b, r->result.ci_lower));
    put(b, o, "ci_upper", number(b, r->result.ci_upper));
    put(b, o, "tau2", number(b, r->result.tau2));
    put(b, o, "i2", number(b, r->result.I2));
    put(b, o, "p", number(b, r->result.p));
    put(b, o, "conclusion", text(b, r->result.conclusion));
    return o;
}

static int utf8(const char *s)
{
    size_t bad;
    return !s || meta_csv_utf8_valid(s, strlen(s), &bad);
}

int meta_db_runs_record(struct meta_db *db, const struct meta_run_record *runs, size_t n,
                        struct meta_error *err)
{
    if (n == 0)
        return META_OK;
    for (size_t i = 0; i < n; i++)
        if (!utf8(runs[i].path) || !utf8(runs[i].options_json))
            return meta_error_set(err, META_EINVAL,
                                  "cannot record a run of '%s': its path or options are not "
                                  "valid UTF-8",
                                  runs[i].path);
    PGconn *conn = meta_db_pg(db);
    if (PQtransactionStatus(conn) != PQTRANS_IDLE)
        return meta_error_set(err, META_EINVAL, "runs are recorded outside any transaction");
    struct jb b = {0};
    struct json_object *arr = json_object_new_array();
    b.oom |= !arr;
    for (size_t i = 0; arr && i < n && !b.oom; i++) {
        struct json_object *o = record_json(&b, &runs[i], i);
        if (o && json_object_array_add(arr, o) != 0) {
            json_object_put(o);
            b.oom = 1;
        }
    }
    const char *params[1] = {
        b.oom ? NULL
              : json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PLAIN |
                                                        JSON_C_TO_STRING_NOSLASHESCAPE)};
    int ret = META_OK;
    PGresult *res = NULL;
    if (!params[0]) {
        ret = meta_error_set(err, META_ENOMEM, "out of memory");
        goto cleanup;
    }
    if ((ret = meta_pg_exec(conn, "BEGIN READ WRITE", err, "cannot record the runs")))
        goto cleanup;
    res = PQexecParams(conn, record_sql, 1, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
        ret = meta_pg_error(err, conn, res, "cannot record the runs");
        meta_pg_one_line(err->msg);
        /* class 23: a record the table's constraints refuse */
        if (state && strncmp(state, "23", 2) == 0)
            ret = META_EINVAL;
        PQclear(PQexec(conn, "ROLLBACK"));
        goto cleanup;
    }
    ret = meta_pg_exec(conn, "COMMIT", err, "cannot record the runs");
cleanup:
    PQclear(res);
    json_object_put(arr);
    return ret;
}
