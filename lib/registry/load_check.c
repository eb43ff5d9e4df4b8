/*
 * The load rules that span rows, checked set-wise on the staging tables (see
 * load_stage.h): an outcome is of one kind everywhere (continuous or binary
 * by its arm rows, or the kind of its estimates' measure), an arm keeps one
 * treatment, and an estimate's key is given once, within the sources of a
 * load and against the registry. A cheap aggregate query finds whether
 * anything is wrong; only then do the detail queries name each offending
 * row's file, line and column.
 */
#include "load_stage.h"

#include "pg_util.h"

#include <stdlib.h>
#include <string.h>

/* Per-outcome and per-arm summaries of the staged rows, analysed on the
 * columns that queries join and filter on (not the attribute texts, whose
 * statistics cost most). Comparing in the "C" collation is exact and
 * cheap. amin and amax are the smallest and largest attribute object of an
 * arm: when they differ, the arm's rows disagree and its attributes are
 * merged key by key in file order (later rows win), which jsonb_object_agg
 * does when a key repeats. */
static const char prepare_sql[] =
    "CREATE TEMP TABLE meta_stage_outcomes ON COMMIT DROP AS"
    " SELECT outcome, min(kind) AS kmin, max(kind) AS kmax, min(at) AS first_row FROM ("
    "   SELECT outcome, kind, (file_no::bigint << 32) | line AS at FROM meta_stage"
    "   UNION ALL SELECT outcome, kind, (file_no::bigint << 32) | line FROM meta_stage_est"
    " ) s GROUP BY outcome;"
    "CREATE TEMP TABLE meta_stage_arms ON COMMIT DROP AS"
    " SELECT trial, arm, min(treatment COLLATE \"C\") AS tmin, max(treatment COLLATE \"C\") AS "
    "tmax,"
    "        min(attrs COLLATE \"C\") AS amin, max(attrs COLLATE \"C\") AS amax,"
    "        min((file_no::bigint << 32) | line) AS first_row, count(*) AS nrows"
    " FROM meta_stage GROUP BY trial, arm;"
    "UPDATE meta_stage_arms sa SET amin = m.attrs::text FROM ("
    "  SELECT s.trial, s.arm, jsonb_object_agg(e.key, e.value ORDER BY s.file_no, s.line) AS attrs"
    "  FROM meta_stage s JOIN meta_stage_arms x"
    "    ON x.trial = s.trial AND x.arm = s.arm AND x.amin <> x.amax"
    "  CROSS JOIN LATERAL jsonb_each(s.attrs::jsonb) e GROUP BY s.trial, s.arm) m"
    " WHERE sa.trial = m.trial AND sa.arm = m.arm;"
    "ANALYZE meta_stage_outcomes; ANALYZE meta_stage_arms (trial, arm, tmin, tmax, nrows)";

/* The staged arms the registry holds, with what the checks and the merge
 * (load_merge.c) compare: whether the file gives one another treatment,
 * and whether its attributes add to the stored ones. Made once, under the
 * load lock and before anything is written, instead of a join of the
 * staged arms with trials and arms in each of them. */
static const char stored_sql[] =
    "CREATE TEMP TABLE meta_stage_stored ON COMMIT DROP AS"
    " SELECT sa.trial, sa.arm, a.arm_id, t.trial_id, sa.amin,"
    "        (a.treatment <> sa.tmin COLLATE \"C\" OR a.treatment <> sa.tmax COLLATE \"C\")"
    "          AS other_treatment,"
    "        " META_LOAD_NEW_ATTRS(
        "a.attributes",
        "sa.amin::jsonb") " AS new_attrs"
                          " FROM meta_stage_arms sa JOIN trials t ON t.name = sa.trial"
                          " JOIN arms a ON a.trial_id = t.trial_id AND a.label = sa.arm;"
                          "ANALYZE meta_stage_stored (trial, arm, arm_id, other_treatment, "
                          "new_attrs)";

static const char detect_sql[] =
    "SELECT"
    " (SELECT count(*) FROM meta_stage_outcomes so JOIN outcomes o ON o.name = so.outcome"
    "   WHERE o.kind <> so.kmin OR o.kind <> so.kmax) AS kind_registry,"
    " (SELECT count(*) FROM meta_stage_outcomes so WHERE so.kmin <> so.kmax"
    "   AND NOT EXISTS (SELECT FROM outcomes o WHERE o.name = so.outcome)) AS kind_within,"
    " (SELECT count(*) FROM meta_stage_stored WHERE other_treatment) AS arm_registry,"
    " (SELECT count(*) FROM meta_stage_arms sa WHERE sa.tmin <> sa.tmax"
    "   AND NOT EXISTS (SELECT FROM meta_stage_stored s"
    "                   WHERE s.trial = sa.trial AND s.arm = sa.arm)) AS arm_within,"
    " (SELECT count(*) FROM (SELECT FROM meta_stage_est"
    "   GROUP BY trial, outcome, timepoint, treatment, control HAVING count(*) > 1) d)"
    "  AS est_repeated,"
    " (SELECT count(*) FROM meta_stage_arms) - (SELECT count(*) FROM meta_stage_stored)"
    "  AS new_arms,"
    " NOT EXISTS (SELECT FROM meta_stage_arms WHERE nrows > 1) AS arms_one_row";

/* Every staged row with the kind it gives its outcome: arm rows (measure
 * NULL, named by their outcome column) and estimate rows (by their measure). */
#define KIND_ROWS                                                                                  \
    "(SELECT file_no, line, coalesce(outcome_line, line) AS at_line, outcome, kind,"               \
    "        NULL::text AS measure, " META_STAGE_PLACE(                                            \
        "meta_stage") " AS place,"                                                                 \
                      "        " META_STAGE_ORIGIN(                                                \
                          "meta_stage") " AS origin FROM meta_stage"                               \
                                        " UNION ALL SELECT file_no, line, coalesce(measure_line, " \
                                        "line), outcome, kind, measure,"                           \
                                        "        place, origin FROM meta_stage_est)"

/* Staged rows whose kind differs from the registry's. */
static const char kind_registry_sql[] =
    "SELECT s.file_no, s.at_line, s.outcome, s.kind, s.measure, s.place, s.origin,"
    "       o.kind AS other_kind,"
    "       count(*) OVER () AS total"
    " FROM " KIND_ROWS " s JOIN outcomes o ON o.name = s.outcome"
    " WHERE o.kind <> s.kind ORDER BY s.file_no, s.line LIMIT 50";

/* Staged rows of a new outcome whose kind differs from its first row's. */
static const char kind_within_sql[] =
    "WITH k AS " KIND_ROWS ","
    " first AS ("
    "  SELECT DISTINCT ON (k.outcome) k.outcome, k.kind, k.file_no, k.line, k.origin"
    "  FROM k JOIN meta_stage_outcomes so ON so.outcome = k.outcome"
    "  WHERE so.kmin <> so.kmax AND NOT EXISTS (SELECT FROM outcomes o WHERE o.name = k.outcome)"
    "  ORDER BY k.outcome, k.file_no, k.line)"
    "SELECT k.file_no, k.at_line, k.outcome, k.kind, k.measure, k.place, k.origin,"
    "       f.kind AS other_kind, f.file_no AS other_file, f.line AS other_line,"
    "       f.origin AS other_origin,"
    "       count(*) OVER () AS total"
    " FROM k JOIN first f ON f.outcome = k.outcome"
    " WHERE k.kind <> f.kind ORDER BY k.file_no, k.line LIMIT 50";

/* Staged rows that give a stored arm another treatment. */
static const char arm_registry_sql[] =
    "SELECT s.file_no, coalesce(s.treatment_line, s.line) AS at_line, s.trial, s.arm,"
    "       " META_STAGE_PLACE("s") " AS place, " META_STAGE_ORIGIN(
        "s") " AS origin,"
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
    "  SELECT DISTINCT ON (s.trial, s.arm) s.trial, s.arm, s.treatment, s.file_no, s.line,"
    "         " META_STAGE_ORIGIN(
        "s") " AS origin"
             "  FROM meta_stage s JOIN bad b ON b.trial = s.trial AND b.arm = s.arm"
             "  ORDER BY s.trial, s.arm, s.file_no, s.line)"
             "SELECT s.file_no, coalesce(s.treatment_line, s.line) AS at_line, s.trial, s.arm,"
             "       " META_STAGE_PLACE("s") " AS place, " META_STAGE_ORIGIN(
                 "s") " AS origin,"
                      "       s.treatment, f.treatment AS other_treatment, f.file_no AS other_file,"
                      "       f.line AS other_line, f.origin AS other_origin, count(*) OVER () AS "
                      "total"
                      " FROM meta_stage s JOIN first f ON f.trial = s.trial AND f.arm = s.arm"
                      " WHERE s.treatment <> f.treatment ORDER BY s.file_no, s.line LIMIT 50";

/* Every repetition of an estimate's key after its first occurrence. */
static const char est_repeated_sql[] =
    "SELECT file_no, coalesce(trial_line, line) AS at_line, trial, outcome, timepoint,"
    "       treatment, control, place, origin, other_file, other_line, other_origin,"
    "       count(*) OVER () AS total"
    " FROM (SELECT e.*, first_value(e.file_no) OVER w AS other_file,"
    "              first_value(e.line) OVER w AS other_line,"
    "              first_value(e.origin) OVER w AS other_origin, row_number() OVER w AS rn"
    "       FROM meta_stage_est e"
    "       WINDOW w AS (PARTITION BY trial, outcome, timepoint, treatment, control"
    "                    ORDER BY file_no, line)) d"
    " WHERE rn > 1 ORDER BY file_no, line LIMIT 50";

enum check { KIND_REGISTRY, KIND_WITHIN, ARM_REGISTRY, ARM_WITHIN, EST_REPEATED };

static const char *quoted(char *buf, const char *s)
{
    return meta_load_quote(buf, META_LOAD_QUOTE_SIZE, s, strlen(s));
}

/* What a measure asks of its outcome, for messages. */
static const char *outcomes_of(const char *kind)
{
    if (strcmp(kind, "time-to-event") == 0)
        return "time-to-event outcomes, which have estimate rows only";
    if (strcmp(kind, "generic") == 0)
        return "generic outcomes, which have estimate rows only";
    return strcmp(kind, "binary") == 0 ? "binary outcomes" : "continuous outcomes";
}

/* An outcome's kind conflict: "at" is "in the registry" or "at FILE:LINE". */
static void report_kind(struct meta_loader *l, const PGresult *res, int r, const char *at)
{
    char q1[META_LOAD_QUOTE_SIZE], q2[META_LOAD_QUOTE_SIZE];
    long long file_no = meta_pg_int(res, r, "file_no");
    long line = (long)meta_pg_int(res, r, "at_line");
    const char *place = meta_pg_text(res, r, "place");
    const char *origin = meta_pg_text(res, r, "origin");
    const char *outcome = meta_pg_text(res, r, "outcome");
    const char *measure = meta_pg_text(res, r, "measure");
    const char *kind = meta_pg_text(res, r, "kind");
    const char *other = meta_pg_text(res, r, "other_kind");
    if (*measure)
        meta_load_report_at(l, file_no, origin, line, META_LOAD_COL_MEASURE, place,
                            "measure %s is for %s; outcome %s is %s %s", quoted(q1, measure),
                            outcomes_of(kind), quoted(q2, outcome), other, at);
    else
        meta_load_report_at(l, file_no, origin, line, META_LOAD_COL_OUTCOME, place,
                            "outcome %s is %s %s%s, got a %s row", quoted(q1, outcome), other, at,
                            strcmp(other, "time-to-event") == 0 || strcmp(other, "generic") == 0
                                ? " (it has estimate rows only)"
                                : "",
                            kind);
}

/* Turns one detail row into a message. */
static void report_row(struct meta_loader *l, enum check which, const PGresult *res, int r)
{
    char q1[META_LOAD_QUOTE_SIZE], q2[META_LOAD_QUOTE_SIZE], q3[META_LOAD_QUOTE_SIZE],
        q4[META_LOAD_QUOTE_SIZE], q5[META_LOAD_QUOTE_SIZE], at[1200];
    long long file_no = meta_pg_int(res, r, "file_no");
    long line = (long)meta_pg_int(res, r, "at_line");
    const char *place = meta_pg_text(res, r, "place");
    const char *origin = meta_pg_text(res, r, "origin");
    const char *other = meta_load_origin_name(l, meta_pg_int(res, r, "other_file"),
                                              meta_pg_text(res, r, "other_origin"));
    switch (which) {
    case KIND_REGISTRY:
        report_kind(l, res, r, "in the registry");
        break;
    case KIND_WITHIN:
        snprintf(at, sizeof at, "at %s:%lld", other, meta_pg_int(res, r, "other_line"));
        report_kind(l, res, r, at);
        break;
    case ARM_REGISTRY:
        meta_load_report_at(l, file_no, origin, line, META_LOAD_COL_TREATMENT, place,
                            "arm %s of trial %s has treatment %s in the registry, got %s (an "
                            "arm keeps its treatment)",
                            quoted(q1, meta_pg_text(res, r, "arm")),
                            quoted(q2, meta_pg_text(res, r, "trial")),
                            quoted(q3, meta_pg_text(res, r, "other_treatment")),
                            quoted(q4, meta_pg_text(res, r, "treatment")));
        break;
    case ARM_WITHIN:
        meta_load_report_at(
            l, file_no, origin, line, META_LOAD_COL_TREATMENT, place,
            "arm %s of trial %s has treatment %s at %s:%lld, got %s",
            quoted(q1, meta_pg_text(res, r, "arm")), quoted(q2, meta_pg_text(res, r, "trial")),
            quoted(q3, meta_pg_text(res, r, "other_treatment")), other,
            meta_pg_int(res, r, "other_line"), quoted(q4, meta_pg_text(res, r, "treatment")));
        break;
    case EST_REPEATED:
        meta_load_report_at(
            l, file_no, origin, line, META_LOAD_COL_TRIAL, place,
            "trial %s, outcome %s, timepoint %s, treatment %s, control %s is "
            "already given at %s:%lld",
            quoted(q1, meta_pg_text(res, r, "trial")), quoted(q2, meta_pg_text(res, r, "outcome")),
            quoted(q3, meta_pg_text(res, r, "timepoint")),
            quoted(q4, meta_pg_text(res, r, "treatment")),
            quoted(q5, meta_pg_text(res, r, "control")), other, meta_pg_int(res, r, "other_line"));
        break;
    }
}

/* Runs one detail query and reports its rows (and how many more there are). */
static int report_query(struct meta_loader *l, enum check which, const char *sql,
                        struct meta_error *err)
{
    PGresult *res = PQexec(l->conn, sql);
    int ret = META_OK;
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        ret = meta_pg_error(err, l->conn, res, "cannot check the staged rows");
        goto cleanup;
    }
    int n = PQntuples(res);
    for (int r = 0; r < n; r++)
        report_row(l, which, res, r);
    if (n > 0) {
        long long total = meta_pg_int(res, 0, "total");
        if (total > n)
            l->errs.count += (size_t)(total - n);
    }

cleanup:
    PQclear(res);
    return ret;
}

int meta_load_prepare(struct meta_loader *l, struct meta_error *err)
{
    return meta_pg_exec(l->conn, prepare_sql, err, "cannot summarise the staged rows");
}

int meta_load_check(struct meta_loader *l, struct meta_error *err)
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
        {"est_repeated", EST_REPEATED, est_repeated_sql},
    };
    int ret = meta_pg_exec(l->conn, stored_sql, err, "cannot check the staged rows");
    if (ret != META_OK)
        return ret;
    PGresult *res = PQexec(l->conn, detect_sql);
    if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
        ret = meta_pg_error(err, l->conn, res, "cannot check the staged rows");
        goto cleanup;
    }
    l->new_arms = meta_pg_int(res, 0, "new_arms");
    l->arms_one_row = strcmp(PQgetvalue(res, 0, PQfnumber(res, "arms_one_row")), "t") == 0;
    for (size_t i = 0; i < sizeof checks / sizeof *checks && ret == META_OK; i++)
        if (meta_pg_int(res, 0, checks[i].count_column) > 0)
            ret = report_query(l, checks[i].which, checks[i].sql, err);

cleanup:
    PQclear(res);
    return ret;
}
