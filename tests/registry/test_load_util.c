/*
 * Helpers of the loading and listing tests (see test_load_util.h).
 */
#include "test_load_util.h"

#include "cunit_main.h"
#include "test_db.h"

#include <libpq-fe.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[64];

int meta_test_load_db(const char *name, char *conninfo, size_t size, struct meta_db **db)
{
    struct meta_error err;
    if (meta_test_db_create(name, conninfo, size) != 0)
        return -1;
    if (meta_db_open(conninfo, db, &err) != META_OK) {
        fprintf(stderr, "test: cannot open %s: %s\n", name, err.msg);
        return -1;
    }
    return 0;
}

void meta_test_load_fresh(const char *name, char *conninfo, size_t size, struct meta_db **db)
{
    meta_db_close(*db);
    *db = NULL;
    CU_ASSERT_EQUAL_FATAL(meta_test_load_db(name, conninfo, size, db), 0);
}

int meta_test_load_close(struct meta_db **db)
{
    meta_db_close(*db);
    *db = NULL;
    meta_test_load_cleanup();
    return 0;
}

void meta_test_load_expect_snapshot(const char *conninfo, const char *expected)
{
    char *snap = meta_test_load_snapshot(conninfo, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(snap);
    CU_ASSERT_STRING_EQUAL(snap, expected);
    if (strcmp(snap, expected) != 0)
        fprintf(stderr, "\n  got:\n%s\n  expected:\n%s\n", snap, expected);
    free(snap);
}

const char *meta_test_load_file(const char *name, const char *text)
{
    if (!dir[0]) {
        snprintf(dir, sizeof dir, "/tmp/meta-load-XXXXXX");
        if (!mkdtemp(dir) || chdir(dir) != 0) {
            dir[0] = '\0';
            return NULL;
        }
    }
    FILE *f = fopen(name, "wb");
    if (!f)
        return NULL;
    fputs(text, f);
    fclose(f);
    return name;
}

void meta_test_load_cleanup(void)
{
    if (!dir[0])
        return;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "test: cannot remove %s\n", dir);
    dir[0] = '\0';
}

char *meta_test_load_query(const char *conninfo, const char *sql)
{
    PGconn *conn = PQconnectdb(conninfo);
    char *out = NULL;
    PGresult *res = PQexec(conn, sql);
    if (PQresultStatus(res) != PGRES_TUPLES_OK)
        fprintf(stderr, "test: %s: %s", sql, PQerrorMessage(conn));
    else
        out = strdup(PQntuples(res) > 0 ? PQgetvalue(res, 0, 0) : "");
    PQclear(res);
    PQfinish(conn);
    return out;
}

char *meta_test_load_indexes(const char *conninfo)
{
    return meta_test_load_query(
        conninfo,
        "SELECT string_agg(x, E'\\n' ORDER BY x COLLATE \"C\") FROM ("
        " SELECT 'index|' || tablename || '|' || indexname || '|' || indexdef FROM pg_indexes"
        "  WHERE schemaname = 'public'"
        " UNION ALL SELECT 'constraint|' || conrelid::regclass || '|' || conname || '|'"
        "  || pg_get_constraintdef(oid) || '|' || condeferrable || '|' || convalidated"
        "  FROM pg_constraint WHERE connamespace = 'public'::regnamespace) s(x)");
}

char *meta_test_load_snapshot(const char *conninfo, int with_ids)
{
    static const char sql[] =
        "SELECT coalesce(string_agg(x, E'\\n' ORDER BY x COLLATE \"C\"), '') FROM ("
        " SELECT 'trial|' || name FROM trials"
        " UNION ALL SELECT 'arm|' || t.name || '|' || a.label || '|' || a.treatment || '|'"
        "   || a.attributes::text FROM arms a JOIN trials t USING (trial_id)"
        " UNION ALL SELECT 'outcome|' || name || '|' || kind FROM outcomes"
        " UNION ALL SELECT 'continuous|' || t.name || '|' || a.label || '|' || o.name || '|'"
        "   || r.timepoint || '|' || r.n || '|' || r.mean || '|' || r.sd || '|' || l.file_name"
        "   || coalesce('|' || r.attributes::text, '')"
        "   || CASE WHEN $1 THEN '|' || r.load_id ELSE '' END"
        "   FROM continuous_results r JOIN arms a USING (arm_id) JOIN trials t USING (trial_id)"
        "   JOIN outcomes o USING (outcome_id) JOIN loads l USING (load_id)"
        " UNION ALL SELECT 'binary|' || t.name || '|' || a.label || '|' || o.name || '|'"
        "   || r.timepoint || '|' || r.events || '|' || r.total || '|' || l.file_name"
        "   || coalesce('|' || r.attributes::text, '')"
        "   || CASE WHEN $1 THEN '|' || r.load_id ELSE '' END"
        "   FROM binary_results r JOIN arms a USING (arm_id) JOIN trials t USING (trial_id)"
        "   JOIN outcomes o USING (outcome_id) JOIN loads l USING (load_id)"
        " UNION ALL SELECT format('estimate|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s',"
        "   t.name, o.name, e.timepoint, e.treatment, e.control, e.kind, e.measure, e.method,"
        "   e.log_scale, e.estimate, e.se, e.se_given, e.ci_lower, e.ci_upper, e.level,"
        "   e.n_treatment, e.n_control, e.attributes) || '|' || l.file_name"
        "   || CASE WHEN $1 THEN '|' || e.load_id ELSE '' END"
        "   FROM estimate_results e JOIN trials t USING (trial_id)"
        "   JOIN outcomes o USING (outcome_id) JOIN loads l USING (load_id)"
        " UNION ALL SELECT 'loads|' || count(*) FROM loads WHERE $1) s(x)";
    PGconn *conn = PQconnectdb(conninfo);
    const char *params[1] = {with_ids ? "true" : "false"};
    PGresult *res = PQexecParams(conn, sql, 1, NULL, params, NULL, NULL, 0);
    char *out = NULL;
    if (PQresultStatus(res) != PGRES_TUPLES_OK)
        fprintf(stderr, "test: snapshot: %s", PQerrorMessage(conn));
    else
        out = strdup(PQgetvalue(res, 0, 0));
    PQclear(res);
    PQfinish(conn);
    return out;
}

/* The NULL-terminated paths after path, into paths (at most 32). */
static size_t collect_paths(const char **paths, const char *path, va_list ap)
{
    size_t n = 0;
    for (const char *p = path; p && n < 32; p = va_arg(ap, const char *))
        paths[n++] = p;
    return n;
}

int meta_test_load_files(struct meta_db *db, struct meta_load_report *report,
                         struct meta_error *err, const char *path, ...)
{
    const char *paths[32];
    va_list ap;
    va_start(ap, path);
    size_t n = collect_paths(paths, path, ap);
    va_end(ap);
    meta_error_clear(err);
    return meta_db_load(db, paths, n, report, err);
}

const char *meta_test_load_messages(const struct meta_load_report *report)
{
    static char buf[16384];
    size_t o = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < report->errors.kept && o < sizeof buf; i++)
        o += (size_t)snprintf(buf + o, sizeof buf - o, "%s%s", i ? "\n" : "",
                              report->errors.msgs[i]);
    return buf;
}

void meta_test_load_expect_query(const char *conninfo, const char *sql, const char *expected)
{
    char *got = meta_test_load_query(conninfo, sql);
    CU_ASSERT_PTR_NOT_NULL_FATAL(got);
    CU_ASSERT_STRING_EQUAL(got, expected);
    if (strcmp(got, expected) != 0)
        fprintf(stderr, "\n  %s\n  got:      %s\n  expected: %s\n", sql, got, expected);
    free(got);
}

void meta_test_load_expect_messages(const struct meta_load_report *report, const char *expected)
{
    const char *got = meta_test_load_messages(report);
    CU_ASSERT_STRING_EQUAL(got, expected);
    if (strcmp(got, expected) != 0)
        fprintf(stderr, "\n  got:\n%s\n  expected:\n%s\n", got, expected);
}

void meta_test_load_expect_refused(struct meta_db *db, const char *conninfo, const char *expected,
                                   const char *path, ...)
{
    const char *paths[32];
    va_list ap;
    va_start(ap, path);
    size_t n = collect_paths(paths, path, ap);
    va_end(ap);
    struct meta_load_report r;
    struct meta_error err;
    meta_load_report_init(&r);
    char *before = meta_test_load_snapshot(conninfo, 1);
    CU_ASSERT_EQUAL(meta_db_load(db, paths, n, &r, &err), META_EINVAL);
    meta_test_load_expect_messages(&r, expected);
    CU_ASSERT_PTR_NULL(r.files);
    char *after = meta_test_load_snapshot(conninfo, 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(before);
    CU_ASSERT_PTR_NOT_NULL_FATAL(after);
    CU_ASSERT_STRING_EQUAL(before, after);
    free(before);
    free(after);
    meta_load_report_release(&r);
}
