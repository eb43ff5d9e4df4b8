-- 009_load_replace: a load that gives stored arm results new values updates
-- them in place. PostgreSQL updates a row without touching any index (a
-- heap-only tuple) when no indexed column changes and the row's page has
-- room for the new version; every update sets load_id, so its index made
-- each one write a new entry into all three indexes of the table, most of
-- the cost of replacing a file. The load_id index is dropped: nothing reads
-- results by their load but the removal of what a replacing source no
-- longer brings (which finds them through load_outcomes, below) and the
-- deletion of a loads row (never done by meta). Pages are filled to half, so that
-- every row of a page can take its new version beside the old one; the
-- space of the old versions is reused by the next replacement.
DROP INDEX continuous_results_load_idx;
DROP INDEX binary_results_load_idx;
ALTER TABLE continuous_results SET (fillfactor = 50);
ALTER TABLE binary_results SET (fillfactor = 50);

-- The outcomes whose arm results each load stored (inserted, or replaced
-- with new values), so that removing what a replacing source no longer
-- brings reads the results of those outcomes by their primary key's first
-- column instead of scanning the tables for the old loads' rows. A row
-- here may outlive the results it stood for (a later load took them over,
-- or they were removed): it only widens that search. Outcome ids are never
-- reused, so a removed outcome's rows name nothing.
CREATE TABLE load_outcomes (
    load_id    bigint NOT NULL REFERENCES loads ON DELETE CASCADE,
    outcome_id bigint NOT NULL,
    PRIMARY KEY (load_id, outcome_id)
);
INSERT INTO load_outcomes (load_id, outcome_id)
SELECT load_id, outcome_id FROM continuous_results
UNION SELECT load_id, outcome_id FROM binary_results;
GRANT SELECT ON load_outcomes TO meta_reader, meta_loader;
GRANT INSERT, DELETE ON load_outcomes TO meta_loader;

-- An UPDATE's keys: each side's few keys found by hashing its rows, then
-- the union of those, instead of sorting the rows of both sides together
-- (most of the bookkeeping's cost when a load replaces many results).
CREATE OR REPLACE FUNCTION meta_note_result_changes() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO data_changes AS d (outcome_id, timepoint)
        SELECT DISTINCT outcome_id, timepoint FROM new_rows ORDER BY 1, 2
        ON CONFLICT (outcome_id, timepoint) DO UPDATE SET changes = d.changes + 1;
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO data_changes AS d (outcome_id, timepoint)
        SELECT outcome_id, timepoint FROM (
            SELECT outcome_id, timepoint FROM new_rows GROUP BY 1, 2
            UNION SELECT outcome_id, timepoint FROM old_rows GROUP BY 1, 2) k
        ORDER BY 1, 2
        ON CONFLICT (outcome_id, timepoint) DO UPDATE SET changes = d.changes + 1;
    ELSE
        INSERT INTO data_changes AS d (outcome_id, timepoint)
        SELECT DISTINCT outcome_id, timepoint FROM old_rows ORDER BY 1, 2
        ON CONFLICT (outcome_id, timepoint) DO UPDATE SET changes = d.changes + 1;
    END IF;
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION meta_note_result_changes() FROM PUBLIC;
