/*
 * The selection and pooling options of an analysis (see analysis.h): one
 * table of options shared by the command line and analysis files, their
 * values checked as they are set, and the defaults that depend on the
 * outcome type resolved once it is known.
 */
#include "analysis.h"
#include "close_match.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const struct meta_analysis_option meta_analysis_options[] = {
    {"outcome", 1, "outcome name (required)"},
    {"timepoint", 1, "time point; defaults to the outcome's only one"},
    {"treatment", 1, "treatment list A[,A2...] (required)"},
    {"control", 1, "control list B[,B2...] (required)"},
    {"measure", 1, "MD, SMD, ROM (continuous); RR, OR, RD (binary)"},
    {"model", 1, "common or random"},
    {"method", 1, "common: IV, MH, PETO; random: DL, REML, ML, PM, HE, HS, SJ, EB"},
    {"ci", 1, "z or hksj"},
    {"level", 1, "confidence level in percent"},
    {"by", 1, "attribute of the treatment arms to form subgroups"},
    {"leave-one-out", 0, "one analysis per omitted trial"},
    {"cumulative", 0, "trials added one by one (by year when present)"},
    {"format", 1, "table, csv or json"},
    {"db", 1, "libpq connection string or URI of the registry"},
    {NULL, 0, NULL},
};

static const char valid_measures[] = "use MD, SMD or ROM for a continuous outcome, RR, OR or RD "
                                     "for a binary one";
static const char random_methods[] = "DL, REML, ML, PM, HE, HS, SJ, EB";
static const char common_methods[] = "IV, MH, PETO";

const struct meta_analysis_option *meta_analysis_option_find(const char *name)
{
    for (const struct meta_analysis_option *o = meta_analysis_options; o->name; o++)
        if (strcmp(o->name, name) == 0)
            return o;
    return NULL;
}

void meta_analysis_request_init(struct meta_analysis_request *req)
{
    memset(req, 0, sizeof *req);
    meta_options_init(&req->opts);
    req->format = META_FORMAT_TABLE;
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
    free(req->db);
    meta_analysis_request_init(req);
}

static int set_string(char **slot, const char *value, struct meta_error *err)
{
    char *copy = strdup(value);
    if (!copy)
        return meta_error_set(err, META_ENOMEM, "out of memory");
    free(*slot);
    *slot = copy;
    return META_OK;
}

/* Appends the names of a comma-separated list to *list, skipping repeats.
 * "\," is a literal comma; spaces around names are dropped. */
static int add_list(const char *option, const char *value, char ***list, size_t *count,
                    struct meta_error *err)
{
    size_t len = strlen(value);
    char *name = malloc(len + 1);
    if (!name)
        return meta_error_set(err, META_ENOMEM, "out of memory");
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
            ret = meta_error_set(err, META_EINVAL, "--%s '%s' has an empty name", option, value);
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
                ret = meta_error_set(err, META_ENOMEM, "out of memory");
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

static int parse_flag(const char *option, const char *value, int *out, struct meta_error *err)
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
    return meta_error_set(err, META_EINVAL, "--%s takes no value or true/false, got '%s'", option,
                          value);
}

static int parse_level(const char *value, double *out, struct meta_error *err)
{
    char *end;
    double level = strtod(value, &end);
    if (end == value || *end != '\0' || !isfinite(level))
        return meta_error_set(err, META_EINVAL,
                              "--level must be a number between 0 and 100 (percent), got '%s'",
                              value);
    if (!(level > 0.0 && level < 100.0))
        return meta_error_set(err, META_EINVAL,
                              "--level must be between 0 and 100 (percent, e.g. 95), got '%s'",
                              value);
    if (level < 1.0)
        return meta_error_set(err, META_EINVAL,
                              "--level is a percentage: did you mean %g? got '%s'", level * 100.0,
                              value);
    *out = level;
    return META_OK;
}

int meta_analysis_request_set(struct meta_analysis_request *req, const char *name,
                              const char *value, struct meta_error *err)
{
    const struct meta_analysis_option *o = meta_analysis_option_find(name);
    if (!o)
        return meta_error_set(err, META_EINVAL, "unknown option '--%s'", name);
    if (o->takes_value && !value)
        return meta_error_set(err, META_EINVAL, "--%s needs a value", name);
    if (strcmp(name, "outcome") == 0) {
        if (!*value)
            return meta_error_set(err, META_EINVAL, "--outcome needs a name");
        return set_string(&req->outcome, value, err);
    }
    if (strcmp(name, "timepoint") == 0)
        return set_string(&req->timepoint, value, err);
    if (strcmp(name, "treatment") == 0)
        return add_list(name, value, &req->treatments, &req->n_treatments, err);
    if (strcmp(name, "control") == 0)
        return add_list(name, value, &req->controls, &req->n_controls, err);
    if (strcmp(name, "measure") == 0) {
        if (meta_measure_parse(value, &req->opts.measure) != META_OK)
            return meta_error_set(err, META_EINVAL, "unknown measure '%s' (%s)", value,
                                  valid_measures);
        req->given |= META_GIVEN_MEASURE;
        return META_OK;
    }
    if (strcmp(name, "model") == 0) {
        if (meta_model_parse(value, &req->opts.model) != META_OK)
            return meta_error_set(err, META_EINVAL, "unknown model '%s' (use common or random)",
                                  value);
        req->given |= META_GIVEN_MODEL;
        return META_OK;
    }
    if (strcmp(name, "method") == 0) {
        if (meta_method_parse(value, &req->opts.method) != META_OK)
            return meta_error_set(err, META_EINVAL, "unknown method '%s' (common: %s; random: %s)",
                                  value, common_methods, random_methods);
        req->given |= META_GIVEN_METHOD;
        return META_OK;
    }
    if (strcmp(name, "ci") == 0) {
        if (meta_ci_parse(value, &req->opts.ci) != META_OK)
            return meta_error_set(err, META_EINVAL, "unknown ci '%s' (use z or hksj)", value);
        req->given |= META_GIVEN_CI;
        return META_OK;
    }
    if (strcmp(name, "level") == 0) {
        int ret = parse_level(value, &req->opts.level, err);
        if (ret == META_OK)
            req->given |= META_GIVEN_LEVEL;
        return ret;
    }
    if (strcmp(name, "by") == 0) {
        if (!*value)
            return meta_error_set(err, META_EINVAL, "--by needs an attribute name");
        return set_string(&req->by, value, err);
    }
    if (strcmp(name, "leave-one-out") == 0)
        return parse_flag(name, value, &req->leave_one_out, err);
    if (strcmp(name, "cumulative") == 0)
        return parse_flag(name, value, &req->cumulative, err);
    if (strcmp(name, "format") == 0) {
        if (strcmp(value, "table") == 0)
            req->format = META_FORMAT_TABLE;
        else if (strcmp(value, "csv") == 0)
            req->format = META_FORMAT_CSV;
        else if (strcmp(value, "json") == 0)
            req->format = META_FORMAT_JSON;
        else
            return meta_error_set(err, META_EINVAL, "unknown format '%s' (use table, csv or json)",
                                  value);
        return META_OK;
    }
    /* The only option left in the table. */
    return set_string(&req->db, value, err);
}

/* ---- The command line ----------------------------------------------------- */

static const struct meta_cli_extra *find_extra(const struct meta_cli_extra *extras,
                                               const char *name, char short_name)
{
    for (const struct meta_cli_extra *x = extras; x && x->name; x++)
        if ((name && strcmp(x->name, name) == 0) || (short_name && x->short_name == short_name))
            return x;
    return NULL;
}

/* "unknown option '--x'" with the close option names. */
static int unknown_option(const char *arg, const struct meta_cli_extra *extras,
                          struct meta_error *err)
{
    const char *names[64];
    size_t n = 0;
    for (const struct meta_analysis_option *o = meta_analysis_options; o->name && n < 64; o++)
        names[n++] = o->name;
    for (const struct meta_cli_extra *x = extras; x && x->name && n < 64; x++)
        names[n++] = x->name;
    char bare[256];
    snprintf(bare, sizeof bare, "%s", arg + strspn(arg, "-"));
    bare[strcspn(bare, "=")] = '\0';
    char matches[512];
    meta_close_matches(bare, names, n, matches, sizeof matches);
    if (matches[0])
        return meta_error_set(err, META_EINVAL, "unknown option '%s' (did you mean: %s?)", arg,
                              matches);
    return meta_error_set(err, META_EINVAL, "unknown option '%s'", arg);
}

int meta_analysis_parse_args(struct meta_analysis_request *req, int argc, char **argv,
                             const struct meta_cli_extra *extras, int *help, struct meta_error *err)
{
    *help = 0;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            *help = 1;
            return META_OK;
        }
        if (arg[0] != '-' || arg[1] == '\0' || strcmp(arg, "--") == 0)
            return meta_error_set(err, META_EINVAL, "unexpected argument '%s'", arg);
        char name[256];
        const char *value = NULL;
        const struct meta_cli_extra *extra = NULL;
        int takes_value;
        if (arg[1] != '-') {
            /* -o FILE or -oFILE: only a command's own short options. */
            if (!(extra = find_extra(extras, NULL, arg[1])))
                return unknown_option(arg, extras, err);
            snprintf(name, sizeof name, "%s", extra->name);
            if (arg[2])
                value = arg + 2;
            takes_value = extra->takes_value;
            if (!takes_value && value)
                return unknown_option(arg, extras, err);
        } else {
            const char *eq = strchr(arg + 2, '=');
            size_t len = eq ? (size_t)(eq - arg - 2) : strlen(arg + 2);
            if (len >= sizeof name)
                return unknown_option(arg, extras, err);
            memcpy(name, arg + 2, len);
            name[len] = '\0';
            value = eq ? eq + 1 : NULL;
            extra = find_extra(extras, name, 0);
            const struct meta_analysis_option *o = meta_analysis_option_find(name);
            if (!extra && !o)
                return unknown_option(arg, extras, err);
            takes_value = extra ? extra->takes_value : o->takes_value;
        }
        if (takes_value && !value) {
            if (i + 1 >= argc)
                return meta_error_set(err, META_EINVAL, "option '%s' needs a value", arg);
            value = argv[++i];
        }
        if (extra) {
            *extra->value = takes_value ? value : "1";
            continue;
        }
        int ret = meta_analysis_request_set(req, name, value, err);
        if (ret != META_OK)
            return ret;
    }
    return META_OK;
}

/* ---- Defaults and checks ---------------------------------------------------- */

int meta_analysis_resolve(const struct meta_analysis_request *req, int binary,
                          struct meta_options *opts, struct meta_error *err)
{
    if (!req->outcome)
        return meta_error_set(err, META_EINVAL, "missing --outcome NAME");
    if (req->n_treatments == 0)
        return meta_error_set(err, META_EINVAL, "missing --treatment A[,A2...]");
    if (req->n_controls == 0)
        return meta_error_set(err, META_EINVAL, "missing --control B[,B2...]");
    for (size_t i = 0; i < req->n_treatments; i++)
        for (size_t j = 0; j < req->n_controls; j++)
            if (strcmp(req->treatments[i], req->controls[j]) == 0)
                return meta_error_set(err, META_EINVAL,
                                      "'%s' is in both --treatment and --control: an arm can "
                                      "be on one side only",
                                      req->treatments[i]);
    *opts = req->opts;
    unsigned given = req->given;
    if ((given & META_GIVEN_METHOD) && !(given & META_GIVEN_MODEL))
        opts->model = meta_method_is_random(opts->method) ? META_MODEL_RANDOM : META_MODEL_COMMON;
    if (!(given & META_GIVEN_METHOD))
        opts->method = opts->model == META_MODEL_COMMON ? META_METHOD_IV : META_METHOD_REML;
    if ((given & META_GIVEN_MODEL) && (given & META_GIVEN_METHOD) &&
        meta_method_is_random(opts->method) != (opts->model == META_MODEL_RANDOM)) {
        if (opts->model == META_MODEL_RANDOM)
            return meta_error_set(err, META_EINVAL,
                                  "method '%s' does not go with --model random (random: %s; or "
                                  "--model common for %s)",
                                  meta_method_name(opts->method), random_methods, common_methods);
        return meta_error_set(err, META_EINVAL,
                              "method '%s' does not go with --model common (common: %s; or "
                              "--model random for %s)",
                              meta_method_name(opts->method), common_methods, random_methods);
    }
    int counts = opts->method == META_METHOD_MH || opts->method == META_METHOD_PETO;
    if (binary == 0 && counts)
        return meta_error_set(err, META_EINVAL,
                              "outcome '%s' is continuous: method '%s' needs a binary outcome "
                              "(use IV, or the random model with %s)",
                              req->outcome, meta_method_name(opts->method), random_methods);
    if (given & META_GIVEN_MEASURE) {
        int is_bin = meta_measure_is_binary(opts->measure);
        if (binary >= 0 && is_bin != binary)
            return meta_error_set(
                err, META_EINVAL, "outcome '%s' is %s: measure '%s' does not apply (use %s)",
                req->outcome, binary ? "binary" : "continuous", meta_measure_name(opts->measure),
                binary ? "RR, OR or RD" : "MD, SMD or ROM");
    } else if (opts->method == META_METHOD_PETO) {
        opts->measure = META_OR;
    } else if (binary == 1 || opts->method == META_METHOD_MH) {
        opts->measure = META_RR;
    } else {
        opts->measure = META_MD; /* the continuous default, or a neutral stand-in */
    }
    if (opts->method == META_METHOD_PETO && opts->measure != META_OR)
        return meta_error_set(err, META_EINVAL,
                              "method 'PETO' needs measure OR, not '%s' (Peto pools odds ratios; "
                              "for %s use --method MH or IV)",
                              meta_measure_name(opts->measure), meta_measure_name(opts->measure));
    if (opts->ci == META_CI_HKSJ && counts)
        return meta_error_set(err, META_EINVAL,
                              "ci 'hksj' is not available with method '%s' (use --ci z, or "
                              "--method IV or a random-effects method)",
                              meta_method_name(opts->method));
    return meta_options_check(opts, err);
}
