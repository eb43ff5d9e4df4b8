/*
 * Header mapping and row validation for arm-level CSV files (see load_row.h).
 * Numbers are parsed strictly: an integer is an optional sign and digits, a
 * real is decimal notation with an optional exponent; anything else, NaN and
 * the infinities included, is reported with the offending text.
 */
#include "load_row.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const col_names[META_LOAD_NCOLS] = {
    "trial", "arm", "treatment", "outcome", "timepoint", "n", "mean", "sd", "events", "total"};

const char *meta_load_col_name(enum meta_load_col col)
{
    return (unsigned)col < META_LOAD_NCOLS ? col_names[col] : "?";
}

void meta_load_layout_release(struct meta_load_layout *l)
{
    if (!l)
        return;
    if (l->attr_name)
        for (size_t i = 0; i < l->nattrs; i++)
            free(l->attr_name[i]);
    free(l->attr_name);
    free(l->attr_col);
    memset(l, 0, sizeof *l);
    for (int i = 0; i < META_LOAD_NCOLS; i++)
        l->col[i] = -1;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

void meta_load_trim(const char **s, size_t *len)
{
    while (*len > 0 && is_space(**s))
        (*s)++, (*len)--;
    while (*len > 0 && is_space((*s)[*len - 1]))
        (*len)--;
}

static char *lowercase_dup(const char *s, size_t len)
{
    char *d = malloc(len + 1);
    if (!d)
        return NULL;
    for (size_t i = 0; i < len; i++)
        d[i] = (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] - 'A' + 'a') : s[i];
    d[len] = '\0';
    return d;
}

/* A header name without the blanks around it. */
static void header_name(const struct meta_csv_field *f, const char **s, size_t *len)
{
    *s = f->value;
    *len = f->len;
    meta_load_trim(s, len);
}

/* Index of the first column before `upto` whose name equals its name, or -1. */
static long earlier_same_name(const struct meta_csv_record *h, size_t upto)
{
    const char *name, *other;
    size_t len, other_len;
    header_name(&h->fields[upto], &name, &len);
    for (size_t j = 0; j < upto; j++) {
        header_name(&h->fields[j], &other, &other_len);
        if (other_len == len && strncasecmp(other, name, len) == 0)
            return (long)j;
    }
    return -1;
}

static void require_group(struct meta_load_layout *l, const char *file, long line,
                          struct meta_load_errors *errs, const enum meta_load_col *group, size_t n,
                          const char *what)
{
    int any = 0;
    for (size_t i = 0; i < n; i++)
        any |= l->col[group[i]] >= 0;
    if (!any)
        return;
    for (size_t i = 0; i < n; i++)
        if (l->col[group[i]] < 0)
            meta_load_errors_at(errs, file, line, 1, "missing column '%s' (%s)",
                                col_names[group[i]], what);
}

int meta_load_layout_init(struct meta_load_layout *l, const char *file,
                          const struct meta_csv_record *h, struct meta_load_errors *errs)
{
    static const enum meta_load_col cont[] = {META_LOAD_COL_N, META_LOAD_COL_MEAN,
                                              META_LOAD_COL_SD};
    static const enum meta_load_col bin[] = {META_LOAD_COL_EVENTS, META_LOAD_COL_TOTAL};
    char q[META_LOAD_QUOTE_SIZE];
    size_t before = errs->count;
    int ret = META_OK;

    memset(l, 0, sizeof *l);
    for (int i = 0; i < META_LOAD_NCOLS; i++)
        l->col[i] = -1;
    l->width = h->count;
    l->attr_col = calloc(h->count, sizeof *l->attr_col);
    l->attr_name = calloc(h->count, sizeof *l->attr_name);
    if (!l->attr_col || !l->attr_name) {
        ret = META_ENOMEM;
        goto cleanup;
    }
    for (size_t i = 0; i < h->count; i++) {
        const struct meta_csv_field *f = &h->fields[i];
        const char *name_text;
        size_t name_len;
        size_t bad;
        header_name(f, &name_text, &name_len);
        if (name_len == 0) {
            meta_load_errors_at(errs, file, f->line, i + 1, "column %zu has no name", i + 1);
            continue;
        }
        if (memchr(f->value, '\0', f->len) || !meta_csv_utf8_valid(f->value, f->len, &bad)) {
            meta_load_errors_at(errs, file, f->line, i + 1,
                                "column name is not valid UTF-8, got %s",
                                meta_load_quote(q, sizeof q, f->value, f->len));
            continue;
        }
        long prev = earlier_same_name(h, i);
        if (prev >= 0) {
            meta_load_errors_at(errs, file, f->line, i + 1,
                                "duplicate column %s (also column %ld; names ignore case)",
                                meta_load_quote(q, sizeof q, f->value, f->len), prev + 1);
            continue;
        }
        int known = -1;
        for (int c = 0; c < META_LOAD_NCOLS; c++)
            if (strlen(col_names[c]) == name_len &&
                strncasecmp(col_names[c], name_text, name_len) == 0)
                known = c;
        if (known >= 0) {
            l->col[known] = (int)i;
            continue;
        }
        char *name = lowercase_dup(name_text, name_len);
        if (!name) {
            ret = META_ENOMEM;
            goto cleanup;
        }
        l->attr_col[l->nattrs] = i;
        l->attr_name[l->nattrs++] = name;
    }
    static const enum meta_load_col required[] = {META_LOAD_COL_TRIAL, META_LOAD_COL_TREATMENT,
                                                  META_LOAD_COL_OUTCOME};
    for (size_t i = 0; i < sizeof required / sizeof *required; i++)
        if (l->col[required[i]] < 0)
            meta_load_errors_at(errs, file, h->line, 1, "missing required column '%s'",
                                col_names[required[i]]);
    require_group(l, file, h->line, errs, cont, 3, "continuous results need n, mean and sd");
    require_group(l, file, h->line, errs, bin, 2, "binary results need events and total");
    int has_cont = l->col[META_LOAD_COL_N] >= 0 || l->col[META_LOAD_COL_MEAN] >= 0 ||
                   l->col[META_LOAD_COL_SD] >= 0;
    int has_bin = l->col[META_LOAD_COL_EVENTS] >= 0 || l->col[META_LOAD_COL_TOTAL] >= 0;
    if (!has_cont && !has_bin)
        meta_load_errors_at(errs, file, h->line, 1,
                            "missing result columns: n, mean and sd, or events and total");
    if (errs->count > before)
        ret = META_EINVAL;

cleanup:
    if (ret != META_OK)
        meta_load_layout_release(l);
    return ret;
}

/* ---- Rows ---------------------------------------------------------------- */

struct row_ctx {
    const struct meta_load_layout *l;
    const char *file;
    const struct meta_csv_record *rec;
    struct meta_load_errors *errs;
    int bad;
};

static const struct meta_csv_field *field(const struct row_ctx *c, enum meta_load_col col)
{
    int i = c->l->col[col];
    return i >= 0 ? &c->rec->fields[i] : NULL;
}

/* Whether the field holds something other than blanks. */
static int filled(const struct row_ctx *c, enum meta_load_col col)
{
    const struct meta_csv_field *f = field(c, col);
    const char *s = f ? f->value : "";
    size_t len = f ? f->len : 0;
    meta_load_trim(&s, &len);
    return len > 0;
}

static void __attribute__((format(printf, 3, 4)))
report(struct row_ctx *c, enum meta_load_col col, const char *fmt, ...);

static void report(struct row_ctx *c, enum meta_load_col col, const char *fmt, ...)
{
    char what[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    int i = c->l->col[col];
    long line = i >= 0 ? c->rec->fields[i].line : c->rec->line;
    meta_load_errors_at(c->errs, c->file, line, i >= 0 ? (size_t)i + 1 : 1, "%s", what);
    c->bad = 1;
}

/* A name (filled: it holds more than blanks) is kept exactly as written,
 * so one with blanks at an end would silently be another name than the one
 * without ('TSP ' and 'TSP' two trials): refused, as is one too long. */
static void check_name_text(struct row_ctx *c, enum meta_load_col col)
{
    const struct meta_csv_field *f = field(c, col);
    char q[META_LOAD_QUOTE_SIZE];
    if (f->len > META_LOAD_MAX_NAME)
        report(c, col, "%s is longer than %d bytes", col_names[col], META_LOAD_MAX_NAME);
    else if (is_space(f->value[0]) || is_space(f->value[f->len - 1]))
        report(c, col,
               "%s %s with a blank, got %s (names are kept exactly as written: remove the "
               "blank)",
               col_names[col], is_space(f->value[0]) ? "begins" : "ends",
               meta_load_quote(q, sizeof q, f->value, f->len));
}

/* A required name: present, not empty, not too long, no blank at an end. */
static void check_name(struct row_ctx *c, enum meta_load_col col)
{
    if (!filled(c, col))
        report(c, col, "%s is empty", col_names[col]);
    else
        check_name_text(c, col);
}

/* A number's text without the blanks around it, NUL-terminated in buf
 * (size bytes); NULL when it does not fit, which no number needs. */
static const char *number_text(const struct meta_csv_field *f, char *buf, size_t size)
{
    const char *s = f->value;
    size_t len = f->len;
    meta_load_trim(&s, &len);
    if (len >= size)
        return NULL;
    memcpy(buf, s, len);
    buf[len] = '\0';
    return buf;
}

/* Room for a number's text: longer text is no number (strtod reads at most
 * a few hundred significant digits anyway). */
#define NUMBER_MAX 512

/* Strict integer syntax: optional sign, then digits. 0 ok, 1 syntax, 2 out of int range. */
static int parse_int(const char *s, int *out)
{
    const char *p = s;
    if (*p == '+' || *p == '-')
        p++;
    if (*p < '0' || *p > '9')
        return 1;
    for (const char *q = p; *q; q++)
        if (*q < '0' || *q > '9')
            return 1;
    errno = 0;
    long long v = strtoll(s, NULL, 10);
    if (errno == ERANGE || v > INT_MAX || v < INT_MIN)
        return 2;
    *out = (int)v;
    return 0;
}

static int is_special_real(const char *s)
{
    if (*s == '+' || *s == '-')
        s++;
    return strcasecmp(s, "nan") == 0 || strcasecmp(s, "inf") == 0 || strcasecmp(s, "infinity") == 0;
}

/* Strict decimal syntax: [sign] digits [. digits] [e [sign] digits], with
 * digits on at least one side of the point. 0 ok, 1 syntax, 2 NaN or
 * infinite, 3 out of range. */
static int parse_real(const char *s, double *out)
{
    const char *p = s;
    if (is_special_real(s))
        return 2;
    if (*p == '+' || *p == '-')
        p++;
    size_t digits = 0;
    while (*p >= '0' && *p <= '9')
        p++, digits++;
    if (*p == '.') {
        p++;
        while (*p >= '0' && *p <= '9')
            p++, digits++;
    }
    if (digits == 0)
        return 1;
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        if (*p < '0' || *p > '9')
            return 1;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    if (*p != '\0')
        return 1;
    errno = 0;
    double v = strtod(s, NULL);
    /* Overflow, or underflow to zero: both lose the value the file gave. */
    if (errno == ERANGE && (v == 0.0 || isinf(v)))
        return 3;
    if (!isfinite(v))
        return 2;
    *out = v;
    return 0;
}

/* A count in a result group; min is the smallest value allowed (0 or 1). */
static void check_count(struct row_ctx *c, enum meta_load_col col, int min, int *out)
{
    const struct meta_csv_field *f = field(c, col);
    char q[META_LOAD_QUOTE_SIZE];
    const char *rule = min > 0 ? "a positive integer" : "an integer >= 0";
    char text[NUMBER_MAX];
    if (!filled(c, col)) {
        report(c, col, "%s is empty", col_names[col]);
        return;
    }
    const char *t = number_text(f, text, sizeof text);
    int rc = t ? parse_int(t, out) : 1;
    if (rc == 2)
        report(c, col, "%s is too large for an integer, got %s", col_names[col],
               meta_load_quote(q, sizeof q, f->value, f->len));
    else if (rc != 0 || *out < min)
        report(c, col, "%s must be %s, got %s", col_names[col], rule,
               meta_load_quote(q, sizeof q, f->value, f->len));
}

static int check_real(struct row_ctx *c, enum meta_load_col col, double *out)
{
    const struct meta_csv_field *f = field(c, col);
    char q[META_LOAD_QUOTE_SIZE];
    char text[NUMBER_MAX];
    if (!filled(c, col)) {
        report(c, col, "%s is empty", col_names[col]);
        return 1;
    }
    const char *t = number_text(f, text, sizeof text);
    int rc = t ? parse_real(t, out) : 1;
    if (rc == 1)
        report(c, col, "%s is not a number, got %s", col_names[col],
               meta_load_quote(q, sizeof q, f->value, f->len));
    else if (rc == 2)
        report(c, col, "%s must be a finite number, got %s", col_names[col],
               meta_load_quote(q, sizeof q, f->value, f->len));
    else if (rc == 3)
        report(c, col, "%s is out of the range of a double, got %s", col_names[col],
               meta_load_quote(q, sizeof q, f->value, f->len));
    return rc;
}

/* The leftmost non-empty column of a group, or its leftmost column. */
static enum meta_load_col first_of(const struct row_ctx *c, const enum meta_load_col *g, size_t n,
                                   int need_filled)
{
    enum meta_load_col best = g[0];
    int best_i = INT_MAX;
    for (size_t i = 0; i < n; i++) {
        int idx = c->l->col[g[i]];
        if (idx >= 0 && idx < best_i && (!need_filled || filled(c, g[i]))) {
            best = g[i];
            best_i = idx;
        }
    }
    return best;
}

static void check_results(struct row_ctx *c, struct meta_load_row *row)
{
    static const enum meta_load_col bin[] = {META_LOAD_COL_EVENTS, META_LOAD_COL_TOTAL};
    static const enum meta_load_col all[] = {META_LOAD_COL_N, META_LOAD_COL_MEAN, META_LOAD_COL_SD,
                                             META_LOAD_COL_EVENTS, META_LOAD_COL_TOTAL};
    char q[META_LOAD_QUOTE_SIZE];
    int has_cont =
        filled(c, META_LOAD_COL_N) || filled(c, META_LOAD_COL_MEAN) || filled(c, META_LOAD_COL_SD);
    int has_bin = filled(c, META_LOAD_COL_EVENTS) || filled(c, META_LOAD_COL_TOTAL);

    if (has_cont && has_bin) {
        report(c, first_of(c, bin, 2, 1),
               "row has both continuous (n, mean, sd) and binary (events, total) values");
        return;
    }
    if (!has_cont && !has_bin) {
        report(c, first_of(c, all, 5, 0),
               "row has neither continuous (n, mean, sd) nor binary (events, total) values");
        return;
    }
    if (has_cont) {
        row->kind = META_LOAD_CONTINUOUS;
        check_count(c, META_LOAD_COL_N, 1, &row->n);
        check_real(c, META_LOAD_COL_MEAN, &row->mean);
        if (check_real(c, META_LOAD_COL_SD, &row->sd) == 0 && !(row->sd > 0)) {
            const struct meta_csv_field *f = field(c, META_LOAD_COL_SD);
            report(c, META_LOAD_COL_SD, "sd must be > 0, got %s",
                   meta_load_quote(q, sizeof q, f->value, f->len));
        }
        return;
    }
    row->kind = META_LOAD_BINARY;
    int bad_before = c->bad;
    c->bad = 0;
    check_count(c, META_LOAD_COL_EVENTS, 0, &row->events);
    check_count(c, META_LOAD_COL_TOTAL, 1, &row->total);
    if (!c->bad && row->events > row->total) {
        const struct meta_csv_field *f = field(c, META_LOAD_COL_EVENTS);
        report(c, META_LOAD_COL_EVENTS, "events must not exceed total (%d), got %s", row->total,
               meta_load_quote(q, sizeof q, f->value, f->len));
    }
    c->bad |= bad_before;
}

int meta_load_row_blank(const struct meta_csv_record *rec)
{
    for (size_t i = 0; i < rec->count; i++) {
        const char *s = rec->fields[i].value;
        size_t len = rec->fields[i].len;
        meta_load_trim(&s, &len);
        if (len > 0)
            return 0;
    }
    return 1;
}

int meta_load_row_check(const struct meta_load_layout *l, const char *file,
                        const struct meta_csv_record *rec, struct meta_load_row *row,
                        struct meta_load_errors *errs)
{
    struct row_ctx c = {l, file, rec, errs, 0};
    char q[META_LOAD_QUOTE_SIZE];

    memset(row, 0, sizeof *row);
    if (rec->count != l->width) {
        size_t at = (rec->count < l->width ? rec->count : l->width) + 1;
        long line =
            rec->count > l->width ? rec->fields[l->width].line : rec->fields[rec->count - 1].line;
        meta_load_errors_at(errs, file, line, at, "row has %zu fields, the header has %zu",
                            rec->count, l->width);
        return META_EINVAL;
    }
    for (size_t i = 0; i < rec->count; i++) {
        const struct meta_csv_field *f = &rec->fields[i];
        size_t bad;
        if (memchr(f->value, '\0', f->len)) {
            meta_load_errors_at(errs, file, f->line, i + 1, "field holds a NUL byte, got %s",
                                meta_load_quote(q, sizeof q, f->value, f->len));
            c.bad = 1;
        } else if (!meta_csv_utf8_valid(f->value, f->len, &bad)) {
            meta_load_errors_at(errs, file, f->line, i + 1,
                                "field is not valid UTF-8 (byte %zu), got %s", bad + 1,
                                meta_load_quote(q, sizeof q, f->value, f->len));
            c.bad = 1;
        }
    }
    if (c.bad)
        return META_EINVAL;

    check_name(&c, META_LOAD_COL_TRIAL);
    check_name(&c, META_LOAD_COL_TREATMENT);
    check_name(&c, META_LOAD_COL_OUTCOME);
    if (filled(&c, META_LOAD_COL_ARM))
        check_name_text(&c, META_LOAD_COL_ARM);
    if (filled(&c, META_LOAD_COL_TIMEPOINT))
        check_name_text(&c, META_LOAD_COL_TIMEPOINT);
    check_results(&c, row);
    if (c.bad)
        return META_EINVAL;

    row->trial = field(&c, META_LOAD_COL_TRIAL);
    row->treatment = field(&c, META_LOAD_COL_TREATMENT);
    row->outcome = field(&c, META_LOAD_COL_OUTCOME);
    row->arm = filled(&c, META_LOAD_COL_ARM) ? field(&c, META_LOAD_COL_ARM) : row->treatment;
    if (filled(&c, META_LOAD_COL_TIMEPOINT)) {
        row->timepoint = field(&c, META_LOAD_COL_TIMEPOINT)->value;
        row->timepoint_len = field(&c, META_LOAD_COL_TIMEPOINT)->len;
    } else {
        row->timepoint = "";
        row->timepoint_len = 0;
    }
    return META_OK;
}
