/*
 * The gnuplot script of a forest plot, laid out here rather than left to
 * gnuplot: RevMan's table of text columns on the left (placed with `set label`
 * at screen x and row y), the plot panel on the right (squares, CI lines with
 * arrows where they leave the axis, diamonds, the null line), the axis with
 * back-transformed ticks, the favours labels and the footer. Sizes are in
 * points; the canvas grows with the number of rows.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "plot_internal.h"

#define FONT_PT         9.0   /* table text */
#define SMALL_PT        8.0   /* heterogeneity lines, ticks, favours, footer */
#define TITLE_PT        11.0  /* title */
#define ROW_PT          14.0  /* one table row */
#define FOOT_PT         12.0  /* one footer line */
#define MARGIN_PT       14.0  /* around the canvas */
#define GAP_PT          12.0  /* between columns */
#define SUBGAP_PT       8.0   /* between an arm's sub-columns */
#define PANEL_PT        220.0 /* width of the plot panel */
#define LABEL_MAX_CHARS 40    /* study labels longer than this get an ellipsis */
#define LABEL_MAX_PT    230.0 /* ... and so do labels wider than this */
#define NAME_MAX_PT     170.0 /* arm names heading their columns */
#define TEXT_WIDEN_MAX  220.0 /* how far the table may widen for heterogeneity lines */
#define SQUARE_MIN_PT   3.5   /* side of the lightest study's square */
#define SQUARE_MAX_PT   10.0  /* side of the heaviest study's square */
#define DIAMOND_HALF    0.36  /* half height of a diamond, in rows */
#define DECIMALS        2

#define COLOR_SQUARE  "#2b5c8a"
#define COLOR_LINE    "#000000"
#define COLOR_DIAMOND "#000000"
#define COLOR_PI      "#8b1a1a"
#define COLOR_RULE    "#555555"

/* A row of the drawn table. */
enum drow_kind {
    DR_BLANK,   /* spacing between sections */
    DR_SECTION, /* subgroup heading */
    DR_STUDY,   /* square and CI */
    DR_SUMMARY, /* diamond */
    DR_EVENTS,  /* "Total events" under a binary diamond */
    DR_PI,      /* prediction interval under a diamond */
    DR_TEXT     /* heterogeneity or overall-effect line of a subgroup */
};

struct drow {
    enum drow_kind kind;
    size_t row;  /* index into f->rows (not for DR_BLANK) */
    char *label; /* cleaned, shortened; malloc'ed; NULL for none */
    int bold;
    char arm[2][3][24]; /* [treatment, control][sub-column] */
    char weight[16];
    char est[80];
};

struct layout {
    const struct meta_forest *f;
    enum meta_plot_format fmt;
    enum meta_plot_arm_kind arms; /* the kind of the arm columns */
    int nsub;                     /* sub-columns per arm: 0, 2 or 3 */
    int arm_decimals;             /* decimals of means and SDs, the same for all */
    struct drow *d;
    size_t nd, capd;
    char **foot; /* footer lines, malloc'ed */
    size_t nfoot;
    struct plot_axis ax;
    double wmax; /* largest study weight */

    /* Geometry, points from the top left corner. */
    double W, H;
    double x_label, w_label;
    double group_x[2], group_w[2];
    double sub_right[2][3], sub_w[3][2];
    double weight_right, w_weight;
    double x_est, w_est;
    double panel_x;
    double title_y, head1_y, head2_y, rule_y, plot_top, plot_bottom, fav_y;
    double foot_x, foot_y0;
    int foot_alongside;
    char *title, *group_name[2], *fav_left, *fav_right;
};

static const char *const sub_binary[3] = {"Events", "Total", ""};
static const char *const sub_continuous[3] = {"Mean", "SD", "Total"};

static double disp(const struct meta_forest *f, double v)
{
    return f->log_scale ? exp(v) : v;
}

static int push(struct layout *L, enum drow_kind kind, size_t row, struct drow **out,
                struct meta_error *err)
{
    if (L->nd == L->capd) {
        size_t cap = L->capd ? 2 * L->capd : 32;
        struct drow *grown = realloc(L->d, cap * sizeof *grown);
        if (!grown)
            return meta_error_set(err, META_ENOMEM, "out of memory");
        L->d = grown;
        L->capd = cap;
    }
    *out = &L->d[L->nd++];
    memset(*out, 0, sizeof **out);
    (*out)->kind = kind;
    (*out)->row = row;
    return META_OK;
}

/* Sets d->label to a shortened copy of text. */
static int set_label(struct drow *d, const char *text, int bold, struct meta_error *err)
{
    char *shorter = meta_plot_ellipsize(text, LABEL_MAX_CHARS);
    d->label = shorter ? plot_fit_width(shorter, LABEL_MAX_PT, FONT_PT, bold) : NULL;
    free(shorter);
    d->bold = bold;
    if (!d->label)
        return meta_error_set(err, META_ENOMEM, "out of memory");
    return META_OK;
}

static int push_text(struct layout *L, enum drow_kind kind, size_t row, const char *text, int bold,
                     struct meta_error *err)
{
    struct drow *d = NULL;
    int ret = push(L, kind, row, &d, err);
    if (ret == META_OK && text)
        ret = set_label(d, text, bold, err);
    return ret;
}

static int add_footer(struct layout *L, const char *text, struct meta_error *err)
{
    char **grown = realloc(L->foot, (L->nfoot + 1) * sizeof *grown);
    char *copy;
    if (!grown)
        return meta_error_set(err, META_ENOMEM, "out of memory");
    L->foot = grown;
    copy = plot_clean_utf8(text);
    if (!copy)
        return meta_error_set(err, META_ENOMEM, "out of memory");
    L->foot[L->nfoot++] = copy;
    return META_OK;
}

/* Adds a line of small text spanning the table (never shortened). */
static int push_line(struct layout *L, size_t row, const char *text, struct meta_error *err)
{
    struct drow *d = NULL;
    int ret = push(L, DR_TEXT, row, &d, err);
    if (ret == META_OK && !(d->label = plot_clean_utf8(text)))
        ret = meta_error_set(err, META_ENOMEM, "out of memory");
    return ret;
}

/* The arm cells of a study. */
static void study_cells(const struct layout *L, const struct meta_forest_study *s, struct drow *d)
{
    const struct meta_plot_arm *arm[2] = {&s->treatment, &s->control};
    for (int side = 0; side < 2; side++) {
        const struct meta_plot_arm *a = arm[side];
        if (a->kind != L->arms)
            continue;
        if (a->kind == META_PLOT_ARM_BINARY) {
            snprintf(d->arm[side][0], sizeof d->arm[0][0], "%ld", a->events);
            snprintf(d->arm[side][1], sizeof d->arm[0][0], "%ld", a->n);
        } else if (a->kind == META_PLOT_ARM_CONTINUOUS) {
            plot_fmt_fixed(d->arm[side][0], sizeof d->arm[0][0], a->mean, L->arm_decimals);
            plot_fmt_fixed(d->arm[side][1], sizeof d->arm[0][0], a->sd, L->arm_decimals);
            snprintf(d->arm[side][2], sizeof d->arm[0][0], "%ld", a->n);
        }
    }
}

/* Totals of the studies in rows [first, last) for a diamond's row and its
 * "Total events" row; returns whether there were binary arms to count. */
static int summary_totals(const struct layout *L, size_t first, size_t last, struct drow *d,
                          struct drow *events)
{
    long n[2] = {0, 0}, ev[2] = {0, 0};
    int any[2] = {0, 0};
    for (size_t i = first; i < last; i++) {
        const struct meta_forest_row *r = &L->f->rows[i];
        const struct meta_plot_arm *arm[2] = {&r->study.treatment, &r->study.control};
        if (r->kind != META_FOREST_STUDY)
            continue;
        for (int side = 0; side < 2; side++)
            if (arm[side]->kind == L->arms && L->arms != META_PLOT_ARM_NONE) {
                n[side] += arm[side]->n;
                ev[side] += arm[side]->events;
                any[side] = 1;
            }
    }
    for (int side = 0; side < 2; side++) {
        if (!any[side])
            continue;
        snprintf(d->arm[side][L->nsub - 1], sizeof d->arm[0][0], "%ld", n[side]);
        if (events)
            snprintf(events->arm[side][0], sizeof d->arm[0][0], "%ld", ev[side]);
    }
    return L->arms == META_PLOT_ARM_BINARY && (any[0] || any[1]);
}

/* Adds the drawn rows of a diamond: the diamond, its total events, its
 * prediction interval and, for a subgroup, its heterogeneity lines. */
static int add_summary_rows(struct layout *L, size_t idx, size_t first, struct meta_error *err)
{
    const struct meta_forest_row *r = &L->f->rows[idx];
    const struct meta_forest_summary *s = &r->summary;
    int overall = r->kind == META_FOREST_OVERALL;
    struct drow *d = NULL, *events = NULL;
    char level[16], text[512];
    size_t di;
    int ret;

    plot_fmt_level(level, sizeof level, L->f->level);
    if (r->label)
        snprintf(text, sizeof text, "%s", r->label);
    else
        snprintf(text, sizeof text, "%s (%s%% CI)", overall ? "Total" : "Subtotal", level);
    ret = push(L, DR_SUMMARY, idx, &d, err);
    if (ret != META_OK)
        return ret;
    di = L->nd - 1;
    ret = set_label(d, text, 1, err);
    if (ret != META_OK)
        return ret;
    if (isfinite(s->weight))
        snprintf(d->weight, sizeof d->weight, "%.1f%%", s->weight);
    plot_fmt_interval(d->est, sizeof d->est, disp(L->f, s->estimate), disp(L->f, s->ci_lower),
                      disp(L->f, s->ci_upper), DECIMALS);

    if (L->arms == META_PLOT_ARM_BINARY) {
        ret = push_text(L, DR_EVENTS, idx, "Total events", 0, err);
        if (ret != META_OK)
            return ret;
        events = &L->d[L->nd - 1];
    }
    d = &L->d[di]; /* push may have moved the array */
    if (L->arms != META_PLOT_ARM_NONE && !summary_totals(L, overall ? 0 : first, idx, d, events) &&
        events) {
        free(events->label);
        L->nd--; /* no binary arms counted: no events row */
    }
    if (isfinite(s->pi_lower)) {
        ret = push_text(L, DR_PI, idx, "Prediction interval", 0, err);
        if (ret != META_OK)
            return ret;
        d = &L->d[L->nd - 1];
        char lo[32], hi[32];
        plot_fmt_value(lo, sizeof lo, disp(L->f, s->pi_lower), DECIMALS);
        plot_fmt_value(hi, sizeof hi, disp(L->f, s->pi_upper), DECIMALS);
        snprintf(d->est, sizeof d->est, "[%s, %s]", lo, hi);
    }
    /* Subgroups carry their lines in the table; the overall lines go to the footer. */
    if (plot_fmt_heterogeneity(text, sizeof text, s)) {
        ret = overall ? add_footer(L, text, err) : push_line(L, idx, text, err);
        if (ret != META_OK)
            return ret;
    }
    if (plot_fmt_overall_test(text, sizeof text, s)) {
        ret = overall ? add_footer(L, text, err) : push_line(L, idx, text, err);
        if (ret != META_OK)
            return ret;
    }
    return META_OK;
}

/* Turns the description's rows into drawn rows and footer lines. */
static int build_rows(struct layout *L, struct meta_error *err)
{
    const struct meta_forest *f = L->f;
    size_t section_start = 0;
    int has_sections = 0, ret = META_OK;
    char text[512], level[16];

    for (size_t i = 0; i < f->n_rows; i++)
        if (f->rows[i].kind == META_FOREST_SECTION)
            has_sections = 1;
    for (size_t i = 0; i < f->n_rows && ret == META_OK; i++) {
        const struct meta_forest_row *r = &f->rows[i];
        struct drow *d = NULL;
        int after_blank = L->nd == 0 || L->d[L->nd - 1].kind == DR_BLANK;
        switch (r->kind) {
        case META_FOREST_SECTION:
            if (!after_blank)
                ret = push(L, DR_BLANK, i, &d, err);
            if (ret == META_OK)
                ret = push_text(L, DR_SECTION, i, r->label, 1, err);
            section_start = i + 1;
            break;
        case META_FOREST_STUDY:
            ret = push_text(L, DR_STUDY, i, r->label, 0, err);
            if (ret != META_OK)
                break;
            d = &L->d[L->nd - 1];
            study_cells(L, &r->study, d);
            if (isfinite(r->study.weight))
                snprintf(d->weight, sizeof d->weight, "%.1f%%", r->study.weight);
            if (isfinite(r->study.estimate))
                plot_fmt_interval(d->est, sizeof d->est, disp(f, r->study.estimate),
                                  disp(f, r->study.ci_lower), disp(f, r->study.ci_upper), DECIMALS);
            else
                snprintf(d->est, sizeof d->est, "Not estimable");
            break;
        case META_FOREST_SUBTOTAL:
            ret = add_summary_rows(L, i, section_start, err);
            if (ret == META_OK)
                ret = push(L, DR_BLANK, i, &d, err);
            section_start = i + 1;
            break;
        case META_FOREST_OVERALL:
            if (has_sections && !after_blank)
                ret = push(L, DR_BLANK, i, &d, err);
            if (ret == META_OK)
                ret = add_summary_rows(L, i, 0, err);
            break;
        }
    }
    /* No trailing blank row under the last drawn row. */
    while (ret == META_OK && L->nd > 0 && L->d[L->nd - 1].kind == DR_BLANK)
        L->nd--;
    if (ret == META_OK && f->has_subgroup_test) {
        plot_fmt_subgroup_test(text, sizeof text, f->subgroup_q, f->subgroup_df, f->subgroup_p);
        ret = add_footer(L, text, err);
    }
    if (ret == META_OK && f->model) {
        plot_fmt_level(level, sizeof level, f->level);
        if (f->method)
            snprintf(text, sizeof text, "%s, %s, %s%% CI", f->model, f->method, level);
        else
            snprintf(text, sizeof text, "%s, %s%% CI", f->model, level);
        ret = add_footer(L, text, err);
    }
    for (size_t i = 0; i < f->n_footer && ret == META_OK; i++)
        ret = add_footer(L, f->footer[i], err);
    return ret;
}

/* q-quantile (by rank, from below) of n values, sorted in place. */
static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double quantile(double *v, size_t n, double q)
{
    size_t i;
    if (n == 0)
        return 0;
    qsort(v, n, sizeof *v, cmp_double);
    i = (size_t)ceil(q * (double)n);
    return v[i > 0 ? i - 1 : 0];
}

/* The axis: every diamond and prediction interval in full, and most of the
 * study intervals; studies beyond it get arrows. */
static int choose_axis(struct layout *L, struct meta_error *err)
{
    const struct meta_forest *f = L->f;
    double need = 0, *bounds = malloc((2 * f->n_rows + 1) * sizeof *bounds);
    double *points = malloc((f->n_rows + 1) * sizeof *points);
    size_t nb = 0, np = 0;
    int ret = META_OK;
    if (!bounds || !points) {
        ret = meta_error_set(err, META_ENOMEM, "out of memory");
        goto cleanup;
    }
    for (size_t i = 0; i < f->n_rows; i++) {
        const struct meta_forest_row *r = &f->rows[i];
        if (r->kind == META_FOREST_STUDY && isfinite(r->study.estimate)) {
            bounds[nb++] = fabs(r->study.ci_lower - f->null_value);
            bounds[nb++] = fabs(r->study.ci_upper - f->null_value);
            points[np++] = fabs(r->study.estimate - f->null_value);
            if (isfinite(r->study.weight) && r->study.weight > L->wmax)
                L->wmax = r->study.weight;
        } else if (r->kind == META_FOREST_SUBTOTAL || r->kind == META_FOREST_OVERALL) {
            const struct meta_forest_summary *s = &r->summary;
            double v[4] = {s->ci_lower, s->ci_upper, s->pi_lower, s->pi_upper};
            for (int j = 0; j < 4; j++)
                if (isfinite(v[j]) && fabs(v[j] - f->null_value) > need)
                    need = fabs(v[j] - f->null_value);
        }
    }
    need = fmax(need, quantile(bounds, nb, 0.9));
    need = fmax(need, quantile(points, np, 0.95));
    plot_axis_symmetric(&L->ax, f->log_scale, disp(f, f->null_value), need);
cleanup:
    free(bounds);
    free(points);
    return ret;
}

/* Widest text of column `col` over all rows (col: 0 label, 1 weight, 2 est). */
static double widest(const struct layout *L, int col)
{
    double w = 0;
    for (size_t i = 0; i < L->nd; i++) {
        const struct drow *d = &L->d[i];
        double x = 0;
        int bold = d->kind == DR_SUMMARY;
        if (col == 0 && d->label && d->kind != DR_TEXT)
            x = plot_text_width(d->label, FONT_PT, d->bold);
        else if (col == 1)
            x = plot_text_width(d->weight, FONT_PT, bold);
        else if (col == 2)
            x = plot_text_width(d->est, FONT_PT, bold);
        w = fmax(w, x);
    }
    return w;
}

static int place_columns(struct layout *L, struct meta_error *err)
{
    const struct meta_forest *f = L->f;
    const char *const *subs = L->arms == META_PLOT_ARM_BINARY ? sub_binary : sub_continuous;
    const char *names[2] = {f->treatment ? f->treatment : "Treatment",
                            f->control ? f->control : "Control"};
    int has_sections = 0;
    double x, text_w = 0, foot_w = 0, left;
    char level[16], ci[32];

    for (size_t i = 0; i < f->n_rows; i++)
        has_sections |= f->rows[i].kind == META_FOREST_SECTION;
    L->x_label = MARGIN_PT;
    L->w_label = fmax(widest(L, 0),
                      plot_text_width(has_sections ? "Study or Subgroup" : "Study", FONT_PT, 1));
    x = L->x_label + L->w_label + GAP_PT;
    if (L->nsub > 0) {
        for (int side = 0; side < 2; side++) {
            double inner = 0;
            L->group_name[side] = plot_fit_width(names[side], NAME_MAX_PT, FONT_PT, 1);
            if (!L->group_name[side])
                return meta_error_set(err, META_ENOMEM, "out of memory");
            for (int c = 0; c < L->nsub; c++) {
                double w = plot_text_width(subs[c], FONT_PT, 1);
                for (size_t i = 0; i < L->nd; i++)
                    w = fmax(w, plot_text_width(L->d[i].arm[side][c], FONT_PT,
                                                L->d[i].kind == DR_SUMMARY));
                L->sub_w[c][side] = w;
                inner += w + (c > 0 ? SUBGAP_PT : 0);
            }
            L->group_w[side] = fmax(inner, plot_text_width(L->group_name[side], FONT_PT, 1));
            L->group_x[side] = x;
            /* Right-align the sub-columns in the group. */
            double right = x + L->group_w[side];
            for (int c = L->nsub - 1; c >= 0; c--) {
                L->sub_right[side][c] = right;
                right -= L->sub_w[c][side] + SUBGAP_PT;
            }
            x += L->group_w[side] + GAP_PT;
        }
    }
    L->w_weight = fmax(widest(L, 1), plot_text_width("Weight", FONT_PT, 1));
    L->weight_right = x + L->w_weight;
    x = L->weight_right + GAP_PT;
    plot_fmt_level(level, sizeof level, f->level);
    snprintf(ci, sizeof ci, "%s%% CI", level);
    L->x_est = x;
    L->w_est = fmax(fmax(widest(L, 2), plot_text_width(f->measure, FONT_PT, 1)),
                    plot_text_width(ci, FONT_PT, 1));
    L->panel_x = L->x_est + L->w_est + 1.5 * GAP_PT;

    /* Heterogeneity lines of subgroups sit in the table, the overall ones
     * beside the axis: widen the label column (a little) so that they fit. */
    for (size_t i = 0; i < L->nd; i++)
        if (L->d[i].kind == DR_TEXT)
            text_w = fmax(text_w, plot_text_width(L->d[i].label, SMALL_PT, 0));
    for (size_t i = 0; i < L->nfoot; i++)
        foot_w = fmax(foot_w, plot_text_width(L->foot[i], SMALL_PT, 0));
    left = L->panel_x - GAP_PT - L->x_label;
    double want = fmax(text_w, foot_w <= left + TEXT_WIDEN_MAX ? foot_w : 0);
    if (want > left) {
        double extra = fmin(want - left, TEXT_WIDEN_MAX);
        L->w_label += extra;
        L->group_x[0] += extra;
        L->group_x[1] += extra;
        for (int side = 0; side < 2; side++)
            for (int c = 0; c < L->nsub; c++)
                L->sub_right[side][c] += extra;
        L->weight_right += extra;
        L->x_est += extra;
        L->panel_x += extra;
        left += extra;
    }
    L->W = ceil(L->panel_x + PANEL_PT + MARGIN_PT);
    L->foot_alongside = foot_w <= left;
    if (!L->foot_alongside && foot_w > L->W - 2 * MARGIN_PT)
        L->W = ceil(fmin(foot_w, 1400.0) + 2 * MARGIN_PT);
    return META_OK;
}

static int place_rows(struct layout *L, struct meta_error *err)
{
    const struct meta_forest *f = L->f;
    double y = MARGIN_PT * 0.8, axis_bottom, foot_bottom;
    const char *tname = f->treatment ? f->treatment : "treatment";
    const char *cname = f->control ? f->control : "control";
    char buf[512];

    if (f->title) {
        L->title = plot_fit_width(f->title, L->W - 2 * MARGIN_PT, TITLE_PT, 1);
        if (!L->title)
            return meta_error_set(err, META_ENOMEM, "out of memory");
        L->title_y = y + TITLE_PT * 0.6;
        y += TITLE_PT + 10;
    }
    L->head1_y = y + ROW_PT * 0.5;
    L->head2_y = y + ROW_PT * 1.5;
    y += 2 * ROW_PT;
    L->rule_y = y + 2;
    y += 5;
    L->plot_top = y;
    L->plot_bottom = y + (double)(L->nd > 0 ? L->nd : 1) * ROW_PT;
    L->fav_y = L->plot_bottom + 31;
    axis_bottom = L->fav_y + 8;

    /* Favours labels: the treatment is favoured below the null unless higher
     * is better; each label must fit its half of the panel. */
    const char *left = f->higher_is_better ? cname : tname;
    const char *right = f->higher_is_better ? tname : cname;
    snprintf(buf, sizeof buf, "Favours %s", left);
    L->fav_left =
        plot_fit_width(f->favours_left ? f->favours_left : buf, PANEL_PT / 2 - 6, SMALL_PT, 0);
    snprintf(buf, sizeof buf, "Favours %s", right);
    L->fav_right =
        plot_fit_width(f->favours_right ? f->favours_right : buf, PANEL_PT / 2 - 6, SMALL_PT, 0);
    if (!L->fav_left || !L->fav_right)
        return meta_error_set(err, META_ENOMEM, "out of memory");

    L->foot_x = MARGIN_PT;
    if (L->foot_alongside) {
        L->foot_y0 = L->plot_bottom + 10;
        foot_bottom = L->foot_y0 + (double)L->nfoot * FOOT_PT - FOOT_PT / 2;
    } else {
        L->foot_y0 = axis_bottom + 8;
        foot_bottom = L->foot_y0 + (double)L->nfoot * FOOT_PT - FOOT_PT / 2;
    }
    L->H = ceil(fmax(axis_bottom, foot_bottom) + MARGIN_PT * 0.8);
    return META_OK;
}

/* Screen coordinates from points measured from the top left. */
static double sx(const struct layout *L, double x)
{
    return x / L->W;
}

static double sy(const struct layout *L, double y)
{
    return 1.0 - y / L->H;
}

/* `set label` for one piece of text at screen x and either a table row
 * (row > 0: first-axis y) or a screen y. */
static int put_label(FILE *out, const struct layout *L, const char *text, double x, size_t row,
                     double y, const char *align, enum plot_font font)
{
    if (!text || !*text)
        return META_OK;
    fputs("set label ", out);
    if (plot_put_quoted(out, text) != META_OK)
        return META_ENOMEM;
    if (row > 0)
        fprintf(out, " at screen %.5f, first %zu", sx(L, x), row);
    else
        fprintf(out, " at screen %.5f, screen %.5f", sx(L, x), sy(L, y));
    fprintf(out, " %s noenhanced", align);
    plot_put_font(out, L->fmt, font);
    fputc('\n', out);
    return META_OK;
}

static int write_header(FILE *out, const struct layout *L)
{
    const struct meta_forest *f = L->f;
    const char *const *subs = L->arms == META_PLOT_ARM_BINARY ? sub_binary : sub_continuous;
    int has_sections = 0, ret = META_OK;
    char level[16], ci[32];

    for (size_t i = 0; i < f->n_rows; i++)
        has_sections |= f->rows[i].kind == META_FOREST_SECTION;
    plot_fmt_level(level, sizeof level, f->level);
    snprintf(ci, sizeof ci, "%s%% CI", level);
    fputs("# header\n", out);
    if (L->title)
        ret = put_label(out, L, L->title, MARGIN_PT, 0, L->title_y, "left", PLOT_FONT_TITLE);
    if (ret == META_OK)
        ret = put_label(out, L, has_sections ? "Study or Subgroup" : "Study", L->x_label, 0,
                        L->head2_y, "left", PLOT_FONT_BOLD);
    for (int side = 0; side < 2 && L->nsub > 0 && ret == META_OK; side++) {
        ret = put_label(out, L, L->group_name[side], L->group_x[side] + L->group_w[side] / 2, 0,
                        L->head1_y, "center", PLOT_FONT_BOLD);
        for (int c = 0; c < L->nsub && ret == META_OK; c++)
            ret = put_label(out, L, subs[c], L->sub_right[side][c], 0, L->head2_y, "right",
                            PLOT_FONT_BOLD);
    }
    if (ret == META_OK)
        ret = put_label(out, L, "Weight", L->weight_right, 0, L->head2_y, "right", PLOT_FONT_BOLD);
    if (ret == META_OK)
        ret = put_label(out, L, f->measure, L->x_est, 0, L->head1_y, "left", PLOT_FONT_BOLD);
    if (ret == META_OK)
        ret = put_label(out, L, ci, L->x_est, 0, L->head2_y, "left", PLOT_FONT_BOLD);
    if (ret == META_OK)
        ret = put_label(out, L, f->measure, L->panel_x + PANEL_PT / 2, 0, L->head1_y, "center",
                        PLOT_FONT_BOLD);
    if (ret == META_OK)
        ret = put_label(out, L, ci, L->panel_x + PANEL_PT / 2, 0, L->head2_y, "center",
                        PLOT_FONT_BOLD);
    fprintf(out,
            "set arrow from screen %.5f, screen %.5f to screen %.5f, screen %.5f nohead "
            "lw 0.8 lc rgb '%s' back\n",
            sx(L, MARGIN_PT), sy(L, L->rule_y), sx(L, L->W - MARGIN_PT), sy(L, L->rule_y),
            COLOR_RULE);
    return ret;
}

/* The text columns of one drawn row (1-based row number). */
static int write_row_text(FILE *out, const struct layout *L, const struct drow *d, size_t row)
{
    int ret = META_OK;
    int bold = d->kind == DR_SUMMARY;
    enum plot_font font = bold ? PLOT_FONT_BOLD : PLOT_FONT_DEFAULT;
    if (d->kind == DR_BLANK)
        return META_OK;
    fprintf(out, "# row %zu\n", row);
    if (d->kind == DR_TEXT)
        return put_label(out, L, d->label, L->x_label, row, 0, "left", PLOT_FONT_SMALL);
    ret = put_label(out, L, d->label, L->x_label, row, 0, "left",
                    d->bold ? PLOT_FONT_BOLD : PLOT_FONT_DEFAULT);
    for (int side = 0; side < 2 && ret == META_OK; side++)
        for (int c = 0; c < L->nsub && ret == META_OK; c++)
            ret = put_label(out, L, d->arm[side][c], L->sub_right[side][c], row, 0, "right", font);
    if (ret == META_OK)
        ret = put_label(out, L, d->weight, L->weight_right, row, 0, "right", font);
    if (ret == META_OK)
        ret = put_label(out, L, d->est, L->x_est, row, 0, "left", font);
    return ret;
}

/* Prints a value in display units for gnuplot, "first" axis. */
static void put_x(FILE *out, double v)
{
    fprintf(out, "first %.6g", v);
}

/* A study's square and CI line, with arrows where the CI leaves the axis. */
static void write_study_graphics(FILE *out, const struct layout *L,
                                 const struct meta_forest_study *s, size_t row)
{
    const struct plot_axis *ax = &L->ax;
    double est, lo, hi, hl = 5.0 / L->W;
    if (!isfinite(s->estimate))
        return;
    est = disp(L->f, s->estimate);
    lo = disp(L->f, s->ci_lower);
    hi = disp(L->f, s->ci_upper);
    if (hi < ax->lo || lo > ax->hi) {
        /* Entirely off the axis: a short arrow at the edge pointing its way. */
        int right = lo > ax->hi;
        fprintf(out,
                "set arrow from graph %.3f, first %zu to graph %.3f, first %zu head "
                "size screen %.5f,25 filled lw 1 lc rgb '%s' back\n",
                right ? 0.92 : 0.08, row, right ? 1.0 : 0.0, row, hl, COLOR_LINE);
        return;
    }
    if (hi > lo) {
        int clip_lo = lo<ax->lo, clip_hi = hi> ax->hi;
        const char *heads = clip_lo && clip_hi ? "heads"
                            : clip_lo          ? "backhead"
                            : clip_hi          ? "head"
                                               : "nohead";
        fputs("set arrow from ", out);
        put_x(out, clip_lo ? ax->lo : lo);
        fprintf(out, ", first %zu to ", row);
        put_x(out, clip_hi ? ax->hi : hi);
        fprintf(out, ", first %zu %s", row, heads);
        if (clip_lo || clip_hi)
            fprintf(out, " size screen %.5f,25 filled", hl);
        fprintf(out, " lw 1 lc rgb '%s' back\n", COLOR_LINE);
    }
    if (est >= ax->lo && est <= ax->hi) {
        double side = SQUARE_MAX_PT;
        if (isfinite(s->weight) && L->wmax > 0)
            side = SQUARE_MIN_PT + (SQUARE_MAX_PT - SQUARE_MIN_PT) * sqrt(s->weight / L->wmax);
        else
            side = (SQUARE_MIN_PT + SQUARE_MAX_PT) / 2;
        fputs("set object rect center ", out);
        put_x(out, est);
        fprintf(out,
                ", first %zu size screen %.5f, screen %.5f fc rgb '%s' fs solid 1.0 noborder "
                "front\n",
                row, side / L->W, side / L->H, COLOR_SQUARE);
    }
}

static double clamp(double v, double lo, double hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

static void write_diamond(FILE *out, const struct layout *L, const struct meta_forest_summary *s,
                          size_t row)
{
    const struct plot_axis *ax = &L->ax;
    double est = clamp(disp(L->f, s->estimate), ax->lo, ax->hi);
    double lo = clamp(disp(L->f, s->ci_lower), ax->lo, ax->hi);
    double hi = clamp(disp(L->f, s->ci_upper), ax->lo, ax->hi);
    double r = (double)row;
    fputs("set object polygon from ", out);
    put_x(out, lo);
    fprintf(out, ", first %g to ", r);
    put_x(out, est);
    fprintf(out, ", first %g to ", r - DIAMOND_HALF);
    put_x(out, hi);
    fprintf(out, ", first %g to ", r);
    put_x(out, est);
    fprintf(out, ", first %g to ", r + DIAMOND_HALF);
    put_x(out, lo);
    fprintf(out, ", first %g fc rgb '%s' fs solid 1.0 noborder front\n", r, COLOR_DIAMOND);
}

static void write_pi(FILE *out, const struct layout *L, const struct meta_forest_summary *s,
                     size_t row)
{
    const struct plot_axis *ax = &L->ax;
    double lo = clamp(disp(L->f, s->pi_lower), ax->lo, ax->hi);
    double hi = clamp(disp(L->f, s->pi_upper), ax->lo, ax->hi);
    fputs("set arrow from ", out);
    put_x(out, lo);
    fprintf(out, ", first %zu to ", row);
    put_x(out, hi);
    fprintf(out, ", first %zu heads size screen %.5f,90 lw 1.5 lc rgb '%s' front\n", row,
            3.0 / L->W, COLOR_PI);
}

static int write_axis(FILE *out, const struct layout *L)
{
    const struct plot_axis *ax = &L->ax;
    double null_disp = disp(L->f, L->f->null_value);
    double null_x = L->panel_x + PANEL_PT * plot_axis_frac(ax, null_disp);
    int ret;

    fputs("# axis\n", out);
    fprintf(out, "set lmargin at screen %.5f\n", sx(L, L->panel_x));
    fprintf(out, "set rmargin at screen %.5f\n", sx(L, L->panel_x + PANEL_PT));
    fprintf(out, "set tmargin at screen %.5f\n", sy(L, L->plot_top));
    fprintf(out, "set bmargin at screen %.5f\n", sy(L, L->plot_bottom));
    fprintf(out, "set xrange [%.6g:%.6g]\n", ax->lo, ax->hi);
    fprintf(out, "set yrange [%zu.5:0.5]\n", L->nd > 0 ? L->nd : 1);
    if (ax->log_scale)
        fputs("set logscale x\n", out);
    fputs("unset ytics\nunset mxtics\nset border 1 lw 1\n", out);
    fputs("set xtics out nomirror scale 0.6,0", out);
    plot_put_font(out, L->fmt, PLOT_FONT_SMALL);
    fputs(" (", out);
    for (size_t i = 0; i < ax->n_ticks; i++)
        fprintf(out, "%s'%s' %.6g", i ? ", " : "", ax->labels[i], ax->ticks[i]);
    fputs(")\n", out);
    fprintf(out,
            "set arrow from first %.6g, graph 0 to first %.6g, graph 1 nohead lw 1 "
            "lc rgb '%s' back\n",
            null_disp, null_disp, COLOR_LINE);
    ret = put_label(out, L, L->fav_left, null_x - 6, 0, L->fav_y, "right", PLOT_FONT_SMALL);
    if (ret == META_OK)
        ret = put_label(out, L, L->fav_right, null_x + 6, 0, L->fav_y, "left", PLOT_FONT_SMALL);
    return ret;
}

static int write_script(FILE *out, const struct layout *L, enum meta_plot_format fmt,
                        const char *output_path, struct meta_error *err)
{
    int ret;
    fputs("# Forest plot written by meta. Sizes are in points; rows are the y axis\n"
          "# (row 1 at the top); edit freely and run with: gnuplot FILE\n",
          out);
    ret = plot_put_terminal(out, fmt, L->W, L->H, output_path, err);
    if (ret != META_OK)
        return ret;
    fputs("unset key\n", out);
    ret = write_header(out, L);
    if (ret == META_OK)
        ret = write_axis(out, L);
    for (size_t i = 0; i < L->nd && ret == META_OK; i++) {
        const struct drow *d = &L->d[i];
        const struct meta_forest_row *r = &L->f->rows[d->row];
        ret = write_row_text(out, L, d, i + 1);
        if (d->kind == DR_STUDY)
            write_study_graphics(out, L, &r->study, i + 1);
        else if (d->kind == DR_SUMMARY)
            write_diamond(out, L, &r->summary, i + 1);
        else if (d->kind == DR_PI)
            write_pi(out, L, &r->summary, i + 1);
    }
    if (ret == META_OK && L->nfoot > 0) {
        fputs("# footer\n", out);
        for (size_t i = 0; i < L->nfoot && ret == META_OK; i++)
            ret = put_label(out, L, L->foot[i], L->foot_x, 0, L->foot_y0 + (double)i * FOOT_PT,
                            "left", PLOT_FONT_SMALL);
    }
    if (ret == META_ENOMEM)
        return meta_error_set(err, ret, "out of memory");
    fputs("plot NaN notitle\n", out);
    fputs("unset output\n", out);
    return ret;
}

static void layout_release(struct layout *L)
{
    for (size_t i = 0; i < L->nd; i++)
        free(L->d[i].label);
    free(L->d);
    for (size_t i = 0; i < L->nfoot; i++)
        free(L->foot[i]);
    free(L->foot);
    free(L->title);
    free(L->group_name[0]);
    free(L->group_name[1]);
    free(L->fav_left);
    free(L->fav_right);
}

int meta_plot_forest_script(const struct meta_forest *f, enum meta_plot_format fmt,
                            const char *output_path, FILE *out, struct meta_error *err)
{
    struct layout L;
    locale_t saved = plot_locale_begin();
    int ret = META_OK;

    memset(&L, 0, sizeof L);
    L.f = f;
    L.fmt = fmt;
    if (f->n_rows == 0) {
        ret = meta_error_set(err, META_EINVAL, "the forest plot has no rows");
        goto cleanup;
    }
    for (size_t i = 0; i < f->n_rows && L.arms == META_PLOT_ARM_NONE; i++)
        if (f->rows[i].kind == META_FOREST_STUDY)
            L.arms = f->rows[i].study.treatment.kind != META_PLOT_ARM_NONE
                         ? f->rows[i].study.treatment.kind
                         : f->rows[i].study.control.kind;
    L.nsub = L.arms == META_PLOT_ARM_BINARY ? 2 : L.arms == META_PLOT_ARM_CONTINUOUS ? 3 : 0;
    /* Means and SDs line up with as many decimals as the data need, at most 2. */
    for (size_t i = 0; i < f->n_rows; i++) {
        const struct meta_forest_row *r = &f->rows[i];
        const struct meta_plot_arm *arm[2] = {&r->study.treatment, &r->study.control};
        for (int side = 0; r->kind == META_FOREST_STUDY && side < 2; side++)
            if (arm[side]->kind == META_PLOT_ARM_CONTINUOUS) {
                int d = plot_decimals_needed(arm[side]->mean, 2);
                int e = plot_decimals_needed(arm[side]->sd, 2);
                d = d > e ? d : e;
                L.arm_decimals = d > L.arm_decimals ? d : L.arm_decimals;
            }
    }
    ret = build_rows(&L, err);
    if (ret == META_OK)
        ret = choose_axis(&L, err);
    if (ret == META_OK)
        ret = place_columns(&L, err);
    if (ret == META_OK)
        ret = place_rows(&L, err);
    if (ret == META_OK)
        ret = write_script(out, &L, fmt, output_path, err);
    if (ret == META_OK && (fflush(out) != 0 || ferror(out)))
        ret = meta_error_set(err, META_EIO, "cannot write the gnuplot script");
cleanup:
    layout_release(&L);
    plot_locale_end(saved);
    return ret;
}
