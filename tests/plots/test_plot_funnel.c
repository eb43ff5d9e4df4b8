/*
 * Tests of funnel plots: the builder's checks, the script (inverted standard
 * error axis, pseudo 95% region, pooled line, log axis ticks; trim-and-fill's
 * filled studies and adjusted estimate; the contours of significance, cut to
 * the plot) and the files gnuplot makes of the BCG studies in each format.
 */
#include <CUnit/CUnit.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cunit_main.h"
#include "meta_plot.h"
#include "plot_fixtures.h"

static char *script_of(const struct meta_funnel *f, enum meta_plot_format fmt, const char *path,
                       int *ret)
{
    char *buf = NULL;
    size_t len = 0;
    struct meta_error err;
    FILE *mem = open_memstream(&buf, &len);
    int rc;
    if (!mem)
        return NULL;
    rc = meta_plot_funnel_script(f, fmt, path, mem, &err);
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
    struct meta_funnel *f = meta_funnel_alloc();
    struct meta_error err;
    int ret;
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_PTR_NULL(script_of(f, META_PLOT_PNG, "f.png", &ret));
    CU_ASSERT_EQUAL(ret, META_EINVAL); /* no points */
    CU_ASSERT_EQUAL(meta_funnel_add_point(f, 0.1, 0, "a", &err), META_EINVAL);
    CU_ASSERT_EQUAL(meta_funnel_add_point(f, 0.1, -1, "a", &err), META_EINVAL);
    CU_ASSERT_EQUAL(meta_funnel_add_point(f, NAN, 0.1, "a", &err), META_EINVAL);
    CU_ASSERT_EQUAL(meta_funnel_add_point(f, 0.1, INFINITY, "a", &err), META_EINVAL);
    CU_ASSERT_EQUAL(meta_funnel_add_point(f, 0.1, 0.2, NULL, &err), META_OK);
    CU_ASSERT_PTR_NULL(script_of(f, META_PLOT_PNG, "f.png", &ret));
    CU_ASSERT_EQUAL(ret, META_EINVAL); /* no pooled estimate */
    CU_ASSERT_EQUAL(meta_funnel_set_estimate(f, NAN, &err), META_EINVAL);
    CU_ASSERT_EQUAL(meta_funnel_set_estimate(f, 0.05, &err), META_OK);
    CU_ASSERT_EQUAL(meta_funnel_set_measure(f, NULL, 0, &err), META_EINVAL);
    char *s = script_of(f, META_PLOT_PNG, "f.png", &ret);
    CU_ASSERT_PTR_NOT_NULL(s);
    free(s);
    meta_funnel_free(f);
    meta_funnel_free(NULL);
}

static void test_script(void)
{
    struct meta_funnel *f = fixture_bcg_funnel();
    char *s;
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    f->show_labels = 1;
    s = script_of(f, META_PLOT_SVG, "funnel.svg", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT(strstr(s, "set logscale x\n") != NULL);
    CU_ASSERT(strstr(s, "'Risk Ratio (log scale)'") != NULL);
    /* Standard error axis inverted: from its largest value down to 0. */
    CU_ASSERT(strstr(s, ":0]\n") != NULL);
    CU_ASSERT(strstr(s, "set object polygon") != NULL);
    /* The pooled estimate exp(-0.7145) = 0.4894 as a vertical line. */
    CU_ASSERT(strstr(s, "set arrow from first 0.489") != NULL);
    CU_ASSERT(strstr(s, "'0.1' 0.1") != NULL);
    CU_ASSERT(strstr(s, "'1' 1") != NULL);
    /* 13 data lines, and labels only as quoted, noenhanced text. */
    const char *data = strstr(s, "$points << EOD\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(data);
    size_t lines = 0;
    for (const char *p = strchr(data, '\n') + 1; strncmp(p, "EOD", 3) != 0; p = strchr(p, '\n') + 1)
        lines++;
    CU_ASSERT_EQUAL(lines, 13);
    CU_ASSERT(strstr(s, "set label 'bcg: Aronson 1948' at first") != NULL);
    free(s);
    meta_funnel_free(f);
}

static void test_files(void)
{
    struct meta_funnel *f = fixture_bcg_funnel();
    struct meta_error err;
    char out[512], *text, *pdf;
    unsigned w, h;
    size_t len;
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fixture_path(out, sizeof out, "funnel.png");
    CU_ASSERT_EQUAL_FATAL(meta_plot_funnel(f, out, NULL, &err), META_OK);
    CU_ASSERT_EQUAL(fixture_png_size(out, &w, &h), 0);
    CU_ASSERT(w > 600 && h > 600);
    CU_ASSERT(fixture_file_size(out) > 10000);

    fixture_path(out, sizeof out, "funnel.svg");
    CU_ASSERT_EQUAL_FATAL(meta_plot_funnel(f, out, NULL, &err), META_OK);
    text = fixture_svg_text(out);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    CU_ASSERT(strstr(text, "BCG vaccine: funnel plot") != NULL);
    CU_ASSERT(strstr(text, "Standard error") != NULL);
    CU_ASSERT(strstr(text, "Risk Ratio (log scale)") != NULL);
    free(text);

    fixture_path(out, sizeof out, "funnel.pdf");
    CU_ASSERT_EQUAL_FATAL(meta_plot_funnel(f, out, NULL, &err), META_OK);
    pdf = fixture_read_file(out, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(pdf);
    CU_ASSERT(len > 1000 && memcmp(pdf, "%PDF-", 5) == 0);
    free(pdf);
    meta_funnel_free(f);
}

static void test_linear_single_point(void)
{
    struct meta_funnel *f = meta_funnel_alloc();
    struct meta_error err;
    char out[512];
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL(meta_funnel_set_measure(f, "Mean Difference", 0, &err), META_OK);
    CU_ASSERT_EQUAL(meta_funnel_add_point(f, -1.2, 0.4, "only", &err), META_OK);
    CU_ASSERT_EQUAL(meta_funnel_set_estimate(f, -1.2, &err), META_OK);
    fixture_path(out, sizeof out, "funnel_one.png");
    CU_ASSERT_EQUAL(meta_plot_funnel(f, out, NULL, &err), META_OK);
    CU_ASSERT(fixture_file_size(out) > 5000);
    meta_funnel_free(f);
}

/* The BCG funnel with trim-and-fill's two filled studies (made up for the
 * plot: values on the analysis scale) and its adjusted estimate. */
static struct meta_funnel *trimfill_funnel(void)
{
    struct meta_funnel *f = fixture_bcg_funnel();
    struct meta_error err;
    if (!f || meta_funnel_add_filled(f, 0.31, 0.47, &err) != META_OK ||
        meta_funnel_add_filled(f, 0.25, 0.60, &err) != META_OK ||
        meta_funnel_set_adjusted(f, -0.5, &err) != META_OK) {
        meta_funnel_free(f);
        return NULL;
    }
    return f;
}

/* Number of lines of data block `name` in script s. */
static size_t block_lines(const char *s, const char *name)
{
    const char *data = strstr(s, name);
    size_t lines = 0;
    if (!data)
        return 0;
    for (const char *p = strchr(data, '\n') + 1; strncmp(p, "EOD", 3) != 0; p = strchr(p, '\n') + 1)
        lines++;
    return lines;
}

static void test_trimfill_script(void)
{
    struct meta_funnel *f = meta_funnel_alloc();
    struct meta_error err;
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL(meta_funnel_add_filled(f, NAN, 0.2, &err), META_EINVAL);
    CU_ASSERT_EQUAL(meta_funnel_add_filled(f, 0.1, 0, &err), META_EINVAL);
    CU_ASSERT_EQUAL(meta_funnel_set_adjusted(f, INFINITY, &err), META_EINVAL);
    CU_ASSERT(isnan(f->adjusted));
    meta_funnel_free(f);

    f = trimfill_funnel();
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    char *s = script_of(f, META_PLOT_SVG, "funnel.svg", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_EQUAL(block_lines(s, "$points << EOD"), 13);
    CU_ASSERT_EQUAL(block_lines(s, "$filled << EOD"), 2);
    /* exp(0.31): the filled study on the ratio axis */
    CU_ASSERT(strstr(s, "$filled << EOD\n1.363425114 0.47\n") != NULL);
    CU_ASSERT(strstr(s, "$filled using 1:2 with points pt 6") != NULL);
    CU_ASSERT(strstr(s, "title 'Filled (trim-and-fill)'") != NULL);
    CU_ASSERT(strstr(s, "title 'Adjusted estimate'") != NULL);
    CU_ASSERT(strstr(s, "set key outside") != NULL);
    /* the adjusted estimate exp(-0.5) = 0.6065 dashed, and the region's apex there */
    CU_ASSERT(strstr(s, "set arrow from first 0.606531, graph 0 to first 0.606531, graph 1 nohead "
                        "lw 1.2 dt 2") != NULL);
    CU_ASSERT(strstr(s, "to first 0.606531, first 0 to") != NULL);
    /* the pooled line stays, solid */
    CU_ASSERT(strstr(s, "set arrow from first 0.489") != NULL);
    free(s);
    meta_funnel_free(f);
}

/* Every x of every polygon of script s lies within its xrange. */
static int polygons_inside(const char *s, size_t *count)
{
    double lo, hi;
    const char *r = strstr(s, "set xrange [");
    *count = 0;
    if (!r || sscanf(r, "set xrange [%lf:%lf]", &lo, &hi) != 2)
        return 0;
    for (const char *p = strstr(s, "set object polygon"); p;
         p = strstr(p + 1, "set object polygon")) {
        const char *end = strchr(p, '\n');
        (*count)++;
        for (const char *q = strstr(p, "first "); q && q < end; q = strstr(q + 1, "first ")) {
            double x;
            if (sscanf(q, "first %lf", &x) != 1)
                return 0;
            if (x < lo - 1e-5 * (hi - lo) || x > hi + 1e-5 * (hi - lo))
                return 0;
            q = strstr(q + 1, "first "); /* the y of the pair */
            if (!q || q > end)
                return 0;
        }
    }
    return 1;
}

static void test_contours_script(void)
{
    struct meta_funnel *f = fixture_bcg_funnel();
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    meta_funnel_set_contours(f, 1);
    char *s = script_of(f, META_PLOT_PNG, "funnel.png", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    /* the background (p < 0.01), the three contours' insides, cut to the
     * plot; the null line at 1; no pseudo confidence region */
    CU_ASSERT(strstr(s, "set object rect from graph 0, graph 0 to graph 1, graph 1 fc rgb "
                        "'#a6a6a6'") != NULL);
    size_t n;
    CU_ASSERT(polygons_inside(s, &n));
    CU_ASSERT_EQUAL(n, 3);
    CU_ASSERT(strstr(s, "set arrow from first 1, graph 0 to first 1, graph 1 nohead lw 0.8 dt 3") !=
              NULL);
    CU_ASSERT(strstr(s, "'#ececec'") == NULL);
    static const char *const keys[] = {"title 'p > 0.10'", "title '0.05 < p < 0.10'",
                                       "title '0.01 < p < 0.05'", "title 'p < 0.01'"};
    for (size_t i = 0; i < 4; i++)
        CU_ASSERT(strstr(s, keys[i]) != NULL);
    free(s);
    meta_funnel_free(f);

    /* A linear axis whose points lie far to one side: the contours around 0
     * reach beyond the plot and are cut to it. */
    f = meta_funnel_alloc();
    struct meta_error err;
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL(meta_funnel_set_measure(f, "Mean Difference", 0, &err), META_OK);
    CU_ASSERT_EQUAL(meta_funnel_add_point(f, 3.0, 1.0, "a", &err), META_OK);
    CU_ASSERT_EQUAL(meta_funnel_add_point(f, 4.0, 0.5, "b", &err), META_OK);
    CU_ASSERT_EQUAL(meta_funnel_set_estimate(f, 3.5, &err), META_OK);
    meta_funnel_set_contours(f, 1);
    s = script_of(f, META_PLOT_SVG, "funnel.svg", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT(polygons_inside(s, &n));
    CU_ASSERT(n >= 1 && n <= 3);
    free(s);
    meta_funnel_free(f);
}

static void test_trimfill_contours_files(void)
{
    struct meta_funnel *f = trimfill_funnel();
    struct meta_error err;
    char out[512];
    unsigned w, h;
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    meta_funnel_set_contours(f, 1);
    fixture_path(out, sizeof out, "funnel_trimfill.png");
    CU_ASSERT_EQUAL_FATAL(meta_plot_funnel(f, out, NULL, &err), META_OK);
    CU_ASSERT_EQUAL(fixture_png_size(out, &w, &h), 0);
    CU_ASSERT(w > 1000 && h > 600); /* the key beside the plot widens it */
    fixture_path(out, sizeof out, "funnel_trimfill.svg");
    CU_ASSERT_EQUAL_FATAL(meta_plot_funnel(f, out, NULL, &err), META_OK);
    char *text = fixture_svg_text(out);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    static const char *const shown[] = {
        "Trials",        "Filled (trim-and-fill)", "Pooled estimate", "Adjusted estimate",
        "p > 0.10",      "0.05 < p < 0.10",        "0.01 < p < 0.05", "p < 0.01",
        "Standard error"};
    for (size_t i = 0; i < sizeof shown / sizeof shown[0]; i++) {
        if (!strstr(text, shown[i]))
            printf("\n    the SVG lacks '%s'", shown[i]);
        CU_ASSERT(strstr(text, shown[i]) != NULL);
    }
    free(text);
    fixture_path(out, sizeof out, "funnel_trimfill.pdf");
    CU_ASSERT_EQUAL_FATAL(meta_plot_funnel(f, out, NULL, &err), META_OK);
    size_t len;
    char *pdf = fixture_read_file(out, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(pdf);
    CU_ASSERT(len > 1000 && memcmp(pdf, "%PDF-", 5) == 0);
    free(pdf);
    meta_funnel_free(f);
}

int main(void)
{
    static const struct meta_test_case cases[] = {
        {"builder: checks", test_builder_checks},
        {"script: axes, region, pooled line", test_script},
        {"BCG: PNG, SVG, PDF", test_files},
        {"one study on a linear axis", test_linear_single_point},
        {"trim-and-fill: filled studies, adjusted estimate", test_trimfill_script},
        {"contours of significance, cut to the plot", test_contours_script},
        {"trim-and-fill and contours: PNG, SVG, PDF", test_trimfill_contours_files},
        {NULL, NULL}};
    return meta_test_run_suite("funnel plots", fixture_suite_init, fixture_suite_cleanup, cases);
}
