/*
 * The editable mapping of result groups to treatments as CSV: written from a
 * proposal for an analyst to confirm or correct, and read back (with libcsv,
 * one physical line fed at a time so that every message can name the line)
 * to import with the analyst's decisions. A proposal passed back unedited
 * imports only its high-confidence groups: every other guess must be
 * confirmed (yes), refused (no) or emptied, or the file is refused.
 */
#include "ctgov_internal.h"

#include <csv.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The columns, in the order they are written. */
enum column {
    COL_NCT,
    COL_SECTION,
    COL_GROUP_ID,
    COL_GROUP_TITLE,
    COL_TREATMENT,
    COL_CONFIDENCE,
    COL_CONFIRMED,
    COL_REASON,
    N_COLUMNS
};

static const char *const column_names[N_COLUMNS] = {
    "nct", "section", "group_id", "group_title", "treatment", "confidence", "confirmed", "reason"};

/* Lines refused for want of the analyst's word, listed after the first. */
#define MAX_REFUSED_LISTED 10

static const char *confirmed_name(enum meta_ctgov_confirmed c)
{
    return c == META_CTGOV_CONFIRMED_YES ? "yes" : c == META_CTGOV_CONFIRMED_NO ? "no" : "";
}

/* Writes one field, quoted when RFC 4180 needs it. */
static int write_field(FILE *out, const char *s, int last)
{
    int quote = *s && (strpbrk(s, ",\"\r\n") || isspace((unsigned char)s[0]) ||
                       isspace((unsigned char)s[strlen(s) - 1]));
    int rc = quote ? csv_fwrite(out, s, strlen(s)) : (fputs(s, out) < 0 ? EOF : 0);
    if (rc == EOF || fputc(last ? '\n' : ',', out) == EOF)
        return -1;
    return 0;
}

int meta_ctgov_mapping_write(const struct meta_ctgov_mapping *m, FILE *out, const char *name,
                             struct meta_error *err)
{
    int bad = 0;
    for (int c = 0; c < N_COLUMNS; c++)
        bad |= write_field(out, column_names[c], c == N_COLUMNS - 1);
    for (size_t i = 0; i < m->n_items && !bad; i++) {
        const struct meta_ctgov_assignment *a = &m->items[i];
        const char *f[N_COLUMNS] = {a->nct,
                                    a->section,
                                    a->group_id,
                                    a->group_title,
                                    a->treatment,
                                    meta_ctgov_confidence_name(a->confidence),
                                    confirmed_name(a->confirmed),
                                    a->reason ? a->reason : ""};
        for (int c = 0; c < N_COLUMNS && !bad; c++)
            bad |= write_field(out, f[c], c == N_COLUMNS - 1);
    }
    if (bad || fflush(out) == EOF || ferror(out))
        return meta_error_set(err, META_EIO, "%s: cannot write the mapping: %s",
                              name ? name : "mapping", strerror(errno ? errno : EIO));
    return META_OK;
}

/* Reading state shared with libcsv's callbacks. */
struct reader {
    struct meta_ctgov_mapping *m;
    const char *name;
    struct meta_error *err;
    int rc;
    long line;          /* of the bytes being fed */
    long rec_line;      /* on which the current record started */
    long records;       /* seen so far, the header included */
    char **fields;      /* of the current data record, n_header of them */
    size_t n_fields;    /* fields of the current record */
    int col[N_COLUMNS]; /* column index of each known column, -1 when absent */
    int n_header;       /* fields of the header */
    /* lines with a treatment that is neither high-confidence nor confirmed */
    size_t n_refused;
    char refused_first[1024];               /* the first one, worded */
    long refused_lines[MAX_REFUSED_LISTED]; /* the next ones */
};

static int fail(struct reader *r, long line, int column, const char *fmt, const char *arg)
{
    if (r->rc == META_OK) {
        char what[512];
        snprintf(what, sizeof what, fmt, arg);
        if (column > 0)
            meta_error_set(r->err, META_EINVAL, "%s:%ld:%d: %s", r->name, line, column, what);
        else
            meta_error_set(r->err, META_EINVAL, "%s:%ld: %s", r->name, line, what);
        r->rc = META_EINVAL;
    }
    return r->rc;
}

static void on_field(void *s, size_t len, void *data)
{
    struct reader *r = data;
    if (r->rc != META_OK)
        return;
    if (r->records > 0 && (int)r->n_fields >= r->n_header) {
        r->n_fields++; /* more fields than the header: reported in on_record */
        return;
    }
    char *f = ctgov_arena_strndup(r->m->arena, s, len);
    if (!f) {
        r->rc = meta_error_set(r->err, META_ENOMEM, "%s: out of memory", r->name);
        return;
    }
    if (r->records == 0) {
        /* header: find the known columns by their normal name */
        char *k = ctgov_normalise(r->m->arena, f);
        if (!k) {
            r->rc = meta_error_set(r->err, META_ENOMEM, "%s: out of memory", r->name);
            return;
        }
        for (char *p = k; *p; p++)
            *p = *p == ' ' ? '_' : *p;
        const char *name = strcmp(k, "proposed_treatment") ? k : "treatment";
        for (int c = 0; c < N_COLUMNS; c++) {
            if (!strcmp(name, column_names[c])) {
                if (r->col[c] >= 0)
                    fail(r, r->rec_line, (int)r->n_fields + 1, "column '%s' appears twice", f);
                r->col[c] = (int)r->n_fields;
            }
        }
        r->n_fields++;
        return;
    }
    r->fields[r->n_fields++] = f;
}

static const char *field(const struct reader *r, enum column c)
{
    int i = r->col[c];
    return i >= 0 && (size_t)i < r->n_fields ? r->fields[i] : "";
}

static void on_header(struct reader *r)
{
    static const enum column required[] = {COL_NCT, COL_SECTION, COL_GROUP_ID, COL_TREATMENT};
    r->n_header = (int)r->n_fields;
    r->fields = ctgov_arena_calloc(r->m->arena, r->n_fields + 1, sizeof *r->fields);
    if (!r->fields) {
        r->rc = meta_error_set(r->err, META_ENOMEM, "%s: out of memory", r->name);
        return;
    }
    for (size_t i = 0; i < sizeof required / sizeof *required; i++) {
        if (r->col[required[i]] < 0) {
            fail(r, r->rec_line, 0,
                 "missing column '%s' (a mapping has nct, section, group_id, "
                 "group_title, treatment)",
                 column_names[required[i]]);
            return;
        }
    }
}

/* Reads the line's confirmed column and applies the rule of
 * meta_ctgov_mapping_read: a treatment counts when confirmed says yes, or
 * when it is empty and the confidence high; other lines with a treatment
 * are counted as refused (reported once the whole file is read). */
static int confirmation(struct reader *r, struct meta_ctgov_assignment *a)
{
    const char *c = field(r, COL_CONFIRMED);
    int column = r->col[COL_CONFIRMED] + 1;
    while (isspace((unsigned char)*c))
        c++;
    size_t len = strlen(c);
    while (len && isspace((unsigned char)c[len - 1]))
        len--;
    if (len == 3 && !strncasecmp(c, "yes", 3))
        a->confirmed = META_CTGOV_CONFIRMED_YES;
    else if (len == 2 && !strncasecmp(c, "no", 2))
        a->confirmed = META_CTGOV_CONFIRMED_NO;
    else if (len)
        return fail(r, r->rec_line, column, "confirmed must be yes, no or empty, got '%s'", c);
    if (a->confirmed == META_CTGOV_CONFIRMED_YES && !*a->treatment)
        return fail(r, r->rec_line, r->col[COL_TREATMENT] + 1, "%s",
                    "confirmed says yes but the treatment is empty: write the treatment, or "
                    "empty confirmed to leave the group out");
    if (!*a->treatment || a->confirmed != META_CTGOV_UNCONFIRMED ||
        (r->col[COL_CONFIDENCE] >= 0 && a->confidence == META_CTGOV_HIGH))
        return META_OK;
    if (r->n_refused == 0) {
        const char *conf = field(r, COL_CONFIDENCE);
        snprintf(r->refused_first, sizeof r->refused_first,
                 "%s:%ld:%d: %s %s group %s%s%s%s: treatment '%s' has %s%s (not high) and "
                 "is not confirmed: write yes in its confirmed column to import it, no to "
                 "leave the group out (or empty the treatment)",
                 r->name, r->rec_line,
                 r->col[COL_CONFIRMED] >= 0 ? column : r->col[COL_TREATMENT] + 1, a->nct,
                 a->section, a->group_id, *a->group_title ? " ('" : "", a->group_title,
                 *a->group_title ? "')" : "", a->treatment, *conf ? "confidence " : "",
                 *conf ? conf : "no confidence");
    } else if (r->n_refused - 1 < MAX_REFUSED_LISTED) {
        r->refused_lines[r->n_refused - 1] = r->rec_line;
    }
    r->n_refused++;
    return META_OK;
}

/* The refusal of every line that lacks the analyst's word, in one message. */
static int refuse_unconfirmed(struct reader *r)
{
    char more[512] = "";
    size_t n = r->n_refused - 1, used = 0;
    if (n > 0) {
        used = (size_t)snprintf(more, sizeof more, "; %zu more line%s like it: ", n,
                                n == 1 ? "" : "s");
        size_t listed = n < MAX_REFUSED_LISTED ? n : MAX_REFUSED_LISTED;
        for (size_t i = 0; i < listed && used < sizeof more; i++)
            used += (size_t)snprintf(more + used, sizeof more - used, "%s%ld", i ? ", " : "",
                                     r->refused_lines[i]);
        if (n > listed && used < sizeof more)
            snprintf(more + used, sizeof more - used, " and %zu more", n - listed);
    }
    r->rc = meta_error_set(r->err, META_EINVAL, "%s%s", r->refused_first, more);
    return r->rc;
}

static void on_record(int c, void *data)
{
    (void)c;
    struct reader *r = data;
    if (r->rc != META_OK)
        return;
    if (r->records++ == 0) {
        on_header(r);
        r->n_fields = 0;
        return;
    }
    /* columns beyond the known ones may be an analyst's notes; never more than the header */
    if ((int)r->n_fields > r->n_header) {
        char n[32];
        snprintf(n, sizeof n, "%d", r->n_header);
        fail(r, r->rec_line, r->n_header + 1, "more fields than the header's %s", n);
        return;
    }
    static const enum column keys[] = {COL_NCT, COL_SECTION, COL_GROUP_ID};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
        if (!*field(r, keys[i])) {
            fail(r, r->rec_line, r->col[keys[i]] + 1, "empty %s", column_names[keys[i]]);
            return;
        }
    }
    struct meta_ctgov_assignment a = {
        .nct = field(r, COL_NCT),
        .section = field(r, COL_SECTION),
        .group_id = field(r, COL_GROUP_ID),
        .group_title = field(r, COL_GROUP_TITLE),
        .treatment = field(r, COL_TREATMENT),
        .confidence = META_CTGOV_NONE,
        .reason = field(r, COL_REASON),
        .line = r->rec_line,
    };
    const struct meta_ctgov_assignment *dup =
        meta_ctgov_mapping_find(r->m, a.nct, a.section, a.group_id);
    if (dup) {
        char what[64];
        snprintf(what, sizeof what, "%ld", dup->line);
        fail(r, r->rec_line, 0, "the same group again (first on line %s)", what);
        return;
    }
    for (int k = META_CTGOV_NONE; k <= META_CTGOV_HIGH; k++) {
        if (!strcasecmp(field(r, COL_CONFIDENCE), meta_ctgov_confidence_name(k)))
            a.confidence = k;
    }
    if (confirmation(r, &a) != META_OK)
        return;
    if (ctgov_mapping_add(r->m, &a) != META_OK)
        r->rc = meta_error_set(r->err, META_ENOMEM, "%s: out of memory", r->name);
    r->n_fields = 0;
}

/* Feeds the file one physical line at a time, so that records know their line. */
static int parse(struct reader *r, struct csv_parser *p, const char *data, size_t len)
{
    size_t off = 0;
    r->line = 1;
    if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3))
        off = 3;
    while (off < len && r->rc == META_OK) {
        const char *nl = memchr(data + off, '\n', len - off);
        size_t piece = nl ? (size_t)(nl - (data + off)) + 1 : len - off;
        if (p->pstate == 0 && p->entry_pos == 0 && r->n_fields == 0)
            r->rec_line = r->line;
        if (csv_parse(p, data + off, piece, on_field, on_record, r) != piece && r->rc == META_OK)
            return fail(r, r->line, (int)r->n_fields + 1, "%s",
                        "malformed CSV: a quote inside an unquoted field, or text after a "
                        "closing quote (quotes inside a quoted field are doubled)");
        off += piece;
        r->line += nl != NULL;
    }
    if (r->rc == META_OK && csv_fini(p, on_field, on_record, r) != 0)
        return fail(r, r->line, 0, "%s", "malformed CSV: a quoted field is not closed");
    if (r->rc == META_OK && r->records == 0)
        return fail(r, 1, 0, "%s", "empty file: a mapping starts with its header line");
    if (r->rc == META_OK && r->n_refused > 0)
        return refuse_unconfirmed(r);
    return r->rc;
}

int meta_ctgov_mapping_read(const char *path, const char *name, struct meta_ctgov_mapping **out,
                            struct meta_error *err)
{
    struct reader r = {.name = name ? name : path, .err = err};
    struct csv_parser p;
    int parser_ready = 0, rc;
    char *data = NULL;
    size_t len = 0, cap = 0;
    FILE *fp = NULL;
    *out = NULL;
    for (int c = 0; c < N_COLUMNS; c++)
        r.col[c] = -1;
    if (!(r.m = meta_ctgov_mapping_alloc()) ||
        !(r.m->source = ctgov_arena_strdup(r.m->arena, r.name))) {
        rc = meta_error_set(err, META_ENOMEM, "%s: out of memory", r.name);
        goto cleanup;
    }
    if (!(fp = fopen(path, "rb"))) {
        rc = meta_error_set(err, META_EIO, "%s: %s", r.name, strerror(errno));
        goto cleanup;
    }
    for (;;) {
        if (len == cap) {
            char *more = cap < ((size_t)64 << 20) ? realloc(data, cap ? cap * 2 : 8192) : NULL;
            if (!more) {
                rc = meta_error_set(err, cap ? META_EINVAL : META_ENOMEM,
                                    "%s: a mapping larger than 64 MiB is refused", r.name);
                goto cleanup;
            }
            data = more;
            cap = cap ? cap * 2 : 8192;
        }
        size_t got = fread(data + len, 1, cap - len, fp);
        len += got;
        if (!got)
            break;
    }
    if (ferror(fp)) {
        rc = meta_error_set(err, META_EIO, "%s: read error", r.name);
        goto cleanup;
    }
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0) {
        rc = meta_error_set(err, META_ENOMEM, "%s: out of memory", r.name);
        goto cleanup;
    }
    parser_ready = 1;
    rc = parse(&r, &p, data, len);
cleanup:
    if (parser_ready)
        csv_free(&p);
    if (fp)
        fclose(fp);
    free(data);
    if (rc != META_OK) {
        meta_ctgov_mapping_free(r.m);
        return rc;
    }
    *out = r.m;
    return META_OK;
}

const struct meta_ctgov_assignment *meta_ctgov_mapping_find(const struct meta_ctgov_mapping *m,
                                                            const char *nct, const char *section,
                                                            const char *group_id)
{
    for (size_t i = 0; i < m->n_items; i++) {
        const struct meta_ctgov_assignment *a = &m->items[i];
        if (!strcmp(a->group_id, group_id) && !strcmp(a->section, section) && !strcmp(a->nct, nct))
            return a;
    }
    return NULL;
}
