/*
 * Tests of bubble plots: the builder's checks, the script (marker size as
 * the square root of the weight, so that the area follows the weight; the
 * band and the fitted line; the log axis of a ratio; the footer) and the
 * files gnuplot makes in each format, on the BCG trials against their
 * absolute latitude with metafor's fit (bias_reference.json, REML).
 */
#include <CUnit/CUnit.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cunit_main.h"
#include "meta_plot.h"
#include "plot_fixtures.h"

/* BCG: ablat, yi (log RR) and the REML weights (percent) of
 * rma(yi, vi, mods = ablat) (bias_reference.json), and its fitted line
 * 0.2515 - 0.0291 ablat with a band of +-0.3 (the plot's own numbers do
 * not matter here). */
static const double ablat[] = {44, 55, 42, 52, 13, 44, 19, 13, 27, 42, 18, 33, 33};
static const double yi[] = {-0.889311, -1.585389, -1.348073, -1.441551, -0.217547,
                            -0.786116, -1.620898, 0.011952,  -0.469418, -1.371345,
                            -0.339359, 0.445913,  -0.017314};
static const double weight[] = {2.8229,  4.2114, 2.2416, 9.5011, 7.6806, 10.0706, 3.9007,
                                10.3097, 7.5497, 7.0059, 9.9431, 1.8855, 7.0826};
#define K 13

static struct meta_bubble *bcg_bubble(void)
{
    struct meta_bubble *b = meta_bubble_alloc();
    struct meta_error err;
    int ok = b && meta_bubble_set_axes(b, "ablat", "Risk Ratio", 1, 95, &err) == META_OK &&
             meta_bubble_set_title(b, "BCG vaccine by latitude", &err) == META_OK &&
             meta_bubble_add_footer(b, "Meta-regression, random effects (REML)", &err) == META_OK;
    for (size_t i = 0; ok && i < K; i++)
        ok = meta_bubble_add_point(b, ablat[i], yi[i], weight[i], "trial", &err) == META_OK;
    for (int i = 0; ok && i <= 42; i++) {
        double x = 13 + i, fit = 0.2515 - 0.0291 * x;
        ok = meta_bubble_add_fit(b, x, fit, fit - 0.3, fit + 0.3, &err) == META_OK;
    }
    if (!ok) {
        meta_bubble_free(b);
        return NULL;
    }
    return b;
}

static char *script_of(const struct meta_bubble *b, enum meta_plot_format fmt, int *ret)
{
    char *buf = NULL;
    size_t len = 0;
    struct meta_error err;
    FILE *mem = open_memstream(&buf, &len);
    if (!mem)
        return NULL;
    int rc = meta_plot_bubble_script(b, fmt, "bubble.out", mem, &err);
    fclose(mem);
    if (ret)
        *ret = rc;
    if (rc != META_OK) {
        free(buf);
        return NULL;
    }
    return buf;
}

static void test_builder_checks(void)
{
    struct meta_bubble *b = meta_bubble_alloc();
    struct meta_error err;
    int ret;
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_PTR_NULL(script_of(b, META_PLOT_PNG, &ret));
    CU_ASSERT_EQUAL(ret, META_EINVAL); /* no trials */
    CU_ASSERT_EQUAL(meta_bubble_add_point(b, 1, 0.1, 0, "a", &err), META_EINVAL);
    CU_ASSERT_EQUAL(meta_bubble_add_point(b, NAN, 0.1, 5, "a", &err), META_EINVAL);
    CU_ASSERT_EQUAL(meta_bubble_add_point(b, 1, INFINITY, 5, "a", &err), META_EINVAL);
    CU_ASSERT_EQUAL(meta_bubble_add_point(b, 1, 0.1, 5, NULL, &err), META_OK);
    CU_ASSERT_PTR_NULL(script_of(b, META_PLOT_PNG, &ret));
    CU_ASSERT_EQUAL(ret, META_EINVAL); /* no fitted line */
    CU_ASSERT_EQUAL(meta_bubble_add_fit(b, 1, 0.2, 0.3, 0.4, &err), META_EINVAL); /* lo > fit */
    CU_ASSERT_EQUAL(meta_bubble_add_fit(b, 1, 0.2, 0.1, NAN, &err), META_EINVAL);
    CU_ASSERT_EQUAL(meta_bubble_add_fit(b, 1, 0.2, 0.1, 0.3, &err), META_OK);
    CU_ASSERT_EQUAL(meta_bubble_add_fit(b, 1, 0.2, 0.1, 0.3, &err), META_EINVAL); /* x repeats */
    CU_ASSERT_EQUAL(meta_bubble_add_fit(b, 2, 0.2, 0.1, 0.3, &err), META_OK);
    CU_ASSERT_EQUAL(meta_bubble_set_axes(b, NULL, "Effect", 0, 95, &err), META_EINVAL);
    CU_ASSERT_EQUAL(meta_bubble_set_axes(b, "x", "Effect", 0, 100, &err), META_EINVAL);
    CU_ASSERT_EQUAL(meta_bubble_add_footer(b, NULL, &err), META_EINVAL);
    char *s = script_of(b, META_PLOT_PNG, &ret);
    CU_ASSERT_PTR_NOT_NULL(s);
    free(s);
    meta_bubble_free(b);
    meta_bubble_free(NULL);
}

static void test_script(void)
{
    struct meta_bubble *b = bcg_bubble();
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    char *s = script_of(b, META_PLOT_SVG, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT(strstr(s, "set logscale y\n") != NULL);
    CU_ASSERT(strstr(s, "set ylabel 'Risk Ratio (log scale)'") != NULL);
    CU_ASSERT(strstr(s, "set xlabel 'ablat'") != NULL);
    CU_ASSERT(strstr(s, "set title 'BCG vaccine by latitude'") != NULL);
    CU_ASSERT(
        strstr(s, "set label 'Meta-regression, random effects (REML)' noenhanced at screen") !=
        NULL);
    /* no effect, RR 1, as a dotted line */
    CU_ASSERT(strstr(s, "set arrow from graph 0, first 1 to graph 1, first 1 nohead dt 3") != NULL);
    /* the band, its edges, the line, the discs and their rims */
    CU_ASSERT(strstr(s, "$fit using 1:3:4 with filledcurves") != NULL);
    CU_ASSERT(strstr(s, "$fit using 1:2 with lines lw 2") != NULL);
    CU_ASSERT(strstr(s, "$points using 1:2:3 with points pt 7 ps variable") != NULL);
    /* Marker sizes: the heaviest trial (TPT Madras 1980, 10.31%) 5, the
     * others 5 sqrt(w / 10.3097): areas proportional to the weights. */
    const char *data = strstr(s, "$points << EOD\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(data);
    data = strchr(data, '\n') + 1;
    for (size_t i = 0; i < K; i++) {
        double x, y, ps;
        CU_ASSERT_EQUAL_FATAL(sscanf(data, "%lf %lf %lf", &x, &y, &ps), 3);
        CU_ASSERT_DOUBLE_EQUAL(x, ablat[i], 1e-9);
        CU_ASSERT_DOUBLE_EQUAL(y, exp(yi[i]), 1e-6 * exp(yi[i]));
        CU_ASSERT_DOUBLE_EQUAL(ps, 5 * sqrt(weight[i] / 10.3097), 1e-5);
        data = strchr(data, '\n') + 1;
    }
    CU_ASSERT_EQUAL(strncmp(data, "EOD", 3), 0);
    free(s);

    /* A linear measure: no log axis; the x range pads the moderator's. */
    b->log_scale = 0;
    s = script_of(b, META_PLOT_PNG, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT(strstr(s, "set logscale") == NULL);
    CU_ASSERT(strstr(s, "set xrange [10.9:57.1]") != NULL);
    free(s);
    meta_bubble_free(b);
}

static void test_files(void)
{
    struct meta_bubble *b = bcg_bubble();
    struct meta_error err;
    char out[512];
    unsigned w, h;
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    fixture_path(out, sizeof out, "bubble.png");
    CU_ASSERT_EQUAL_FATAL(meta_plot_bubble(b, out, NULL, &err), META_OK);
    CU_ASSERT_EQUAL(fixture_png_size(out, &w, &h), 0);
    CU_ASSERT(w > 900 && h > 700);
    CU_ASSERT(fixture_file_size(out) > 10000);
    fixture_path(out, sizeof out, "bubble.svg");
    CU_ASSERT_EQUAL_FATAL(meta_plot_bubble(b, out, NULL, &err), META_OK);
    char *text = fixture_svg_text(out);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    static const char *const shown[] = {"BCG vaccine by latitude", "ablat",
                                        "Risk Ratio (log scale)",
                                        "Meta-regression, random effects (REML)"};
    for (size_t i = 0; i < sizeof shown / sizeof shown[0]; i++)
        CU_ASSERT(strstr(text, shown[i]) != NULL);
    free(text);
    fixture_path(out, sizeof out, "bubble.pdf");
    CU_ASSERT_EQUAL_FATAL(meta_plot_bubble(b, out, NULL, &err), META_OK);
    size_t len;
    char *pdf = fixture_read_file(out, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(pdf);
    CU_ASSERT(len > 1000 && memcmp(pdf, "%PDF-", 5) == 0);
    free(pdf);
    /* an unwritable path is gnuplot's failure, reported */
    CU_ASSERT_EQUAL(meta_plot_bubble(b, "/nonexistent/dir/bubble.png", NULL, &err), META_EIO);
    meta_bubble_free(b);
}

int main(void)
{
    static const struct meta_test_case cases[] = {
        {"builder: checks", test_builder_checks},
        {"script: marker areas by weight, band, log axis", test_script},
        {"BCG by latitude: PNG, SVG, PDF", test_files},
        {NULL, NULL}};
    return meta_test_run_suite("bubble plots", fixture_suite_init, fixture_suite_cleanup, cases);
}
