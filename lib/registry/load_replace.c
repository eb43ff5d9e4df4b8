/*
 * A source that replaces what it brought (META_LOAD_REPLACE, see
 * meta_load.h): after the merge, the rows that earlier loads of a source of
 * the same name stored and that no source of this load gives again are
 * removed, and so are the arms, trials and outcomes left without any result
 * by it. A corrected Cochrane package, imported again, so leaves the
 * registry as if only the corrected one had ever been imported.
 */
#include "load_stage.h"

#include "pg_util.h"

#include <stdio.h>

static const char gone_sql[] = "CREATE TEMP TABLE IF NOT EXISTS meta_gone ("
                               " arm_id bigint, trial_id bigint, outcome_id bigint) ON COMMIT DROP";

/* The outcomes whose arm results earlier loads of source $1 (this load
 * being $2) stored, as an array literal. */
static const char old_outcomes_sql[] =
    "SELECT coalesce(array_agg(DISTINCT lo.outcome_id), '{}') FROM load_outcomes lo"
    " JOIN loads l ON l.load_id = lo.load_id WHERE l.file_name = $1 AND l.load_id <> $2::bigint";

/* The rows of earlier loads of source $1 (this load being $2) that no
 * staged row gives again; their arms, trials and outcomes go to meta_gone.
 * The arm results of those loads are read by the first column of their
 * primary key over their outcomes ($3, from old_outcomes_sql: the tables
 * have no index on load_id), given as a constant so that the planner
 * weighs each outcome's rows. */
static const char remove_sql[] =
    "WITH old AS (SELECT load_id FROM loads WHERE file_name = $1 AND load_id <> $2::bigint),"
    " c AS (DELETE FROM continuous_results r WHERE r.outcome_id = ANY ($3::bigint[])"
    "   AND r.load_id IN (SELECT load_id FROM old)"
    "   AND NOT EXISTS (SELECT FROM meta_stage_ids i WHERE i.kind = 'continuous'"
    "     AND i.outcome_id = r.outcome_id AND i.timepoint = r.timepoint AND i.arm_id = r.arm_id)"
    "   RETURNING r.arm_id, r.outcome_id),"
    " b AS (DELETE FROM binary_results r WHERE r.outcome_id = ANY ($3::bigint[])"
    "   AND r.load_id IN (SELECT load_id FROM old)"
    "   AND NOT EXISTS (SELECT FROM meta_stage_ids i WHERE i.kind = 'binary'"
    "     AND i.outcome_id = r.outcome_id AND i.timepoint = r.timepoint AND i.arm_id = r.arm_id)"
    "   RETURNING r.arm_id, r.outcome_id),"
    " e AS (DELETE FROM estimate_results r USING old WHERE r.load_id = old.load_id"
    "   AND NOT EXISTS (SELECT FROM meta_stage_est i JOIN trials t ON t.name = i.trial"
    "     JOIN outcomes o ON o.name = i.outcome"
    "     WHERE t.trial_id = r.trial_id AND o.outcome_id = r.outcome_id"
    "       AND i.timepoint = r.timepoint AND i.treatment = r.treatment"
    "       AND i.control = r.control)"
    "   RETURNING r.trial_id, r.outcome_id),"
    " g AS (INSERT INTO meta_gone (arm_id, trial_id, outcome_id)"
    "   SELECT arm_id, NULL::bigint, outcome_id FROM c"
    "   UNION ALL SELECT arm_id, NULL::bigint, outcome_id FROM b"
    "   UNION ALL SELECT NULL::bigint, trial_id, outcome_id FROM e RETURNING 1)"
    "SELECT count(*) AS removed FROM g";

/* What lost its last result. */
static const char orphans_sql[] =
    "WITH a AS (DELETE FROM arms a WHERE a.arm_id IN (SELECT arm_id FROM meta_gone)"
    "   AND NOT EXISTS (SELECT FROM continuous_results r WHERE r.arm_id = a.arm_id)"
    "   AND NOT EXISTS (SELECT FROM binary_results r WHERE r.arm_id = a.arm_id)"
    "   RETURNING a.trial_id)"
    " INSERT INTO meta_gone (trial_id) SELECT trial_id FROM a;"
    "DELETE FROM trials t WHERE t.trial_id IN (SELECT trial_id FROM meta_gone)"
    " AND NOT EXISTS (SELECT FROM arms a WHERE a.trial_id = t.trial_id)"
    " AND NOT EXISTS (SELECT FROM estimate_results e WHERE e.trial_id = t.trial_id);"
    "DELETE FROM outcomes o WHERE o.outcome_id IN (SELECT outcome_id FROM meta_gone)"
    " AND NOT EXISTS (SELECT FROM continuous_results r WHERE r.outcome_id = o.outcome_id)"
    " AND NOT EXISTS (SELECT FROM binary_results r WHERE r.outcome_id = o.outcome_id)"
    " AND NOT EXISTS (SELECT FROM estimate_results r WHERE r.outcome_id = o.outcome_id)";

int meta_load_replace_sources(struct meta_loader *l, struct meta_load_report *report,
                              struct meta_error *err)
{
    int ret = meta_pg_exec(l->conn, gone_sql, err, "cannot replace the sources");
    for (size_t i = 0; ret == META_OK && i < l->nfiles; i++) {
        const struct meta_load_file *f = &l->files[i];
        if (!(f->flags & META_LOAD_REPLACE))
            continue;
        char load_id[32];
        snprintf(load_id, sizeof load_id, "%lld", f->load_id);
        const char *params[3] = {f->name, load_id, NULL};
        PGresult *outcomes =
            PQexecParams(l->conn, old_outcomes_sql, 2, NULL, params, NULL, NULL, 0);
        PGresult *res = NULL;
        if (PQresultStatus(outcomes) != PGRES_TUPLES_OK || PQntuples(outcomes) != 1) {
            ret = meta_pg_error(err, l->conn, outcomes, "cannot remove what %s no longer brings",
                                f->name);
        } else {
            params[2] = PQgetvalue(outcomes, 0, 0);
            res = PQexecParams(l->conn, remove_sql, 3, NULL, params, NULL, NULL, 0);
            if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1)
                ret = meta_pg_error(err, l->conn, res, "cannot remove what %s no longer brings",
                                    f->name);
            else
                report->files[i].removed = meta_pg_int(res, 0, "removed");
        }
        PQclear(res);
        PQclear(outcomes);
    }
    if (ret == META_OK)
        ret = meta_pg_exec(l->conn, orphans_sql, err, "cannot remove what lost its results");
    return ret;
}
