/*
 * What each load found, kept in its loads row (sql/005), and the load of a
 * file that changes nothing: when the registry holds a load of the same
 * bytes after which no load changed anything, the file's rows are all
 * stored as it gives them, so loading it again costs reading it (for its
 * SHA-256), one query and the new loads row, not a merge of every row.
 */
#include "load_lock.h"
#include "load_stage.h"

#include "pg_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int meta_load_record_summary(PGconn *conn, long long load_id, int changed, int csv,
                             long long estimates, long long trials, long long outcomes,
                             const char *name, struct meta_error *err)
{
    char id_text[32], est_text[32], trials_text[32], outcomes_text[32];
    snprintf(id_text, sizeof id_text, "%lld", load_id);
    snprintf(est_text, sizeof est_text, "%lld", estimates);
    snprintf(trials_text, sizeof trials_text, "%lld", trials);
    snprintf(outcomes_text, sizeof outcomes_text, "%lld", outcomes);
    const char *params[5] = {id_text, changed ? "true" : "false", csv ? est_text : NULL,
                             csv ? trials_text : NULL, csv ? outcomes_text : NULL};
    PGresult *res = PQexecParams(conn,
                                 "UPDATE loads SET changed = $2, estimates = $3, trials = $4,"
                                 " outcomes = $5 WHERE load_id = $1",
                                 5, NULL, params, NULL, NULL, 0);
    int ret = META_OK;
    if (PQresultStatus(res) != PGRES_COMMAND_OK)
        ret = meta_pg_error(err, conn, res, "cannot record the load of %s", name);
    PQclear(res);
    return ret;
}

int meta_load_record_summaries(struct meta_loader *l, const struct meta_load_report *report,
                               struct meta_error *err)
{
    long long changes = l->arms_updated;
    for (size_t i = 0; i < l->nfiles; i++)
        changes += report->files[i].inserted + report->files[i].replaced + report->files[i].removed;
    int ret = META_OK;
    for (size_t i = 0; i < l->nfiles && ret == META_OK; i++) {
        const struct meta_load_file *f = &l->files[i];
        ret = meta_load_record_summary(l->conn, f->load_id, changes > 0, f->csv, f->estimates,
                                       report->files[i].trials, report->files[i].outcomes, f->name,
                                       err);
    }
    return ret;
}

/* The latest load of a CSV file with these bytes after which nothing
 * changed the registry: its summary into f (load_id 0 when there is none). */
static const char same_sql[] =
    "SELECT l.load_id, l.row_count, l.estimates, l.trials, l.outcomes FROM loads l"
    " WHERE l.sha256 = $1 AND l.trials IS NOT NULL"
    "   AND NOT EXISTS (SELECT FROM loads m WHERE m.load_id > l.load_id"
    "                   AND m.changed IS NOT FALSE)"
    " ORDER BY l.load_id DESC LIMIT 1";

static int find_same(PGconn *conn, struct meta_load_file_report *f, struct meta_error *err)
{
    const char *params[1] = {f->sha256};
    PGresult *res = PQexecParams(conn, same_sql, 1, NULL, params, NULL, NULL, 0);
    int ret = META_OK;
    f->load_id = 0;
    if (PQresultStatus(res) != PGRES_TUPLES_OK)
        ret = meta_pg_error(err, conn, res, "cannot read the loads");
    else if (PQntuples(res) == 1) {
        f->load_id = meta_pg_int(res, 0, "load_id");
        f->rows = meta_pg_int(res, 0, "row_count");
        f->estimates = meta_pg_int(res, 0, "estimates");
        f->trials = meta_pg_int(res, 0, "trials");
        f->outcomes = meta_pg_int(res, 0, "outcomes");
        f->unchanged = f->rows;
    }
    PQclear(res);
    return ret;
}

/* Records the load of f, which changed nothing, and sets f->load_id to it. */
static int record_load(PGconn *conn, struct meta_load_file_report *f, struct meta_error *err)
{
    char rows[32], estimates[32], trials[32], outcomes[32];
    snprintf(rows, sizeof rows, "%lld", f->rows);
    snprintf(estimates, sizeof estimates, "%lld", f->estimates);
    snprintf(trials, sizeof trials, "%lld", f->trials);
    snprintf(outcomes, sizeof outcomes, "%lld", f->outcomes);
    const char *params[6] = {f->name, f->sha256, rows, estimates, trials, outcomes};
    PGresult *res = PQexecParams(
        conn,
        "INSERT INTO loads (file_name, sha256, row_count, changed, estimates, trials, outcomes)"
        " VALUES ($1, $2, $3, false, $4, $5, $6) RETURNING load_id",
        6, NULL, params, NULL, NULL, 0);
    int ret = META_OK;
    if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1)
        ret = meta_pg_error(err, conn, res, "cannot record the load of %s", f->name);
    else
        f->load_id = meta_pg_int(res, 0, "load_id");
    PQclear(res);
    return ret;
}

/* Whether the registry holds any load a file could be the same as. */
static int any_summary(PGconn *conn, int *any, struct meta_error *err)
{
    PGresult *res =
        PQexec(conn, "SELECT EXISTS (SELECT FROM loads WHERE trials IS NOT NULL) AS any");
    int ret = META_OK;
    if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1)
        ret = meta_pg_error(err, conn, res, "cannot read the loads");
    else
        *any = strcmp(meta_pg_text(res, 0, "any"), "t") == 0;
    PQclear(res);
    return ret;
}

/* Hashes the files into report (a file that cannot be hashed, or bytes
 * given twice, leave *usable 0: the full load reports them). */
static int hash_files(const char *const *paths, size_t npaths, struct meta_load_report *report,
                      int *usable, struct meta_error *err)
{
    *usable = 0;
    report->files = calloc(npaths, sizeof *report->files);
    if (!report->files)
        return meta_error_set(err, META_ENOMEM, "out of memory");
    report->nfiles = npaths;
    for (size_t i = 0; i < npaths; i++) {
        struct meta_load_file_report *f = &report->files[i];
        struct meta_error ignored;
        if (!(f->name = strdup(paths[i])))
            return meta_error_set(err, META_ENOMEM, "out of memory");
        if (!*paths[i] || meta_load_sha256_file(paths[i], f->sha256, &ignored) != META_OK)
            return META_OK;
        for (size_t j = 0; j < i; j++)
            if (strcmp(report->files[j].sha256, f->sha256) == 0 ||
                strcmp(report->files[j].name, f->name) == 0)
                return META_OK;
    }
    *usable = 1;
    return META_OK;
}

/* Whether every file has an earlier load to be the same as (*all). */
static int find_all(PGconn *conn, struct meta_load_report *report, int *all, struct meta_error *err)
{
    int ret = META_OK;
    *all = 0;
    for (size_t i = 0; ret == META_OK && i < report->nfiles; i++) {
        ret = find_same(conn, &report->files[i], err);
        if (ret == META_OK && report->files[i].load_id == 0)
            return META_OK;
    }
    *all = ret == META_OK;
    return ret;
}

/* Finds each file's earlier load, first without the load lock (a load that
 * cannot be done here leaves the lock to the full load), then again under
 * it, and records the new loads; *done = 0 when a file has none. */
static int record_all(struct meta_db *db, struct meta_load_report *report, int *done,
                      struct meta_error *err)
{
    PGconn *conn = meta_db_pg(db);
    int all = 0;
    int ret = find_all(conn, report, &all, err);
    if (ret != META_OK || !all)
        return ret;
    if ((ret = meta_load_lock(db, META_LOAD_LOCK_KEY, err)) ||
        (ret = find_all(conn, report, &all, err)) || !all)
        return ret;
    for (size_t i = 0; ret == META_OK && i < report->nfiles; i++)
        ret = record_load(conn, &report->files[i], err);
    if (ret == META_OK)
        *done = 1;
    return ret;
}

int meta_load_unchanged(struct meta_db *db, const char *const *paths, size_t npaths,
                        struct meta_load_report *report, int *done, struct meta_error *err)
{
    PGconn *conn = meta_db_pg(db);
    int any = 0, usable = 0;
    *done = 0;
    if (npaths == 0)
        return META_OK;
    int ret = meta_pg_exec(conn, "BEGIN", err, "cannot start a transaction");
    if (ret != META_OK)
        return ret;
    if ((ret = any_summary(conn, &any, err)) == META_OK && any &&
        (ret = hash_files(paths, npaths, report, &usable, err)) == META_OK && usable)
        ret = record_all(db, report, done, err);
    if (ret == META_OK && *done)
        ret = meta_pg_exec(conn, "COMMIT", err, "cannot commit the load");
    else
        PQclear(PQexec(conn, "ROLLBACK"));
    if (ret != META_OK)
        *done = 0;
    return ret;
}
