/*
 * The meta-regression of an analysis (see meta_analysis_regression): the
 * moderators' values per trial, the trials left out for lacking one, the
 * design (numeric moderators as they are, others as indicators) and the fit
 * with the analysis's own model, estimator and test, all with lib/stats.
 */
#include "analysis_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void analysis_regression_release(struct meta_analysis_regression *r)
{
    if (!r)
        return;
    free(r->index);
    free(r->yi);
    free(r->vi);
    free(r->values);
    free(r->weight);
    meta_design_release(&r->design);
    meta_metareg_release(&r->fit);
    for (size_t i = 0; i < r->n_excluded; i++)
        free(r->excluded[i].reason);
    free(r->excluded);
    memset(r, 0, sizeof *r);
}

/* "no trial to regress on ...: N left out (T1: why; T2: why...)". */
static int nothing_to_regress(const struct meta_analysis_request *req,
                              const struct meta_analysis_regression *r, struct meta_error *err)
{
    char why[2048];
    analysis_list_exclusions(why, sizeof why, r->excluded, r->n_excluded);
    return meta_error_set(err, META_EDOM,
                          "meta-regression: no trial has a value of every moderator (%s...): "
                          "%zu trial%s left out (%s)",
                          req->mods[0], r->n_excluded, r->n_excluded == 1 ? "" : "s", why);
}

/* An error for the first moderator that no study has a value of. */
static int check_present(const struct meta_analysis_request *req, const int *present,
                         struct meta_error *err)
{
    for (size_t j = 0; j < req->n_mods; j++)
        if (!present[j])
            return meta_error_set(err, META_EINVAL,
                                  "no trial of the selection has a value of moderator '%s' to "
                                  "regress on",
                                  req->mods[j]);
    return META_OK;
}

static int add_exclusion(struct meta_analysis_regression *r, const char *trial, char *reason,
                         struct meta_error *err)
{
    struct meta_exclusion *grown = realloc(r->excluded, (r->n_excluded + 1) * sizeof *grown);
    if (!grown) {
        free(reason);
        return meta_error_set(err, META_ENOMEM, "out of memory");
    }
    r->excluded = grown;
    r->excluded[r->n_excluded++] = (struct meta_exclusion){trial, reason};
    return META_OK;
}

/* Splits the studies into those regressed and those left out. */
static int select_rows(const struct meta_analysis_request *req, struct meta_analysis *an,
                       const char **values, char **reasons, struct meta_error *err)
{
    struct meta_analysis_regression *r = &an->regression;
    size_t n = req->n_mods, k_all = an->contrasts.k;
    r->index = malloc(k_all * sizeof *r->index);
    r->yi = malloc(k_all * sizeof *r->yi);
    r->vi = malloc(k_all * sizeof *r->vi);
    r->values = malloc(k_all * n * sizeof *r->values);
    if (!r->index || !r->yi || !r->vi || !r->values)
        return meta_error_set(err, META_ENOMEM, "out of memory");
    for (size_t i = 0; i < k_all; i++) {
        const struct meta_study_result *s = &an->overall.studies[i];
        const char *trial = an->contrasts.info[i].trial;
        char *reason = reasons[i];
        reasons[i] = NULL;
        if (!reason && !(isfinite(s->yi) && isfinite(s->vi) && s->vi > 0) &&
            !(reason = strdup("no estimate of its own (not estimable)")))
            return meta_error_set(err, META_ENOMEM, "out of memory");
        if (reason) {
            int ret = add_exclusion(r, trial, reason, err);
            if (ret != META_OK)
                return ret;
            continue;
        }
        r->index[r->k] = i;
        r->yi[r->k] = s->yi;
        r->vi[r->k] = s->vi;
        memcpy(&r->values[r->k * n], &values[i * n], n * sizeof *values);
        r->k++;
    }
    return META_OK;
}

/* The design and the fit of the trials selected. */
static int fit(const struct meta_analysis_request *req, struct meta_analysis *an,
               struct meta_error *err)
{
    struct meta_analysis_regression *r = &an->regression;
    const char **labels = malloc(r->k * sizeof *labels);
    struct meta_error e;
    meta_error_clear(&e);
    int ret = META_OK;
    r->weight = malloc(r->k * sizeof *r->weight);
    if (!labels || !r->weight) {
        ret = meta_error_set(err, META_ENOMEM, "out of memory");
        goto cleanup;
    }
    for (size_t i = 0; i < r->k; i++)
        labels[i] = an->contrasts.info[r->index[i]].trial;
    ret = meta_design_build((const char *const *)req->mods, req->n_mods, r->values, r->k, labels,
                            &r->design, &e);
    if (ret != META_OK) {
        meta_error_set(err, ret, "meta-regression: %s", e.msg);
        goto cleanup;
    }
    ret = meta_metareg_fit(r->yi, r->vi, &r->design, &an->opts, &r->fit, &e);
    if (ret == META_OK)
        ret = meta_metareg_weights(&r->fit, r->vi, r->weight);
    if (ret != META_OK)
        meta_error_set(err, ret, "meta-regression: %s", e.msg[0] ? e.msg : meta_strstatus(ret));
cleanup:
    free(labels);
    return ret;
}

int analysis_regression(const struct meta_analysis_request *req, struct meta_analysis *an,
                        struct meta_error *err)
{
    size_t n = req->n_mods, k_all = an->contrasts.k;
    const char **values = calloc(k_all * n + 1, sizeof *values);
    char **reasons = calloc(k_all ? k_all : 1, sizeof *reasons);
    int *present = calloc(n, sizeof *present);
    int ret = META_OK;
    if (!values || !reasons || !present) {
        ret = meta_error_set(err, META_ENOMEM, "out of memory");
        goto cleanup;
    }
    if ((ret = analysis_check_iv(&an->opts, "a meta-regression", err)) != META_OK)
        goto cleanup;
    ret = analysis_moderator_values(an->data, &an->contrasts, req->mods, n, values, reasons,
                                    present, err);
    if (ret == META_OK)
        ret = check_present(req, present, err);
    if (ret == META_OK)
        ret = select_rows(req, an, values, reasons, err);
    if (ret == META_OK && an->regression.k == 0)
        ret = nothing_to_regress(req, &an->regression, err);
    if (ret == META_OK)
        ret = fit(req, an, err);
    if (ret == META_OK)
        an->have_regression = 1;
cleanup:
    for (size_t i = 0; reasons && i < k_all; i++)
        free(reasons[i]);
    free(reasons);
    free(values);
    free(present);
    return ret;
}
