/*
 * Fixtures shared by the plot tests: forest and funnel descriptions built
 * from the reference datasets (BCG with metafor's numbers, the fibromyalgia
 * pain scores by drug class) or generated with k studies, and readers of
 * the files gnuplot writes (PNG header, SVG text, PDF header).
 */
#ifndef META_PLOT_FIXTURES_H
#define META_PLOT_FIXTURES_H

#include <stddef.h>

#include "meta_plot.h"

/* BCG vaccine, risk ratio, random effects (REML): per-study yi, vi and
 * weights and the pooled result from tests/data/reference.json (metafor
 * 3.8-1), arm counts from tests/data/bcg.csv. NULL on failure. */
struct meta_forest *fixture_bcg_forest(void);

/* The same studies as a funnel plot. NULL on failure. */
struct meta_funnel *fixture_bcg_funnel(void);

/* Antidepressants vs placebo for fibromyalgia pain (Häuser 2009), SMD by drug
 * class (TCA, SNRI, SSRI, MAOI) with subtotals, the overall diamond and the
 * test for subgroup differences. NULL on failure. */
struct meta_forest *fixture_fibro_forest(void);

/* k generated binary studies (a fixed pseudo-random sequence), labels
 * "Trial 1"... or, with long_labels, 60-character labels; RR, random effects.
 * NULL on failure. */
struct meta_forest *fixture_many_forest(size_t k, int long_labels);

/* k generated studies as fixture_many_forest() makes them; with groups > 0
 * split into that many sections ("Group A"...) of about equal size, each
 * with its subtotal; with rob, the risk-of-bias columns asked for and study
 * i (0-based, in order) judged as fixture_rob_pattern(i) says. NULL on
 * failure. */
struct meta_forest *fixture_rob_forest(size_t k, size_t groups, int long_labels, int rob);

/* The judgements of generated study i: none at all for every seventh, the
 * first domain only for every third, else all six in one of five patterns
 * (the overall judgement the worst of the five domains), so that the
 * columns show every judgement and some blanks. */
void fixture_rob_pattern(size_t i, enum meta_rob rob[META_ROB_DOMAINS]);

/* Analysis `analysis` ("1.5", "2.1", "7.3") of the Cochrane review CD015373
 * (tests/data/cochrane/CD015373): each study's arms and RevMan's own weight,
 * effect and interval, its RoB 2 judgements read from RevMan's words with
 * meta_plot_rob_parse(), subgroup sections as the data rows give them, the
 * risk-of-bias columns asked for. Subtotals and the total are
 * DerSimonian-Laird pools of the studies' intervals (plot inputs only, not
 * checked numbers). NULL on failure. */
struct meta_forest *fixture_cd015373_forest(const char *analysis);

/* The BCG trial labels in reference order; n set to their number. */
const char *const *fixture_bcg_labels(size_t *n);

/* The gnuplot script of forest f drawing into `path` in format fmt, as a
 * string (malloc'ed), or NULL with the status in *ret (ret may be NULL). */
char *fixture_forest_script(const struct meta_forest *f, enum meta_plot_format fmt,
                            const char *path, int *ret);

/* Reads a PNG's width and height from its IHDR chunk; checks the signature.
 * Returns 0 on success, -1 otherwise. */
int fixture_png_size(const char *path, unsigned *width, unsigned *height);

/* Parses an SVG with libxml2 and returns the concatenation of all its text
 * nodes, each followed by a newline (malloc'ed), or NULL when it does not
 * parse. */
char *fixture_svg_text(const char *path);

/* A piece of text as gnuplot's SVG terminal places it: the text, the
 * anchor it is translated to (SVG units, which are points here) and its
 * font size (NAN when not given). */
struct svg_label {
    char *text;
    double x, y, size;
};

/* A filled polygon of an SVG (gnuplot draws circles as polygons): its fill
 * as "#rrggbb" and the centre and size of its bounding box. */
struct svg_shape {
    char fill[8];
    double cx, cy, w, h;
};

/* Reads every placed text of an SVG written by gnuplot into *labels and
 * every filled polygon into *shapes (both malloc'ed; free with
 * fixture_svg_free). Returns 0, or -1 when the file does not parse. */
int fixture_svg_read(const char *path, struct svg_label **labels, size_t *n_labels,
                     struct svg_shape **shapes, size_t *n_shapes);

/* Frees what fixture_svg_read() returned; accepts NULL. */
void fixture_svg_free(struct svg_label *labels, size_t n_labels, struct svg_shape *shapes);

/* Reads a whole file (malloc'ed, NUL-terminated); len may be NULL. NULL on
 * failure. */
char *fixture_read_file(const char *path, size_t *len);

/* Size of a file in bytes, -1 if it cannot be read. */
long fixture_file_size(const char *path);

/* Makes a fresh temporary directory for a test's output; returns its path
 * (static storage) or NULL. */
const char *fixture_tmpdir(void);

/* Writes "<tmpdir>/<name>" into buf. Returns buf. */
char *fixture_path(char *buf, size_t size, const char *name);

/* Removes the temporary directory and its files, unless META_TEST_KEEP is
 * set in the environment (then says where they are). */
void fixture_cleanup(void);

/* CUnit suite set-up and tear-down for the plot tests: create the temporary
 * directory (0, or 1 when it cannot be made) and remove it again. */
int fixture_suite_init(void);
int fixture_suite_cleanup(void);

#endif
