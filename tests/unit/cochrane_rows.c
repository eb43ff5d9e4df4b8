/*
 * Implementation of the Cochrane package reader of the unit tests (see
 * cochrane_rows.h): libcsv's callbacks collect the fields of each record.
 */
#include "cochrane_rows.h"

#include <csv.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct reader {
    struct cochrane_table *t;
    char **fields;
    size_t n, cap;
    int failed;
};

static void on_field(void *s, size_t len, void *data)
{
    struct reader *r = data;
    if (r->failed)
        return;
    if (r->n == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 64;
        char **grown = realloc(r->fields, cap * sizeof *grown);
        if (!grown) {
            r->failed = 1;
            return;
        }
        r->fields = grown;
        r->cap = cap;
    }
    char *copy = malloc(len + 1);
    if (!copy) {
        r->failed = 1;
        return;
    }
    memcpy(copy, s, len);
    copy[len] = '\0';
    /* The header's first name carries the file's byte order mark. */
    if (!r->t->header && r->n == 0 && len >= 3 && memcmp(copy, "\xEF\xBB\xBF", 3) == 0)
        memmove(copy, copy + 3, len - 2);
    r->fields[r->n++] = copy;
}

static void on_record(int c, void *data)
{
    struct reader *r = data;
    struct cochrane_table *t = r->t;
    (void)c;
    if (r->failed)
        return;
    if (!t->header) {
        t->header = r->fields;
        t->n_columns = r->n;
        r->fields = NULL;
        r->n = r->cap = 0;
        return;
    }
    if (r->n > t->n_columns) {
        r->failed = 1;
        return;
    }
    char **row = calloc(t->n_columns, sizeof *row);
    char ***grown = realloc(t->rows, (t->n_rows + 1) * sizeof *grown);
    if (!row || !grown) {
        free(row);
        r->failed = 1;
        return;
    }
    t->rows = grown;
    for (size_t i = 0; i < t->n_columns; i++)
        row[i] = i < r->n ? r->fields[i] : strdup("");
    t->rows[t->n_rows++] = row;
    r->n = 0;
}

int cochrane_table_read(const char *path, struct cochrane_table *t)
{
    struct csv_parser p;
    struct reader r = {t, NULL, 0, 0, 0};
    char buf[8192];
    size_t got;
    memset(t, 0, sizeof *t);
    FILE *f = fopen(path, "rb");
    if (!f || csv_init(&p, CSV_APPEND_NULL) != 0) {
        fprintf(stderr, "cannot read %s\n", path);
        if (f)
            fclose(f);
        return -1;
    }
    while ((got = fread(buf, 1, sizeof buf, f)) > 0)
        if (csv_parse(&p, buf, got, on_field, on_record, &r) != got)
            r.failed = 1;
    csv_fini(&p, on_field, on_record, &r);
    csv_free(&p);
    fclose(f);
    for (size_t i = 0; i < r.n; i++)
        free(r.fields[i]);
    free(r.fields);
    if (r.failed || !t->header) {
        fprintf(stderr, "%s: cannot parse\n", path);
        cochrane_table_free(t);
        return -1;
    }
    return 0;
}

const char *cochrane_field(const struct cochrane_table *t, size_t r, const char *column)
{
    for (size_t i = 0; i < t->n_columns; i++)
        if (strcasecmp(t->header[i], column) == 0)
            return t->rows[r][i] ? t->rows[r][i] : "";
    return "";
}

double cochrane_number(const struct cochrane_table *t, size_t r, const char *column)
{
    const char *s = cochrane_field(t, r, column);
    char *end;
    if (!*s)
        return 0.0;
    double x = strtod(s, &end);
    return *end ? NAN : x;
}

void cochrane_table_free(struct cochrane_table *t)
{
    for (size_t r = 0; r < t->n_rows; r++) {
        for (size_t i = 0; i < t->n_columns; i++)
            free(t->rows[r][i]);
        free(t->rows[r]);
    }
    free(t->rows);
    for (size_t i = 0; i < t->n_columns; i++)
        free(t->header[i]);
    free(t->header);
    memset(t, 0, sizeof *t);
}
