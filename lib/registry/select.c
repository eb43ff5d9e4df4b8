/*
 * Reading the arms of a selection (see meta_select.h). The happy path is two
 * parameterised statements: one resolves the outcome and its time point, one
 * returns the selected arms, planned with the real outcome id so that the
 * server's estimates fit the outcome's size. Only when the selection fails
 * to resolve do the small diagnostic queries run that list the choices.
 */
#include "close_match.h"
#include "meta_select.h"
#include "pg_util.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* How many choices an error message lists before "and N more". */
#define MAX_LISTED 20

/*
 * The outcome and its time point, in one small statement: tp_min and tp_max
 * (two probes of the results' primary key) tell whether the outcome has one
 * time point; tp_ok whether the asked or defaulted one exists (min() again,
 * so that the probe uses the index whatever the statistics say; OFFSET 0
 * keeps m from being flattened, which would probe twice). It also
 * turns JIT compilation off for the session: the arms query below is planned
 * with estimates in the hundreds of thousands of rows on large registries,
 * where JIT would spend far more time compiling than the query takes.
 */
static const char resolve_sql[] =
    "SELECT set_config('jit', 'off', false) AS jit, m.outcome_id, m.kind, m.tp_min, m.tp_max,"
    "  CASE WHEN $2::text IS NULL THEN m.tp_min = m.tp_max"
    "       WHEN m.kind = 'continuous'"
    "       THEN (SELECT min(c.timepoint) FROM continuous_results c"
    "             WHERE c.outcome_id = m.outcome_id AND c.timepoint >= $2::text) = $2::text"
    "       ELSE (SELECT min(b.timepoint) FROM binary_results b"
    "             WHERE b.outcome_id = m.outcome_id AND b.timepoint >= $2::text) = $2::text"
    "  END AS tp_ok"
    " FROM (SELECT o.outcome_id, o.kind,"
    "         CASE o.kind WHEN 'continuous'"
    "           THEN (SELECT min(c.timepoint) FROM continuous_results c"
    "                 WHERE c.outcome_id = o.outcome_id)"
    "           ELSE (SELECT min(b.timepoint) FROM binary_results b"
    "                 WHERE b.outcome_id = o.outcome_id) END AS tp_min,"
    "         CASE o.kind WHEN 'continuous'"
    "           THEN (SELECT max(c.timepoint) FROM continuous_results c"
    "                 WHERE c.outcome_id = o.outcome_id)"
    "           ELSE (SELECT max(b.timepoint) FROM binary_results b"
    "                 WHERE b.outcome_id = o.outcome_id) END AS tp_max"
    "       FROM outcomes o WHERE o.name = $1::text OFFSET 0) m";

/*
 * The arms: the results of (outcome_id, timepoint) by primary-key range,
 * then each arm and its trial by primary key, keeping the listed treatments.
 * OFFSET 0 keeps the lateral subquery a per-row primary-key probe: without
 * it the planner may hash-join a sequential scan of all arms, which costs
 * the whole registry on every call. %s is the results table and %s its
 * result columns (constants of this file, never user input).
 */
static const char arms_sql_fmt[] =
    "SELECT a.trial_id, a.trial, r.arm_id, a.label, a.treatment,"
    "       a.treatment = ANY ($3::text[]) AS is_treatment, %s, a.year, a.by_value"
    "  FROM %s r CROSS JOIN LATERAL ("
    "    SELECT x.trial_id, x.label, x.treatment, tr.name AS trial,"
    "           x.attributes ->> 'year' AS year, x.attributes ->> $5::text AS by_value"
    "      FROM arms x JOIN trials tr ON tr.trial_id = x.trial_id"
    "     WHERE x.arm_id = r.arm_id"
    "       AND (x.treatment = ANY ($3::text[]) OR x.treatment = ANY ($4::text[]))"
    "    OFFSET 0) a"
    " WHERE r.outcome_id = $1::bigint AND r.timepoint = $2::text"
    " ORDER BY a.trial_id, r.arm_id";

static const char continuous_columns[] =
    "r.n::float8 AS n, r.mean, r.sd, NULL::float8 AS events, NULL::float8 AS total";
static const char binary_columns[] = "NULL::float8 AS n, NULL::float8 AS mean, NULL::float8 AS sd,"
                                     " r.events::float8 AS events, r.total::float8 AS total";

/* Distinct time points of one outcome by a loose scan of the primary key. */
static const char timepoints_sql_fmt[] =
    "WITH RECURSIVE d(tp) AS ("
    "  (SELECT timepoint FROM %s WHERE outcome_id = $1::bigint ORDER BY timepoint LIMIT 1)"
    "  UNION ALL"
    "  SELECT (SELECT x.timepoint FROM %s x WHERE x.outcome_id = $1::bigint"
    "          AND x.timepoint > d.tp ORDER BY x.timepoint LIMIT 1)"
    "  FROM d WHERE d.tp IS NOT NULL"
    ") SELECT tp FROM d WHERE tp IS NOT NULL";

/* Distinct treatments by a loose scan of arms_treatment_idx. */
static const char treatments_sql[] =
    "WITH RECURSIVE d(name) AS ("
    "  (SELECT treatment FROM arms ORDER BY treatment LIMIT 1)"
    "  UNION ALL"
    "  SELECT (SELECT a.treatment FROM arms a WHERE a.treatment > d.name"
    "          ORDER BY a.treatment LIMIT 1)"
    "  FROM d WHERE d.name IS NOT NULL"
    ") SELECT name FROM d WHERE name IS NOT NULL";

static const char known_names_sql[] =
    "SELECT u.name, EXISTS (SELECT 1 FROM arms a WHERE a.treatment = u.name) AS known"
    " FROM unnest($1::text[]) AS u(name)";

/* ---- Memory -------------------------------------------------------------- */

void meta_selection_init(struct meta_selection *sel)
{
    memset(sel, 0, sizeof *sel);
}

void meta_selection_release(struct meta_selection *sel)
{
    if (!sel)
        return;
    for (size_t i = 0; i < sel->count; i++) {
        struct meta_select_arm *a = &sel->arms[i];
        free(a->trial);
        free(a->label);
        free(a->treatment);
        free(a->year);
        free(a->by_value);
    }
    free(sel->arms);
    for (size_t i = 0; i < sel->n_unmatched; i++)
        free(sel->unmatched[i]);
    free(sel->unmatched);
    free(sel->outcome);
    free(sel->timepoint);
    meta_selection_init(sel);
}

/* ---- Helpers --------------------------------------------------------------- */

/* A PostgreSQL array literal of the names, each element double-quoted with
 * backslashes and quotes escaped: safe for any text. Caller frees. */
static char *array_literal(const char *const *names, size_t count)
{
    size_t len = 3;
    for (size_t i = 0; i < count; i++)
        len += 2 * strlen(names[i]) + 3;
    char *out = malloc(len);
    if (!out)
        return NULL;
    char *p = out;
    *p++ = '{';
    for (size_t i = 0; i < count; i++) {
        if (i)
            *p++ = ',';
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

static double number_or_nan(const PGresult *res, int row, int col)
{
    if (PQgetisnull(res, row, col))
        return NAN;
    return strtod(PQgetvalue(res, row, col), NULL);
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

/* The outcome resolved but its time point did not: lists the time points. */
static int bad_timepoint(PGconn *conn, const char *outcome, const char *outcome_id,
                         const char *kind, const char *asked, struct meta_error *err)
{
    const char *table = strcmp(kind, "binary") == 0 ? "binary_results" : "continuous_results";
    char sql[sizeof timepoints_sql_fmt + 64];
    snprintf(sql, sizeof sql, timepoints_sql_fmt, table, table);
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
                             "outcome '%s' has several time points: %s (choose one with "
                             "--timepoint)",
                             outcome, list);
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
    char *lit = array_literal((const char *const *)names, count);
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

static int check_query(const struct meta_select_query *q, struct meta_error *err)
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
    return META_OK;
}

/* Reads the arm rows of res into sel. */
static int read_arms(const PGresult *res, struct meta_selection *sel, struct meta_error *err)
{
    int rows = PQntuples(res);
    int c_tid = PQfnumber(res, "trial_id"), c_trial = PQfnumber(res, "trial");
    int c_label = PQfnumber(res, "label"), c_treat = PQfnumber(res, "treatment");
    int c_side = PQfnumber(res, "is_treatment");
    int c_n = PQfnumber(res, "n"), c_mean = PQfnumber(res, "mean"), c_sd = PQfnumber(res, "sd");
    int c_ev = PQfnumber(res, "events"), c_tot = PQfnumber(res, "total");
    int c_year = PQfnumber(res, "year"), c_by = PQfnumber(res, "by_value");
    if (c_tid < 0 || c_trial < 0 || c_label < 0 || c_treat < 0 || c_side < 0 || c_n < 0 ||
        c_mean < 0 || c_sd < 0 || c_ev < 0 || c_tot < 0 || c_year < 0 || c_by < 0)
        return meta_error_set(err, META_EDB, "the selection query lacks a column");
    if (rows == 0)
        return META_OK;
    sel->arms = calloc((size_t)rows, sizeof *sel->arms);
    if (!sel->arms)
        return meta_error_set(err, META_ENOMEM, "out of memory");
    for (int i = 0; i < rows; i++) {
        struct meta_select_arm *a = &sel->arms[sel->count++];
        a->trial_id = strtoll(PQgetvalue(res, i, c_tid), NULL, 10);
        a->trial = dup_or_null(res, i, c_trial);
        a->label = dup_or_null(res, i, c_label);
        a->treatment = dup_or_null(res, i, c_treat);
        a->side =
            strcmp(PQgetvalue(res, i, c_side), "t") == 0 ? META_SIDE_TREATMENT : META_SIDE_CONTROL;
        a->n = number_or_nan(res, i, c_n);
        a->mean = number_or_nan(res, i, c_mean);
        a->sd = number_or_nan(res, i, c_sd);
        a->events = number_or_nan(res, i, c_ev);
        a->total = number_or_nan(res, i, c_tot);
        a->year = dup_or_null(res, i, c_year);
        a->by_value = dup_or_null(res, i, c_by);
        if (!a->trial || !a->label || !a->treatment || (!a->year && !PQgetisnull(res, i, c_year)) ||
            (!a->by_value && !PQgetisnull(res, i, c_by)))
            return meta_error_set(err, META_ENOMEM, "out of memory");
    }
    return META_OK;
}

/* Names of the lists that no selected arm carries: unknown ones are an
 * error; known ones are recorded in sel->unmatched. */
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

int meta_db_select(struct meta_db *db, const struct meta_select_query *q,
                   struct meta_selection *out, struct meta_error *err)
{
    meta_selection_init(out);
    int ret = check_query(q, err);
    if (ret != META_OK)
        return ret;
    PGconn *conn = meta_db_pg(db);
    PGresult *res = NULL, *arms = NULL;
    char *treat = array_literal(q->treatments, q->n_treatments);
    char *ctrl = array_literal(q->controls, q->n_controls);
    if (!treat || !ctrl) {
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
        ret = bad_timepoint(conn, q->outcome, outcome_id, kind, q->timepoint, err);
        goto cleanup;
    }
    out->binary = strcmp(kind, "binary") == 0;
    out->outcome = strdup(q->outcome);
    out->timepoint = strdup(q->timepoint ? q->timepoint : PQgetvalue(res, 0, c_min));
    if (!out->outcome || !out->timepoint) {
        ret = meta_error_set(err, META_ENOMEM, "out of memory");
        goto cleanup;
    }
    char sql[sizeof arms_sql_fmt + sizeof binary_columns + 32];
    snprintf(sql, sizeof sql, arms_sql_fmt, out->binary ? binary_columns : continuous_columns,
             out->binary ? "binary_results" : "continuous_results");
    const char *params[5] = {outcome_id, out->timepoint, treat, ctrl, q->by};
    arms = PQexecParams(conn, sql, 5, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(arms) != PGRES_TUPLES_OK) {
        ret = meta_pg_error(err, conn, arms, "cannot read the arms of the selection");
        goto cleanup;
    }
    if ((ret = read_arms(arms, out, err)) != META_OK)
        goto cleanup;
    ret = check_names(conn, q, out, err);
cleanup:
    PQclear(arms);
    PQclear(res);
    free(treat);
    free(ctrl);
    return ret;
}

int meta_db_unknown_attribute(struct meta_db *db, const struct meta_select_query *q,
                              struct meta_error *err)
{
    int ret = META_OK;
    PGconn *conn = meta_db_pg(db);
    char *lit = array_literal(q->treatments, q->n_treatments);
    if (!lit)
        return meta_error_set(err, META_ENOMEM, "out of memory");
    PGresult *res = query_rows(conn,
                               "SELECT DISTINCT jsonb_object_keys(attributes) AS name FROM arms "
                               "WHERE treatment = ANY($1::text[]) ORDER BY 1",
                               lit, err, "cannot list the arms' attributes", &ret);
    free(lit);
    if (!res)
        return ret;
    int rows = PQntuples(res);
    char all[1024] = "", near[1024] = "";
    size_t used = 0;
    for (int i = 0; i < rows && used < sizeof all; i++) {
        int w =
            snprintf(all + used, sizeof all - used, "%s%s", i ? ", " : "", PQgetvalue(res, i, 0));
        used += w > 0 ? (size_t)w : 0;
    }
    if ((ret = close_matches_in(res, q->by, near, sizeof near, err)) != META_OK) {
        PQclear(res);
        return ret;
    }
    if (rows == 0)
        ret = meta_error_set(err, META_EINVAL,
                             "no treatment arm has the attribute '%s' to form subgroups by "
                             "(these arms have no attributes)",
                             q->by);
    else if (near[0])
        ret = meta_error_set(err, META_EINVAL,
                             "no treatment arm has the attribute '%s' to form subgroups by "
                             "(close matches: %s; the treatment arms have: %s)",
                             q->by, near, all);
    else
        ret = meta_error_set(err, META_EINVAL,
                             "no treatment arm has the attribute '%s' to form subgroups by "
                             "(the treatment arms have: %s)",
                             q->by, all);
    PQclear(res);
    return ret;
}
