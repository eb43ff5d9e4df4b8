-- 011_definer_search_path: the functions that run as their owner (SECURITY
-- DEFINER: the data_changes triggers of 004 and 009; 010's bulk load
-- functions are created so) search the caller's temporary schema last. Unless a search path names
-- pg_temp, PostgreSQL searches it FIRST for tables: a role that may create
-- temporary tables (meta_loader) could put one named like a registry table
-- in front of it and have the function read it, write it or fire its
-- triggers with the owner's rights. PostgreSQL's own advice for such
-- functions ("Writing SECURITY DEFINER Functions Safely") is pg_temp last.
-- Functions that already say so are left as they are.
DO $$
DECLARE
    f regprocedure;
BEGIN
    FOR f IN SELECT p.oid::regprocedure
               FROM pg_catalog.pg_proc p
               JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
              WHERE n.nspname = 'public' AND p.prosecdef
                AND NOT coalesce(p.proconfig, '{}')
                        @> '{"search_path=pg_catalog, public, pg_temp"}'
    LOOP
        EXECUTE format('ALTER FUNCTION %s SET search_path = pg_catalog, public, pg_temp', f);
    END LOOP;
END
$$;
