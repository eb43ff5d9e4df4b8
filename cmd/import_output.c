/*
 * How `meta import cochrane|revman` shows what it did: the import's report
 * (what was stored, from which file, what was skipped and why) and the
 * check against RevMan, each as a few lines of text or as JSON. Names from
 * the files reach the terminal with control characters escaped.
 */
#include "meta_decimal.h"
#include "cmd_import.h"
#include "meta_json_build.h"
#include "meta_report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Text ------------------------------------------------------------------ */

/* s with control characters shown as \n, \t, \xNN: a name read from a file
 * must not move the cursor or recolour the terminal. */
static const char *shown(char *buf, size_t size, const char *s)
{
    size_t n = 0;
    for (; s && *s && n + 5 < size; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '\n' || c == '\t') {
            buf[n++] = '\\';
            buf[n++] = c == '\n' ? 'n' : 't';
        } else if (c < 0x20 || c == 0x7f) {
            n += (size_t)snprintf(buf + n, size - n, "\\x%02x", c);
        } else {
            buf[n++] = (char)c;
        }
    }
    buf[n] = '\0';
    return buf;
}

static const char *plural(size_t n)
{
    return n == 1 ? "" : "s";
}

static const char *format_name(enum meta_review_format f)
{
    return f == META_REVIEW_REVMAN5 ? "RevMan 5 file" : "Cochrane data package";
}

/* "58 dichotomous, 37 continuous": the counts per data type that are not 0. */
static void by_type(char *buf, size_t size, const size_t *counts)
{
    size_t n = 0;
    buf[0] = '\0';
    for (int t = META_REVIEW_TYPE_UNKNOWN; t <= META_REVIEW_OE && n < size; t++) {
        if (!counts[t])
            continue;
        int w = snprintf(buf + n, size - n, "%s%zu %s", n ? ", " : "", counts[t],
                         meta_review_type_name((enum meta_review_data_type)t));
        n += w > 0 ? (size_t)w : 0;
    }
}

static void print_text_report(FILE *out, const struct meta_import_report *r, const char *dir,
                              size_t written, size_t skipped)
{
    const struct meta_review *rv = r->rv;
    char a[1024], b[1024];
    size_t types[META_REVIEW_OE + 1] = {0}, rows = 0, stored = 0;
    for (size_t i = 0; i < r->n_analyses; i++) {
        types[r->analyses[i].an->type]++;
        stored += r->analyses[i].stored;
    }
    for (int t = 0; t <= META_REVIEW_OE; t++)
        rows += r->rows_by_type[t];
    fprintf(out, "imported %s from %s (%s)\n", shown(a, sizeof a, r->prefix),
            shown(b, sizeof b, rv->path), format_name(rv->format));
    by_type(a, sizeof a, types);
    fprintf(out, "analyses: %zu (%s)\n", r->n_analyses, a);
    by_type(a, sizeof a, r->rows_by_type);
    fprintf(out, "data rows: %zu (%s): %zu stored, %zu skipped\n", rows, a, stored, r->n_skipped);
    fprintf(out,
            "stored: %lld arm row%s (%lld binary, %lld continuous), %lld estimate row%s; "
            "%zu trial%s\n",
            r->binary + r->continuous, plural((size_t)(r->binary + r->continuous)), r->binary,
            r->continuous, r->estimates, plural((size_t)r->estimates), r->trials,
            plural(r->trials));
    for (size_t i = 0; i < r->load.nfiles; i++) {
        const struct meta_load_file_report *f = &r->load.files[i];
        fprintf(out,
                "load %s <- %s: %lld row%s (%lld new, %lld replaced, %lld unchanged, %lld "
                "removed)\n",
                shown(a, sizeof a, f->name), shown(b, sizeof b, rv->sources[i].name), f->rows,
                plural((size_t)f->rows), f->inserted, f->replaced, f->unchanged, f->removed);
    }
    if (dir) {
        fprintf(out, "analysis files: %zu written to %s", written, shown(a, sizeof a, dir));
        if (skipped)
            fprintf(out, " (none for %zu analys%s without data or without an estimable study)",
                    skipped, skipped == 1 ? "is" : "es");
        fputc('\n', out);
    }
    for (size_t i = 0; i < r->n_skipped; i++) {
        const struct meta_import_skip *s = &r->skipped[i];
        char id[32], c[512];
        meta_review_analysis_id(s->row->analysis, id, sizeof id);
        fprintf(out, "skipped %s:%ld: analysis %s, %s: %s\n", shown(a, sizeof a, s->row->source),
                s->row->line, id, shown(c, sizeof c, s->row->study), s->reason);
    }
}

static const char *status_word(enum meta_check_status s)
{
    switch (s) {
    case META_CHECK_AGREE:
        return "agree";
    case META_CHECK_DISAGREE:
        return "disagree";
    case META_CHECK_NOT_COMPARED:
        return "not compared";
    case META_CHECK_NOT_COMPUTED:
        return "not computed";
    }
    return "?";
}

/* A number as the check shows it: "-" where there is none. */
static const char *num(char *buf, size_t size, double v)
{
    if (isnan(v))
        snprintf(buf, size, "-");
    else
        meta_shortest_double(buf, size, v);
    return buf;
}

static void print_text_check(FILE *out, const struct meta_check_report *c)
{
    char name[1024], x[64], y[64];
    for (size_t i = 0; i < c->n_analyses; i++) {
        const struct meta_check_analysis *a = &c->analyses[i];
        shown(name, sizeof name, a->an->name);
        switch (a->status) {
        case META_CHECK_AGREE:
        case META_CHECK_DISAGREE:
            fprintf(out,
                    "%-12s %-6s k=%-3zu %zu of %zu number%s agree, max rel diff %.2g%s%s%s  %s\n",
                    a->status == META_CHECK_AGREE ? "agree" : "DISAGREE", a->id, a->k,
                    a->n_fields - a->n_disagree, a->n_fields, plural(a->n_fields), a->max_rel_diff,
                    a->reason ? " (" : "", a->reason ? a->reason : "", a->reason ? ")" : "", name);
            break;
        default:
            fprintf(out, "%-12s %-6s %s  %s\n",
                    a->status == META_CHECK_NOT_COMPUTED ? "NOT COMPUTED" : "not compared", a->id,
                    a->reason ? a->reason : "", name);
            break;
        }
        for (size_t j = 0; j < a->n_fields; j++) {
            const struct meta_check_field *f = &a->fields[j];
            if (!f->agree)
                fprintf(out, "    %s: RevMan %s, meta %s\n", shown(name, sizeof name, f->field),
                        num(x, sizeof x, f->revman), num(y, sizeof y, f->meta));
        }
    }
    fprintf(out, "%zu analys%s: %zu agree, %zu disagree, %zu not computed, %zu not compared\n",
            c->n_analyses, c->n_analyses == 1 ? "is" : "es", c->agree, c->disagree, c->not_computed,
            c->not_compared);
}

/* ---- JSON ------------------------------------------------------------------ */

static int print_json(FILE *out, struct meta_jb *b, struct meta_jv *root)
{
    char *text = meta_jtext(b, root, META_JSON_PRETTY, NULL);
    if (text)
        fprintf(out, "%s\n", text);
    free(text);
    meta_jb_release(b);
    return text ? 0 : 1;
}

static struct meta_jv *json_review(struct meta_jb *b, const struct meta_import_report *r)
{
    const struct meta_review *rv = r->rv;
    struct meta_jv *o = meta_jobj(b);
    meta_jput(b, o, "format",
              meta_jstr(b, rv->format == META_REVIEW_REVMAN5 ? "revman" : "cochrane"));
    meta_jput(b, o, "path", meta_jstr(b, rv->path));
    meta_jput(b, o, "name", meta_jstr(b, rv->name));
    meta_jput(b, o, "cd_number", meta_jstr(b, rv->cd_number));
    meta_jput(b, o, "title", meta_jstr(b, rv->title));
    meta_jput(b, o, "prefix", meta_jstr(b, r->prefix));
    return o;
}

static struct meta_jv *json_sources(struct meta_jb *b, const struct meta_import_report *r)
{
    struct meta_jv *arr = meta_jarr(b);
    for (size_t i = 0; i < r->load.nfiles; i++) {
        const struct meta_load_file_report *f = &r->load.files[i];
        struct meta_jv *o = meta_jobj(b);
        meta_jput(b, o, "load", meta_jstr(b, f->name));
        meta_jput(b, o, "file", meta_jstr(b, r->rv->sources[i].name));
        meta_jput(b, o, "sha256", meta_jstr(b, f->sha256));
        meta_jput(b, o, "rows", meta_jint(b, f->rows));
        meta_jput(b, o, "estimates", meta_jint(b, f->estimates));
        meta_jput(b, o, "new", meta_jint(b, f->inserted));
        meta_jput(b, o, "replaced", meta_jint(b, f->replaced));
        meta_jput(b, o, "unchanged", meta_jint(b, f->unchanged));
        meta_jput(b, o, "removed", meta_jint(b, f->removed));
        meta_jpush(b, arr, o);
    }
    return arr;
}

static struct meta_jv *json_analyses(struct meta_jb *b, const struct meta_import_report *r)
{
    struct meta_jv *arr = meta_jarr(b);
    for (size_t i = 0; i < r->n_analyses; i++) {
        const struct meta_import_analysis *a = &r->analyses[i];
        struct meta_jv *o = meta_jobj(b);
        meta_jput(b, o, "analysis", meta_jstr(b, a->id));
        meta_jput(b, o, "name", meta_jstr(b, a->an->name));
        meta_jput(b, o, "outcome", meta_jstr(b, a->outcome));
        meta_jput(b, o, "data_type", meta_jstr(b, meta_review_type_name(a->an->type)));
        meta_jput(b, o, "subgroups", meta_jint(b, (long long)a->an->n_subgroups));
        meta_jput(b, o, "rows", meta_jint(b, (long long)a->rows));
        meta_jput(b, o, "stored", meta_jint(b, (long long)a->stored));
        meta_jput(b, o, "skipped", meta_jint(b, (long long)a->skipped));
        meta_jpush(b, arr, o);
    }
    return arr;
}

static struct meta_jv *json_skipped(struct meta_jb *b, const struct meta_import_report *r)
{
    struct meta_jv *arr = meta_jarr(b);
    for (size_t i = 0; i < r->n_skipped; i++) {
        const struct meta_import_skip *s = &r->skipped[i];
        char id[32];
        meta_review_analysis_id(s->row->analysis, id, sizeof id);
        struct meta_jv *o = meta_jobj(b);
        meta_jput(b, o, "file", meta_jstr(b, s->row->source));
        meta_jput(b, o, "line", meta_jint(b, s->row->line));
        meta_jput(b, o, "analysis", meta_jstr(b, id));
        meta_jput(b, o, "study", meta_jstr(b, s->row->study));
        meta_jput(b, o, "reason", meta_jstr(b, s->reason));
        meta_jpush(b, arr, o);
    }
    return arr;
}

static int print_json_report(FILE *out, const struct meta_import_report *r, const char *dir,
                             size_t written, size_t skipped)
{
    struct meta_jb b = {0};
    struct meta_jv *root = meta_jobj(&b);
    meta_jput(&b, root, "review", json_review(&b, r));
    meta_jput(&b, root, "sources", json_sources(&b, r));
    meta_jput(&b, root, "analyses", json_analyses(&b, r));
    struct meta_jv *rows = meta_jobj(&b);
    for (int t = META_REVIEW_TYPE_UNKNOWN; t <= META_REVIEW_OE; t++)
        if (r->rows_by_type[t])
            meta_jput(&b, rows, meta_review_type_name((enum meta_review_data_type)t),
                      meta_jint(&b, (long long)r->rows_by_type[t]));
    meta_jput(&b, root, "data_rows", rows);
    struct meta_jv *stored = meta_jobj(&b);
    meta_jput(&b, stored, "binary", meta_jint(&b, r->binary));
    meta_jput(&b, stored, "continuous", meta_jint(&b, r->continuous));
    meta_jput(&b, stored, "estimates", meta_jint(&b, r->estimates));
    meta_jput(&b, root, "stored", stored);
    meta_jput(&b, root, "trials", meta_jint(&b, (long long)r->trials));
    meta_jput(&b, root, "skipped", json_skipped(&b, r));
    if (dir) {
        struct meta_jv *files = meta_jobj(&b);
        meta_jput(&b, files, "dir", meta_jstr(&b, dir));
        meta_jput(&b, files, "written", meta_jint(&b, (long long)written));
        meta_jput(&b, files, "skipped", meta_jint(&b, (long long)skipped));
        meta_jput(&b, root, "analysis_files", files);
    }
    return print_json(out, &b, root);
}

static int print_json_check(FILE *out, const struct meta_check_report *c)
{
    struct meta_jb b = {0};
    struct meta_jv *root = meta_jarr(&b);
    for (size_t i = 0; i < c->n_analyses; i++) {
        const struct meta_check_analysis *a = &c->analyses[i];
        struct meta_jv *o = meta_jobj(&b);
        int compared = a->status == META_CHECK_AGREE || a->status == META_CHECK_DISAGREE;
        meta_jput(&b, o, "analysis", meta_jstr(&b, a->id));
        meta_jput(&b, o, "name", meta_jstr(&b, a->an->name));
        meta_jput(&b, o, "k", meta_jint(&b, (long long)a->k));
        /* null: nothing was compared (the status and reason say why) */
        meta_jput(&b, o, "agree", compared ? meta_jbool(&b, a->status == META_CHECK_AGREE) : NULL);
        meta_jput(&b, o, "status", meta_jstr(&b, status_word(a->status)));
        if (a->reason)
            meta_jput(&b, o, "reason", meta_jstr(&b, a->reason));
        meta_jput(&b, o, "max_rel_diff", compared ? meta_jnum(&b, a->max_rel_diff) : NULL);
        struct meta_jv *fields = meta_jarr(&b);
        for (size_t j = 0; j < a->n_fields; j++) {
            const struct meta_check_field *f = &a->fields[j];
            struct meta_jv *fo = meta_jobj(&b);
            meta_jput(&b, fo, "field", meta_jstr(&b, f->field));
            meta_jput(&b, fo, "revman", meta_jnum(&b, f->revman));
            meta_jput(&b, fo, "meta", meta_jnum(&b, f->meta));
            meta_jput(&b, fo, "agree", meta_jbool(&b, f->agree));
            meta_jpush(&b, fields, fo);
        }
        meta_jput(&b, o, "fields", fields);
        meta_jpush(&b, root, o);
    }
    return print_json(out, &b, root);
}

/* ---- Entry points ------------------------------------------------------------ */

int cmd_import_print_report(FILE *out, const struct meta_import_report *r, int json,
                            const char *dir, size_t written, size_t skipped)
{
    if (json)
        return print_json_report(out, r, dir, written, skipped);
    print_text_report(out, r, dir, written, skipped);
    return 0;
}

int cmd_import_print_check(FILE *out, const struct meta_check_report *c, int json)
{
    if (json)
        return print_json_check(out, c);
    print_text_check(out, c);
    return 0;
}
