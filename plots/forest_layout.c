/*
 * Laying out a forest plot (see forest_layout.h): RevMan's table of text
 * columns on the left, the plot panel on the right (then the risk-of-bias
 * columns when asked for), the axis with back-transformed ticks, the favours
 * labels and the footer. Sizes are in points; the canvas grows with the
 * number of rows.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "forest_layout.h"

const char *const forest_sub_binary[3] = {"Events", "Total", ""};
const char *const forest_sub_continuous[3] = {"Mean", "SD", "Total"};
const char *const forest_sub_total[3] = {"Total", "", ""};

const char *const *forest_subs(const struct forest_layout *L)
{
    if (L->arms == META_PLOT_ARM_BINARY)
        return forest_sub_binary;
    return L->arms == META_PLOT_ARM_CONTINUOUS ? forest_sub_continuous : forest_sub_total;
}

double forest_disp(const struct meta_forest *f, double v)
{
    return f->log_scale ? exp(v) : v;
}

static int push(struct forest_layout *L, enum drow_kind kind, size_t row, struct drow **out,
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

static int push_text(struct forest_layout *L, enum drow_kind kind, size_t row, const char *text,
                     int bold, struct meta_error *err)
{
    struct drow *d = NULL;
    int ret = push(L, kind, row, &d, err);
    if (ret == META_OK && text)
        ret = set_label(d, text, bold, err);
    return ret;
}

static int add_footer(struct forest_layout *L, const char *text, struct meta_error *err)
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
static int push_line(struct forest_layout *L, size_t row, const char *text, struct meta_error *err)
{
    struct drow *d = NULL;
    int ret = push(L, DR_TEXT, row, &d, err);
    if (ret == META_OK && !(d->label = plot_clean_utf8(text)))
        ret = meta_error_set(err, META_ENOMEM, "out of memory");
    return ret;
}

/* The arm cells of a study. */
static void study_cells(const struct forest_layout *L, const struct meta_forest_study *s,
                        struct drow *d)
{
    const struct meta_plot_arm *arm[2] = {&s->treatment, &s->control};
    for (int side = 0; side < 2; side++) {
        const struct meta_plot_arm *a = arm[side];
        if (a->kind == META_PLOT_ARM_NONE && a->n > 0 && L->nsub > 0) {
            snprintf(d->arm[side][L->nsub - 1], sizeof d->arm[0][0], "%ld", a->n);
            continue;
        }
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
static int summary_totals(const struct forest_layout *L, size_t first, size_t last, struct drow *d,
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
            if (L->nsub > 0 && (arm[side]->kind == L->arms ||
                                (arm[side]->kind == META_PLOT_ARM_NONE && arm[side]->n > 0))) {
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
static int add_summary_rows(struct forest_layout *L, size_t idx, size_t first,
                            struct meta_error *err)
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
    plot_fmt_interval(d->est, sizeof d->est, forest_disp(L->f, s->estimate),
                      forest_disp(L->f, s->ci_lower), forest_disp(L->f, s->ci_upper), DECIMALS);

    if (L->arms == META_PLOT_ARM_BINARY) {
        ret = push_text(L, DR_EVENTS, idx, "Total events", 0, err);
        if (ret != META_OK)
            return ret;
        events = &L->d[L->nd - 1];
    }
    d = &L->d[di]; /* push may have moved the array */
    if (L->nsub > 0 && !summary_totals(L, overall ? 0 : first, idx, d, events) && events) {
        free(events->label);
        L->nd--; /* no binary arms counted: no events row */
    }
    if (isfinite(s->pi_lower)) {
        ret = push_text(L, DR_PI, idx, "Prediction interval", 0, err);
        if (ret != META_OK)
            return ret;
        d = &L->d[L->nd - 1];
        char lo[32], hi[32];
        plot_fmt_value(lo, sizeof lo, forest_disp(L->f, s->pi_lower), DECIMALS);
        plot_fmt_value(hi, sizeof hi, forest_disp(L->f, s->pi_upper), DECIMALS);
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
static int build_rows(struct forest_layout *L, struct meta_error *err)
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
                plot_fmt_interval(d->est, sizeof d->est, forest_disp(f, r->study.estimate),
                                  forest_disp(f, r->study.ci_lower),
                                  forest_disp(f, r->study.ci_upper), DECIMALS);
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
static int choose_axis(struct forest_layout *L, struct meta_error *err)
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
    plot_axis_symmetric(&L->ax, f->log_scale, forest_disp(f, f->null_value), need);
cleanup:
    free(bounds);
    free(points);
    return ret;
}

/* Widest text of column `col` over all rows (col: 0 label, 1 weight, 2 est). */
static double widest(const struct forest_layout *L, int col)
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

static int place_columns(struct forest_layout *L, struct meta_error *err)
{
    const struct meta_forest *f = L->f;
    const char *const *subs = forest_subs(L);
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
    /* Risk of bias: RevMan's columns right of the plot panel. */
    if (forest_rob_wanted(f))
        L->W =
            ceil(forest_rob_place_columns(&L->rob, L->panel_x + PANEL_PT + ROB_GAP_PT) + MARGIN_PT);
    L->foot_alongside = foot_w <= left;
    if (!L->foot_alongside && foot_w > L->W - 2 * MARGIN_PT)
        L->W = ceil(fmin(foot_w, 1400.0) + 2 * MARGIN_PT);
    if (L->rob.shown)
        L->W = fmax(L->W, ceil(forest_rob_legend_width() + 2 * MARGIN_PT));
    return META_OK;
}

static int place_rows(struct forest_layout *L, struct meta_error *err)
{
    const struct meta_forest *f = L->f;
    double y = MARGIN_PT * 0.8, axis_bottom, foot_bottom, bottom;
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
    bottom = fmax(axis_bottom, foot_bottom);
    /* The risk-of-bias legend under everything else. */
    if (L->rob.shown) {
        forest_rob_place_legend(&L->rob, MARGIN_PT, bottom + 8, L->W - 2 * MARGIN_PT);
        bottom = L->rob.bottom;
    }
    L->H = ceil(bottom + MARGIN_PT * 0.8);
    return META_OK;
}

void forest_layout_release(struct forest_layout *L)
{
    if (!L)
        return;
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

int forest_layout_build(struct forest_layout *L, const struct meta_forest *f,
                        enum meta_plot_format fmt, struct meta_error *err)
{
    locale_t saved = plot_locale_begin();
    int ret = META_OK;

    memset(L, 0, sizeof *L);
    L->f = f;
    L->fmt = fmt;
    if (f->n_rows == 0) {
        ret = meta_error_set(err, META_EINVAL, "the forest plot has no rows");
        goto cleanup;
    }
    for (size_t i = 0; i < f->n_rows && L->arms == META_PLOT_ARM_NONE; i++)
        if (f->rows[i].kind == META_FOREST_STUDY)
            L->arms = f->rows[i].study.treatment.kind != META_PLOT_ARM_NONE
                          ? f->rows[i].study.treatment.kind
                          : f->rows[i].study.control.kind;
    L->nsub = L->arms == META_PLOT_ARM_BINARY ? 2 : L->arms == META_PLOT_ARM_CONTINUOUS ? 3 : 0;
    /* Estimate rows alone: a participants column when any of them gives counts. */
    for (size_t i = 0; i < f->n_rows && L->nsub == 0; i++)
        if (f->rows[i].kind == META_FOREST_STUDY &&
            (f->rows[i].study.treatment.n > 0 || f->rows[i].study.control.n > 0))
            L->nsub = 1;
    /* Means and SDs line up with as many decimals as the data need, at most 2. */
    for (size_t i = 0; i < f->n_rows; i++) {
        const struct meta_forest_row *r = &f->rows[i];
        const struct meta_plot_arm *arm[2] = {&r->study.treatment, &r->study.control};
        for (int side = 0; r->kind == META_FOREST_STUDY && side < 2; side++)
            if (arm[side]->kind == META_PLOT_ARM_CONTINUOUS) {
                int d = plot_decimals_needed(arm[side]->mean, 2);
                int e = plot_decimals_needed(arm[side]->sd, 2);
                d = d > e ? d : e;
                L->arm_decimals = d > L->arm_decimals ? d : L->arm_decimals;
            }
    }
    ret = build_rows(L, err);
    if (ret == META_OK)
        ret = choose_axis(L, err);
    if (ret == META_OK)
        ret = place_columns(L, err);
    if (ret == META_OK)
        ret = place_rows(L, err);
cleanup:
    plot_locale_end(saved);
    return ret;
}
