/*
 * The defaults of a request that depend on each other and on the outcome
 * type (see meta_analysis_resolve), and the checks that options fit
 * together. Each failure names the key at fault.
 */
#include "analysis_internal.h"

#include <string.h>

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
 * Hartung-Knapp, which needs inverse-variance weights. */
static enum meta_method default_method(const struct meta_options *opts, int binary)
{
    if (opts->convention == META_CONVENTION_RMETA && binary == 1 && opts->ci != META_CI_HKSJ)
        return META_METHOD_MH;
    if (opts->model == META_MODEL_COMMON)
        return META_METHOD_IV;
    return opts->convention == META_CONVENTION_REVMAN5 ? META_METHOD_DL : META_METHOD_REML;
}

int meta_analysis_resolve(const struct meta_analysis_request *req, int binary,
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
    /* The outcome type as far as it is known: from the data, else from an
     * explicit measure. */
    int kind = binary;
    if (kind < 0 && (given & META_GIVEN_MEASURE))
        kind = meta_measure_is_binary(opts->measure);
    if ((given & META_GIVEN_METHOD) && !(given & META_GIVEN_MODEL))
        opts->model = meta_method_is_random(opts->method) ? META_MODEL_RANDOM : META_MODEL_COMMON;
    if (!(given & META_GIVEN_METHOD))
        opts->method = default_method(opts, kind);
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
    int counts = opts->method == META_METHOD_MH || opts->method == META_METHOD_PETO;
    if (binary == 0 && counts)
        return analysis_key_error(e, META_EINVAL, "method",
                                  "outcome '%s' is continuous: method '%s' needs a binary outcome "
                                  "(use IV, or the random model with %s)",
                                  req->outcome, meta_method_name(opts->method),
                                  ANALYSIS_RANDOM_METHODS);
    if (given & META_GIVEN_MEASURE) {
        int is_bin = meta_measure_is_binary(opts->measure);
        if (binary >= 0 && is_bin != binary)
            return analysis_key_error(e, META_EINVAL, "measure",
                                      "outcome '%s' is %s: measure '%s' does not apply (use %s)",
                                      req->outcome, binary ? "binary" : "continuous",
                                      meta_measure_name(opts->measure),
                                      binary ? "RR, OR or RD" : "MD, SMD or ROM");
    } else if (opts->method == META_METHOD_PETO) {
        opts->measure = META_OR;
    } else if (binary == 1 || opts->method == META_METHOD_MH) {
        opts->measure = META_RR;
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
    if (opts->ci == META_CI_HKSJ && counts)
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
    if (opts->prediction == META_PREDICTION_ON && opts->model == META_MODEL_COMMON)
        return analysis_key_error(e, META_EINVAL, "prediction",
                                  "%s needs the random model: a common-effect analysis has no "
                                  "prediction interval (use %s random)",
                                  analysis_key_word(e, "prediction", w3, sizeof w3), w1);
    return META_OK;
}
