/*
 * What the text tables of `meta pool`, `meta bias` and `meta regress`
 * share (see report_internal.h): numbers as people read them (fixed
 * decimals, p-values, never "-0.00"), the heading that says what was
 * analysed and how, and the list of trials left out.
 */
#include "report_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void report_num(char *buf, size_t size, double v, int decimals)
{
    if (!isfinite(v))
        snprintf(buf, size, "-");
    else
        snprintf(buf, size, "%.*f", decimals, v == 0.0 ? 0.0 : v);
}

void report_pvalue(char *buf, size_t size, double p)
{
    if (!isfinite(p))
        snprintf(buf, size, "-");
    else if (p < 0.0001)
        snprintf(buf, size, "< 0.0001");
    else
        snprintf(buf, size, "%.4f", p);
}

void report_pclause(char *buf, size_t size, double p)
{
    char v[32];
    report_pvalue(v, sizeof v, p);
    snprintf(buf, size, "p %s%s", v[0] == '<' ? "" : "= ", v);
}

int report_decimals(double lo, double hi)
{
    double width = fabs(hi - lo);
    if (!(width > 0.0) || !isfinite(width))
        return 2;
    int d = 1 - (int)floor(log10(width));
    return d < 2 ? 2 : d > 4 ? 4 : d;
}

const char *report_model_label(const struct meta_options *o)
{
    return o->model == META_MODEL_RANDOM ? "random effects" : "common effect";
}

const char *report_method_label(const struct meta_options *o)
{
    if (o->model == META_MODEL_RANDOM && o->method == META_METHOD_MH)
        return "MH, DL tau^2 around the MH estimate";
    return meta_method_name(o->method);
}

void report_side_title(char *buf, size_t size, char *const *names, size_t count,
                       const char *fallback)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < count && used < size; i++) {
        int w = snprintf(buf + used, size - used, "%s%s", i ? "/" : "", names[i]);
        used += w > 0 ? (size_t)w : 0;
    }
    if (meta_text_width(buf) > 28)
        snprintf(buf, size, "%s", fallback);
}

double report_shown(const struct report_fmt *f, double v)
{
    return f->log_scale ? exp(v) : v;
}

void report_table_heading(struct meta_text_table *t, const struct meta_analysis *an)
{
    const struct meta_analysis_request *req = an->req;
    const struct meta_options *o = &an->opts;
    char tname[512], cname[512];
    report_side_title(tname, sizeof tname, req->treatments, req->n_treatments,
                      "the treatment list");
    report_side_title(cname, sizeof cname, req->controls, req->n_controls, "the control list");
    meta_text_table_text(t, "Outcome: %s, time point %s%s%s; %s vs %s", an->data->outcome,
                         an->data->timepoint[0] ? "'" : "",
                         an->data->timepoint[0] ? an->data->timepoint : "(none)",
                         an->data->timepoint[0] ? "'" : "", tname, cname);
    char convention[128] = "";
    if (o->convention != META_CONVENTION_METAFOR)
        snprintf(convention, sizeof convention, "; convention %s (%s)",
                 meta_convention_name(o->convention), meta_convention_title(o->convention));
    meta_text_table_text(t, "Measure: %s, %s%s; %s (%s); %g%% CI (%s)%s",
                         meta_measure_name(o->measure), meta_measure_title(o->measure),
                         o->measure != META_GIV ? ""
                         : an->log_scale        ? " (log scale, shown back-transformed)"
                                                : " (on the scale reported)",
                         report_model_label(o), report_method_label(o), o->level,
                         o->ci == META_CI_HKSJ ? "Hartung-Knapp-Sidik-Jonkman" : "z", convention);
}

void report_excluded_lines(struct meta_text_table *t, const struct meta_exclusion *x, size_t n,
                           const char *indent)
{
    if (n == 0)
        return;
    meta_text_table_text(t, "%sLeft out (%zu trial%s):", indent, n, n == 1 ? "" : "s");
    for (size_t i = 0; i < n; i++)
        meta_text_table_text(t, "%s  %s: %s", indent, x[i].trial, x[i].reason);
}
