/*
 * Elementary functions for meta-simulate built from IEEE-754 basic
 * operations only (+, -, *, /, sqrt, floor, frexp, ldexp). glibc picks
 * different log/exp code (FMA or not) on different x86_64 processors; these
 * give the same bits everywhere, so a seed always yields the same data.
 */
#ifndef META_SIM_MATH_H
#define META_SIM_MATH_H

/* Natural logarithm of x, accurate to a few units in the last place.
 * Returns -INFINITY for x == 0 and NAN for x < 0 or x not finite. */
double meta_sim_log(double x);

/* e^x, accurate to a few units in the last place. x is clamped to
 * [-700, 700], which keeps the result finite and non-zero; the generator
 * never needs more. */
double meta_sim_exp(double x);

#endif
