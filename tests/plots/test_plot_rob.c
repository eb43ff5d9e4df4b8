/*
 * Tests of risk of bias on forest plots: the judgements' words, the
 * columns' geometry without gnuplot (right of the panel, inside the canvas,
 * the legend under everything, for 2 to 40 trials, subgroups and long
 * names), the marks in the script lined up with their trials' rows, and the
 * PNG, SVG and PDF the real gnuplot draws: in the SVG every mark's circle
 * and symbol sit on the row of its trial, and the symbols and the legend
 * are text, so the plot reads without colour.
 */
#include <CUnit/CUnit.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cunit_main.h"
#include "forest_layout.h"
#include "plot_fixtures.h"

#define MINUS_SIGN "\xe2\x88\x92"

/* The forests every geometry test runs on: k trials in `groups` sections
 * (0: none), long names or not. */
static const struct shape {
    size_t k, groups;
    int long_labels;
} shapes[] = {{2, 0, 0},  {10, 0, 0}, {13, 0, 0}, {40, 0, 0}, {13, 3, 0},
              {40, 4, 1}, {2, 0, 1},  {10, 2, 1}, {1, 0, 0}};
#define N_SHAPES (sizeof shapes / sizeof shapes[0])

/* ---- Words ---------------------------------------------------------------- */

static void test_words(void)
{
    static const struct {
        const char *text;
        enum meta_rob rob;
    } ok[] = {{"low", META_ROB_LOW},
              {"some concerns", META_ROB_SOME},
              {"high", META_ROB_HIGH},
              {"Low risk", META_ROB_LOW},
              {"Some concerns", META_ROB_SOME},
              {"High risk", META_ROB_HIGH},
              {"unclear", META_ROB_SOME},
              {"Unclear risk", META_ROB_SOME},
              {"  HIGH\t", META_ROB_HIGH},
              {"", META_ROB_NONE},
              {" ", META_ROB_NONE},
              {NULL, META_ROB_NONE}};
    static const char *const bad[] = {"moderate",          "lowish", "some",
                                      "high risk of bias", "+",      "low\nhigh"};
    struct meta_error err;
    enum meta_rob rob;
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        rob = (enum meta_rob)99;
        CU_ASSERT_EQUAL(meta_plot_rob_parse(ok[i].text, &rob, &err), META_OK);
        CU_ASSERT_EQUAL(rob, ok[i].rob);
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        rob = META_ROB_HIGH;
        CU_ASSERT_EQUAL(meta_plot_rob_parse(bad[i], &rob, &err), META_EINVAL);
        CU_ASSERT_EQUAL(rob, META_ROB_HIGH); /* left alone */
    }
    CU_ASSERT_EQUAL(meta_plot_rob_parse("moderate", &rob, &err), META_EINVAL);
    CU_ASSERT_STRING_EQUAL(err.msg, "'moderate' is not a risk-of-bias judgement (use low, some "
                                    "concerns or high)");
    CU_ASSERT_EQUAL(meta_plot_rob_parse("x", &rob, NULL), META_EINVAL);
    /* The registry's words read back. */
    for (int j = META_ROB_LOW; j <= META_ROB_HIGH; j++) {
        CU_ASSERT_EQUAL(meta_plot_rob_parse(meta_plot_rob_name((enum meta_rob)j), &rob, NULL),
                        META_OK);
        CU_ASSERT_EQUAL(rob, (enum meta_rob)j);
    }
    CU_ASSERT_STRING_EQUAL(meta_plot_rob_name(META_ROB_SOME), "some concerns");
    CU_ASSERT_PTR_NULL(meta_plot_rob_name(META_ROB_NONE));
    CU_ASSERT_PTR_NULL(meta_plot_rob_name((enum meta_rob)7));
}

static void test_builder(void)
{
    struct meta_forest *f = meta_forest_alloc();
    struct meta_forest_study s;
    struct meta_error err;
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL(f->show_rob, 0);
    meta_forest_set_rob(f, 5);
    CU_ASSERT_EQUAL(f->show_rob, 1);
    meta_forest_study_init(&s);
    for (int d = 0; d < META_ROB_DOMAINS; d++)
        CU_ASSERT_EQUAL(s.rob[d], META_ROB_NONE);
    s.label = "Smith 2019";
    s.rob[META_ROB_D3] = (enum meta_rob)4;
    CU_ASSERT_EQUAL(meta_forest_add_study(f, &s, &err), META_EINVAL);
    CU_ASSERT_STRING_EQUAL(err.msg,
                           "study 'Smith 2019': risk-of-bias judgement 4 of domain 3 is unknown");
    s.rob[META_ROB_D3] = META_ROB_HIGH;
    s.rob[META_ROB_OVERALL] = META_ROB_HIGH;
    CU_ASSERT_EQUAL(meta_forest_add_study(f, &s, &err), META_OK);
    CU_ASSERT_EQUAL(f->rows[0].study.rob[META_ROB_D3], META_ROB_HIGH);
    CU_ASSERT_EQUAL(f->rows[0].study.rob[META_ROB_OVERALL], META_ROB_HIGH);
    CU_ASSERT_EQUAL(f->rows[0].study.rob[META_ROB_D1], META_ROB_NONE);
    meta_forest_set_rob(f, 0);
    CU_ASSERT_EQUAL(f->show_rob, 0);
    meta_forest_free(f);
}

/* WCAG contrast of two "#rrggbb" colours. */
static double luminance(const char *hex)
{
    unsigned c[3];
    double l = 0;
    static const double k[3] = {0.2126, 0.7152, 0.0722};
    CU_ASSERT_EQUAL_FATAL(sscanf(hex, "#%2x%2x%2x", &c[0], &c[1], &c[2]), 3);
    for (int i = 0; i < 3; i++) {
        double v = c[i] / 255.0;
        l += k[i] * (v <= 0.03928 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4));
    }
    return l;
}

static double contrast(const char *a, const char *b)
{
    double la = luminance(a), lb = luminance(b);
    return (fmax(la, lb) + 0.05) / (fmin(la, lb) + 0.05);
}

/* Each symbol stands out from its mark (WCAG's 3:1 for graphics), the marks
 * differ from each other in grey as well as in hue, and each has its own
 * symbol: colour is never the only carrier. */
static void test_marks_read_without_colour(void)
{
    const char *symbols[3];
    for (int j = META_ROB_LOW; j <= META_ROB_HIGH; j++) {
        enum meta_rob r = (enum meta_rob)j;
        CU_ASSERT(contrast(forest_rob_fill(r), forest_rob_ink(r)) >= 3.0);
        CU_ASSERT(contrast(forest_rob_fill(r), "#ffffff") >= 1.3); /* visible on the page */
        symbols[j - 1] = forest_rob_symbol(r);
        CU_ASSERT(strlen(forest_rob_key_text(r)) > 0);
    }
    CU_ASSERT_STRING_EQUAL(symbols[0], "+");
    CU_ASSERT_STRING_EQUAL(symbols[1], "?");
    CU_ASSERT_STRING_EQUAL(symbols[2], MINUS_SIGN);
    CU_ASSERT(fabs(luminance(forest_rob_fill(META_ROB_LOW)) -
                   luminance(forest_rob_fill(META_ROB_HIGH))) >= 0.05);
    CU_ASSERT(luminance(forest_rob_fill(META_ROB_SOME)) >
              luminance(forest_rob_fill(META_ROB_LOW)) + 0.2);
    CU_ASSERT_PTR_NULL(forest_rob_fill(META_ROB_NONE));
    CU_ASSERT_STRING_EQUAL(forest_rob_symbol(META_ROB_NONE), "");
}

/* ---- Layout, without gnuplot ---------------------------------------------- */

/* The generated study a drawn row shows: "Trial N ..." is study N - 1. */
static size_t trial_of(const char *label)
{
    size_t n = 0;
    CU_ASSERT_FATAL(sscanf(label, "Trial %zu", &n) == 1 && n > 0);
    return n - 1;
}

static size_t count_judged(const struct meta_forest *f)
{
    size_t n = 0;
    for (size_t i = 0; i < f->n_rows; i++)
        for (int d = 0; f->rows[i].kind == META_FOREST_STUDY && d < META_ROB_DOMAINS; d++)
            n += f->rows[i].study.rob[d] != META_ROB_NONE;
    return n;
}

/* Shown only when asked for and judged; the table and panel stay put. */
static void test_only_when_asked_and_judged(void)
{
    struct meta_forest *plain = fixture_rob_forest(10, 0, 0, 0);
    struct meta_forest *asked = fixture_rob_forest(10, 0, 0, 0);
    struct meta_forest *judged = fixture_rob_forest(10, 0, 0, 1);
    struct forest_layout a, b, c;
    struct meta_error err;
    CU_ASSERT_PTR_NOT_NULL_FATAL(plain);
    CU_ASSERT_PTR_NOT_NULL_FATAL(asked);
    CU_ASSERT_PTR_NOT_NULL_FATAL(judged);
    meta_forest_set_rob(asked, 1); /* asked for, but nobody judged */
    CU_ASSERT_EQUAL_FATAL(forest_layout_build(&a, plain, META_PLOT_PNG, &err), META_OK);
    CU_ASSERT_EQUAL_FATAL(forest_layout_build(&b, asked, META_PLOT_PNG, &err), META_OK);
    CU_ASSERT_EQUAL_FATAL(forest_layout_build(&c, judged, META_PLOT_PNG, &err), META_OK);
    CU_ASSERT_EQUAL(a.rob.shown, 0);
    CU_ASSERT_EQUAL(b.rob.shown, 0);
    CU_ASSERT_EQUAL(c.rob.shown, 1);
    CU_ASSERT_EQUAL(a.W, b.W);
    CU_ASSERT_EQUAL(a.H, b.H);
    CU_ASSERT(c.W > a.W + 100);
    CU_ASSERT(c.H > a.H + 3 * ROB_LINE_PT); /* the legend */
    CU_ASSERT_EQUAL(c.panel_x, a.panel_x);
    CU_ASSERT_EQUAL(c.plot_top, a.plot_top);
    CU_ASSERT_EQUAL(c.plot_bottom, a.plot_bottom);
    forest_layout_release(&a);
    forest_layout_release(&b);
    forest_layout_release(&c);
    /* Judged but not asked for: nothing either. */
    meta_forest_set_rob(judged, 0);
    CU_ASSERT_EQUAL_FATAL(forest_layout_build(&c, judged, META_PLOT_PNG, &err), META_OK);
    CU_ASSERT_EQUAL(c.rob.shown, 0);
    forest_layout_release(&c);
    meta_forest_free(plain);
    meta_forest_free(asked);
    meta_forest_free(judged);
}

/* Whether [a0, a1] and [b0, b1] overlap by more than a hair. */
static int overlap(double a0, double a1, double b0, double b1)
{
    return a0 < b1 - 0.01 && b0 < a1 - 0.01;
}

static void check_geometry(const struct forest_layout *L, const char *what)
{
    const struct forest_rob *R = &L->rob;
    double r = ROB_MARK_PT / 2, right = L->W - MARGIN_PT + 1e-9;
    char line[160];
    int bad = 0;
    CU_ASSERT_FATAL(R->shown);
    /* Right of the panel and its tick labels, inside the canvas. */
    CU_ASSERT(R->x_left >= L->panel_x + PANEL_PT + 12);
    CU_ASSERT(R->col_x[0] - r >= R->x_left - 1e-9);
    CU_ASSERT(R->x_right <= right);
    for (int d = 0; d < META_ROB_DOMAINS; d++) {
        double hw = plot_text_width(forest_rob_heading[d], ROB_TEXT_PT, 1) / 2;
        CU_ASSERT(R->col_x[d] + r <= right);
        CU_ASSERT(R->col_x[d] + hw <= right);
        if (d > 0) {
            double prev_hw = plot_text_width(forest_rob_heading[d - 1], ROB_TEXT_PT, 1) / 2;
            /* marks and headings of neighbouring columns apart */
            CU_ASSERT(R->col_x[d] - r >= R->col_x[d - 1] + r + 2);
            bad |= overlap(R->col_x[d - 1] - prev_hw, R->col_x[d - 1] + prev_hw + 2,
                           R->col_x[d] - hw, R->col_x[d] + hw);
        }
    }
    double tw = plot_text_width(forest_rob_title, ROB_TEXT_PT, 1);
    CU_ASSERT(R->x_head - tw / 2 >= L->panel_x + PANEL_PT);
    CU_ASSERT(R->x_head + tw / 2 <= right);
    /* The legend under the axis, the favours labels and the footer. */
    double above = fmax(L->fav_y + SMALL_PT, L->foot_y0 + (double)L->nfoot * FOOT_PT - FOOT_PT / 2);
    CU_ASSERT(R->key_y - ROB_LINE_PT / 2 >= above);
    CU_ASSERT(R->bottom <= L->H - MARGIN_PT / 2);
    CU_ASSERT(R->key_blank_x + plot_text_width(forest_rob_blank_text, SMALL_PT, 0) <= right);
    for (int j = 0; j < 3; j++) {
        CU_ASSERT(R->key_mark_x[j] + r < R->key_text_x[j]);
        if (j > 0)
            CU_ASSERT(R->key_mark_x[j] - r > R->key_text_x[j - 1]);
    }
    for (int d = 0; d < META_ROB_DOMAINS; d++) {
        int col = R->name_cols == 2 ? d / 3 : 0;
        forest_rob_domain_line(line, sizeof line, d);
        double x1 = R->name_x[col] + plot_text_width(line, SMALL_PT, 0);
        CU_ASSERT(x1 <= right);
        if (col == 0 && R->name_cols == 2)
            CU_ASSERT(x1 < R->name_x[1]); /* the left column ends before the right one */
        CU_ASSERT(R->name_y[d] > R->key_y);
        CU_ASSERT(R->name_y[d] + ROB_LINE_PT / 2 <= R->bottom + 1e-9);
    }
    CU_ASSERT_EQUAL(bad, 0);
    if (bad)
        fprintf(stderr, "%s: column headings overlap\n", what);
}

static void test_geometry(void)
{
    for (size_t i = 0; i < N_SHAPES; i++) {
        const struct shape *sh = &shapes[i];
        struct meta_forest *f = fixture_rob_forest(sh->k, sh->groups, sh->long_labels, 1);
        char what[64];
        snprintf(what, sizeof what, "k=%zu groups=%zu long=%d", sh->k, sh->groups, sh->long_labels);
        CU_ASSERT_PTR_NOT_NULL_FATAL(f);
        for (int fmt = META_PLOT_PNG; fmt <= META_PLOT_PDF; fmt++) {
            struct forest_layout L;
            struct meta_error err;
            CU_ASSERT_EQUAL_FATAL(forest_layout_build(&L, f, (enum meta_plot_format)fmt, &err),
                                  META_OK);
            check_geometry(&L, what);
            forest_layout_release(&L);
        }
        meta_forest_free(f);
    }
}

/* Every drawn study row shows its own trial's judgements, sorted and in
 * subgroups alike. */
static void check_rows_carry_their_trials(const struct meta_forest *f)
{
    struct forest_layout L;
    struct meta_error err;
    enum meta_rob want[META_ROB_DOMAINS];
    size_t studies = 0;
    CU_ASSERT_EQUAL_FATAL(forest_layout_build(&L, f, META_PLOT_SVG, &err), META_OK);
    for (size_t i = 0; i < L.nd; i++) {
        const struct drow *d = &L.d[i];
        if (d->kind != DR_STUDY)
            continue;
        studies++;
        fixture_rob_pattern(trial_of(f->rows[d->row].label), want);
        CU_ASSERT(memcmp(f->rows[d->row].study.rob, want, sizeof want) == 0);
        CU_ASSERT_EQUAL(trial_of(d->label), trial_of(f->rows[d->row].label));
    }
    CU_ASSERT(studies > 0);
    forest_layout_release(&L);
}

static void test_rows_follow_trials(void)
{
    for (size_t i = 0; i < N_SHAPES; i++) {
        struct meta_forest *f =
            fixture_rob_forest(shapes[i].k, shapes[i].groups, shapes[i].long_labels, 1);
        CU_ASSERT_PTR_NOT_NULL_FATAL(f);
        check_rows_carry_their_trials(f);
        meta_forest_sort_rows(f, META_FOREST_ORDER_EFFECT);
        check_rows_carry_their_trials(f);
        meta_forest_sort_rows(f, META_FOREST_ORDER_WEIGHT);
        check_rows_carry_their_trials(f);
        meta_forest_free(f);
    }
}

/* ---- The script ------------------------------------------------------------ */

/* The column whose centre is at screen x, or -1. */
static int column_at(const struct forest_layout *L, double x)
{
    for (int d = 0; d < META_ROB_DOMAINS; d++)
        if (fabs(x * L->W - L->rob.col_x[d]) < 0.01)
            return d;
    return -1;
}

/* The judgement drawn in colour `fill` or with `symbol`. */
static enum meta_rob judgement_of(const char *fill, const char *symbol)
{
    for (int j = META_ROB_LOW; j <= META_ROB_HIGH; j++)
        if ((fill && strcmp(fill, forest_rob_fill((enum meta_rob)j)) == 0) ||
            (symbol && strcmp(symbol, forest_rob_symbol((enum meta_rob)j)) == 0))
            return (enum meta_rob)j;
    return META_ROB_NONE;
}

/*
 * Reads the script's trial labels, circles and symbols by table row, and
 * checks that row r holds exactly the marks of the trial labelled on it:
 * a circle of the judgement's colour and its symbol in the column of each
 * judged domain, nothing in the others.
 */
static void check_script_marks(const struct meta_forest *f, const char *what)
{
    struct forest_layout L;
    struct meta_error err;
    char *s = fixture_forest_script(f, META_PLOT_PNG, "x.png", NULL), *save = NULL, *line;
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_EQUAL_FATAL(forest_layout_build(&L, f, META_PLOT_PNG, &err), META_OK);
    size_t nrow = L.nd + 1, circles = 0, legend_circles = 0;
    enum meta_rob(*by_circle)[META_ROB_DOMAINS] = calloc(nrow, sizeof *by_circle);
    enum meta_rob(*by_symbol)[META_ROB_DOMAINS] = calloc(nrow, sizeof *by_symbol);
    size_t *trial = calloc(nrow, sizeof *trial);
    CU_ASSERT_FATAL(by_circle && by_symbol && trial);
    int bad = 0;
    for (line = strtok_r(s, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char text[160], fill[8];
        double x, y, size;
        size_t row;
        int end = 0; /* set when a pattern matched to its end */
        if (sscanf(line,
                   "set object circle at screen %lf, first %zu size screen %lf fc rgb '%7[^']'", &x,
                   &row, &size, fill) == 4) {
            int d = column_at(&L, x);
            bad |= d < 0 || row == 0 || row >= nrow;
            if (!bad)
                by_circle[row][d] = judgement_of(fill, NULL);
            bad |= fabs(size * L.W - ROB_MARK_PT / 2) > 0.01;
            circles++;
        } else if (sscanf(line, "set object circle at screen %lf, screen %lf", &x, &y) == 2) {
            legend_circles++;
        } else if (sscanf(line, "set label '%159[^']' at screen %lf, first %zu center front%n",
                          text, &x, &row, &end) == 3 &&
                   end > 0) {
            int d = column_at(&L, x);
            bad |= d < 0 || row == 0 || row >= nrow;
            if (!bad)
                by_symbol[row][d] = judgement_of(NULL, text);
        } else if (sscanf(line, "set label '%159[^']' at screen %lf, first %zu left%n", text, &x,
                          &row, &end) == 3 &&
                   end > 0 && strncmp(text, "Trial ", 6) == 0 && row < nrow) {
            trial[row] = trial_of(text) + 1;
        }
    }
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT_EQUAL(circles, count_judged(f));
    CU_ASSERT_EQUAL(legend_circles, 3);
    for (size_t r = 1; r < nrow; r++) {
        enum meta_rob want[META_ROB_DOMAINS] = {META_ROB_NONE};
        if (trial[r])
            fixture_rob_pattern(trial[r] - 1, want);
        int same = memcmp(by_circle[r], want, sizeof want) == 0 &&
                   memcmp(by_symbol[r], want, sizeof want) == 0;
        CU_ASSERT(same);
        if (!same)
            fprintf(stderr, "%s: row %zu does not show its trial's marks\n", what, r);
    }
    free(by_circle);
    free(by_symbol);
    free(trial);
    forest_layout_release(&L);
    free(s);
}

static void test_script_marks_on_their_rows(void)
{
    for (size_t i = 0; i < N_SHAPES; i++) {
        struct meta_forest *f =
            fixture_rob_forest(shapes[i].k, shapes[i].groups, shapes[i].long_labels, 1);
        char what[64];
        snprintf(what, sizeof what, "k=%zu groups=%zu", shapes[i].k, shapes[i].groups);
        CU_ASSERT_PTR_NOT_NULL_FATAL(f);
        check_script_marks(f, what);
        meta_forest_sort_rows(f, META_FOREST_ORDER_EFFECT);
        check_script_marks(f, what);
        meta_forest_free(f);
    }
}

/* Not asked for: no mark, heading or legend in the script. */
static void test_script_without(void)
{
    struct meta_forest *f = fixture_rob_forest(13, 3, 0, 1);
    char *s;
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    meta_forest_set_rob(f, 0);
    s = fixture_forest_script(f, META_PLOT_SVG, "x.svg", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_PTR_NULL(strstr(s, "circle"));
    CU_ASSERT_PTR_NULL(strstr(s, "'Risk of Bias'"));
    CU_ASSERT_PTR_NULL(strstr(s, "risk of bias legend"));
    free(s);
    meta_forest_free(f);
}

/* ---- Files drawn by gnuplot ----------------------------------------------- */

static size_t count_text(const struct svg_label *l, size_t n, const char *text)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += strcmp(l[i].text, text) == 0;
    return c;
}

static size_t count_judgement(const struct meta_forest *f, enum meta_rob rob)
{
    size_t n = 0;
    for (size_t i = 0; i < f->n_rows; i++)
        for (int d = 0; f->rows[i].kind == META_FOREST_STUDY && d < META_ROB_DOMAINS; d++)
            n += f->rows[i].study.rob[d] == rob;
    return n;
}

/* The column of the RoB block at SVG x, or -1. */
static int svg_column(const struct forest_layout *L, double x)
{
    for (int d = 0; d < META_ROB_DOMAINS; d++)
        if (fabs(x - L->rob.col_x[d]) < 0.6)
            return d;
    return -1;
}

/*
 * Draws f as SVG with gnuplot and checks, in what gnuplot wrote, that each
 * trial's row has the circles (by their fill and centre) and symbols (by
 * their anchor) of its judgements in the right columns, centred on the
 * row, and that the headings, symbols and legend are text.
 */
static void check_svg(const struct meta_forest *f, const char *name, int generated)
{
    struct forest_layout L;
    struct meta_error err;
    struct svg_label *lab = NULL;
    struct svg_shape *shp = NULL;
    size_t nl = 0, ns = 0, marks = 0;
    char out[512], line[160];
    fixture_path(out, sizeof out, name);
    CU_ASSERT_EQUAL_FATAL(meta_plot_forest(f, out, NULL, &err), META_OK);
    CU_ASSERT_EQUAL_FATAL(forest_layout_build(&L, f, META_PLOT_SVG, &err), META_OK);
    CU_ASSERT_EQUAL_FATAL(fixture_svg_read(out, &lab, &nl, &shp, &ns), 0);

    /* Headings, legend and symbols are text: the plot reads without colour. */
    static const char *const texts[] = {"Risk of Bias",
                                        "D1",
                                        "D5",
                                        "Overall",
                                        "Risk of bias:",
                                        "Low risk of bias",
                                        "Some concerns",
                                        "High risk of bias",
                                        "blank: not assessed"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        CU_ASSERT(count_text(lab, nl, texts[i]) >= 1);
    for (int d = 0; d < META_ROB_DOMAINS; d++) {
        forest_rob_domain_line(line, sizeof line, d);
        CU_ASSERT_EQUAL(count_text(lab, nl, line), 1);
    }
    /* In the sizes the layout measured: the legend small, marks and
     * headings bold 9 points. */
    for (size_t j = 0; j < nl; j++) {
        int legend = strncmp(lab[j].text, "D1: ", 4) == 0 ||
                     strcmp(lab[j].text, forest_rob_blank_text) == 0 ||
                     strcmp(lab[j].text, "Some concerns") == 0;
        if (legend)
            CU_ASSERT_DOUBLE_EQUAL(lab[j].size, SMALL_PT, 1e-9);
        if (judgement_of(NULL, lab[j].text) != META_ROB_NONE || strcmp(lab[j].text, "Overall") == 0)
            CU_ASSERT_DOUBLE_EQUAL(lab[j].size, ROB_TEXT_PT, 1e-9);
    }
    CU_ASSERT_EQUAL(count_text(lab, nl, "+"), count_judgement(f, META_ROB_LOW) + 1);
    CU_ASSERT_EQUAL(count_text(lab, nl, "?"), count_judgement(f, META_ROB_SOME) + 1);
    CU_ASSERT_EQUAL(count_text(lab, nl, MINUS_SIGN), count_judgement(f, META_ROB_HIGH) + 1);

    /* Row by row: the trial's label, its circles and its symbols line up. */
    for (size_t i = 0; i < L.nd; i++) {
        const struct drow *d = &L.d[i];
        const struct meta_forest_study *s = &f->rows[d->row].study;
        double centre = L.plot_top + ((double)i + 0.5) * ROW_PT, label_y = NAN;
        enum meta_rob circle[META_ROB_DOMAINS] = {META_ROB_NONE};
        enum meta_rob symbol[META_ROB_DOMAINS] = {META_ROB_NONE};
        if (d->kind != DR_STUDY)
            continue;
        for (size_t j = 0; j < nl; j++)
            if (strcmp(lab[j].text, d->label) == 0 && fabs(lab[j].x - L.x_label) < 0.6 &&
                fabs(lab[j].y - centre) < ROW_PT / 2)
                label_y = lab[j].y;
        CU_ASSERT_FATAL(isfinite(label_y));
        for (size_t j = 0; j < ns; j++) {
            int c = svg_column(&L, shp[j].cx);
            enum meta_rob r = judgement_of(shp[j].fill, NULL);
            if (c >= 0 && r != META_ROB_NONE && fabs(shp[j].cy - centre) < 0.5) {
                circle[c] = r;
                CU_ASSERT(fabs(shp[j].w - ROB_MARK_PT) < 0.5);
                CU_ASSERT(fabs(shp[j].h - ROB_MARK_PT) < 0.5); /* round, not squashed */
            }
        }
        for (size_t j = 0; j < nl; j++) {
            int c = svg_column(&L, lab[j].x);
            enum meta_rob r = judgement_of(NULL, lab[j].text);
            if (c >= 0 && r != META_ROB_NONE && fabs(lab[j].y - label_y) < 0.05)
                symbol[c] = r;
        }
        CU_ASSERT(memcmp(circle, s->rob, sizeof circle) == 0);
        CU_ASSERT(memcmp(symbol, s->rob, sizeof symbol) == 0);
        if (generated) {
            enum meta_rob want[META_ROB_DOMAINS];
            fixture_rob_pattern(trial_of(d->label), want);
            CU_ASSERT(memcmp(circle, want, sizeof want) == 0);
        }
        for (int c = 0; c < META_ROB_DOMAINS; c++)
            marks += circle[c] != META_ROB_NONE;
    }
    CU_ASSERT_EQUAL(marks, count_judged(f));
    /* Every circle drawn is a mark of a row or of the key. */
    size_t all = 0;
    for (size_t j = 0; j < ns; j++)
        all += judgement_of(shp[j].fill, NULL) != META_ROB_NONE;
    CU_ASSERT_EQUAL(all, marks + 3);
    fixture_svg_free(lab, nl, shp);
    forest_layout_release(&L);
}

static void test_svg_generated(void)
{
    for (size_t i = 0; i < N_SHAPES; i++) {
        struct meta_forest *f =
            fixture_rob_forest(shapes[i].k, shapes[i].groups, shapes[i].long_labels, 1);
        char name[64];
        CU_ASSERT_PTR_NOT_NULL_FATAL(f);
        snprintf(name, sizeof name, "rob_k%zu_g%zu_l%d.svg", shapes[i].k, shapes[i].groups,
                 shapes[i].long_labels);
        check_svg(f, name, 1);
        meta_forest_free(f);
    }
}

/* CD015373: RevMan's own rows and RoB 2 judgements; 2.1 judges every
 * domain, 1.5 and 7.3 only the randomization process, in subgroups. */
static void test_svg_cd015373(void)
{
    static const struct {
        const char *analysis;
        size_t studies, low, some, high;
    } cases[] = {{"2.1", 2, 4, 8, 0}, {"1.5", 4, 3, 1, 0}, {"7.3", 6, 2, 4, 0}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct meta_forest *f = fixture_cd015373_forest(cases[i].analysis);
        char name[64];
        size_t studies = 0;
        CU_ASSERT_PTR_NOT_NULL_FATAL(f);
        for (size_t r = 0; r < f->n_rows; r++)
            studies += f->rows[r].kind == META_FOREST_STUDY;
        CU_ASSERT_EQUAL(studies, cases[i].studies);
        CU_ASSERT_EQUAL(count_judgement(f, META_ROB_LOW), cases[i].low);
        CU_ASSERT_EQUAL(count_judgement(f, META_ROB_SOME), cases[i].some);
        CU_ASSERT_EQUAL(count_judgement(f, META_ROB_HIGH), cases[i].high);
        snprintf(name, sizeof name, "rob_cd015373_%s.svg", cases[i].analysis);
        check_svg(f, name, 0);
        meta_forest_free(f);
    }
}

/* PNG and PDF of the same forests: drawn, the canvas as laid out. */
static void test_png_pdf(void)
{
    static const size_t ks[][2] = {{2, 0}, {13, 0}, {40, 0}, {13, 3}, {40, 4}};
    for (size_t i = 0; i < sizeof ks / sizeof ks[0]; i++) {
        struct meta_forest *f = fixture_rob_forest(ks[i][0], ks[i][1], ks[i][0] == 40, 1);
        struct forest_layout L;
        struct meta_error err;
        char out[512], name[64], *pdf;
        unsigned w = 0, h = 0;
        size_t len = 0;
        CU_ASSERT_PTR_NOT_NULL_FATAL(f);
        CU_ASSERT_EQUAL_FATAL(forest_layout_build(&L, f, META_PLOT_PNG, &err), META_OK);
        snprintf(name, sizeof name, "rob_k%zu_g%zu.png", ks[i][0], ks[i][1]);
        fixture_path(out, sizeof out, name);
        CU_ASSERT_EQUAL_FATAL(meta_plot_forest(f, out, NULL, &err), META_OK);
        CU_ASSERT_EQUAL(fixture_png_size(out, &w, &h), 0);
        CU_ASSERT_EQUAL(w, (unsigned)(2 * L.W)); /* 2 pixels per point */
        CU_ASSERT_EQUAL(h, (unsigned)(2 * L.H));
        CU_ASSERT(fixture_file_size(out) > 20000);
        snprintf(name, sizeof name, "rob_k%zu_g%zu.pdf", ks[i][0], ks[i][1]);
        fixture_path(out, sizeof out, name);
        CU_ASSERT_EQUAL_FATAL(meta_plot_forest(f, out, NULL, &err), META_OK);
        pdf = fixture_read_file(out, &len);
        CU_ASSERT_PTR_NOT_NULL_FATAL(pdf);
        CU_ASSERT(len > 5000 && memcmp(pdf, "%PDF-", 5) == 0);
        CU_ASSERT(len > 8 && strstr(pdf + len - 8, "%%EOF") != NULL);
        free(pdf);
        forest_layout_release(&L);
        meta_forest_free(f);
    }
    /* The real analyses too, for a look (META_TEST_KEEP=1). */
    static const char *const cd[] = {"1.5", "2.1", "7.3"};
    for (size_t i = 0; i < sizeof cd / sizeof cd[0]; i++) {
        struct meta_forest *f = fixture_cd015373_forest(cd[i]);
        struct meta_error err;
        char out[512], name[64];
        unsigned w = 0, h = 0;
        CU_ASSERT_PTR_NOT_NULL_FATAL(f);
        snprintf(name, sizeof name, "rob_cd015373_%s.png", cd[i]);
        fixture_path(out, sizeof out, name);
        CU_ASSERT_EQUAL(meta_plot_forest(f, out, NULL, &err), META_OK);
        CU_ASSERT_EQUAL(fixture_png_size(out, &w, &h), 0);
        CU_ASSERT(w > h);
        meta_forest_free(f);
    }
}

int main(void)
{
    static const struct meta_test_case cases[] = {
        {"judgements: the registry's and RevMan's words", test_words},
        {"builder: judgements checked and copied, the flag", test_builder},
        {"marks read without colour", test_marks_read_without_colour},
        {"columns only when asked for and judged", test_only_when_asked_and_judged},
        {"geometry: 1 to 40 trials, subgroups, long names", test_geometry},
        {"drawn rows carry their trials' judgements", test_rows_follow_trials},
        {"script: each row's marks are its trial's", test_script_marks_on_their_rows},
        {"script: nothing when not asked for", test_script_without},
        {"SVG: marks on their rows, symbols and legend as text", test_svg_generated},
        {"SVG: CD015373 with RevMan's RoB 2 judgements", test_svg_cd015373},
        {"PNG and PDF", test_png_pdf},
        {NULL, NULL}};
    return meta_test_run_suite("risk of bias on forest plots", fixture_suite_init,
                               fixture_suite_cleanup, cases);
}
