/*
 * Showing the result of an analysis: the table for people (RevMan and
 * metafor style), CSV for scripts, the JSON of INTERFACE.md, and the
 * descriptions plots/ draws. Also the one vocabulary of measure names and
 * labels and the number formats every output shares. Front ends choose
 * where the text goes; nothing here opens files or prints to the terminal
 * on its own.
 */
#ifndef META_REPORT_H
#define META_REPORT_H

#include "meta_analysis.h"
#include "meta_plot.h"
#include "meta_runs.h"

#include <stddef.h>
#include <stdio.h>

struct json_object;

/* ---- Vocabulary and numbers ---------------------------------------------- */

/* The label of a measure as RevMan writes it ("Risk Ratio", "Std. Mean
 * Difference"), for plots. Static string; "Effect" for an unknown value. */
const char *meta_measure_label(enum meta_measure measure);

/* The measure in words for the table heading ("risk ratio", "standardised
 * mean difference (Hedges' g)"). Static string; "?" for an unknown value. */
const char *meta_measure_title(enum meta_measure measure);

/* A value of the analysis scale as people read it: exp(v) for the ratio
 * measures (pooled on the log scale), v itself for the others. */
double meta_measure_display(enum meta_measure measure, double v);

/* A value of analysis an's scale as people read it: exp(v) when an's
 * effects are on the log scale (an->log_scale: the ratio measures, and GIV
 * estimates given on the log scale), v itself otherwise. */
double meta_report_display(const struct meta_analysis *an, double v);

/* The program whose numbers a convention reproduces, for methods lines
 * ("RevMan 5 and RevMan Web"). Static string; "?" for an unknown value. */
const char *meta_convention_title(enum meta_convention convention);

/* The number of studies a result reports as k: under r-meta the studies
 * with an estimate (R meta leaves the others out of k), else every study
 * listed (RevMan lists the ones that are not estimable too). */
size_t meta_report_k(const struct meta_result *r);

/* Writes one CSV field (RFC 4180): quoted when it holds a comma, a quote, a
 * line break or outer blanks (which readers would otherwise trim), with
 * quotes doubled. NULL writes an empty field. */
void meta_csv_field(FILE *out, const char *s);

/* ---- Writers ------------------------------------------------------------- */

/* The formats a result can be written in. */
enum meta_report_format { META_REPORT_TABLE, META_REPORT_CSV, META_REPORT_JSON };

/* Parses "table", "csv" or "json". Returns META_OK or META_EINVAL. */
int meta_report_format_parse(const char *name, enum meta_report_format *out);

/*
 * Writes the computed analysis an (see meta_analysis_compute) to out:
 * - table: one row per trial (its arms' data, estimate with CI, weight), the
 *   pooled row, the prediction interval, heterogeneity and the test of the
 *   overall effect, ratio measures back-transformed; subgroups, trials left
 *   out, leave-one-out and cumulative tables as computed; then the tables of
 *   the influence diagnostics (a column per field), the small-study tests
 *   and the meta-regression, when an holds them. A trial reported by an
 *   estimate row shows its participants where given (no other arm data),
 *   its estimate and interval as reported (turned round when its sides are
 *   swapped; the interval when given at the analysis' level), and is marked
 *   when the analysis also has trials of arms;
 * - csv: one header and one row per trial, per pooled result and per trial
 *   left out, the same columns whatever the analysis, full precision (a
 *   study of an estimate row fills no arm column but its participants); an
 *   analysis with influence diagnostics, small-study tests or a
 *   meta-regression adds the columns they fill (a column per influence
 *   field, among others) and their rows (`influence`, those of
 *   meta_report_bias_csv and meta_report_regress_csv);
 * - json: the object of meta_report_to_json, pretty-printed.
 * Returns META_OK, or META_EIO (writing failed) / META_ENOMEM with err set.
 */
int meta_report_write(FILE *out, enum meta_report_format format, const struct meta_analysis *an,
                      struct meta_error *err);
int meta_report_table(FILE *out, const struct meta_analysis *an, struct meta_error *err);
int meta_report_csv(FILE *out, const struct meta_analysis *an, struct meta_error *err);
int meta_report_json(FILE *out, const struct meta_analysis *an, struct meta_error *err);

/* The analysis as the JSON object of INTERFACE.md: the request, the pooled
 * result (log scale for ratio measures and GIV on the log scale, with `exp`
 * back-transformed), studies, excluded trials, and, as requested, subgroups
 * with their test, leave_one_out, cumulative, "influence" (INTERFACE.md
 * section 3), the fields of meta_report_bias_json ("egger", "regtest",
 * "begg", "trimfill", "notes") and "regression" (the object of
 * meta_report_regress_json without the selection and model fields). Each
 * study says its
 * `source`: "arms" (with treatment_arm and control_arm) or "estimate" (with
 * n_treatment and n_control when given, and `reported`: the estimate row as
 * stored, its sides, measure, estimate, se, interval and level); last,
 * "data" (meta_report_data_json). Values that do not apply are null. Returns a new object owned by
 * the caller (json_object_put), or NULL when out of memory. */
struct json_object *meta_report_to_json(const struct meta_analysis *an);

/*
 * The output of `meta bias`: the selection and model, then the small-study
 * tests and trim-and-fill of an->bias (INTERFACE.md section 3):
 * - table: the heading, the three tests (slope on the standard errors, its
 *   test, the limit estimate back-transformed for ratio measures), the
 *   observed and filled-in analyses with the filled trials, the note that
 *   below 10 studies the tests have little power, the trials left out;
 * - csv: the columns of meta_report_csv with every extra column, rows
 *   `excluded`, `egger`, `regtest`, `begg`, `trimfill`, `trimfill_study`;
 * - json: the selection and model fields, k, "egger", "regtest", "begg",
 *   "trimfill" (null when the pooling has none), "notes", "studies" (the
 *   trials tested, with yi and vi), "excluded" and last "data"
 *   (meta_report_data_json); `exp` objects for ratio measures.
 * Writes nothing but the heading when an has no bias results. Returns
 * META_OK, META_EIO or META_ENOMEM with err set.
 */
int meta_report_bias_write(FILE *out, enum meta_report_format format,
                           const struct meta_analysis *an, struct meta_error *err);
int meta_report_bias_table(FILE *out, const struct meta_analysis *an, struct meta_error *err);
int meta_report_bias_csv(FILE *out, const struct meta_analysis *an, struct meta_error *err);
int meta_report_bias_json(FILE *out, const struct meta_analysis *an, struct meta_error *err);

/*
 * The output of `meta regress`: the meta-regression of an->regression:
 * - table: the heading, one row per coefficient (estimate, se, z or t, p,
 *   interval, on the analysis scale), the test of the moderators (QM, or F
 *   under hksj), residual heterogeneity and R^2, the trials left out;
 * - csv: rows `excluded`, `regression`, `coefficient`, `regression_study`,
 *   `regression_excluded`;
 * - json: the selection and model fields, k, "mods", "coefficients", "QM",
 *   "QM_df", "QM_p", "QE", "QE_df", "QE_p", "df", "tau2", "I2", "H2", "R2",
 *   "studies" (yi, vi, weight and the moderators' values of each trial
 *   regressed), "excluded" (the selection's and the regression's) and last
 *   "data" (meta_report_data_json).
 * Returns as meta_report_bias_write().
 */
int meta_report_regress_write(FILE *out, enum meta_report_format format,
                              const struct meta_analysis *an, struct meta_error *err);
int meta_report_regress_table(FILE *out, const struct meta_analysis *an, struct meta_error *err);
int meta_report_regress_csv(FILE *out, const struct meta_analysis *an, struct meta_error *err);
int meta_report_regress_json(FILE *out, const struct meta_analysis *an, struct meta_error *err);

/* The JSON objects of meta_report_bias_json() and meta_report_regress_json(),
 * owned by the caller (json_object_put); NULL when out of memory or when an
 * has no such results. */
struct json_object *meta_report_bias_to_json(const struct meta_analysis *an);
struct json_object *meta_report_regress_to_json(const struct meta_analysis *an);

/* ---- Living analyses ----------------------------------------------------- */

/*
 * The `"data"` object of a JSON output: {"fingerprint": the selection's
 * fingerprint (meta_selection_fingerprint), "loads": [{"file", "sha256",
 * "loaded_at"}] (the loads its rows came from; [] for data held in
 * memory)}, so that a published number can be traced to its files. Every
 * JSON output of an analysis carries it: add it to the root object as
 * "data" (meta_report_to_json does). Returns a new object owned by the
 * caller, or NULL when out of memory.
 */
struct json_object *meta_report_data_json(const struct meta_selection *sel);

/* The loads as a JSON array of {"file", "sha256", "loaded_at"}; with only
 * non-NULL, just those whose only[i] is set. A new array owned by the
 * caller, or NULL when out of memory. */
struct json_object *meta_report_loads_json(const struct meta_select_load *loads, size_t n,
                                           const int *only);

/* The request of the computed analysis an as it ran, as a JSON object's
 * text (outcome, the resolved time point, the lists, measure, model,
 * method, ci, level, convention, by, totals when not both, prediction, leave_one_out,
 * cumulative): what a run records as its options. Caller frees; NULL when
 * out of memory. */
char *meta_report_options_json(const struct meta_analysis *an);

/* The result a run of an records: k as the table shows it, the pooled
 * estimate and interval (analysis scale), tau^2 (random model), I^2, p,
 * and where the interval lies against no effect; with subgroup totals only
 * (no overall total) k and the number of subgroups (totals_only), the
 * rest NAN and "none". */
void meta_report_run_result(const struct meta_analysis *an, struct meta_run_result *out);

/* "MD -0.69 [-0.90, -0.48] k=10": a recorded result in one line, ratio
 * measures back-transformed, into buf (size bytes, always terminated); "OR
 * subgroup totals only k=7 (2 subgroups)" for a run without an overall
 * total. */
void meta_report_run_brief(const struct meta_run_result *r, char *buf, size_t size);

/* Whether the conclusion flips from before to after: the interval now
 * excludes or includes no effect, or lies on its other side, or the
 * estimate changed direction. A static description, or NULL when it does
 * not flip (or either run has no interval, as a run of subgroup totals
 * only). */
const char *meta_report_flip(const struct meta_run_result *before,
                             const struct meta_run_result *after);

/*
 * Writes the recorded runs h of the analysis file at path (`meta history`):
 * table (one line per run: when, k, the result, tau^2, I^2, p, the
 * conclusion, the loads new since the run before), csv (the same with
 * full precision, the file's SHA-256 and the fingerprint; new loads joined
 * by ';') or json ({"path", "runs": [{"run_id", "ran_at", "file_sha256",
 * "options", "k", "measure", "estimate", "ci_lower", "ci_upper", "exp",
 * "tau2", "I2", "p", "conclusion", "subgroup_totals", "data": {"fingerprint",
 * "loads"}, "new_loads"}]}), oldest first. A run of subgroup totals only
 * says so in the table's result ("OR subgroup totals only (2 subgroups)"),
 * in csv's last column subgroup_totals and json's "subgroup_totals" (the
 * number of subgroups; empty or null for a run with an overall total). Returns META_OK, META_EIO or
 * META_ENOMEM.
 */
int meta_report_history(FILE *out, enum meta_report_format format, const char *path,
                        const struct meta_history *h, struct meta_error *err);

/* ---- Plots --------------------------------------------------------------- */

/* What the user says about a plot beyond the analysis itself. Strings are
 * borrowed; NULL means the default. */
struct meta_plot_settings {
    const char *title;         /* the title line */
    const char *sort;          /* loaded (default), year, effect, weight */
    const char *favours_left;  /* label under the axis, left of the null */
    const char *favours_right; /* label under the axis, right of the null */
    int higher_is_better;      /* higher outcome values are better for patients */
    const char *note;          /* an extra footer line (e.g. "Simulated data") */
    int contours;              /* funnel: shade the contours of significance */
    int rob; /* risk-of-bias columns for the studies judged (the results' rob_d1 ...
                rob_d5, rob_overall attributes; --rob, analysis key `rob`) */
    /*
     * Where the judgements come from: the value of attribute `name` (rob_d1
     * ... rob_d5, rob_overall: INTERFACE.md section 4) of study `study`, an
     * index into an->contrasts (and an->overall.studies) of the analysis
     * drawn, whatever subgroup the study is shown in; NULL when the study
     * has no such attribute. The value is borrowed and need only live until
     * the next call. NULL: no study is judged. Read only when rob is set.
     */
    const char *(*study_attr)(void *ctx, size_t study, const char *name);
    void *study_attr_ctx; /* handed to study_attr */
};

/*
 * Builds the forest plot of the computed analysis an into *out, owned by
 * the caller (meta_forest_free): per trial its arms (none for a trial
 * reported by an estimate row, whose estimate and interval are drawn as
 * reported), estimate, CI and weight, subgroup sections with their diamonds
 * and the test between them, the overall diamond, heterogeneity and the test
 * of the overall effect (with subgroup totals only, an->subgroup_totals_only,
 * no overall diamond but a footer saying so), the trials left out and, with settings->rob, each
 * study's risk-of-bias judgements from settings->study_attr. Values stay on
 * the analysis scale (logs for ratio measures). Returns META_OK, META_EINVAL
 * (a bad sort name, with err saying which exist; a judgement that is not
 * low, some concerns or high, with err naming the trial and attribute) or
 * META_ENOMEM.
 */
int meta_report_forest(const struct meta_analysis *an, const struct meta_plot_settings *settings,
                       struct meta_forest **out, struct meta_error *err);

/* Builds the funnel plot of an into *out (meta_funnel_free): each trial's
 * estimate against its standard error (those of its arms or its estimate
 * row), and the pooled estimate; with trim-and-fill asked for
 * (req->trimfill), the filled studies and the adjusted estimate; with
 * settings->contours, the contours of significance around no effect.
 * Returns META_OK, META_EINVAL (also for an analysis with subgroup totals
 * only, which has no overall estimate to centre the funnel on) or
 * META_ENOMEM. */
int meta_report_funnel(const struct meta_analysis *an, const struct meta_plot_settings *settings,
                       struct meta_funnel **out, struct meta_error *err);

/* Builds the bubble plot of an's meta-regression into *out
 * (meta_bubble_free): each trial's effect against the moderator with the
 * marker's area proportional to its weight in the regression, the fitted
 * line and its confidence band at the analysis's level (101 points across
 * the moderator's range, meta_metareg_predict()), the model, slope and test
 * in the footer, and settings' title and note. Returns META_OK; META_EINVAL
 * when an has no meta-regression, or one on anything but a single numeric
 * moderator (err says which); META_ENOMEM. */
int meta_report_bubble(const struct meta_analysis *an, const struct meta_plot_settings *settings,
                       struct meta_bubble **out, struct meta_error *err);

#endif
