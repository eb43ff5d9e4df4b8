/*
 * Header mapping and row reading for arm-level CSV files (see load_row.h).
 * Numbers are parsed strictly: an integer is an optional sign and digits, a
 * real is decimal notation with an optional exponent; anything else, NaN and
 * the infinities included, is a fault the rules report with the offending
 * text.
 */
#include "load_row.h"

#include "meta_decimal.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void meta_load_layout_release(struct meta_load_layout *l)
{
    if (!l)
        return;
    if (l->attr_name)
        for (size_t i = 0; i < l->nattrs; i++)
            free(l->attr_name[i]);
    free(l->attr_name);
    free(l->attr_col);
    free(l->scratch);
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

static int have(const struct meta_load_layout *l, enum meta_load_col col)
{
    return l->col[col] >= 0;
}

/* A group of columns is all there or not at all. */
static void require_group(struct meta_load_layout *l, const char *file, long line,
                          struct meta_load_errors *errs, const enum meta_load_col *group, size_t n,
                          const char *what)
{
    int any = 0;
    for (size_t i = 0; i < n; i++)
        any |= have(l, group[i]);
    if (!any)
        return;
    for (size_t i = 0; i < n; i++)
        if (!have(l, group[i]))
            meta_load_errors_at(errs, file, line, 1, "missing column '%s' (%s)",
                                meta_load_col_name(group[i]), what);
}

/* The estimate columns: control, measure and estimate, and se or an
 * interval; the others (level, counts) only beside them. */
static void require_estimate(struct meta_load_layout *l, const char *file, long line,
                             struct meta_load_errors *errs)
{
    static const char why[] = "estimate rows need control, measure, estimate, and se or "
                              "ci_lower and ci_upper";
    static const enum meta_load_col core[] = {META_LOAD_COL_CONTROL, META_LOAD_COL_MEASURE,
                                              META_LOAD_COL_ESTIMATE};
    for (int c = META_LOAD_COL_CONTROL; c < META_LOAD_NCOLS; c++)
        l->estimates |= have(l, (enum meta_load_col)c);
    if (!l->estimates)
        return;
    for (size_t i = 0; i < sizeof core / sizeof *core; i++)
        if (!have(l, core[i]))
            meta_load_errors_at(errs, file, line, 1, "missing column '%s' (%s)",
                                meta_load_col_name(core[i]), why);
    int lo = have(l, META_LOAD_COL_CI_LOWER), hi = have(l, META_LOAD_COL_CI_UPPER);
    if (lo != hi)
        meta_load_errors_at(errs, file, line, 1,
                            "missing column '%s' (an interval needs "
                            "ci_lower and ci_upper)",
                            lo ? "ci_upper" : "ci_lower");
    else if (!lo && !have(l, META_LOAD_COL_SE))
        meta_load_errors_at(errs, file, line, 1, "missing column 'se' (%s)", why);
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
    l->scratch = calloc(h->count ? h->count : 1, sizeof *l->scratch);
    if (!l->attr_col || !l->attr_name || !l->scratch) {
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
        for (int c = 0; c < META_LOAD_NCOLS; c++) {
            const char *cn = meta_load_col_name((enum meta_load_col)c);
            if (strlen(cn) == name_len && strncasecmp(cn, name_text, name_len) == 0)
                known = c;
        }
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
        if (!have(l, required[i]))
            meta_load_errors_at(errs, file, h->line, 1, "missing required column '%s'",
                                meta_load_col_name(required[i]));
    require_group(l, file, h->line, errs, cont, 3, "continuous results need n, mean and sd");
    require_group(l, file, h->line, errs, bin, 2, "binary results need events and total");
    require_estimate(l, file, h->line, errs);
    int has_cont =
        have(l, META_LOAD_COL_N) || have(l, META_LOAD_COL_MEAN) || have(l, META_LOAD_COL_SD);
    int has_bin = have(l, META_LOAD_COL_EVENTS) || have(l, META_LOAD_COL_TOTAL);
    if (!has_cont && !has_bin && !l->estimates)
        meta_load_errors_at(errs, file, h->line, 1,
                            "missing result columns: n, mean and sd, or events and total, or "
                            "an estimate (control, measure, estimate, and se or ci_lower and "
                            "ci_upper)");
    if (errs->count > before)
        ret = META_EINVAL;

cleanup:
    if (ret != META_OK)
        meta_load_layout_release(l);
    return ret;
}

/* ---- Rows ---------------------------------------------------------------- */

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
    const char *q = p;
    for (; *q; q++)
        if (*q < '0' || *q > '9')
            return 1;
    if (q - p <= 9) { /* fits an int: no strtoll needed */
        int v = 0;
        for (const char *d = p; d < q; d++)
            v = 10 * v + (*d - '0');
        *out = *s == '-' ? -v : v;
        return 0;
    }
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
    /* Numbers are most of a file's fields: most leave at the first letter. */
    if (*s != 'n' && *s != 'N' && *s != 'i' && *s != 'I')
        return 0;
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
    /* strtod's double, by its fast path where that is exact. */
    errno = 0;
    double v = meta_strtod(s, NULL);
    /* Overflow, or underflow to zero: both lose the value the file gave. */
    if (errno == ERANGE && (v == 0.0 || isinf(v)))
        return 3;
    if (!isfinite(v))
        return 2;
    *out = v;
    return 0;
}

static int is_count(enum meta_load_col col)
{
    return col == META_LOAD_COL_N || col == META_LOAD_COL_EVENTS || col == META_LOAD_COL_TOTAL ||
           col == META_LOAD_COL_N_TREATMENT || col == META_LOAD_COL_N_CONTROL;
}

static int is_name(enum meta_load_col col)
{
    return col <= META_LOAD_COL_TIMEPOINT || col == META_LOAD_COL_CONTROL;
}

/* Reads number column col of f from its trimmed text. */
static void read_number(struct meta_load_fields *f, enum meta_load_col col)
{
    char text[NUMBER_MAX];
    const struct meta_load_text *t = &f->text[col];
    if (t->len >= sizeof text) {
        f->fault[col] = is_count(col) ? META_LOAD_FAULT_NOT_COUNT : META_LOAD_FAULT_NOT_NUMBER;
        return;
    }
    memcpy(text, t->s, t->len);
    text[t->len] = '\0';
    if (is_count(col)) {
        int v = 0;
        int rc = parse_int(text, &v);
        f->fault[col] = rc == 0   ? META_LOAD_FAULT_NONE
                        : rc == 2 ? META_LOAD_FAULT_TOO_LARGE
                                  : META_LOAD_FAULT_NOT_COUNT;
        f->num[col] = v;
        return;
    }
    double v = 0;
    int rc = parse_real(text, &v);
    f->fault[col] = rc == 0   ? META_LOAD_FAULT_NONE
                    : rc == 1 ? META_LOAD_FAULT_NOT_NUMBER
                    : rc == 2 ? META_LOAD_FAULT_NOT_FINITE
                              : META_LOAD_FAULT_RANGE;
    f->num[col] = v;
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

/* The attribute columns that hold more than blanks, trimmed, into l's scratch. */
static size_t attributes(const struct meta_load_layout *l, const struct meta_csv_record *rec)
{
    size_t n = 0;
    for (size_t i = 0; i < l->nattrs; i++) {
        const struct meta_csv_field *f = &rec->fields[l->attr_col[i]];
        const char *s = f->value;
        size_t len = f->len;
        meta_load_trim(&s, &len);
        if (len == 0)
            continue;
        l->scratch[n++] =
            (struct meta_load_attr){{l->attr_name[i], strlen(l->attr_name[i])}, {s, len}};
    }
    return n;
}

int meta_load_row_check(const struct meta_load_layout *l, const char *file,
                        const struct meta_csv_record *rec, struct meta_load_row *row,
                        struct meta_load_errors *errs)
{
    char q[META_LOAD_QUOTE_SIZE];
    int bad = 0;

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
        size_t at;
        if (memchr(f->value, '\0', f->len)) {
            meta_load_errors_at(errs, file, f->line, i + 1, "field holds a NUL byte, got %s",
                                meta_load_quote(q, sizeof q, f->value, f->len));
            bad = 1;
        } else if (!meta_csv_utf8_valid(f->value, f->len, &at)) {
            meta_load_errors_at(errs, file, f->line, i + 1,
                                "field is not valid UTF-8 (byte %zu), got %s", at + 1,
                                meta_load_quote(q, sizeof q, f->value, f->len));
            bad = 1;
        }
    }
    if (bad)
        return META_EINVAL;

    /* Only the flags need clearing: text and numbers are read where present. */
    struct meta_load_fields f;
    memset(f.present, 0, sizeof f.present);
    memset(f.fault, 0, sizeof f.fault);
    f.peto = f.log_scale = 0;
    for (int c = 0; c < META_LOAD_NCOLS; c++) {
        enum meta_load_col col = (enum meta_load_col)c;
        if (l->col[col] < 0)
            continue;
        const struct meta_csv_field *field = &rec->fields[l->col[col]];
        const char *s = field->value;
        size_t len = field->len;
        meta_load_trim(&s, &len);
        f.present[col] = len > 0;
        if (!f.present[col])
            continue;
        /* Names exactly as written; numbers and codes without blanks. */
        f.text[col] = is_name(col) ? (struct meta_load_text){field->value, field->len}
                                   : (struct meta_load_text){s, len};
        if (col != META_LOAD_COL_MEASURE && !is_name(col))
            read_number(&f, col);
    }
    struct meta_load_where w = {file, rec->line, NULL, l->col, rec->fields, errs, 0};
    int ret = meta_load_rules_apply(&f, -1, l->estimates, &w, row);
    if (ret != META_OK)
        return ret;
    size_t n = attributes(l, rec);
    if (row->kind == META_LOAD_ESTIMATE) {
        row->result_attrs = l->scratch;
        row->n_result_attrs = n;
    } else {
        row->arm_attrs = l->scratch;
        row->n_arm_attrs = n;
    }
    return META_OK;
}
