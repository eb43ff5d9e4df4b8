#!/usr/bin/python3
"""Exact two-sided p-values of Kendall's tau without ties, for the tests of
tests/unit/test_bias_edge.c where R's cor.test() is not exact: R computes an
upper tail as 1 - P(T <= q - 1), which rounding turns into about 1e-13 when
the tail is smaller. Here the counts of permutations by number of inversions
(Mahonian numbers) are exact integers and the tail is summed directly.
Usage: python3 tests/unit/kendall_exact.py
"""
from fractions import Fraction
import math


def kx(i):
    return (i * 7919) % 1009 / 1009


def exact_p(n, concordant):
    n0 = n * (n - 1) // 2
    q = n0 - concordant if 2 * concordant > n0 else concordant
    f = [1] + [0] * q
    for m in range(2, n + 1):
        g, acc = [0] * (q + 1), 0
        for j in range(q + 1):
            acc += f[j]
            if j >= m:
                acc -= f[j - m]
            g[j] = acc
        f = g
    return min(Fraction(2 * sum(f), math.factorial(n)), Fraction(1))


for n in (60, 120, 170):
    x = list(range(1, n + 1))
    y = [i + 5 * kx(i) * n / 10 for i in x]
    c = d = 0
    for i in range(n):
        for j in range(i):
            s = (x[i] - x[j]) * (y[i] - y[j])
            c += s > 0
            d += s < 0
    print(f"n={n}: tau {(c - d) / (n * (n - 1) / 2):.17g} p {float(exact_p(n, c)):.17g}")
