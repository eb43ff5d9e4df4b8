-- 003_reader_privileges: least privilege for the read-only role.
-- PostgreSQL lets every role (PUBLIC) create temporary tables in a database
-- and call the advisory-lock functions, so a role that may only read could
-- still fill the server's disk with temporary tables, or hold the advisory
-- lock that makes meta's loads run one at a time and so block every load.
-- Both rights are taken from PUBLIC in this database and given to
-- meta_loader, which needs them to load, and to the database's owner, who
-- runs later migrations (they take an advisory lock); superusers keep them. The advisory-lock functions belong to PostgreSQL itself: only a
-- superuser may change who calls them, so under any other role that part is
-- left out (an administrator can run it later: see README, "Security").
DO $$
BEGIN
    EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
    EXECUTE format('GRANT TEMPORARY ON DATABASE %I TO meta_loader', current_database());
END
$$;

DO $$
DECLARE
    f regprocedure;
    owner name := (SELECT pg_get_userbyid(datdba) FROM pg_database
                   WHERE datname = current_database());
BEGIN
    IF current_setting('is_superuser') <> 'on' THEN
        RETURN;
    END IF;
    FOR f IN SELECT p.oid::regprocedure FROM pg_proc p
             WHERE p.pronamespace = 'pg_catalog'::regnamespace
               AND p.proname ~ '^pg_(try_)?advisory_'
    LOOP
        EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', f);
        EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO meta_loader, %I', f, owner);
    END LOOP;
END
$$;
