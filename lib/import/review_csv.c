/*
 * CSV in memory (review_csv.h). libcsv parses the text one physical line at
 * a time, which tells on which line each record starts; every field is
 * checked as UTF-8 as it ends, so that an encoding error names its line and
 * column; the fields of a record are handed over as NUL-terminated strings.
 */
#include "review_csv.h"
#include "review_text.h"

#include <csv.h>
#include <stdlib.h>
#include <string.h>

/* What libcsv's callbacks share while one text is parsed. */
struct parse {
    const char *name;
    meta_review_csv_fn fn;
    void *ctx;
    struct meta_error *err;
    int status;
    long line;       /* the physical line being fed */
    long rec_line;   /* the line the record being read started on */
    int between;     /* no record has started since the last one ended */
    long rec_number; /* records handed over so far */
    char *buf;       /* the current record's fields, each NUL-terminated */
    size_t used, cap;
    size_t *offs;
    const char **fields;
    size_t n, fcap;
};

static void on_field(void *s, size_t len, void *data)
{
    struct parse *p = data;
    if (p->status != META_OK)
        return;
    size_t bad;
    if (len && !meta_review_utf8_ok(s, len, &bad)) {
        p->status = meta_error_set(p->err, META_EINVAL,
                                   "%s:%ld:%zu: the text is not UTF-8 (byte 0x%02X): save the file "
                                   "as UTF-8",
                                   p->name, p->line, p->n + 1, ((const unsigned char *)s)[bad]);
        return;
    }
    if (p->n == p->fcap) {
        size_t cap = p->fcap ? p->fcap * 2 : 64;
        size_t *offs = realloc(p->offs, cap * sizeof *offs);
        if (offs)
            p->offs = offs;
        const char **fields = offs ? realloc(p->fields, cap * sizeof *fields) : NULL;
        if (!fields) {
            p->status = meta_error_set(p->err, META_ENOMEM, "%s: out of memory", p->name);
            return;
        }
        p->fields = fields;
        p->fcap = cap;
    }
    if (p->used + len + 1 > p->cap) {
        size_t cap = p->cap ? p->cap : 4096;
        while (cap < p->used + len + 1)
            cap *= 2;
        char *buf = realloc(p->buf, cap);
        if (!buf) {
            p->status = meta_error_set(p->err, META_ENOMEM, "%s: out of memory", p->name);
            return;
        }
        p->buf = buf;
        p->cap = cap;
    }
    if (len)
        memcpy(p->buf + p->used, s, len);
    p->buf[p->used + len] = '\0';
    p->offs[p->n++] = p->used;
    p->used += len + 1;
}

static void on_record(int c, void *data)
{
    (void)c;
    struct parse *p = data;
    if (p->status != META_OK)
        return;
    for (size_t i = 0; i < p->n; i++)
        p->fields[i] = p->buf + p->offs[i];
    struct meta_review_csv_row row = {p->rec_line, ++p->rec_number, p->n, p->fields};
    int rc = p->fn(&row, p->ctx);
    if (rc != META_OK)
        p->status = rc;
    p->n = 0;
    p->used = 0;
    p->between = 1;
}

int meta_review_csv_parse(const char *name, const unsigned char *data, size_t size,
                          meta_review_csv_fn fn, void *ctx, struct meta_error *err)
{
    struct parse p = {.name = name, .fn = fn, .ctx = ctx, .err = err, .line = 1, .between = 1};
    struct csv_parser csv;

    if (size >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
        data += 3;
        size -= 3;
    }
    if (csv_init(&csv, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
        return meta_error_set(err, META_ENOMEM, "%s: out of memory", name);

    const char *text = (const char *)data;
    size_t left = size;
    while (left > 0 && p.status == META_OK) {
        /* One physical line: up to LF, CRLF or a CR alone (old Mac files). */
        size_t len = 0;
        while (len < left && text[len] != '\n' && text[len] != '\r')
            len++;
        int nl = len < left;
        if (nl)
            len += text[len] == '\r' && len + 1 < left && text[len + 1] == '\n' ? 2 : 1;
        int blank = nl && (len == 1 || (len == 2 && text[0] == '\r'));
        if (p.between && !blank) {
            p.rec_line = p.line;
            p.between = 0;
        }
        size_t done = csv_parse(&csv, text, len, on_field, on_record, &p);
        if (p.status == META_OK && done < len) {
            if (csv_error(&csv) == CSV_ENOMEM)
                p.status = meta_error_set(err, META_ENOMEM, "%s: out of memory", name);
            else if (text[done] == '"' && !csv.quoted)
                p.status =
                    meta_error_set(err, META_EINVAL, "%s:%ld:%zu: a quote inside an unquoted field",
                                   name, p.line, p.n + 1);
            else
                p.status = meta_error_set(err, META_EINVAL,
                                          "%s:%ld:%zu: text after the closing quote of a field",
                                          name, p.line, p.n + 1);
        }
        if (nl)
            p.line++;
        text += len;
        left -= len;
    }
    if (p.status == META_OK && csv_fini(&csv, on_field, on_record, &p) != 0)
        p.status = meta_error_set(err, META_EINVAL,
                                  "%s:%ld:%zu: a quoted field is never closed (the file ends "
                                  "inside it)",
                                  name, p.rec_line, p.n + 1);
    csv_free(&csv);
    free(p.buf);
    free(p.offs);
    free(p.fields);
    return p.status;
}

int meta_review_csv_columns(const char *name, const struct meta_review_csv_row *header,
                            struct meta_review_column *cols, const char *what,
                            struct meta_error *err)
{
    for (struct meta_review_column *c = cols; c->name; c++) {
        c->index = -1;
        for (size_t i = 0; i < header->count; i++) {
            if (!meta_review_colname_is(header->fields[i], c->name))
                continue;
            if (c->index >= 0)
                return meta_error_set(err, META_EINVAL,
                                      "%s:%ld: column '%s' appears twice (columns %ld and %zu)",
                                      name, header->line, c->name, c->index + 1, i + 1);
            c->index = (long)i;
        }
    }
    for (struct meta_review_column *c = cols; c->name; c++) {
        if (c->index >= 0 || !c->required)
            continue;
        char expected[512] = "", found[512] = "";
        size_t used = 0;
        for (struct meta_review_column *r = cols; r->name && used < sizeof expected; r++)
            if (r->required)
                used += (size_t)snprintf(expected + used, sizeof expected - used, "%s'%s'",
                                         used ? ", " : "", r->name);
        used = 0;
        for (size_t i = 0; i < header->count && i < 8 && used < sizeof found; i++)
            used += (size_t)snprintf(found + used, sizeof found - used, "%s'%s'", i ? ", " : "",
                                     header->fields[i]);
        if (header->count > 8 && used < sizeof found)
            snprintf(found + used, sizeof found - used, ", ...");
        return meta_error_set(err, META_EINVAL,
                              "%s:%ld: unknown layout for %s: no column '%s' (expected %s; the "
                              "header has %s)",
                              name, header->line, what, c->name, expected, found);
    }
    return META_OK;
}

const char *meta_review_csv_cell(const struct meta_review_csv_row *row,
                                 const struct meta_review_column *col)
{
    if (col->index < 0 || (size_t)col->index >= row->count)
        return "";
    return row->fields[col->index];
}
