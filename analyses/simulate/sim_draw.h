/*
 * Random draws for meta-simulate on top of GSL's Mersenne Twister
 * (gsl_rng_mt19937). Each draw consumes a fixed number of uniforms and uses
 * only the deterministic arithmetic of sim_math.h, so a seed gives the same
 * data on every machine and a rounding difference could never shift the stream.
 */
#ifndef META_SIM_DRAW_H
#define META_SIM_DRAW_H

#include <gsl/gsl_rng.h>

/* A uniform integer in [lo, hi] (lo <= hi, hi - lo < 2^32). */
long meta_sim_int(gsl_rng *rng, long lo, long hi);

/* A uniform double in [lo, hi). One uniform. */
double meta_sim_uniform(gsl_rng *rng, double lo, double hi);

/* 1 with probability p, else 0. One uniform. */
int meta_sim_bernoulli(gsl_rng *rng, double p);

/* A standard normal deviate by inversion of the normal CDF (Wichura 1988,
 * algorithm AS 241, PPND16: relative accuracy about 1e-16). One uniform. */
double meta_sim_normal(gsl_rng *rng);

/* A binomial(n, p) count by inversion of its CDF, walking up from 0 (from n
 * when p > 1/2). One uniform. n in [0, 1000] (larger n could underflow the
 * first probability), p in [0, 1]. */
long meta_sim_binomial(gsl_rng *rng, long n, double p);

/* A sample standard deviation of n > 1 normal observations whose true SD is
 * sigma: sigma sqrt(X / (n - 1)) with X ~ chi-square(n - 1), X drawn by the
 * Wilson-Hilferty cube-of-a-normal approximation (Wilson & Hilferty 1931),
 * floored so that the result stays > 0. One uniform. */
double meta_sim_sample_sd(gsl_rng *rng, double sigma, long n);

#endif
