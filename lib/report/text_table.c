/*
 * The text table engine (see meta_text_table.h): cells are kept as owned
 * strings until the table is printed, so every column can be sized to its
 * widest cell, counting UTF-8 characters rather than bytes. Every cell and
 * line is escaped as it is set (meta_escape), so that names from the
 * registry cannot control the terminal and columns are sized as shown.
 */
#include "meta_text_table.h"
#include "meta_escape.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void meta_text_table_init(struct meta_text_table *t, size_t ncols)
{
    memset(t, 0, sizeof *t);
    t->ncols = ncols < META_TEXT_TABLE_MAXCOL ? ncols : META_TEXT_TABLE_MAXCOL;
    for (size_t c = 0; c < META_TEXT_TABLE_MAXCOL; c++)
        t->gap[c] = 2;
}

void meta_text_table_release(struct meta_text_table *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n; i++)
        for (size_t c = 0; c < META_TEXT_TABLE_MAXCOL; c++)
            free(t->rows[i].cell[c]);
    free(t->rows);
    t->rows = NULL;
    t->n = t->cap = 0;
}

struct meta_text_row *meta_text_table_row(struct meta_text_table *t, enum meta_text_row_kind kind)
{
    if (t->n == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 32;
        struct meta_text_row *grown = realloc(t->rows, cap * sizeof *grown);
        if (!grown) {
            t->oom = 1;
            return NULL;
        }
        t->rows = grown;
        t->cap = cap;
    }
    struct meta_text_row *r = &t->rows[t->n++];
    memset(r, 0, sizeof *r);
    r->kind = kind;
    return r;
}

void meta_text_table_set(struct meta_text_table *t, struct meta_text_row *r, size_t col,
                         const char *fmt, ...)
{
    if (!r || col >= META_TEXT_TABLE_MAXCOL)
        return;
    va_list ap;
    va_start(ap, fmt);
    char buf[1024];
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    free(r->cell[col]);
    if (!(r->cell[col] = meta_escape_dup(buf)))
        t->oom = 1;
}

void meta_text_table_text(struct meta_text_table *t, const char *fmt, ...)
{
    struct meta_text_row *r = meta_text_table_row(t, META_TEXT_ROW_TEXT);
    if (!r)
        return;
    va_list ap;
    va_start(ap, fmt);
    char buf[4096];
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (!(r->cell[0] = meta_escape_dup(buf)))
        t->oom = 1;
}

size_t meta_text_width(const char *s)
{
    size_t w = 0;
    for (; s && *s; s++)
        w += ((unsigned char)*s & 0xC0) != 0x80;
    return w;
}

/* The width of each column: its widest cell, then what spanning headers need. */
static void column_widths(const struct meta_text_table *t, size_t *w)
{
    for (size_t i = 0; i < t->n; i++)
        if (t->rows[i].kind == META_TEXT_ROW_CELLS)
            for (size_t c = 0; c < t->ncols; c++)
                if (meta_text_width(t->rows[i].cell[c]) > w[c])
                    w[c] = meta_text_width(t->rows[i].cell[c]);
    for (size_t i = 0; i < t->n; i++) {
        const struct meta_text_row *r = &t->rows[i];
        if (r->kind != META_TEXT_ROW_SPAN)
            continue;
        for (size_t c = 0; c < t->ncols; c++) {
            if (!r->cell[c] || r->span[c] < 1)
                continue;
            size_t last = c + (size_t)r->span[c] - 1, have = 0;
            for (size_t j = c; j <= last && j < t->ncols; j++)
                have += w[j] + (j > c ? (size_t)t->gap[j] : 0);
            if (meta_text_width(r->cell[c]) > have && last < t->ncols)
                w[last] += meta_text_width(r->cell[c]) - have;
        }
    }
}

/* Prints one row of cells (or spanning headers), trailing blanks dropped. */
static void print_cells(FILE *out, const struct meta_text_table *t, const size_t *w,
                        const struct meta_text_row *r)
{
    char line[4096];
    size_t used = 0;
    for (size_t c = 0; c < t->ncols && used < sizeof line - 1;) {
        size_t span = r->kind == META_TEXT_ROW_SPAN && r->span[c] > 0 ? (size_t)r->span[c] : 1;
        size_t cw = 0;
        for (size_t j = c; j < c + span && j < t->ncols; j++)
            cw += w[j] + (j > c ? (size_t)t->gap[j] : 0);
        const char *s = r->cell[c] ? r->cell[c] : "";
        if (r->kind == META_TEXT_ROW_COLUMN_RULE)
            s = "";
        size_t sw = meta_text_width(s), slack = cw > sw ? cw - sw : 0;
        size_t lead = r->kind == META_TEXT_ROW_SPAN ? slack / 2 : t->right[c] ? slack : 0;
        size_t before = (c ? (size_t)t->gap[c] : 0) + lead, after = slack - lead;
        int n;
        if (r->kind == META_TEXT_ROW_COLUMN_RULE) {
            n = snprintf(line + used, sizeof line - used, "%*s", c ? t->gap[c] : 0, "");
            for (size_t k = 0; n >= 0 && k < cw && used + (size_t)n < sizeof line - 1; k++)
                line[used + (size_t)n++] = '-';
            if (n >= 0 && used + (size_t)n < sizeof line)
                line[used + (size_t)n] = '\0';
        } else {
            n = snprintf(line + used, sizeof line - used, "%*s%s%*s", (int)before, "", s,
                         (int)after, "");
        }
        used += n > 0 ? (size_t)n : 0;
        if (used >= sizeof line)
            used = sizeof line - 1;
        c += span;
    }
    while (used > 0 && line[used - 1] == ' ')
        used--;
    line[used] = '\0';
    fprintf(out, "%s\n", line);
}

void meta_text_table_print(FILE *out, const struct meta_text_table *t)
{
    size_t w[META_TEXT_TABLE_MAXCOL] = {0};
    column_widths(t, w);
    size_t total = 0;
    for (size_t c = 0; c < t->ncols; c++)
        total += w[c] + (c ? (size_t)t->gap[c] : 0);
    for (size_t i = 0; i < t->n; i++) {
        const struct meta_text_row *r = &t->rows[i];
        if (r->kind == META_TEXT_ROW_TEXT) {
            fprintf(out, "%s\n", r->cell[0] ? r->cell[0] : "");
        } else if (r->kind == META_TEXT_ROW_RULE) {
            for (size_t k = 0; k < total; k++)
                fputc('-', out);
            fputc('\n', out);
        } else {
            print_cells(out, t, w, r);
        }
    }
}
