/*
 * The load rules that span rows, checked set-wise on the staging table (see
 * load_stage.h): an outcome is continuous or binary everywhere, and an arm
 * keeps one treatment, within the files of a call and against the registry.
 * A cheap aggregate query finds whether anything is wrong; only then do the
 * detail queries name each offending row's file, line and column.
 */
#include "load_stage.h"

#include "pg_util.h"

#include <stdlib.h>
#include <string.h>

/* Per-outcome and per-arm summaries of the staged rows. Comparing in the
 * "C" collation is exact and cheap. amin and amax are the smallest and
 * largest attribute object of an arm: when they differ, the arm's rows
 * disagree and its attributes are merged key by key in file order (later
 * rows win), which jsonb_object_agg does when a key repeats. */
static const char prepare_sql[] =
    "CREATE TEMP TABLE meta_stage_outcomes ON COMMIT DROP AS"
    " SELECT outcome, min(kind) AS kmin, max(kind) AS kmax FROM meta_stage GROUP BY outcome;"
    "CREATE TEMP TABLE meta_stage_arms ON COMMIT DROP AS"
    " SELECT trial, arm, min(treatment COLLATE \"C\") AS tmin, max(treatment COLLATE \"C\") AS "
    "tmax,"
    "        min(attrs COLLATE \"C\") AS amin, max(attrs COLLATE \"C\") AS amax,"
    "        min((file_no::bigint << 32) | line) AS first_row"
    " FROM meta_stage GROUP BY trial, arm;"
    "UPDATE meta_stage_arms sa SET amin = m.attrs::text FROM ("
    "  SELECT s.trial, s.arm, jsonb_object_agg(e.key, e.value ORDER BY s.file_no, s.line) AS attrs"
    "  FROM meta_stage s JOIN meta_stage_arms x"
    "    ON x.trial = s.trial AND x.arm = s.arm AND x.amin <> x.amax"
    "  CROSS JOIN LATERAL jsonb_each(s.attrs::jsonb) e GROUP BY s.trial, s.arm) m"
    " WHERE sa.trial = m.trial AND sa.arm = m.arm;"
    "ANALYZE meta_stage_outcomes; ANALYZE meta_stage_arms";

static const char detect_sql[] =
    "SELECT"
    " (SELECT count(*) FROM meta_stage_outcomes so JOIN outcomes o ON o.name = so.outcome"
    "   WHERE o.kind <> so.kmin OR o.kind <> so.kmax) AS kind_registry,"
    " (SELECT count(*) FROM meta_stage_outcomes so WHERE so.kmin <> so.kmax"
    "   AND NOT EXISTS (SELECT FROM outcomes o WHERE o.name = so.outcome)) AS kind_within,"
    " (SELECT count(*) FROM meta_stage_arms sa JOIN trials t ON t.name = sa.trial"
    "   JOIN arms a ON a.trial_id = t.trial_id AND a.label = sa.arm"
    "   WHERE a.treatment <> sa.tmin COLLATE \"C\" OR a.treatment <> sa.tmax COLLATE \"C\")"
    "  AS arm_registry,"
    " (SELECT count(*) FROM meta_stage_arms sa WHERE sa.tmin <> sa.tmax"
    "   AND NOT EXISTS (SELECT FROM trials t JOIN arms a ON a.trial_id = t.trial_id"
    "                   WHERE t.name = sa.trial AND a.label = sa.arm)) AS arm_within";

/* Staged rows whose kind differs from the registry's. */
static const char kind_registry_sql[] =
    "SELECT s.file_no, coalesce(s.outcome_line, s.line) AS at_line, s.outcome,"
    "       s.kind, o.kind AS other_kind, count(*) OVER () AS total"
    " FROM meta_stage s JOIN outcomes o ON o.name = s.outcome"
    " WHERE o.kind <> s.kind ORDER BY s.file_no, s.line LIMIT 50";

/* Staged rows of a new outcome whose kind differs from its first row's. */
static const char kind_within_sql[] =
    "WITH first AS ("
    "  SELECT DISTINCT ON (s.outcome) s.outcome, s.kind, s.file_no, s.line"
    "  FROM meta_stage s JOIN meta_stage_outcomes so ON so.outcome = s.outcome"
    "  WHERE so.kmin <> so.kmax AND NOT EXISTS (SELECT FROM outcomes o WHERE o.name = s.outcome)"
    "  ORDER BY s.outcome, s.file_no, s.line)"
    "SELECT s.file_no, coalesce(s.outcome_line, s.line) AS at_line, s.outcome, s.kind,"
    "       f.kind AS other_kind, f.file_no AS other_file, f.line AS other_line,"
    "       count(*) OVER () AS total"
    " FROM meta_stage s JOIN first f ON f.outcome = s.outcome"
    " WHERE s.kind <> f.kind ORDER BY s.file_no, s.line LIMIT 50";

/* Staged rows that give a stored arm another treatment. */
static const char arm_registry_sql[] =
    "SELECT s.file_no, coalesce(s.treatment_line, s.line) AS at_line, s.trial, s.arm,"
    "       s.treatment, a.treatment AS other_treatment, count(*) OVER () AS total"
    " FROM meta_stage s JOIN trials t ON t.name = s.trial"
    " JOIN arms a ON a.trial_id = t.trial_id AND a.label = s.arm"
    " WHERE a.treatment <> s.treatment ORDER BY s.file_no, s.line LIMIT 50";

/* Staged rows of a new arm whose treatment differs from its first row's. */
static const char arm_within_sql[] =
    "WITH bad AS ("
    "  SELECT sa.trial, sa.arm FROM meta_stage_arms sa WHERE sa.tmin <> sa.tmax"
    "  AND NOT EXISTS (SELECT FROM trials t JOIN arms a ON a.trial_id = t.trial_id"
    "                  WHERE t.name = sa.trial AND a.label = sa.arm)),"
    " first AS ("
    "  SELECT DISTINCT ON (s.trial, s.arm) s.trial, s.arm, s.treatment, s.file_no, s.line"
    "  FROM meta_stage s JOIN bad b ON b.trial = s.trial AND b.arm = s.arm"
    "  ORDER BY s.trial, s.arm, s.file_no, s.line)"
    "SELECT s.file_no, coalesce(s.treatment_line, s.line) AS at_line, s.trial, s.arm,"
    "       s.treatment, f.treatment AS other_treatment, f.file_no AS other_file,"
    "       f.line AS other_line, count(*) OVER () AS total"
    " FROM meta_stage s JOIN first f ON f.trial = s.trial AND f.arm = s.arm"
    " WHERE s.treatment <> f.treatment ORDER BY s.file_no, s.line LIMIT 50";

enum check { KIND_REGISTRY, KIND_WITHIN, ARM_REGISTRY, ARM_WITHIN };

static const char *quoted(char *buf, const char *s)
{
    return meta_load_quote(buf, META_LOAD_QUOTE_SIZE, s, strlen(s));
}

/* Turns one detail row into a message. */
static void report_row(struct meta_load_run *run, enum check which, const PGresult *res, int r)
{
    char q1[META_LOAD_QUOTE_SIZE], q2[META_LOAD_QUOTE_SIZE], q3[META_LOAD_QUOTE_SIZE],
        q4[META_LOAD_QUOTE_SIZE];
    long long file_no = meta_pg_int(res, r, "file_no");
    const char *file = meta_load_file_name(run, file_no);
    long line = (long)meta_pg_int(res, r, "at_line");
    switch (which) {
    case KIND_REGISTRY:
        meta_load_errors_at(run->errs, file, line,
                            meta_load_column(run, file_no, META_LOAD_COL_OUTCOME),
                            "outcome %s is %s in the registry, got a %s row",
                            quoted(q1, meta_pg_text(res, r, "outcome")),
                            meta_pg_text(res, r, "other_kind"), meta_pg_text(res, r, "kind"));
        break;
    case KIND_WITHIN:
        meta_load_errors_at(
            run->errs, file, line, meta_load_column(run, file_no, META_LOAD_COL_OUTCOME),
            "outcome %s is %s at %s:%lld, got a %s row",
            quoted(q1, meta_pg_text(res, r, "outcome")), meta_pg_text(res, r, "other_kind"),
            meta_load_file_name(run, meta_pg_int(res, r, "other_file")),
            meta_pg_int(res, r, "other_line"), meta_pg_text(res, r, "kind"));
        break;
    case ARM_REGISTRY:
        meta_load_errors_at(
            run->errs, file, line, meta_load_column(run, file_no, META_LOAD_COL_TREATMENT),
            "arm %s of trial %s has treatment %s in the registry, got %s (an arm "
            "keeps its treatment)",
            quoted(q1, meta_pg_text(res, r, "arm")), quoted(q2, meta_pg_text(res, r, "trial")),
            quoted(q3, meta_pg_text(res, r, "other_treatment")),
            quoted(q4, meta_pg_text(res, r, "treatment")));
        break;
    case ARM_WITHIN:
        meta_load_errors_at(
            run->errs, file, line, meta_load_column(run, file_no, META_LOAD_COL_TREATMENT),
            "arm %s of trial %s has treatment %s at %s:%lld, got %s",
            quoted(q1, meta_pg_text(res, r, "arm")), quoted(q2, meta_pg_text(res, r, "trial")),
            quoted(q3, meta_pg_text(res, r, "other_treatment")),
            meta_load_file_name(run, meta_pg_int(res, r, "other_file")),
            meta_pg_int(res, r, "other_line"), quoted(q4, meta_pg_text(res, r, "treatment")));
        break;
    }
}

/* Runs one detail query and reports its rows (and how many more there are). */
static int report_query(struct meta_load_run *run, enum check which, const char *sql,
                        struct meta_error *err)
{
    PGresult *res = PQexec(run->conn, sql);
    int ret = META_OK;
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        ret = meta_pg_error(err, run->conn, res, "cannot check the staged rows");
        goto cleanup;
    }
    int n = PQntuples(res);
    for (int r = 0; r < n; r++)
        report_row(run, which, res, r);
    if (n > 0) {
        long long total = meta_pg_int(res, 0, "total");
        if (total > n)
            run->errs->count += (size_t)(total - n);
    }

cleanup:
    PQclear(res);
    return ret;
}

int meta_load_prepare(struct meta_load_run *run, struct meta_error *err)
{
    PGresult *res = PQexec(run->conn, prepare_sql);
    int ret = META_OK;
    if (PQresultStatus(res) != PGRES_COMMAND_OK)
        ret = meta_pg_error(err, run->conn, res, "cannot summarise the staged rows");
    PQclear(res);
    return ret;
}

int meta_load_check(struct meta_load_run *run, struct meta_error *err)
{
    static const struct {
        const char *count_column;
        enum check which;
        const char *sql;
    } checks[] = {
        {"kind_registry", KIND_REGISTRY, kind_registry_sql},
        {"kind_within", KIND_WITHIN, kind_within_sql},
        {"arm_registry", ARM_REGISTRY, arm_registry_sql},
        {"arm_within", ARM_WITHIN, arm_within_sql},
    };
    PGresult *res = PQexec(run->conn, detect_sql);
    int ret = META_OK;
    if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
        ret = meta_pg_error(err, run->conn, res, "cannot check the staged rows");
        goto cleanup;
    }
    for (size_t i = 0; i < sizeof checks / sizeof *checks && ret == META_OK; i++)
        if (meta_pg_int(res, 0, checks[i].count_column) > 0)
            ret = report_query(run, checks[i].which, checks[i].sql, err);

cleanup:
    PQclear(res);
    return ret;
}
