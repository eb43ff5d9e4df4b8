/*
 * Tests of funnel plots: the builder's checks, the script (inverted standard
 * error axis, pseudo 95% region, pooled line, log axis ticks) and the files
 * gnuplot makes of the BCG studies in each format.
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

int main(void)
{
    static const struct meta_test_case cases[] = {
        {"builder: checks", test_builder_checks},
        {"script: axes, region, pooled line", test_script},
        {"BCG: PNG, SVG, PDF", test_files},
        {"one study on a linear axis", test_linear_single_point},
        {NULL, NULL}};
    return meta_test_run_suite("funnel plots", fixture_suite_init, fixture_suite_cleanup, cases);
}
