/*
 * Deterministic log and exp (see sim_math.h): range reduction by powers of
 * two, which is exact, then a series evaluated with plain arithmetic. The
 * build uses ISO C without FMA contraction, so every operation rounds the
 * same way on every x86_64 machine.
 */
#include "sim_math.h"

#include <math.h>

/* ln 2 split so that k * LN2_HI is exact for |k| < 2^11 (fdlibm's constants). */
#define LN2_HI 6.93147180369123816490e-01
#define LN2_LO 1.90821492927058770002e-10
#define LOG2E  1.44269504088896338700e+00

double meta_sim_log(double x)
{
    int e;
    double m, s, s2, poly;

    if (x == 0.0)
        return -INFINITY;
    if (!(x > 0.0) || x == INFINITY)
        return NAN;
    m = frexp(x, &e); /* x = m 2^e, m in [0.5, 1) */
    if (m < M_SQRT1_2) {
        m *= 2.0;
        e -= 1;
    }
    /* log m = 2 atanh(s), s = (m - 1) / (m + 1), |s| < 0.1716; the series
     * 2 (s + s^3/3 + ... + s^23/23) leaves an error below 1e-19. */
    s = (m - 1.0) / (m + 1.0);
    s2 = s * s;
    poly = 1.0 / 23.0;
    for (int k = 21; k >= 1; k -= 2)
        poly = poly * s2 + 1.0 / k;
    return e * LN2_HI + (e * LN2_LO + 2.0 * s * poly);
}

double meta_sim_exp(double x)
{
    double k, r, p;

    if (x > 700.0)
        x = 700.0;
    if (x < -700.0)
        x = -700.0;
    /* x = k ln 2 + r with |r| <= ln2 / 2; e^r by Taylor to r^17/17!. */
    k = floor(x * LOG2E + 0.5);
    r = (x - k * LN2_HI) - k * LN2_LO;
    p = 1.0;
    for (int i = 17; i >= 1; i--)
        p = 1.0 + p * r / i;
    return ldexp(p, (int)k);
}
