/*
 * A bracketed root finder on GSL's Brent solver, with the checks the rest of
 * lib/stats relies on: a sign change before starting, every GSL status
 * looked at, an iteration limit that ends in META_ENOCONV rather than in a
 * guess.
 */
#include "stats_internal.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_roots.h>
#include <math.h>

struct wrap {
    double (*f)(double, void *);
    void *params;
    int bad; /* set when f returned a non-finite value */
};

static double call(double x, void *p)
{
    struct wrap *w = p;
    double y = w->f(x, w->params);
    if (!isfinite(y)) {
        w->bad = 1;
        return 0.0;
    }
    return y;
}

int meta_root_brent(double (*f)(double x, void *params), void *params, double lo, double hi,
                    double epsabs, double tol, int max_iter, double *root, int *iter,
                    struct meta_error *err)
{
    struct wrap w = {f, params, 0};
    gsl_function F = {call, &w};
    gsl_root_fsolver *s = NULL;
    int ret = META_OK, n = 0;
    double flo = call(lo, &w), fhi = call(hi, &w);

    if (w.bad) {
        ret = meta_error_set(err, META_EDOM, "the function to solve is not finite at %g or %g", lo,
                             hi);
        goto cleanup;
    }
    if (flo == 0.0 || fhi == 0.0) {
        *root = flo == 0.0 ? lo : hi;
        goto cleanup;
    }
    if ((flo > 0.0) == (fhi > 0.0)) {
        ret = meta_error_set(err, META_ENOCONV, "no sign change in [%g, %g]", lo, hi);
        goto cleanup;
    }
    s = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
    if (!s) {
        ret = meta_error_set(err, META_ENOMEM, "out of memory for the root finder");
        goto cleanup;
    }
    if (gsl_root_fsolver_set(s, &F, lo, hi) != GSL_SUCCESS || w.bad) {
        ret = meta_error_set(err, META_EDOM, "the root finder cannot start on [%g, %g]", lo, hi);
        goto cleanup;
    }
    for (;;) {
        if (n >= max_iter) {
            ret = meta_error_set(err, META_ENOCONV,
                                 "the root finder did not converge in %d iterations", max_iter);
            goto cleanup;
        }
        n++;
        int st = gsl_root_fsolver_iterate(s);
        if (st != GSL_SUCCESS || w.bad) {
            ret = meta_error_set(err, META_EDOM, "the root finder failed: %s",
                                 w.bad ? "function not finite" : gsl_strerror(st));
            goto cleanup;
        }
        double a = gsl_root_fsolver_x_lower(s), b = gsl_root_fsolver_x_upper(s);
        st = gsl_root_test_interval(a, b, epsabs, tol);
        if (st == GSL_SUCCESS)
            break;
        if (st != GSL_CONTINUE) {
            ret = meta_error_set(err, META_EDOM, "the root finder failed: %s", gsl_strerror(st));
            goto cleanup;
        }
    }
    *root = gsl_root_fsolver_root(s);

cleanup:
    if (iter)
        *iter = n;
    if (s)
        gsl_root_fsolver_free(s);
    return ret;
}
