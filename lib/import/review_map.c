/*
 * RevMan's settings in meta's words (meta_review_map_settings): the effect
 * measure, the model with its method or tau^2 estimator, and the level, plus
 * a sentence for each setting meta cannot honour. When a package gives no
 * settings (CD015373 publishes only its data rows), the defaults are the ones
 * that reproduce RevMan's printed per-study weights there: random effects by
 * DerSimonian-Laird with inverse-variance weights, RR and MD.
 */
#include "meta_review.h"
#include "review_text.h"

#include <math.h>
#include <string.h>
#include <strings.h>

/* meta's code for RevMan's effect measure, or NULL when meta has none. */
static const char *measure_code(const char *s)
{
    static const struct {
        const char *code;
        const char *words[8];
    } table[] = {
        {"OR",
         {"OR", "Odds Ratio", "Odds Ratio (Non-event)", "Peto Odds Ratio", "PETO_OR", "Peto OR",
          NULL}},
        {"RR", {"RR", "Risk Ratio", "Risk Ratio (Non-event)", "Relative Risk", NULL}},
        {"RD", {"RD", "Risk Difference", NULL}},
        {"MD", {"MD", "Mean Difference", "Weighted Mean Difference", "WMD", NULL}},
        {"SMD",
         {"SMD", "Standardized Mean Difference", "Std. Mean Difference",
          "Standardised Mean Difference", "Std Mean Difference", NULL}},
        {"HR", {"HR", "Hazard Ratio", NULL}},
        {"ROM", {"ROM", "Ratio of Means", NULL}},
    };
    if (!s)
        return NULL;
    for (size_t i = 0; i < sizeof table / sizeof *table; i++)
        if (meta_review_word_in(s, table[i].words))
            return table[i].code;
    return NULL;
}

static int is_ratio(const char *code)
{
    return strcmp(code, "OR") == 0 || strcmp(code, "RR") == 0 || strcmp(code, "HR") == 0 ||
           strcmp(code, "ROM") == 0;
}

static void note(struct meta_review_map *map, const char *text)
{
    if (map->n_notes < META_REVIEW_MAP_NOTES)
        map->notes[map->n_notes++] = text;
}

/* The measures meta has for arm data of a type, and what it takes otherwise. */
static const struct {
    enum meta_review_data_type type;
    const char *codes[4];
    const char *fallback;
    const char *other_note, *none_note;
} arm_measures[] = {
    {META_REVIEW_DICHOTOMOUS,
     {"OR", "RR", "RD", NULL},
     "RR",
     "the effect measure is not one meta has for dichotomous data: RR instead",
     "the package gives no effect measure: RR assumed"},
    {META_REVIEW_CONTINUOUS,
     {"MD", "SMD", NULL},
     "MD",
     "the effect measure is not one meta has for continuous data: MD instead",
     "the package gives no effect measure: MD assumed"},
};

static void map_measure(const struct meta_review_analysis *an, struct meta_review_map *map)
{
    const char *code = measure_code(an->effect_measure);
    for (size_t i = 0; i < sizeof arm_measures / sizeof *arm_measures; i++) {
        if (arm_measures[i].type != an->type)
            continue;
        for (const char *const *c = arm_measures[i].codes; code && *c; c++)
            if (strcmp(*c, code) == 0) {
                map->measure = code;
                if (an->measure_inferred)
                    note(map, "the package gives no effect measure: this one reproduces every "
                              "effect RevMan printed for its studies");
                return;
            }
        map->measure = arm_measures[i].fallback;
        note(map, an->effect_measure ? arm_measures[i].other_note : arm_measures[i].none_note);
        return;
    }
    switch (an->type) {
    case META_REVIEW_GIV:
        if (code && is_ratio(code) && an->log_scale != 0) {
            map->measure = code; /* log-scale data, as RevMan enters ratios */
        } else if (code && !is_ratio(code) && an->log_scale != 1) {
            map->measure = code;
        } else {
            map->measure = "GIV";
            map->log_scale = an->log_scale == 1;
            note(map, code ? "the measure does not fit the scale of the data (a ratio not on "
                             "the log scale, or a difference on it): pooled as GIV on the "
                             "scale given"
                           : "the effect measure is none of meta's: pooled as GIV on the scale "
                             "given");
        }
        break;
    case META_REVIEW_OE:
        map->measure = code && strcmp(code, "HR") == 0 ? "HR" : "OR";
        break;
    default:
        map->measure = NULL;
        note(map, "the analysis has no data: its data type is unknown");
        break;
    }
}

/* The random-effects method: the estimator, or MH under revman5 for MH + DL. */
static const char *random_method(const struct meta_review_analysis *an, struct meta_review_map *map)
{
    switch (an->estimator) {
    case META_REVIEW_ESTIMATOR_REML:
        return "REML";
    case META_REVIEW_ESTIMATOR_PM:
        return "PM";
    case META_REVIEW_ESTIMATOR_OTHER:
        note(map, "the heterogeneity estimator is none of meta's: DerSimonian-Laird instead");
        break;
    default:
        break;
    }
    if (an->method == META_REVIEW_METHOD_MH && an->type == META_REVIEW_DICHOTOMOUS)
        return "MH";
    return "DL";
}

static void map_model(const struct meta_review_analysis *an, struct meta_review_map *map)
{
    int dich = an->type == META_REVIEW_DICHOTOMOUS;
    enum meta_review_method m = an->method;
    if ((m == META_REVIEW_METHOD_MH || m == META_REVIEW_METHOD_PETO) && !dich &&
        an->type != META_REVIEW_TYPE_UNKNOWN) {
        note(map, "Mantel-Haenszel and Peto need counts: inverse variance instead");
        m = META_REVIEW_METHOD_IV;
    }
    if (m == META_REVIEW_METHOD_OTHER) {
        note(map, "the statistical method is none of meta's: inverse variance instead");
        m = META_REVIEW_METHOD_IV;
    }
    if (an->model == META_REVIEW_MODEL_UNSET) {
        note(map, "the package gives no analysis model: random effects (DerSimonian-Laird, "
                  "inverse variance) assumed, which reproduces RevMan's printed weights where "
                  "the settings are missing");
        map->model = "random";
        map->method = an->estimator == META_REVIEW_ESTIMATOR_UNSET ? "DL" : random_method(an, map);
        return;
    }
    if (an->model == META_REVIEW_MODEL_RANDOM) {
        if (m == META_REVIEW_METHOD_PETO) {
            note(map, "Peto under random effects cannot be mapped: common-effect Peto instead");
            map->model = "common";
            map->method = "PETO";
            return;
        }
        map->model = "random";
        map->method = random_method(an, map);
        return;
    }
    map->model = "common";
    if (m == META_REVIEW_METHOD_MH)
        map->method = "MH";
    else if (m == META_REVIEW_METHOD_PETO)
        map->method = "PETO";
    else if (m == META_REVIEW_METHOD_UNSET && dich)
        map->method = "MH";
    else
        map->method = "IV"; /* IV, and O-E's Exp[(O-E)/V]: (O-E)/V weighted by V */
}

int meta_review_weights_within_subgroups(const struct meta_review_analysis *an)
{
    enum { MAX_SUMMED = 64 };
    if (an->n_subgroups < 2 || an->n_subgroups > MAX_SUMMED)
        return 0;
    double sum[MAX_SUMMED] = {0}, total = 0;
    for (size_t i = 0; i < an->n_rows; i++) {
        const struct meta_review_row *row = &an->rows[i];
        double w = row->revman.weight;
        if (isnan(w)) {
            if (row->estimable != 0)
                return 0; /* a weight not printed: nothing to infer from */
            continue;
        }
        if (!row->subgroup)
            return 0;
        size_t g = (size_t)(row->subgroup - an->subgroups);
        if (g >= an->n_subgroups)
            return 0;
        sum[g] += w;
        total += w;
    }
    size_t weighed = 0;
    for (size_t g = 0; g < an->n_subgroups; g++) {
        if (sum[g] == 0)
            continue; /* no study of it is estimable */
        if (fabs(sum[g] - 100) > 1e-3)
            return 0;
        weighed++;
    }
    return weighed >= 2 && fabs(total - 100) > 1e-3;
}

/* Which totals RevMan shows: subgroup totals only, as said or inferred from
 * the printed weights; what meta cannot show is noted. */
static void map_totals(const struct meta_review_analysis *an, struct meta_review_map *map)
{
    if (an->n_subgroups && an->show_overall == 0 && an->show_subgroups != 0) {
        map->totals = "subgroups";
    } else if (an->show_overall == 0) {
        note(map, an->n_subgroups ? "RevMan shows no totals here; meta shows them"
                                  : "RevMan shows no overall total here; meta shows it");
    } else if (an->show_overall < 0 && meta_review_weights_within_subgroups(an)) {
        map->totals = "subgroups";
        map->totals_inferred = 1;
        note(map, "the package does not say which totals RevMan shows: subgroup totals only, "
                  "because each subgroup's printed weights sum to 100%");
    }
}

void meta_review_map_settings(const struct meta_review_analysis *an, struct meta_review_map *map)
{
    memset(map, 0, sizeof *map);
    map_measure(an, map);
    map_model(an, map);
    map->level = !isnan(an->total_level)   ? an->total_level
                 : !isnan(an->study_level) ? an->study_level
                                           : 95;
    if (!isnan(an->total_level) && !isnan(an->study_level) && an->total_level != an->study_level)
        note(map, "the studies' confidence level differs from the totals': meta uses one level, "
                  "the totals'");
    if (an->swap_events == 1)
        note(map, "RevMan swaps events and non-events here: the stored events are N - cases");
    map_totals(an, map);
    for (size_t i = 0; i < an->n_rows; i++) {
        enum meta_review_applicability ap = an->rows[i].applicability;
        if (ap != META_REVIEW_APPLIES_UNSET && ap != META_REVIEW_APPLIES_BOTH) {
            note(map, "some rows count in the subgroup or the overall totals only "
                      "(Applicability): meta counts every row in both");
            break;
        }
    }
}
