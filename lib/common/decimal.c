/*
 * Decimal text of doubles (see meta_decimal.h). Reading: Clinger's fast
 * path; a decimal w 10^e with w < 2^53 and |e| <= 22 has both w and 10^|e|
 * exact as doubles, so one IEEE multiplication or division rounds it
 * correctly, as strtod does; every other input goes to strtod. Writing: the
 * shortest round-trip text, which printf's %g with a strtod to check each
 * try gave at a cost above the rest of writing a JSON result; the usual
 * magnitudes are done in exact 128-bit integer arithmetic instead, with
 * the same digits as a result.
 */
#include "meta_decimal.h"
#include "meta_text.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

__extension__ typedef unsigned __int128 u128;

/* 10^k for 0 <= k <= 19: every one that fits 64 bits. */
static const uint64_t pow10_u64[20] = {1u,
                                       10u,
                                       100u,
                                       1000u,
                                       10000u,
                                       100000u,
                                       1000000u,
                                       10000000u,
                                       100000000u,
                                       1000000000u,
                                       10000000000u,
                                       100000000000u,
                                       1000000000000u,
                                       10000000000000u,
                                       100000000000000u,
                                       1000000000000000u,
                                       10000000000000000u,
                                       100000000000000000u,
                                       1000000000000000000u,
                                       10000000000000000000u};

/* 10^k for 0 <= k <= 21, exactly. */
static u128 pow10_u128(int k)
{
    return k <= 19 ? (u128)pow10_u64[k] : (u128)pow10_u64[19] * pow10_u64[k - 19];
}

/* "00" to "99": two digits a step when writing a decimal. */
static const char two_digits[201] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

/* Writes the p significant digits of d (10^(p-1) <= d < 10^p), whose
 * first digit is in the place 10^x, as printf's %.{p}g would: fixed or
 * exponential notation, trailing zeros and a bare point dropped. */
static size_t put_g(char *out, uint64_t d, int p, int x)
{
    char digits[24];
    int i = p;
    for (; i >= 2; i -= 2, d /= 100)
        memcpy(digits + i - 2, two_digits + 2 * (d % 100), 2);
    if (i == 1)
        digits[0] = (char)('0' + d);
    int n = p;
    while (n > 1 && digits[n - 1] == '0')
        n--;
    size_t len = 0;
    if (x < -4 || x >= p) {
        out[len++] = digits[0];
        if (n > 1) {
            out[len++] = '.';
            memcpy(out + len, digits + 1, (size_t)(n - 1));
            len += (size_t)(n - 1);
        }
        int e = x < 0 ? -x : x; /* below 100 here */
        out[len++] = 'e';
        out[len++] = x < 0 ? '-' : '+';
        memcpy(out + len, two_digits + 2 * e, 2);
        len += 2;
    } else if (x >= 0) {
        memcpy(out + len, digits, (size_t)(x + 1));
        len += (size_t)(x + 1);
        if (n > x + 1) {
            out[len++] = '.';
            memcpy(out + len, digits + x + 1, (size_t)(n - x - 1));
            len += (size_t)(n - x - 1);
        }
    } else {
        out[len++] = '0';
        out[len++] = '.';
        for (int z = 0; z < -x - 1; z++)
            out[len++] = '0';
        memcpy(out + len, digits, (size_t)n);
        len += (size_t)n;
    }
    out[len] = '\0';
    return len;
}

/* Whether m / 2^s >= 10^x, exactly (-21 <= x <= 15, s <= 74). */
static int at_least_pow10(uint64_t m, int s, int x)
{
    if (x >= 0)
        return (u128)m >= (pow10_u128(x) << s);
    return (u128)m * pow10_u128(-x) >= ((u128)1 << s);
}

/*
 * What the loop over %.15g, %.16g and %.17g with strtod gives, for a
 * positive normal v with 1e-5 <= v < 1e15, into out (at least 32 bytes):
 * v = m 2^-s exactly and 10^x <= v < 10^(x+1); for each precision p its
 * p-digit decimal d 10^k (k = x - p + 1) is m 10^-k / 2^s rounded half to
 * even (printf's rounding of the exact value; d = 10^p carries into the
 * next power of ten), and it reads back as v when it lies within half a
 * gap of v (on the boundary only when m is even: strtod's tie rule). Scaled
 * by 10^-k 2^(s+2), every quantity is an integer below 2^128. Returns 0 when
 * v is outside that range, and the caller takes the slow path.
 */
static size_t shortest_fast(char *out, double v)
{
    if (!(v >= 1e-5 && v < 1e15))
        return 0;
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    int biased = (int)(bits >> 52); /* v is positive and normal */
    uint64_t m = (bits & (((uint64_t)1 << 52) - 1)) | ((uint64_t)1 << 52); /* 2^52 <= m < 2^53 */
    int s = 1075 - biased; /* v = m / 2^s, 3 <= s <= 70 here */
    /* 2^(52-s) <= v < 2^(53-s): floor(log10 v) is floor((52 - s) log10 2)
     * (1233 / 4096 is log10 2 to within 5e-6, close enough for these
     * exponents) or one more, which the tests below settle. */
    int t = (52 - s) * 1233;
    int x = t >= 0 ? t >> 12 : -((-t + 4095) >> 12);
    if (!at_least_pow10(m, s, x))
        x--;
    else if (x < 14 && at_least_pow10(m, s, x + 1))
        x++;
    for (int p = 15; p <= 17; p++) {
        int k = x - p + 1;
        if (k > 0 || k < -21)
            return 0;
        u128 scale = pow10_u128(-k);
        u128 num = (u128)m * scale; /* v 10^-k 2^s */
        u128 d = num >> s;
        u128 rem = num - (d << s), half = (u128)1 << (s - 1);
        if (rem > half || (rem == half && (d & 1)))
            d++;
        /* d 10^k against v, both times 10^-k 2^(s+2). */
        u128 c = d << (s + 2), w = num << 2;
        u128 gap_up = scale << 1, gap_down = m == ((uint64_t)1 << 52) ? scale : scale << 1;
        int even = (m & 1) == 0;
        int back = c >= w ? (c - w < gap_up || (c - w == gap_up && even))
                          : (w - c < gap_down || (w - c == gap_down && even));
        if (!back)
            continue;
        if (d == pow10_u128(p))
            return put_g(out, (uint64_t)(d / 10), p, x + 1);
        return put_g(out, (uint64_t)d, p, x);
    }
    return 0;
}

size_t meta_shortest_double(char *buf, size_t size, double v)
{
    if (!isfinite(v)) {
        if (size)
            buf[0] = '\0';
        return 0;
    }
    char fast[40];
    size_t len = v < 0 ? shortest_fast(fast + 1, -v) : shortest_fast(fast, v);
    if (len > 0) {
        if (v < 0) {
            fast[0] = '-';
            len++;
        }
        if (len < size) {
            memcpy(buf, fast, len + 1);
            return len;
        }
        return meta_copy_cut(buf, size, fast);
    }
    if (v == 0) /* what %.15g writes, sign included */
        return meta_copy_cut(buf, size, signbit(v) ? "-0" : "0");
    for (int prec = 15; prec < 17; prec++) {
        snprintf(fast, sizeof fast, "%.*g", prec, v);
        if (strtod(fast, NULL) == v)
            return meta_copy_cut(buf, size, fast);
    }
    snprintf(fast, sizeof fast, "%.17g", v);
    return meta_copy_cut(buf, size, fast);
}
