/*
 * The layout of a forest plot, apart from writing gnuplot: which rows the
 * drawn table has (studies, diamonds, prediction intervals, heterogeneity
 * lines), their texts, the axis, and where every column and row sits on the
 * canvas (the risk-of-bias columns and legend too), in points from the top
 * left. Internal to plots/; tested without gnuplot.
 */
#ifndef META_FOREST_LAYOUT_H
#define META_FOREST_LAYOUT_H

#include "forest_rob.h"
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

struct forest_layout {
    const struct meta_forest *f;
    enum meta_plot_format fmt;
    enum meta_plot_arm_kind arms; /* the kind of the arm columns */
    int nsub;                     /* sub-columns per arm: 0, 1 (totals only), 2 or 3 */
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
    struct forest_rob rob; /* risk-of-bias columns right of the panel, legend under all */
    char *title, *group_name[2], *fav_left, *fav_right;
};

/* The sub-column headers of an arm: binary and continuous. */
extern const char *const forest_sub_binary[3];
extern const char *const forest_sub_continuous[3];
extern const char *const forest_sub_total[3];

/* The sub-column headings of an arm group of L: events and total, mean, SD
 * and total, or (estimate rows alone, with participant counts) total. */
const char *const *forest_subs(const struct forest_layout *L);

/* A value of forest f on its display scale (exp for a log axis). */
double forest_disp(const struct meta_forest *f, double v);

/*
 * Lays forest f out for format fmt into *L (emptied here): rows, texts,
 * axis and geometry. L borrows f, which must outlive it. Returns META_OK,
 * META_EINVAL (a forest without rows) or META_ENOMEM with err set; release
 * L after any return.
 */
int forest_layout_build(struct forest_layout *L, const struct meta_forest *f,
                        enum meta_plot_format fmt, struct meta_error *err);

/* Frees what L owns; accepts NULL. */
void forest_layout_release(struct forest_layout *L);

#endif
