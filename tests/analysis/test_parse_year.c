/*
 * The `year` attribute read as a number (analysis_parse_year, by
 * meta_strtod): years of digits and everything else give what strtod
 * alone gives, and what is not a number whole gives NaN.
 */
#include "analysis_internal.h"
#include "cunit_main.h"

#include <CUnit/CUnit.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The reading by strtod itself: trailing blanks allowed, the whole text a
 * finite number. */
static double by_strtod(const char *text)
{
    char *end;
    double y = strtod(text, &end);
    while (*end == ' ')
        end++;
    return end != text && *end == '\0' && isfinite(y) ? y : NAN;
}

static void expect(const char *text)
{
    double got = analysis_parse_year(text), want = by_strtod(text);
    CU_ASSERT(memcmp(&got, &want, sizeof got) == 0 || (isnan(got) && isnan(want)));
    if (!(got == want || (isnan(got) && isnan(want))))
        fprintf(stderr, "\n  '%s': %.17g, strtod %.17g\n", text, got, want);
}

static void test_years(void)
{
    static const char *const texts[] = {
        "2023",   "1986",      "0",         "7",          "2023 ",
        "2023  ", "000002023", "123456789", "1234567890", "99999999999999999999",
        "1986.5", "-2001",     "+2001",     " 2001",      "2001a",
        "2001 a", "",          " ",         "abc",        "1e3",
        "0x7e7",  "inf",       "nan",       "2023\t",     "\xc2\xb2",
        "19 86"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        expect(texts[i]);
    CU_ASSERT_EQUAL(analysis_parse_year("2023"), 2023.0);
    CU_ASSERT_EQUAL(analysis_parse_year("1986.5 "), 1986.5);
    CU_ASSERT(isnan(analysis_parse_year(NULL)));
    CU_ASSERT(isnan(analysis_parse_year("2023x")));
    /* Every count of digits from 1 to 12, all nines and with zeros. */
    char text[16];
    for (int n = 1; n <= 12; n++) {
        memset(text, '9', (size_t)n);
        text[n] = '\0';
        expect(text);
        text[0] = '1';
        memset(text + 1, '0', (size_t)n - 1);
        expect(text);
    }
}

int main(void)
{
    static const struct meta_test_case cases[] = {
        {"a year read as strtod reads it", test_years},
        {NULL, NULL},
    };
    return meta_test_run_suite("parse_year", NULL, NULL, cases);
}
