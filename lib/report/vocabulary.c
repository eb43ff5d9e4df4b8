/*
 * The one vocabulary of measures and conventions for every output: the
 * RevMan label of a plot, the words of a table heading, the back-transform
 * of the ratio measures (and of GIV effects on the log scale), whose program
 * a convention follows, the number of studies it reports and the notes beside
 * the small-study tests. The codes themselves ("RR", "revman5") are lib/stats'
 * (meta_measure_name, meta_convention_name).
 */
#include "report_internal.h"

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
    {META_HR, "Hazard Ratio", "hazard ratio"},
    {META_GIV, "Effect (GIV)", "generic inverse variance"},
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

double meta_report_display(const struct meta_analysis *an, double v)
{
    return an->log_scale ? exp(v) : v;
}

const char *meta_convention_title(enum meta_convention convention)
{
    switch (convention) {
    case META_CONVENTION_METAFOR:
        return "metafor 3.8";
    case META_CONVENTION_REVMAN5:
        return "RevMan 5 and RevMan Web";
    case META_CONVENTION_RMETA:
        return "R meta 8.x";
    }
    return "?";
}

size_t meta_report_k(const struct meta_result *r)
{
    return r->convention == META_CONVENTION_RMETA ? r->k_estimable : r->k;
}

size_t report_bias_notes(const struct meta_analysis *an, const char **notes)
{
    size_t n = 0;
    if (an->bias.have_tests && an->bias.k < 10)
        notes[n++] = "below 10 studies the tests have little power (they still run)";
    if (an->bias.trimfill_missing)
        notes[n++] = an->bias.trimfill_missing;
    return n;
}
