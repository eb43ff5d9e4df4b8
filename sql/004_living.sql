-- 004_living: living analyses. Every `meta run` records, per analysis file,
-- what it computed from which data (analysis_runs); data_changes keeps, per
-- outcome and time point, a count of the statements that changed its
-- results, so that `meta run --changed` finds which analyses are stale from
-- a few index probes, without reading a row of the analyses whose data did
-- not change.

-- One row per (outcome, time point) that ever held a result, arm or
-- estimate. changes grows by one with every statement that adds, replaces
-- or removes a result there, or changes the arm, trial or attributes a
-- result is read with. Rows are never deleted, so the sum of changes over
-- the keys an analysis selects grows whenever its data change, and only
-- then. Outcome ids are never reused: an outcome removed and created again
-- has new keys.
--
-- The key leaves out the treatment on purpose: analyses of one outcome and
-- time point nearly always share a side (placebo), so a key per treatment
-- would rarely spare a re-run, and finding each row's treatment (a join of
-- every written row with its arm) would cost a large load about twice what
-- this bookkeeping costs it.
CREATE TABLE data_changes (
    outcome_id bigint NOT NULL,
    timepoint  text   NOT NULL,
    changes    bigint NOT NULL DEFAULT 1 CHECK (changes > 0),
    PRIMARY KEY (outcome_id, timepoint)
);

-- The data stored before this migration counts as changed once.
INSERT INTO data_changes (outcome_id, timepoint)
SELECT outcome_id, timepoint FROM continuous_results
UNION SELECT outcome_id, timepoint FROM binary_results
UNION SELECT outcome_id, timepoint FROM estimate_results;

-- The bookkeeping runs once per statement on the rows it changed (transition
-- tables): one aggregate of the rows and one upsert of the few keys they
-- touch, however many rows the statement wrote; no trigger fires per row.
-- The functions run as their owner, so that whoever may write results keeps
-- data_changes up to date without being allowed to write it directly; keys
-- are written in key order, so that concurrent writers lock them in one
-- order.

-- Results (continuous, binary, estimates): the keys of the rows written or
-- removed.
CREATE FUNCTION meta_note_result_changes() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO data_changes AS d (outcome_id, timepoint)
        SELECT DISTINCT outcome_id, timepoint FROM new_rows ORDER BY 1, 2
        ON CONFLICT (outcome_id, timepoint) DO UPDATE SET changes = d.changes + 1;
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO data_changes AS d (outcome_id, timepoint)
        SELECT outcome_id, timepoint FROM new_rows
        UNION SELECT outcome_id, timepoint FROM old_rows ORDER BY 1, 2
        ON CONFLICT (outcome_id, timepoint) DO UPDATE SET changes = d.changes + 1;
    ELSE
        INSERT INTO data_changes AS d (outcome_id, timepoint)
        SELECT DISTINCT outcome_id, timepoint FROM old_rows ORDER BY 1, 2
        ON CONFLICT (outcome_id, timepoint) DO UPDATE SET changes = d.changes + 1;
    END IF;
    RETURN NULL;
END
$$;

-- An arm whose attributes (year, a `by` attribute), label, treatment or
-- trial change: the keys of its results.
CREATE FUNCTION meta_note_arm_changes() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    INSERT INTO data_changes AS d (outcome_id, timepoint)
    SELECT DISTINCT r.outcome_id, r.timepoint
      FROM (SELECT n.arm_id FROM new_rows n JOIN old_rows o ON o.arm_id = n.arm_id
             WHERE (n.trial_id, n.label, n.treatment, n.attributes)
                   IS DISTINCT FROM (o.trial_id, o.label, o.treatment, o.attributes)) c
      CROSS JOIN LATERAL (SELECT x.outcome_id, x.timepoint FROM continuous_results x
                           WHERE x.arm_id = c.arm_id
                          UNION ALL SELECT x.outcome_id, x.timepoint FROM binary_results x
                           WHERE x.arm_id = c.arm_id) r
     ORDER BY 1, 2
    ON CONFLICT (outcome_id, timepoint) DO UPDATE SET changes = d.changes + 1;
    RETURN NULL;
END
$$;

-- A trial renamed: the keys of its arms' results and of its estimates.
CREATE FUNCTION meta_note_trial_changes() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    INSERT INTO data_changes AS d (outcome_id, timepoint)
    SELECT DISTINCT k.outcome_id, k.timepoint
      FROM (SELECT n.trial_id FROM new_rows n JOIN old_rows o ON o.trial_id = n.trial_id
             WHERE n.name IS DISTINCT FROM o.name) c
      CROSS JOIN LATERAL (
            SELECT x.outcome_id, x.timepoint
              FROM arms a JOIN continuous_results x ON x.arm_id = a.arm_id
             WHERE a.trial_id = c.trial_id
            UNION ALL SELECT x.outcome_id, x.timepoint
              FROM arms a JOIN binary_results x ON x.arm_id = a.arm_id
             WHERE a.trial_id = c.trial_id
            UNION ALL SELECT e.outcome_id, e.timepoint FROM estimate_results e
             WHERE e.trial_id = c.trial_id) k
     ORDER BY 1, 2
    ON CONFLICT (outcome_id, timepoint) DO UPDATE SET changes = d.changes + 1;
    RETURN NULL;
END
$$;

-- TRUNCATE leaves no rows to look at: every key counts as changed.
CREATE FUNCTION meta_note_truncate() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    UPDATE data_changes SET changes = changes + 1;
    RETURN NULL;
END
$$;

REVOKE ALL ON FUNCTION meta_note_result_changes(), meta_note_arm_changes(),
    meta_note_trial_changes(), meta_note_truncate() FROM PUBLIC;

CREATE TRIGGER continuous_results_noted_insert AFTER INSERT ON continuous_results
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION meta_note_result_changes();
CREATE TRIGGER continuous_results_noted_update AFTER UPDATE ON continuous_results
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION meta_note_result_changes();
CREATE TRIGGER continuous_results_noted_delete AFTER DELETE ON continuous_results
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION meta_note_result_changes();
CREATE TRIGGER continuous_results_noted_truncate AFTER TRUNCATE ON continuous_results
    FOR EACH STATEMENT EXECUTE FUNCTION meta_note_truncate();

CREATE TRIGGER binary_results_noted_insert AFTER INSERT ON binary_results
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION meta_note_result_changes();
CREATE TRIGGER binary_results_noted_update AFTER UPDATE ON binary_results
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION meta_note_result_changes();
CREATE TRIGGER binary_results_noted_delete AFTER DELETE ON binary_results
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION meta_note_result_changes();
CREATE TRIGGER binary_results_noted_truncate AFTER TRUNCATE ON binary_results
    FOR EACH STATEMENT EXECUTE FUNCTION meta_note_truncate();

CREATE TRIGGER estimate_results_noted_insert AFTER INSERT ON estimate_results
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION meta_note_result_changes();
CREATE TRIGGER estimate_results_noted_update AFTER UPDATE ON estimate_results
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION meta_note_result_changes();
CREATE TRIGGER estimate_results_noted_delete AFTER DELETE ON estimate_results
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION meta_note_result_changes();
CREATE TRIGGER estimate_results_noted_truncate AFTER TRUNCATE ON estimate_results
    FOR EACH STATEMENT EXECUTE FUNCTION meta_note_truncate();

CREATE TRIGGER arms_noted_update AFTER UPDATE ON arms
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION meta_note_arm_changes();
CREATE TRIGGER trials_noted_update AFTER UPDATE ON trials
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION meta_note_trial_changes();

-- The loader may store in replica mode (session_replication_role), which
-- skips ordinary triggers: these fire in every mode.
ALTER TABLE continuous_results ENABLE ALWAYS TRIGGER continuous_results_noted_insert,
    ENABLE ALWAYS TRIGGER continuous_results_noted_update,
    ENABLE ALWAYS TRIGGER continuous_results_noted_delete,
    ENABLE ALWAYS TRIGGER continuous_results_noted_truncate;
ALTER TABLE binary_results ENABLE ALWAYS TRIGGER binary_results_noted_insert,
    ENABLE ALWAYS TRIGGER binary_results_noted_update,
    ENABLE ALWAYS TRIGGER binary_results_noted_delete,
    ENABLE ALWAYS TRIGGER binary_results_noted_truncate;
ALTER TABLE estimate_results ENABLE ALWAYS TRIGGER estimate_results_noted_insert,
    ENABLE ALWAYS TRIGGER estimate_results_noted_update,
    ENABLE ALWAYS TRIGGER estimate_results_noted_delete,
    ENABLE ALWAYS TRIGGER estimate_results_noted_truncate;
ALTER TABLE arms ENABLE ALWAYS TRIGGER arms_noted_update;
ALTER TABLE trials ENABLE ALWAYS TRIGGER trials_noted_update;

-- One recorded run of an analysis file. path is the file's absolute path
-- (its identity), file_sha256 the SHA-256 of its bytes; options the request
-- as run (JSON: outcome, time point, lists, measure, model, method...).
-- outcome_id, data_version (the sum of data_changes over the keys the
-- analysis selects) and data_timepoints (the time points of the outcome,
-- for an analysis that names none) are what the staleness check compares;
-- fingerprint is the SHA-256 of the rows it read, in a canonical order
-- (independent of row ids and the order of loading), load_ids the loads
-- that brought them. The result is on the analysis scale (log for ratio
-- measures), NULL where it does not apply; log_scale says whether it is on
-- the log scale (the ratio measures, and GIV when its rows are log ratios),
-- to be shown back-transformed; conclusion says where the interval lies
-- against no effect.
CREATE TABLE analysis_runs (
    run_id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    path            text        NOT NULL CHECK (path <> ''),
    file_sha256     text        NOT NULL CHECK (file_sha256 ~ '^[0-9a-f]{64}$'),
    ran_at          timestamptz NOT NULL DEFAULT now(),
    options         jsonb       NOT NULL CHECK (jsonb_typeof(options) = 'object'),
    outcome_id      bigint      NOT NULL,
    data_version    bigint      NOT NULL CHECK (data_version >= 0),
    data_timepoints integer     CHECK (data_timepoints >= 0),
    fingerprint     text        NOT NULL CHECK (fingerprint ~ '^[0-9a-f]{64}$'),
    load_ids        bigint[]    NOT NULL,
    k               integer     NOT NULL CHECK (k >= 0),
    measure         text        NOT NULL CHECK (measure <> ''),
    log_scale       boolean     NOT NULL DEFAULT false,
    estimate        double precision,
    ci_lower        double precision,
    ci_upper        double precision,
    tau2            double precision,
    i2              double precision,
    p               double precision,
    conclusion      text        NOT NULL
                    CHECK (conclusion IN ('below', 'above', 'includes', 'none'))
);
CREATE INDEX analysis_runs_path_idx ON analysis_runs (path, run_id);

-- Readers may see the history and the bookkeeping; loaders (and the role
-- meta uses by default, which owns the tables) may record runs.
GRANT SELECT ON data_changes, analysis_runs TO meta_reader, meta_loader;
GRANT INSERT ON analysis_runs TO meta_loader;
