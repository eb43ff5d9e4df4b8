/*
 * Merging the staged rows into the registry (see load_stage.h), set-wise and
 * under the load lock, so plain INSERTs of what is new and UPDATEs of what
 * changed are safe: new trials, new arms (and the attributes of stored
 * arms), new outcomes, then the results. New rows are inserted in index
 * order, which keeps the B-tree insertions sequential. A trial/arm/outcome/
 * timepoint given twice in the call makes the primary key refuse the insert
 * of new rows; among stored rows one aggregate finds it (asked only when
 * some staged arm has two rows); only then does the detail query that
 * names both lines run. Steps that cannot find anything (new trials and
 * arms when every staged arm is stored) are not run.
 */
#include "load_stage.h"

#include "pg_util.h"

#include <stdlib.h>
#include <string.h>

/* New trials and arms get their ids in the order they first appear in the
 * files, so that "as loaded" means the order of the files; a trial may
 * first appear in an estimate row. */
static const char trials_sql[] =
    "CREATE TEMP TABLE meta_stage_trials ON COMMIT DROP AS"
    " SELECT trial, min(first_row) AS first_row FROM ("
    "   SELECT trial, first_row FROM meta_stage_arms"
    "   UNION ALL SELECT trial, (file_no::bigint << 32) | line FROM meta_stage_est) s"
    " GROUP BY trial;"
    "INSERT INTO trials (name) SELECT st.trial FROM meta_stage_trials st"
    " WHERE NOT EXISTS (SELECT FROM trials t WHERE t.name = st.trial) ORDER BY st.first_row";

/* Stored arms take the new attributes over theirs (meta_stage_stored, made
 * by the checks before anything was written, says which). */
static const char arm_attributes_sql[] =
    META_LOAD_ARM_ATTRIBUTES_SQL("meta_stage_stored", "amin::jsonb");

/* New arms are inserted with their attributes, and join the stored ones in
 * meta_stage_stored, which then holds the id of every staged arm. */
static const char arms_sql[] =
    "WITH n AS ("
    " INSERT INTO arms (trial_id, label, treatment, attributes)"
    " SELECT t.trial_id, sa.arm, sa.tmin, coalesce(sa.amin::jsonb, '{}')"
    " FROM meta_stage_arms sa JOIN trials t ON t.name = sa.trial"
    " WHERE NOT EXISTS (SELECT FROM meta_stage_stored s"
    "                   WHERE s.trial = sa.trial AND s.arm = sa.arm)"
    " ORDER BY t.trial_id, sa.first_row RETURNING arm_id, trial_id, label)"
    "INSERT INTO meta_stage_stored (trial, arm, arm_id, trial_id)"
    " SELECT t.name, n.label, n.arm_id, n.trial_id FROM n JOIN trials t ON t.trial_id = n.trial_id;"
    "ANALYZE meta_stage_stored (trial, arm, arm_id, other_treatment, new_attrs)";

/* New outcomes in the order they first appear in the files, as the direct
 * path (load_direct.c) numbers them. */
static const char outcomes_sql[] =
    "INSERT INTO outcomes (name, kind) SELECT so.outcome, so.kmin FROM meta_stage_outcomes so"
    " WHERE NOT EXISTS (SELECT FROM outcomes o WHERE o.name = so.outcome) ORDER BY so.first_row";

/*
 * Each staged row with the ids of its arm, outcome and load, whether its key
 * is stored (stored) and, if so, whether the stored values equal the new
 * ones (same): one pass over the staged rows, whose stored rows the
 * replacement then updates and whose others the insert adds. Each kind of
 * row meets only its own result table, and a kind the load does not stage
 * meets none (meta_load_merge joins the statement from the kinds staged),
 * so a load of continuous rows never reads binary_results. A result's own
 * attributes are part of its values: the second %s reads them from the
 * staged row (STAGED_RATTRS), the first is the expression of them (ATTRS_*
 * below), so that a load without any reads none.
 */
/* The statement's part for one kind of row; same: whether the stored values
 * equal the staged ones (its %s: the staged row's own attributes). */
#define IDS_OF_KIND(kind, same)                                                                    \
    " SELECT i.*, r.arm_id IS NOT NULL AS stored, " same " AS same"                                \
    " FROM (SELECT s.file_no, s.kind, a.arm_id, o.outcome_id, s.timepoint,"                        \
    "              s.n, s.mean, s.sd, s.events, s.total, %s AS rattrs, f.load_id"                  \
    "       FROM meta_stage s JOIN meta_stage_files f ON f.file_no = s.file_no"                    \
    "       JOIN meta_stage_stored a ON a.trial = s.trial AND a.arm = s.arm"                       \
    "       JOIN outcomes o ON o.name = s.outcome WHERE s.kind = '" kind "') i"                    \
    " LEFT JOIN " kind "_results r"                                                                \
    "   ON r.outcome_id = i.outcome_id AND r.timepoint = i.timepoint AND r.arm_id = i.arm_id"
static const char ids_continuous_fmt[] = IDS_OF_KIND("continuous", META_LOAD_SAME_CONTINUOUS("%s"));
static const char ids_binary_fmt[] = IDS_OF_KIND("binary", META_LOAD_SAME_BINARY("%s"));

/* A staged row's own attributes, read from its extra column only when some
 * row has them. */
#define STAGED_RATTRS META_STAGE_RATTRS("s")

/* A staged row's own attributes, as jsonb (NULL: none). */
#define ATTRS_ANY  "i.rattrs::jsonb"
#define ATTRS_NONE "NULL::jsonb"

static const char old_repeated_sql[] =
    "SELECT count(*) AS repeated FROM (SELECT FROM meta_stage_ids WHERE stored"
    " GROUP BY outcome_id, timepoint, arm_id HAVING count(*) > 1) d";

/* Stored rows whose values change take the new values and the new load;
 * %s: the new attributes (ATTRS_*). */
static const char replace_sql_fmt[] =
    "WITH c AS ("
    " UPDATE continuous_results r SET n = i.n, mean = i.mean, sd = i.sd, attributes = %s,"
    "   load_id = i.load_id"
    " FROM meta_stage_ids i WHERE i.kind = 'continuous' AND i.stored AND NOT i.same"
    "   AND r.outcome_id = i.outcome_id AND r.timepoint = i.timepoint AND r.arm_id = i.arm_id"
    " RETURNING r.load_id),"
    " b AS ("
    " UPDATE binary_results r SET events = i.events, total = i.total, attributes = %s,"
    "   load_id = i.load_id"
    " FROM meta_stage_ids i WHERE i.kind = 'binary' AND i.stored AND NOT i.same"
    "   AND r.outcome_id = i.outcome_id AND r.timepoint = i.timepoint AND r.arm_id = i.arm_id"
    " RETURNING r.load_id)"
    "SELECT load_id, count(*) AS n FROM (SELECT load_id FROM c UNION ALL SELECT load_id FROM b) u"
    " GROUP BY load_id";

/* The outcomes whose results this load inserted or replaced, per load (see
 * sql/009_load_replace.sql). */
static const char load_outcomes_sql[] =
    "INSERT INTO load_outcomes (load_id, outcome_id)"
    " SELECT load_id, outcome_id FROM meta_stage_ids WHERE NOT stored OR NOT same"
    " GROUP BY load_id, outcome_id";

static const char insert_sql_fmt[] =
    "WITH c AS ("
    " INSERT INTO continuous_results (arm_id, outcome_id, timepoint, n, mean, sd, attributes,"
    "   load_id)"
    " SELECT i.arm_id, i.outcome_id, i.timepoint, i.n, i.mean, i.sd, %s, i.load_id"
    " FROM meta_stage_ids i WHERE i.kind = 'continuous' AND NOT i.stored"
    " ORDER BY i.outcome_id, i.timepoint, i.arm_id RETURNING load_id),"
    " b AS ("
    " INSERT INTO binary_results (arm_id, outcome_id, timepoint, events, total, attributes,"
    "   load_id)"
    " SELECT i.arm_id, i.outcome_id, i.timepoint, i.events, i.total, %s, i.load_id"
    " FROM meta_stage_ids i WHERE i.kind = 'binary' AND NOT i.stored"
    " ORDER BY i.outcome_id, i.timepoint, i.arm_id RETURNING load_id)"
    "SELECT load_id, count(*) AS n FROM (SELECT load_id FROM c UNION ALL SELECT load_id FROM b) u"
    " GROUP BY load_id";

/* What the skipped foreign-key triggers would have checked and the joins
 * that made the rows do not already guarantee: each result went to the
 * table of its outcome's kind, each estimate to an outcome of its kind. */
static const char verify_sql[] =
    "SELECT (SELECT count(*) FROM meta_stage_ids i JOIN outcomes o"
    "          ON o.outcome_id = i.outcome_id WHERE o.kind <> i.kind)"
    "     + (SELECT count(*) FROM meta_stage_est e JOIN outcomes o ON o.name = e.outcome"
    "          WHERE o.kind <> e.kind) AS wrong";

/* Every repetition of a key after its first occurrence. */
static const char duplicates_sql[] =
    "SELECT file_no, coalesce(trial_line, line) AS at_line, trial, arm, outcome, timepoint,"
    "       place, origin, other_file, other_line, other_origin, count(*) OVER () AS total"
    " FROM (SELECT s.*, " META_STAGE_PLACE("s") " AS place, " META_STAGE_ORIGIN(
        "s") " AS origin,"
             "              first_value(s.file_no) OVER w AS other_file,"
             "              first_value(s.line) OVER w AS other_line,"
             "              first_value(" META_STAGE_ORIGIN(
                 "s") ") OVER w AS other_origin,"
                      "              row_number() OVER w AS rn"
                      "       FROM meta_stage s"
                      "       WINDOW w AS (PARTITION BY trial, arm, outcome, timepoint ORDER BY "
                      "file_no, line)) d"
                      " WHERE rn > 1 ORDER BY file_no, line LIMIT 50";

/* Distinct trials and outcomes per file; with one file, the summaries
 * already hold them. */
static const char per_file_sql[] =
    "SELECT file_no, count(DISTINCT trial) AS trials, count(DISTINCT outcome) AS outcomes"
    " FROM (SELECT file_no, trial, outcome FROM meta_stage"
    "       UNION ALL SELECT file_no, trial, outcome FROM meta_stage_est) s GROUP BY file_no";
static const char one_file_sql[] =
    "SELECT 0 AS file_no, (SELECT count(*) FROM meta_stage_trials) AS trials,"
    "       (SELECT count(*) FROM meta_stage_outcomes) AS outcomes";
/* The same when every staged arm is stored and no estimate is staged (the
 * merge then makes no meta_stage_trials). */
static const char one_file_stored_sql[] =
    "SELECT 0 AS file_no,"
    "       (SELECT count(*) FROM (SELECT trial_id FROM meta_stage_stored GROUP BY trial_id) t)"
    "       AS trials, (SELECT count(*) FROM meta_stage_outcomes) AS outcomes";

/* Whether the registry holds every staged arm, and so every trial, when no
 * estimate row (which may name a new trial) is staged: then the inserts of
 * new trials and arms would find nothing and are not run. */
static int all_stored(const struct meta_loader *run)
{
    return run->new_arms == 0 && !run->any_estimates;
}

/* Names every repeated key with the line that gave it first. */
static int report_duplicates(struct meta_loader *run, struct meta_error *err)
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
        long long file_no = meta_pg_int(res, r, "file_no");
        const char *trial = meta_pg_text(res, r, "trial"), *arm = meta_pg_text(res, r, "arm");
        const char *outcome = meta_pg_text(res, r, "outcome"),
                   *tp = meta_pg_text(res, r, "timepoint");
        meta_load_report_at(
            run, file_no, meta_pg_text(res, r, "origin"), (long)meta_pg_int(res, r, "at_line"),
            META_LOAD_COL_TRIAL, meta_pg_text(res, r, "place"),
            "trial %s, arm %s, outcome %s, timepoint %s is already given at %s:%lld",
            meta_load_quote(q1, sizeof q1, trial, strlen(trial)),
            meta_load_quote(q2, sizeof q2, arm, strlen(arm)),
            meta_load_quote(q3, sizeof q3, outcome, strlen(outcome)),
            meta_load_quote(q4, sizeof q4, tp, strlen(tp)),
            meta_load_origin_name(run, meta_pg_int(res, r, "other_file"),
                                  meta_pg_text(res, r, "other_origin")),
            meta_pg_int(res, r, "other_line"));
    }
    if (n > 0 && meta_pg_int(res, 0, "total") > n)
        run->errs.count += (size_t)(meta_pg_int(res, 0, "total") - n);
    if (n == 0) /* the upsert saw a repetition that this query cannot: should not happen */
        ret = meta_error_set(err, META_EDB, "the registry refused rows given twice");

cleanup:
    PQclear(res);
    return ret;
}

/* Whether a key the registry holds is given twice in the call; not asked
 * when every staged arm has one row (arms_one_row), as then no key is. */
static int old_repeated(struct meta_loader *run, int *repeated, struct meta_error *err)
{
    PGresult *res = PQexec(run->conn, old_repeated_sql);
    int ret = META_OK;
    if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1)
        ret = meta_pg_error(err, run->conn, res, "cannot look for repeated rows");
    else
        *repeated = meta_pg_int(res, 0, "repeated") > 0;
    PQclear(res);
    return ret;
}

static int count_per_file(struct meta_loader *run, struct meta_load_report *report,
                          struct meta_error *err)
{
    const char *sql = run->nfiles > 1   ? per_file_sql
                      : all_stored(run) ? one_file_stored_sql
                                        : one_file_sql;
    PGresult *res = PQexec(run->conn, sql);
    int ret = META_OK;
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        ret = meta_pg_error(err, run->conn, res, "cannot count the loaded rows");
        goto cleanup;
    }
    for (int r = 0; r < PQntuples(res); r++) {
        long long file_no = meta_pg_int(res, r, "file_no");
        if (file_no < 0 || (size_t)file_no >= run->nfiles)
            continue;
        report->files[file_no].trials = meta_pg_int(res, r, "trials");
        report->files[file_no].outcomes = meta_pg_int(res, r, "outcomes");
    }

cleanup:
    PQclear(res);
    return ret;
}

/* Replaces the stored rows that change and inserts the new ones. Returns
 * META_EINVAL, with the inserts undone, when a new key is given twice. */
static int store_results(struct meta_loader *run, struct meta_load_report *report,
                         struct meta_error *err)
{
    const char *attrs = run->any_rattrs ? ATTRS_ANY : ATTRS_NONE;
    char replace_sql[sizeof replace_sql_fmt + 2 * sizeof ATTRS_ANY];
    char insert_sql[sizeof insert_sql_fmt + 2 * sizeof ATTRS_ANY];
    snprintf(replace_sql, sizeof replace_sql, replace_sql_fmt, attrs, attrs);
    snprintf(insert_sql, sizeof insert_sql, insert_sql_fmt, attrs, attrs);
    int ret;
    if ((ret = meta_load_count_results(run, replace_sql, 1, report, err)) ||
        (ret = meta_pg_exec(run->conn, "SAVEPOINT meta_results", err, "cannot store the results")))
        return ret;
    ret = meta_load_count_results(run, insert_sql, 0, report, err);
    if (ret == META_OK)
        ret = meta_pg_exec(run->conn, load_outcomes_sql, err, "cannot record the load's outcomes");
    if (ret == META_EINVAL) {
        int rc = meta_pg_exec(run->conn, "ROLLBACK TO SAVEPOINT meta_results", err,
                              "cannot look for repeated rows");
        if (rc != META_OK)
            ret = rc;
    }
    return ret;
}

/*
 * Foreign-key triggers check one row at a time, and cost most of a large
 * load. Every id the merge writes comes from a join with its parent row in
 * this transaction, under the load lock, so the rows satisfy the keys by
 * construction; where the server lets this session (a superuser, or one
 * granted SET on the parameter), the merge runs in replica mode, which
 * skips those triggers, and verify_sql then checks set-wise the one
 * property the joins do not make certain. Elsewhere the triggers run.
 * This is what pg_restore --disable-triggers does, made safe by locking the
 * tables against other writers for the rest of the transaction.
 */
int meta_load_skip_fk_triggers(PGconn *conn, int *skipped, struct meta_error *err)
{
    int ret;
    *skipped = 0;
    if ((ret = meta_pg_exec(conn, "SAVEPOINT meta_replica", err, "cannot store the rows")))
        return ret;
    PGresult *res = PQexec(conn, "SET LOCAL session_replication_role = replica");
    *skipped = PQresultStatus(res) == PGRES_COMMAND_OK;
    PQclear(res);
    if (!*skipped)
        return meta_pg_exec(conn, "ROLLBACK TO SAVEPOINT meta_replica", err,
                            "cannot store the rows");
    /* With the triggers off, no parent row is locked as it is referenced: keep
     * every other writer (a hand-run DELETE, say) out until the commit, so no
     * row can lose its parent. Readers go on. */
    return meta_pg_exec(conn,
                        "LOCK TABLE trials, arms, outcomes, loads, continuous_results, "
                        "binary_results, estimate_results IN SHARE ROW EXCLUSIVE MODE",
                        err, "cannot lock the registry for the load");
}

/* Gives stored arms the new attributes, counting the arms it changed. */
static int update_arm_attributes(struct meta_loader *run, struct meta_error *err)
{
    PGresult *res = PQexec(run->conn, arm_attributes_sql);
    int ret = META_OK;
    if (PQresultStatus(res) != PGRES_COMMAND_OK)
        ret = meta_pg_error(err, run->conn, res, "cannot store the arms");
    else
        run->arms_updated = strtoll(PQcmdTuples(res), NULL, 10);
    PQclear(res);
    return ret;
}

static int verify_kinds(struct meta_loader *run, struct meta_error *err)
{
    PGresult *res = PQexec(run->conn, verify_sql);
    int ret = META_OK;
    if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1)
        ret = meta_pg_error(err, run->conn, res, "cannot verify the results");
    else if (meta_pg_int(res, 0, "wrong") != 0)
        ret = meta_error_set(err, META_EDB,
                             "an outcome changed its kind during the load; nothing was stored");
    PQclear(res);
    return ret;
}

int meta_load_merge(struct meta_loader *run, struct meta_load_report *report,
                    struct meta_error *err)
{
    PGconn *conn = run->conn;
    int repeated = 0;
    int skipped = 0;
    int ret;
    const char *attrs = run->any_rattrs ? ATTRS_ANY : ATTRS_NONE;
    const char *rattrs = run->any_rattrs ? STAGED_RATTRS : "NULL::text";
    char ids_sql[128 + sizeof ids_continuous_fmt + sizeof ids_binary_fmt +
                 2 * (sizeof ATTRS_ANY + sizeof STAGED_RATTRS)];
    int len =
        snprintf(ids_sql, sizeof ids_sql, "CREATE TEMP TABLE meta_stage_ids ON COMMIT DROP AS");
    if (run->any_continuous || !run->any_binary)
        len += snprintf(ids_sql + len, sizeof ids_sql - (size_t)len, ids_continuous_fmt, attrs,
                        rattrs);
    if (run->any_continuous && run->any_binary)
        len += snprintf(ids_sql + len, sizeof ids_sql - (size_t)len, " UNION ALL");
    if (run->any_binary)
        len += snprintf(ids_sql + len, sizeof ids_sql - (size_t)len, ids_binary_fmt, attrs, rattrs);
    snprintf(ids_sql + len, sizeof ids_sql - (size_t)len, ";ANALYZE meta_stage_ids");

    if ((ret = meta_load_skip_fk_triggers(conn, &skipped, err)))
        return ret;

    if ((ret = update_arm_attributes(run, err)) ||
        (!all_stored(run) &&
         ((ret = meta_pg_exec(conn, trials_sql, err, "cannot store the trials")) ||
          (ret = meta_pg_exec(conn, arms_sql, err, "cannot store the arms")))) ||
        (ret = meta_pg_exec(conn, outcomes_sql, err, "cannot store the outcomes")) ||
        (ret = meta_pg_exec(conn, ids_sql, err, "cannot match the results")) ||
        (!run->arms_one_row && (ret = old_repeated(run, &repeated, err))))
        return ret;
    if (!repeated) {
        ret = store_results(run, report, err);
        if (ret == META_OK)
            ret = meta_load_merge_estimates(run, report, err);
        if (ret == META_OK && skipped)
            ret = verify_kinds(run, err);
        if (ret == META_OK && skipped)
            ret = meta_pg_exec(conn, "SET LOCAL session_replication_role = origin", err,
                               "cannot store the rows");
        if (ret == META_OK)
            ret = count_per_file(run, report, err);
        if (ret != META_EINVAL)
            goto done;
    }
    ret = report_duplicates(run, err);
    if (ret == META_OK)
        ret = META_EINVAL;

done:
    return ret;
}
