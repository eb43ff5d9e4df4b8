/*
 * Leave-one-out influence diagnostics (Viechtbauer & Cheung 2010) as
 * metafor 3.8's influence.rma.uni: externally standardised residuals,
 * DFFITS, Cook's distance, covariance ratios, tau^2 and Q without each
 * study, hat values, weights, DFBETAS and metafor's rule for flagging an
 * influential study. Every study is left out in turn and the model refitted
 * with the analysis's options, as metafor does.
 */
#include "metareg_internal.h"

#include <float.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* What the full fit lends every deletion. */
struct full {
    const double *yi, *vi, *x; /* x: k x p, or NULL for the intercept alone */
    size_t k, p;
    const char *const *names;
    const struct meta_options *opts;
    struct meta_wls_fit fit;
    struct meta_wls w;   /* the full data, for (X'W X)^-1 at another tau^2 */
    gsl_matrix *vb_chol; /* Cholesky factor of the full fit's vb (Cook's distance) */
    double *row;         /* p: one design row */
    double *cov, *beta;  /* p x p and p: workspace */
    /* Per-deletion copies, k - 1 rows. */
    double *yd, *vd, *xd;
};

static const double *row_of(struct full *f, size_t i)
{
    if (f->x)
        return f->x + i * f->p;
    f->row[0] = 1.0;
    return f->row;
}

/* (X'W X)^-1 over all k studies with weights 1/(vi + tau2), into f->cov. */
static int cov_at(struct full *f, double tau2, struct meta_error *err)
{
    if (f->p == 1) {
        double W = 0.0;
        for (size_t i = 0; i < f->k; i++)
            W += 1.0 / (f->vi[i] + tau2);
        f->cov[0] = 1.0 / W;
        return META_OK;
    }
    struct meta_wls_sums s;
    int ret = meta_wls_pass(&f->w, tau2, 0, &s, err);
    if (ret == META_OK)
        ret = meta_wls_solution(&f->w, f->beta, f->cov, err);
    return ret;
}

static void empty(struct meta_influence *o)
{
    o->rstudent = o->dffits = o->cook_d = o->cov_r = o->tau2_del = o->QE_del = NAN;
}

/* dfb' vb^-1 dfb with the full fit's vb. */
static double cook(struct full *f, const double *dfb)
{
    size_t p = f->p;
    double d = NAN;
    gsl_vector *b = gsl_vector_alloc(p), *z = gsl_vector_alloc(p);
    if (b && z && f->vb_chol) {
        for (size_t j = 0; j < p; j++)
            gsl_vector_set(b, j, dfb[j]);
        if (gsl_linalg_cholesky_solve(f->vb_chol, b, z) == GSL_SUCCESS)
            gsl_blas_ddot(b, z, &d);
    }
    if (b)
        gsl_vector_free(b);
    if (z)
        gsl_vector_free(z);
    return d;
}

/* Study i left out: every field but hat and weight (set by the caller);
 * `any_dfbeta` receives whether some |DFBETAS| exceeds 1. A refit that
 * cannot be made leaves the fields NAN (META_OK); only running out of
 * memory fails. */
static int delete_one(struct full *f, size_t i, double hat, struct meta_influence *o,
                      int *any_dfbeta, struct meta_error *err)
{
    size_t k = f->k, p = f->p, n = 0;
    struct meta_wls_fit d;
    struct meta_error why;
    *any_dfbeta = 0;
    empty(o);
    for (size_t j = 0; j < k; j++) {
        if (j == i)
            continue;
        f->yd[n] = f->yi[j];
        f->vd[n] = f->vi[j];
        if (f->x)
            memcpy(f->xd + n * p, f->x + j * p, p * sizeof *f->xd);
        n++;
    }
    int ret =
        meta_wls_fit(f->yd, f->vd, f->x ? f->xd : NULL, k - 1, p, f->names, f->opts, &d, &why);
    if (ret != META_OK) {
        meta_wls_fit_release(&d);
        return ret == META_ENOMEM ? meta_error_set(err, ret, "%s", why.msg) : META_OK;
    }
    double tau2 = d.tau2, s2w = d.s2w, pred, vpred, delpred, vdelpred;
    const double *xi = row_of(f, i);
    meta_wls_fit_predict(&f->fit, xi, &pred, &vpred);
    meta_wls_fit_predict(&d, xi, &delpred, &vdelpred);
    o->tau2_del = d.random ? tau2 : NAN;
    o->QE_del = d.QE;
    o->dffits = (pred - delpred) / sqrt(s2w * hat * (tau2 + f->vi[i]));
    double resid = f->yi[i] - delpred;
    if (fabs(resid) < 100.0 * DBL_EPSILON)
        resid = 0.0;
    o->rstudent = resid / sqrt(f->vi[i] * s2w + vdelpred + tau2 * s2w);
    o->cov_r = exp(d.logdetvb - f->fit.logdetvb);

    double *dfb = malloc(p * sizeof *dfb);
    if (!dfb) {
        meta_wls_fit_release(&d);
        return meta_error_set(err, META_ENOMEM, "out of memory for the influence diagnostics");
    }
    for (size_t j = 0; j < p; j++)
        dfb[j] = f->fit.beta[j] - d.beta[j];
    o->cook_d = cook(f, dfb);
    /* DFBETAS: against (X'W X)^-1 of every study at the reduced tau^2. */
    ret = cov_at(f, tau2, err);
    if (ret == META_OK)
        for (size_t j = 0; j < p; j++)
            if (fabs(dfb[j] / sqrt(s2w * f->cov[j * p + j])) > 1.0)
                *any_dfbeta = 1;
    free(dfb);
    meta_wls_fit_release(&d);
    return ret == META_ENOMEM ? ret : META_OK;
}

/* Hat values and weights of the full fit: h_i = w_i x_i' (X'WX)^-1 x_i. */
static int hat_and_weight(struct full *f, struct meta_influence *out, struct meta_error *err)
{
    size_t p = f->p;
    double tau2 = f->fit.tau2;
    int ret = cov_at(f, tau2, err);
    if (ret != META_OK)
        return ret;
    for (size_t i = 0; i < f->k; i++) {
        const double *xi = row_of(f, i);
        double w = 1.0 / (f->vi[i] + tau2), q = 0.0;
        for (size_t j = 0; j < p; j++) {
            double r = 0.0;
            for (size_t l = 0; l < p; l++)
                r += f->cov[j * p + l] * xi[l];
            q += xi[j] * r;
        }
        double h = w * q;
        out[i].hat = h > 1.0 - 10.0 * DBL_EPSILON ? 1.0 : h;
        out[i].weight = 100.0 * w / f->fit.W;
    }
    return META_OK;
}

static int setup(struct full *f, struct meta_error *err)
{
    size_t k = f->k, p = f->p;
    int ret = meta_wls_fit(f->yi, f->vi, f->x, k, p, f->names, f->opts, &f->fit, err);
    if (ret != META_OK)
        return ret;
    if (p > 1) {
        ret = meta_wls_init(&f->w, f->yi, f->vi, f->x, k, p, f->names, err);
        if (ret != META_OK)
            return ret;
    }
    f->row = malloc(p * sizeof *f->row);
    f->cov = malloc(p * p * sizeof *f->cov);
    f->beta = malloc(p * sizeof *f->beta);
    f->yd = malloc(k * sizeof *f->yd);
    f->vd = malloc(k * sizeof *f->vd);
    f->xd = f->x ? malloc(k * p * sizeof *f->xd) : NULL;
    f->vb_chol = gsl_matrix_alloc(p, p);
    if (!f->row || !f->cov || !f->beta || !f->yd || !f->vd || (f->x && !f->xd) || !f->vb_chol)
        return meta_error_set(err, META_ENOMEM, "out of memory for the influence diagnostics");
    for (size_t j = 0; j < p * p; j++)
        f->vb_chol->data[j] = f->fit.vb[j];
    if (gsl_linalg_cholesky_decomp1(f->vb_chol) != GSL_SUCCESS) {
        gsl_matrix_free(f->vb_chol); /* vb singular (no residual): Cook's distance NAN */
        f->vb_chol = NULL;
    }
    return META_OK;
}

static void teardown(struct full *f)
{
    meta_wls_fit_release(&f->fit);
    meta_wls_free(&f->w);
    if (f->vb_chol)
        gsl_matrix_free(f->vb_chol);
    free(f->row);
    free(f->cov);
    free(f->beta);
    free(f->yd);
    free(f->vd);
    free(f->xd);
}

int meta_influence(const double *yi, const double *vi, size_t k, const struct meta_design *design,
                   const struct meta_options *opts, struct meta_influence *out,
                   struct meta_error *err)
{
    struct full f;
    memset(&f, 0, sizeof f);
    int ret = meta_options_check(opts, err);
    if (ret == META_OK)
        ret = meta_check_iv_method(opts, "influence diagnostics", err);
    if (ret == META_OK)
        ret = meta_check_yv(yi, vi, k, err);
    if (ret != META_OK)
        return ret;
    if (!out)
        return meta_error_set(err, META_EINVAL, "no result array given");
    if (k < 2)
        return meta_error_set(err, META_EINVAL,
                              "influence diagnostics need at least 2 studies, got 1");
    if (design && (design->k != k || !design->x))
        return meta_error_set(err, META_EINVAL, "the design has %zu rows for %zu studies",
                              design->k, k);
    f.yi = yi;
    f.vi = vi;
    f.k = k;
    f.x = design && design->p > 1 ? design->x : NULL;
    f.p = f.x ? design->p : 1;
    f.names = f.x ? (const char *const *)design->names : NULL;
    f.opts = opts;
    ret = setup(&f, err);
    if (ret == META_OK)
        ret = hat_and_weight(&f, out, err);
    double p = (double)f.p, kk = (double)k;
    double dffits_cut = 3.0 * sqrt(p / (kk - p)), hat_cut = 3.0 * p / kk;
    for (size_t i = 0; i < k && ret == META_OK; i++) {
        int big_dfbeta;
        ret = delete_one(&f, i, out[i].hat, &out[i], &big_dfbeta, err);
        double cook_p = isnan(out[i].cook_d) ? NAN : gsl_cdf_chisq_P(out[i].cook_d, p);
        out[i].influential =
            fabs(out[i].dffits) > dffits_cut || cook_p > 0.5 || out[i].hat > hat_cut || big_dfbeta;
    }
    teardown(&f);
    return ret;
}
