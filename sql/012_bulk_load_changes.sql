-- 012_bulk_load_changes: a bulk load (010) keeps data_changes once for its
-- results instead of by the statement triggers of 004 over every row it
-- copies. The INSERT trigger of a result table keeps each of its rows in a
-- transition table (a million rows for a large file) to find the few keys
-- (outcome, time point) they touch; meta_bulk_load_begin() now also turns
-- off the INSERT triggers of continuous_results and binary_results (those
-- that fire in every mode, as 004 makes them), and meta_bulk_load_end()
-- writes what they would have written and turns them on again: each key of
-- the table's rows counted once, as the one COPY that fills the table would
-- count it (the table was empty at begin). The trigger's state is recorded
-- beside the keys and checked at commit the same way: a transaction that
-- leaves a trigger off cannot commit.

CREATE OR REPLACE FUNCTION public.meta_bulk_load_present(relid oid, kind "char", name name,
                                                         def text)
RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog, public, pg_temp AS $$
SELECT CASE WHEN kind = 'i' THEN
    EXISTS (SELECT FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class x ON x.oid = i.indexrelid
            WHERE i.indrelid = relid AND x.relname = name
              AND pg_catalog.pg_get_indexdef(i.indexrelid) = def)
WHEN kind = 't' THEN
    -- A trigger: def is the state it had (pg_trigger.tgenabled).
    EXISTS (SELECT FROM pg_catalog.pg_trigger t
            WHERE t.tgrelid = relid AND t.tgname = name AND NOT t.tgisinternal
              AND t.tgenabled::text = def)
ELSE
    EXISTS (SELECT FROM pg_catalog.pg_constraint c
            WHERE c.conrelid = relid AND c.contype = kind AND c.conname = name
              AND public.meta_bulk_load_constraintdef(c.oid) = def)
END
$$;
REVOKE ALL ON FUNCTION public.meta_bulk_load_present(oid, "char", name, text) FROM PUBLIC;

-- The INSERT triggers of the result tables that keep data_changes and fire
-- in every mode: those a bulk load turns off.
CREATE FUNCTION public.meta_bulk_load_triggers(OUT relid oid, OUT relname name, OUT name name)
RETURNS SETOF record
LANGUAGE sql STABLE SET search_path = pg_catalog, public, pg_temp AS $$
SELECT c.oid, c.relname, t.tgname
FROM pg_catalog.pg_trigger t JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid
WHERE c.relnamespace = 'public'::pg_catalog.regnamespace AND c.relkind = 'r'
  AND (c.relname, t.tgname) IN (('continuous_results', 'continuous_results_noted_insert'),
                                ('binary_results', 'binary_results_noted_insert'))
  AND NOT t.tgisinternal AND t.tgenabled = 'A'
  AND t.tgfoid = 'public.meta_note_result_changes()'::pg_catalog.regprocedure
ORDER BY c.relname
$$;
REVOKE ALL ON FUNCTION public.meta_bulk_load_triggers() FROM PUBLIC;

CREATE OR REPLACE FUNCTION public.meta_bulk_load_begin() RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp SET lock_timeout = '100ms' AS $$
DECLARE
    o record;
    last smallint;
BEGIN
    -- A block of its own: leaving it by an exception undoes everything it
    -- did and releases the locks it took.
    BEGIN
        LOCK TABLE public.arms, public.continuous_results, public.binary_results
            IN ACCESS EXCLUSIVE MODE NOWAIT;
        IF EXISTS (SELECT FROM public.arms) OR EXISTS (SELECT FROM public.continuous_results)
           OR EXISTS (SELECT FROM public.binary_results) THEN
            RAISE EXCEPTION USING ERRCODE = 'MB001';
        END IF;
        FOR o IN SELECT b.*, c.relname FROM public.meta_bulk_load_objects() b
                 JOIN pg_catalog.pg_class c ON c.oid = b.relid ORDER BY b.build_order DESC LOOP
            INSERT INTO public.bulk_load_pending (relid, kind, name, def, build_order)
            VALUES (o.relid, o.kind, o.name, o.def, o.build_order);
            IF o.kind = 'i' THEN
                EXECUTE pg_catalog.format('DROP INDEX public.%I', o.name);
            ELSE
                EXECUTE pg_catalog.format('ALTER TABLE public.%I DROP CONSTRAINT %I',
                                          o.relname, o.name);
            END IF;
        END LOOP;
        IF NOT FOUND THEN
            RAISE EXCEPTION USING ERRCODE = 'MB001';
        END IF;
        -- The triggers after everything built (end turns them on last).
        last := (SELECT pg_catalog.max(p.build_order) FROM public.bulk_load_pending p
                 WHERE p.xact = pg_catalog.pg_current_xact_id());
        FOR o IN SELECT * FROM public.meta_bulk_load_triggers() LOOP
            last := last + 1;
            INSERT INTO public.bulk_load_pending (relid, kind, name, def, build_order)
            VALUES (o.relid, 't', o.name, 'A', last);
            EXECUTE pg_catalog.format('ALTER TABLE public.%I DISABLE TRIGGER %I',
                                      o.relname, o.name);
        END LOOP;
    EXCEPTION
        -- Whatever stands in the way (a reader's lock, something resting on
        -- a key, a privilege, a table made otherwise): the ordinary way.
        WHEN OTHERS THEN
            RETURN false;
    END;
    RETURN true;
END
$$;

-- Builds what meta_bulk_load_begin() dropped in this transaction, as it was,
-- then keeps data_changes for the rows of each result table whose trigger
-- it turned off and turns the trigger on again.
CREATE OR REPLACE FUNCTION public.meta_bulk_load_end() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    o record;
BEGIN
    FOR o IN SELECT p.*, c.relname FROM public.bulk_load_pending p
             JOIN pg_catalog.pg_class c ON c.oid = p.relid
             WHERE p.xact = pg_catalog.pg_current_xact_id() ORDER BY p.build_order LOOP
        IF o.kind = 'i' THEN
            EXECUTE o.def;
        ELSIF o.kind = 't' THEN
            -- What the trigger writes for an INSERT (004, 009), over the
            -- whole table: every row is this transaction's.
            IF o.relname = 'continuous_results' THEN
                INSERT INTO public.data_changes AS d (outcome_id, timepoint)
                SELECT r.outcome_id, r.timepoint FROM public.continuous_results r
                GROUP BY 1, 2 ORDER BY 1, 2
                ON CONFLICT (outcome_id, timepoint) DO UPDATE SET changes = d.changes + 1;
            ELSIF o.relname = 'binary_results' THEN
                INSERT INTO public.data_changes AS d (outcome_id, timepoint)
                SELECT r.outcome_id, r.timepoint FROM public.binary_results r
                GROUP BY 1, 2 ORDER BY 1, 2
                ON CONFLICT (outcome_id, timepoint) DO UPDATE SET changes = d.changes + 1;
            ELSE
                RAISE EXCEPTION 'no bookkeeping for the trigger % of %', o.name, o.relname;
            END IF;
            EXECUTE pg_catalog.format('ALTER TABLE public.%I ENABLE ALWAYS TRIGGER %I',
                                      o.relname, o.name);
        ELSE
            EXECUTE pg_catalog.format('ALTER TABLE public.%I ADD CONSTRAINT %I %s',
                                      o.relname, o.name, o.def);
        END IF;
    END LOOP;
    DELETE FROM public.bulk_load_pending WHERE xact = pg_catalog.pg_current_xact_id();
END
$$;

-- At commit, for each definition begin recorded: the object is there again
-- (a trigger: in the state it had).
CREATE OR REPLACE FUNCTION public.meta_bulk_load_check() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF NEW.kind = 't' AND NOT public.meta_bulk_load_present(NEW.relid, NEW.kind, NEW.name,
                                                             NEW.def) THEN
        RAISE EXCEPTION 'the registry''s bookkeeping of changes was turned off for a bulk load'
                        ' and not turned on again'
            USING DETAIL = pg_catalog.format('trigger %s is off', NEW.name),
                  HINT = 'call meta_bulk_load_end() before the commit';
    ELSIF NOT public.meta_bulk_load_present(NEW.relid, NEW.kind, NEW.name, NEW.def) THEN
        RAISE EXCEPTION 'the registry''s indexes were dropped for a bulk load and not built again'
            USING DETAIL = pg_catalog.format('%s is missing', NEW.name),
                  HINT = 'call meta_bulk_load_end() before the commit';
    END IF;
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION public.meta_bulk_load_check() FROM PUBLIC;

-- As 010: the new function goes to the tables' owner with the others.
DO $$
DECLARE
    owner name := (SELECT pg_catalog.pg_get_userbyid(c.relowner) FROM pg_catalog.pg_class c
                   WHERE c.oid = 'public.arms'::pg_catalog.regclass);
BEGIN
    IF owner = current_user
       OR NOT (current_setting('is_superuser') = 'on'
               OR (pg_catalog.pg_has_role(owner, 'MEMBER')
                   AND pg_catalog.has_schema_privilege(owner, 'public', 'CREATE'))) THEN
        RETURN;
    END IF;
    EXECUTE pg_catalog.format('ALTER FUNCTION public.meta_bulk_load_triggers() OWNER TO %I',
                              owner);
END
$$;
