-- 010_bulk_load: a large file of new trials into an empty registry stores
-- its arms and results the way pg_restore does: the tables filled first,
-- their keys, indexes and foreign keys built afterwards, each sorted or
-- checked once (by parallel workers), instead of every row entering every
-- index and passing every foreign-key check as it comes. meta_loader does
-- not own the tables and may not drop their indexes; these functions run as
-- their owner and do only this, inside the caller's transaction (DDL is
-- transactional: a load that fails, is killed or loses its connection rolls
-- the drop back with everything else).
--
-- meta_bulk_load_begin() takes arms and the result tables in ACCESS
-- EXCLUSIVE mode without waiting and, when all three are empty, drops every
-- primary, unique and foreign key and every index they have (read from the
-- catalog, so that what an administrator or a later migration made of them
-- is what is built again), recording each definition: true. When a reader
-- holds one of the tables (or a table a foreign key refers to), when one
-- holds a row, or when anything else stands in the way (something resting
-- on arms' key, a privilege), it leaves everything as it was, its locks
-- too, and returns false: the load goes on as any other. Readers of those
-- tables then wait for the load's commit, instead of seeing an empty
-- registry meanwhile. meta_bulk_load_end() builds exactly what was
-- recorded: keys and indexes first, then the foreign keys resting on them.
--
-- A transaction that dropped them cannot commit without them: a deferred
-- constraint trigger on each recorded definition checks at commit that the
-- very object is there again (same table, kind, name and definition), so a
-- caller that leaves out meta_bulk_load_end() has its transaction refused
-- and rolled back, never a registry without its keys.
--
-- Every function runs with pg_temp last in its search_path and names every
-- table and catalog with its schema: a caller's temporary table cannot stand
-- in for one of them.

CREATE TABLE public.bulk_load_pending (
    xact     xid8     NOT NULL DEFAULT pg_catalog.pg_current_xact_id(),
    relid    oid      NOT NULL,
    kind     "char"   NOT NULL, -- pg_constraint.contype, or 'i': an index of no constraint
    name     name     NOT NULL,
    def      text     NOT NULL, -- meta_bulk_load_constraintdef, or pg_get_indexdef
    build_order smallint NOT NULL  -- the order of building: keys and indexes before foreign keys
);

-- A constraint's definition as ALTER TABLE ... ADD CONSTRAINT takes it,
-- with the storage parameters and tablespace of its index (which
-- pg_get_constraintdef leaves out).
CREATE FUNCTION public.meta_bulk_load_constraintdef(conoid oid) RETURNS text
LANGUAGE sql STABLE SET search_path = pg_catalog, public, pg_temp AS $$
SELECT pg_catalog.pg_get_constraintdef(c.oid)
       || coalesce(' WITH (' || pg_catalog.array_to_string(x.reloptions, ', ') || ')', '')
       || coalesce(' USING INDEX TABLESPACE ' || pg_catalog.quote_ident(s.spcname), '')
FROM pg_catalog.pg_constraint c
LEFT JOIN pg_catalog.pg_class x ON x.oid = c.conindid AND c.contype IN ('p', 'u')
LEFT JOIN pg_catalog.pg_tablespace s ON s.oid = x.reltablespace
WHERE c.oid = conoid
$$;
REVOKE ALL ON FUNCTION public.meta_bulk_load_constraintdef(oid) FROM PUBLIC;

-- The primary, unique and foreign keys and the indexes of arms and the
-- result tables, in the order they are built (to drop: the reverse).
CREATE FUNCTION public.meta_bulk_load_objects(OUT relid oid, OUT kind "char", OUT name name,
                                              OUT def text, OUT build_order smallint)
RETURNS SETOF record
LANGUAGE sql STABLE SET search_path = pg_catalog, public, pg_temp AS $$
WITH t(relid) AS (
    SELECT c.oid FROM pg_catalog.pg_class c
    WHERE c.relnamespace = 'public'::pg_catalog.regnamespace
      AND c.relname IN ('arms', 'continuous_results', 'binary_results') AND c.relkind = 'r'
)
SELECT o.relid, o.kind, o.name, o.def,
       (pg_catalog.row_number() OVER (ORDER BY o.kind = 'f', o.relid, o.name))::smallint
FROM (
    SELECT c.conrelid, c.contype, c.conname, public.meta_bulk_load_constraintdef(c.oid)
    FROM pg_catalog.pg_constraint c JOIN t ON c.conrelid = t.relid
    WHERE c.contype IN ('p', 'u', 'f')
    UNION ALL
    SELECT i.indrelid, 'i', x.relname, pg_catalog.pg_get_indexdef(i.indexrelid)
    FROM pg_catalog.pg_index i JOIN t ON i.indrelid = t.relid
    JOIN pg_catalog.pg_class x ON x.oid = i.indexrelid
    WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_constraint c
                      WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid
                        AND c.contype <> 'f')
) o(relid, kind, name, def)
$$;
REVOKE ALL ON FUNCTION public.meta_bulk_load_objects() FROM PUBLIC;

-- Whether the object recorded as (relid, kind, name, def) is there, itself.
CREATE FUNCTION public.meta_bulk_load_present(relid oid, kind "char", name name, def text)
RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog, public, pg_temp AS $$
SELECT CASE WHEN kind = 'i' THEN
    EXISTS (SELECT FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class x ON x.oid = i.indexrelid
            WHERE i.indrelid = relid AND x.relname = name
              AND pg_catalog.pg_get_indexdef(i.indexrelid) = def)
ELSE
    EXISTS (SELECT FROM pg_catalog.pg_constraint c
            WHERE c.conrelid = relid AND c.contype = kind AND c.conname = name
              AND public.meta_bulk_load_constraintdef(c.oid) = def)
END
$$;
REVOKE ALL ON FUNCTION public.meta_bulk_load_present(oid, "char", name, text) FROM PUBLIC;

CREATE FUNCTION public.meta_bulk_load_begin() RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp SET lock_timeout = '100ms' AS $$
DECLARE
    o record;
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
    EXCEPTION
        -- Whatever stands in the way (a reader's lock, something resting on
        -- a key, a privilege, a table made otherwise): the ordinary way.
        WHEN OTHERS THEN
            RETURN false;
    END;
    RETURN true;
END
$$;

-- Builds what meta_bulk_load_begin() dropped in this transaction, as it was
-- (nothing when it dropped nothing). A key given twice fails here, as the
-- database's own refusal of the rows; so does a foreign key without its row.
CREATE FUNCTION public.meta_bulk_load_end() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    o record;
BEGIN
    FOR o IN SELECT p.*, c.relname FROM public.bulk_load_pending p
             JOIN pg_catalog.pg_class c ON c.oid = p.relid
             WHERE p.xact = pg_catalog.pg_current_xact_id() ORDER BY p.build_order LOOP
        IF o.kind = 'i' THEN
            EXECUTE o.def;
        ELSE
            EXECUTE pg_catalog.format('ALTER TABLE public.%I ADD CONSTRAINT %I %s',
                                      o.relname, o.name, o.def);
        END IF;
    END LOOP;
    DELETE FROM public.bulk_load_pending WHERE xact = pg_catalog.pg_current_xact_id();
END
$$;

-- At commit, for each definition begin recorded: the object is there again.
CREATE FUNCTION public.meta_bulk_load_check() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF NOT public.meta_bulk_load_present(NEW.relid, NEW.kind, NEW.name, NEW.def) THEN
        RAISE EXCEPTION 'the registry''s indexes were dropped for a bulk load and not built again'
            USING DETAIL = pg_catalog.format('%s is missing', NEW.name),
                  HINT = 'call meta_bulk_load_end() before the commit';
    END IF;
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION public.meta_bulk_load_check() FROM PUBLIC;

CREATE CONSTRAINT TRIGGER bulk_load_pending_checked AFTER INSERT ON public.bulk_load_pending
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION public.meta_bulk_load_check();
ALTER TABLE public.bulk_load_pending ENABLE ALWAYS TRIGGER bulk_load_pending_checked;

REVOKE ALL ON FUNCTION public.meta_bulk_load_begin(), public.meta_bulk_load_end() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.meta_bulk_load_begin(), public.meta_bulk_load_end()
    TO meta_loader;

-- The functions act as the tables' owner: when the migration runs as
-- another role that may hand them over (a superuser, or a member of the
-- owner's role that may create in public), they and their table go to the
-- owner; otherwise
-- meta_bulk_load_begin() finds itself without the right and returns false.
DO $$
DECLARE
    owner name := (SELECT pg_catalog.pg_get_userbyid(c.relowner) FROM pg_catalog.pg_class c
                   WHERE c.oid = 'public.arms'::pg_catalog.regclass);
    f text;
BEGIN
    IF owner = current_user
       OR NOT (current_setting('is_superuser') = 'on'
               OR (pg_catalog.pg_has_role(owner, 'MEMBER')
                   AND pg_catalog.has_schema_privilege(owner, 'public', 'CREATE'))) THEN
        RETURN;
    END IF;
    EXECUTE pg_catalog.format('ALTER TABLE public.bulk_load_pending OWNER TO %I', owner);
    FOREACH f IN ARRAY ARRAY['meta_bulk_load_constraintdef(oid)', 'meta_bulk_load_objects()',
                             'meta_bulk_load_present(oid, "char", name, text)',
                             'meta_bulk_load_begin()', 'meta_bulk_load_end()',
                             'meta_bulk_load_check()'] LOOP
        EXECUTE pg_catalog.format('ALTER FUNCTION public.%s OWNER TO %I', f, owner);
    END LOOP;
END
$$;
