/*
 * Reading a selection (see meta_select.h). The happy path is two
 * parameterised statements: one resolves the outcome and its time point, one
 * returns the selected arms and estimates, planned with the real outcome id
 * so that the server's estimates fit the outcome's size. Only when the
 * selection fails to resolve do the small diagnostic queries run that list
 * the choices.
 */
#include "close_match.h"
#include "meta_select.h"
#include "pg_util.h"
#include "select_rows.h"

#include <ctype.h>
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* How many choices an error message lists before "and N more". */
#define MAX_LISTED 20

/*
 * The outcome and its time point, in one small statement: tp_min and tp_max
 * (probes of the results' and the estimates' primary keys) tell whether
 * the outcome has one time point; tp_ok whether the asked or defaulted one
 * exists (min() again, so that the probe uses the index whatever the
 * statistics say; OFFSET 0 keeps m from being flattened, which would probe
 * twice). It also turns JIT compilation off for the session: the arms query
 * below is planned with estimates in the hundreds of thousands of rows on
 * large registries, where JIT would spend far more time compiling than the
 * query takes.
 */
static const char resolve_sql[] =
    "SELECT set_config('jit', 'off', false) AS jit, m.outcome_id, m.kind,"
    "  least(m.a_min, m.e_min) AS tp_min, greatest(m.a_max, m.e_max) AS tp_max,"
    "  CASE WHEN $2::text IS NULL THEN least(m.a_min, m.e_min) = greatest(m.a_max, m.e_max)"
    "  ELSE coalesce(CASE m.kind"
    "       WHEN 'continuous' THEN (SELECT min(c.timepoint) FROM continuous_results c"
    "             WHERE c.outcome_id = m.outcome_id AND c.timepoint >= $2::text) = $2::text"
    "       WHEN 'binary' THEN (SELECT min(b.timepoint) FROM binary_results b"
    "             WHERE b.outcome_id = m.outcome_id AND b.timepoint >= $2::text) = $2::text"
    "       END, false)"
    "    OR coalesce((SELECT min(e.timepoint) FROM estimate_results e"
    "             WHERE e.outcome_id = m.outcome_id AND e.timepoint >= $2::text) = $2::text,"
    "       false)"
    "  END AS tp_ok"
    " FROM (SELECT o.outcome_id, o.kind,"
    "         CASE o.kind WHEN 'continuous'"
    "           THEN (SELECT min(c.timepoint) FROM continuous_results c"
    "                 WHERE c.outcome_id = o.outcome_id)"
    "           WHEN 'binary' THEN (SELECT min(b.timepoint) FROM binary_results b"
    "                 WHERE b.outcome_id = o.outcome_id) END AS a_min,"
    "         CASE o.kind WHEN 'continuous'"
    "           THEN (SELECT max(c.timepoint) FROM continuous_results c"
    "                 WHERE c.outcome_id = o.outcome_id)"
    "           WHEN 'binary' THEN (SELECT max(b.timepoint) FROM binary_results b"
    "                 WHERE b.outcome_id = o.outcome_id) END AS a_max,"
    "         (SELECT min(e.timepoint) FROM estimate_results e"
    "           WHERE e.outcome_id = o.outcome_id) AS e_min,"
    "         (SELECT max(e.timepoint) FROM estimate_results e"
    "           WHERE e.outcome_id = o.outcome_id) AS e_max"
    "       FROM outcomes o WHERE o.name = $1::text OFFSET 0) m";

/* The estimate columns of an arm row. */
#define ESTIMATE_NULLS                                                                             \
    " NULL::text AS control, NULL::text AS measure, NULL::text AS method,"                         \
    " NULL::boolean AS log_scale, NULL::float8 AS estimate, NULL::float8 AS se,"                   \
    " NULL::boolean AS se_given, NULL::float8 AS ci_lower, NULL::float8 AS ci_upper,"              \
    " NULL::float8 AS level, NULL::float8 AS n_treatment, NULL::float8 AS n_control"

/*
 * The arms: the results of (outcome_id, timepoint) by primary-key range,
 * then each arm and its trial by primary key, keeping the listed treatments.
 * OFFSET 0 keeps the lateral subquery a per-row primary-key probe: without
 * it the planner may hash-join a sequential scan of all arms, which costs
 * the whole registry on every call. %s is the results table and %s its
 * result columns (constants of this file, never user input). A result's own
 * attributes come first for year, the --by value and the attributes asked
 * for by name ($6, a text array, or NULL: then nothing is computed), then
 * the arm's; those asked for by name come as one JSON array, in their order.
 */
static const char arms_sql_fmt[] =
    "SELECT 'a' AS row_kind, a.trial_id, a.trial, r.arm_id, a.label, a.treatment,"
    "       a.treatment = ANY ($3::text[]) AS is_treatment, %s,"
    "       coalesce(r.attributes ->> 'year', a.year) AS year,"
    "       coalesce(r.attributes ->> $5::text, a.by_value) AS by_value,"
    "       r.attributes::text AS attrs, r.load_id,"
    "       CASE WHEN $6::text[] IS NOT NULL THEN"
    "         (SELECT json_agg(coalesce(r.attributes ->> u.n, a.arm_attributes ->> u.n)"
    "                 ORDER BY u.i) FROM unnest($6::text[]) WITH ORDINALITY u(n, i))::text"
    "       END AS attr_values," ESTIMATE_NULLS "  FROM %s r CROSS JOIN LATERAL ("
    "    SELECT x.trial_id, x.label, x.treatment, tr.name AS trial,"
    "           x.attributes ->> 'year' AS year, x.attributes ->> $5::text AS by_value,"
    "           x.attributes AS arm_attributes"
    "      FROM arms x JOIN trials tr ON tr.trial_id = x.trial_id"
    "     WHERE x.arm_id = r.arm_id"
    "       AND (x.treatment = ANY ($3::text[]) OR x.treatment = ANY ($4::text[]))"
    "    OFFSET 0) a"
    " WHERE r.outcome_id = $1::bigint AND r.timepoint = $2::text"
    " UNION ALL ";

/* The estimates: a range of their primary key (outcome_id, timepoint, ...),
 * a probe of the trials' per row; both ways round. Always last in the
 * statement, which the order of loading then sorts. */
static const char estimates_sql[] =
    "SELECT 'e' AS row_kind, e.trial_id, t.name AS trial, NULL::bigint AS arm_id,"
    "       NULL::text AS label, e.treatment, e.treatment = ANY ($3::text[]) AS is_treatment,"
    "       NULL::float8 AS n, NULL::float8 AS mean, NULL::float8 AS sd,"
    "       NULL::float8 AS events, NULL::float8 AS total,"
    "       e.attributes ->> 'year' AS year, e.attributes ->> $5::text AS by_value,"
    "       e.attributes::text AS attrs, e.load_id,"
    "       CASE WHEN $6::text[] IS NOT NULL THEN"
    "         (SELECT json_agg(e.attributes ->> u.n ORDER BY u.i)"
    "            FROM unnest($6::text[]) WITH ORDINALITY u(n, i))::text"
    "       END AS attr_values, e.control, e.measure, e.method,"
    "       e.log_scale, e.estimate, e.se, e.se_given, e.ci_lower, e.ci_upper, e.level,"
    "       e.n_treatment::float8 AS n_treatment, e.n_control::float8 AS n_control"
    "  FROM estimate_results e JOIN trials t ON t.trial_id = e.trial_id"
    " WHERE e.outcome_id = $1::bigint AND e.timepoint = $2::text"
    "   AND ((e.treatment = ANY ($3::text[]) AND e.control = ANY ($4::text[]))"
    "     OR (e.treatment = ANY ($4::text[]) AND e.control = ANY ($3::text[])))"
    " ORDER BY trial_id, row_kind, arm_id, treatment, control";

static const char continuous_columns[] =
    "r.n::float8 AS n, r.mean, r.sd, NULL::float8 AS events, NULL::float8 AS total";
static const char binary_columns[] = "NULL::float8 AS n, NULL::float8 AS mean, NULL::float8 AS sd,"
                                     " r.events::float8 AS events, r.total::float8 AS total";

/* Distinct time points of one outcome by a loose scan of a primary key; %s
 * is the table, twice. */
static const char timepoints_sql_fmt[] =
    "SELECT tp FROM (WITH RECURSIVE d(tp) AS ("
    "  (SELECT timepoint FROM %s WHERE outcome_id = $1::bigint ORDER BY timepoint LIMIT 1)"
    "  UNION ALL"
    "  SELECT (SELECT x.timepoint FROM %s x WHERE x.outcome_id = $1::bigint"
    "          AND x.timepoint > d.tp ORDER BY x.timepoint LIMIT 1)"
    "  FROM d WHERE d.tp IS NOT NULL"
    ") SELECT tp FROM d WHERE tp IS NOT NULL) s";

/* Distinct treatments by a loose scan of arms_treatment_idx, and the sides
 * of estimates. */
static const char treatments_sql[] =
    "WITH RECURSIVE d(name) AS ("
    "  (SELECT treatment FROM arms ORDER BY treatment LIMIT 1)"
    "  UNION ALL"
    "  SELECT (SELECT a.treatment FROM arms a WHERE a.treatment > d.name"
    "          ORDER BY a.treatment LIMIT 1)"
    "  FROM d WHERE d.name IS NOT NULL"
    ") SELECT name FROM d WHERE name IS NOT NULL"
    " UNION SELECT treatment FROM estimate_results UNION SELECT control FROM estimate_results"
    " ORDER BY 1";

static const char known_names_sql[] =
    "SELECT u.name, EXISTS (SELECT 1 FROM arms a WHERE a.treatment = u.name)"
    "   OR EXISTS (SELECT 1 FROM estimate_results e WHERE e.treatment = u.name)"
    "   OR EXISTS (SELECT 1 FROM estimate_results e WHERE e.control = u.name) AS known"
    " FROM unnest($1::text[]) AS u(name)";

/* ---- Memory -------------------------------------------------------------- */

void meta_selection_init(struct meta_selection *sel)
{
    memset(sel, 0, sizeof *sel);
}

static void free_attrs(struct meta_select_attr *attrs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(attrs[i].name);
        free(attrs[i].value);
    }
    free(attrs);
}

static void free_strings(char **list, size_t n)
{
    for (size_t i = 0; list && i < n; i++)
        free(list[i]);
    free(list);
}

void meta_selection_release(struct meta_selection *sel)
{
    if (!sel)
        return;
    for (size_t i = 0; i < sel->count; i++) {
        struct meta_select_arm *a = &sel->arms[i];
        if (!sel->arm_names) {
            free(a->trial);
            free(a->label);
            free(a->treatment);
        }
        free(a->year);
        free(a->by_value);
        free_attrs(a->attrs, a->n_attrs);
        free_strings(a->values, sel->n_attributes);
    }
    free(sel->arms);
    free(sel->arm_names);
    for (size_t i = 0; i < sel->n_estimates; i++) {
        struct meta_select_estimate *e = &sel->estimates[i];
        free(e->trial);
        free(e->treatment);
        free(e->control);
        free(e->measure);
        free(e->year);
        free(e->by_value);
        free_attrs(e->attrs, e->n_attrs);
        free_strings(e->values, sel->n_attributes);
    }
    free(sel->estimates);
    for (size_t i = 0; i < sel->n_loads; i++) {
        free(sel->loads[i].file);
        free(sel->loads[i].sha256);
        free(sel->loads[i].loaded_at);
    }
    free(sel->loads);
    for (size_t i = 0; i < sel->n_unmatched; i++)
        free(sel->unmatched[i]);
    free(sel->unmatched);
    free_strings(sel->attributes, sel->n_attributes);
    free(sel->outcome);
    free(sel->timepoint);
    meta_selection_init(sel);
}

/* ---- Helpers --------------------------------------------------------------- */

char *meta_select_array_literal(const char *const *names, size_t count)
{
    size_t len = 3;
    for (size_t i = 0; i < count; i++)
        len += names[i] ? 2 * strlen(names[i]) + 3 : 5;
    char *out = malloc(len);
    if (!out)
        return NULL;
    char *p = out;
    *p++ = '{';
    for (size_t i = 0; i < count; i++) {
        if (i)
            *p++ = ',';
        if (!names[i]) {
            memcpy(p, "NULL", 4);
            p += 4;
            continue;
        }
        *p++ = '"';
        for (const char *c = names[i]; *c; c++) {
            if (*c == '"' || *c == '\\')
                *p++ = '\\';
            *p++ = *c;
        }
        *p++ = '"';
    }
    *p++ = '}';
    *p = '\0';
    return out;
}

static char *dup_or_null(const PGresult *res, int row, int col)
{
    if (PQgetisnull(res, row, col))
        return NULL;
    return strdup(PQgetvalue(res, row, col));
}

/* Appends "'a', 'b', ..." (at most MAX_LISTED, then "and N more") to buf. */
static void list_values(const PGresult *res, int col, char *buf, size_t size)
{
    int rows = PQntuples(res);
    size_t used = strlen(buf);
    for (int i = 0; i < rows && used < size; i++) {
        int w;
        if (i == MAX_LISTED) {
            w = snprintf(buf + used, size - used, " and %d more", rows - MAX_LISTED);
            used += w > 0 ? (size_t)w : 0;
            break;
        }
        w = snprintf(buf + used, size - used, "%s'%s'", i ? ", " : "", PQgetvalue(res, i, col));
        used += w > 0 ? (size_t)w : 0;
    }
}

/* Runs a one-parameter query (param may be NULL for none) expecting rows. */
static PGresult *query_rows(PGconn *conn, const char *sql, const char *param,
                            struct meta_error *err, const char *what, int *ret)
{
    const char *params[1] = {param};
    PGresult *res = PQexecParams(conn, sql, param ? 1 : 0, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        *ret = meta_pg_error(err, conn, res, "%s", what);
        PQclear(res);
        return NULL;
    }
    *ret = META_OK;
    return res;
}

/* ---- Diagnostics ----------------------------------------------------------- */

/* The values of the first column of res that are close to name
 * (meta_close_matches) into out, "" when none. Returns META_OK or
 * META_ENOMEM. */
static int close_matches_in(const PGresult *res, const char *name, char *out, size_t size,
                            struct meta_error *err)
{
    int rows = PQntuples(res);
    const char **names = calloc((size_t)(rows ? rows : 1), sizeof *names);
    if (!names)
        return meta_error_set(err, META_ENOMEM, "out of memory");
    for (int i = 0; i < rows; i++)
        names[i] = PQgetvalue(res, i, 0);
    meta_close_matches(name, names, (size_t)rows, out, size);
    free(names);
    return META_OK;
}

/* The error for a name of kind `what` (outcome, treatment) that the
 * registry, whose names are the first column of known, does not hold. */
static int unknown_name(const PGresult *known, const char *what, const char *name,
                        struct meta_error *err)
{
    char matches[1024];
    int ret = close_matches_in(known, name, matches, sizeof matches, err);
    if (ret != META_OK)
        return ret;
    if (matches[0])
        return meta_error_set(err, META_EINVAL, "unknown %s '%s' (close matches: %s)", what, name,
                              matches);
    return meta_error_set(err, META_EINVAL, "unknown %s '%s' (nothing close; see 'meta list %ss')",
                          what, name, what);
}

static int unknown_outcome(PGconn *conn, const char *outcome, struct meta_error *err)
{
    int ret;
    PGresult *res = query_rows(conn, "SELECT name FROM outcomes ORDER BY name", NULL, err,
                               "cannot list the outcomes", &ret);
    if (!res)
        return ret;
    int rows = PQntuples(res);
    if (rows == 0) {
        PQclear(res);
        return meta_error_set(err, META_EINVAL, "unknown outcome '%s': the registry holds none",
                              outcome);
    }
    ret = unknown_name(res, "outcome", outcome, err);
    PQclear(res);
    return ret;
}

/* The outcome resolved but its time point did not: lists the time points
 * of its arm rows and estimate rows. */
static int bad_timepoint(PGconn *conn, const char *outcome, const char *outcome_id,
                         const char *kind, const char *asked, const char *option,
                         struct meta_error *err)
{
    const char *table = strcmp(kind, "binary") == 0       ? "binary_results"
                        : strcmp(kind, "continuous") == 0 ? "continuous_results"
                                                          : NULL;
    char sql[3 * sizeof timepoints_sql_fmt + 256];
    int used =
        snprintf(sql, sizeof sql, timepoints_sql_fmt, "estimate_results", "estimate_results");
    if (table && used > 0) {
        used += snprintf(sql + used, sizeof sql - (size_t)used, " UNION ");
        snprintf(sql + used, sizeof sql - (size_t)used, timepoints_sql_fmt, table, table);
    }
    strncat(sql, " ORDER BY 1", sizeof sql - strlen(sql) - 1);
    int ret;
    PGresult *res = query_rows(conn, sql, outcome_id, err, "cannot list the time points", &ret);
    if (!res)
        return ret;
    char list[2048] = "";
    list_values(res, 0, list, sizeof list);
    if (PQntuples(res) == 0)
        ret = meta_error_set(err, META_EINVAL, "outcome '%s' holds no results", outcome);
    else if (asked)
        ret = meta_error_set(err, META_EINVAL, "outcome '%s' has no time point '%s' (it has: %s)",
                             outcome, asked, list);
    else
        ret = meta_error_set(err, META_EINVAL,
                             "outcome '%s' has several time points: %s (choose one with %s)",
                             outcome, list, option ? option : "--timepoint");
    PQclear(res);
    return ret;
}

/* An error for the first listed name unknown to the registry with its
 * close matches; META_OK when all are known. */
static int unknown_treatments(PGconn *conn, char *const *names, size_t count,
                              struct meta_error *err)
{
    int ret = META_OK;
    PGresult *known = NULL, *all = NULL;
    char *lit = meta_select_array_literal((const char *const *)names, count);
    if (!lit)
        return meta_error_set(err, META_ENOMEM, "out of memory");
    known = query_rows(conn, known_names_sql, lit, err, "cannot check the treatments", &ret);
    if (!known)
        goto cleanup;
    int first_unknown = -1;
    for (int i = 0; i < PQntuples(known) && first_unknown < 0; i++)
        if (strcmp(PQgetvalue(known, i, 1), "t") != 0)
            first_unknown = i;
    if (first_unknown < 0)
        goto cleanup;
    const char *name = PQgetvalue(known, first_unknown, 0);
    all = query_rows(conn, treatments_sql, NULL, err, "cannot list the treatments", &ret);
    if (!all)
        goto cleanup;
    ret = unknown_name(all, "treatment", name, err);
cleanup:
    PQclear(all);
    PQclear(known);
    free(lit);
    return ret;
}

/* ---- The selection --------------------------------------------------------- */

int meta_select_check_query(const struct meta_select_query *q, struct meta_error *err)
{
    if (!q->outcome || !*q->outcome)
        return meta_error_set(err, META_EINVAL, "no outcome given");
    if (q->n_treatments == 0 || !q->treatments)
        return meta_error_set(err, META_EINVAL, "no treatment given");
    if (q->n_controls == 0 || !q->controls)
        return meta_error_set(err, META_EINVAL, "no control given");
    for (size_t i = 0; i < q->n_treatments; i++)
        for (size_t j = 0; j < q->n_controls; j++)
            if (strcmp(q->treatments[i], q->controls[j]) == 0)
                return meta_error_set(err, META_EINVAL,
                                      "'%s' is both a treatment and a control: an arm can be on "
                                      "one side only",
                                      q->treatments[i]);
    for (size_t i = 0; i < q->n_attributes; i++)
        if (!q->attributes || !q->attributes[i] || !*q->attributes[i])
            return meta_error_set(err, META_EINVAL, "attribute %zu to read has no name", i + 1);
    return META_OK;
}

/*
 * The values of the attributes names[0..n-1] in the result's attributes
 * obj, as `obj ->> name` gives them, into values (n entries, NULL where obj
 * lacks one or holds JSON null). META_EINVAL for a value that is neither a
 * string nor null, whose `->>` text only the server spells.
 */
static int own_values(struct json_object *obj, const char *const *names, size_t n, char **values,
                      struct meta_error *err)
{
    for (size_t i = 0; i < n; i++) {
        struct json_object *v = NULL;
        if (!obj || !json_object_object_get_ex(obj, names[i], &v) || !v)
            continue;
        if (!json_object_is_type(v, json_type_string))
            return meta_error_set(err, META_EINVAL, "attribute '%s' is not text", names[i]);
        if (!(values[i] = strdup(json_object_get_string(v))))
            return meta_error_set(err, META_ENOMEM, "out of memory");
    }
    return META_OK;
}

/* A result's attributes from the text of its JSON object (NULL: none);
 * when names is not NULL, also the values of those n_names attributes
 * (own_values) into *values (an array of n_names, allocated here). */
static int read_attrs(const PGresult *res, int row, int col, struct meta_select_attr **out,
                      size_t *n, const char *const *names, size_t n_names, char ***values,
                      struct meta_error *err)
{
    if (names && n_names > 0 && !(*values = calloc(n_names, sizeof **values)))
        return meta_error_set(err, META_ENOMEM, "out of memory");
    *out = NULL;
    *n = 0;
    if (PQgetisnull(res, row, col))
        return META_OK;
    struct json_object *obj = json_tokener_parse(PQgetvalue(res, row, col));
    if (!obj || !json_object_is_type(obj, json_type_object)) {
        json_object_put(obj);
        return meta_error_set(err, META_EDB, "a result's attributes are not a JSON object");
    }
    int ret = names ? own_values(obj, names, n_names, *values, err) : META_OK;
    if (ret != META_OK)
        goto cleanup;
    size_t count = (size_t)json_object_object_length(obj);
    *out = calloc(count ? count : 1, sizeof **out);
    if (!*out) {
        ret = meta_error_set(err, META_ENOMEM, "out of memory");
        goto cleanup;
    }
    json_object_object_foreach(obj, key, val)
    {
        struct meta_select_attr *a = &(*out)[(*n)++];
        a->name = strdup(key);
        a->value =
            strdup(json_object_is_type(val, json_type_string) ? json_object_get_string(val)
                                                              : json_object_to_json_string(val));
        if (!a->name || !a->value) {
            ret = meta_error_set(err, META_ENOMEM, "out of memory");
            goto cleanup;
        }
    }

cleanup:
    json_object_put(obj);
    return ret;
}

/* The values of the attributes asked for by name, from the JSON array of
 * column col (NULL when none were asked for): n owned strings or NULLs. */
static int read_values(const PGresult *res, int row, int col, size_t n, char ***out,
                       struct meta_error *err)
{
    *out = NULL;
    if (n == 0 || PQgetisnull(res, row, col))
        return META_OK;
    struct json_object *arr = json_tokener_parse(PQgetvalue(res, row, col));
    int ret = META_OK;
    if (!arr || !json_object_is_type(arr, json_type_array) || json_object_array_length(arr) != n) {
        ret = meta_error_set(err, META_EDB, "the attributes asked for came back malformed");
        goto cleanup;
    }
    if (!(*out = calloc(n, sizeof **out))) {
        ret = meta_error_set(err, META_ENOMEM, "out of memory");
        goto cleanup;
    }
    for (size_t i = 0; i < n; i++) {
        struct json_object *v = json_object_array_get_idx(arr, i);
        if (v && !((*out)[i] = strdup(json_object_get_string(v)))) {
            ret = meta_error_set(err, META_ENOMEM, "out of memory");
            goto cleanup;
        }
    }
cleanup:
    json_object_put(arr);
    return ret;
}

/* The columns of the selection query. */
enum {
    C_KIND = 0,
    C_TID,
    C_TRIAL,
    C_LABEL,
    C_TREAT,
    C_SIDE,
    C_N,
    C_MEAN,
    C_SD,
    C_EV,
    C_TOT,
    C_YEAR,
    C_BY,
    C_ATTRS,
    C_VALUES,
    C_CONTROL,
    C_MEASURE,
    C_METHOD,
    C_LOG,
    C_EST,
    C_SE,
    C_SE_GIVEN,
    C_LO,
    C_HI,
    C_LEVEL,
    C_NT,
    C_NC,
    C_LOAD,
    NCOLS
};

_Static_assert(NCOLS == META_SELECT_NCOLS, "select_rows.h counts the columns");

/* A number of a row and where it goes: the column's role (C_*). */
struct number_cell {
    int role;
    double *to;
};

/* Reads the n numbers of row i that cells name; nonzero when one of them
 * did not fit its column's type (meta_pg_double_chk). */
static int read_numbers(const PGresult *res, int i, const int *c, const struct number_cell *cells,
                        size_t n)
{
    int bad = 0;
    for (size_t k = 0; k < n; k++)
        *cells[k].to = meta_pg_double_chk(res, i, c[cells[k].role], &bad);
    return bad;
}

int meta_select_read_result(const PGresult *res, int i, const int *c, const char *const *names,
                            size_t n_values, struct meta_select_arm *a, struct meta_error *err)
{
    const struct number_cell cells[] = {
        {C_N, &a->n}, {C_MEAN, &a->mean}, {C_SD, &a->sd}, {C_EV, &a->events}, {C_TOT, &a->total}};
    int bad = read_numbers(res, i, c, cells, sizeof cells / sizeof cells[0]);
    a->load_id = meta_pg_int_chk(res, i, c[C_LOAD], &bad);
    if (bad)
        return meta_error_set(err, META_EDB, "a result's numbers came back malformed");
    a->year = dup_or_null(res, i, c[C_YEAR]);
    a->by_value = dup_or_null(res, i, c[C_BY]);
    if ((!a->year && !PQgetisnull(res, i, c[C_YEAR])) ||
        (!a->by_value && !PQgetisnull(res, i, c[C_BY])))
        return meta_error_set(err, META_ENOMEM, "out of memory");
    if (names)
        return read_attrs(res, i, c[C_ATTRS], &a->attrs, &a->n_attrs, names, n_values, &a->values,
                          err);
    int ret = read_values(res, i, c[C_VALUES], n_values, &a->values, err);
    if (ret != META_OK)
        return ret;
    return read_attrs(res, i, c[C_ATTRS], &a->attrs, &a->n_attrs, NULL, 0, NULL, err);
}

static int read_arm(const PGresult *res, int i, const int *c, size_t n_values,
                    struct meta_select_arm *a, struct meta_error *err)
{
    int bad = 0;
    a->trial_id = meta_pg_int_chk(res, i, c[C_TID], &bad);
    a->side = meta_pg_bool_chk(res, i, c[C_SIDE], &bad) ? META_SIDE_TREATMENT : META_SIDE_CONTROL;
    if (bad)
        return meta_error_set(err, META_EDB, "an arm's row came back malformed");
    a->trial = dup_or_null(res, i, c[C_TRIAL]);
    a->label = dup_or_null(res, i, c[C_LABEL]);
    a->treatment = dup_or_null(res, i, c[C_TREAT]);
    if (!a->trial || !a->label || !a->treatment)
        return meta_error_set(err, META_ENOMEM, "out of memory");
    return meta_select_read_result(res, i, c, NULL, n_values, a, err);
}

static int read_estimate(const PGresult *res, int i, const int *c, size_t n_values,
                         struct meta_select_estimate *e, struct meta_error *err)
{
    const struct number_cell cells[] = {
        {C_EST, &e->estimate}, {C_SE, &e->se},          {C_LO, &e->ci_lower}, {C_HI, &e->ci_upper},
        {C_LEVEL, &e->level},  {C_NT, &e->n_treatment}, {C_NC, &e->n_control}};
    int bad = read_numbers(res, i, c, cells, sizeof cells / sizeof cells[0]);
    e->trial_id = meta_pg_int_chk(res, i, c[C_TID], &bad);
    e->swapped = !meta_pg_bool_chk(res, i, c[C_SIDE], &bad);
    e->peto = strcmp(PQgetvalue(res, i, c[C_METHOD]), "peto") == 0;
    e->log_scale = meta_pg_bool_chk(res, i, c[C_LOG], &bad);
    e->se_given = meta_pg_bool_chk(res, i, c[C_SE_GIVEN], &bad);
    e->load_id = meta_pg_int_chk(res, i, c[C_LOAD], &bad);
    if (bad)
        return meta_error_set(err, META_EDB, "an estimate's row came back malformed");
    e->trial = dup_or_null(res, i, c[C_TRIAL]);
    e->treatment = dup_or_null(res, i, c[C_TREAT]);
    e->control = dup_or_null(res, i, c[C_CONTROL]);
    e->measure = dup_or_null(res, i, c[C_MEASURE]);
    e->year = dup_or_null(res, i, c[C_YEAR]);
    e->by_value = dup_or_null(res, i, c[C_BY]);
    if (!e->trial || !e->treatment || !e->control || !e->measure ||
        (!e->year && !PQgetisnull(res, i, c[C_YEAR])) ||
        (!e->by_value && !PQgetisnull(res, i, c[C_BY])))
        return meta_error_set(err, META_ENOMEM, "out of memory");
    int ret = read_values(res, i, c[C_VALUES], n_values, &e->values, err);
    if (ret != META_OK)
        return ret;
    return read_attrs(res, i, c[C_ATTRS], &e->attrs, &e->n_attrs, NULL, 0, NULL, err);
}

int meta_select_columns_as(const PGresult *res, const char *const *names, int *c,
                           struct meta_error *err)
{
    for (int k = 0; k < NCOLS; k++)
        if ((c[k] = PQfnumber(res, names[k])) < 0)
            return meta_error_set(err, META_EDB, "the selection query lacks column '%s'", names[k]);
    return META_OK;
}

int meta_select_columns(const PGresult *res, int *c, struct meta_error *err)
{
    static const char *const names[NCOLS] = {
        "row_kind",    "trial_id", "trial",    "label",  "treatment",   "is_treatment", "n",
        "mean",        "sd",       "events",   "total",  "year",        "by_value",     "attrs",
        "attr_values", "control",  "measure",  "method", "log_scale",   "estimate",     "se",
        "se_given",    "ci_lower", "ci_upper", "level",  "n_treatment", "n_control",    "load_id"};
    return meta_select_columns_as(res, names, c, err);
}

/* Appends to sel the n rows of res numbered order[k] for k < n (first + k
 * when order is NULL): see meta_select_read. */
static int read_rows(const PGresult *res, const int *c, const int *order, int first, size_t n,
                     struct meta_selection *sel, struct meta_error *err)
{
    size_t n_est = 0, n_arms = 0;
    for (size_t k = 0; k < n; k++) {
        int i = order ? order[k] : first + (int)k;
        if (PQgetvalue(res, i, c[C_KIND])[0] == 'e')
            n_est++;
        else if (PQgetvalue(res, i, c[C_KIND])[0] == 'a')
            n_arms++;
    }
    if (n_arms > 0 && !(sel->arms = calloc(n_arms, sizeof *sel->arms)))
        return meta_error_set(err, META_ENOMEM, "out of memory");
    if (n_est > 0 && !(sel->estimates = calloc(n_est, sizeof *sel->estimates)))
        return meta_error_set(err, META_ENOMEM, "out of memory");
    for (size_t k = 0; k < n; k++) {
        int i = order ? order[k] : first + (int)k, ret = META_OK;
        char kind = PQgetvalue(res, i, c[C_KIND])[0];
        if (kind == 'e')
            ret = read_estimate(res, i, c, sel->n_attributes, &sel->estimates[sel->n_estimates++],
                                err);
        else if (kind == 'a')
            ret = read_arm(res, i, c, sel->n_attributes, &sel->arms[sel->count++], err);
        if (ret != META_OK)
            return ret;
    }
    return META_OK;
}

int meta_select_read(const PGresult *res, const int *c, int first, int last,
                     struct meta_selection *sel, struct meta_error *err)
{
    return read_rows(res, c, NULL, first, last > first ? (size_t)(last - first) : 0, sel, err);
}

int meta_select_read_rows(const PGresult *res, const int *c, const int *order, size_t n,
                          struct meta_selection *sel, struct meta_error *err)
{
    return read_rows(res, c, order, 0, n, sel, err);
}

int meta_select_unmatched(const struct meta_select_query *q, const struct meta_selection *sel)
{
    size_t total = q->n_treatments + q->n_controls;
    for (size_t i = 0; i < total; i++) {
        const char *name =
            i < q->n_treatments ? q->treatments[i] : q->controls[i - q->n_treatments];
        int seen = 0;
        for (size_t j = 0; j < sel->count && !seen; j++)
            seen = strcmp(sel->arms[j].treatment, name) == 0;
        for (size_t j = 0; j < sel->n_estimates && !seen; j++)
            seen = strcmp(sel->estimates[j].treatment, name) == 0 ||
                   strcmp(sel->estimates[j].control, name) == 0;
        if (!seen)
            return 1;
    }
    return 0;
}

/* Names of the lists that no selected arm or estimate carries: unknown
 * ones are an error; known ones are recorded in sel->unmatched. */
static int check_names(PGconn *conn, const struct meta_select_query *q, struct meta_selection *sel,
                       struct meta_error *err)
{
    size_t total = q->n_treatments + q->n_controls;
    char **missing = calloc(total, sizeof *missing);
    if (!missing)
        return meta_error_set(err, META_ENOMEM, "out of memory");
    size_t n = 0;
    int ret = META_OK;
    for (size_t i = 0; i < total; i++) {
        const char *name =
            i < q->n_treatments ? q->treatments[i] : q->controls[i - q->n_treatments];
        int seen = 0;
        for (size_t j = 0; j < sel->count && !seen; j++)
            seen = strcmp(sel->arms[j].treatment, name) == 0;
        for (size_t j = 0; j < sel->n_estimates && !seen; j++)
            seen = strcmp(sel->estimates[j].treatment, name) == 0 ||
                   strcmp(sel->estimates[j].control, name) == 0;
        for (size_t j = 0; j < n && !seen; j++)
            seen = strcmp(missing[j], name) == 0;
        if (seen)
            continue;
        if (!(missing[n++] = strdup(name))) {
            ret = meta_error_set(err, META_ENOMEM, "out of memory");
            goto cleanup;
        }
    }
    if (n > 0 && (ret = unknown_treatments(conn, missing, n, err)) != META_OK)
        goto cleanup;
    sel->unmatched = missing;
    sel->n_unmatched = n;
    missing = NULL;
    n = 0;
cleanup:
    for (size_t i = 0; i < n; i++)
        free(missing[i]);
    free(missing);
    return ret;
}

int meta_select_copy_names(const struct meta_select_query *q, struct meta_selection *sel)
{
    if (q->n_attributes == 0)
        return META_OK;
    if (!(sel->attributes = calloc(q->n_attributes, sizeof *sel->attributes)))
        return META_ENOMEM;
    sel->n_attributes = q->n_attributes;
    for (size_t i = 0; i < q->n_attributes; i++)
        if (!(sel->attributes[i] = strdup(q->attributes[i])))
            return META_ENOMEM;
    return META_OK;
}

int meta_db_select(struct meta_db *db, const struct meta_select_query *q,
                   struct meta_selection *out, struct meta_error *err)
{
    meta_selection_init(out);
    int ret = meta_select_check_query(q, err);
    if (ret != META_OK)
        return ret;
    PGconn *conn = meta_db_pg(db);
    PGresult *res = NULL, *arms = NULL;
    char *treat = meta_select_array_literal(q->treatments, q->n_treatments);
    char *ctrl = meta_select_array_literal(q->controls, q->n_controls);
    char *wanted =
        q->n_attributes ? meta_select_array_literal(q->attributes, q->n_attributes) : NULL;
    if (!treat || !ctrl || (q->n_attributes && !wanted) ||
        meta_select_copy_names(q, out) != META_OK) {
        ret = meta_error_set(err, META_ENOMEM, "out of memory");
        goto cleanup;
    }
    const char *rparams[2] = {q->outcome, q->timepoint};
    res = PQexecParams(conn, resolve_sql, 2, NULL, rparams, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        ret = meta_pg_error(err, conn, res, "cannot read the outcome");
        goto cleanup;
    }
    if (PQntuples(res) == 0) {
        ret = unknown_outcome(conn, q->outcome, err);
        goto cleanup;
    }
    int c_oid = PQfnumber(res, "outcome_id"), c_kind = PQfnumber(res, "kind");
    int c_min = PQfnumber(res, "tp_min"), c_ok = PQfnumber(res, "tp_ok");
    if (c_oid < 0 || c_kind < 0 || c_min < 0 || c_ok < 0) {
        ret = meta_error_set(err, META_EDB, "the outcome query lacks a column");
        goto cleanup;
    }
    const char *outcome_id = PQgetvalue(res, 0, c_oid);
    const char *kind = PQgetvalue(res, 0, c_kind);
    if (PQgetisnull(res, 0, c_ok) || strcmp(PQgetvalue(res, 0, c_ok), "t") != 0) {
        ret = bad_timepoint(conn, q->outcome, outcome_id, kind, q->timepoint, q->timepoint_option,
                            err);
        goto cleanup;
    }
    out->binary = strcmp(kind, "binary") == 0;
    out->kind = out->binary                          ? META_KIND_BINARY
                : strcmp(kind, "continuous") == 0    ? META_KIND_CONTINUOUS
                : strcmp(kind, "time-to-event") == 0 ? META_KIND_TIME_TO_EVENT
                                                     : META_KIND_GENERIC;
    out->outcome = strdup(q->outcome);
    out->timepoint = strdup(q->timepoint ? q->timepoint : PQgetvalue(res, 0, c_min));
    if (!out->outcome || !out->timepoint) {
        ret = meta_error_set(err, META_ENOMEM, "out of memory");
        goto cleanup;
    }
    /* Outcomes with arm rows: their arms, then the estimates; the others
     * hold estimates only. */
    char sql[sizeof arms_sql_fmt + sizeof binary_columns + sizeof estimates_sql + 32];
    sql[0] = '\0';
    if (out->kind == META_KIND_CONTINUOUS || out->kind == META_KIND_BINARY)
        snprintf(sql, sizeof sql, arms_sql_fmt, out->binary ? binary_columns : continuous_columns,
                 out->binary ? "binary_results" : "continuous_results");
    strncat(sql, estimates_sql, sizeof sql - strlen(sql) - 1);
    const char *params[6] = {outcome_id, out->timepoint, treat, ctrl, q->by, wanted};
    arms = PQexecParams(conn, sql, 6, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(arms) != PGRES_TUPLES_OK) {
        ret = meta_pg_error(err, conn, arms, "cannot read the arms of the selection");
        goto cleanup;
    }
    int cols[NCOLS];
    if ((ret = meta_select_columns(arms, cols, err)) != META_OK ||
        (ret = meta_select_read(arms, cols, 0, PQntuples(arms), out, err)) != META_OK ||
        (ret = check_names(conn, q, out, err)) != META_OK)
        goto cleanup;
    ret = meta_select_provenance(conn, out, 1, NULL, err);
cleanup:
    PQclear(arms);
    PQclear(res);
    free(treat);
    free(ctrl);
    free(wanted);
    return ret;
}

/* The attributes a --by could name: of the treatment list's arms ($1), and
 * of the results and estimates of the outcome ($2). */
static const char attribute_names_sql[] =
    "SELECT name FROM ("
    " SELECT jsonb_object_keys(attributes) AS name FROM arms WHERE treatment = ANY($1::text[])"
    " UNION SELECT jsonb_object_keys(r.attributes) FROM continuous_results r"
    "   JOIN outcomes o ON o.outcome_id = r.outcome_id WHERE o.name = $2::text"
    " UNION SELECT jsonb_object_keys(r.attributes) FROM binary_results r"
    "   JOIN outcomes o ON o.outcome_id = r.outcome_id WHERE o.name = $2::text"
    " UNION SELECT jsonb_object_keys(e.attributes) FROM estimate_results e"
    "   JOIN outcomes o ON o.outcome_id = e.outcome_id WHERE o.name = $2::text) k"
    " ORDER BY 1";

int meta_db_unknown_attribute(struct meta_db *db, const struct meta_select_query *q,
                              struct meta_error *err)
{
    return meta_db_missing_attribute(db, q, q->by, "to form subgroups by", err);
}

int meta_db_missing_attribute(struct meta_db *db, const struct meta_select_query *q,
                              const char *name, const char *purpose, struct meta_error *err)
{
    int ret = META_OK;
    PGconn *conn = meta_db_pg(db);
    char *lit = meta_select_array_literal(q->treatments, q->n_treatments);
    if (!lit)
        return meta_error_set(err, META_ENOMEM, "out of memory");
    const char *params[2] = {lit, q->outcome};
    PGresult *res = PQexecParams(conn, attribute_names_sql, 2, NULL, params, NULL, NULL, 0);
    free(lit);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        ret = meta_pg_error(err, conn, res, "cannot list the arms' attributes");
        PQclear(res);
        return ret;
    }
    int rows = PQntuples(res);
    char all[1024] = "", near[1024] = "";
    size_t used = 0;
    for (int i = 0; i < rows && used < sizeof all; i++) {
        int w =
            snprintf(all + used, sizeof all - used, "%s%s", i ? ", " : "", PQgetvalue(res, i, 0));
        used += w > 0 ? (size_t)w : 0;
    }
    if ((ret = close_matches_in(res, name, near, sizeof near, err)) != META_OK) {
        PQclear(res);
        return ret;
    }
    int elsewhere = 0;
    for (int i = 0; i < rows && !elsewhere; i++)
        elsewhere = strcmp(PQgetvalue(res, i, 0), name) == 0;
    if (elsewhere)
        ret = meta_error_set(err, META_EINVAL,
                             "no treatment arm has the attribute '%s' %s (only results or "
                             "estimates of outcome '%s' have it)",
                             name, purpose, q->outcome);
    else if (rows == 0)
        ret = meta_error_set(err, META_EINVAL,
                             "no treatment arm has the attribute '%s' %s (these arms have no "
                             "attributes)",
                             name, purpose);
    else if (near[0])
        ret = meta_error_set(err, META_EINVAL,
                             "no treatment arm has the attribute '%s' %s (close matches: %s; the "
                             "treatment arms have: %s)",
                             name, purpose, near, all);
    else
        ret = meta_error_set(err, META_EINVAL,
                             "no treatment arm has the attribute '%s' %s (the treatment arms "
                             "have: %s)",
                             name, purpose, all);
    PQclear(res);
    return ret;
}
