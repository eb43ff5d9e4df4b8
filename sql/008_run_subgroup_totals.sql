-- 008_run_subgroup_totals: a run of an analysis that shows subgroup totals
-- only (totals = subgroups) has no overall total, so it records k and no
-- pooled numbers; subgroup_totals says so, with how many subgroups it
-- showed. NULL: the run has an overall total. Runs recorded before this
-- column existed with totals = subgroups in their options are marked 0:
-- subgroup totals only, how many not recorded.
ALTER TABLE analysis_runs
    ADD COLUMN subgroup_totals integer CHECK (subgroup_totals >= 0);
UPDATE analysis_runs SET subgroup_totals = 0
 WHERE options ->> 'totals' = 'subgroups' AND estimate IS NULL;
