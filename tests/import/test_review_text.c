/*
 * The text rules of lib/import (review_text.h), case by case: numbers as
 * packages and RevMan 5 write them, UTF-8, column names, RoB 2 words, CD
 * numbers, names made safe for analysis files, flags and levels.
 */
#include "cunit_main.h"
#include "review_text.h"

#include <math.h>
#include <string.h>

static void test_numbers(void)
{
    static const struct {
        const char *text;
        int allow_inf;
        enum meta_review_num want;
        double value;
    } cases[] = {
        {"60.033898", 0, META_REVIEW_NUM_OK, 60.033898},
        {" -1.266102 ", 0, META_REVIEW_NUM_OK, -1.266102},
        {"0.0", 0, META_REVIEW_NUM_OK, 0},
        {"1.0E-4", 0, META_REVIEW_NUM_OK, 1e-4},
        {".5", 0, META_REVIEW_NUM_OK, 0.5},
        {"+3", 0, META_REVIEW_NUM_OK, 3},
        {"", 0, META_REVIEW_NUM_ABSENT, NAN},
        {"  ", 0, META_REVIEW_NUM_ABSENT, NAN},
        {"NA", 0, META_REVIEW_NUM_ABSENT, NAN},
        {"#N/A", 0, META_REVIEW_NUM_ABSENT, NAN},
        {"NaN", 0, META_REVIEW_NUM_ABSENT, NAN},
        {"-Infinity", 1, META_REVIEW_NUM_OK, -INFINITY},
        {"Infinity", 1, META_REVIEW_NUM_OK, INFINITY},
        {"Infinity", 0, META_REVIEW_NUM_BAD, NAN},
        {"1e999", 1, META_REVIEW_NUM_BAD, NAN},
        {"0x10", 0, META_REVIEW_NUM_BAD, NAN},
        {"1,234", 0, META_REVIEW_NUM_BAD, NAN},
        {"12 kg", 0, META_REVIEW_NUM_BAD, NAN},
        {"abc", 0, META_REVIEW_NUM_BAD, NAN},
        {"1e", 0, META_REVIEW_NUM_BAD, NAN},
        {"--1", 0, META_REVIEW_NUM_BAD, NAN},
        {"-", 0, META_REVIEW_NUM_BAD, NAN},
        {"nan(1)", 0, META_REVIEW_NUM_BAD, NAN},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        double v = 42;
        enum meta_review_num r = meta_review_parse_number(cases[i].text, cases[i].allow_inf, &v);
        CU_ASSERT_EQUAL(r, cases[i].want);
        int ok = r != META_REVIEW_NUM_OK ? isnan(v)
                 : isinf(cases[i].value) ? v == cases[i].value
                                         : fabs(v - cases[i].value) <= 1e-15 * fabs(cases[i].value);
        CU_ASSERT(ok);
    }
    int n = 0;
    CU_ASSERT(meta_review_parse_int("12", &n) && n == 12);
    CU_ASSERT(meta_review_parse_int(" 3.0 ", &n) && n == 3);
    CU_ASSERT(!meta_review_parse_int("3.5", &n));
    CU_ASSERT(!meta_review_parse_int("", &n));
    CU_ASSERT(!meta_review_parse_int("9999999999", &n));
}

static void test_utf8(void)
{
    size_t bad = 99;
    CU_ASSERT(meta_review_utf8_ok((const unsigned char *)"plain", 5, &bad));
    const char *ok = "\xE2\x89\xA4"
                     "1 day, \xC2\xB2, \xF0\x9F\x98\x80";
    CU_ASSERT(meta_review_utf8_ok((const unsigned char *)ok, strlen(ok), &bad));
    static const struct {
        const char *bytes;
        size_t bad;
    } cases[] = {
        {"M\xFCller", 1},        /* Latin-1 u umlaut */
        {"ab\xC0\x80", 2},       /* overlong NUL */
        {"\xE0\x80\xAF", 0},     /* overlong slash */
        {"x\xED\xA0\x80", 1},    /* a surrogate */
        {"\xF4\x90\x80\x80", 0}, /* above U+10FFFF */
        {"end\xE2\x89", 3},      /* cut short */
        {"\x80", 0},             /* a stray continuation byte */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        bad = 99;
        CU_ASSERT(!meta_review_utf8_ok((const unsigned char *)cases[i].bytes,
                                       strlen(cases[i].bytes), &bad));
        CU_ASSERT_EQUAL(bad, cases[i].bad);
    }
}

static void test_column_names(void)
{
    CU_ASSERT(meta_review_colname_is("Heterogeneity Tau\xC2\xB2", "Heterogeneity Tau²"));
    CU_ASSERT(meta_review_colname_is("heterogeneity  tau^2 ", "Heterogeneity Tau²"));
    CU_ASSERT(meta_review_colname_is("HETEROGENEITY TAU2", "Heterogeneity Tau²"));
    CU_ASSERT(meta_review_colname_is("  Analysis group", "Analysis group"));
    CU_ASSERT(!meta_review_colname_is("Analysis groups", "Analysis group"));
    CU_ASSERT(!meta_review_colname_is("Mean", "Experimental mean"));
}

static void test_rob(void)
{
    enum meta_review_rob r;
    CU_ASSERT(meta_review_parse_rob("Low risk", &r) && r == META_REVIEW_ROB_LOW);
    CU_ASSERT(meta_review_parse_rob(" low ", &r) && r == META_REVIEW_ROB_LOW);
    CU_ASSERT(meta_review_parse_rob("Some concerns", &r) && r == META_REVIEW_ROB_SOME_CONCERNS);
    CU_ASSERT(meta_review_parse_rob("High risk", &r) && r == META_REVIEW_ROB_HIGH);
    CU_ASSERT(meta_review_parse_rob("HIGH", &r) && r == META_REVIEW_ROB_HIGH);
    CU_ASSERT(meta_review_parse_rob("", &r) && r == META_REVIEW_ROB_NONE);
    CU_ASSERT(!meta_review_parse_rob("Unclear risk", &r));
    CU_ASSERT_STRING_EQUAL(meta_review_rob_name(META_REVIEW_ROB_SOME_CONCERNS), "some concerns");
    CU_ASSERT_PTR_NULL(meta_review_rob_name(META_REVIEW_ROB_NONE));
}

static void test_cd_numbers(void)
{
    char cd[16];
    CU_ASSERT(meta_review_find_cd("CD015373_pub2-data-rows.csv", cd));
    CU_ASSERT_STRING_EQUAL(cd, "CD015373");
    CU_ASSERT(meta_review_find_cd("10.1002/14651858.CD001234.pub3", cd));
    CU_ASSERT_STRING_EQUAL(cd, "CD001234");
    CU_ASSERT(meta_review_find_cd("x/CD013524-analysis-data/CD013524-data-rows.csv", cd));
    CU_ASSERT_STRING_EQUAL(cd, "CD013524");
    CU_ASSERT(!meta_review_find_cd("921923100913455418-data-rows.csv", cd));
    CU_ASSERT(!meta_review_find_cd("CD12345-data-rows.csv", cd)); /* five digits */
    CU_ASSERT(!meta_review_find_cd("CD1234567.csv", cd));         /* seven */
    CU_ASSERT(!meta_review_find_cd("ABCD123456.csv", cd));        /* inside a word */
}

static void test_safe_names(void)
{
    char buf[64];
    meta_review_safe_name(buf, sizeof buf, "  Pain\tintensity \n (VAS)  ", 60);
    CU_ASSERT_STRING_EQUAL(buf, "Pain intensity (VAS)");
    meta_review_safe_name(buf, sizeof buf, "Pain ;comment", 60);
    CU_ASSERT_STRING_EQUAL(buf, "Pain ,comment");
    meta_review_safe_name(buf, sizeof buf, "a;b", 60);
    CU_ASSERT_STRING_EQUAL(buf, "a;b");
    meta_review_safe_name(buf, sizeof buf, "abcdefghij klmnop", 12);
    CU_ASSERT_STRING_EQUAL(buf, "abcdefghi...");
    CU_ASSERT(strlen(buf) <= 12);
    /* never inside a character: "≤" is three bytes */
    meta_review_safe_name(buf, sizeof buf, "ab \xE2\x89\xA4\xE2\x89\xA4\xE2\x89\xA4 x", 11);
    CU_ASSERT_STRING_EQUAL(buf, "ab \xE2\x89\xA4...");
    meta_review_safe_name(buf, sizeof buf, "\t \n", 60);
    CU_ASSERT_STRING_EQUAL(buf, "");
}

static void test_flags_and_levels(void)
{
    int f = 7;
    CU_ASSERT(meta_review_parse_bool("true", &f) && f == 1);
    CU_ASSERT(meta_review_parse_bool("FALSE", &f) && f == 0);
    CU_ASSERT(meta_review_parse_bool("", &f) && f == -1);
    CU_ASSERT(!meta_review_parse_bool("maybe", &f));
    double l = 0;
    CU_ASSERT(meta_review_parse_level("95%", &l) && l == 95);
    CU_ASSERT(meta_review_parse_level(" 99 ", &l) && l == 99);
    CU_ASSERT(meta_review_parse_level("", &l) && isnan(l));
    CU_ASSERT(!meta_review_parse_level("100%", &l));
    CU_ASSERT(!meta_review_parse_level("ninety", &l));
}

static void test_words(void)
{
    CU_ASSERT_EQUAL(meta_review_parse_method("MH"), META_REVIEW_METHOD_MH);
    CU_ASSERT_EQUAL(meta_review_parse_method("Mantel-Haenszel"), META_REVIEW_METHOD_MH);
    CU_ASSERT_EQUAL(meta_review_parse_method("IV"), META_REVIEW_METHOD_IV);
    CU_ASSERT_EQUAL(meta_review_parse_method("PETO"), META_REVIEW_METHOD_PETO);
    CU_ASSERT_EQUAL(meta_review_parse_method("EXP_O_E_VAR"), META_REVIEW_METHOD_OE);
    CU_ASSERT_EQUAL(meta_review_parse_method(""), META_REVIEW_METHOD_UNSET);
    CU_ASSERT_EQUAL(meta_review_parse_method("Bayes"), META_REVIEW_METHOD_OTHER);
    CU_ASSERT_STRING_EQUAL(meta_review_type_name(META_REVIEW_GIV), "generic inverse variance");
    CU_ASSERT_STRING_EQUAL(meta_review_type_name(META_REVIEW_OE), "O-E and variance");
}

int main(void)
{
    static const struct meta_test_case cases[] = {{"numbers", test_numbers},
                                                  {"utf8", test_utf8},
                                                  {"column names", test_column_names},
                                                  {"risk of bias words", test_rob},
                                                  {"CD numbers", test_cd_numbers},
                                                  {"safe names", test_safe_names},
                                                  {"flags and levels", test_flags_and_levels},
                                                  {"method and type words", test_words},
                                                  {NULL, NULL}};
    return meta_test_run_suite("review_text", NULL, NULL, cases);
}
