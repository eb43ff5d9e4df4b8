/*
 * The defaults of a request that depend on each other and on the outcome
 * (its kind, and the measure of its estimate rows when the selection has no
 * arms; see meta_analysis_resolve and meta_analysis_resolve_selection), and
 * the checks that options fit together. Each failure names the key at
 * fault.
 */
#include "analysis_internal.h"

#include <stdio.h>
#include <string.h>

/* What resolution knows of the data. */
struct facts {
    int kind;           /* enum meta_select_kind, or -1 while the data are unknown */
    int counts;         /* 0 when the selection holds no arm rows (nothing for MH) */
    const char *shared; /* estimate rows only: the measure they all have, else NULL */
    char several[512];  /* estimate rows only, of several measures: their list, else "" */
    int default_among;  /* several measures, the kind's default (RR, MD) one of them */
};

/* The key a lib/stats option check is about. */
static const char *checked_key(const struct meta_options *opts)
{
    if (opts->ci == META_CI_HKSJ &&
        (opts->method == META_METHOD_MH || opts->method == META_METHOD_PETO))
        return "ci";
    return "method";
}

/* The random-effects methods a convention offers, for messages. */
static const char *random_methods(enum meta_convention convention)
{
    switch (convention) {
    case META_CONVENTION_REVMAN5:
        return ANALYSIS_REVMAN5_RANDOM_METHODS;
    case META_CONVENTION_RMETA:
        return ANALYSIS_RMETA_RANDOM_METHODS;
    default:
        return ANALYSIS_RANDOM_METHODS;
    }
}

/* Whether method belongs to model under the convention: IV, MH and PETO to
 * the common model; the tau^2 estimators to the random one (under revman5
 * only DL and REML, which RevMan offers), and MH too under revman5 and
 * r-meta (DerSimonian-Laird around the Mantel-Haenszel estimate). */
static int fits_model(enum meta_method method, enum meta_model model,
                      enum meta_convention convention)
{
    if (model == META_MODEL_COMMON)
        return !meta_method_is_random(method);
    if (method == META_METHOD_MH)
        return convention != META_CONVENTION_METAFOR;
    if (convention == META_CONVENTION_REVMAN5)
        return method == META_METHOD_DL || method == META_METHOD_REML;
    return meta_method_is_random(method);
}

/* The method when none is given: IV under the common model, the
 * convention's estimator under the random one (metafor and R meta: REML;
 * RevMan: DerSimonian-Laird); R meta pools binary outcomes by
 * Mantel-Haenszel under both models (metabin's default), except with
 * Hartung-Knapp, and for influence diagnostics, meta-regression and
 * trim-and-fill (needs_iv), which need inverse-variance weights. */
static enum meta_method default_method(const struct meta_options *opts, int binary, int needs_iv)
{
    if (opts->convention == META_CONVENTION_RMETA && binary == 1 && opts->ci != META_CI_HKSJ &&
        !needs_iv)
        return META_METHOD_MH;
    if (opts->model == META_MODEL_COMMON)
        return META_METHOD_IV;
    return opts->convention == META_CONVENTION_REVMAN5 ? META_METHOD_DL : META_METHOD_REML;
}

/* Whether an explicit measure fits an outcome of kind. */
static int measure_fits(enum meta_measure measure, int kind)
{
    switch (kind) {
    case META_KIND_BINARY:
        return meta_measure_is_binary(measure);
    case META_KIND_CONTINUOUS:
        return !meta_measure_is_binary(measure) && !meta_measure_is_estimate_only(measure);
    case META_KIND_TIME_TO_EVENT:
        return measure == META_HR;
    case META_KIND_GENERIC:
        return measure == META_GIV;
    default:
        return 1;
    }
}

/* The error for an explicit measure that does not fit the outcome's kind. */
static int measure_mismatch(const struct meta_analysis_request *req, int kind,
                            enum meta_measure measure, struct meta_request_error *e)
{
    static const char *const what[] = {
        [META_KIND_CONTINUOUS] = "is continuous",
        [META_KIND_BINARY] = "is binary",
        [META_KIND_TIME_TO_EVENT] = "is time-to-event (it holds hazard ratios)",
        [META_KIND_GENERIC] = "holds generic inverse-variance estimates",
    };
    static const char *const use[] = {
        [META_KIND_CONTINUOUS] = "MD, SMD or ROM",
        [META_KIND_BINARY] = "RR, OR or RD",
        [META_KIND_TIME_TO_EVENT] = "HR",
        [META_KIND_GENERIC] = "GIV",
    };
    return analysis_key_error(e, META_EINVAL, "measure",
                              "outcome '%s' %s: measure '%s' does not apply (use %s)", req->outcome,
                              what[kind], meta_measure_name(measure), use[kind]);
}

/* Subgroup totals only need subgroups, and leave nothing for what analyses
 * the overall total (leave-one-out, cumulative, small-study tests,
 * trim-and-fill, influence, meta-regression). */
static int check_totals(const struct meta_analysis_request *req, struct meta_request_error *e)
{
    if (req->totals != META_TOTALS_SUBGROUPS)
        return META_OK;
    char w1[64], w2[64];
    analysis_key_word(e, "totals", w1, sizeof w1);
    if (!req->by)
        return analysis_key_error(e, META_EINVAL, "totals",
                                  "%s subgroups needs subgroups: add %s ATTR (without subgroups "
                                  "the only total is the overall one)",
                                  w1, analysis_key_word(e, "by", w2, sizeof w2));
    static const char *const keys[] = {"leave-one-out", "cumulative", "bias",
                                       "trimfill",      "influence",  "mods"};
    int asked[] = {req->leave_one_out, req->cumulative, req->bias,
                   req->trimfill,      req->influence,  req->n_mods > 0};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (asked[i])
            return analysis_key_error(e, META_EINVAL, "totals",
                                      "%s analyses the overall total, which %s subgroups does "
                                      "not compute (use %s both)",
                                      analysis_key_word(e, keys[i], w2, sizeof w2), w1, w1);
    return META_OK;
}

static int resolve(const struct meta_analysis_request *req, const struct facts *facts,
                   struct meta_options *opts, struct meta_request_error *e)
{
    char w1[64], w2[64], w3[64];
    if (!req->outcome)
        return analysis_key_error(e, META_EINVAL, "outcome", "missing %s NAME",
                                  analysis_key_word(e, "outcome", w1, sizeof w1));
    if (req->n_treatments == 0)
        return analysis_key_error(e, META_EINVAL, "treatment", "missing %s A[,A2...]",
                                  analysis_key_word(e, "treatment", w1, sizeof w1));
    if (req->n_controls == 0)
        return analysis_key_error(e, META_EINVAL, "control", "missing %s B[,B2...]",
                                  analysis_key_word(e, "control", w1, sizeof w1));
    for (size_t i = 0; i < req->n_treatments; i++)
        for (size_t j = 0; j < req->n_controls; j++)
            if (strcmp(req->treatments[i], req->controls[j]) == 0)
                return analysis_key_error(
                    e, META_EINVAL, "control",
                    "'%s' is in both %s and %s: an arm can be on one side only", req->treatments[i],
                    analysis_key_word(e, "treatment", w1, sizeof w1),
                    analysis_key_word(e, "control", w2, sizeof w2));
    *opts = req->opts;
    unsigned given = req->given;
    enum meta_convention conv = opts->convention;
    int kind = facts->kind;
    int binary = kind < 0 ? -1 : kind == META_KIND_BINARY;
    /* Whether the data are binary counts as far as it is known: from the
     * data (estimate rows alone are not), else from an explicit measure. */
    int binary_counts = facts->counts ? binary : 0;
    if (binary_counts < 0 && (given & META_GIVEN_MEASURE))
        binary_counts = meta_measure_is_binary(opts->measure);
    if ((given & META_GIVEN_METHOD) && !(given & META_GIVEN_MODEL))
        opts->model = meta_method_is_random(opts->method) ? META_MODEL_RANDOM : META_MODEL_COMMON;
    /* what needs inverse-variance weights, and the key that asks for it */
    const char *iv_key = req->influence  ? "influence"
                         : req->n_mods   ? "mods"
                         : req->trimfill ? "trimfill"
                                         : NULL;
    if (!(given & META_GIVEN_METHOD))
        opts->method = default_method(opts, binary_counts, iv_key != NULL);
    analysis_key_word(e, "model", w1, sizeof w1);
    if (!fits_model(opts->method, opts->model, conv)) {
        if (opts->model == META_MODEL_RANDOM && meta_method_is_random(opts->method))
            return analysis_key_error(e, META_EINVAL, "method",
                                      "method '%s' is not offered by %s %s (random: %s; or %s "
                                      "metafor or r-meta for %s)",
                                      meta_method_name(opts->method),
                                      analysis_key_word(e, "convention", w2, sizeof w2),
                                      meta_convention_name(conv), random_methods(conv), w2,
                                      meta_method_name(opts->method));
        if (opts->model == META_MODEL_RANDOM)
            return analysis_key_error(e, META_EINVAL, "method",
                                      "method '%s' does not go with %s random (random: %s; or "
                                      "%s common for %s)",
                                      meta_method_name(opts->method), w1, random_methods(conv), w1,
                                      ANALYSIS_COMMON_METHODS);
        return analysis_key_error(e, META_EINVAL, "method",
                                  "method '%s' does not go with %s common (common: %s; or "
                                  "%s random for %s)",
                                  meta_method_name(opts->method), w1, ANALYSIS_COMMON_METHODS, w1,
                                  random_methods(conv));
    }
    int needs_counts = opts->method == META_METHOD_MH || opts->method == META_METHOD_PETO;
    if (iv_key && needs_counts) {
        static const char *const what[] = {"influence diagnostics", "a meta-regression",
                                           "trim-and-fill"};
        int i = req->influence ? 0 : req->n_mods ? 1 : 2;
        return analysis_key_error(e, META_EINVAL, "method",
                                  "%s needs an inverse-variance analysis, and metafor has none "
                                  "for method %s: use method IV or a random-effects method",
                                  what[i], meta_method_name(opts->method));
    }
    if (kind == META_KIND_CONTINUOUS && needs_counts)
        return analysis_key_error(e, META_EINVAL, "method",
                                  "outcome '%s' is continuous: method '%s' needs a binary outcome "
                                  "(use IV, or the random model with %s)",
                                  req->outcome, meta_method_name(opts->method),
                                  ANALYSIS_RANDOM_METHODS);
    if ((kind == META_KIND_TIME_TO_EVENT || kind == META_KIND_GENERIC) && needs_counts)
        return analysis_key_error(e, META_EINVAL, "method",
                                  "outcome '%s' holds study-level estimates only: method '%s' "
                                  "needs counts (use IV, or the random model with %s)",
                                  req->outcome, meta_method_name(opts->method),
                                  ANALYSIS_RANDOM_METHODS);
    if (given & META_GIVEN_MEASURE) {
        if (kind >= 0 && !measure_fits(opts->measure, kind))
            return measure_mismatch(req, kind, opts->measure, e);
    } else if (opts->method == META_METHOD_PETO) {
        opts->measure = META_OR;
    } else if (facts->shared && meta_measure_parse(facts->shared, &opts->measure) == META_OK) {
        /* the measure every estimate row of the selection has */
    } else if (facts->several[0] && !facts->default_among) {
        return analysis_key_error(e, META_EINVAL, NULL,
                                  "outcome '%s' has only estimate rows here, of several measures "
                                  "(%s): choose one with %s",
                                  req->outcome, facts->several,
                                  analysis_key_word(e, "measure", w3, sizeof w3));
    } else if (binary == 1 || opts->method == META_METHOD_MH) {
        opts->measure = META_RR;
    } else if (kind == META_KIND_TIME_TO_EVENT) {
        opts->measure = META_HR;
    } else if (kind == META_KIND_GENERIC) {
        opts->measure = META_GIV;
    } else {
        opts->measure = META_MD; /* the continuous default, or a neutral stand-in */
    }
    analysis_key_word(e, "method", w2, sizeof w2);
    analysis_key_word(e, "ci", w3, sizeof w3);
    if (opts->method == META_METHOD_PETO && opts->measure != META_OR)
        return analysis_key_error(e, META_EINVAL, "measure",
                                  "method 'PETO' needs measure OR, not '%s' (Peto pools odds "
                                  "ratios; for %s use %s MH or IV)",
                                  meta_measure_name(opts->measure),
                                  meta_measure_name(opts->measure), w2);
    if (opts->ci == META_CI_HKSJ && needs_counts)
        return analysis_key_error(e, META_EINVAL, "ci",
                                  "ci 'hksj' is not available with method '%s' (use %s z, or "
                                  "%s IV or a random-effects method)",
                                  meta_method_name(opts->method), w3, w2);
    struct meta_error check;
    meta_error_clear(&check);
    int ret = meta_options_check(opts, &check);
    if (ret != META_OK)
        return analysis_key_error(e, ret, checked_key(opts), "%s", check.msg);
    if ((given & META_GIVEN_ESTIMATOR) && !req->bias && !req->trimfill) {
        char k1[64], k2[64], k3[64];
        return analysis_key_error(e, META_EINVAL, "estimator",
                                  "%s is trim-and-fill's: add %s (or %s)",
                                  analysis_key_word(e, "estimator", k1, sizeof k1),
                                  analysis_key_word(e, "trimfill", k2, sizeof k2),
                                  analysis_key_word(e, "bias", k3, sizeof k3));
    }
    if ((ret = check_totals(req, e)) != META_OK)
        return ret;
    if (opts->prediction == META_PREDICTION_ON && opts->model == META_MODEL_COMMON)
        return analysis_key_error(e, META_EINVAL, "prediction",
                                  "%s needs the random model: a common-effect analysis has no "
                                  "prediction interval (use %s random)",
                                  analysis_key_word(e, "prediction", w3, sizeof w3), w1);
    return META_OK;
}

int meta_analysis_resolve(const struct meta_analysis_request *req, int binary,
                          struct meta_options *opts, struct meta_request_error *e)
{
    struct facts facts = {.kind = binary < 0    ? -1
                                  : binary == 0 ? META_KIND_CONTINUOUS
                                                : META_KIND_BINARY,
                          .counts = 1};
    return resolve(req, &facts, opts, e);
}

/* The measures of sel's estimate rows: *shared when they all have one, else
 * their list (distinct, in order of first appearance) in several, and
 * whether the default measure of the outcome's kind (RR binary, MD
 * continuous) is among them: it is then the one pooled, the others' trials
 * left out with the reason. */
static void estimate_measures(const struct meta_selection *sel, struct facts *facts)
{
    size_t used = 0;
    int distinct = 0;
    for (size_t i = 0; i < sel->n_estimates; i++) {
        const char *m = sel->estimates[i].measure;
        int seen = 0;
        for (size_t j = 0; j < i && !seen; j++)
            seen = strcmp(sel->estimates[j].measure, m) == 0;
        if (seen)
            continue;
        if (distinct++ == 0)
            facts->shared = m;
        if ((facts->kind == META_KIND_BINARY && strcmp(m, "RR") == 0) ||
            (facts->kind == META_KIND_CONTINUOUS && strcmp(m, "MD") == 0))
            facts->default_among = 1;
        if (used < sizeof facts->several) {
            int w = snprintf(facts->several + used, sizeof facts->several - used, "%s%s",
                             distinct > 1 ? ", " : "", m);
            used += w > 0 ? (size_t)w : 0;
        }
    }
    if (distinct > 1)
        facts->shared = NULL;
    else
        facts->several[0] = '\0';
}

enum meta_select_kind meta_analysis_kind(const struct meta_selection *sel)
{
    if (sel->binary)
        return META_KIND_BINARY;
    if (sel->kind == META_KIND_TIME_TO_EVENT || sel->kind == META_KIND_GENERIC)
        return sel->kind;
    return META_KIND_CONTINUOUS;
}

int meta_analysis_resolve_selection(const struct meta_analysis_request *req,
                                    const struct meta_selection *sel, struct meta_options *opts,
                                    struct meta_request_error *e)
{
    struct facts facts = {.kind = (int)meta_analysis_kind(sel), .counts = sel->count > 0};
    if (sel->count == 0 && sel->n_estimates > 0)
        estimate_measures(sel, &facts);
    return resolve(req, &facts, opts, e);
}
