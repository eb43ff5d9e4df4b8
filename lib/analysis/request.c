/*
 * The keys of an analysis request (see meta_analysis.h): one table shared by
 * the command line and analysis files, and each value checked as it is set.
 * Messages name keys through the caller's spelling, so that each front end
 * words them its own way.
 */
#include "analysis_internal.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const struct meta_analysis_option meta_analysis_options[] = {
    {"outcome", 1, 0, "outcome name (required)"},
    {"timepoint", 1, 0, "time point; defaults to the outcome's only one"},
    {"treatment", 1, 1, "treatment list A[,A2...] (required)"},
    {"control", 1, 1, "control list B[,B2...] (required)"},
    {"measure", 1, 0,
     "MD, SMD, ROM (continuous); RR, OR, RD (binary); HR, GIV (estimate rows only)"},
    {"model", 1, 0, "common or random"},
    {"method", 1, 0, "common: IV, MH, PETO; random: DL, REML, ML, PM, HE, HS, SJ, EB"},
    {"ci", 1, 0, "z or hksj"},
    {"level", 1, 0, "confidence level in percent"},
    {"by", 1, 0, "attribute to form subgroups by (of the results, else of the treatment arms)"},
    {"totals", 1, 0,
     "with by: both (subgroup and overall totals, the default) or subgroups (subgroup totals "
     "only, weights within each subgroup, as RevMan's \"subgroup totals only\")"},
    {"leave-one-out", 0, 0, "one analysis per omitted trial"},
    {"cumulative", 0, 0, "trials added one by one (by year when present)"},
    {"convention", 1, 0, "metafor (default), revman5 or r-meta: whose formulas the numbers follow"},
    {"prediction", 0, 0, "prediction interval of a random-effects result: true or false"},
    {"bias", 0, 0, "small-study tests (Egger, regression, Begg) and trim-and-fill"},
    {"trimfill", 0, 0, "trim-and-fill: the filled trials and the adjusted estimate"},
    {"estimator", 1, 0, "trim-and-fill's estimator of the missing trials: L0 (default) or R0"},
    {"influence", 0, 0, "influence diagnostics of each trial (metafor's influence())"},
    {"mods", 1, 1, "moderators of a meta-regression: trial attributes ATTR[,ATTR...]"},
    {NULL, 0, 0, NULL},
};

static const char valid_measures[] = "use MD, SMD or ROM for a continuous outcome, RR, OR or RD "
                                     "for a binary one, HR for hazard ratios, GIV for generic "
                                     "estimates";

const struct meta_analysis_option *meta_analysis_option_find(const char *name)
{
    for (const struct meta_analysis_option *o = meta_analysis_options; o->name; o++)
        if (strcmp(o->name, name) == 0)
            return o;
    return NULL;
}

void meta_request_error_init(struct meta_request_error *e, meta_key_spelling spell)
{
    e->spell = spell;
    e->key = NULL;
    meta_error_clear(&e->err);
}

const char *analysis_key_word(const struct meta_request_error *e, const char *key, char *buf,
                              size_t size)
{
    if (e && e->spell)
        e->spell(buf, size, key);
    else
        snprintf(buf, size, "%s", key);
    return buf;
}

int analysis_key_error(struct meta_request_error *e, int status, const char *key, const char *fmt,
                       ...)
{
    if (!e)
        return status;
    const struct meta_analysis_option *o = key ? meta_analysis_option_find(key) : NULL;
    e->key = o ? o->name : NULL;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->err.msg, sizeof e->err.msg, fmt, ap);
    va_end(ap);
    return status;
}

void meta_analysis_request_init(struct meta_analysis_request *req)
{
    memset(req, 0, sizeof *req);
    meta_options_init(&req->opts);
}

static void free_list(char **list, size_t count)
{
    for (size_t i = 0; i < count; i++)
        free(list[i]);
    free(list);
}

void meta_analysis_request_release(struct meta_analysis_request *req)
{
    if (!req)
        return;
    free(req->outcome);
    free(req->timepoint);
    free_list(req->treatments, req->n_treatments);
    free_list(req->controls, req->n_controls);
    free(req->by);
    free_list(req->mods, req->n_mods);
    meta_analysis_request_init(req);
}

static int set_string(char **slot, const char *value, struct meta_request_error *e)
{
    char *copy = strdup(value);
    if (!copy)
        return analysis_key_error(e, META_ENOMEM, NULL, "out of memory");
    free(*slot);
    *slot = copy;
    return META_OK;
}

/* Appends the names of a comma-separated list to *list, skipping repeats.
 * "\," is a literal comma; spaces around names are dropped. */
static int add_list(const char *key, const char *value, char ***list, size_t *count,
                    struct meta_request_error *e)
{
    size_t len = strlen(value);
    char *name = malloc(len + 1);
    char word[64];
    if (!name)
        return analysis_key_error(e, META_ENOMEM, NULL, "out of memory");
    int ret = META_OK;
    const char *p = value;
    for (;;) {
        size_t n = 0;
        while (*p && *p != ',') {
            if (*p == '\\' && p[1] == ',')
                p++;
            name[n++] = *p++;
        }
        name[n] = '\0';
        char *start = name;
        while (*start == ' ' || *start == '\t')
            start++;
        while (n > 0 && (name[n - 1] == ' ' || name[n - 1] == '\t') && &name[n - 1] >= start)
            name[--n] = '\0';
        if (!*start) {
            ret = analysis_key_error(e, META_EINVAL, key, "%s '%s' has an empty name",
                                     analysis_key_word(e, key, word, sizeof word), value);
            goto cleanup;
        }
        int seen = 0;
        for (size_t i = 0; i < *count && !seen; i++)
            seen = strcmp((*list)[i], start) == 0;
        if (!seen) {
            char **grown = realloc(*list, (*count + 1) * sizeof *grown);
            if (!grown || !(grown[*count] = strdup(start))) {
                if (grown)
                    *list = grown;
                ret = analysis_key_error(e, META_ENOMEM, NULL, "out of memory");
                goto cleanup;
            }
            *list = grown;
            (*count)++;
        }
        if (!*p)
            break;
        p++;
    }
cleanup:
    free(name);
    return ret;
}

int meta_flag_parse(const char *value, int *out)
{
    if (!value || strcmp(value, "1") == 0 || strcasecmp(value, "true") == 0 ||
        strcasecmp(value, "yes") == 0) {
        *out = 1;
        return META_OK;
    }
    if (strcmp(value, "0") == 0 || strcasecmp(value, "false") == 0 ||
        strcasecmp(value, "no") == 0) {
        *out = 0;
        return META_OK;
    }
    return META_EINVAL;
}

static int parse_flag(const char *key, const char *value, int *out, struct meta_request_error *e)
{
    char word[64];
    if (meta_flag_parse(value, out) == META_OK)
        return META_OK;
    return analysis_key_error(e, META_EINVAL, key, "%s takes no value or true/false, got '%s'",
                              analysis_key_word(e, key, word, sizeof word), value);
}

static int parse_level(const char *value, double *out, struct meta_request_error *e)
{
    char word[64];
    analysis_key_word(e, "level", word, sizeof word);
    char *end;
    double level = strtod(value, &end);
    if (end == value || *end != '\0' || !isfinite(level))
        return analysis_key_error(e, META_EINVAL, "level",
                                  "%s must be a number between 0 and 100 (percent), got '%s'", word,
                                  value);
    if (!(level > 0.0 && level < 100.0))
        return analysis_key_error(e, META_EINVAL, "level",
                                  "%s must be between 0 and 100 (percent, e.g. 95), got '%s'", word,
                                  value);
    if (level < 1.0)
        return analysis_key_error(e, META_EINVAL, "level",
                                  "%s is a percentage: did you mean %g? got '%s'", word,
                                  level * 100.0, value);
    *out = level;
    return META_OK;
}

const char *meta_analysis_totals_name(enum meta_analysis_totals totals)
{
    return totals == META_TOTALS_SUBGROUPS ? "subgroups" : "both";
}

/* RevMan's third choice, no totals at all, is not offered: every output of
 * meta is built around pooled results, and the per-study rows it would
 * leave are those of any analysis. */
static int parse_totals(const char *value, enum meta_analysis_totals *out,
                        struct meta_request_error *e)
{
    char word[64];
    analysis_key_word(e, "totals", word, sizeof word);
    if (strcasecmp(value, "both") == 0 || strcasecmp(value, "subgroups") == 0) {
        *out = strcasecmp(value, "both") == 0 ? META_TOTALS_BOTH : META_TOTALS_SUBGROUPS;
        return META_OK;
    }
    if (strcasecmp(value, "none") == 0)
        return analysis_key_error(e, META_EINVAL, "totals",
                                  "%s 'none' (study rows without any total) is not offered: use "
                                  "both or subgroups",
                                  word);
    return analysis_key_error(e, META_EINVAL, "totals",
                              "unknown %s '%s' (use both, or subgroups for subgroup totals only)",
                              word, value);
}

int meta_analysis_request_set(struct meta_analysis_request *req, const char *name,
                              const char *value, struct meta_request_error *e)
{
    char word[64];
    const struct meta_analysis_option *o = meta_analysis_option_find(name);
    if (!o)
        return analysis_key_error(e, META_EINVAL, NULL, "unknown option '%s'",
                                  analysis_key_word(e, name, word, sizeof word));
    analysis_key_word(e, o->name, word, sizeof word);
    if (o->takes_value && !value)
        return analysis_key_error(e, META_EINVAL, o->name, "%s needs a value", word);
    if (strcmp(name, "outcome") == 0) {
        if (!*value)
            return analysis_key_error(e, META_EINVAL, o->name, "%s needs a name", word);
        return set_string(&req->outcome, value, e);
    }
    if (strcmp(name, "timepoint") == 0)
        return set_string(&req->timepoint, value, e);
    if (strcmp(name, "treatment") == 0)
        return add_list(o->name, value, &req->treatments, &req->n_treatments, e);
    if (strcmp(name, "control") == 0)
        return add_list(o->name, value, &req->controls, &req->n_controls, e);
    if (strcmp(name, "measure") == 0) {
        if (meta_measure_parse(value, &req->opts.measure) != META_OK)
            return analysis_key_error(e, META_EINVAL, o->name, "unknown measure '%s' (%s)", value,
                                      valid_measures);
        req->given |= META_GIVEN_MEASURE;
        return META_OK;
    }
    if (strcmp(name, "model") == 0) {
        if (meta_model_parse(value, &req->opts.model) != META_OK)
            return analysis_key_error(e, META_EINVAL, o->name,
                                      "unknown model '%s' (use common or random)", value);
        req->given |= META_GIVEN_MODEL;
        return META_OK;
    }
    if (strcmp(name, "method") == 0) {
        if (meta_method_parse(value, &req->opts.method) != META_OK)
            return analysis_key_error(e, META_EINVAL, o->name,
                                      "unknown method '%s' (common: %s; random: %s)", value,
                                      ANALYSIS_COMMON_METHODS, ANALYSIS_RANDOM_METHODS);
        req->given |= META_GIVEN_METHOD;
        return META_OK;
    }
    if (strcmp(name, "ci") == 0) {
        if (meta_ci_parse(value, &req->opts.ci) != META_OK)
            return analysis_key_error(e, META_EINVAL, o->name, "unknown ci '%s' (use z or hksj)",
                                      value);
        req->given |= META_GIVEN_CI;
        return META_OK;
    }
    if (strcmp(name, "level") == 0) {
        int ret = parse_level(value, &req->opts.level, e);
        if (ret == META_OK)
            req->given |= META_GIVEN_LEVEL;
        return ret;
    }
    if (strcmp(name, "by") == 0) {
        if (!*value)
            return analysis_key_error(e, META_EINVAL, o->name, "%s needs an attribute name", word);
        return set_string(&req->by, value, e);
    }
    if (strcmp(name, "totals") == 0)
        return parse_totals(value, &req->totals, e);
    if (strcmp(name, "leave-one-out") == 0)
        return parse_flag(o->name, value, &req->leave_one_out, e);
    if (strcmp(name, "bias") == 0)
        return parse_flag(o->name, value, &req->bias, e);
    if (strcmp(name, "trimfill") == 0)
        return parse_flag(o->name, value, &req->trimfill, e);
    if (strcmp(name, "influence") == 0)
        return parse_flag(o->name, value, &req->influence, e);
    if (strcmp(name, "mods") == 0)
        return add_list(o->name, value, &req->mods, &req->n_mods, e);
    if (strcmp(name, "estimator") == 0) {
        if (meta_tf_estimator_parse(value, &req->estimator) != META_OK)
            return analysis_key_error(e, META_EINVAL, o->name,
                                      "unknown estimator '%s' (use L0 or R0)", value);
        req->given |= META_GIVEN_ESTIMATOR;
        return META_OK;
    }
    if (strcmp(name, "convention") == 0) {
        if (meta_convention_parse(value, &req->opts.convention) != META_OK)
            return analysis_key_error(e, META_EINVAL, o->name,
                                      "unknown convention '%s' (use metafor, revman5 or r-meta)",
                                      value);
        return META_OK;
    }
    if (strcmp(name, "prediction") == 0) {
        int on = 0;
        int ret = parse_flag(o->name, value, &on, e);
        if (ret == META_OK)
            req->opts.prediction = on ? META_PREDICTION_ON : META_PREDICTION_OFF;
        return ret;
    }
    /* The only key left in the table. */
    return parse_flag(o->name, value, &req->cumulative, e);
}
