/*
 * Merging the staged estimate rows into estimate_results (see load_stage.h),
 * set-wise and under the load lock, after their trials and outcomes are
 * stored: a row whose key (trial, outcome, timepoint, treatment, control) is
 * stored with other values replaces it and takes this load; an equal one
 * keeps the load that brought it; a new one is inserted in key order. A key
 * given twice in the load was refused by meta_load_check already.
 */
#include "load_stage.h"

#include "pg_util.h"

/* Each staged estimate with the ids of its trial, outcome and load. */
static const char ids_sql[] =
    "CREATE TEMP TABLE meta_stage_est_ids ON COMMIT DROP AS"
    " SELECT e.*, e.rattrs::jsonb AS attributes, t.trial_id,"
    "        o.outcome_id, f.load_id"
    " FROM meta_stage_est e JOIN meta_stage_files f ON f.file_no = e.file_no"
    " JOIN trials t ON t.name = e.trial JOIN outcomes o ON o.name = e.outcome";

#define SAME_KEY                                                                                   \
    "r.outcome_id = i.outcome_id AND r.timepoint = i.timepoint AND r.trial_id = i.trial_id"        \
    " AND r.treatment = i.treatment AND r.control = i.control"

/* Stored estimates whose values change take the new values and the new load. */
static const char replace_sql[] =
    "WITH u AS ("
    " UPDATE estimate_results r SET kind = i.kind, measure = i.measure, method = i.method,"
    "   log_scale = i.log_scale, estimate = i.estimate, se = i.se, se_given = i.se_given,"
    "   ci_lower = i.ci_lower, ci_upper = i.ci_upper, level = i.level,"
    "   n_treatment = i.n_treatment, n_control = i.n_control, attributes = i.attributes,"
    "   load_id = i.load_id"
    " FROM meta_stage_est_ids i WHERE " SAME_KEY
    "   AND (r.measure, r.method, r.log_scale, r.estimate, r.se, r.se_given, r.ci_lower,"
    "        r.ci_upper, r.level, r.n_treatment, r.n_control, r.attributes)"
    "       IS DISTINCT FROM (i.measure, i.method, i.log_scale, i.estimate, i.se, i.se_given,"
    "        i.ci_lower, i.ci_upper, i.level, i.n_treatment, i.n_control, i.attributes)"
    " RETURNING r.load_id)"
    "SELECT load_id, count(*) AS n FROM u GROUP BY load_id";

static const char insert_sql[] =
    "WITH n AS ("
    " INSERT INTO estimate_results (trial_id, outcome_id, kind, timepoint, treatment, control,"
    "   measure, method, log_scale, estimate, se, se_given, ci_lower, ci_upper, level,"
    "   n_treatment, n_control, attributes, load_id)"
    " SELECT i.trial_id, i.outcome_id, i.kind, i.timepoint, i.treatment, i.control, i.measure,"
    "   i.method, i.log_scale, i.estimate, i.se, i.se_given, i.ci_lower, i.ci_upper, i.level,"
    "   i.n_treatment, i.n_control, i.attributes, i.load_id"
    " FROM meta_stage_est_ids i"
    " WHERE NOT EXISTS (SELECT FROM estimate_results r WHERE " SAME_KEY ")"
    " ORDER BY i.outcome_id, i.timepoint, i.trial_id, i.treatment, i.control"
    " RETURNING load_id)"
    "SELECT load_id, count(*) AS n FROM n GROUP BY load_id";

int meta_load_merge_estimates(struct meta_loader *l, struct meta_load_report *report,
                              struct meta_error *err)
{
    if (!l->any_estimates)
        return META_OK;
    int ret;
    if ((ret = meta_pg_exec(l->conn, ids_sql, err, "cannot match the estimates")) ||
        (ret = meta_load_count_results(l, replace_sql, 1, report, err)) ||
        (ret = meta_load_count_results(l, insert_sql, 0, report, err)))
        return ret == META_EINVAL
                   ? meta_error_set(err, META_EDB, "the registry refused an estimate given twice")
                   : ret;
    return META_OK;
}
