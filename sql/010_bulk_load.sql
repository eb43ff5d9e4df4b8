-- 010_bulk_load: a large file of new trials into an empty registry stores
-- its arms and results the way pg_restore does: the tables filled first,
-- their secondary indexes and keys built afterwards, each sorted once (by
-- parallel workers), instead of every row entering every index as it comes.
-- meta_loader does not own the tables and may not drop their indexes; these
-- functions run as their owner and do only this, inside the caller's
-- transaction (DDL is transactional: a load that fails, is killed or loses
-- its connection rolls the drop back with everything else).
--
-- meta_bulk_load_begin() takes arms and the result tables in ACCESS
-- EXCLUSIVE mode without waiting and, when all three are empty, drops the
-- indexes and keys that meta_bulk_load_end() builds again: true. When a
-- reader holds one of them, or one holds a row, it leaves everything as it
-- was (its locks too) and returns false: the load goes on as any other.
-- Readers of arms and results then wait for the load's commit, instead of
-- seeing an empty registry meanwhile. Dropped and built again: the keys and
-- indexes of arms and of the result tables, with the results' foreign keys
-- to arms (checked once, as the whole tables, when they are built). The
-- keys of trials stay: arms' foreign key rests on its primary key, and its
-- name key refuses a trial given twice as the load streams the trials.
--
-- A transaction that dropped them cannot commit without them: a deferred
-- constraint trigger on bulk_load_pending checks at commit that every one
-- is there again, so a caller that leaves out meta_bulk_load_end() has its
-- transaction refused and rolled back, never a registry without its keys.

CREATE TABLE bulk_load_pending (
    started_at timestamptz NOT NULL DEFAULT now()
);

-- The indexes and keys of arms and the result tables as 001 leaves them,
-- in the order they are built again, each with the statement that builds it
-- (constraints by ALTER TABLE, so that their names and definitions are the
-- migrations' own); the arm foreign keys of the results rest on arms_pkey.
CREATE FUNCTION meta_bulk_load_indexes(OUT name text, OUT build text)
RETURNS SETOF record
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, public AS $$
VALUES
    ('arms_pkey', 'ALTER TABLE arms ADD CONSTRAINT arms_pkey PRIMARY KEY (arm_id)'),
    ('arms_trial_id_label_key',
     'ALTER TABLE arms ADD CONSTRAINT arms_trial_id_label_key UNIQUE (trial_id, label)'),
    ('arms_treatment_idx', 'CREATE INDEX arms_treatment_idx ON arms (treatment)'),
    ('continuous_results_pkey',
     'ALTER TABLE continuous_results ADD CONSTRAINT continuous_results_pkey'
     ' PRIMARY KEY (outcome_id, timepoint, arm_id)'),
    ('continuous_results_arm_idx',
     'CREATE INDEX continuous_results_arm_idx ON continuous_results (arm_id)'),
    ('continuous_results_arm_id_fkey',
     'ALTER TABLE continuous_results ADD CONSTRAINT continuous_results_arm_id_fkey'
     ' FOREIGN KEY (arm_id) REFERENCES arms ON DELETE CASCADE'),
    ('binary_results_pkey',
     'ALTER TABLE binary_results ADD CONSTRAINT binary_results_pkey'
     ' PRIMARY KEY (outcome_id, timepoint, arm_id)'),
    ('binary_results_arm_idx', 'CREATE INDEX binary_results_arm_idx ON binary_results (arm_id)'),
    ('binary_results_arm_id_fkey',
     'ALTER TABLE binary_results ADD CONSTRAINT binary_results_arm_id_fkey'
     ' FOREIGN KEY (arm_id) REFERENCES arms ON DELETE CASCADE')
$$;
REVOKE ALL ON FUNCTION meta_bulk_load_indexes() FROM PUBLIC;

-- Those of meta_bulk_load_indexes() that are missing, in its order.
CREATE FUNCTION meta_bulk_load_missing(OUT name text, OUT build text)
RETURNS SETOF record
LANGUAGE sql STABLE SET search_path = pg_catalog, public AS $$
SELECT i.name, i.build FROM meta_bulk_load_indexes() WITH ORDINALITY i(name, build, n)
WHERE to_regclass('public.' || quote_ident(i.name)) IS NULL
  AND NOT EXISTS (SELECT FROM pg_constraint c
                  WHERE c.conname = i.name AND c.connamespace = 'public'::regnamespace)
ORDER BY i.n
$$;
REVOKE ALL ON FUNCTION meta_bulk_load_missing() FROM PUBLIC;

CREATE FUNCTION meta_bulk_load_begin() RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    begun boolean := false;
BEGIN
    -- A block of its own: leaving it by an exception releases the locks it took.
    BEGIN
        LOCK TABLE arms, continuous_results, binary_results IN ACCESS EXCLUSIVE MODE NOWAIT;
        IF EXISTS (SELECT FROM arms) OR EXISTS (SELECT FROM continuous_results)
           OR EXISTS (SELECT FROM binary_results) THEN
            RAISE EXCEPTION USING ERRCODE = 'MB001';
        END IF;
        ALTER TABLE continuous_results DROP CONSTRAINT continuous_results_pkey;
        ALTER TABLE binary_results DROP CONSTRAINT binary_results_pkey;
        ALTER TABLE arms DROP CONSTRAINT arms_trial_id_label_key;
        -- The arm foreign keys of the results rest on arms_pkey: dropped
        -- first; anything else resting on it (a later migration's) makes
        -- the drop fail, and the load take the ordinary way.
        ALTER TABLE continuous_results DROP CONSTRAINT continuous_results_arm_id_fkey;
        ALTER TABLE binary_results DROP CONSTRAINT binary_results_arm_id_fkey;
        ALTER TABLE arms DROP CONSTRAINT arms_pkey;
        DROP INDEX arms_treatment_idx, continuous_results_arm_idx, binary_results_arm_idx;
        INSERT INTO bulk_load_pending DEFAULT VALUES;
        begun := true;
    EXCEPTION
        WHEN lock_not_available OR dependent_objects_still_exist OR SQLSTATE 'MB001' THEN
            begun := false;
    END;
    RETURN begun;
END
$$;

-- Builds what meta_bulk_load_begin() dropped, as 001 leaves it (nothing when
-- nothing is missing). A key given twice fails here, as the database's own
-- refusal of the rows.
CREATE FUNCTION meta_bulk_load_end() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    i record;
BEGIN
    FOR i IN SELECT * FROM meta_bulk_load_missing() LOOP
        EXECUTE i.build;
    END LOOP;
    DELETE FROM bulk_load_pending;
END
$$;

CREATE FUNCTION meta_bulk_load_check() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    IF EXISTS (SELECT FROM meta_bulk_load_missing()) THEN
        RAISE EXCEPTION 'the registry''s indexes were dropped for a bulk load and not built again'
            USING HINT = 'call meta_bulk_load_end() before the commit';
    END IF;
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION meta_bulk_load_check() FROM PUBLIC;

CREATE CONSTRAINT TRIGGER bulk_load_pending_checked AFTER INSERT ON bulk_load_pending
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION meta_bulk_load_check();
ALTER TABLE bulk_load_pending ENABLE ALWAYS TRIGGER bulk_load_pending_checked;

REVOKE ALL ON FUNCTION meta_bulk_load_begin(), meta_bulk_load_end() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION meta_bulk_load_begin(), meta_bulk_load_end() TO meta_loader;
