/*
 * Risk of bias on a forest plot, as RevMan draws it beside the plot panel:
 * the judgements' symbols and colours, the domains' headings and names, and
 * where the columns of marks and the legend under the plot go. Internal to
 * plots/: forest_layout.c places them, forest_script.c draws them.
 */
#ifndef META_FOREST_ROB_H
#define META_FOREST_ROB_H

#include "plot_internal.h"

#define ROB_TEXT_PT   9.0  /* headings and symbols: PLOT_FONT_BOLD's size */
#define ROB_SMALL_PT  8.0  /* the legend: PLOT_FONT_SMALL's size */
#define ROB_MARK_PT   10.0 /* diameter of a mark */
#define ROB_PITCH_PT  18.0 /* from one domain column to the next */
#define ROB_GAP_PT    20.0 /* between the plot panel and the first column */
#define ROB_LINE_PT   13.0 /* one line of the legend */
#define ROB_KEY_GAP   16.0 /* between the items of the legend's key line */
#define ROB_MARK_TEXT 5.0  /* between a mark and its text in the key */

/* Where the risk-of-bias columns and their legend go, in points from the
 * top left of the canvas; all zero when they are not drawn. */
struct forest_rob {
    int shown;                      /* the columns and the legend are drawn */
    double x_left, x_right;         /* the block of columns */
    double col_x[META_ROB_DOMAINS]; /* centre of each domain's column */
    double x_head;                  /* centre of the "Risk of Bias" heading */
    /* The legend: a key line (title, then a mark and its text per judgement,
     * then what a blank means), then the domains in one or two columns. */
    double key_y;                    /* centre of the key line */
    double key_title_x;              /* left of "Risk of bias" */
    double key_mark_x[3];            /* centres of the low, some concerns, high marks */
    double key_text_x[3];            /* left of their texts */
    double key_blank_x;              /* left of the text saying what a blank means */
    int name_cols;                   /* 1 or 2 */
    double name_x[2];                /* left of each column of domain names */
    double name_y[META_ROB_DOMAINS]; /* centre of each domain's line */
    double bottom;                   /* under the last line of the legend */
};

/* The heading of each domain's column: "D1" ... "D5", "Overall". */
extern const char *const forest_rob_heading[META_ROB_DOMAINS];

/* The heading over the columns, the legend's title and what a blank means. */
extern const char *const forest_rob_title;
extern const char *const forest_rob_legend_title;
extern const char *const forest_rob_blank_text;

/* The symbol drawn inside a mark ("+", "?", a minus sign), its text in the
 * key ("Low risk of bias"...), the mark's fill and the symbol's colour
 * ("#rrggbb"): static strings; "" (texts) or NULL (colours) for
 * META_ROB_NONE and values out of range. */
const char *forest_rob_symbol(enum meta_rob rob);
const char *forest_rob_key_text(enum meta_rob rob);
const char *forest_rob_fill(enum meta_rob rob);
const char *forest_rob_ink(enum meta_rob rob);

/* Writes the legend's line for domain d ("D1: Bias arising from the
 * randomization process") into buf (size bytes, always terminated). */
void forest_rob_domain_line(char *buf, size_t size, int d);

/* Whether forest f gets the columns: asked for, and at least one study row
 * has a judgement. */
int forest_rob_wanted(const struct meta_forest *f);

/* Places the columns from x (the left edge of the block) on, marks R shown,
 * and returns the block's right edge. */
double forest_rob_place_columns(struct forest_rob *R, double x);

/* The narrowest width the legend needs (its key line, the domains in one
 * column), in points. */
double forest_rob_legend_width(void);

/* Places the legend at left edge x with its top at y, within `width`
 * points: the domains in two columns when they fit, else in one. */
void forest_rob_place_legend(struct forest_rob *R, double x, double y, double width);

#endif
