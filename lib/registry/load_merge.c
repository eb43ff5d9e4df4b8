/*
 * Merging the staged rows into the registry (see load_stage.h), set-wise:
 * new trials, arms (attributes merged, later rows winning) and outcomes,
 * then the results with INSERT ... ON CONFLICT DO UPDATE. An upsert refuses
 * to touch one row twice, which is how a trial/arm/outcome/timepoint given
 * twice in the call is found without an extra pass; the detail query that
 * names both lines runs only then.
 */
#include "load_stage.h"

#include "pg_util.h"

#include <stdlib.h>
#include <string.h>

static const char trials_sql[] =
    "INSERT INTO trials (name) SELECT DISTINCT trial FROM meta_stage_arms"
    " ON CONFLICT (name) DO NOTHING";

/* Attributes per arm, from the rows' JSON objects in file order: for a key
 * given twice, jsonb_object_agg keeps the last value. */
static const char attrs_sql[] =
    "CREATE TEMP TABLE meta_stage_attrs ON COMMIT DROP AS"
    " SELECT s.trial, s.arm, jsonb_object_agg(e.key, e.value ORDER BY s.file_no, s.line) AS attrs"
    " FROM meta_stage s CROSS JOIN LATERAL jsonb_each(s.attrs) e"
    " WHERE s.attrs IS NOT NULL GROUP BY s.trial, s.arm";

static const char arms_sql[] =
    "INSERT INTO arms AS a (trial_id, label, treatment)"
    " SELECT t.trial_id, sa.arm, sa.tmin FROM meta_stage_arms sa JOIN trials t ON t.name = sa.trial"
    " ON CONFLICT (trial_id, label) DO NOTHING";

static const char arms_attrs_sql[] =
    "INSERT INTO arms AS a (trial_id, label, treatment, attributes)"
    " SELECT t.trial_id, sa.arm, sa.tmin, coalesce(at.attrs, '{}'::jsonb)"
    " FROM meta_stage_arms sa JOIN trials t ON t.name = sa.trial"
    " LEFT JOIN meta_stage_attrs at ON at.trial = sa.trial AND at.arm = sa.arm"
    " ON CONFLICT (trial_id, label) DO UPDATE SET attributes = a.attributes || EXCLUDED.attributes"
    " WHERE NOT a.attributes @> EXCLUDED.attributes";

static const char outcomes_sql[] =
    "INSERT INTO outcomes (name, kind) SELECT outcome, kmin FROM meta_stage_outcomes"
    " ON CONFLICT (name) DO NOTHING";

/* A stored row equal to the new one keeps its load; xmax = 0 tells an
 * inserted row from an updated one. */
static const char continuous_sql[] =
    "WITH ins AS ("
    " INSERT INTO continuous_results AS r (arm_id, outcome_id, timepoint, n, mean, sd, load_id)"
    " SELECT a.arm_id, o.outcome_id, s.timepoint, s.n, s.mean, s.sd, f.load_id"
    " FROM meta_stage s JOIN meta_stage_files f ON f.file_no = s.file_no"
    " JOIN trials t ON t.name = s.trial"
    " JOIN arms a ON a.trial_id = t.trial_id AND a.label = s.arm"
    " JOIN outcomes o ON o.name = s.outcome"
    " WHERE s.kind = 'continuous'"
    " ON CONFLICT (outcome_id, timepoint, arm_id) DO UPDATE"
    " SET n = EXCLUDED.n, mean = EXCLUDED.mean, sd = EXCLUDED.sd,"
    "     load_id = CASE WHEN r.n = EXCLUDED.n AND r.mean = EXCLUDED.mean AND r.sd = EXCLUDED.sd"
    "                    THEN r.load_id ELSE EXCLUDED.load_id END"
    " RETURNING r.load_id, r.xmax = 0 AS inserted)"
    "SELECT load_id, count(*) FILTER (WHERE inserted) AS inserted,"
    "       count(*) FILTER (WHERE NOT inserted) AS updated"
    " FROM ins GROUP BY load_id";

static const char binary_sql[] =
    "WITH ins AS ("
    " INSERT INTO binary_results AS r (arm_id, outcome_id, timepoint, events, total, load_id)"
    " SELECT a.arm_id, o.outcome_id, s.timepoint, s.events, s.total, f.load_id"
    " FROM meta_stage s JOIN meta_stage_files f ON f.file_no = s.file_no"
    " JOIN trials t ON t.name = s.trial"
    " JOIN arms a ON a.trial_id = t.trial_id AND a.label = s.arm"
    " JOIN outcomes o ON o.name = s.outcome"
    " WHERE s.kind = 'binary'"
    " ON CONFLICT (outcome_id, timepoint, arm_id) DO UPDATE"
    " SET events = EXCLUDED.events, total = EXCLUDED.total,"
    "     load_id = CASE WHEN r.events = EXCLUDED.events AND r.total = EXCLUDED.total"
    "                    THEN r.load_id ELSE EXCLUDED.load_id END"
    " RETURNING r.load_id, r.xmax = 0 AS inserted)"
    "SELECT load_id, count(*) FILTER (WHERE inserted) AS inserted,"
    "       count(*) FILTER (WHERE NOT inserted) AS updated"
    " FROM ins GROUP BY load_id";

/* Every repetition of a key after its first occurrence. */
static const char duplicates_sql[] =
    "SELECT file_no, coalesce(trial_line, line) AS at_line, trial, arm, outcome, timepoint,"
    "       other_file, other_line, count(*) OVER () AS total"
    " FROM (SELECT s.*, first_value(s.file_no) OVER w AS other_file,"
    "              first_value(s.line) OVER w AS other_line, row_number() OVER w AS rn"
    "       FROM meta_stage s"
    "       WINDOW w AS (PARTITION BY trial, arm, outcome, timepoint ORDER BY file_no, line)) d"
    " WHERE rn > 1 ORDER BY file_no, line LIMIT 50";

static const char per_file_sql[] =
    "SELECT file_no, count(DISTINCT trial) AS trials, count(DISTINCT outcome) AS outcomes"
    " FROM meta_stage GROUP BY file_no";

static const char *value(const PGresult *res, int row, const char *name)
{
    int col = PQfnumber(res, name);
    return col >= 0 ? PQgetvalue(res, row, col) : "";
}

static long long number(const PGresult *res, int row, const char *name)
{
    return strtoll(value(res, row, name), NULL, 10);
}

static int exec_command(PGconn *conn, const char *sql, const char *what, struct meta_error *err)
{
    PGresult *res = PQexec(conn, sql);
    int ret = META_OK;
    if (PQresultStatus(res) != PGRES_COMMAND_OK)
        ret = meta_pg_error(err, conn, res, "%s", what);
    PQclear(res);
    return ret;
}

static const char *file_name(const struct meta_load_run *run, long long file_no)
{
    return file_no >= 0 && (size_t)file_no < run->nfiles ? run->files[file_no].name : "?";
}

/* Names every repeated key with the line that gave it first. */
static int report_duplicates(struct meta_load_run *run, struct meta_error *err)
{
    PGresult *res = PQexec(run->conn, duplicates_sql);
    int ret = META_OK;
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        ret = meta_pg_error(err, run->conn, res, "cannot look for repeated rows");
        goto cleanup;
    }
    int n = PQntuples(res);
    for (int r = 0; r < n; r++) {
        char q1[META_LOAD_QUOTE_SIZE], q2[META_LOAD_QUOTE_SIZE], q3[META_LOAD_QUOTE_SIZE],
            q4[META_LOAD_QUOTE_SIZE];
        long long file_no = number(res, r, "file_no");
        const char *trial = value(res, r, "trial"), *arm = value(res, r, "arm");
        const char *outcome = value(res, r, "outcome"), *tp = value(res, r, "timepoint");
        meta_load_errors_at(
            run->errs, file_name(run, file_no), (long)number(res, r, "at_line"),
            meta_load_column(run, file_no, META_LOAD_COL_TRIAL),
            "trial %s, arm %s, outcome %s, timepoint %s is already given at %s:%lld",
            meta_load_quote(q1, sizeof q1, trial, strlen(trial)),
            meta_load_quote(q2, sizeof q2, arm, strlen(arm)),
            meta_load_quote(q3, sizeof q3, outcome, strlen(outcome)),
            meta_load_quote(q4, sizeof q4, tp, strlen(tp)),
            file_name(run, number(res, r, "other_file")), number(res, r, "other_line"));
    }
    if (n > 0 && number(res, 0, "total") > n)
        run->errs->count += (size_t)(number(res, 0, "total") - n);
    if (n == 0) /* the upsert saw a repetition that this query cannot: should not happen */
        ret = meta_error_set(err, META_EDB, "the registry refused rows given twice");

cleanup:
    PQclear(res);
    return ret;
}

/* Runs one result upsert and adds its counts to the files' reports. Returns
 * META_EINVAL when the upsert met a key twice (SQLSTATE 21000). */
static int merge_results(struct meta_load_run *run, const char *sql,
                         struct meta_load_report *report, struct meta_error *err)
{
    PGresult *res = PQexec(run->conn, sql);
    int ret = META_OK;
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
        if (state && strcmp(state, "21000") == 0)
            ret = META_EINVAL;
        else
            ret = meta_pg_error(err, run->conn, res, "cannot store the results");
        goto cleanup;
    }
    for (int r = 0; r < PQntuples(res); r++) {
        long long load_id = number(res, r, "load_id");
        for (size_t i = 0; i < run->nfiles; i++) {
            if (run->files[i].load_id != load_id)
                continue;
            report->files[i].inserted += number(res, r, "inserted");
            report->files[i].replaced += number(res, r, "updated");
        }
    }

cleanup:
    PQclear(res);
    return ret;
}

static int count_per_file(struct meta_load_run *run, struct meta_load_report *report,
                          struct meta_error *err)
{
    PGresult *res = PQexec(run->conn, per_file_sql);
    int ret = META_OK;
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        ret = meta_pg_error(err, run->conn, res, "cannot count the loaded rows");
        goto cleanup;
    }
    for (int r = 0; r < PQntuples(res); r++) {
        long long file_no = number(res, r, "file_no");
        if (file_no < 0 || (size_t)file_no >= run->nfiles)
            continue;
        report->files[file_no].trials = number(res, r, "trials");
        report->files[file_no].outcomes = number(res, r, "outcomes");
    }

cleanup:
    PQclear(res);
    return ret;
}

int meta_load_merge(struct meta_load_run *run, struct meta_load_report *report,
                    struct meta_error *err)
{
    PGconn *conn = run->conn;
    int ret;

    if ((ret = exec_command(conn, trials_sql, "cannot store the trials", err)) ||
        (run->any_attrs &&
         (ret = exec_command(conn, attrs_sql, "cannot gather attributes", err))) ||
        (ret = exec_command(conn, run->any_attrs ? arms_attrs_sql : arms_sql,
                            "cannot store the arms", err)) ||
        (ret = exec_command(conn, outcomes_sql, "cannot store the outcomes", err)) ||
        (ret = exec_command(conn, "SAVEPOINT meta_results", "cannot store the results", err)))
        return ret;
    ret = merge_results(run, continuous_sql, report, err);
    if (ret == META_OK)
        ret = merge_results(run, binary_sql, report, err);
    if (ret == META_EINVAL) {
        if ((ret = exec_command(conn, "ROLLBACK TO SAVEPOINT meta_results",
                                "cannot look for repeated rows", err)) == META_OK &&
            (ret = report_duplicates(run, err)) == META_OK)
            ret = META_EINVAL;
        return ret;
    }
    if (ret != META_OK || (ret = count_per_file(run, report, err)) != META_OK)
        return ret;
    for (size_t i = 0; i < run->nfiles; i++) {
        struct meta_load_file_report *f = &report->files[i];
        memcpy(f->sha256, run->files[i].sha256, sizeof f->sha256);
        f->load_id = run->files[i].load_id;
        f->rows = run->files[i].rows;
        f->unchanged = f->rows - f->inserted - f->replaced;
    }
    return META_OK;
}
