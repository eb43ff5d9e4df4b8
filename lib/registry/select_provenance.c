/*
 * Where the numbers of a selection came from (see meta_select.h): the loads
 * that brought its rows, read for many selections in one query, and the
 * fingerprint of the rows, which changes with any selected value and with
 * nothing else (not the row ids, not the order of loading).
 */
#include "load_sha256.h"
#include "pg_util.h"
#include "select_rows.h"

#include <math.h>
#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- The fingerprint ------------------------------------------------------ */

/* A growing buffer of NUL-terminated lines; oom once an allocation failed. */
struct lines {
    char *text;
    size_t len, cap;
    size_t *starts; /* where each line begins */
    size_t n, n_cap;
    int oom;
};

static void put(struct lines *b, const char *s, size_t len)
{
    if (b->oom)
        return;
    if (b->len + len + 1 > b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 4096;
        while (cap < b->len + len + 1)
            cap *= 2;
        char *grown = realloc(b->text, cap);
        if (!grown) {
            b->oom = 1;
            return;
        }
        b->text = grown;
        b->cap = cap;
    }
    memcpy(b->text + b->len, s, len);
    b->len += len;
}

static void begin_line(struct lines *b)
{
    if (b->oom)
        return;
    if (b->n == b->n_cap) {
        size_t cap = b->n_cap ? 2 * b->n_cap : 64;
        size_t *grown = realloc(b->starts, cap * sizeof *grown);
        if (!grown) {
            b->oom = 1;
            return;
        }
        b->starts = grown;
        b->n_cap = cap;
    }
    b->starts[b->n++] = b->len;
}

static void end_line(struct lines *b)
{
    put(b, "", 1); /* the NUL */
}

/* Text with backslash, tab, line feed, '=' and ';' escaped, so that fields
 * and attribute pairs cannot run into each other; NULL as \N, which no
 * escaped text can be. */
static void escaped(struct lines *b, const char *s)
{
    if (!s) {
        put(b, "\\N", 2);
        return;
    }
    const char *start = s, *p = s;
    for (;; p++) {
        char c = *p;
        if (c != '\0' && c != '\\' && c != '\t' && c != '\n' && c != '=' && c != ';')
            continue;
        put(b, start, (size_t)(p - start));
        if (c == '\0')
            return;
        const char *esc = c == '\\'   ? "\\\\"
                          : c == '\t' ? "\\t"
                          : c == '\n' ? "\\n"
                          : c == '='  ? "\\e"
                                      : "\\s";
        put(b, esc, 2);
        start = p + 1;
    }
}

/* A text field: a tab, then the text escaped. */
static void field(struct lines *b, const char *s)
{
    put(b, "\t", 1);
    escaped(b, s);
}

/* A number: the 16 hex digits of its bits, exact and cheap (a stored
 * double reads back bit for bit); an absent one (NAN) as \N. */
static void number(struct lines *b, double v)
{
    if (isnan(v)) {
        field(b, NULL);
        return;
    }
    static const char hex[] = "0123456789abcdef";
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    char text[17];
    text[0] = '\t';
    for (int i = 16; i >= 1; i--, bits >>= 4)
        text[i] = hex[bits & 15];
    put(b, text, sizeof text);
}

static int by_attr_name(const void *a, const void *b)
{
    const struct meta_select_attr *const *x = a, *const *y = b;
    return strcmp((*x)->name, (*y)->name);
}

/* A result's attributes, sorted by name: "name=value;name=value". */
static void attributes(struct lines *b, const struct meta_select_attr *attrs, size_t n)
{
    if (n == 0) {
        field(b, NULL);
        return;
    }
    const struct meta_select_attr **sorted = malloc(n * sizeof *sorted);
    if (!sorted) {
        b->oom = 1;
        return;
    }
    for (size_t i = 0; i < n; i++)
        sorted[i] = &attrs[i];
    qsort(sorted, n, sizeof *sorted, by_attr_name);
    put(b, "\t", 1);
    for (size_t i = 0; i < n; i++) {
        if (i)
            put(b, ";", 1);
        escaped(b, sorted[i]->name);
        put(b, "=", 1);
        escaped(b, sorted[i]->value);
    }
    free(sorted);
}

/* The attributes asked for by name (a moderator, a risk-of-bias column):
 * "name=value;" in the query's order, \N for a value the row lacks; the
 * arm's own attributes count here, since a result without the attribute
 * takes the arm's. Nothing when none were asked for. */
static void named_values(struct lines *b, const struct meta_selection *sel, char *const *values)
{
    if (sel->n_attributes == 0)
        return;
    put(b, "\t", 1);
    for (size_t j = 0; j < sel->n_attributes; j++) {
        escaped(b, sel->attributes[j]);
        put(b, "=", 1);
        escaped(b, values ? values[j] : NULL);
        put(b, ";", 1);
    }
}

static void arm_line(struct lines *b, const struct meta_selection *sel,
                     const struct meta_select_arm *a)
{
    begin_line(b);
    put(b, "a", 1);
    field(b, a->trial);
    field(b, a->label);
    field(b, a->treatment);
    number(b, a->n);
    number(b, a->mean);
    number(b, a->sd);
    number(b, a->events);
    number(b, a->total);
    field(b, a->year);
    field(b, a->by_value);
    attributes(b, a->attrs, a->n_attrs);
    named_values(b, sel, a->values);
    end_line(b);
}

static void estimate_line(struct lines *b, const struct meta_selection *sel,
                          const struct meta_select_estimate *e)
{
    begin_line(b);
    put(b, "e", 1);
    field(b, e->trial);
    field(b, e->treatment);
    field(b, e->control);
    field(b, e->measure);
    field(b, e->peto ? "peto" : "");
    field(b, e->log_scale ? "log" : "");
    number(b, e->estimate);
    number(b, e->se);
    field(b, e->se_given ? "se" : "ci");
    number(b, e->ci_lower);
    number(b, e->ci_upper);
    number(b, e->level);
    number(b, e->n_treatment);
    number(b, e->n_control);
    field(b, e->year);
    field(b, e->by_value);
    attributes(b, e->attrs, e->n_attrs);
    named_values(b, sel, e->values);
    end_line(b);
}

static int by_line(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int meta_selection_fingerprint(const struct meta_selection *sel, char out[META_FINGERPRINT_SIZE])
{
    struct lines b;
    memset(&b, 0, sizeof b);
    out[0] = '\0';
    for (size_t i = 0; i < sel->count; i++)
        arm_line(&b, sel, &sel->arms[i]);
    for (size_t i = 0; i < sel->n_estimates; i++)
        estimate_line(&b, sel, &sel->estimates[i]);
    /* The head: what the rows are of. */
    size_t head = b.len;
    put(&b, "meta selection 1", 16);
    field(&b, sel->outcome);
    field(&b, sel->timepoint);
    put(&b, "\n", 1);
    /* The head, then the lines sorted, each ended by a line feed, hashed
     * in one piece. */
    int ret = META_ENOMEM;
    const char **sorted = NULL;
    char *text = NULL;
    if (b.oom || !(sorted = malloc((b.n ? b.n : 1) * sizeof *sorted)) || !(text = malloc(b.len)))
        goto cleanup;
    size_t used = b.len - head;
    memcpy(text, b.text + head, used);
    for (size_t i = 0; i < b.n; i++)
        sorted[i] = b.text + b.starts[i];
    qsort(sorted, b.n, sizeof *sorted, by_line);
    for (size_t i = 0; i < b.n; i++) {
        size_t n = strlen(sorted[i]); /* its NUL's place takes the line feed */
        memcpy(text + used, sorted[i], n);
        text[used + n] = '\n';
        used += n + 1;
    }
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    if (EVP_Digest(text, used, digest, &len, EVP_sha256(), NULL) != 1 || len != 32)
        goto cleanup;
    meta_load_sha256_hex(digest, out);
    ret = META_OK;
cleanup:
    free(text);
    free(sorted);
    free(b.text);
    free(b.starts);
    return ret;
}

/* ---- The loads ------------------------------------------------------------ */

static int by_id(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;
    return x < y ? -1 : x > y;
}

/* The distinct load ids of sel's rows, sorted, into *ids (caller frees). */
static int selection_load_ids(const struct meta_selection *sel, long long **ids, size_t *n)
{
    size_t total = sel->count + sel->n_estimates, k = 0;
    *ids = NULL;
    *n = 0;
    if (total == 0)
        return META_OK;
    long long *out = malloc(total * sizeof *out);
    if (!out)
        return META_ENOMEM;
    for (size_t i = 0; i < sel->count; i++)
        if (sel->arms[i].load_id > 0)
            out[k++] = sel->arms[i].load_id;
    for (size_t i = 0; i < sel->n_estimates; i++)
        if (sel->estimates[i].load_id > 0)
            out[k++] = sel->estimates[i].load_id;
    qsort(out, k, sizeof *out, by_id);
    size_t u = 0;
    for (size_t i = 0; i < k; i++)
        if (u == 0 || out[u - 1] != out[i])
            out[u++] = out[i];
    *ids = out;
    *n = u;
    return META_OK;
}

static const char loads_sql[] =
    "SELECT load_id, file_name, sha256,"
    "       to_char(loaded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') AS loaded_at"
    "  FROM loads WHERE load_id = ANY ($1::bigint[]) ORDER BY load_id";

/* Copies the rows of res (ordered by load_id) for the ids of sel into
 * sel->loads. */
static int attach_loads(const PGresult *res, const long long *row_ids, struct meta_selection *sel,
                        const long long *ids, size_t n, struct meta_error *err)
{
    if (n == 0)
        return META_OK;
    if (!(sel->loads = calloc(n, sizeof *sel->loads)))
        return meta_error_set(err, META_ENOMEM, "out of memory");
    int rows = PQntuples(res);
    int c_file = PQfnumber(res, "file_name"), c_sha = PQfnumber(res, "sha256"),
        c_at = PQfnumber(res, "loaded_at");
    for (size_t i = 0; i < n; i++) {
        const long long *hit = bsearch(&ids[i], row_ids, (size_t)rows, sizeof *row_ids, by_id);
        if (!hit)
            return meta_error_set(err, META_EDB, "load %lld of a selected row is not recorded",
                                  ids[i]);
        int r = (int)(hit - row_ids);
        struct meta_select_load *l = &sel->loads[sel->n_loads++];
        l->load_id = ids[i];
        l->file = strdup(PQgetvalue(res, r, c_file));
        l->sha256 = strdup(PQgetvalue(res, r, c_sha));
        l->loaded_at = strdup(PQgetvalue(res, r, c_at));
        if (!l->file || !l->sha256 || !l->loaded_at)
            return meta_error_set(err, META_ENOMEM, "out of memory");
    }
    return META_OK;
}

int meta_select_provenance(PGconn *conn, struct meta_selection *sels, size_t n, const int *status,
                           struct meta_error *err)
{
    int ret = META_OK;
    long long **ids = calloc(n ? n : 1, sizeof *ids);
    size_t *counts = calloc(n ? n : 1, sizeof *counts);
    long long *all = NULL, *row_ids = NULL;
    char *literal = NULL;
    PGresult *res = NULL;
    size_t total = 0;
    if (!ids || !counts) {
        ret = meta_error_set(err, META_ENOMEM, "out of memory");
        goto cleanup;
    }
    for (size_t i = 0; i < n; i++) {
        if (status && status[i] != META_OK)
            continue;
        if (selection_load_ids(&sels[i], &ids[i], &counts[i]) != META_OK ||
            meta_selection_fingerprint(&sels[i], sels[i].fingerprint) != META_OK) {
            ret = meta_error_set(err, META_ENOMEM, "out of memory");
            goto cleanup;
        }
        total += counts[i];
    }
    if (total == 0)
        goto cleanup;
    /* Every id once, in a literal {1,2,...}: 20 characters each at most. */
    if (!(all = malloc(total * sizeof *all)) || !(literal = malloc(total * 21 + 3))) {
        ret = meta_error_set(err, META_ENOMEM, "out of memory");
        goto cleanup;
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < counts[i]; j++)
            all[k++] = ids[i][j];
    qsort(all, k, sizeof *all, by_id);
    size_t used = 0;
    literal[used++] = '{';
    for (size_t i = 0; i < k; i++)
        if (i == 0 || all[i] != all[i - 1])
            used += (size_t)sprintf(literal + used, "%s%lld", used > 1 ? "," : "", all[i]);
    literal[used++] = '}';
    literal[used] = '\0';
    const char *params[1] = {literal};
    res = PQexecParams(conn, loads_sql, 1, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        ret = meta_pg_error(err, conn, res, "cannot read the loads of the selection");
        goto cleanup;
    }
    int rows = PQntuples(res), c_id = PQfnumber(res, "load_id");
    if (!(row_ids = malloc((size_t)(rows ? rows : 1) * sizeof *row_ids))) {
        ret = meta_error_set(err, META_ENOMEM, "out of memory");
        goto cleanup;
    }
    for (int r = 0; r < rows; r++)
        row_ids[r] = strtoll(PQgetvalue(res, r, c_id), NULL, 10);
    for (size_t i = 0; i < n && ret == META_OK; i++)
        ret = attach_loads(res, row_ids, &sels[i], ids[i], counts[i], err);
cleanup:
    PQclear(res);
    for (size_t i = 0; ids && i < n; i++)
        free(ids[i]);
    free(ids);
    free(counts);
    free(all);
    free(row_ids);
    free(literal);
    return ret;
}
