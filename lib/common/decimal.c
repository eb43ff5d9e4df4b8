/*
 * meta_strtod (see meta_decimal.h): Clinger's fast path. A decimal w 10^e
 * with w < 2^53 and |e| <= 22 has both w and 10^|e| exact as doubles, so
 * one IEEE multiplication or division rounds it correctly, as strtod does;
 * every other input goes to strtod.
 */
#include "meta_decimal.h"

#include <stdint.h>
#include <stdlib.h>

/* 10^k for 0 <= k <= 22: each exact as a double. */
static const double pow10_exact[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                       1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                       1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

double meta_strtod(const char *s, char **end)
{
    const char *p = s;
    int negative = *p == '-';
    if (*p == '-' || *p == '+')
        p++;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
        return strtod(s, end); /* hexadecimal */
    uint64_t w = 0;
    int digits = 0, any = 0, exp10 = 0;
    for (; is_digit(*p); p++) {
        any = 1;
        if (w == 0 && *p == '0')
            continue; /* a leading zero */
        if (++digits > 19)
            return strtod(s, end);
        w = 10 * w + (uint64_t)(*p - '0');
    }
    if (*p == '.') {
        p++;
        for (; is_digit(*p); p++) {
            any = 1;
            exp10--;
            if (w == 0 && *p == '0')
                continue;
            if (++digits > 19)
                return strtod(s, end);
            w = 10 * w + (uint64_t)(*p - '0');
        }
    }
    if (!any)
        return strtod(s, end); /* no digits: inf, nan, space, nothing */
    if (*p == 'e' || *p == 'E') {
        const char *q = p + 1;
        int exp_negative = *q == '-';
        if (*q == '-' || *q == '+')
            q++;
        if (is_digit(*q)) {
            int x = 0;
            for (; is_digit(*q); q++) {
                if (x > 10000)
                    return strtod(s, end);
                x = 10 * x + (*q - '0');
            }
            exp10 += exp_negative ? -x : x;
            p = q;
        } /* else the number ends before the 'e', as for strtod */
    }
    if (w > ((uint64_t)1 << 53) || exp10 > 22 || exp10 < -22)
        return strtod(s, end);
    double v = (double)w;
    v = exp10 >= 0 ? v * pow10_exact[exp10] : v / pow10_exact[-exp10];
    if (end)
        *end = (char *)p;
    return negative ? -v : v;
}
