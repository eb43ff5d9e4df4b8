/*
 * Tests of the text that goes into gnuplot scripts: quoting (nothing from the
 * data can end a string or run a command), UTF-8 cleaning and ellipsis at
 * character boundaries, the output format from a file name, RevMan-style
 * numbers and the axis ranges.
 */
#include <CUnit/CUnit.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cunit_main.h"
#include "plot_internal.h"

/* Checks meta_plot_quote(in) == want. */
static void check_quote(const char *in, const char *want)
{
    char *q = meta_plot_quote(in);
    CU_ASSERT_PTR_NOT_NULL_FATAL(q);
    CU_ASSERT_STRING_EQUAL(q, want);
    free(q);
}

static void test_quote_plain_and_quotes(void)
{
    check_quote("Smith 2019", "'Smith 2019'");
    check_quote("O'Brien 2001", "'O'.\"'\".'Brien 2001'");
    check_quote("''", "\"'\".\"'\"");
    check_quote("'x", "\"'\".'x'");
    check_quote("x'", "'x'.\"'\"");
    check_quote("", "''");
    check_quote(NULL, "''");
    check_quote("say \"hi\"", "'say \"hi\"'");
}

static void test_quote_injection(void)
{
    /* The quote is its own constant piece: the text stays text. */
    check_quote("'); system(\"touch /tmp/x\") #", "\"'\".'); system(\"touch /tmp/x\") #'");
    /* A newline would end the command: it becomes a space. */
    check_quote("a\nsystem('id')", "'a system('.\"'\".'id'.\"'\".')'");
    check_quote("a\r\n\tb", "'a   b'");
    /* Backslashes, @ macros and backquotes are literal inside single quotes. */
    check_quote("C:\\data\\", "'C:\\data\\'");
    check_quote("@x `id` {}^_", "'@x `id` {}^_'");
}

/* What gnuplot itself makes of quoted text: print it back and compare. */
static void test_quote_roundtrip_gnuplot(void)
{
    static const char *const texts[] = {"O'Brien",
                                        "'''",
                                        "'x'",
                                        "a''b",
                                        "'); system(\"touch /nonexistent/x\") #",
                                        "back\\slash\\",
                                        "@x `echo no` $y",
                                        "M\xc3\xbcller \xe4\xb8\xad\xe6\x96\x87",
                                        ""};
    char script[4096], out[4096];
    size_t o = 0;
    FILE *p;
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        char *q = meta_plot_quote(texts[i]);
        CU_ASSERT_PTR_NOT_NULL_FATAL(q);
        o += (size_t)snprintf(script + o, sizeof script - o, "print '<'.%s.'>'\n", q);
        free(q);
    }
    /* gnuplot prints to standard error. */
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "gnuplot 2>&1 <<'EOF'\n%sEOF\n", script);
    p = popen(cmd, "r");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    size_t n = fread(out, 1, sizeof out - 1, p);
    out[n] = '\0';
    CU_ASSERT_EQUAL(pclose(p), 0);
    char *line = out;
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        char want[512];
        char *end = strchr(line, '\n');
        CU_ASSERT_PTR_NOT_NULL_FATAL(end);
        *end = '\0';
        snprintf(want, sizeof want, "<%s>", texts[i]);
        CU_ASSERT_STRING_EQUAL(line, want);
        line = end + 1;
    }
}

static void test_quote_utf8(void)
{
    /* Valid UTF-8 passes through. */
    check_quote("N\xc3\xb8rregaard \xe4\xb8\xad\xe6\x96\x87 \xf0\x9f\x98\x80",
                "'N\xc3\xb8rregaard \xe4\xb8\xad\xe6\x96\x87 \xf0\x9f\x98\x80'");
    /* A stray byte, a truncated sequence, an overlong form and a surrogate
     * each become U+FFFD. */
    check_quote("a\xff"
                "b",
                "'a\xef\xbf\xbd"
                "b'");
    check_quote("a\xc3", "'a\xef\xbf\xbd'");
    check_quote("\xc0\xaf", "'\xef\xbf\xbd\xef\xbf\xbd'");
    check_quote("\xed\xa0\x80", "'\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd'");
    /* C1 controls and the Unicode line separator are spaces. */
    check_quote("a\xc2\x85"
                "b\xe2\x80\xa8"
                "c",
                "'a b c'");
}

static void test_ellipsize(void)
{
    char *s = meta_plot_ellipsize("abcdefghij", 5);
    CU_ASSERT_STRING_EQUAL(s, "abcd\xe2\x80\xa6");
    free(s);
    s = meta_plot_ellipsize("abcde", 5);
    CU_ASSERT_STRING_EQUAL(s, "abcde");
    free(s);
    /* Multibyte characters count as one and are never cut. */
    s = meta_plot_ellipsize("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 4);
    CU_ASSERT_STRING_EQUAL(s, "\xc3\xa9\xc3\xa9\xc3\xa9\xe2\x80\xa6");
    free(s);
    s = meta_plot_ellipsize("\xe4\xb8\xad\xe6\x96\x87\xe4\xb8\xad\xe6\x96\x87", 3);
    CU_ASSERT_STRING_EQUAL(s, "\xe4\xb8\xad\xe6\x96\x87\xe2\x80\xa6");
    free(s);
    /* A combining accent stays with its letter (e + U+0301). */
    s = meta_plot_ellipsize("ae\xcc\x81"
                            "bcdef",
                            3);
    CU_ASSERT_STRING_EQUAL(s, "ae\xcc\x81\xe2\x80\xa6");
    free(s);
    /* No space before the ellipsis. */
    s = meta_plot_ellipsize("abc defgh", 5);
    CU_ASSERT_STRING_EQUAL(s, "abc\xe2\x80\xa6");
    free(s);
}

static void test_fit_width(void)
{
    /* Ten 'H' of Liberation Sans at 10 pt are 72.2 pt wide (0.722 em each). */
    CU_ASSERT_DOUBLE_EQUAL(plot_text_width("HHHHHHHHHH", 10, 0), 72.2, 1e-9);
    CU_ASSERT(plot_text_width("HHHHHHHHHH", 10, 1) >= 72.2);
    char *s = plot_fit_width("HHHHHHHHHH", 40, 10, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT(plot_text_width(s, 10, 0) <= 40);
    CU_ASSERT(strstr(s, "\xe2\x80\xa6") != NULL);
    free(s);
    s = plot_fit_width("short", 400, 10, 0);
    CU_ASSERT_STRING_EQUAL(s, "short");
    free(s);
}

static void test_format_from_path(void)
{
    struct meta_error err;
    enum meta_plot_format fmt = META_PLOT_PDF;
    CU_ASSERT_EQUAL(meta_plot_format_from_path("out/forest.png", &fmt, &err), META_OK);
    CU_ASSERT_EQUAL(fmt, META_PLOT_PNG);
    CU_ASSERT_EQUAL(meta_plot_format_from_path("FOREST.SVG", &fmt, &err), META_OK);
    CU_ASSERT_EQUAL(fmt, META_PLOT_SVG);
    CU_ASSERT_EQUAL(meta_plot_format_from_path("a.b.Pdf", &fmt, &err), META_OK);
    CU_ASSERT_EQUAL(fmt, META_PLOT_PDF);
    CU_ASSERT_EQUAL(meta_plot_format_from_path("forest.jpg", &fmt, &err), META_EINVAL);
    CU_ASSERT(strstr(err.msg, "forest.jpg") != NULL);
    CU_ASSERT_EQUAL(meta_plot_format_from_path("forest", &fmt, &err), META_EINVAL);
    CU_ASSERT_EQUAL(meta_plot_format_from_path("dir.png/forest", &fmt, &err), META_EINVAL);
    CU_ASSERT_EQUAL(meta_plot_format_from_path(".png", &fmt, &err), META_EINVAL);
    CU_ASSERT_EQUAL(meta_plot_format_from_path(NULL, &fmt, &err), META_EINVAL);
}

static void test_numbers(void)
{
    char b[256];
    plot_fmt_interval(b, sizeof b, exp(-0.714532342158212), exp(-1.06689763881078),
                      exp(-0.362167045505642), 2);
    CU_ASSERT_STRING_EQUAL(b, "0.49 [0.34, 0.70]"); /* BCG, REML: RevMan's rounding */
    plot_fmt_value(b, sizeof b, -0.001, 2);
    CU_ASSERT_STRING_EQUAL(b, "-0.001");
    plot_fmt_value(b, sizeof b, -0.0049, 2);
    CU_ASSERT_STRING_EQUAL(b, "-0.0049");
    plot_fmt_value(b, sizeof b, -0.006, 2);
    CU_ASSERT_STRING_EQUAL(b, "-0.01");
    plot_fmt_value(b, sizeof b, 0.0, 2);
    CU_ASSERT_STRING_EQUAL(b, "0.00");
    plot_fmt_value(b, sizeof b, 123.456, 2);
    CU_ASSERT_STRING_EQUAL(b, "123.5");
    plot_fmt_value(b, sizeof b, 12345.6, 2);
    CU_ASSERT_STRING_EQUAL(b, "12346");
    plot_fmt_fixed(b, sizeof b, -0.001, 2);
    CU_ASSERT_STRING_EQUAL(b, "0.00");
    CU_ASSERT_EQUAL(plot_decimals_needed(4.3, 2), 1);
    CU_ASSERT_EQUAL(plot_decimals_needed(27, 2), 0);
    CU_ASSERT_EQUAL(plot_decimals_needed(2.355, 2), 2);

    plot_fmt_p(b, sizeof b, 1.99676459084597e-26);
    CU_ASSERT_STRING_EQUAL(b, "P < 0.00001");
    plot_fmt_p(b, sizeof b, 7.05425810174982e-05);
    CU_ASSERT_STRING_EQUAL(b, "P < 0.0001");
    plot_fmt_p(b, sizeof b, 0.00031);
    CU_ASSERT_STRING_EQUAL(b, "P = 0.0003");
    plot_fmt_p(b, sizeof b, 0.0044);
    CU_ASSERT_STRING_EQUAL(b, "P = 0.004");
    plot_fmt_p(b, sizeof b, 0.6645);
    CU_ASSERT_STRING_EQUAL(b, "P = 0.66");
}

static void test_summary_lines(void)
{
    struct meta_forest_summary s;
    char b[512];
    meta_forest_summary_init(&s);
    CU_ASSERT_EQUAL(plot_fmt_heterogeneity(b, sizeof b, &s), 0);
    CU_ASSERT_EQUAL(plot_fmt_overall_test(b, sizeof b, &s), 0);
    /* BCG, REML (metafor 3.8-1, tests/data/reference.json). */
    s.tau2 = 0.313243258137274;
    s.q = 152.233008082373;
    s.q_df = 12;
    s.q_p = 1.99676459084597e-26;
    s.i2 = 92.2213845212871;
    s.stat = -3.97444830612814;
    s.p = 7.05425810174982e-05;
    CU_ASSERT_EQUAL(plot_fmt_heterogeneity(b, sizeof b, &s), 1);
    CU_ASSERT_STRING_EQUAL(b, "Heterogeneity: Tau\xc2\xb2 = 0.31; Chi\xc2\xb2 = 152.23, df = 12 "
                              "(P < 0.00001); I\xc2\xb2 = 92%");
    CU_ASSERT_EQUAL(plot_fmt_overall_test(b, sizeof b, &s), 1);
    CU_ASSERT_STRING_EQUAL(b, "Test for overall effect: Z = 3.97 (P < 0.0001)");
    /* Common effect: no tau²; Hartung-Knapp: t with df. */
    s.tau2 = NAN;
    s.stat_df = 12;
    plot_fmt_heterogeneity(b, sizeof b, &s);
    CU_ASSERT_STRING_EQUAL(b, "Heterogeneity: Chi\xc2\xb2 = 152.23, df = 12 (P < 0.00001); "
                              "I\xc2\xb2 = 92%");
    plot_fmt_overall_test(b, sizeof b, &s);
    CU_ASSERT_STRING_EQUAL(b, "Test for overall effect: t = 3.97, df = 12 (P < 0.0001)");
    plot_fmt_subgroup_test(b, sizeof b, 1.57750551379655, 3, 0.664500980286207);
    CU_ASSERT_STRING_EQUAL(b, "Test for subgroup differences: Chi\xc2\xb2 = 1.58, df = 3 "
                              "(P = 0.66), I\xc2\xb2 = 0%");
    plot_fmt_subgroup_test(b, sizeof b, 12.8, 3, 0.005);
    CU_ASSERT_STRING_EQUAL(b, "Test for subgroup differences: Chi\xc2\xb2 = 12.80, df = 3 "
                              "(P = 0.005), I\xc2\xb2 = 76.6%");
}

static void test_axis(void)
{
    struct plot_axis ax;
    /* Log axis, everything within 1/3 .. 3: 0.2 .. 5. */
    plot_axis_symmetric(&ax, 1, 1.0, log(3));
    CU_ASSERT_DOUBLE_EQUAL(ax.lo, 0.2, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(ax.hi, 5, 1e-12);
    CU_ASSERT_EQUAL(ax.n_ticks, 5);
    CU_ASSERT_STRING_EQUAL(ax.labels[0], "0.2");
    CU_ASSERT_STRING_EQUAL(ax.labels[2], "1");
    CU_ASSERT_STRING_EQUAL(ax.labels[4], "5");
    /* Exactly 10 fits 0.1 .. 10 with RevMan's ticks. */
    plot_axis_symmetric(&ax, 1, 1.0, log(10));
    CU_ASSERT_DOUBLE_EQUAL(ax.hi, 10, 1e-12);
    CU_ASSERT_EQUAL(ax.n_ticks, 7);
    CU_ASSERT_STRING_EQUAL(ax.labels[0], "0.1");
    CU_ASSERT_STRING_EQUAL(ax.labels[1], "0.2");
    CU_ASSERT_STRING_EQUAL(ax.labels[6], "10");
    /* Narrow: 0.5 .. 2 with 0.7 and 1.5. */
    plot_axis_symmetric(&ax, 1, 1.0, 0.1);
    CU_ASSERT_DOUBLE_EQUAL(ax.lo, 0.5, 1e-12);
    CU_ASSERT_STRING_EQUAL(ax.labels[1], "0.7");
    CU_ASSERT_STRING_EQUAL(ax.labels[3], "1.5");
    /* Wide: 0.001 .. 1000. */
    plot_axis_symmetric(&ax, 1, 1.0, log(600));
    CU_ASSERT_DOUBLE_EQUAL(ax.hi, 1000, 1e-9);
    CU_ASSERT_STRING_EQUAL(ax.labels[0], "0.001");
    /* Linear: 1.7 -> -2 .. 2 in steps of 1; 0.03 -> -0.04 .. 0.04. */
    plot_axis_symmetric(&ax, 0, 0.0, 1.7);
    CU_ASSERT_DOUBLE_EQUAL(ax.lo, -2, 1e-12);
    CU_ASSERT_EQUAL(ax.n_ticks, 5);
    CU_ASSERT_STRING_EQUAL(ax.labels[1], "-1");
    CU_ASSERT_STRING_EQUAL(ax.labels[2], "0");
    plot_axis_symmetric(&ax, 0, 0.0, 0.03);
    CU_ASSERT_DOUBLE_EQUAL(ax.hi, 0.04, 1e-12);
    CU_ASSERT_STRING_EQUAL(ax.labels[3], "0.02");
    plot_axis_symmetric(&ax, 0, 0.0, 35);
    CU_ASSERT_DOUBLE_EQUAL(ax.hi, 40, 1e-9);
    /* Funnel: a log range gets 1-2-5 ticks inside it. */
    plot_axis_fit(&ax, 1, 0.09, 2.6);
    CU_ASSERT_EQUAL(ax.n_ticks, 5);
    CU_ASSERT_STRING_EQUAL(ax.labels[0], "0.1");
    CU_ASSERT_STRING_EQUAL(ax.labels[4], "2");
    CU_ASSERT_DOUBLE_EQUAL(plot_axis_frac(&ax, 0.09), 0.0, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(plot_axis_frac(&ax, 2.6), 1.0, 1e-12);
}

int main(void)
{
    static const struct meta_test_case cases[] = {
        {"quote: plain text and quotes", test_quote_plain_and_quotes},
        {"quote: nothing can end the string", test_quote_injection},
        {"quote: UTF-8 kept, invalid bytes replaced", test_quote_utf8},
        {"quote: gnuplot reads back the text", test_quote_roundtrip_gnuplot},
        {"ellipsize: at character boundaries", test_ellipsize},
        {"fit width: Liberation Sans metrics", test_fit_width},
        {"format from path", test_format_from_path},
        {"numbers: RevMan's style", test_numbers},
        {"summary lines: heterogeneity and tests", test_summary_lines},
        {"axis: symmetric ranges and ticks", test_axis},
        {NULL, NULL}};
    return meta_test_run_suite("plot text", NULL, NULL, cases);
}
