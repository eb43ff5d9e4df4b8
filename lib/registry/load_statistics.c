/*
 * Fresh planner statistics after a load that grew the registry a lot. The
 * merge and `meta pool` probe the registry's indexes for the few rows they
 * need; with statistics from before a large load the planner reckons the
 * tables small and scans them whole instead, so the next small load or
 * query costs time in proportion to the registry (0.3 s at a million arms)
 * until autovacuum catches up. Analysing the tables that grew by more than
 * autovacuum's own threshold, inside the load's transaction, keeps those
 * plans right from the first query after the commit.
 */
#include "load_stage.h"

#include "pg_util.h"

#include <libpq-fe.h>
#include <stdio.h>

/* The registry tables whose row count this load changed by more than 1,000
 * rows and 10% of their size (rows inserted or removed: an update of values
 * leaves the planner's estimates as they were), that this role may analyse
 * (owners and superusers may: any other role would only get a warning). */
static const char grown_sql[] =
    "SELECT c.oid::regclass FROM pg_class c"
    " WHERE c.oid IN (to_regclass('trials'), to_regclass('arms'), to_regclass('outcomes'),"
    "                 to_regclass('continuous_results'), to_regclass('binary_results'),"
    "                 to_regclass('estimate_results'))"
    "   AND pg_stat_get_xact_tuples_inserted(c.oid) + pg_stat_get_xact_tuples_deleted(c.oid)"
    "       > 1000 + 0.1 * greatest(c.reltuples, 0)"
    "   AND pg_has_role(current_user, c.relowner, 'USAGE')"
    " ORDER BY c.relname";

int meta_load_refresh_statistics(struct meta_loader *run, struct meta_error *err)
{
    PGresult *res = PQexec(run->conn, grown_sql);
    PGresult *analyze = NULL;
    int ret = META_OK;
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        ret = meta_pg_error(err, run->conn, res, "cannot read the registry's statistics");
        goto cleanup;
    }
    for (int r = 0; r < PQntuples(res); r++) {
        /* The names come from the catalogue, already quoted by regclass. */
        char sql[256];
        snprintf(sql, sizeof sql, "ANALYZE %s", PQgetvalue(res, r, 0));
        analyze = PQexec(run->conn, sql);
        if (PQresultStatus(analyze) != PGRES_COMMAND_OK) {
            ret = meta_pg_error(err, run->conn, analyze, "cannot update the registry's statistics");
            goto cleanup;
        }
        PQclear(analyze);
        analyze = NULL;
    }

cleanup:
    PQclear(analyze);
    PQclear(res);
    return ret;
}
