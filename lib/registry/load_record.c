/*
 * A parser's record (struct meta_record) as a row of a load: its strings
 * and doubles become the fields load_rules.h checks, by the same rules and
 * in the same words as a CSV row, except that a record's fields have no
 * column: its problems are "SOURCE:LINE: [WHERE: ]what".
 */
#include "load_row.h"
#include "load_stage.h"

#include "csv_reader.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* Whether s holds more than white space. */
static int filled(const char *s)
{
    for (; s && *s; s++)
        if (!is_space(*s))
            return 1;
    return 0;
}

/* A string field: present when it holds more than white space; names are
 * kept as given, codes lose the white space around them. */
static void put_string(struct meta_load_fields *f, enum meta_load_col col, const char *s, int trim)
{
    if (!filled(s))
        return;
    size_t len = strlen(s);
    if (trim)
        meta_load_trim(&s, &len);
    f->present[col] = 1;
    f->text[col] = (struct meta_load_text){s, len};
}

/* A number field: present unless NAN; an infinity is a fault. */
static void put_number(struct meta_load_fields *f, enum meta_load_col col, double v)
{
    if (isnan(v))
        return;
    f->present[col] = 1;
    f->num[col] = v;
    f->fault[col] = isfinite(v) ? META_LOAD_FAULT_NONE : META_LOAD_FAULT_NOT_FINITE;
}

/* The record's strings must be UTF-8 (the registry is); reports the first
 * that is not. */
static int check_utf8(struct meta_load_where *w, const char *what, const char *s)
{
    size_t bad;
    char q[META_LOAD_QUOTE_SIZE];
    if (!s || meta_csv_utf8_valid(s, strlen(s), &bad))
        return 0;
    if (w->place && *w->place)
        meta_load_errors_at(w->errs, w->file, w->line, 0, "%s: %s is not valid UTF-8, got %s",
                            w->place, what, meta_load_quote(q, sizeof q, s, strlen(s)));
    else
        meta_load_errors_at(w->errs, w->file, w->line, 0, "%s is not valid UTF-8, got %s", what,
                            meta_load_quote(q, sizeof q, s, strlen(s)));
    w->bad = 1;
    return 1;
}

/* A record's source that is not UTF-8 cannot name it in messages. */
static int check_utf8_source(const char **file)
{
    return !meta_csv_utf8_valid(*file, strlen(*file), NULL);
}

/* Lowercases the ASCII letters of an attribute name in place. */
static void lowercase(char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] >= 'A' && s[i] <= 'Z')
            s[i] = (char)(s[i] - 'A' + 'a');
}

/*
 * The attributes of one list that have a name and a value, into l->attrs
 * from index *n on: names lowercased (into names, a buffer this call sizes
 * and the caller frees), values without the white space around them.
 */
static int read_attrs(struct meta_loader *l, struct meta_load_where *w,
                      const struct meta_record_attr *a, size_t count, size_t *n, char **names,
                      size_t *names_len, size_t *names_cap)
{
    for (size_t i = 0; i < count; i++) {
        if (!filled(a[i].name) || !filled(a[i].value))
            continue;
        if (check_utf8(w, "an attribute name", a[i].name) ||
            check_utf8(w, "an attribute value", a[i].value))
            continue;
        if (*n == l->cap_attrs) {
            size_t cap = l->cap_attrs ? 2 * l->cap_attrs : 16;
            struct meta_load_attr *attrs = realloc(l->attrs, cap * sizeof *attrs);
            if (!attrs)
                return META_ENOMEM;
            l->attrs = attrs;
            l->cap_attrs = cap;
        }
        const char *name = a[i].name, *value = a[i].value;
        size_t name_len = strlen(name), value_len = strlen(value);
        meta_load_trim(&name, &name_len);
        meta_load_trim(&value, &value_len);
        if (*names_len + name_len + 1 > *names_cap) {
            size_t cap = *names_cap ? *names_cap : 256;
            while (cap < *names_len + name_len + 1)
                cap *= 2;
            char *grown = realloc(*names, cap);
            if (!grown)
                return META_ENOMEM;
            /* Names already read point into the old buffer: move them. */
            for (size_t k = 0; k < *n; k++)
                l->attrs[k].name.s = grown + (l->attrs[k].name.s - *names);
            *names = grown;
            *names_cap = cap;
        }
        char *copy = *names + *names_len;
        memcpy(copy, name, name_len);
        copy[name_len] = '\0';
        lowercase(copy, name_len);
        *names_len += name_len + 1;
        l->attrs[(*n)++] = (struct meta_load_attr){{copy, name_len}, {value, value_len}};
    }
    return META_OK;
}

int meta_load_record_row(struct meta_loader *l, size_t file_no, const struct meta_record *rec,
                         struct meta_load_row *row)
{
    const char *file = rec->source && *rec->source ? rec->source : l->files[file_no].name;
    if (check_utf8_source(&file))
        file = l->files[file_no].name;
    struct meta_load_where w = {file, rec->line, rec->where, NULL, NULL, &l->errs, 0};
    struct meta_load_fields f;
    memset(&f, 0, sizeof f);
    memset(row, 0, sizeof *row);

    static const struct {
        enum meta_load_col col;
        size_t offset;
    } names[] = {
        {META_LOAD_COL_TRIAL, offsetof(struct meta_record, trial)},
        {META_LOAD_COL_ARM, offsetof(struct meta_record, arm)},
        {META_LOAD_COL_TREATMENT, offsetof(struct meta_record, treatment)},
        {META_LOAD_COL_OUTCOME, offsetof(struct meta_record, outcome)},
        {META_LOAD_COL_TIMEPOINT, offsetof(struct meta_record, timepoint)},
        {META_LOAD_COL_CONTROL, offsetof(struct meta_record, control)},
    };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        const char *s = *(const char *const *)((const char *)rec + names[i].offset);
        if (!check_utf8(&w, meta_load_col_name(names[i].col), s))
            put_string(&f, names[i].col, s, 0);
    }
    if (!check_utf8(&w, "measure", rec->measure))
        put_string(&f, META_LOAD_COL_MEASURE, rec->measure, 1);
    if (check_utf8(&w, "where", rec->where))
        w.place = NULL;
    put_number(&f, META_LOAD_COL_N, rec->n);
    put_number(&f, META_LOAD_COL_MEAN, rec->mean);
    put_number(&f, META_LOAD_COL_SD, rec->sd);
    put_number(&f, META_LOAD_COL_EVENTS, rec->events);
    put_number(&f, META_LOAD_COL_TOTAL, rec->total);
    put_number(&f, META_LOAD_COL_ESTIMATE, rec->estimate);
    put_number(&f, META_LOAD_COL_SE, rec->se);
    put_number(&f, META_LOAD_COL_CI_LOWER, rec->ci_lower);
    put_number(&f, META_LOAD_COL_CI_UPPER, rec->ci_upper);
    put_number(&f, META_LOAD_COL_LEVEL, rec->level);
    put_number(&f, META_LOAD_COL_N_TREATMENT, rec->n_treatment);
    put_number(&f, META_LOAD_COL_N_CONTROL, rec->n_control);
    f.log_scale = rec->log_scale != 0;
    if (filled(rec->method)) {
        const char *m = rec->method;
        size_t len = strlen(m);
        meta_load_trim(&m, &len);
        if (len == 4 && (m[0] | 32) == 'p' && (m[1] | 32) == 'e' && (m[2] | 32) == 't' &&
            (m[3] | 32) == 'o') {
            f.peto = 1;
        } else {
            char q[META_LOAD_QUOTE_SIZE];
            meta_load_where_report(&w, META_LOAD_COL_MEASURE,
                                   "method must be empty or 'peto', got %s",
                                   meta_load_quote(q, sizeof q, m, len));
        }
    }

    int want = rec->kind == META_RECORD_CONTINUOUS ? META_LOAD_CONTINUOUS
               : rec->kind == META_RECORD_BINARY   ? META_LOAD_BINARY
               : rec->kind == META_RECORD_ESTIMATE ? META_LOAD_ESTIMATE
                                                   : -1;
    if (want < 0) {
        meta_load_where_report(&w, META_LOAD_COL_TRIAL,
                               "the record's kind must be continuous, binary or an estimate");
        return META_EINVAL;
    }
    if (w.bad)
        return META_EINVAL; /* a string that is not UTF-8, an unknown method */
    int ret = meta_load_rules_apply(&f, want, 1, &w, row);
    if (want == META_LOAD_ESTIMATE && rec->n_arm_attrs > 0) {
        size_t i = 0;
        while (i < rec->n_arm_attrs && !filled(rec->arm_attrs[i].name))
            i++;
        if (i < rec->n_arm_attrs) {
            meta_load_where_report(&w, META_LOAD_COL_ARM,
                                   "an estimate has no arm: give attribute '%s' as a result "
                                   "attribute",
                                   rec->arm_attrs[i].name);
            ret = META_EINVAL;
        }
    }
    size_t n = 0, names_len = 0;
    int rc = read_attrs(l, &w, rec->arm_attrs, want == META_LOAD_ESTIMATE ? 0 : rec->n_arm_attrs,
                        &n, &l->attr_names, &names_len, &l->cap_attr_names);
    size_t n_arm = n;
    if (rc == META_OK)
        rc = read_attrs(l, &w, rec->result_attrs, rec->n_result_attrs, &n, &l->attr_names,
                        &names_len, &l->cap_attr_names);
    if (rc != META_OK)
        return rc;
    if (ret != META_OK || w.bad)
        return META_EINVAL;
    row->arm_attrs = l->attrs;
    row->n_arm_attrs = n_arm;
    row->result_attrs = l->attrs + n_arm;
    row->n_result_attrs = n - n_arm;
    if (w.place)
        row->place = (struct meta_load_text){w.place, strlen(w.place)};
    if (strcmp(file, l->files[file_no].name) != 0)
        row->origin = (struct meta_load_text){file, strlen(file)};
    return META_OK;
}
