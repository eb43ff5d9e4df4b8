/*
 * Tests of the forest layout (plots/forest_layout.c) without gnuplot: the
 * rows the drawn table gets, their texts, the axis, and the geometry of the
 * canvas, for the BCG and fibromyalgia fixtures and a long forest.
 */
#include <CUnit/CUnit.h>
#include <math.h>
#include <string.h>

#include "cunit_main.h"
#include "forest_layout.h"
#include "plot_fixtures.h"

static size_t count_kind(const struct forest_layout *L, enum drow_kind kind)
{
    size_t n = 0;
    for (size_t i = 0; i < L->nd; i++)
        n += L->d[i].kind == kind;
    return n;
}

static void test_bcg_rows(void)
{
    struct meta_forest *f = fixture_bcg_forest();
    struct forest_layout L;
    struct meta_error err;
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL_FATAL(forest_layout_build(&L, f, META_PLOT_PNG, &err), META_OK);
    CU_ASSERT_EQUAL(count_kind(&L, DR_STUDY), 13);
    CU_ASSERT_EQUAL(count_kind(&L, DR_SUMMARY), 1);
    CU_ASSERT_EQUAL(count_kind(&L, DR_PI), 1);
    CU_ASSERT_EQUAL(L.arms, META_PLOT_ARM_BINARY);
    CU_ASSERT_EQUAL(L.nsub, 2);
    /* the first study as RevMan writes it (Aronson 1948: RR 0.41 [0.13, 1.26]) */
    CU_ASSERT_EQUAL_FATAL(L.d[0].kind, DR_STUDY);
    CU_ASSERT_STRING_EQUAL(L.d[0].est, "0.41 [0.13, 1.26]");
    CU_ASSERT_STRING_EQUAL(L.d[0].arm[0][0], "4");
    CU_ASSERT_STRING_EQUAL(L.d[0].arm[0][1], "123");
    /* a log axis around no effect */
    CU_ASSERT_EQUAL(L.ax.log_scale, 1);
    CU_ASSERT(L.ax.lo < 1.0 && 1.0 < L.ax.hi);
    CU_ASSERT(L.ax.n_ticks >= 3);
    CU_ASSERT_DOUBLE_EQUAL(forest_disp(f, log(2.0)), 2.0, 1e-12);
    forest_layout_release(&L);
    meta_forest_free(f);
}

static void test_geometry(void)
{
    struct meta_forest *f = fixture_bcg_forest();
    struct forest_layout L;
    struct meta_error err;
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL_FATAL(forest_layout_build(&L, f, META_PLOT_SVG, &err), META_OK);
    CU_ASSERT(L.W > 0 && L.H > 0);
    /* the table left of the panel, the panel inside the canvas */
    CU_ASSERT(MARGIN_PT <= L.x_label);
    CU_ASSERT(L.x_label + L.w_label <= L.group_x[0] + 1e-9);
    CU_ASSERT(L.group_x[0] < L.group_x[1]);
    CU_ASSERT(L.x_est < L.panel_x);
    CU_ASSERT(L.panel_x + PANEL_PT <= L.W - MARGIN_PT + 1e-9);
    /* headers above the rule, the rows under it, the axis and favours under them */
    CU_ASSERT(L.head1_y < L.head2_y);
    CU_ASSERT(L.head2_y < L.rule_y);
    CU_ASSERT(L.rule_y <= L.plot_top);
    CU_ASSERT(L.plot_top < L.plot_bottom);
    CU_ASSERT(L.plot_bottom < L.fav_y);
    CU_ASSERT(L.fav_y < L.H);
    CU_ASSERT(L.foot_y0 + (double)(L.nfoot ? L.nfoot - 1 : 0) * FOOT_PT < L.H);
    forest_layout_release(&L);
    meta_forest_free(f);
}

static void test_subgroups(void)
{
    struct meta_forest *f = fixture_fibro_forest();
    struct forest_layout L;
    struct meta_error err;
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL_FATAL(forest_layout_build(&L, f, META_PLOT_PDF, &err), META_OK);
    size_t sections = 0, subtotals = 0;
    for (size_t i = 0; i < f->n_rows; i++) {
        sections += f->rows[i].kind == META_FOREST_SECTION;
        subtotals += f->rows[i].kind == META_FOREST_SUBTOTAL;
    }
    CU_ASSERT(sections >= 2);
    CU_ASSERT_EQUAL(count_kind(&L, DR_SECTION), sections);
    /* one diamond per subtotal and the overall one */
    CU_ASSERT_EQUAL(count_kind(&L, DR_SUMMARY), subtotals + 1);
    CU_ASSERT_EQUAL(L.arms, META_PLOT_ARM_CONTINUOUS);
    CU_ASSERT_EQUAL(L.nsub, 3);
    CU_ASSERT_EQUAL(L.ax.log_scale, 0);
    CU_ASSERT(L.ax.lo < 0.0 && 0.0 < L.ax.hi);
    forest_layout_release(&L);
    meta_forest_free(f);
}

static void test_height_grows(void)
{
    struct meta_forest *small = fixture_many_forest(10, 0), *big = fixture_many_forest(200, 1);
    struct forest_layout a, b;
    struct meta_error err;
    CU_ASSERT_PTR_NOT_NULL_FATAL(small);
    CU_ASSERT_PTR_NOT_NULL_FATAL(big);
    CU_ASSERT_EQUAL_FATAL(forest_layout_build(&a, small, META_PLOT_PNG, &err), META_OK);
    CU_ASSERT_EQUAL_FATAL(forest_layout_build(&b, big, META_PLOT_PNG, &err), META_OK);
    CU_ASSERT(b.H > a.H + 150 * ROW_PT);
    /* long labels are cut to fit their column */
    for (size_t i = 0; i < b.nd; i++)
        if (b.d[i].kind == DR_STUDY && b.d[i].label)
            CU_ASSERT(plot_text_width(b.d[i].label, FONT_PT, 0) <= LABEL_MAX_PT + 1e-9);
    forest_layout_release(&a);
    forest_layout_release(&b);
    meta_forest_free(small);
    meta_forest_free(big);
}

static void test_empty(void)
{
    struct meta_forest *f = meta_forest_alloc();
    struct forest_layout L;
    struct meta_error err;
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL(forest_layout_build(&L, f, META_PLOT_PNG, &err), META_EINVAL);
    CU_ASSERT_STRING_EQUAL(err.msg, "the forest plot has no rows");
    forest_layout_release(&L);
    forest_layout_release(NULL);
    meta_forest_free(f);
}

int main(void)
{
    static const struct meta_test_case cases[] = {
        {"BCG: rows, texts and a log axis", test_bcg_rows},
        {"BCG: geometry of the canvas", test_geometry},
        {"fibromyalgia: subgroup sections and diamonds", test_subgroups},
        {"a long forest grows, long labels are cut", test_height_grows},
        {"a forest without rows", test_empty},
        {NULL, NULL},
    };
    return meta_test_run_suite("forest layout", NULL, NULL, cases);
}
