/*
 * Names of measures, models, methods and interval types, and their parsing:
 * the vocabulary shared by the command line, the JSON output and the
 * analysis files. Also the small predicates and option defaults and checks.
 */
#include "meta_stats.h"

#include <math.h>
#include <strings.h>

static const char *const measure_names[] = {"MD", "SMD", "ROM", "RR", "OR", "RD", "HR", "GIV"};
static const char *const model_names[] = {"common", "random"};
static const char *const method_names[] = {"IV", "MH", "PETO", "DL", "REML", "ML",
                                           "PM", "HE", "HS",   "SJ", "EB"};
static const char *const ci_names[] = {"z", "hksj"};
static const char *const convention_names[] = {"metafor", "revman5", "r-meta"};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Index of name in table (case-insensitive), or -1. */
static int lookup(const char *const *table, size_t count, const char *name)
{
    if (!name)
        return -1;
    for (size_t i = 0; i < count; i++)
        if (strcasecmp(table[i], name) == 0)
            return (int)i;
    return -1;
}

const char *meta_measure_name(enum meta_measure measure)
{
    return (unsigned)measure < COUNT(measure_names) ? measure_names[measure] : "?";
}

int meta_measure_parse(const char *name, enum meta_measure *out)
{
    int i = lookup(measure_names, COUNT(measure_names), name);
    if (i < 0 || !out)
        return META_EINVAL;
    *out = (enum meta_measure)i;
    return META_OK;
}

const char *meta_model_name(enum meta_model model)
{
    return (unsigned)model < COUNT(model_names) ? model_names[model] : "?";
}

int meta_model_parse(const char *name, enum meta_model *out)
{
    int i = lookup(model_names, COUNT(model_names), name);
    if (i < 0 && name && strcasecmp(name, "fixed") == 0)
        i = META_MODEL_COMMON;
    if (i < 0 || !out)
        return META_EINVAL;
    *out = (enum meta_model)i;
    return META_OK;
}

const char *meta_method_name(enum meta_method method)
{
    return (unsigned)method < COUNT(method_names) ? method_names[method] : "?";
}

int meta_method_parse(const char *name, enum meta_method *out)
{
    int i = lookup(method_names, COUNT(method_names), name);
    if (i < 0 || !out)
        return META_EINVAL;
    *out = (enum meta_method)i;
    return META_OK;
}

const char *meta_ci_name(enum meta_ci ci)
{
    return (unsigned)ci < COUNT(ci_names) ? ci_names[ci] : "?";
}

int meta_ci_parse(const char *name, enum meta_ci *out)
{
    int i = lookup(ci_names, COUNT(ci_names), name);
    if (i < 0 && name && strcasecmp(name, "knha") == 0)
        i = META_CI_HKSJ;
    if (i < 0 || !out)
        return META_EINVAL;
    *out = (enum meta_ci)i;
    return META_OK;
}

const char *meta_convention_name(enum meta_convention convention)
{
    return (unsigned)convention < COUNT(convention_names) ? convention_names[convention] : "?";
}

int meta_convention_parse(const char *name, enum meta_convention *out)
{
    int i = lookup(convention_names, COUNT(convention_names), name);
    if (i < 0 && name && strcasecmp(name, "rmeta") == 0)
        i = META_CONVENTION_RMETA;
    if (i < 0 && name && strcasecmp(name, "revman") == 0)
        i = META_CONVENTION_REVMAN5;
    if (i < 0 || !out)
        return META_EINVAL;
    *out = (enum meta_convention)i;
    return META_OK;
}

int meta_measure_is_binary(enum meta_measure measure)
{
    return measure == META_RR || measure == META_OR || measure == META_RD;
}

int meta_measure_is_ratio(enum meta_measure measure)
{
    return measure == META_RR || measure == META_OR || measure == META_ROM || measure == META_HR;
}

int meta_measure_is_estimate_only(enum meta_measure measure)
{
    return measure == META_HR || measure == META_GIV;
}

int meta_method_is_random(enum meta_method method)
{
    return method >= META_METHOD_DL && method <= META_METHOD_EB;
}

void meta_options_init(struct meta_options *opts)
{
    if (!opts)
        return;
    opts->measure = META_MD;
    opts->model = META_MODEL_RANDOM;
    opts->method = META_METHOD_REML;
    opts->ci = META_CI_Z;
    opts->level = 95.0;
    opts->tol = 1e-12;
    opts->max_iter = 1000;
    opts->convention = META_CONVENTION_METAFOR;
    opts->prediction = META_PREDICTION_DEFAULT;
}

/* The model/method pairs a convention allows (see meta_options_check()). */
static int check_model_method(const struct meta_options *opts, struct meta_error *err)
{
    enum meta_method m = opts->method;
    const char *conv = meta_convention_name(opts->convention);
    if (opts->model == META_MODEL_RANDOM) {
        if (m == META_METHOD_MH && opts->convention != META_CONVENTION_METAFOR)
            return META_OK; /* DerSimonian-Laird around the MH estimate */
        if (!meta_method_is_random(m))
            return meta_error_set(err, META_EINVAL,
                                  "method '%s' is not a random-effects method (use one of DL, "
                                  "REML, ML, PM, HE, HS, SJ, EB%s)",
                                  meta_method_name(m),
                                  opts->convention == META_CONVENTION_METAFOR ? "" : ", MH");
        if (opts->convention == META_CONVENTION_REVMAN5 && m != META_METHOD_DL &&
            m != META_METHOD_REML)
            return meta_error_set(err, META_EINVAL,
                                  "method '%s' is not a random-effects method of convention '%s' "
                                  "(use DL, REML or MH)",
                                  meta_method_name(m), conv);
    } else if (opts->model == META_MODEL_COMMON) {
        if (meta_method_is_random(m))
            return meta_error_set(err, META_EINVAL,
                                  "method '%s' needs the random model (common: IV, MH, PETO)",
                                  meta_method_name(m));
    } else {
        return meta_error_set(err, META_EINVAL, "unknown model %d", (int)opts->model);
    }
    return META_OK;
}

int meta_options_check(const struct meta_options *opts, struct meta_error *err)
{
    if (!opts)
        return meta_error_set(err, META_EINVAL, "no options given");
    if ((unsigned)opts->measure >= COUNT(measure_names))
        return meta_error_set(err, META_EINVAL, "unknown measure %d", (int)opts->measure);
    if ((unsigned)opts->method >= COUNT(method_names))
        return meta_error_set(err, META_EINVAL, "unknown method %d", (int)opts->method);
    if ((unsigned)opts->ci >= COUNT(ci_names))
        return meta_error_set(err, META_EINVAL, "unknown ci type %d", (int)opts->ci);
    if ((unsigned)opts->convention >= COUNT(convention_names))
        return meta_error_set(err, META_EINVAL, "unknown convention %d", (int)opts->convention);
    if ((unsigned)opts->prediction > META_PREDICTION_OFF)
        return meta_error_set(err, META_EINVAL, "unknown prediction setting %d",
                              (int)opts->prediction);
    int ret = check_model_method(opts, err);
    if (ret != META_OK)
        return ret;
    if (opts->method == META_METHOD_MH && !meta_measure_is_binary(opts->measure))
        return meta_error_set(err, META_EINVAL, "method 'MH' needs measure RR, OR or RD, not '%s'",
                              meta_measure_name(opts->measure));
    if (opts->method == META_METHOD_PETO && opts->measure != META_OR)
        return meta_error_set(err, META_EINVAL, "method 'PETO' needs measure OR, not '%s'",
                              meta_measure_name(opts->measure));
    if (opts->ci == META_CI_HKSJ &&
        (opts->method == META_METHOD_MH || opts->method == META_METHOD_PETO))
        return meta_error_set(err, META_EINVAL, "ci 'hksj' is not available with method '%s'",
                              meta_method_name(opts->method));
    if (!(opts->level > 0.0 && opts->level < 100.0))
        return meta_error_set(err, META_EINVAL, "level must be between 0 and 100, got %g",
                              opts->level);
    if (!(opts->tol > 0.0) || !isfinite(opts->tol))
        return meta_error_set(err, META_EINVAL, "tol must be > 0, got %g", opts->tol);
    if (opts->max_iter < 1)
        return meta_error_set(err, META_EINVAL, "max_iter must be >= 1, got %d", opts->max_iter);
    return META_OK;
}
