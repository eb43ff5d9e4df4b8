/*
 * The gnuplot script of a forest plot laid out by forest_layout.c: each
 * text placed with `set label` at screen x and row y, squares, CI lines with
 * arrows where they leave the axis, diamonds, the null line and the axis,
 * and the risk-of-bias marks (circles with their symbol) and legend.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "forest_layout.h"

#define COLOR_SQUARE  "#2b5c8a"
#define COLOR_LINE    "#000000"
#define COLOR_DIAMOND "#000000"
#define COLOR_PI      "#8b1a1a"
#define COLOR_RULE    "#555555"
#define COLOR_ROB_RIM "#404040" /* a thin rim keeps light marks visible in print */

/* Screen coordinates from points measured from the top left. */
static double sx(const struct forest_layout *L, double x)
{
    return x / L->W;
}

static double sy(const struct forest_layout *L, double y)
{
    return 1.0 - y / L->H;
}

/* `set label` for one piece of text at screen x and either a table row
 * (row > 0: first-axis y) or a screen y. */
static int put_label(FILE *out, const struct forest_layout *L, const char *text, double x,
                     size_t row, double y, const char *align, enum plot_font font)
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

static int write_header(FILE *out, const struct forest_layout *L)
{
    const struct meta_forest *f = L->f;
    const char *const *subs = forest_subs(L);
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
    if (L->rob.shown && ret == META_OK) {
        ret = put_label(out, L, forest_rob_title, L->rob.x_head, 0, L->head1_y, "center",
                        PLOT_FONT_BOLD);
        for (int d = 0; d < META_ROB_DOMAINS && ret == META_OK; d++)
            ret = put_label(out, L, forest_rob_heading[d], L->rob.col_x[d], 0, L->head2_y, "center",
                            PLOT_FONT_BOLD);
    }
    fprintf(out,
            "set arrow from screen %.5f, screen %.5f to screen %.5f, screen %.5f nohead "
            "lw 0.8 lc rgb '%s' back\n",
            sx(L, MARGIN_PT), sy(L, L->rule_y), sx(L, L->W - MARGIN_PT), sy(L, L->rule_y),
            COLOR_RULE);
    return ret;
}

/* The text columns of one drawn row (1-based row number). */
static int write_row_text(FILE *out, const struct forest_layout *L, const struct drow *d,
                          size_t row)
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

/* A risk-of-bias mark centred at x and either a table row (row > 0) or y:
 * a filled circle in the judgement's colour with its symbol inside, so that
 * the mark reads without colour and the symbol is text in an SVG. Nothing
 * for META_ROB_NONE. */
static int put_rob_mark(FILE *out, const struct forest_layout *L, enum meta_rob rob, double x,
                        size_t row, double y)
{
    char at[96];
    if (!forest_rob_fill(rob))
        return META_OK;
    if (row > 0)
        snprintf(at, sizeof at, "screen %.5f, first %zu", sx(L, x), row);
    else
        snprintf(at, sizeof at, "screen %.5f, screen %.5f", sx(L, x), sy(L, y));
    fprintf(out,
            "set object circle at %s size screen %.5f fc rgb '%s' fs solid 1.0 border lc rgb "
            "'%s' lw 0.5 noclip back\n",
            at, ROB_MARK_PT / 2 / L->W, forest_rob_fill(rob), COLOR_ROB_RIM);
    fputs("set label ", out);
    if (plot_put_quoted(out, forest_rob_symbol(rob)) != META_OK)
        return META_ENOMEM;
    fprintf(out, " at %s center front noenhanced textcolor rgb '%s'", at, forest_rob_ink(rob));
    plot_put_font(out, L->fmt, PLOT_FONT_BOLD);
    fputc('\n', out);
    return META_OK;
}

/* The risk-of-bias marks of a study row, one per judged domain. */
static int write_rob_marks(FILE *out, const struct forest_layout *L,
                           const struct meta_forest_study *s, size_t row)
{
    int ret = META_OK;
    for (int d = 0; d < META_ROB_DOMAINS && ret == META_OK; d++)
        ret = put_rob_mark(out, L, s->rob[d], L->rob.col_x[d], row, 0);
    return ret;
}

/* The legend under the plot: what each mark means, then the domains. */
static int write_rob_legend(FILE *out, const struct forest_layout *L)
{
    const struct forest_rob *R = &L->rob;
    char line[160];
    int ret;
    fputs("# risk of bias legend\n", out);
    ret = put_label(out, L, forest_rob_legend_title, R->key_title_x, 0, R->key_y, "left",
                    PLOT_FONT_BOLD);
    for (int j = META_ROB_LOW; j <= META_ROB_HIGH && ret == META_OK; j++) {
        ret = put_rob_mark(out, L, (enum meta_rob)j, R->key_mark_x[j - 1], 0, R->key_y);
        if (ret == META_OK)
            ret = put_label(out, L, forest_rob_key_text((enum meta_rob)j), R->key_text_x[j - 1], 0,
                            R->key_y, "left", PLOT_FONT_SMALL);
    }
    if (ret == META_OK)
        ret = put_label(out, L, forest_rob_blank_text, R->key_blank_x, 0, R->key_y, "left",
                        PLOT_FONT_SMALL);
    for (int d = 0; d < META_ROB_DOMAINS && ret == META_OK; d++) {
        forest_rob_domain_line(line, sizeof line, d);
        ret = put_label(out, L, line, R->name_x[R->name_cols == 2 ? d / 3 : 0], 0, R->name_y[d],
                        "left", PLOT_FONT_SMALL);
    }
    return ret;
}

/* Prints a value in display units for gnuplot, "first" axis. */
static void put_x(FILE *out, double v)
{
    fprintf(out, "first %.6g", v);
}

/* A study's square and CI line, with arrows where the CI leaves the axis. */
static void write_study_graphics(FILE *out, const struct forest_layout *L,
                                 const struct meta_forest_study *s, size_t row)
{
    const struct plot_axis *ax = &L->ax;
    double est, lo, hi, hl = 5.0 / L->W;
    if (!isfinite(s->estimate))
        return;
    est = forest_disp(L->f, s->estimate);
    lo = forest_disp(L->f, s->ci_lower);
    hi = forest_disp(L->f, s->ci_upper);
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

static void write_diamond(FILE *out, const struct forest_layout *L,
                          const struct meta_forest_summary *s, size_t row)
{
    const struct plot_axis *ax = &L->ax;
    double est = clamp(forest_disp(L->f, s->estimate), ax->lo, ax->hi);
    double lo = clamp(forest_disp(L->f, s->ci_lower), ax->lo, ax->hi);
    double hi = clamp(forest_disp(L->f, s->ci_upper), ax->lo, ax->hi);
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

static void write_pi(FILE *out, const struct forest_layout *L, const struct meta_forest_summary *s,
                     size_t row)
{
    const struct plot_axis *ax = &L->ax;
    double lo = clamp(forest_disp(L->f, s->pi_lower), ax->lo, ax->hi);
    double hi = clamp(forest_disp(L->f, s->pi_upper), ax->lo, ax->hi);
    fputs("set arrow from ", out);
    put_x(out, lo);
    fprintf(out, ", first %zu to ", row);
    put_x(out, hi);
    fprintf(out, ", first %zu heads size screen %.5f,90 lw 1.5 lc rgb '%s' front\n", row,
            3.0 / L->W, COLOR_PI);
}

static int write_axis(FILE *out, const struct forest_layout *L)
{
    const struct plot_axis *ax = &L->ax;
    double null_disp = forest_disp(L->f, L->f->null_value);
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

static int write_script(FILE *out, const struct forest_layout *L, enum meta_plot_format fmt,
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
        if (d->kind == DR_STUDY && ret == META_OK && L->rob.shown)
            ret = write_rob_marks(out, L, &r->study, i + 1);
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
    if (ret == META_OK && L->rob.shown)
        ret = write_rob_legend(out, L);
    if (ret == META_ENOMEM)
        return meta_error_set(err, ret, "out of memory");
    fputs("plot NaN notitle\n", out);
    fputs("unset output\n", out);
    return ret;
}

int meta_plot_forest_script(const struct meta_forest *f, enum meta_plot_format fmt,
                            const char *output_path, FILE *out, struct meta_error *err)
{
    struct forest_layout L;
    locale_t saved = plot_locale_begin();
    int ret = forest_layout_build(&L, f, fmt, err);
    if (ret == META_OK)
        ret = write_script(out, &L, fmt, output_path, err);
    if (ret == META_OK && (fflush(out) != 0 || ferror(out)))
        ret = meta_error_set(err, META_EIO, "cannot write the gnuplot script");
    forest_layout_release(&L);
    plot_locale_end(saved);
    return ret;
}
