/*
 * Small-study effects and influence diagnostics of an analysis (see
 * meta_analysis_bias and meta_analysis_influence): the studies with an
 * estimate, as the overall analysis computed them under its convention,
 * handed to lib/stats with the analysis's own options. Each failure names
 * the test, so that a user knows which one the data do not allow.
 */
#include "analysis_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void analysis_bias_release(struct meta_analysis_bias *b)
{
    if (!b)
        return;
    free(b->index);
    meta_trimfill_release(&b->trimfill);
    free(b->trimfill_missing);
    memset(b, 0, sizeof *b);
}

void analysis_influence_release(struct meta_analysis_influence *inf)
{
    if (!inf)
        return;
    free(inf->index);
    free(inf->row);
    memset(inf, 0, sizeof *inf);
}

/* The studies of an->overall with an estimate: their index, yi and vi
 * (arrays of an->contrasts.k entries, the first *k filled). */
static void estimable(const struct meta_analysis *an, size_t *index, double *yi, double *vi,
                      size_t *k)
{
    *k = 0;
    for (size_t i = 0; i < an->contrasts.k; i++) {
        const struct meta_study_result *s = &an->overall.studies[i];
        if (!(isfinite(s->yi) && isfinite(s->vi) && s->vi > 0))
            continue;
        index[*k] = i;
        yi[*k] = s->yi;
        vi[*k] = s->vi;
        (*k)++;
    }
}

int analysis_check_iv(const struct meta_options *opts, const char *what, struct meta_error *err)
{
    if (opts->method != META_METHOD_MH && opts->method != META_METHOD_PETO)
        return META_OK;
    return meta_error_set(err, META_EINVAL,
                          "%s needs an inverse-variance analysis, and metafor has none for "
                          "method %s: use method IV or a random-effects method",
                          what, meta_method_name(opts->method));
}

/* Sets err to lib/stats' message about `step` ("Egger's test"), naming the
 * step unless the message begins with `word` ("Egger's"), which already
 * does. */
static int step_error(struct meta_error *err, int status, const char *step, const char *word,
                      const char *msg)
{
    if (strncmp(msg, word, strlen(word)) == 0)
        return meta_error_set(err, status, "%s", msg);
    return meta_error_set(err, status, "%s: %s", step, msg);
}

static int the_tests(struct meta_analysis_bias *b, const double *yi, const double *vi,
                     const struct meta_options *opts, struct meta_error *err)
{
    struct meta_error e;
    meta_error_clear(&e);
    int ret = meta_regtest_lm(yi, vi, b->k, NULL, opts, &b->egger, &e);
    if (ret != META_OK)
        return step_error(err, ret, "Egger's test", "Egger's", e.msg);
    if ((ret = meta_regtest_rma(yi, vi, b->k, NULL, opts, &b->regtest, &e)) != META_OK)
        return step_error(err, ret, "the regression test", "the regression test", e.msg);
    if ((ret = meta_ranktest(yi, vi, b->k, &b->begg, &e)) != META_OK)
        return step_error(err, ret, "Begg's rank correlation test", "the rank correlation", e.msg);
    b->have_tests = 1;
    return META_OK;
}

int analysis_bias(const struct meta_analysis_request *req, struct meta_analysis *an,
                  struct meta_error *err)
{
    struct meta_analysis_bias *b = &an->bias;
    size_t k_all = an->contrasts.k;
    double *yi = malloc((k_all ? k_all : 1) * sizeof *yi);
    double *vi = malloc((k_all ? k_all : 1) * sizeof *vi);
    b->index = malloc((k_all ? k_all : 1) * sizeof *b->index);
    int ret = META_OK;
    if (!yi || !vi || !b->index) {
        ret = meta_error_set(err, META_ENOMEM, "out of memory");
        goto cleanup;
    }
    estimable(an, b->index, yi, vi, &b->k);
    if (req->bias && (ret = the_tests(b, yi, vi, &an->opts, err)) != META_OK)
        goto cleanup;
    struct meta_error e;
    meta_error_clear(&e);
    if ((ret = analysis_check_iv(&an->opts, "trim-and-fill", &e)) != META_OK) {
        if (req->trimfill) {
            meta_error_set(err, ret, "%s", e.msg);
            goto cleanup;
        }
        /* The tests ran on the studies' own effects, as metafor's do; the
         * output says why trim-and-fill did not. */
        ret = META_OK;
        if (!(b->trimfill_missing = strdup(e.msg)))
            ret = meta_error_set(err, META_ENOMEM, "out of memory");
        goto cleanup;
    }
    ret = meta_trimfill(yi, vi, b->k, &an->opts, req->estimator, META_TF_AUTO, &b->trimfill, &e);
    if (ret != META_OK) {
        step_error(err, ret, "trim-and-fill", "trim-and-fill", e.msg);
        goto cleanup;
    }
    b->have_trimfill = 1;
cleanup:
    free(yi);
    free(vi);
    if (ret == META_OK)
        an->have_bias = 1;
    return ret;
}

int analysis_influence(struct meta_analysis *an, struct meta_error *err)
{
    struct meta_analysis_influence *inf = &an->influence;
    size_t k_all = an->contrasts.k;
    double *yi = malloc((k_all ? k_all : 1) * sizeof *yi);
    double *vi = malloc((k_all ? k_all : 1) * sizeof *vi);
    inf->index = malloc((k_all ? k_all : 1) * sizeof *inf->index);
    inf->row = calloc(k_all ? k_all : 1, sizeof *inf->row);
    int ret = META_OK;
    if (!yi || !vi || !inf->index || !inf->row) {
        ret = meta_error_set(err, META_ENOMEM, "out of memory");
        goto cleanup;
    }
    estimable(an, inf->index, yi, vi, &inf->k);
    if ((ret = analysis_check_iv(&an->opts, "influence diagnostics", err)) != META_OK)
        goto cleanup;
    struct meta_error e;
    meta_error_clear(&e);
    ret = meta_influence(yi, vi, inf->k, NULL, &an->opts, inf->row, &e);
    if (ret != META_OK)
        step_error(err, ret, "influence diagnostics", "influence diagnostics", e.msg);
    else
        an->have_influence = 1;
cleanup:
    free(yi);
    free(vi);
    return ret;
}
