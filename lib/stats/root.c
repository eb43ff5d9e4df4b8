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

int meta_root_newton(void (*fdf)(double x, void *params, double *f, double *df), void *params,
                     double lo, double hi, double x0, double f0, double df0, double epsabs,
                     double tol, int max_iter, double *root, int *iter, struct meta_error *err)
{
    double a = lo, b = hi, x = x0, f = f0, df = df0, prev = INFINITY;
    double newton_prev = INFINITY; /* the previous step when it was Newton's */
    int a_known = 0, b_known = 0, n = 0, ret = META_OK;

    for (;;) {
        if (isnan(f) || isnan(df)) {
            ret = meta_error_set(err, META_EDOM, "the function to solve is not finite at %g", x);
            goto cleanup;
        }
        if (f == 0.0) {
            *root = x;
            goto cleanup;
        }
        if (f > 0.0) {
            a = x;
            a_known = 1;
        } else {
            b = x;
            b_known = 1;
        }
        double next = df < 0.0 ? x - f / df : NAN;
        if (fabs(next - x) <= epsabs + tol * fabs(x)) {
            /* A Newton step this small: x is the root to the tolerance (the
             * step may even fall on the end of the bracket, x itself). */
            *root = next > a && next < b ? next : x;
            goto cleanup;
        }
        /* Far from the root, steps toward an end not yet known may grow
         * (Q(tau^2) falls like 1/tau^2); within a bracket they must shrink. */
        int bisect = !(next > a && next < b) || (a_known && b_known && fabs(next - x) > 0.5 * prev);
        if (bisect && (!a_known || !b_known)) {
            /* The step crosses an end whose sign is not known yet (or there
             * is no usable step): look at that end. */
            double end = a_known ? b : a;
            if (!isfinite(end)) {
                ret = meta_error_set(err, META_ENOCONV, "no step from %g", x);
                goto cleanup;
            }
            if (n >= max_iter)
                break;
            n++;
            fdf(end, params, &f, &df);
            if (isnan(f)) {
                ret = meta_error_set(err, META_EDOM, "the function to solve is not finite at %g",
                                     end);
                goto cleanup;
            }
            if (a_known ? f >= 0.0 : f <= 0.0) {
                *root = end; /* no crossing inside [lo, hi] */
                goto cleanup;
            }
            x = end;
            prev = newton_prev = INFINITY;
            continue;
        }
        if (bisect)
            next = 0.5 * (a + b);
        double step = fabs(next - x), within = epsabs + tol * fabs(next);
        if (step <= within || (a_known && b_known && b - a <= within)) {
            *root = next;
            goto cleanup;
        }
        /* Two Newton steps in a row, converging: the error after this one is
         * about C step^2 with C = step / previous^2 (quadratic convergence).
         * Far below the tolerance, next is taken without looking at it. */
        if (!bisect && isfinite(newton_prev) && step <= 0.25 * newton_prev &&
            step / newton_prev * step / newton_prev * step <= 0.01 * within) {
            *root = next;
            goto cleanup;
        }
        if (n >= max_iter)
            break;
        n++;
        prev = step;
        newton_prev = bisect ? INFINITY : step;
        x = next;
        fdf(x, params, &f, &df);
    }
    ret = meta_error_set(err, META_ENOCONV, "the root finder did not converge in %d iterations",
                         max_iter);

cleanup:
    if (iter)
        *iter = n;
    return ret;
}
