/*
 * A study's attributes by name, as the analysis that pooled it sees them:
 * the risk-of-bias columns of a forest plot read each study's judgements
 * through this lookup, whatever subgroup the study is shown in.
 */
#ifndef META_STUDY_ATTR_H
#define META_STUDY_ATTR_H

#include "meta_analysis.h"

#include <stddef.h>

/* The risk-of-bias attributes (RoB 2: five domains and overall) that a
 * request with rob set reads for each result. */
#define META_ROB_ATTRIBUTES 6
extern const char *const meta_rob_attributes[META_ROB_ATTRIBUTES];

/*
 * The value of attribute `name` of study `study`, an index into
 * an->contrasts (and an->overall.studies): for a study taken from an
 * estimate row, that row's own attribute; for a study of arms, the
 * attribute of its treatment arms (under an analysis whose total pools the
 * subgroups, the arms of the study's subgroup), else of its control arms.
 * An arm's attribute is its result's own, else (for the attributes the
 * selection read by name: the request's rob and mods) the arm's. The
 * string is borrowed from the analysis' selection and lives as long as it
 * does. NULL when no such attribute exists, when the index is out of range
 * or when an or name is NULL.
 */
const char *meta_analysis_study_attr(const struct meta_analysis *an, size_t study,
                                     const char *name);

/*
 * The same lookup in the shape of meta_plot_settings.study_attr: ctx is the
 * const struct meta_analysis * the plot is drawn from.
 */
const char *meta_analysis_study_attr_cb(void *ctx, size_t study, const char *name);

#endif
