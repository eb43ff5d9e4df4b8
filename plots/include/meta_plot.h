/*
 * Forest, funnel and bubble plots: a plain description of what a plot shows,
 * filled by the caller from its results, and the functions that turn it into
 * a gnuplot script and run gnuplot. This layer knows nothing of lib/stats or
 * the registry: everything arrives as numbers and text in these structs.
 */
#ifndef META_PLOT_H
#define META_PLOT_H

#include <stddef.h>
#include <stdio.h>

#include "meta_status.h"
#include "safe_out.h"

/* Output formats; the gnuplot terminal follows from it (pngcairo, svg, pdfcairo). */
enum meta_plot_format { META_PLOT_PNG, META_PLOT_SVG, META_PLOT_PDF };

/* What an arm's data columns show. */
enum meta_plot_arm_kind {
    META_PLOT_ARM_NONE = 0,  /* no arm data (an estimate row): n > 0 its participants, if known */
    META_PLOT_ARM_BINARY,    /* events / n */
    META_PLOT_ARM_CONTINUOUS /* mean, sd, n */
};

/* One arm's (or one side's combined) data, as numbers: the plot formats them. */
struct meta_plot_arm {
    enum meta_plot_arm_kind kind;
    long events; /* binary: participants with the event */
    long n;      /* binary: participants at risk; continuous: participants analysed;
                    none: participants on the side when > 0, shown in the total column */
    double mean; /* continuous */
    double sd;   /* continuous */
};

/*
 * A risk-of-bias judgement of one domain of a result, as RoB 2 judges them
 * (Sterne et al. 2019, BMJ 366:l4898; Cochrane Handbook chapter 8).
 */
enum meta_rob {
    META_ROB_NONE = 0, /* not assessed: no mark */
    META_ROB_LOW,      /* low risk of bias */
    META_ROB_SOME,     /* some concerns (RoB 1: unclear risk) */
    META_ROB_HIGH      /* high risk of bias */
};

/* The domains a study row may carry a judgement for, in column order: RoB 2's
 * five (D1 randomization process, D2 deviations from intended interventions,
 * D3 missing outcome data, D4 measurement of the outcome, D5 selection of the
 * reported result) and the overall judgement. */
enum meta_rob_domain {
    META_ROB_D1 = 0,
    META_ROB_D2,
    META_ROB_D3,
    META_ROB_D4,
    META_ROB_D5,
    META_ROB_OVERALL,
    META_ROB_DOMAINS /* their number */
};

/*
 * One study row. Effect values are on the analysis scale: for a ratio measure
 * (the forest's log_scale flag set) they are natural logarithms, exactly as the
 * JSON output and lib/stats report them, and the plot back-transforms them.
 * estimate NAN means "not estimable" (the row is shown, without a square).
 */
struct meta_forest_study {
    const char *label;                   /* trial label; required */
    double year;                         /* for sorting by year; NAN when unknown */
    struct meta_plot_arm treatment;      /* the treatment side's data */
    struct meta_plot_arm control;        /* the control side's data */
    double weight;                       /* percent; NAN: blank column, mid-sized square */
    double estimate, ci_lower, ci_upper; /* analysis scale */
    enum meta_rob rob[META_ROB_DOMAINS]; /* risk of bias per domain; META_ROB_NONE: no mark */
};

/*
 * A pooled result drawn as a diamond: a subgroup's subtotal or the overall
 * total. Fields left NAN are not shown: a common-effect summary leaves tau2 and
 * the prediction interval NAN; a summary without a heterogeneity line leaves
 * q NAN; one without a test for the overall effect leaves stat NAN.
 */
struct meta_forest_summary {
    const char *label;                   /* NULL: "Subtotal (95% CI)" or "Total (95% CI)" */
    double estimate, ci_lower, ci_upper; /* analysis scale */
    double pi_lower, pi_upper;           /* prediction interval, analysis scale; NAN: none */
    double weight;                       /* percent; NAN: blank */
    double tau2;                         /* NAN under a common-effect model */
    double q, q_df, q_p;                 /* Cochran's Q, its df and p */
    double i2;                           /* percent */
    double stat;                         /* z, or t when stat_df is set */
    double stat_df;                      /* NAN: stat is a z statistic; else t on stat_df df */
    double p;                            /* p of the test for the overall effect */
};

/* What a row of the table is. */
enum meta_forest_row_kind {
    META_FOREST_STUDY,    /* a trial: square and CI */
    META_FOREST_SECTION,  /* a subgroup's heading */
    META_FOREST_SUBTOTAL, /* a subgroup's diamond, ending its section */
    META_FOREST_OVERALL   /* the overall diamond: always the last row */
};

/* A row as stored: `label` is owned by the forest; study.label and summary.label
 * point to it. */
struct meta_forest_row {
    enum meta_forest_row_kind kind;
    size_t order; /* 0, 1, 2... in the order rows were added: the loaded order */
    char *label;
    struct meta_forest_study study;     /* META_FOREST_STUDY */
    struct meta_forest_summary summary; /* META_FOREST_SUBTOTAL, META_FOREST_OVERALL */
};

/*
 * The description of a forest plot. Build it with the functions below (they
 * copy every string); the fields are documented so that callers and tests can
 * read them, but should be changed through the functions only. Typical use:
 *
 *   f = meta_forest_alloc();
 *   meta_forest_set_measure(f, "Risk Ratio", 1, err);
 *   meta_forest_set_arms(f, "BCG", "control", err);
 *   meta_forest_set_model(f, "Random effects", "REML", 95, err);
 *   for each subgroup: meta_forest_add_section(f, "TCA", err);
 *                      for each study: meta_forest_study_init(&s); fill; add_study
 *                      meta_forest_add_subtotal(f, &sum, err);
 *   meta_forest_add_overall(f, &sum, err);
 *   meta_forest_set_subgroup_test(f, q, df, p, err);
 *   meta_forest_sort_rows(f, order);
 *   meta_plot_forest(f, "forest.png", script_path_or_NULL, err);
 *   meta_forest_free(f);
 */
struct meta_forest {
    char *title;           /* NULL: no title line */
    char *measure;         /* column header and axis subject, e.g. "Risk Ratio" */
    int log_scale;         /* ratio measure: values are logs, axis is logarithmic */
    double null_value;     /* no effect, analysis scale (0 for every measure by default) */
    double level;          /* confidence level in percent (95) */
    char *treatment;       /* header of the treatment columns and of "Favours ..." */
    char *control;         /* header of the control columns */
    char *favours_left;    /* NULL: derived from treatment/control and higher_is_better */
    char *favours_right;   /* NULL: likewise */
    int higher_is_better;  /* 0: effects below the null favour the treatment */
    char *model;           /* footer, e.g. "Random effects"; NULL: no model line */
    char *method;          /* footer, e.g. "REML" */
    int show_rob;          /* draw the risk-of-bias columns (when a study has a judgement) */
    int has_subgroup_test; /* set by meta_forest_set_subgroup_test() */
    double subgroup_q, subgroup_df, subgroup_p;
    char **footer; /* extra footer lines, in order */
    size_t n_footer;
    struct meta_forest_row *rows;
    size_t n_rows;
    size_t cap_rows;
};

/* Study orders for meta_forest_sort_rows(). */
enum meta_forest_order {
    META_FOREST_ORDER_LOADED, /* as added */
    META_FOREST_ORDER_YEAR,   /* year ascending, unknown years last */
    META_FOREST_ORDER_EFFECT, /* estimate ascending, not estimable last */
    META_FOREST_ORDER_WEIGHT  /* weight descending (largest first), unknown last */
};

/* Allocates an empty forest (measure "Effect", linear axis, null 0, level 95).
 * Returns NULL when out of memory. Free with meta_forest_free(). */
struct meta_forest *meta_forest_alloc(void);

/* Frees the forest and every string it holds; accepts NULL. */
void meta_forest_free(struct meta_forest *f);

/* Sets the title (NULL removes it). Returns META_OK or META_ENOMEM. */
int meta_forest_set_title(struct meta_forest *f, const char *title, struct meta_error *err);

/* Sets the measure's label ("Risk Ratio", "Std. Mean Difference") and whether
 * values are logs of a ratio (RR, OR, ROM): the axis is then logarithmic with
 * back-transformed tick labels. Returns META_OK, META_EINVAL (label NULL) or
 * META_ENOMEM. */
int meta_forest_set_measure(struct meta_forest *f, const char *label, int log_scale,
                            struct meta_error *err);

/* Sets the names heading the treatment and control columns (and the default
 * "Favours ..." labels). Returns META_OK, META_EINVAL (NULL) or META_ENOMEM. */
int meta_forest_set_arms(struct meta_forest *f, const char *treatment, const char *control,
                         struct meta_error *err);

/* Overrides the labels under the axis, left and right of the null; either may
 * be NULL to keep the default ("Favours <treatment>" left, "Favours <control>"
 * right, swapped when higher is better). Returns META_OK or META_ENOMEM. */
int meta_forest_set_favours(struct meta_forest *f, const char *left, const char *right,
                            struct meta_error *err);

/* Declares that higher values of the outcome are better for patients, which
 * puts "Favours <treatment>" on the right. */
void meta_forest_set_higher_is_better(struct meta_forest *f, int higher_is_better);

/* Sets the model line of the footer, "<model>, <method>, <level>% CI", e.g.
 * ("Random effects", "REML", 95). method may be NULL. level in (0, 100).
 * Returns META_OK, META_EINVAL or META_ENOMEM. */
int meta_forest_set_model(struct meta_forest *f, const char *model, const char *method,
                          double level, struct meta_error *err);

/* Asks for the risk-of-bias columns (show nonzero) or not. Asked for, they
 * are drawn as RevMan draws them, right of the plot panel: one column per
 * domain (D1 ... D5, Overall) with a filled circle per judgement (green "+"
 * low, yellow "?" some concerns, red minus sign high; the symbol lets the
 * mark read without colour), a blank where a domain was not assessed, and a
 * legend of the domains and marks under the plot. They are left out, asked
 * for or not, when no study row has a judgement. Off by default. */
void meta_forest_set_rob(struct meta_forest *f, int show);

/* Reads a judgement as the registry stores it: "low", "some concerns",
 * "high" (RoB 2), and also RevMan's and RoB 1's words "low risk", "high
 * risk", "unclear", "unclear risk" (drawn as some concerns, as RevMan draws
 * them); any case, blanks around ignored. NULL or blank text is
 * META_ROB_NONE (not assessed). Returns META_OK, or META_EINVAL for any
 * other text (err says which words are known; *out is left alone). */
int meta_plot_rob_parse(const char *text, enum meta_rob *out, struct meta_error *err);

/* The registry's word for a judgement ("low", "some concerns", "high"); NULL
 * for META_ROB_NONE or a value out of range. Static. */
const char *meta_plot_rob_name(enum meta_rob rob);

/* Sets the null (no effect) value on the analysis scale; 0 unless told. A
 * value that is not finite is ignored. */
void meta_forest_set_null(struct meta_forest *f, double null_value);

/* Sets the test for subgroup differences shown in the footer (Q on df, p).
 * Returns META_OK or META_EINVAL (q or df not finite). */
int meta_forest_set_subgroup_test(struct meta_forest *f, double q, double df, double p,
                                  struct meta_error *err);

/* Appends a free line to the footer (after the generated ones). Returns
 * META_OK, META_EINVAL (NULL) or META_ENOMEM. */
int meta_forest_add_footer(struct meta_forest *f, const char *line, struct meta_error *err);

/* Starts a subgroup section headed `label` (e.g. "TCA"); studies added next
 * belong to it, and meta_forest_add_subtotal() closes it. Returns META_OK,
 * META_EINVAL (NULL label, or after the overall row) or META_ENOMEM. */
int meta_forest_add_section(struct meta_forest *f, const char *label, struct meta_error *err);

/* Initialises a study: every number NAN, arms META_PLOT_ARM_NONE, label NULL,
 * no risk-of-bias judgement. */
void meta_forest_study_init(struct meta_forest_study *s);

/* Appends a study row (copied). Checks that the label is set, that a finite
 * estimate lies within finite CI bounds, that the weight is NAN or >= 0 and
 * that each risk-of-bias judgement is one of enum meta_rob.
 * Returns META_OK, META_EINVAL (with the reason in err) or META_ENOMEM. */
int meta_forest_add_study(struct meta_forest *f, const struct meta_forest_study *s,
                          struct meta_error *err);

/* Initialises a summary: every number NAN, label NULL. */
void meta_forest_summary_init(struct meta_forest_summary *s);

/* Appends a subgroup's subtotal diamond (copied), closing the current section.
 * The estimate and its CI must be finite and ordered. Returns META_OK,
 * META_EINVAL or META_ENOMEM. */
int meta_forest_add_subtotal(struct meta_forest *f, const struct meta_forest_summary *s,
                             struct meta_error *err);

/* Appends the overall diamond (copied); nothing can be added after it. Its
 * heterogeneity and overall-effect lines go to the footer. Same checks and
 * returns as meta_forest_add_subtotal(). */
int meta_forest_add_overall(struct meta_forest *f, const struct meta_forest_summary *s,
                            struct meta_error *err);

/* Sorts the study rows within each section (the runs of studies between
 * headings and diamonds), stably, in the given order. */
void meta_forest_sort_rows(struct meta_forest *f, enum meta_forest_order order);

/* Parses an order name ("loaded", "year", "effect", "weight"). Returns META_OK
 * or META_EINVAL (err says which names exist). */
int meta_forest_order_from_name(const char *name, enum meta_forest_order *order,
                                struct meta_error *err);

/* One point of a funnel plot: a study's estimate (analysis scale) and its
 * standard error. The label is owned by the funnel. */
struct meta_funnel_point {
    double yi;
    double sei;
    char *label;
};

/* The description of a funnel plot: estimates against their standard errors
 * (the axis inverted, precise studies on top), the pooled estimate and the
 * pseudo 95% confidence region estimate +- 1.96 se. Trim-and-fill adds the
 * filled studies (open markers) and the adjusted estimate, around which the
 * region is then drawn, as metafor does; contours replace the region with
 * the contour-enhanced funnel (Peters et al. 2008): the areas where a study
 * would be significant at 10%, 5% and 1% in a two-sided test of no effect,
 * shaded around the null. */
struct meta_funnel {
    char *title;     /* NULL: no title */
    char *measure;   /* x axis label, e.g. "Risk Ratio" */
    int log_scale;   /* values are logs of a ratio; the axis is logarithmic */
    double estimate; /* pooled estimate, analysis scale; NAN until set */
    int show_labels; /* write each point's label beside it */
    struct meta_funnel_point *points;
    size_t n_points;
    size_t cap_points;
    struct meta_funnel_point *filled; /* trim-and-fill's filled studies (labels NULL) */
    size_t n_filled;
    size_t cap_filled;
    double adjusted;   /* trim-and-fill's estimate, analysis scale; NAN: none */
    int contours;      /* shade the significance contours instead of the region */
    double null_value; /* no effect, analysis scale (0) */
    char *note;        /* a line under the plot (whose formulas); NULL: none */
};

/* Allocates an empty funnel (measure "Effect", linear axis, no estimate).
 * Returns NULL when out of memory. Free with meta_funnel_free(). */
struct meta_funnel *meta_funnel_alloc(void);

/* Frees the funnel and its strings; accepts NULL. */
void meta_funnel_free(struct meta_funnel *f);

/* Sets the title (NULL removes it). Returns META_OK or META_ENOMEM. */
int meta_funnel_set_title(struct meta_funnel *f, const char *title, struct meta_error *err);

/* Sets the line written under the plot (NULL removes it). Returns META_OK
 * or META_ENOMEM. */
int meta_funnel_set_note(struct meta_funnel *f, const char *note, struct meta_error *err);

/* Sets the measure's label and the log flag, as for the forest. Returns
 * META_OK, META_EINVAL or META_ENOMEM. */
int meta_funnel_set_measure(struct meta_funnel *f, const char *label, int log_scale,
                            struct meta_error *err);

/* Sets the pooled estimate (analysis scale). Returns META_OK or META_EINVAL
 * (not finite). */
int meta_funnel_set_estimate(struct meta_funnel *f, double estimate, struct meta_error *err);

/* Appends a point; sei must be finite and > 0, yi finite, label may be NULL.
 * Returns META_OK, META_EINVAL or META_ENOMEM. */
int meta_funnel_add_point(struct meta_funnel *f, double yi, double sei, const char *label,
                          struct meta_error *err);

/* Appends a study filled in by trim-and-fill (drawn as an open marker); as
 * meta_funnel_add_point() without a label. */
int meta_funnel_add_filled(struct meta_funnel *f, double yi, double sei, struct meta_error *err);

/* Sets trim-and-fill's adjusted estimate (analysis scale): drawn as a
 * dashed line, the pseudo confidence region around it. Returns META_OK or
 * META_EINVAL (not finite). */
int meta_funnel_set_adjusted(struct meta_funnel *f, double estimate, struct meta_error *err);

/* Shades the contours of statistical significance (p < 0.10, 0.05 and
 * 0.01, two-sided, against the null value 0 of the analysis scale) instead
 * of the pseudo confidence region; on (non-zero) or off. */
void meta_funnel_set_contours(struct meta_funnel *f, int on);

/* One trial of a bubble plot: its moderator value, effect (analysis scale)
 * and weight (percent, > 0). The label is owned by the plot. */
struct meta_bubble_point {
    double x, y, weight;
    char *label;
};

/* One point of the fitted line: the moderator value, the fitted effect and
 * its confidence interval (analysis scale). */
struct meta_bubble_fit {
    double x, fit, lo, hi;
};

/*
 * The description of a bubble plot (a meta-regression on one numeric
 * moderator, as metafor's regplot()): each trial's effect against the
 * moderator, the marker's area proportional to its weight, the fitted line
 * with its confidence band, and the line of no effect. Build it with the
 * functions below, which copy every string.
 */
struct meta_bubble {
    char *title;     /* NULL: no title */
    char *moderator; /* x axis label: the moderator's name */
    char *measure;   /* y axis label, e.g. "Risk Ratio" */
    int log_scale;   /* y values are logs of a ratio; the axis is logarithmic */
    double level;    /* of the band, percent */
    struct meta_bubble_point *points;
    size_t n_points, cap_points;
    struct meta_bubble_fit *line; /* in increasing x */
    size_t n_line, cap_line;
    char **footer; /* lines under the plot */
    size_t n_footer;
};

/* Allocates an empty bubble plot (moderator "Moderator", measure "Effect",
 * linear axis, level 95). NULL when out of memory; free with
 * meta_bubble_free(), which accepts NULL. */
struct meta_bubble *meta_bubble_alloc(void);
void meta_bubble_free(struct meta_bubble *b);

/* Sets the title (NULL removes it). META_OK or META_ENOMEM. */
int meta_bubble_set_title(struct meta_bubble *b, const char *title, struct meta_error *err);

/* Sets the axes: the moderator's name, the measure's label, whether the
 * effects are logs of a ratio, and the band's level in (0, 100). META_OK,
 * META_EINVAL (NULL name or label, a bad level) or META_ENOMEM. */
int meta_bubble_set_axes(struct meta_bubble *b, const char *moderator, const char *measure,
                         int log_scale, double level, struct meta_error *err);

/* Appends a trial: x and y finite, weight finite and > 0, label may be
 * NULL. META_OK, META_EINVAL or META_ENOMEM. */
int meta_bubble_add_point(struct meta_bubble *b, double x, double y, double weight,
                          const char *label, struct meta_error *err);

/* Appends a point of the fitted line (x increasing from call to call; every
 * value finite, lo <= fit <= hi). META_OK, META_EINVAL or META_ENOMEM. */
int meta_bubble_add_fit(struct meta_bubble *b, double x, double fit, double lo, double hi,
                        struct meta_error *err);

/* Appends a line under the plot. META_OK, META_EINVAL (NULL) or META_ENOMEM. */
int meta_bubble_add_footer(struct meta_bubble *b, const char *line, struct meta_error *err);

/* Writes the gnuplot script of a bubble plot; as meta_plot_forest_script().
 * Needs at least one point and two points of the fitted line (META_EINVAL
 * otherwise). */
int meta_plot_bubble_script(const struct meta_bubble *b, enum meta_plot_format fmt,
                            const char *output_path, FILE *out, struct meta_error *err);

/* Draws a bubble plot; as meta_plot_forest(). */
int meta_plot_bubble(const struct meta_bubble *b, const char *output_path, const char *script_path,
                     struct meta_error *err);

/* Picks the format from the output path's extension (.png, .svg, .pdf, in any
 * case). Returns META_OK or META_EINVAL for any other or no extension. */
int meta_plot_format_from_path(const char *path, enum meta_plot_format *fmt,
                               struct meta_error *err);

/*
 * Writes the complete gnuplot script drawing `f` into `output_path` in the
 * format `fmt` to `out`; nothing is run. output_path NULL: the script says
 * `set output` without a file, and gnuplot writes the plot to its standard
 * output (how meta runs it). The layout is RevMan's: the table of
 * studies (label, each arm's data, weight, estimate [CI]) left, the plot panel
 * right, a row per study, subgroup heading, diamond, "Total events" (binary
 * arms: sums over the studies above the diamond, as are the participant
 * totals), prediction interval and subgroup heterogeneity line; the overall
 * lines, the test for subgroup differences, the model line and extra lines in
 * the footer; with risk of bias asked for and judged (meta_forest_set_rob),
 * a column of marks per domain right of the panel and their legend under
 * the plot. The axis is symmetric around the null and holds every diamond
 * and prediction interval and most study intervals; the others end in arrows.
 * Text from the description goes through meta_plot_quote(); numbers are
 * written in the C locale whatever the process locale. Returns META_OK,
 * META_EINVAL (no rows, an output path with control characters),
 * META_ENOMEM, or META_EIO when writing to `out` fails.
 */
int meta_plot_forest_script(const struct meta_forest *f, enum meta_plot_format fmt,
                            const char *output_path, FILE *out, struct meta_error *err);

/* Writes the gnuplot script of a funnel plot; as meta_plot_forest_script().
 * Needs at least one point and a pooled estimate (META_EINVAL otherwise). */
int meta_plot_funnel_script(const struct meta_funnel *f, enum meta_plot_format fmt,
                            const char *output_path, FILE *out, struct meta_error *err);

/*
 * How long gnuplot may run: $META_GNUPLOT_TIMEOUT seconds (a number > 0,
 * fractions allowed), else 60. META_EINVAL (err names the value) for
 * anything else.
 */
int meta_plot_gnuplot_timeout(double *seconds, struct meta_error *err);

/*
 * Runs gnuplot on `script` (len bytes), fed through a pipe to its standard
 * input. The program is `gnuplot_path` if given, else $META_GNUPLOT if set,
 * else "gnuplot" looked up on PATH; it runs in its own process group. What
 * it writes to standard output (the plot, for a script whose `set output`
 * names no file) goes into out with meta_fs_out_write, every write checked,
 * or is discarded when out is NULL; out stays open for the caller to commit
 * or discard. gnuplot gets meta_plot_gnuplot_timeout() seconds: after that
 * it and its process group are killed. Its standard error is captured and,
 * as one line, put in err when it fails. Returns META_OK; META_EINVAL for a
 * bad META_GNUPLOT_TIMEOUT; META_EIO with err saying what went wrong:
 * gnuplot not found, not runnable, exiting non-zero, killed, stopped at the
 * timeout (its messages with it), nothing written to out, or out failing
 * ("cannot write 'PATH': strerror", gnuplot then stopped at once).
 */
int meta_plot_run_gnuplot(const char *script, size_t len, const char *gnuplot_path,
                          struct meta_fs_out *out, struct meta_error *err);

/*
 * Draws a forest plot in format fmt into out, an output file open for
 * writing (meta_fs_out_open...), which the caller then commits or discards:
 * builds the script and runs gnuplot as meta_plot_run_gnuplot() does, the
 * plot written by meta itself into out. Returns META_OK or the first
 * failure's status (META_EINVAL, META_ENOMEM, META_EIO) with err set.
 */
int meta_plot_forest_write(const struct meta_forest *f, enum meta_plot_format fmt,
                           struct meta_fs_out *out, struct meta_error *err);

/* Draws a funnel plot into out; as meta_plot_forest_write(). */
int meta_plot_funnel_write(const struct meta_funnel *f, enum meta_plot_format fmt,
                           struct meta_fs_out *out, struct meta_error *err);

/* Draws a bubble plot into out; as meta_plot_forest_write(). */
int meta_plot_bubble_write(const struct meta_bubble *b, enum meta_plot_format fmt,
                           struct meta_fs_out *out, struct meta_error *err);

/*
 * Draws a forest plot into output_path, the format chosen by its extension,
 * whole or not at all: the plot is written to a temporary file beside it
 * and renamed over it once complete (meta_fs_out_open_file: the directory
 * as named, never a link as the file itself). Saves the script to
 * script_path first when that is not NULL (--script; that script names
 * output_path, to run by hand). Returns META_OK or the first failure's
 * status (META_EINVAL, META_ENOMEM, META_EIO) with err set; on failure
 * output_path is as it was.
 */
int meta_plot_forest(const struct meta_forest *f, const char *output_path, const char *script_path,
                     struct meta_error *err);

/* Draws a funnel plot; as meta_plot_forest(). */
int meta_plot_funnel(const struct meta_funnel *f, const char *output_path, const char *script_path,
                     struct meta_error *err);

/*
 * Returns `text` as a gnuplot string expression that reproduces the text and
 * can do nothing else: single-quoted segments (inside which backslashes, @
 * and backquotes stay literal) joined by "'" for each apostrophe, as in
 * 'O'."'".'Brien'. Control characters (newlines included) become spaces and
 * bytes that are not UTF-8 become U+FFFD. Labels are also drawn `noenhanced`,
 * so @ ^ _ { } stay literal on the page. NULL text gives ''. The result is
 * malloc'ed (caller frees); NULL when out of memory.
 */
char *meta_plot_quote(const char *text);

/*
 * Returns a copy of `text` cut to at most max_chars characters (code points,
 * combining marks riding with their base), ending in "…" when cut; never cuts
 * inside a UTF-8 sequence. Invalid bytes and control characters are cleaned as
 * in meta_plot_quote(). max_chars >= 2. malloc'ed (caller frees); NULL when out
 * of memory.
 */
char *meta_plot_ellipsize(const char *text, size_t max_chars);

#endif
