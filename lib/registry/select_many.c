/*
 * Reading many selections in one statement (see meta_db_select_many): the
 * queries go to the server as one JSON array; each resolves its outcome and
 * time point and reads its results and estimates by index probes; meta puts
 * the rows in order (by query, then kind). A result row carries only its
 * numbers, ids and its own attributes: the arms and trials it belongs to
 * are read once per snapshot (select_arms.h) and joined here, as are the
 * values the arm gives where the result gives none. `meta run` of
 * thousands of small analyses so costs a few round trips per batch instead
 * of three per analysis. What does not resolve here is handed to
 * meta_db_select, which finds out why and says so.
 */
#include "csv_reader.h"
#include "pg_util.h"
#include "select_arms.h"
#include "select_rows.h"

#include <errno.h>
#include <json-c/json.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

/*
 * q: the queries; r: those whose outcome exists and whose time point
 * resolves (given and present, or the outcome's only one), with the
 * outcome's id and kind. Then one 's' row per resolved query (its time
 * point and kind), its results ('a', by a range of their primary key) and
 * its estimates ('e', as in select.c, by a range of theirs; OFFSET 0 keeps
 * every lateral subquery a per-row probe). For estimates the server gives
 * year, the `by` value and the attributes asked for by name (`at`, one
 * JSON array in their order); for results, only the result's own year and
 * `by` value: the rest is done in meta (read_arms).
 */
static const char resolve_sql[] =
    "WITH q AS MATERIALIZED ("
    "  SELECT x.qi, x.outcome, x.tp, x.tr, x.ct, x.by, x.at"
    "    FROM jsonb_to_recordset($1::jsonb)"
    "      AS x(qi int, outcome text, tp text, tr text[], ct text[], by text, at text[])),"
    " r AS MATERIALIZED ("
    "  SELECT q.qi, q.tr, q.ct, q.by, q.at, m.outcome_id, m.kind, m.tp FROM q CROSS JOIN LATERAL ("
    "    SELECT o.outcome_id, o.kind, CASE WHEN q.tp IS NULL THEN ("
    "        SELECT CASE WHEN least(s.a_min, s.e_min) = greatest(s.a_max, s.e_max)"
    "                    THEN least(s.a_min, s.e_min) END"
    "          FROM (SELECT"
    "            CASE o.kind"
    "              WHEN 'continuous' THEN (SELECT min(c.timepoint) FROM continuous_results c"
    "                                       WHERE c.outcome_id = o.outcome_id)"
    "              WHEN 'binary' THEN (SELECT min(b.timepoint) FROM binary_results b"
    "                                   WHERE b.outcome_id = o.outcome_id) END AS a_min,"
    "            CASE o.kind"
    "              WHEN 'continuous' THEN (SELECT max(c.timepoint) FROM continuous_results c"
    "                                       WHERE c.outcome_id = o.outcome_id)"
    "              WHEN 'binary' THEN (SELECT max(b.timepoint) FROM binary_results b"
    "                                   WHERE b.outcome_id = o.outcome_id) END AS a_max,"
    "            (SELECT min(e.timepoint) FROM estimate_results e"
    "              WHERE e.outcome_id = o.outcome_id) AS e_min,"
    "            (SELECT max(e.timepoint) FROM estimate_results e"
    "              WHERE e.outcome_id = o.outcome_id) AS e_max) s)"
    "      WHEN (o.kind = 'continuous' AND EXISTS (SELECT FROM continuous_results c"
    "             WHERE c.outcome_id = o.outcome_id AND c.timepoint = q.tp))"
    "        OR (o.kind = 'binary' AND EXISTS (SELECT FROM binary_results b"
    "             WHERE b.outcome_id = o.outcome_id AND b.timepoint = q.tp))"
    "        OR EXISTS (SELECT FROM estimate_results e"
    "             WHERE e.outcome_id = o.outcome_id AND e.timepoint = q.tp)"
    "      THEN q.tp END AS tp"
    "      FROM outcomes o WHERE o.name = q.outcome OFFSET 0) m"
    "   WHERE m.tp IS NOT NULL) ";

/*
 * The rows of all kinds share one narrow shape (batch_columns below): the
 * arm rows' numbers and the estimates' first five share num1..num5, id is
 * an estimate's trial_id and a result's arm_id, and the 's' row gives its
 * time point and kind in trial and treatment. One 's' row per resolved
 * query. ord places an estimate among its query's estimates (NULL on the
 * other rows).
 */
static const char status_sql[] =
    "SELECT 's' AS row_kind, r.qi, NULL::bigint AS id, r.tp AS trial, r.kind AS treatment,"
    "       NULL::boolean AS is_treatment, NULL::float8 AS num1, NULL::float8 AS num2,"
    "       NULL::float8 AS num3, NULL::float8 AS num4, NULL::float8 AS num5,"
    "       NULL::text AS year, NULL::text AS by_value, NULL::text AS attrs,"
    "       NULL::bigint AS load_id, NULL::text AS attr_values, NULL::text AS control,"
    "       NULL::text AS measure, NULL::text AS method, NULL::boolean AS log_scale,"
    "       NULL::boolean AS se_given, NULL::float8 AS n_treatment, NULL::float8 AS n_control,"
    "       NULL::bigint AS ord"
    "  FROM r";

/* The result rows of the queries of one kind: the numbers, the load, the
 * arm's id and what the result's own attributes say; the arm, its trial
 * and the arm's attributes are read once per snapshot (select_arms.h) and
 * joined here. The server keeps only the arms of the lists, probing each
 * row's arm by its primary key for its treatment alone. %s: the value
 * columns, the results table, the kind (constants of this file, never user
 * input). */
static const char arms_sql_fmt[] =
    " UNION ALL "
    "SELECT 'a', r.qi, c.arm_id, NULL, NULL, NULL, %s,"
    "       c.attributes ->> 'year', c.attributes ->> r.by, c.attributes::text, c.load_id,"
    "       NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL"
    "  FROM r CROSS JOIN LATERAL (SELECT * FROM %s x"
    "        WHERE x.outcome_id = r.outcome_id AND x.timepoint = r.tp"
    "          AND EXISTS (SELECT FROM arms m WHERE m.arm_id = x.arm_id"
    "                AND (m.treatment = ANY (r.tr) OR m.treatment = ANY (r.ct))) OFFSET 0) c"
    " WHERE r.kind = '%s'";

static const char continuous_values[] = "c.n::float8, c.mean, c.sd, NULL, NULL";
static const char binary_values[] = "NULL, NULL, NULL, c.events::float8, c.total::float8";

/* The estimate rows, both ways round, each with its place among its
 * query's estimates (ord: by trial, treatment and control, in the
 * database's collation). The statement does not order its rows: sorting
 * them all took the server about as long as finding them, and meta puts
 * them in order (order_rows below). */
static const char estimates_sql[] =
    " UNION ALL "
    "SELECT 'e', r.qi, e.trial_id, t.name, e.treatment, e.treatment = ANY (r.tr),"
    "       e.estimate, e.se, e.ci_lower, e.ci_upper, e.level,"
    "       e.attributes ->> 'year', e.attributes ->> r.by, e.attributes::text, e.load_id,"
    "       CASE WHEN r.at IS NOT NULL THEN"
    "         (SELECT json_agg(e.attributes ->> u.n ORDER BY u.i)"
    "            FROM unnest(r.at) WITH ORDINALITY u(n, i))::text END,"
    "       e.control, e.measure, e.method, e.log_scale, e.se_given,"
    "       e.n_treatment::float8, e.n_control::float8,"
    "       row_number() OVER (PARTITION BY r.qi ORDER BY e.trial_id, e.treatment, e.control)"
    "  FROM r CROSS JOIN LATERAL (SELECT * FROM estimate_results x"
    "        WHERE x.outcome_id = r.outcome_id AND x.timepoint = r.tp"
    "          AND ((x.treatment = ANY (r.tr) AND x.control = ANY (r.ct))"
    "            OR (x.treatment = ANY (r.ct) AND x.control = ANY (r.tr))) OFFSET 0) e"
    "  JOIN trials t ON t.trial_id = e.trial_id";

/* The whole statement into sql (size bytes). */
static void many_sql(char *sql, size_t size)
{
    int used = snprintf(sql, size, "%s%s", resolve_sql, status_sql);
    used += snprintf(sql + used, size - (size_t)used, arms_sql_fmt, continuous_values,
                     "continuous_results", "continuous");
    used += snprintf(sql + used, size - (size_t)used, arms_sql_fmt, binary_values, "binary_results",
                     "binary");
    snprintf(sql + used, size - (size_t)used, "%s", estimates_sql);
}

#define MANY_SQL_SIZE                                                                              \
    (sizeof resolve_sql + sizeof status_sql + 2 * sizeof arms_sql_fmt + 2 * 64 +                   \
     sizeof estimates_sql)

/* Whether s is text the server takes: valid UTF-8 (never NULL here). */
static int valid_text(const char *s)
{
    size_t bad;
    return meta_csv_utf8_valid(s, strlen(s), &bad);
}

/* Whether query q can go into the batch: a valid query (else
 * meta_db_select words what is wrong) whose names are all valid UTF-8
 * (text the server would refuse would fail the whole batch). */
static int batchable(const struct meta_select_query *q)
{
    struct meta_error ignored;
    if (meta_select_check_query(q, &ignored) != META_OK || !valid_text(q->outcome) ||
        (q->timepoint && !valid_text(q->timepoint)) || (q->by && !valid_text(q->by)))
        return 0;
    for (size_t i = 0; i < q->n_treatments; i++)
        if (!valid_text(q->treatments[i]))
            return 0;
    for (size_t i = 0; i < q->n_controls; i++)
        if (!valid_text(q->controls[i]))
            return 0;
    for (size_t i = 0; i < q->n_attributes; i++)
        if (!valid_text(q->attributes[i]))
            return 0;
    return 1;
}

static struct json_object *names_json(const char *const *names, size_t n, int *oom)
{
    struct json_object *arr = json_object_new_array();
    for (size_t i = 0; arr && i < n; i++) {
        struct json_object *s = json_object_new_string(names[i]);
        if (!s || json_object_array_add(arr, s) != 0) {
            json_object_put(s);
            *oom = 1;
        }
    }
    *oom |= !arr;
    return arr;
}

static void add(struct json_object *obj, const char *key, struct json_object *val, int *oom)
{
    if (json_object_object_add(obj, key, val) != 0) {
        json_object_put(val);
        *oom = 1;
    }
}

/* The JSON array of the batchable queries (those with in_batch[i] set). */
static struct json_object *queries_json(const struct meta_select_query *q, size_t n,
                                        const int *in_batch)
{
    int oom = 0;
    struct json_object *arr = json_object_new_array();
    for (size_t i = 0; arr && i < n; i++) {
        if (!in_batch[i])
            continue;
        struct json_object *o = json_object_new_object();
        if (!o || json_object_array_add(arr, o) != 0) {
            json_object_put(o);
            oom = 1;
            break;
        }
        add(o, "qi", json_object_new_int64((int64_t)i), &oom);
        add(o, "outcome", json_object_new_string(q[i].outcome), &oom);
        add(o, "tp", q[i].timepoint ? json_object_new_string(q[i].timepoint) : NULL, &oom);
        add(o, "tr", names_json(q[i].treatments, q[i].n_treatments, &oom), &oom);
        add(o, "ct", names_json(q[i].controls, q[i].n_controls, &oom), &oom);
        add(o, "by", q[i].by ? json_object_new_string(q[i].by) : NULL, &oom);
        add(o, "at",
            q[i].n_attributes ? names_json(q[i].attributes, q[i].n_attributes, &oom) : NULL, &oom);
    }
    if (oom || !arr) {
        json_object_put(arr);
        return NULL;
    }
    return arr;
}

/* Fills sel's outcome, time point, kind and the names of the attributes
 * asked for from query q and the 's' row r
 * of res. */
static int set_outcome(const PGresult *res, int r, const struct meta_select_query *q,
                       struct meta_selection *sel, struct meta_error *err)
{
    const char *kind = meta_pg_text(res, r, "treatment");
    sel->binary = strcmp(kind, "binary") == 0;
    sel->kind = sel->binary                          ? META_KIND_BINARY
                : strcmp(kind, "continuous") == 0    ? META_KIND_CONTINUOUS
                : strcmp(kind, "time-to-event") == 0 ? META_KIND_TIME_TO_EVENT
                                                     : META_KIND_GENERIC;
    sel->outcome = strdup(q->outcome);
    sel->timepoint = strdup(meta_pg_text(res, r, "trial"));
    if (!sel->outcome || !sel->timepoint || meta_select_copy_names(q, sel) != META_OK)
        return meta_error_set(err, META_ENOMEM, "out of memory");
    return META_OK;
}

/* Whether name is one of names (the server's `= ANY`: equal bytes). */
static int listed(const char *name, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(name, names[i]) == 0)
            return 1;
    return 0;
}

/* A result row of a query and its arm, to be put in the order of the
 * registry's other readers: by trial, then arm. */
struct arm_row {
    int row;
    struct meta_arm_info *arm;
    enum meta_select_side side;
};

static int cmp_arm_row(const void *x, const void *y)
{
    const struct meta_arm_info *a = ((const struct arm_row *)x)->arm;
    const struct meta_arm_info *b = ((const struct arm_row *)y)->arm;
    if (a->trial_id != b->trial_id)
        return (a->trial_id > b->trial_id) - (a->trial_id < b->trial_id);
    return (a->arm_id > b->arm_id) - (a->arm_id < b->arm_id);
}

/* The value of attribute name of arm, copied into *out unless *out is set
 * already (the result's own value). */
static int arm_value(struct meta_arm_info *arm, const char *name, char **out,
                     struct meta_error *err)
{
    const char *v;
    int ret;
    if (*out || (ret = meta_arm_info_attr(arm, name, &v, err)) != META_OK)
        return *out ? META_OK : ret;
    if (v && !(*out = strdup(v)))
        return meta_error_set(err, META_ENOMEM, "out of memory");
    return META_OK;
}

/* s copied to *at, which moves past it and its NUL. */
static char *copy_name(const char *s, char **at)
{
    size_t len = strlen(s) + 1;
    char *d = memcpy(*at, s, len);
    *at += len;
    return d;
}

/* Completes arm a (its result read from the row) from its arm's record:
 * trial, label, treatment (copied to *names, which moves past them), side,
 * and where the result has none, the arm's year, `by` value and values of
 * the attributes asked for. META_EINVAL for an arm's value that is not
 * text (the query is then read alone). */
static int join_arm(struct meta_arm_info *arm, const struct meta_select_query *q, size_t n_values,
                    enum meta_select_side side, char **names, struct meta_select_arm *a,
                    struct meta_error *err)
{
    a->trial_id = arm->trial_id;
    a->side = side;
    a->trial = copy_name(arm->trial, names);
    a->label = copy_name(arm->label, names);
    a->treatment = copy_name(arm->treatment, names);
    if (n_values > 0 && !a->values && !(a->values = calloc(n_values, sizeof *a->values)))
        return meta_error_set(err, META_ENOMEM, "out of memory");
    int ret = arm_value(arm, "year", &a->year, err);
    if (ret == META_OK && q->by)
        ret = arm_value(arm, q->by, &a->by_value, err);
    for (size_t i = 0; ret == META_OK && i < n_values; i++)
        ret = arm_value(arm, q->attributes[i], &a->values[i], err);
    return ret;
}

/* Reads the count result rows of order (kind 'a') of query q into sel's
 * arms, joined with their arms from cache: those of q's lists, by trial
 * and arm. META_EINVAL when an arm is not in the cache, or a value the
 * query takes from an arm's attributes is not text: the query is then read
 * alone. */
static int read_arms(const PGresult *res, const int *cols, int c_arm, const int *order,
                     size_t count, const struct meta_arm_cache *cache,
                     const struct meta_select_query *q, struct meta_selection *sel,
                     struct meta_error *err)
{
    if (count == 0)
        return META_OK;
    struct arm_row *rows = malloc(count * sizeof *rows);
    if (!rows)
        return meta_error_set(err, META_ENOMEM, "out of memory");
    size_t n = 0;
    int ret = META_OK;
    for (size_t k = 0; k < count; k++) {
        int i = order[k];
        int bad = 0;
        long long arm_id = meta_pg_int_chk(res, i, c_arm, &bad);
        if (bad) {
            ret = meta_error_set(err, META_EDB, "a result's arm came back malformed");
            goto cleanup;
        }
        struct meta_arm_info *arm = meta_arm_cache_get(cache, arm_id);
        if (!arm) {
            ret = meta_error_set(err, META_EINVAL, "an arm of the selection is gone");
            goto cleanup;
        }
        if (listed(arm->treatment, q->treatments, q->n_treatments))
            rows[n++] = (struct arm_row){i, arm, META_SIDE_TREATMENT};
        else if (listed(arm->treatment, q->controls, q->n_controls))
            rows[n++] = (struct arm_row){i, arm, META_SIDE_CONTROL};
    }
    qsort(rows, n, sizeof *rows, cmp_arm_row);
    size_t names_size = 0;
    for (size_t k = 0; k < n; k++)
        names_size += strlen(rows[k].arm->trial) + strlen(rows[k].arm->label) +
                      strlen(rows[k].arm->treatment) + 3;
    if (n > 0 &&
        (!(sel->arms = calloc(n, sizeof *sel->arms)) || !(sel->arm_names = malloc(names_size)))) {
        ret = meta_error_set(err, META_ENOMEM, "out of memory");
        goto cleanup;
    }
    char *names = sel->arm_names;
    for (size_t k = 0; k < n && ret == META_OK; k++) {
        struct meta_select_arm *a = &sel->arms[sel->count++];
        ret = meta_select_read_result(res, rows[k].row, cols, (const char *const *)sel->attributes,
                                      sel->n_attributes, a, err);
        if (ret == META_OK)
            ret = join_arm(rows[k].arm, q, sel->n_attributes, rows[k].side, &names, a, err);
    }
cleanup:
    free(rows);
    return ret;
}

/* Reads the arms of every result row of res into cache, those it lacks in
 * one statement; first forgets all it holds when beyond its bound. */
static int fetch_arms(PGconn *conn, const PGresult *res, int c_kind, int c_arm,
                      struct meta_arm_cache *cache, struct meta_error *err)
{
    int rows = PQntuples(res);
    meta_arm_cache_trim(cache);
    for (int i = 0; i < rows; i++) {
        if (PQgetvalue(res, i, c_kind)[0] != 'a')
            continue;
        int held, bad = 0, ret;
        long long arm_id = meta_pg_int_chk(res, i, c_arm, &bad);
        if (bad)
            return meta_error_set(err, META_EDB, "a result's arm came back malformed");
        if ((ret = meta_arm_cache_want(cache, arm_id, &held, err)) != META_OK)
            return ret;
    }
    return meta_arm_cache_fetch(conn, cache, err);
}

/* The batch's columns in the roles of meta_select_columns_as: the arms'
 * numbers and the estimates' first five share num1..num5, trial_id is id;
 * a result row's label is never read here (its arm gives it). */
static const char *const batch_columns[META_SELECT_NCOLS] = {
    "row_kind",    "id",      "trial",   "trial",  "treatment",   "is_treatment", "num1",
    "num2",        "num3",    "num4",    "num5",   "year",        "by_value",     "attrs",
    "attr_values", "control", "measure", "method", "log_scale",   "num1",         "num2",
    "se_given",    "num3",    "num4",    "num5",   "n_treatment", "n_control",    "load_id"};

/* The place of a row among its query's rows: result rows first, then
 * estimates, then the 's' row. */
static size_t kind_rank(char kind)
{
    return kind == 'a' ? 0 : kind == 's' ? 2 : 1;
}

/* An estimate row and its place among its query's estimates. */
struct placed {
    int row;
    long long ord;
};

static int by_ord(const void *x, const void *y)
{
    long long a = ((const struct placed *)x)->ord, b = ((const struct placed *)y)->ord;
    return (a > b) - (a < b);
}

/*
 * Puts the rows of res in the order the reader takes them into order
 * (PQntuples entries), and the end of each query's rows into ends (n
 * entries: query i's rows are order[ends[i - 1] .. ends[i] - 1]): by query,
 * then kind (kind_rank), the estimates by ord. What the server's ORDER BY
 * qi, row_kind, id, treatment, control gave, but for the order of a
 * query's result rows among themselves, which read_arms sets. A counting
 * sort by query and kind: a batch's rows in one pass, no comparison but
 * among a query's estimates.
 */
static int order_rows(const PGresult *res, int c_qi, int c_kind, int c_ord, size_t n, int *order,
                      size_t *ends, struct meta_error *err)
{
    int rows = PQntuples(res), ret = META_OK;
    size_t *start = calloc(3 * n + 1, sizeof *start);
    unsigned *key = malloc((size_t)(rows ? rows : 1) * sizeof *key);
    if (!start || !key) {
        ret = meta_error_set(err, META_ENOMEM, "out of memory");
        goto cleanup;
    }
    for (int i = 0; i < rows; i++) {
        int bad = 0;
        long long qi = meta_pg_int_chk(res, i, c_qi, &bad);
        if (bad || qi < 0 || (size_t)qi >= n) {
            ret = meta_error_set(err, META_EDB, "the selection query returned query %lld", qi);
            goto cleanup;
        }
        key[i] = (unsigned)((size_t)qi * 3 + kind_rank(PQgetvalue(res, i, c_kind)[0]));
        start[key[i] + 1]++;
    }
    for (size_t k = 1; k <= 3 * n; k++)
        start[k] += start[k - 1];
    for (size_t i = 0; i < n; i++)
        ends[i] = start[3 * i + 3];
    for (int i = 0; i < rows; i++)
        order[start[key[i]]++] = i;
    /* Each query's estimates now lie in order[start[3i] .. start[3i + 1] - 1]
     * (start[k] moved to the end of bucket k). */
    for (size_t i = 0; i < n && ret == META_OK; i++) {
        size_t first = start[3 * i], last = start[3 * i + 1];
        if (last - first < 2)
            continue;
        struct placed *p = malloc((last - first) * sizeof *p);
        if (!p) {
            ret = meta_error_set(err, META_ENOMEM, "out of memory");
            break;
        }
        int bad = 0;
        for (size_t j = first; j < last; j++)
            p[j - first] = (struct placed){order[j], meta_pg_int_chk(res, order[j], c_ord, &bad)};
        if (bad) {
            free(p);
            ret = meta_error_set(err, META_EDB, "an estimate's place came back malformed");
            break;
        }
        qsort(p, last - first, sizeof *p, by_ord);
        for (size_t j = first; j < last; j++)
            order[j] = p[j - first].row;
        free(p);
    }
cleanup:
    free(start);
    free(key);
    return ret;
}

/* What the batch's rows gave for one query. */
enum batch_outcome { UNRESOLVED = 0 /* as calloc leaves it */, RESOLVED, MALFORMED };

/* Reads the rows of res into out, in the order of order_rows (each query's
 * result rows, then its estimates, then its 's' row), the arms joined from
 * cache (read from conn where it lacks them); resolved[i] says whether
 * query i came back resolved (enum batch_outcome; MALFORMED with errs[i]
 * saying why). */
static int read_batch(PGconn *conn, const PGresult *res, const struct meta_select_query *q,
                      size_t n, struct meta_arm_cache *cache, struct meta_selection *out,
                      int *resolved, struct meta_error *errs, struct meta_error *err)
{
    int cols[META_SELECT_NCOLS];
    int ret = meta_select_columns_as(res, batch_columns, cols, err);
    int c_qi = PQfnumber(res, "qi"), c_kind = PQfnumber(res, "row_kind"),
        c_arm = PQfnumber(res, "id"), c_ord = PQfnumber(res, "ord");
    if (ret == META_OK && (c_qi < 0 || c_kind < 0 || c_arm < 0 || c_ord < 0))
        ret = meta_error_set(err, META_EDB, "the selection query lacks a column");
    if (ret == META_OK)
        ret = fetch_arms(conn, res, c_kind, c_arm, cache, err);
    if (ret != META_OK)
        return ret;
    int rows = PQntuples(res);
    int *order = malloc((size_t)(rows ? rows : 1) * sizeof *order);
    size_t *ends = malloc((n ? n : 1) * sizeof *ends);
    if (!order || !ends)
        ret = meta_error_set(err, META_ENOMEM, "out of memory");
    else
        ret = order_rows(res, c_qi, c_kind, c_ord, n, order, ends, err);
    for (size_t qi = 0, first = 0; ret == META_OK && qi < n; first = ends[qi++]) {
        size_t last = ends[qi], estimates = first;
        if (first == last)
            continue; /* not resolved */
        while (estimates < last && PQgetvalue(res, order[estimates], c_kind)[0] == 'a')
            estimates++;
        /* The 's' row sorts last. */
        if (PQgetvalue(res, order[last - 1], c_kind)[0] != 's') {
            ret = meta_error_set(err, META_EDB, "query %zu has rows but no outcome", qi);
            break;
        }
        struct meta_selection *sel = &out[qi];
        int rc = set_outcome(res, order[last - 1], &q[qi], sel, &errs[qi]);
        if (rc == META_OK)
            rc = meta_select_read_rows(res, cols, order + estimates, last - 1 - estimates, sel,
                                       &errs[qi]);
        if (rc == META_OK)
            rc = read_arms(res, cols, c_arm, order + first, estimates - first, cache, &q[qi], sel,
                           &errs[qi]);
        if (rc == META_ENOMEM)
            ret = meta_error_set(err, rc, "out of memory");
        /* Rows the server sent malformed (a cell of another type than the
         * statement's) fail the query with errs[qi]: read alone instead,
         * the fault would only show as one round trip per query. */
        resolved[qi] = rc == META_OK ? RESOLVED : rc == META_EDB ? MALFORMED : UNRESOLVED;
    }
    free(order);
    free(ends);
    return ret;
}

/* Resets what send_batch set. After an error in a transaction (a
 * snapshot), which then takes no command, the settings go with it at its
 * end. */
static int reset_settings(PGconn *conn, struct meta_error *err)
{
    if (PQtransactionStatus(conn) == PQTRANS_INERROR)
        return META_OK;
    return meta_pg_exec(conn, "RESET enable_seqscan; RESET plan_cache_mode", err,
                        "cannot read the selections");
}

/*
 * The statement is prepared once per connection and planned once, with
 * settings that fit it: JIT would compile for longer than it runs, and the
 * per-row probes of arms and trials must stay index probes even where the
 * planner prices a sequential scan of a small table lower (scanning it for
 * each of thousands of result rows costs several times more). The
 * settings hold while it runs and are reset once its rows are read
 * (batch_rows). The statement is sent without waiting for its rows, which
 * come in binary format: the numbers as their stored bits (no decimal text
 * spelled by the server and read back here), the text columns as bytes.
 */
static int send_batch(struct meta_db *db, const char *json, struct meta_error *err)
{
    PGconn *conn = meta_db_pg(db);
    int ret = meta_pg_exec(conn,
                           "SET jit = off; SET enable_seqscan = off;"
                           " SET plan_cache_mode = force_generic_plan",
                           err, "cannot read the selections");
    if (ret == META_OK) {
        char sql[MANY_SQL_SIZE];
        many_sql(sql, sizeof sql);
        ret = meta_db_prepare(db, "meta_select_many", sql, 1, err);
    }
    const char *params[1] = {json};
    if (ret == META_OK && !PQsendQueryPrepared(conn, "meta_select_many", 1, params, NULL, NULL, 1))
        ret = meta_pg_error(err, conn, NULL, "cannot read the selections");
    if (ret != META_OK)
        reset_settings(conn, NULL);
    return ret;
}

/* Waits for the rows of the statement send_batch sent into *res, then
 * resets the settings. */
static int batch_rows(struct meta_db *db, PGresult **res, struct meta_error *err)
{
    PGconn *conn = meta_db_pg(db);
    int ret = META_OK;
    *res = PQgetResult(conn);
    if (PQresultStatus(*res) != PGRES_TUPLES_OK)
        ret = meta_pg_error(err, conn, *res, "cannot read the selections");
    PGresult *more;
    while ((more = PQgetResult(conn)) != NULL)
        PQclear(more);
    int rc = reset_settings(conn, ret == META_OK ? err : NULL);
    return ret == META_OK ? rc : ret;
}

/*
 * Reads query q alone with meta_db_select into *status and *qerr. Inside a
 * transaction (a snapshot) a statement that fails would abort it, and every
 * later selection with it: a savepoint keeps the failure to this query.
 * Returns META_OK, or the failure that ends the batch (the connection lost,
 * out of memory).
 */
static int select_alone(struct meta_db *db, const struct meta_select_query *q,
                        struct meta_selection *out, int *status, struct meta_error *qerr,
                        struct meta_error *err)
{
    PGconn *conn = meta_db_pg(db);
    int in_tx = PQtransactionStatus(conn) == PQTRANS_INTRANS;
    int ret;
    if (in_tx &&
        (ret = meta_pg_exec(conn, "SAVEPOINT meta_select", err, "cannot read a selection")))
        return ret;
    *status = meta_db_select(db, q, out, qerr);
    if (*status == META_ENOMEM)
        return meta_error_set(err, META_ENOMEM, "out of memory");
    if (PQstatus(conn) != CONNECTION_OK)
        return meta_error_set(err, META_EDB, "%s", qerr->msg);
    if (!in_tx)
        return META_OK;
    if (*status == META_EDB)
        return meta_pg_exec(conn, "ROLLBACK TO SAVEPOINT meta_select", err,
                            "cannot read a selection");
    return meta_pg_exec(conn, "RELEASE SAVEPOINT meta_select", err, "cannot read a selection");
}

int meta_db_select_many_send(struct meta_db *db, const struct meta_select_query *q, size_t n,
                             struct meta_select_batch *batch, struct meta_error *err)
{
    int ret = META_OK;
    struct json_object *arr = NULL;
    *batch = (struct meta_select_batch){q, n, calloc(n ? n : 1, sizeof *batch->in_batch), 0, 0};
    if (!batch->in_batch)
        return meta_error_set(err, META_ENOMEM, "out of memory");
    size_t batched = 0;
    for (size_t i = 0; i < n; i++)
        batched += (size_t)(batch->in_batch[i] = batchable(&q[i]));
    if (batched == 0)
        return META_OK;
    /* Outside a snapshot the rows, the arms they join and what is read
     * alone come from one read-only transaction, so from one state of the
     * registry. */
    PGconn *conn = meta_db_pg(db);
    if (!meta_db_in_snapshot(db) && PQtransactionStatus(conn) == PQTRANS_IDLE) {
        if ((ret = meta_pg_exec(conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", err,
                                "cannot read the selections")) != META_OK)
            return ret;
        batch->own_tx = 1;
    }
    if (!(arr = queries_json(q, n, batch->in_batch))) {
        ret = meta_error_set(err, META_ENOMEM, "out of memory");
    } else {
        const char *json = json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PLAIN |
                                                                   JSON_C_TO_STRING_NOSLASHESCAPE);
        if (!json)
            ret = meta_error_set(err, META_ENOMEM, "out of memory");
        else if ((ret = send_batch(db, json, err)) == META_OK)
            batch->sent = 1;
    }
    json_object_put(arr);
    return ret;
}

void meta_select_batch_poll(struct meta_db *db, struct meta_select_batch *batch)
{
    /* A failure shows when the rows are read. */
    if (batch->sent)
        (void)PQconsumeInput(meta_db_pg(db));
}

void meta_select_batch_wait(struct meta_db *db, const struct meta_select_batch *batch, int wake_fd)
{
    PGconn *conn = meta_db_pg(db);
    int sock = batch && batch->sent ? PQsocket(conn) : -1;
    for (;;) {
        struct pollfd fds[2] = {{.fd = wake_fd, .events = POLLIN}, {.fd = sock, .events = POLLIN}};
        if (poll(fds, sock >= 0 ? 2 : 1, -1) < 0) {
            if (errno == EINTR)
                continue;
            if (sock < 0)
                return; /* cannot wait: the caller's join waits instead */
            sock = -1;  /* cannot watch the connection: wait for wake_fd alone */
            continue;
        }
        if (fds[0].revents)
            return;
        /* A connection that fails is not watched again; its rows say why. */
        if (fds[1].revents && (!PQconsumeInput(conn) || (fds[1].revents & (POLLERR | POLLHUP))))
            sock = -1;
    }
}

void meta_select_batch_release(struct meta_db *db, struct meta_select_batch *batch)
{
    if (batch->sent) {
        PGresult *res;
        while ((res = PQgetResult(meta_db_pg(db))) != NULL)
            PQclear(res);
        reset_settings(meta_db_pg(db), NULL);
    }
    if (batch->own_tx && PQtransactionStatus(meta_db_pg(db)) != PQTRANS_IDLE)
        (void)meta_pg_exec(meta_db_pg(db), "ROLLBACK", NULL, "cannot read the selections");
    free(batch->in_batch);
    *batch = (struct meta_select_batch){0};
}

int meta_db_select_many_finish(struct meta_db *db, struct meta_select_batch *batch,
                               struct meta_selection *out, int *status, struct meta_error *errs,
                               struct meta_error *err)
{
    PGconn *conn = meta_db_pg(db);
    const struct meta_select_query *q = batch->q;
    size_t n = batch->n;
    int ret = META_OK;
    PGresult *res = NULL;
    struct meta_arm_cache *own_arms = NULL; /* outside a snapshot: this batch's */
    int *resolved = calloc(n ? n : 1, sizeof *resolved);
    for (size_t i = 0; i < n; i++) {
        meta_selection_init(&out[i]);
        meta_error_clear(&errs[i]);
        status[i] = META_OK;
    }
    if (!resolved || !batch->in_batch) {
        ret = meta_error_set(err, META_ENOMEM, "out of memory");
        goto cleanup;
    }
    if (batch->sent) {
        batch->sent = 0;
        if ((ret = batch_rows(db, &res, err)) != META_OK)
            goto cleanup;
        struct meta_arm_cache *arms = meta_db_arm_cache(db);
        if (!arms && !(arms = own_arms = meta_arm_cache_new())) {
            ret = meta_error_set(err, META_ENOMEM, "out of memory");
            goto cleanup;
        }
        if ((ret = read_batch(conn, res, q, n, arms, out, resolved, errs, err)) != META_OK)
            goto cleanup;
    }
    /* A query that did not resolve, or names what no row carries, is read
     * alone: meta_db_select says why, or finds the names known. */
    for (size_t i = 0; i < n; i++) {
        if (resolved[i] == MALFORMED) {
            meta_selection_release(&out[i]);
            status[i] = META_EDB;
            continue;
        }
        if (resolved[i] == RESOLVED && !meta_select_unmatched(&q[i], &out[i])) {
            status[i] = META_OK;
            continue;
        }
        resolved[i] = UNRESOLVED;
        meta_selection_release(&out[i]);
        if ((ret = select_alone(db, &q[i], &out[i], &status[i], &errs[i], err)) != META_OK)
            goto cleanup;
    }
    /* Those read alone have their provenance from meta_db_select; those
     * that failed need none. */
    for (size_t i = 0; i < n; i++)
        resolved[i] = resolved[i] == RESOLVED ? META_OK : META_EINVAL;
    ret = meta_select_provenance(conn, out, n, resolved, err);
    if (ret == META_OK && batch->own_tx) {
        batch->own_tx = 0;
        ret = meta_pg_exec(conn, "COMMIT", err, "cannot read the selections");
    }

cleanup:
    if (ret != META_OK)
        for (size_t i = 0; i < n; i++) {
            status[i] = ret;
            meta_error_set(&errs[i], ret, "%s", err->msg);
        }
    PQclear(res);
    meta_arm_cache_free(own_arms);
    free(resolved);
    meta_select_batch_release(db, batch);
    return ret;
}

int meta_db_select_many(struct meta_db *db, const struct meta_select_query *q, size_t n,
                        struct meta_selection *out, int *status, struct meta_error *errs,
                        struct meta_error *err)
{
    struct meta_select_batch batch;
    int ret = meta_db_select_many_send(db, q, n, &batch, err);
    if (ret != META_OK) {
        meta_select_batch_release(db, &batch);
        for (size_t i = 0; i < n; i++) {
            meta_selection_init(&out[i]);
            status[i] = ret;
            meta_error_set(&errs[i], ret, "%s", err->msg);
        }
        return ret;
    }
    return meta_db_select_many_finish(db, &batch, out, status, errs, err);
}
