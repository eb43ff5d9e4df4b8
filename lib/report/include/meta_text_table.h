/*
 * One engine for the aligned text tables meta prints (`meta pool`'s table,
 * `meta list`): rows of cells sized to their contents in UTF-8 characters,
 * headers spanning several columns, rules and free text lines.
 */
#ifndef META_TEXT_TABLE_H
#define META_TEXT_TABLE_H

#include <stddef.h>
#include <stdio.h>

#define META_TEXT_TABLE_MAXCOL 12

enum meta_text_row_kind {
    META_TEXT_ROW_CELLS,       /* one cell per column */
    META_TEXT_ROW_TEXT,        /* a free line of text (cell[0]), not measured */
    META_TEXT_ROW_RULE,        /* dashes across the whole table */
    META_TEXT_ROW_COLUMN_RULE, /* dashes under each column, with the gaps blank */
    META_TEXT_ROW_SPAN         /* centred headers: cell[c] covers span[c] columns */
};

struct meta_text_row {
    enum meta_text_row_kind kind;
    char *cell[META_TEXT_TABLE_MAXCOL]; /* owned; NULL prints as empty */
    int span[META_TEXT_TABLE_MAXCOL];   /* META_TEXT_ROW_SPAN: columns covered */
};

/* A table under construction. Set right[] and gap[] after init. */
struct meta_text_table {
    size_t ncols;
    int right[META_TEXT_TABLE_MAXCOL]; /* 1: right-aligned column */
    int gap[META_TEXT_TABLE_MAXCOL];   /* spaces before each column but the first (2) */
    struct meta_text_row *rows;
    size_t n, cap;
    int oom; /* an allocation failed: the table is incomplete */
};

/* Empties t for ncols columns (at most META_TEXT_TABLE_MAXCOL), left-aligned,
 * two spaces apart. */
void meta_text_table_init(struct meta_text_table *t, size_t ncols);

/* Frees what t owns and leaves it empty; accepts NULL. */
void meta_text_table_release(struct meta_text_table *t);

/* Appends a row of `kind`; NULL (and t->oom set) when out of memory. The
 * row belongs to t and stays valid until the next call that adds a row. */
struct meta_text_row *meta_text_table_row(struct meta_text_table *t, enum meta_text_row_kind kind);

/* Sets cell `col` of row r (may be NULL: nothing happens) from a printf
 * format, escaped for the terminal (meta_escape: control characters of
 * names show as \033, \n...); sets t->oom when out of memory. */
void meta_text_table_set(struct meta_text_table *t, struct meta_text_row *r, size_t col,
                         const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Appends a free line of text, escaped as meta_text_table_set escapes. */
void meta_text_table_text(struct meta_text_table *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Display width of UTF-8 text: one column per character. */
size_t meta_text_width(const char *s);

/* Prints t: columns as wide as their widest cell (spanning headers widen the
 * last column they cover when they need to), trailing blanks dropped. */
void meta_text_table_print(FILE *out, const struct meta_text_table *t);

#endif
