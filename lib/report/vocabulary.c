/*
 * The one vocabulary of measures for every output: the RevMan label of a
 * plot, the words of a table heading, and the back-transform of the ratio
 * measures. The codes themselves ("RR") are lib/stats' (meta_measure_name).
 */
#include "meta_report.h"

#include <math.h>

static const struct {
    enum meta_measure measure;
    const char *label; /* RevMan's */
    const char *title; /* the table's */
} measures[] = {
    {META_MD, "Mean Difference", "mean difference"},
    {META_SMD, "Std. Mean Difference", "standardised mean difference (Hedges' g)"},
    {META_ROM, "Ratio of Means", "ratio of means"},
    {META_RR, "Risk Ratio", "risk ratio"},
    {META_OR, "Odds Ratio", "odds ratio"},
    {META_RD, "Risk Difference", "risk difference"},
};

#define N_MEASURES (sizeof measures / sizeof measures[0])

const char *meta_measure_label(enum meta_measure measure)
{
    for (size_t i = 0; i < N_MEASURES; i++)
        if (measures[i].measure == measure)
            return measures[i].label;
    return "Effect";
}

const char *meta_measure_title(enum meta_measure measure)
{
    for (size_t i = 0; i < N_MEASURES; i++)
        if (measures[i].measure == measure)
            return measures[i].title;
    return "?";
}

double meta_measure_display(enum meta_measure measure, double v)
{
    return meta_measure_is_ratio(measure) ? exp(v) : v;
}
