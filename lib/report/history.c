/*
 * The recorded runs of an analysis file (`meta history`) as a table for
 * people, CSV or JSON for the report scripts that draw a living review's
 * evolution: when each run was made, the data it used (the loads new since
 * the run before), and its result.
 */
#include "meta_decimal.h"
#include "report_internal.h"

#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static double shown(const struct meta_run_result *r, double v)
{
    return r->log_scale ? exp(v) : v;
}

/* "below 0", "includes 1", ...: the conclusion with the value of no effect. */
static void conclusion_text(const struct meta_run_result *r, char *buf, size_t size)
{
    if (strcmp(r->conclusion, "none") == 0)
        snprintf(buf, size, "-");
    else
        snprintf(buf, size, "%s %d", r->conclusion, r->log_scale ? 1 : 0);
}

/* The file names of the loads new in run, joined by sep ("-" when none). */
static void new_loads_text(const struct meta_history_run *run, const char *sep, char *buf,
                           size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < run->n_loads && used < size; i++) {
        if (!run->new_load[i])
            continue;
        int w = snprintf(buf + used, size - used, "%s%s", used ? sep : "", run->loads[i].file);
        used += w > 0 ? (size_t)w : 0;
    }
}

static int history_table(FILE *out, const char *path, const struct meta_history *h,
                         struct meta_error *err)
{
    fprintf(out, "History of %s: %zu run%s, oldest first\n\n", path, h->n, h->n == 1 ? "" : "s");
    if (h->n == 0)
        return ferror(out) ? meta_error_set(err, META_EIO, "cannot write the output") : META_OK;
    struct meta_text_table t;
    meta_text_table_init(&t, 9);
    t.right[0] = t.right[2] = t.right[4] = t.right[5] = t.right[6] = 1;
    struct meta_text_row *row = meta_text_table_row(&t, META_TEXT_ROW_CELLS);
    static const char *const heads[] = {"run", "ran at (UTC)", "k",       "result", "tau^2", "I^2",
                                        "p",   "conclusion",   "new data"};
    for (size_t c = 0; c < 9; c++)
        meta_text_table_set(&t, row, c, "%s", heads[c]);
    meta_text_table_row(&t, META_TEXT_ROW_COLUMN_RULE);
    for (size_t i = 0; i < h->n; i++) {
        const struct meta_history_run *run = &h->runs[i];
        const struct meta_run_result *r = &run->result;
        char when[32], what[96], concl[32], news[1024];
        snprintf(when, sizeof when, "%.10s %.8s", run->ran_at, run->ran_at + 11);
        if (r->totals_only && r->n_subgroups > 0)
            snprintf(what, sizeof what, "%s subgroup totals only (%lld subgroup%s)", r->measure,
                     r->n_subgroups, r->n_subgroups == 1 ? "" : "s");
        else if (r->totals_only)
            snprintf(what, sizeof what, "%s subgroup totals only", r->measure);
        else if (isnan(r->estimate))
            snprintf(what, sizeof what, "%s (not estimable)", r->measure);
        else
            snprintf(what, sizeof what, "%s %.2f [%.2f, %.2f]", r->measure, shown(r, r->estimate),
                     shown(r, r->ci_lower), shown(r, r->ci_upper));
        conclusion_text(r, concl, sizeof concl);
        new_loads_text(run, ", ", news, sizeof news);
        row = meta_text_table_row(&t, META_TEXT_ROW_CELLS);
        meta_text_table_set(&t, row, 0, "%lld", run->run_id);
        meta_text_table_set(&t, row, 1, "%s", when);
        meta_text_table_set(&t, row, 2, "%lld", r->k);
        meta_text_table_set(&t, row, 3, "%s", what);
        if (isnan(r->tau2))
            meta_text_table_set(&t, row, 4, "-");
        else
            meta_text_table_set(&t, row, 4, "%.4f", r->tau2);
        if (isnan(r->I2))
            meta_text_table_set(&t, row, 5, "-");
        else
            meta_text_table_set(&t, row, 5, "%.1f%%", r->I2);
        if (isnan(r->p))
            meta_text_table_set(&t, row, 6, "-");
        else if (r->p < 0.0001)
            meta_text_table_set(&t, row, 6, "<0.0001");
        else
            meta_text_table_set(&t, row, 6, "%.4f", r->p);
        meta_text_table_set(&t, row, 7, "%s", concl);
        meta_text_table_set(&t, row, 8, "%s", news[0] ? news : "-");
    }
    int ret = META_OK;
    if (t.oom)
        ret = meta_error_set(err, META_ENOMEM, "out of memory");
    else
        meta_text_table_print(out, &t);
    meta_text_table_release(&t);
    if (ret == META_OK && ferror(out))
        ret = meta_error_set(err, META_EIO, "cannot write the output");
    return ret;
}

static void csv_number(FILE *out, double v)
{
    char text[40];
    meta_shortest_double(text, sizeof text, v);
    fputs(text, out);
}

static int history_csv(FILE *out, const struct meta_history *h, struct meta_error *err)
{
    fputs("run_id,ran_at,file_sha256,fingerprint,k,measure,estimate,ci_lower,ci_upper,"
          "exp_estimate,exp_ci_lower,exp_ci_upper,tau2,I2,p,conclusion,loads,new_loads,"
          "subgroup_totals\n",
          out);
    for (size_t i = 0; i < h->n; i++) {
        const struct meta_history_run *run = &h->runs[i];
        const struct meta_run_result *r = &run->result;
        int ratio = r->log_scale;
        fprintf(out, "%lld,%s,%s,%s,%lld,", run->run_id, run->ran_at, run->file_sha256,
                run->fingerprint, r->k);
        meta_csv_field(out, r->measure);
        const double values[] = {r->estimate,
                                 r->ci_lower,
                                 r->ci_upper,
                                 ratio ? exp(r->estimate) : NAN,
                                 ratio ? exp(r->ci_lower) : NAN,
                                 ratio ? exp(r->ci_upper) : NAN,
                                 r->tau2,
                                 r->I2,
                                 r->p};
        for (size_t v = 0; v < sizeof values / sizeof values[0]; v++) {
            fputc(',', out);
            csv_number(out, values[v]);
        }
        fprintf(out, ",%s,%zu,", r->conclusion, run->n_loads);
        char news[4096];
        new_loads_text(run, ";", news, sizeof news);
        meta_csv_field(out, news);
        if (r->totals_only)
            fprintf(out, ",%lld\n", r->n_subgroups);
        else
            fputs(",\n", out);
    }
    return ferror(out) ? meta_error_set(err, META_EIO, "cannot write the output") : META_OK;
}

/* A string for JSON; NULL as the empty string, as these outputs have it. */
static struct meta_jv *jtext(struct meta_jb *b, const char *s)
{
    return meta_jstr(b, s ? s : "");
}

/* The request a run recorded (JSON text), as the registry holds it. */
static struct meta_jv *options_json(struct meta_jb *b, const char *text)
{
    struct json_object *options = json_tokener_parse(text);
    struct meta_jv *o = options ? meta_jfrom_c(b, options) : NULL;
    b->oom |= !o;
    json_object_put(options);
    return o;
}

static struct meta_jv *run_json(struct meta_jb *b, const struct meta_history_run *run)
{
    const struct meta_run_result *r = &run->result;
    struct meta_jv *o = meta_jobj(b);
    meta_jput(b, o, "run_id", meta_jint(b, run->run_id));
    meta_jput(b, o, "ran_at", jtext(b, run->ran_at));
    meta_jput(b, o, "file_sha256", jtext(b, run->file_sha256));
    meta_jput(b, o, "options", options_json(b, run->options));
    meta_jput(b, o, "k", meta_jint(b, r->k));
    meta_jput(b, o, "measure", jtext(b, r->measure));
    meta_jput(b, o, "estimate", meta_jnum(b, r->estimate));
    meta_jput(b, o, "ci_lower", meta_jnum(b, r->ci_lower));
    meta_jput(b, o, "ci_upper", meta_jnum(b, r->ci_upper));
    struct meta_jv *e = NULL;
    if (r->log_scale && isfinite(r->estimate)) {
        e = meta_jobj(b);
        meta_jput(b, e, "estimate", meta_jnum(b, exp(r->estimate)));
        meta_jput(b, e, "ci_lower", meta_jnum(b, exp(r->ci_lower)));
        meta_jput(b, e, "ci_upper", meta_jnum(b, exp(r->ci_upper)));
    }
    meta_jput(b, o, "exp", e);
    meta_jput(b, o, "tau2", meta_jnum(b, r->tau2));
    meta_jput(b, o, "I2", meta_jnum(b, r->I2));
    meta_jput(b, o, "p", meta_jnum(b, r->p));
    meta_jput(b, o, "conclusion", jtext(b, r->conclusion));
    meta_jput(b, o, "subgroup_totals", r->totals_only ? meta_jint(b, r->n_subgroups) : NULL);
    struct meta_jv *data = meta_jobj(b);
    meta_jput(b, data, "fingerprint", jtext(b, run->fingerprint));
    meta_jput(b, data, "loads", report_loads_json(b, run->loads, run->n_loads, NULL));
    meta_jput(b, o, "data", data);
    meta_jput(b, o, "new_loads", report_loads_json(b, run->loads, run->n_loads, run->new_load));
    return o;
}

static int history_json(FILE *out, const char *path, const struct meta_history *h,
                        struct meta_error *err)
{
    struct meta_jb b = {0};
    struct meta_jv *root = meta_jobj(&b);
    struct meta_jv *runs = meta_jarr(&b);
    meta_jput(&b, root, "path", jtext(&b, path));
    for (size_t i = 0; runs && i < h->n; i++)
        meta_jpush(&b, runs, run_json(&b, &h->runs[i]));
    meta_jput(&b, root, "runs", runs);
    return report_json_print(out, &b, root, err);
}

int meta_report_history(FILE *out, enum meta_report_format format, const char *path,
                        const struct meta_history *h, struct meta_error *err)
{
    switch (format) {
    case META_REPORT_TABLE:
        return history_table(out, path, h, err);
    case META_REPORT_CSV:
        return history_csv(out, h, err);
    case META_REPORT_JSON:
        return history_json(out, path, h, err);
    }
    return meta_error_set(err, META_EINVAL, "unknown output format %d", (int)format);
}
