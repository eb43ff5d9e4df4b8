/*
 * The direct path for a file over stored trials (see load_direct.h): its
 * rows go by binary COPY into one temporary table (no text to parse, no
 * summaries), each arm described once with its first row; one join then
 * matches the arms with the registry's, and the results are matched by
 * arm number, updated where their values change and inserted where new,
 * as the staging path's merge leaves them. Memory holds one trial's rows.
 */
#include "load_binary.h"
#include "load_copy.h"
#include "load_direct.h"
#include "load_stage.h"

#include "pg_util.h"

#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bytes of COPY data gathered before they are sent. */
#define COPY_FLUSH_BYTES (256 * 1024)

/* Fields of a row: the result (9, the arm's number last), then the arm's
 * description (ARM_FIELDS), NULL but on its first row. */
#define ARM_FIELDS 5
#define NFIELDS    (9 + ARM_FIELDS)

static const char create_sql[] =
    "CREATE TEMP TABLE meta_direct_rows ("
    " outcome_no integer, timepoint text, n integer, mean double precision,"
    " sd double precision, events integer, total integer, rattrs jsonb, arm_no bigint,"
    " trial_no bigint, trial text, label text, treatment text, attrs jsonb) ON COMMIT DROP";

static const char copy_sql[] =
    "COPY meta_direct_rows (outcome_no, timepoint, n, mean, sd, events, total, rattrs, arm_no,"
    " trial_no, trial, label, treatment, attrs) FROM STDIN (FORMAT binary)";

/* The file's arms with the registry's (NULL ids: new), whether the file
 * gives one another treatment and whether its attributes add to the
 * stored ones. */
static const char arms_sql[] =
    "CREATE TEMP TABLE meta_direct_arms ON COMMIT DROP AS"
    " SELECT r.arm_no, r.trial_no, r.trial, r.label, r.treatment, r.attrs, t.trial_id, a.arm_id,"
    "        a.treatment <> r.treatment AS other_treatment,"
    "        " META_LOAD_NEW_ATTRS(
        "a.attributes",
        "r.attrs") " AS new_attrs"
                   " FROM meta_direct_rows r LEFT JOIN trials t ON t.name = r.trial"
                   " LEFT JOIN arms a ON a.trial_id = t.trial_id AND a.label = r.label"
                   " WHERE r.trial IS NOT NULL;"
                   "ANALYZE meta_direct_arms (arm_no, arm_id, trial_id)";

/* Statistics of the copied rows, so that a small file over a large
 * registry is matched through the registry's indexes, not by reading it. */
static const char analyze_sql[] = "ANALYZE meta_direct_rows (arm_no, outcome_no, timepoint, trial)";

/* Arms given another treatment, new arms, stored arms given new
 * attributes, and the distinct trials (stored ones by id, new ones by
 * name). */
static const char check_sql[] =
    "SELECT count(*) FILTER (WHERE other_treatment) AS other,"
    " count(*) FILTER (WHERE arm_id IS NULL) AS new_arms,"
    " count(*) FILTER (WHERE new_attrs) AS new_attrs,"
    " (SELECT count(*) FROM (SELECT trial_id FROM meta_direct_arms WHERE trial_id IS NOT NULL"
    "   GROUP BY trial_id) s)"
    " + (SELECT count(*) FROM (SELECT trial FROM meta_direct_arms WHERE trial_id IS NULL"
    "   GROUP BY trial) n) AS trials"
    " FROM meta_direct_arms";

static const char arm_attributes_sql[] = META_LOAD_ARM_ATTRIBUTES_SQL("meta_direct_arms", "attrs");

/* New trials in the order they first appear, new arms by trial and then
 * first appearance (as the staging path numbers them). */
static const char new_trials_sql[] =
    "INSERT INTO trials (name) SELECT trial FROM meta_direct_arms WHERE trial_id IS NULL"
    " GROUP BY trial ORDER BY min(trial_no)";
static const char new_arms_sql[] =
    "WITH n AS ("
    " INSERT INTO arms (trial_id, label, treatment, attributes)"
    " SELECT t.trial_id, m.label, m.treatment, coalesce(m.attrs, '{}')"
    " FROM meta_direct_arms m JOIN trials t ON t.name = m.trial WHERE m.arm_id IS NULL"
    " ORDER BY t.trial_id, m.arm_no RETURNING arm_id, trial_id, label)"
    "UPDATE meta_direct_arms m SET arm_id = n.arm_id FROM n JOIN trials t"
    " ON t.trial_id = n.trial_id WHERE m.arm_id IS NULL AND m.trial = t.name"
    " AND m.label = n.label";

/* The rows of one kind with their ids: %s is the outcomes of that kind as
 * VALUES (number, id); columns: the kind's values. */
#define ROWS_OF(columns)                                                                           \
    "(SELECT m.arm_id, o.id AS outcome_id, x.timepoint, " columns ", x.rattrs"                     \
    " FROM meta_direct_rows x JOIN meta_direct_arms m ON m.arm_no = x.arm_no"                      \
    " JOIN (VALUES %s) o(no, id) ON o.no = x.outcome_no)"

/* The key of a stored result r equals that of a row i. */
#define SAME_KEY "r.outcome_id = i.outcome_id AND r.timepoint = i.timepoint AND r.arm_id = i.arm_id"

/* Stored rows of table whose values change take the new ones (set: the
 * assignments of the kind's values; rows: ROWS_OF them; same: the staging
 * path's comparison) and the load ($1). Returns the outcomes of the rows
 * it stored. */
#define UPDATE_SQL(table, set, rows, same)                                                         \
    "WITH u AS (UPDATE " table " r SET " set ", attributes = i.rattrs, load_id = $1::bigint"       \
    " FROM " rows " i WHERE " SAME_KEY " AND NOT " same " RETURNING r.outcome_id)"                 \
    "SELECT outcome_id, count(*) FROM u GROUP BY outcome_id"

/* The rows of table not stored yet, in index order (columns: the kind's
 * values; rows: ROWS_OF them). Returns the outcomes of the rows it stored. */
#define INSERT_SQL(table, columns, rows)                                                           \
    "WITH n AS (INSERT INTO " table " (arm_id, outcome_id, timepoint, " columns ", attributes,"    \
    " load_id) SELECT i.arm_id, i.outcome_id, i.timepoint, " columns ", i.rattrs, $1::bigint"      \
    " FROM " rows " i WHERE NOT EXISTS (SELECT FROM " table " r WHERE " SAME_KEY ")"               \
    " ORDER BY i.outcome_id, i.timepoint, i.arm_id RETURNING outcome_id)"                          \
    "SELECT outcome_id, count(*) FROM n GROUP BY outcome_id"

static const char update_continuous_fmt[] =
    UPDATE_SQL("continuous_results", "n = i.n, mean = i.mean, sd = i.sd",
               ROWS_OF("x.n, x.mean, x.sd"), META_LOAD_SAME_CONTINUOUS("i.rattrs"));
static const char update_binary_fmt[] =
    UPDATE_SQL("binary_results", "events = i.events, total = i.total", ROWS_OF("x.events, x.total"),
               META_LOAD_SAME_BINARY("i.rattrs"));
static const char insert_continuous_fmt[] =
    INSERT_SQL("continuous_results", "n, mean, sd", ROWS_OF("x.n, x.mean, x.sd"));
static const char insert_binary_fmt[] =
    INSERT_SQL("binary_results", "events, total", ROWS_OF("x.events, x.total"));

struct meta_direct_replace {
    PGconn *conn;
    int copying;
    struct meta_load_buf copy;    /* COPY data not yet sent */
    struct meta_load_buf pending; /* the current trial's rows, without their arms' fields */
    struct meta_load_buf arms;    /* the current trial's arms' fields */
    size_t row_at[META_DIRECT_MAX_ROWS + 1];
    int row_arm[META_DIRECT_MAX_ROWS];
    int nrows;
    size_t arm_at[META_DIRECT_MAX_ARMS], arm_len[META_DIRECT_MAX_ARMS];
    int arm_sent[META_DIRECT_MAX_ARMS];
    long long new_arms, new_attrs, groups;
};

/* ---- The COPY ----------------------------------------------------------------------- */

int meta_direct_flush(PGconn *conn, struct meta_load_buf *b, int force, struct meta_error *err)
{
    if (b->nomem)
        return meta_error_set(err, META_ENOMEM, "out of memory");
    if ((force || b->len >= COPY_FLUSH_BYTES) && b->len > 0) {
        if (PQputCopyData(conn, b->data, (int)b->len) != 1)
            return meta_pg_error(err, conn, NULL, "cannot send rows to the database");
        meta_load_buf_reset(b);
    }
    return META_OK;
}

int meta_direct_copy_begin(PGconn *conn, const char *sql, struct meta_error *err)
{
    PGresult *res = PQexec(conn, sql);
    int ret = META_OK;
    if (PQresultStatus(res) != PGRES_COPY_IN)
        ret = meta_pg_error(err, conn, res, "cannot start copying rows");
    PQclear(res);
    return ret;
}

int meta_direct_copy_end(PGconn *conn, struct meta_load_buf *b, int abort, const char *what,
                         PGresult **refused, struct meta_error *err)
{
    int ret = abort ? META_OK : meta_direct_flush(conn, b, 1, err);
    const char *abort_msg = abort || ret != META_OK ? "meta load: stopped" : NULL;
    if (PQputCopyEnd(conn, abort_msg) != 1 && ret == META_OK)
        ret = meta_pg_error(err, conn, NULL, "cannot send rows to the database");
    PGresult *res, *failed = NULL;
    while ((res = PQgetResult(conn)) != NULL) {
        if (ret == META_OK && !abort_msg && !failed && PQresultStatus(res) != PGRES_COMMAND_OK)
            failed = res;
        else
            PQclear(res);
    }
    if (!failed)
        return ret;
    if (refused) {
        *refused = failed;
        return META_EDB;
    }
    ret = meta_pg_error(err, conn, failed, "%s", what);
    PQclear(failed);
    return ret;
}

/* Local buffers for the table of the rows, for this transaction. The
 * server takes them only before the session's first temporary table (or
 * when they are what it has): a refusal of the value keeps the default. */
static int more_temp_buffers(PGconn *conn, struct meta_error *err)
{
    PGresult *res = PQexec(conn, "SAVEPOINT meta_temp_buffers;"
                                 " SET LOCAL temp_buffers = '64MB';"
                                 " RELEASE SAVEPOINT meta_temp_buffers");
    const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    int ret = META_OK;
    if (PQresultStatus(res) == PGRES_COMMAND_OK)
        ret = META_OK;
    else if (state && strcmp(state, "22023") == 0) /* invalid_parameter_value */
        ret = meta_pg_exec(conn,
                           "ROLLBACK TO SAVEPOINT meta_temp_buffers;"
                           " RELEASE SAVEPOINT meta_temp_buffers",
                           err, "cannot create the table of the rows");
    else
        ret = meta_pg_error(err, conn, res, "cannot create the table of the rows");
    PQclear(res);
    return ret;
}

int meta_direct_replace_begin(PGconn *conn, struct meta_direct_replace **out,
                              struct meta_error *err)
{
    *out = NULL;
    struct meta_direct_replace *r = calloc(1, sizeof *r);
    if (!r)
        return meta_error_set(err, META_ENOMEM, "out of memory");
    r->conn = conn;
    int ret = more_temp_buffers(conn, err);
    if (ret == META_OK)
        ret = meta_pg_exec(conn, create_sql, err, "cannot create the table of the rows");
    if (ret == META_OK && (ret = meta_direct_copy_begin(conn, copy_sql, err)) == META_OK)
        r->copying = 1;
    if (ret != META_OK) {
        meta_direct_replace_free(r);
        return ret;
    }
    meta_bin_header(&r->copy);
    *out = r;
    return META_OK;
}

int meta_direct_replace_row(struct meta_direct_replace *r, int arm, long long arm_no, int outcome,
                            const struct meta_load_row *row, struct meta_error *err)
{
    assert(r->nrows < META_DIRECT_MAX_ROWS && arm >= 0 && arm < META_DIRECT_MAX_ARMS);
    struct meta_load_buf *b = &r->pending;
    r->row_at[r->nrows] = b->len;
    r->row_arm[r->nrows] = arm;
    r->nrows++;
    meta_bin_u16(b, NFIELDS);
    meta_bin_int4(b, outcome);
    meta_bin_text(b, row->timepoint.s, row->timepoint.s ? row->timepoint.len : 0);
    if (row->kind == META_LOAD_CONTINUOUS) {
        meta_bin_int4(b, row->n);
        meta_bin_float8(b, row->mean);
        meta_bin_float8(b, row->sd);
        meta_bin_null(b);
        meta_bin_null(b);
    } else {
        meta_bin_null(b);
        meta_bin_null(b);
        meta_bin_null(b);
        meta_bin_int4(b, row->events);
        meta_bin_int4(b, row->total);
    }
    if (row->n_result_attrs == 0) {
        meta_bin_null(b);
    } else {
        size_t at = meta_bin_jsonb_begin(b);
        meta_load_buf_json_attrs(b, row->result_attrs, row->n_result_attrs);
        meta_bin_jsonb_end(b, at);
    }
    meta_bin_int8(b, arm_no);
    return b->nomem ? meta_error_set(err, META_ENOMEM, "out of memory") : META_OK;
}

int meta_direct_replace_arm(struct meta_direct_replace *r, int arm, long long trial_no,
                            const char *trial, size_t trial_len, const char *label,
                            size_t label_len, const char *treatment, size_t treatment_len,
                            const char *attrs, size_t attrs_len, struct meta_error *err)
{
    assert(arm >= 0 && arm < META_DIRECT_MAX_ARMS);
    struct meta_load_buf *b = &r->arms;
    if (arm == 0)
        meta_load_buf_reset(b);
    r->arm_at[arm] = b->len;
    r->arm_sent[arm] = 0;
    meta_bin_int8(b, trial_no);
    meta_bin_text(b, trial, trial_len);
    meta_bin_text(b, label, label_len);
    meta_bin_text(b, treatment, treatment_len);
    if (attrs && attrs_len > 0)
        meta_bin_jsonb(b, attrs, attrs_len);
    else
        meta_bin_null(b);
    r->arm_len[arm] = b->len - r->arm_at[arm];
    return b->nomem ? meta_error_set(err, META_ENOMEM, "out of memory") : META_OK;
}

int meta_direct_replace_end_trial(struct meta_direct_replace *r, struct meta_error *err)
{
    struct meta_load_buf *p = &r->pending, *b = &r->copy;
    if (p->nomem || r->arms.nomem)
        return meta_error_set(err, META_ENOMEM, "out of memory");
    r->row_at[r->nrows] = p->len;
    int ret = META_OK;
    for (int i = 0; i < r->nrows && ret == META_OK; i++) {
        int a = r->row_arm[i];
        meta_load_buf_put(b, p->data + r->row_at[i], r->row_at[i + 1] - r->row_at[i]);
        if (r->arm_sent[a]) {
            for (int f = 0; f < ARM_FIELDS; f++)
                meta_bin_null(b);
        } else {
            meta_load_buf_put(b, r->arms.data + r->arm_at[a], r->arm_len[a]);
            r->arm_sent[a] = 1;
        }
        ret = meta_direct_flush(r->conn, &r->copy, 0, err);
    }
    meta_load_buf_reset(p);
    r->nrows = 0;
    return ret;
}

int meta_direct_replace_end_copy(struct meta_direct_replace *r, int abort, struct meta_error *err)
{
    if (!r->copying)
        return META_OK;
    r->copying = 0;
    if (!abort)
        meta_bin_trailer(&r->copy);
    return meta_direct_copy_end(r->conn, &r->copy, abort, "cannot copy the rows", NULL, err);
}

/* ---- Matching and storing ----------------------------------------------------------- */

int meta_direct_replace_check(struct meta_direct_replace *r, long long groups,
                              struct meta_error *err)
{
    int ret = meta_pg_exec(r->conn, analyze_sql, err, "cannot analyze the rows");
    if (ret == META_OK)
        ret = meta_pg_exec(r->conn, arms_sql, err, "cannot match the arms");
    if (ret != META_OK)
        return ret;
    PGresult *res = PQexec(r->conn, check_sql);
    if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
        ret = meta_pg_error(err, r->conn, res, "cannot match the arms");
    } else {
        r->new_arms = meta_pg_int(res, 0, "new_arms");
        r->new_attrs = meta_pg_int(res, 0, "new_attrs");
        r->groups = groups;
        if (meta_pg_int(res, 0, "other") > 0 || meta_pg_int(res, 0, "trials") != groups)
            ret = META_DIRECT_STAGE;
    }
    PQclear(res);
    return ret;
}

/* Runs one statement of results (%s: the VALUES of its outcomes) for load
 * load_id, adding the rows it stored to *count and marking their outcomes
 * in touched. */
static int store_kind(struct meta_direct_replace *r, const char *fmt, const char *values,
                      const char *load_id, const struct meta_direct_outcome_id *outcomes,
                      int noutcomes, char *touched, long long *count, struct meta_error *err)
{
    size_t size = strlen(fmt) + strlen(values) + 1;
    char *sql = malloc(size);
    if (!sql)
        return meta_error_set(err, META_ENOMEM, "out of memory");
    snprintf(sql, size, fmt, values);
    PGresult *res = PQexecParams(r->conn, sql, 1, NULL, &load_id, NULL, NULL, 0);
    free(sql);
    int ret = META_OK;
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        ret = meta_pg_error(err, r->conn, res, "cannot store the results");
    } else {
        for (int i = 0; i < PQntuples(res); i++) {
            long long id = strtoll(PQgetvalue(res, i, 0), NULL, 10);
            *count += strtoll(PQgetvalue(res, i, 1), NULL, 10);
            for (int o = 0; o < noutcomes; o++)
                if (outcomes[o].id == id)
                    touched[o] = 1;
        }
    }
    PQclear(res);
    return ret;
}

/* The outcomes of one kind as VALUES rows (number, id) into buf; 0 when
 * the file has none of that kind. */
static int outcome_values(struct meta_load_buf *buf, const struct meta_direct_outcome_id *outcomes,
                          int noutcomes, int binary)
{
    int any = 0;
    meta_load_buf_reset(buf);
    for (int o = 0; o < noutcomes; o++) {
        if (outcomes[o].binary != binary)
            continue;
        meta_load_buf_puts(buf, any ? ",(" : "(");
        meta_load_buf_int(buf, o);
        meta_load_buf_put(buf, ",", 1);
        meta_load_buf_int(buf, outcomes[o].id);
        meta_load_buf_put(buf, "::bigint)", 9);
        any = 1;
    }
    meta_load_buf_put(buf, "", 1);
    return any;
}

int meta_direct_record_outcomes(PGconn *conn, long long load_id,
                                const struct meta_direct_outcome_id *outcomes, int noutcomes,
                                const char *touched, struct meta_error *err)
{
    struct meta_load_buf ids = {0};
    int any = 0;
    meta_load_buf_put(&ids, "{", 1);
    for (int o = 0; o < noutcomes; o++) {
        if (touched && !touched[o])
            continue;
        if (any)
            meta_load_buf_put(&ids, ",", 1);
        meta_load_buf_int(&ids, outcomes[o].id);
        any = 1;
    }
    meta_load_buf_put(&ids, "}", 2);
    int ret = META_OK;
    if (ids.nomem)
        ret = meta_error_set(err, META_ENOMEM, "out of memory");
    else if (any) {
        char id[32];
        snprintf(id, sizeof id, "%lld", load_id);
        const char *params[2] = {id, ids.data};
        PGresult *res = PQexecParams(conn,
                                     "INSERT INTO load_outcomes (load_id, outcome_id)"
                                     " SELECT $1::bigint, unnest($2::bigint[])",
                                     2, NULL, params, NULL, NULL, 0);
        if (PQresultStatus(res) != PGRES_COMMAND_OK)
            ret = meta_pg_error(err, conn, res, "cannot record the load's outcomes");
        PQclear(res);
    }
    meta_load_buf_release(&ids);
    return ret;
}

int meta_direct_replace_store(struct meta_direct_replace *r,
                              const struct meta_direct_outcome_id *outcomes, int noutcomes,
                              const long long rows[2], long long load_id,
                              struct meta_direct_replace_counts *counts, struct meta_error *err)
{
    assert(noutcomes >= 0 && noutcomes <= META_DIRECT_MAX_OUTCOMES);
    memset(counts, 0, sizeof *counts);
    counts->trials = r->groups;
    int ret = META_OK;
    /* No stored arm gains attributes: the update would change nothing. */
    if (r->new_attrs > 0) {
        PGresult *res = PQexec(r->conn, arm_attributes_sql);
        if (PQresultStatus(res) != PGRES_COMMAND_OK)
            ret = meta_pg_error(err, r->conn, res, "cannot store the arms");
        else
            counts->arms_updated = strtoll(PQcmdTuples(res), NULL, 10);
        PQclear(res);
    }
    if (ret == META_OK && r->new_arms > 0 &&
        ((ret = meta_pg_exec(r->conn, new_trials_sql, err, "cannot store the trials")) ||
         (ret = meta_pg_exec(r->conn, new_arms_sql, err, "cannot store the arms"))))
        return ret;
    if (ret != META_OK)
        return ret;

    char id[32], touched[META_DIRECT_MAX_OUTCOMES] = {0};
    snprintf(id, sizeof id, "%lld", load_id);
    struct meta_load_buf values = {0};
    static const char *const fmts[2][2] = {{update_continuous_fmt, insert_continuous_fmt},
                                           {update_binary_fmt, insert_binary_fmt}};
    for (int kind = 0; kind < 2 && ret == META_OK; kind++) {
        if (!outcome_values(&values, outcomes, noutcomes, kind))
            continue;
        if (values.nomem) {
            ret = meta_error_set(err, META_ENOMEM, "out of memory");
            break;
        }
        long long replaced = 0;
        ret = store_kind(r, fmts[kind][0], values.data, id, outcomes, noutcomes, touched, &replaced,
                         err);
        counts->replaced += replaced;
        /* Every row of the kind replaced a stored one (the file gives each
         * key once): none is new, and the search for new rows is not run. */
        if (ret == META_OK && replaced < rows[kind])
            ret = store_kind(r, fmts[kind][1], values.data, id, outcomes, noutcomes, touched,
                             &counts->inserted, err);
    }
    meta_load_buf_release(&values);
    if (ret == META_OK)
        ret = meta_direct_record_outcomes(r->conn, load_id, outcomes, noutcomes, touched, err);
    return ret;
}

void meta_direct_replace_free(struct meta_direct_replace *r)
{
    if (!r)
        return;
    if (r->copying)
        meta_direct_replace_end_copy(r, 1, NULL);
    meta_load_buf_release(&r->copy);
    meta_load_buf_release(&r->pending);
    meta_load_buf_release(&r->arms);
    free(r);
}
