/*
 * Tests of forest plots: the description's builder and sorting, the script
 * (against a committed golden file, and for what it must contain), and the
 * PNG, SVG and PDF files the real gnuplot makes of the BCG data (risk ratio,
 * log axis) and of the fibromyalgia data by drug class (SMD, subgroups), for
 * 1 to 200 studies, with hostile labels.
 *
 * Golden files: run with META_UPDATE_GOLDEN=1 to rewrite
 * the .gp files in tests/plots/golden from the current code, then review the diff.
 */
#include <CUnit/CUnit.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cunit_main.h"
#include "meta_plot.h"
#include "plot_fixtures.h"

#define GOLDEN_DIR META_SOURCE_DIR "/tests/plots/golden"

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}

/* The line of the script that contains needle, copied into buf ("" if none). */
static const char *line_with(const char *script, const char *needle, char *buf, size_t size)
{
    const char *p = strstr(script, needle), *start, *end;
    buf[0] = '\0';
    if (!p)
        return buf;
    for (start = p; start > script && start[-1] != '\n'; start--)
        ;
    end = strchr(p, '\n');
    if (!end)
        end = p + strlen(p);
    snprintf(buf, size, "%.*s", (int)(end - start), start);
    return buf;
}

static void add_study(struct meta_forest *f, const char *label, double year, double est,
                      double half, double weight)
{
    struct meta_forest_study s;
    meta_forest_study_init(&s);
    s.label = label;
    s.year = year;
    s.estimate = est;
    s.ci_lower = est - half;
    s.ci_upper = est + half;
    s.weight = weight;
    CU_ASSERT_EQUAL(meta_forest_add_study(f, &s, NULL), META_OK);
}

static void add_summary(struct meta_forest *f, int overall, double est, double half)
{
    struct meta_forest_summary s;
    meta_forest_summary_init(&s);
    s.estimate = est;
    s.ci_lower = est - half;
    s.ci_upper = est + half;
    int rc = overall ? meta_forest_add_overall(f, &s, NULL) : meta_forest_add_subtotal(f, &s, NULL);
    CU_ASSERT_EQUAL(rc, META_OK);
}

static void test_builder_checks(void)
{
    struct meta_forest *f = meta_forest_alloc();
    struct meta_forest_study s;
    struct meta_forest_summary sum;
    struct meta_error err;
    char label[32] = "Smith 2019";
    int ret;
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_PTR_NULL(fixture_forest_script(f, META_PLOT_PNG, "x.png", &ret));
    CU_ASSERT_EQUAL(ret, META_EINVAL);

    meta_forest_study_init(&s);
    CU_ASSERT_EQUAL(meta_forest_add_study(f, &s, &err), META_EINVAL); /* no label */
    s.label = label;
    s.estimate = 0.5;
    s.ci_lower = 0.6;
    s.ci_upper = 0.9;
    CU_ASSERT_EQUAL(meta_forest_add_study(f, &s, &err), META_EINVAL); /* outside its CI */
    CU_ASSERT(strstr(err.msg, "Smith 2019") != NULL);
    s.ci_lower = 0.1;
    s.weight = -1;
    CU_ASSERT_EQUAL(meta_forest_add_study(f, &s, &err), META_EINVAL);
    s.weight = 10;
    s.treatment.kind = META_PLOT_ARM_BINARY;
    s.treatment.events = 5;
    s.treatment.n = 4;
    CU_ASSERT_EQUAL(meta_forest_add_study(f, &s, &err), META_EINVAL); /* events > n */
    s.treatment.n = 40;
    CU_ASSERT_EQUAL(meta_forest_add_study(f, &s, &err), META_OK);
    /* The label was copied. */
    strcpy(label, "changed");
    CU_ASSERT_STRING_EQUAL(f->rows[0].label, "Smith 2019");
    CU_ASSERT_PTR_EQUAL(f->rows[0].study.label, f->rows[0].label);
    /* A study without an estimate is allowed ("not estimable"). */
    s.estimate = NAN;
    CU_ASSERT_EQUAL(meta_forest_add_study(f, &s, &err), META_OK);

    meta_forest_summary_init(&sum);
    CU_ASSERT_EQUAL(meta_forest_add_overall(f, &sum, &err), META_EINVAL);
    sum.estimate = 0.2;
    sum.ci_lower = 0.1;
    sum.ci_upper = 0.3;
    sum.pi_lower = 0.5;
    sum.pi_upper = 0.0;
    CU_ASSERT_EQUAL(meta_forest_add_overall(f, &sum, &err), META_EINVAL); /* PI reversed */
    sum.pi_lower = -0.5;
    sum.pi_upper = NAN;
    CU_ASSERT_EQUAL(meta_forest_add_overall(f, &sum, &err), META_EINVAL); /* half a PI */
    sum.pi_upper = 0.9;
    CU_ASSERT_EQUAL(meta_forest_add_overall(f, &sum, &err), META_OK);
    /* Nothing after the overall row. */
    CU_ASSERT_EQUAL(meta_forest_add_section(f, "late", &err), META_EINVAL);
    s.estimate = 0.5;
    CU_ASSERT_EQUAL(meta_forest_add_study(f, &s, &err), META_EINVAL);
    CU_ASSERT_EQUAL(meta_forest_add_overall(f, &sum, &err), META_EINVAL);

    CU_ASSERT_EQUAL(meta_forest_set_model(f, "Random effects", "REML", 100, &err), META_EINVAL);
    CU_ASSERT_EQUAL(meta_forest_set_model(f, NULL, "REML", 95, &err), META_EINVAL);
    CU_ASSERT_EQUAL(meta_forest_set_measure(f, NULL, 1, &err), META_EINVAL);
    CU_ASSERT_EQUAL(meta_forest_set_arms(f, "a", NULL, &err), META_EINVAL);
    CU_ASSERT_EQUAL(meta_forest_set_subgroup_test(f, NAN, 3, 0.5, &err), META_EINVAL);
    CU_ASSERT_EQUAL(meta_forest_add_footer(f, NULL, &err), META_EINVAL);
    meta_forest_free(f);
    meta_forest_free(NULL);
}

/* Labels of the rows, joined with '|'. */
static void row_labels(const struct meta_forest *f, char *buf, size_t size)
{
    size_t o = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < f->n_rows && o < size; i++)
        o += (size_t)snprintf(buf + o, size - o, "%s%s", i ? "|" : "",
                              f->rows[i].label ? f->rows[i].label : "-");
}

static void test_sort(void)
{
    struct meta_forest *f = meta_forest_alloc();
    enum meta_forest_order order;
    char buf[512];
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL(meta_forest_add_section(f, "A", NULL), META_OK);
    add_study(f, "a1", 2001, 0.3, 0.1, 10);
    add_study(f, "a2", NAN, -0.2, 0.1, 30);
    add_study(f, "a3", 1999, 0.1, 0.1, 20);
    add_study(f, "a4", 1999, NAN, NAN, NAN);
    add_summary(f, 0, 0.1, 0.1);
    CU_ASSERT_EQUAL(meta_forest_add_section(f, "B", NULL), META_OK);
    add_study(f, "b1", 2010, 0.5, 0.1, 5);
    add_study(f, "b2", 2005, -0.5, 0.1, 35);
    add_summary(f, 0, 0.0, 0.1);
    add_summary(f, 1, 0.05, 0.1);

    meta_forest_sort_rows(f, META_FOREST_ORDER_YEAR);
    row_labels(f, buf, sizeof buf);
    /* Ties keep the loaded order; unknown years go last. */
    CU_ASSERT_STRING_EQUAL(buf, "A|a3|a4|a1|a2|-|B|b2|b1|-|-");
    meta_forest_sort_rows(f, META_FOREST_ORDER_EFFECT);
    row_labels(f, buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "A|a2|a3|a1|a4|-|B|b2|b1|-|-");
    meta_forest_sort_rows(f, META_FOREST_ORDER_WEIGHT);
    row_labels(f, buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "A|a2|a3|a1|a4|-|B|b2|b1|-|-");
    meta_forest_sort_rows(f, META_FOREST_ORDER_LOADED);
    row_labels(f, buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "A|a1|a2|a3|a4|-|B|b1|b2|-|-");
    /* Labels still belong to their rows. */
    for (size_t i = 0; i < f->n_rows; i++)
        if (f->rows[i].kind == META_FOREST_STUDY)
            CU_ASSERT_PTR_EQUAL(f->rows[i].study.label, f->rows[i].label);

    CU_ASSERT_EQUAL(meta_forest_order_from_name("year", &order, NULL), META_OK);
    CU_ASSERT_EQUAL(order, META_FOREST_ORDER_YEAR);
    CU_ASSERT_EQUAL(meta_forest_order_from_name("weight", &order, NULL), META_OK);
    CU_ASSERT_EQUAL(order, META_FOREST_ORDER_WEIGHT);
    CU_ASSERT_EQUAL(meta_forest_order_from_name("effect", &order, NULL), META_OK);
    CU_ASSERT_EQUAL(meta_forest_order_from_name("loaded", &order, NULL), META_OK);
    CU_ASSERT_EQUAL(meta_forest_order_from_name("size", &order, NULL), META_EINVAL);
    meta_forest_free(f);
}

/* Compares script with the golden file `name`, or rewrites it on request. */
static void check_golden(const char *script, const char *name)
{
    char path[1024];
    char *golden;
    snprintf(path, sizeof path, "%s/%s", GOLDEN_DIR, name);
    if (getenv("META_UPDATE_GOLDEN")) {
        FILE *out = fopen(path, "w");
        CU_ASSERT_PTR_NOT_NULL_FATAL(out);
        fputs(script, out);
        CU_ASSERT_EQUAL(fclose(out), 0);
        fprintf(stderr, "rewrote %s\n", path);
        return;
    }
    golden = fixture_read_file(path, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(golden);
    CU_ASSERT_STRING_EQUAL(script, golden);
    if (strcmp(script, golden) != 0)
        fprintf(stderr, "%s differs: rerun with META_UPDATE_GOLDEN=1 and review\n", path);
    free(golden);
}

static void test_golden_scripts(void)
{
    struct meta_forest *bcg = fixture_bcg_forest(), *fibro = fixture_fibro_forest();
    char *s;
    CU_ASSERT_PTR_NOT_NULL_FATAL(bcg);
    CU_ASSERT_PTR_NOT_NULL_FATAL(fibro);
    s = fixture_forest_script(bcg, META_PLOT_PNG, "forest_bcg.png", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    check_golden(s, "forest_bcg_png.gp");
    free(s);
    s = fixture_forest_script(fibro, META_PLOT_SVG, "forest_fibro.svg", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    check_golden(s, "forest_fibro_svg.gp");
    free(s);
    meta_forest_free(bcg);
    meta_forest_free(fibro);
}

static void test_script_content(void)
{
    struct meta_forest *f = fixture_bcg_forest();
    char line[1024], *s;
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    s = fixture_forest_script(f, META_PLOT_PDF, "it's.pdf", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT(strstr(s, "set terminal pdfcairo") != NULL);
    CU_ASSERT(strstr(s, "set output 'it'.\"'\".'s.pdf'\n") != NULL);
    CU_ASSERT(strstr(s, "set logscale x\n") != NULL);
    /* Back-transformed ticks around the null at 1. */
    line_with(s, "set xtics", line, sizeof line);
    CU_ASSERT(strstr(line, "'1' 1") != NULL);
    CU_ASSERT(strstr(line, "'0.2' 0.2") != NULL);
    CU_ASSERT(strstr(line, "'5' 5") != NULL);
    /* 13 squares, one diamond, one prediction interval, the null line. */
    CU_ASSERT_EQUAL(count(s, "set object rect"), 13);
    CU_ASSERT_EQUAL(count(s, "set object polygon"), 1);
    CU_ASSERT_EQUAL(count(s, " heads size"), 1);
    CU_ASSERT(strstr(s, "set arrow from first 1, graph 0 to first 1, graph 1 nohead") != NULL);
    /* Every label is drawn noenhanced. */
    CU_ASSERT(count(s, "set label ") > 100);
    for (const char *p = s; (p = strstr(p, "set label ")) != NULL; p++)
        CU_ASSERT(strstr(line_with(p, "set label ", line, sizeof line), " noenhanced") != NULL);
    CU_ASSERT(strstr(s, "'Favours BCG' at") != NULL);
    CU_ASSERT(strstr(s, "'Random effects, REML, 95% CI'") != NULL);
    /* Treatment favoured left of the null by default: right-aligned there. */
    CU_ASSERT(strstr(line_with(s, "'Favours BCG'", line, sizeof line), " right ") != NULL);
    CU_ASSERT(strstr(line_with(s, "'Favours Control'", line, sizeof line), " left ") != NULL);
    free(s);

    meta_forest_set_higher_is_better(f, 1);
    s = fixture_forest_script(f, META_PLOT_SVG, "x.svg", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT(strstr(line_with(s, "'Favours BCG'", line, sizeof line), " left ") != NULL);
    CU_ASSERT(strstr(line_with(s, "'Favours Control'", line, sizeof line), " right ") != NULL);
    free(s);
    CU_ASSERT_EQUAL(meta_forest_set_favours(f, "Less TB", NULL, NULL), META_OK);
    s = fixture_forest_script(f, META_PLOT_PNG, "x.png", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT(strstr(line_with(s, "'Less TB'", line, sizeof line), " right ") != NULL);
    CU_ASSERT(strstr(s, "'Favours BCG'") != NULL); /* the right side keeps its default */
    free(s);
    meta_forest_free(f);
}

/* 20 tight studies, one whose CI runs off the left end, one entirely off the
 * right end, one not estimable. */
static void test_script_arrows(void)
{
    struct meta_forest *f = meta_forest_alloc();
    char name[32], line[1024], *s;
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL(meta_forest_set_measure(f, "Odds Ratio", 1, NULL), META_OK);
    for (int i = 0; i < 20; i++) {
        snprintf(name, sizeof name, "tight %d", i);
        add_study(f, name, NAN, -0.3 + 0.03 * i, 0.4, 4);
    }
    add_study(f, "runs off left", NAN, -2.0, 3.0, 2);
    add_study(f, "off right", NAN, 3.5, 0.5, 2);
    add_study(f, "not estimable", NAN, NAN, NAN, NAN);
    add_summary(f, 1, -0.1, 0.2);
    s = fixture_forest_script(f, META_PLOT_PNG, "x.png", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    /* The axis is 0.1 .. 10: it holds all but the two outliers' far ends. */
    CU_ASSERT(strstr(s, "set xrange [0.1:10]") != NULL);
    CU_ASSERT_EQUAL(count(s, " backhead size"), 1);
    CU_ASSERT(strstr(s, "to graph 1.000, first 22 head") != NULL);
    /* Squares: 20 tight ones and the one inside the axis; none for the others. */
    CU_ASSERT_EQUAL(count(s, "set object rect"), 21);
    CU_ASSERT(strstr(line_with(s, "'Not estimable'", line, sizeof line), "first 23") != NULL);
    free(s);
    meta_forest_free(f);
}

static void test_bcg_png(void)
{
    struct meta_forest *f = fixture_bcg_forest();
    struct meta_error err;
    char out[512], gp[512], *saved, *s;
    unsigned w = 0, h = 0;
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fixture_path(out, sizeof out, "forest_bcg.png");
    fixture_path(gp, sizeof gp, "forest_bcg.gp");
    CU_ASSERT_EQUAL_FATAL(meta_plot_forest(f, out, gp, &err), META_OK);
    CU_ASSERT_EQUAL(fixture_png_size(out, &w, &h), 0);
    CU_ASSERT(w >= 1000 && w <= 3000);
    CU_ASSERT(h >= 500 && h <= 1500);
    CU_ASSERT(fixture_file_size(out) > 30000);
    /* --script saved exactly the script that ran. */
    saved = fixture_read_file(gp, NULL);
    s = fixture_forest_script(f, META_PLOT_PNG, out, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(saved);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_STRING_EQUAL(saved, s);
    free(saved);
    free(s);
    meta_forest_free(f);
}

/* Checks that the SVG's text holds `want` (as one text node or inside one). */
static void check_svg_has(const char *text, const char *want)
{
    int found = strstr(text, want) != NULL;
    CU_ASSERT(found);
    if (!found)
        fprintf(stderr, "SVG lacks '%s'\n", want);
}

static void test_bcg_svg(void)
{
    struct meta_forest *f = fixture_bcg_forest();
    struct meta_error err;
    const char *const *labels;
    size_t n;
    char out[512], *text;
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fixture_path(out, sizeof out, "forest_bcg.svg");
    CU_ASSERT_EQUAL_FATAL(meta_plot_forest(f, out, NULL, &err), META_OK);
    text = fixture_svg_text(out);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    labels = fixture_bcg_labels(&n);
    CU_ASSERT_EQUAL(n, 13);
    for (size_t i = 0; i < n; i++)
        check_svg_has(text, labels[i]);
    /* exp() of metafor's REML estimate and CI, RevMan's rounding. */
    check_svg_has(text, "0.49 [0.34, 0.70]");
    check_svg_has(text, "Total (95% CI)");
    check_svg_has(text, "Favours BCG");
    check_svg_has(text, "Favours Control");
    check_svg_has(text, "Heterogeneity: Tau\xc2\xb2 = 0.31; Chi\xc2\xb2 = 152.23, df = 12 "
                        "(P < 0.00001); I\xc2\xb2 = 92%");
    check_svg_has(text, "Test for overall effect: Z = 3.97 (P < 0.0001)");
    check_svg_has(text, "[0.15, 1.55]"); /* prediction interval */
    check_svg_has(text, "Prediction interval");
    check_svg_has(text, "\n4\n123\n11\n139\n5.1%\n0.41 [0.13, 1.26]\n"); /* Aronson's row */
    free(text);
    meta_forest_free(f);
}

static void test_bcg_pdf(void)
{
    struct meta_forest *f = fixture_bcg_forest();
    struct meta_error err;
    char out[512], *pdf;
    size_t len = 0;
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fixture_path(out, sizeof out, "forest_bcg.PDF");
    CU_ASSERT_EQUAL_FATAL(meta_plot_forest(f, out, NULL, &err), META_OK);
    pdf = fixture_read_file(out, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(pdf);
    CU_ASSERT(len > 5000);
    CU_ASSERT(memcmp(pdf, "%PDF-", 5) == 0);
    CU_ASSERT(len > 6 && strstr(pdf + len - 8, "%%EOF") != NULL);
    free(pdf);
    meta_forest_free(f);
}

static void test_fibro_subgroups(void)
{
    struct meta_forest *f = fixture_fibro_forest();
    struct meta_error err;
    static const char *const want[] = {
        "TCA", "SNRI", "SSRI", "MAOI", "Subtotal (95% CI)", "Total (95% CI)", "Carette et al. 1986",
        "Arnold et al. 2005", "N\xc3\xb8rregaard et al. 1995", "Yavuzer et al. 1998",
        "Antidepressant", "Placebo", "Mean", "SD", "-0.45 [-0.61, -0.30]", "-0.61 [-1.04, -0.19]",
        "Favours Antidepressant", "Favours Placebo",
        "Test for subgroup differences: Chi\xc2\xb2 = 1.58, df = 3 (P = 0.66), I\xc2\xb2 = 0%",
        "Heterogeneity: Tau\xc2\xb2 = 0.17; Chi\xc2\xb2 = 12.63, df = 5 (P = 0.03); I\xc2\xb2 = "
        "62%",
        "Test for overall effect: Z = 4.46 (P < 0.00001)",
        /* Means and SDs share two decimals; subgroup totals of participants. */
        "\n4.30\n3.00\n27\n5.00\n3.00\n32\n", "\n804\n", "\n393\n"};
    char out[512], *text;
    unsigned w, h;
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fixture_path(out, sizeof out, "forest_fibro.svg");
    CU_ASSERT_EQUAL_FATAL(meta_plot_forest(f, out, NULL, &err), META_OK);
    text = fixture_svg_text(out);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        check_svg_has(text, want[i]);
    CU_ASSERT_EQUAL(count(text, "Subtotal (95% CI)"), 4);
    /* Every trial; Goldenberg and Hannonen twice, once per drug class. */
    for (size_t i = 0; i < f->n_rows; i++)
        if (f->rows[i].kind == META_FOREST_STUDY)
            check_svg_has(text, f->rows[i].label);
    CU_ASSERT_EQUAL(count(text, "Goldenberg et al. 1996"), 2);
    CU_ASSERT_EQUAL(count(text, "Prediction interval"), 5);
    free(text);
    fixture_path(out, sizeof out, "forest_fibro.png");
    CU_ASSERT_EQUAL_FATAL(meta_plot_forest(f, out, NULL, &err), META_OK);
    CU_ASSERT_EQUAL(fixture_png_size(out, &w, &h), 0);
    CU_ASSERT(h > w); /* 19 studies in 4 sections: taller than wide */
    CU_ASSERT(fixture_file_size(out) > 50000);
    fixture_path(out, sizeof out, "forest_fibro.pdf");
    CU_ASSERT_EQUAL_FATAL(meta_plot_forest(f, out, NULL, &err), META_OK);
    char *pdf = fixture_read_file(out, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(pdf);
    CU_ASSERT(memcmp(pdf, "%PDF-", 5) == 0);
    free(pdf);
    meta_forest_free(f);
}

static void test_size_grows_with_k(void)
{
    struct meta_forest *f[3] = {fixture_many_forest(1, 0), fixture_bcg_forest(),
                                fixture_many_forest(200, 1)};
    const char *names[3] = {"forest_k1.png", "forest_k13.png", "forest_k200.png"};
    unsigned w[3] = {0}, h[3] = {0};
    struct meta_error err;
    char out[512];
    for (int i = 0; i < 3; i++) {
        CU_ASSERT_PTR_NOT_NULL_FATAL(f[i]);
        fixture_path(out, sizeof out, names[i]);
        CU_ASSERT_EQUAL(meta_plot_forest(f[i], out, NULL, &err), META_OK);
        CU_ASSERT_EQUAL(fixture_png_size(out, &w[i], &h[i]), 0);
        CU_ASSERT(w[i] >= 900);
        meta_forest_free(f[i]);
    }
    CU_ASSERT(h[0] < h[1]);
    CU_ASSERT(h[1] < h[2]);
    /* A row is 14 points, 28 pixels: 200 studies need well over 5600. */
    CU_ASSERT(h[2] > 5600);
    CU_ASSERT(h[0] < 400);
}

/* 1500 studies: the PNG canvas keeps within cairo's 32767 pixels. */
static void test_very_tall_png(void)
{
    struct meta_forest *f = fixture_many_forest(1500, 0);
    char *s, *p;
    unsigned w = 0, h = 0;
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    s = fixture_forest_script(f, META_PLOT_PNG, "tall.png", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    p = strstr(s, "set terminal pngcairo size ");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_EQUAL(sscanf(p, "set terminal pngcairo size %u,%u", &w, &h), 2);
    CU_ASSERT(h > 20000 && h <= 32000);
    CU_ASSERT(w > 500);
    free(s);
    meta_forest_free(f);
}

static void test_long_labels_ellipsized(void)
{
    struct meta_forest *f = fixture_many_forest(200, 1);
    struct meta_error err;
    char out[512], *text, *shortened;
    const char *full = "Trial 200 of a very long multicentre programme in many countries";
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fixture_path(out, sizeof out, "forest_k200.svg");
    CU_ASSERT_EQUAL_FATAL(meta_plot_forest(f, out, NULL, &err), META_OK);
    text = fixture_svg_text(out);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    shortened = meta_plot_ellipsize(full, 40);
    CU_ASSERT_PTR_NOT_NULL_FATAL(shortened);
    CU_ASSERT(strstr(text, full) == NULL);
    check_svg_has(text, shortened);
    check_svg_has(text, "Trial 1 of a very long multicentre prog\xe2\x80\xa6");
    free(shortened);
    free(text);
    meta_forest_free(f);
}

/* Labels, title, arm names and favours that try to break out of their
 * strings: gnuplot must draw them as text and run nothing. */
static void test_hostile_labels(void)
{
    struct meta_forest *f = meta_forest_alloc();
    struct meta_error err;
    char marker[512], out[512], evil[512], cmd[1200], nl[1200], *text;
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fixture_path(marker, sizeof marker, "marker");
    fixture_path(evil, sizeof evil, "evil.png");
    snprintf(cmd, sizeof cmd, "'); system(\"touch %s\") #", marker);
    snprintf(nl, sizeof nl, "x'\nset output '%s'\nplot x\n#", evil);
    CU_ASSERT_EQUAL(meta_forest_set_title(f, cmd, NULL), META_OK);
    CU_ASSERT_EQUAL(meta_forest_set_arms(f, "`touch /nonexistent/x`", "@x {y}^_", NULL), META_OK);
    CU_ASSERT_EQUAL(meta_forest_set_measure(f, "Ratio \\'", 1, NULL), META_OK);
    CU_ASSERT_EQUAL(meta_forest_add_footer(f, cmd, NULL), META_OK);
    add_study(f, cmd, NAN, 0.1, 0.2, 30);
    add_study(f, nl, NAN, -0.1, 0.2, 30);
    add_study(f, "O'Brien \"et al\" C:\\dir\\", NAN, 0.0, 0.2, 20);
    add_study(f, "M\xc3\xbcller \xe4\xb8\xad\xe6\x96\x87 \xff", NAN, 0.2, 0.3, 20);
    add_summary(f, 1, 0.05, 0.1);
    fixture_path(out, sizeof out, "hostile.svg");
    int rc = meta_plot_forest(f, out, NULL, &err);
    if (rc != META_OK)
        fprintf(stderr, "%s\n", err.msg);
    CU_ASSERT_EQUAL_FATAL(rc, META_OK);
    CU_ASSERT_NOT_EQUAL(access(marker, F_OK), 0);
    CU_ASSERT_NOT_EQUAL(access(evil, F_OK), 0);
    text = fixture_svg_text(out);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    check_svg_has(text, "'); system(\"touch ");
    check_svg_has(text, "x' set output '");
    check_svg_has(text, "O'Brien \"et al\" C:\\dir\\");
    check_svg_has(text, "M\xc3\xbcller \xe4\xb8\xad\xe6\x96\x87 \xef\xbf\xbd");
    check_svg_has(text, "Favours `touch /nonexist");
    check_svg_has(text, "Favours @x {y}^_");
    check_svg_has(text, "Ratio \\'");
    free(text);
    meta_forest_free(f);
}

int main(void)
{
    static const struct meta_test_case cases[] = {
        {"builder: checks and copies", test_builder_checks},
        {"sort within sections", test_sort},
        {"golden scripts", test_golden_scripts},
        {"script: axis, marks, favours", test_script_content},
        {"script: arrows beyond the axis", test_script_arrows},
        {"BCG: PNG and --script", test_bcg_png},
        {"BCG: SVG holds labels, pooled estimate, favours", test_bcg_svg},
        {"BCG: PDF", test_bcg_pdf},
        {"fibromyalgia: subgroups by drug class", test_fibro_subgroups},
        {"size grows with k (1, 13, 200)", test_size_grows_with_k},
        {"very tall PNG within cairo's limits", test_very_tall_png},
        {"long labels get an ellipsis", test_long_labels_ellipsized},
        {"hostile labels are text, nothing runs", test_hostile_labels},
        {NULL, NULL}};
    return meta_test_run_suite("forest plots", fixture_suite_init, fixture_suite_cleanup, cases);
}
