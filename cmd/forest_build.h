/*
 * From a computed analysis to the plot descriptions of plots/: the forest
 * plot (studies, subgroup sections with their diamonds, the overall diamond,
 * heterogeneity and tests in the footer) and the funnel plot. Shared by
 * `meta forest`, `meta funnel` and `meta run`.
 */
#ifndef META_FOREST_BUILD_H
#define META_FOREST_BUILD_H

#include "analysis.h"
#include "meta_plot.h"

/* What the user says about a plot beyond the analysis itself. Strings are
 * borrowed; NULL means the default. */
struct meta_plot_settings {
    const char *title;         /* the title line */
    const char *sort;          /* loaded (default), year, effect, weight */
    const char *favours_left;  /* label under the axis, left of the null */
    const char *favours_right; /* label under the axis, right of the null */
    int higher_is_better;      /* higher outcome values are better for patients */
    const char *note;          /* an extra footer line (e.g. "Simulated data") */
};

/* The label of a measure as RevMan writes it ("Risk Ratio", "Std. Mean
 * Difference"). Static string. */
const char *meta_measure_label(enum meta_measure measure);

/*
 * Builds the forest plot of `an` (computed for `req`) into *out, owned by
 * the caller (meta_forest_free). Returns META_OK, META_EINVAL (a bad sort
 * name, with err saying which exist) or META_ENOMEM.
 */
int meta_forest_build(const struct meta_analysis_request *req, const struct meta_analysis *an,
                      const struct meta_plot_settings *settings, struct meta_forest **out,
                      struct meta_error *err);

/* Builds the funnel plot of `an` into *out (meta_funnel_free). Returns META_OK,
 * META_EINVAL or META_ENOMEM. */
int meta_funnel_build(const struct meta_analysis_request *req, const struct meta_analysis *an,
                      const struct meta_plot_settings *settings, struct meta_funnel **out,
                      struct meta_error *err);

#endif
