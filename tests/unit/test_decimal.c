/*
 * Unit tests of meta_strtod (lib/common/decimal.c): the same value, bit for
 * bit, and the same end as strtod for millions of decimal texts (every
 * precision printf gives, every exponent range, subnormals, integers,
 * negative zero, the registry's shortest forms) and for text that is no
 * plain decimal (hexadecimal, inf, nan, signs and exponents without
 * digits, trailing text); meta_shortest_double and meta_copy_cut into
 * buffers too small for the text.
 */
#include "test_random.h"
#include "cunit_main.h"
#include "meta_decimal.h"
#include "meta_text.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t state = 0x9e3779b97f4a7c15u;

static uint64_t next(void)
{
    return test_random_next(&state);
}

/* 1 when meta_strtod and strtod agree on s: value bits and end. */
static int same(const char *s)
{
    char *end_fast, *end_ref;
    double fast = meta_strtod(s, &end_fast), ref = strtod(s, &end_ref);
    if (memcmp(&fast, &ref, sizeof fast) != 0 || end_fast != end_ref) {
        printf("\n    \"%s\": got %.17g (end %td), want %.17g (end %td)", s, fast, end_fast - s,
               ref, end_ref - s);
        return 0;
    }
    return 1;
}

static void test_fixed(void)
{
    static const char *const cases[] = {"0",
                                        "-0",
                                        "+0",
                                        "0.0",
                                        "-0.0",
                                        "00012",
                                        "1",
                                        "-1",
                                        "45.23",
                                        "0.1",
                                        "0.30000000000000004",
                                        "1e22",
                                        "1e23",
                                        "9007199254740992",
                                        "9007199254740993",
                                        "18014398509481984",
                                        "1234567890123456789",
                                        "12345678901234567890",
                                        "0.000001",
                                        "1e-22",
                                        "1e-23",
                                        "123456789012345678e-22",
                                        "2.2250738585072014e-308",
                                        "4.9406564584124654e-324",
                                        "1.7976931348623157e308",
                                        "1e309",
                                        "-1e-400",
                                        "1e99999999999",
                                        "1e",
                                        "1e+",
                                        "1e-",
                                        "1ex",
                                        "1.",
                                        ".5",
                                        "-.5",
                                        ".",
                                        "-",
                                        "+",
                                        "",
                                        "e5",
                                        "0x1A",
                                        "-0X1p3",
                                        "inf",
                                        "-Infinity",
                                        "nan",
                                        "NaN",
                                        " 12",
                                        "\t-3.5",
                                        "12abc",
                                        "3.25 ",
                                        "1,5",
                                        "2000",
                                        "1999.5",
                                        "1e0005",
                                        "0.00000000000000000000000000000000000000001",
                                        "100000000000000000000000",
                                        "1.5e-5",
                                        "7e22",
                                        "7e-22",
                                        "9007199254740991e22",
                                        "9007199254740991e-22"};
    size_t bad = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        bad += !same(cases[i]);
    CU_ASSERT_EQUAL(bad, 0);
    double v = meta_strtod("-0", NULL);
    CU_ASSERT(v == 0 && signbit(v));
    CU_ASSERT_EQUAL(meta_strtod("45.23", NULL), 45.23);
}

/* A double of any bit pattern (finite), printed at every precision. */
static void test_random_bits(void)
{
    size_t bad = 0;
    char s[64];
    for (int i = 0; i < 1000000; i++) {
        uint64_t r = next();
        double v;
        memcpy(&v, &r, sizeof v);
        if (!isfinite(v))
            continue;
        snprintf(s, sizeof s, "%.*g", 1 + (int)(next() % 17), v);
        bad += !same(s);
    }
    CU_ASSERT_EQUAL(bad, 0);
}

/* Doubles spread over the magnitudes data take (1e-30 to 1e30, where the
 * fast path applies and where it stops), in the forms printf and the
 * registry write: %g, %e, %f at every precision, shortest round-trip. */
static void test_random_magnitudes(void)
{
    size_t bad = 0;
    char s[400];
    for (int i = 0; i < 2000000; i++) {
        double v = ldexp((double)(next() >> 11), -53) * pow(10, (double)(int)(next() % 61) - 30);
        if (next() & 1)
            v = -v;
        int prec = (int)(next() % 18);
        switch (i % 4) {
        case 0:
            snprintf(s, sizeof s, "%.*g", prec ? prec : 1, v);
            break;
        case 1:
            snprintf(s, sizeof s, "%.*e", prec, v);
            break;
        case 2:
            snprintf(s, sizeof s, "%.*f", prec, v);
            break;
        default:
            for (int p = 15; p <= 17; p++) {
                snprintf(s, sizeof s, "%.*g", p, v);
                if (strtod(s, NULL) == v)
                    break;
            }
            break;
        }
        bad += !same(s);
    }
    CU_ASSERT_EQUAL(bad, 0);
}

/* Data as it is stored: integers (sample sizes, years), decimals of a few
 * digits (means, SDs), subnormals, and the same with trailing text. */
static void test_data_forms(void)
{
    size_t bad = 0;
    char s[80];
    for (int i = 0; i < 1000000; i++) {
        uint64_t r = next();
        switch (i % 5) {
        case 0:
            snprintf(s, sizeof s, "%llu", (unsigned long long)(r >> (next() % 64)));
            break;
        case 1:
            snprintf(s, sizeof s, "%.*f", (int)(next() % 6), (double)(r % 10000000) / 100);
            break;
        case 2: { /* subnormals and the smallest normals */
            uint64_t bits = r >> 11;
            double v;
            memcpy(&v, &bits, sizeof v);
            snprintf(s, sizeof s, "%.*g", 1 + (int)(next() % 17), v);
            break;
        }
        case 3: /* digits, point and exponent in any arrangement */
            snprintf(s, sizeof s, "%s%llu.%llue%s%d", (r & 1) ? "-" : "",
                     (unsigned long long)(next() % 100000), (unsigned long long)(next() % 1000000),
                     (r & 2) ? "-" : "+", (int)(next() % 40));
            break;
        default:
            snprintf(s, sizeof s, "%.*g%s", 1 + (int)(next() % 17),
                     (double)(int64_t)(r % 2000001) - 1000000, (r & 8) ? " x" : "e");
            break;
        }
        bad += !same(s);
    }
    CU_ASSERT_EQUAL(bad, 0);
}

/* Buffers too small for the digits: cut as snprintf cuts them, on the fast
 * path and on the slow one (values that need 17 digits), and nothing
 * written at size 0; meta_copy_cut likewise. */
static void test_small_buffers(void)
{
    const double values[] = {0.1 + 0.2, 1.0 / 3.0, 5e-324, -1.7976931348623157e308, 123456.0, -0.0};
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        char full[40], want[40], got[40];
        size_t len = meta_shortest_double(full, sizeof full, values[i]);
        CU_ASSERT_EQUAL(len, strlen(full));
        for (size_t size = 1; size <= len + 1; size++) {
            memset(got, 'x', sizeof got);
            snprintf(want, size, "%s", full);
            CU_ASSERT_EQUAL(meta_shortest_double(got, size, values[i]), strlen(want));
            CU_ASSERT_STRING_EQUAL(got, want);
        }
        CU_ASSERT_EQUAL(meta_shortest_double(NULL, 0, values[i]), 0);
    }
    char b[4] = "abc";
    CU_ASSERT_EQUAL(meta_copy_cut(b, 0, "zzz"), 0);
    CU_ASSERT_STRING_EQUAL(b, "abc");
    CU_ASSERT_EQUAL(meta_copy_cut(b, sizeof b, "hello"), 3);
    CU_ASSERT_STRING_EQUAL(b, "hel");
    CU_ASSERT_EQUAL(meta_copy_cut(b, sizeof b, "hi"), 2);
    CU_ASSERT_STRING_EQUAL(b, "hi");
}

int main(void)
{
    static const struct meta_test_case tests[] = {
        {"buffers too small", test_small_buffers},
        {"fixed texts", test_fixed},
        {"random bit patterns", test_random_bits},
        {"random magnitudes and formats", test_random_magnitudes},
        {"data forms", test_data_forms},
        {NULL, NULL},
    };
    return meta_test_run_suite("decimal reading", NULL, NULL, tests);
}
