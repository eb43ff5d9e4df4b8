/*
 * What the writers of lib/report share and do not export: the JSON builder
 * whose failures are checked once, the CSV columns and rows, and the
 * number formats and heading lines of the text tables, so that the outputs
 * of `meta pool`, `meta bias` and `meta regress` cannot drift apart.
 */
#ifndef META_REPORT_INTERNAL_H
#define META_REPORT_INTERNAL_H

#include "meta_report.h"
#include "meta_text_table.h"

#include <stddef.h>
#include "meta_json_build.h"

#include <stdio.h>

/* ---- JSON (json_build.c) ------------------------------------------------- */

/* The selection and model fields every JSON output starts with: outcome,
 * timepoint, treatment, control, measure, model, method, ci, level,
 * convention. */
void report_json_head(struct meta_jb *b, struct meta_jv *root, const struct meta_analysis *an);

/* Adds the "data" object every JSON output of an analysis ends with: the
 * fingerprint of an's rows and the loads they came from
 * (meta_report_data_json; living.c). */
void report_json_data(struct meta_jb *b, struct meta_jv *root, const struct meta_analysis *an);

/* The trials left out of an analysis, [{"trial", "reason"}], appended to
 * arr (a new array when NULL), which is returned. */
struct meta_jv *report_json_excluded(struct meta_jb *b, struct meta_jv *arr,
                                     const struct meta_exclusion *x, size_t n);

/* Writes root (built by b) pretty-printed to out and releases b; root NULL
 * or b->oom means out of memory. Returns META_OK, META_ENOMEM or META_EIO
 * with err set. */
int report_json_print(FILE *out, struct meta_jb *b, struct meta_jv *root, struct meta_error *err);

/* The "data" object of selection sel built by b (meta_report_data_json);
 * NULL with b->oom set when it cannot be made. */
struct meta_jv *report_data_json(struct meta_jb *b, const struct meta_selection *sel);

/* The loads of meta_report_loads_json, built by b. */
struct meta_jv *report_loads_json(struct meta_jb *b, const struct meta_select_load *loads, size_t n,
                                  const int *only);

/* The JSON objects of meta_report_bias_to_json() and
 * meta_report_regress_to_json(), built by b (NULL when the analysis has no
 * such part). */
struct meta_jv *report_bias_root(struct meta_jb *b, const struct meta_analysis *an);
struct meta_jv *report_regress_root(struct meta_jb *b, const struct meta_analysis *an);

/* ---- JSON of the analyses beside pooling (json_bias.c) -------------------- */

/* Adds to root what an->bias holds: "egger", "regtest" and "begg" (when
 * the tests ran), "trimfill" (null when it could not run) and "notes". */
void report_json_bias(struct meta_jb *b, struct meta_jv *root, const struct meta_analysis *an);

/* The "influence" array: one object per study with an estimate. */
struct meta_jv *report_json_influence(struct meta_jb *b, const struct meta_analysis *an);

/* Adds the fields of a meta-regression to obj: k, mods, coefficients,
 * QM ... R2, studies and excluded. */
void report_json_regression(struct meta_jb *b, struct meta_jv *obj, const struct meta_analysis *an);

/* The notes that go with the small-study tests (vocabulary.c): that below
 * 10 studies they have little power, and why trim-and-fill did not run.
 * Writes at most REPORT_BIAS_NOTES strings (static or borrowed from an) to
 * notes and returns how many. */
#define REPORT_BIAS_NOTES 2
size_t report_bias_notes(const struct meta_analysis *an, const char **notes);

/* ---- CSV (csv_row.c) ------------------------------------------------------ */

/* The columns of every CSV output, in order: those of a pooled result, then
 * those only the analyses beside pooling fill (influence, small-study tests,
 * meta-regression), which a CSV carries when the analysis has any. */
enum report_csv_column {
    REPORT_CSV_TYPE,
    REPORT_CSV_SUBGROUP,
    REPORT_CSV_TRIAL,
    REPORT_CSV_YEAR,
    REPORT_CSV_K,
    REPORT_CSV_TN,
    REPORT_CSV_TMEAN,
    REPORT_CSV_TSD,
    REPORT_CSV_TEVENTS,
    REPORT_CSV_TTOTAL,
    REPORT_CSV_CN,
    REPORT_CSV_CMEAN,
    REPORT_CSV_CSD,
    REPORT_CSV_CEVENTS,
    REPORT_CSV_CTOTAL,
    REPORT_CSV_EST,
    REPORT_CSV_SE,
    REPORT_CSV_LO,
    REPORT_CSV_HI,
    REPORT_CSV_EXP_EST,
    REPORT_CSV_EXP_LO,
    REPORT_CSV_EXP_HI,
    REPORT_CSV_WEIGHT,
    REPORT_CSV_STAT,
    REPORT_CSV_DF,
    REPORT_CSV_P,
    REPORT_CSV_TAU2,
    REPORT_CSV_TAU2_LO,
    REPORT_CSV_TAU2_HI,
    REPORT_CSV_TAU,
    REPORT_CSV_I2,
    REPORT_CSV_H2,
    REPORT_CSV_Q,
    REPORT_CSV_QDF,
    REPORT_CSV_QP,
    REPORT_CSV_PI_LO,
    REPORT_CSV_PI_HI,
    REPORT_CSV_EXP_PI_LO,
    REPORT_CSV_EXP_PI_HI,
    REPORT_CSV_REASON,
    REPORT_CSV_POOL_COLUMNS, /* the columns of a pooled result end here */
    REPORT_CSV_NAME = REPORT_CSV_POOL_COLUMNS,
    REPORT_CSV_COEFFICIENT,
    REPORT_CSV_KENDALL_TAU,
    REPORT_CSV_ESTIMATOR,
    REPORT_CSV_SIDE,
    REPORT_CSV_K0,
    REPORT_CSV_QM,
    REPORT_CSV_QMDF,
    REPORT_CSV_QMP,
    REPORT_CSV_R2,
    REPORT_CSV_RSTUDENT,
    REPORT_CSV_DFFITS,
    REPORT_CSV_COOK_D,
    REPORT_CSV_COV_R,
    REPORT_CSV_TAU2_DEL,
    REPORT_CSV_QE_DEL,
    REPORT_CSV_HAT,
    REPORT_CSV_INFLUENTIAL,
    REPORT_CSV_COLUMNS
};

/* One row under construction: cells are owned copies. */
struct report_csv_row {
    char *cell[REPORT_CSV_COLUMNS];
    int oom;
};

/* The output under construction: its columns (REPORT_CSV_POOL_COLUMNS or
 * REPORT_CSV_COLUMNS) and whether a row failed. */
struct report_csv {
    FILE *out;
    size_t ncols;
    int bad;
};

/* Whether an analysis has results beside pooling, whose CSV has every column. */
int report_csv_extended(const struct meta_analysis *an);

/* Starts a CSV of ncols columns: writes the header. */
void report_csv_begin(struct report_csv *c, FILE *out, size_t ncols);

/* Sets a cell to text (NULL: empty), to a number in full precision (empty
 * when not finite), or to the back-transformed number when log_scale (the
 * analysis' effects are on the log scale: meta_analysis.log_scale), empty
 * otherwise. */
void report_csv_text(struct report_csv_row *r, enum report_csv_column col, const char *text);
void report_csv_num(struct report_csv_row *r, enum report_csv_column col, double v);
void report_csv_exp(struct report_csv_row *r, enum report_csv_column col, double v, int log_scale);

/* Writes the row (its first c->ncols cells) and empties it. */
void report_csv_emit(struct report_csv *c, struct report_csv_row *r);

/* Checks the output at the end: META_OK, META_ENOMEM or META_EIO. */
int report_csv_end(struct report_csv *c, struct meta_error *err);

/* The rows of the analyses beside pooling (csv_bias.c): influence, the
 * small-study tests and trim-and-fill, the meta-regression. */
void report_csv_influence(struct report_csv *c, const struct meta_analysis *an);
void report_csv_bias(struct report_csv *c, const struct meta_analysis *an);
void report_csv_regression(struct report_csv *c, const struct meta_analysis *an);

/* The rows of the trials left out of an analysis, of type `type`. */
void report_csv_excluded(struct report_csv *c, const char *type, const char *subgroup,
                         const struct meta_exclusion *x, size_t n);

/* ---- Text tables (table_common.c) ----------------------------------------- */

/* How numbers of one analysis are shown. */
struct report_fmt {
    enum meta_measure measure;
    int log_scale;    /* values on the log scale are shown back-transformed */
    int decimals;     /* of estimates and CIs */
    int arm_decimals; /* of arm means and SDs */
};

/* v as f shows it: exp(v) when f->log_scale, v itself otherwise. */
double report_shown(const struct report_fmt *f, double v);

/* v with `decimals` decimals, "-" when not finite, never "-0.00". */
void report_num(char *buf, size_t size, double v, int decimals);

/* A p-value: "< 0.0001", "0.0123", "-". */
void report_pvalue(char *buf, size_t size, double p);

/* "p < 0.0001" or "p = 0.0123". */
void report_pclause(char *buf, size_t size, double p);

/* Decimals that show an interval of width |hi - lo| (display scale) with
 * two significant digits, between 2 and 4. */
int report_decimals(double lo, double hi);

/* A list of names joined by "/" into buf, or `fallback` when it is wider
 * than 28 characters (column headers, the heading). */
void report_side_title(char *buf, size_t size, char *const *names, size_t count,
                       const char *fallback);

/* "random effects" or "common effect". */
const char *report_model_label(const struct meta_options *o);

/* The method in words where its name alone would mislead (MH under the
 * random model: DerSimonian-Laird around the Mantel-Haenszel estimate). */
const char *report_method_label(const struct meta_options *o);

/* The heading lines of every table: the outcome, time point and lists
 * compared; the measure, model, method, interval and convention. */
void report_table_heading(struct meta_text_table *t, const struct meta_analysis *an);

/* "Left out (N trials):" and one line per trial, each line indented. */
void report_excluded_lines(struct meta_text_table *t, const struct meta_exclusion *x, size_t n,
                           const char *indent);

/* Prints the tables of the analyses beside pooling (table_bias.c) to out,
 * each after a blank line: influence, the small-study tests and
 * trim-and-fill, the meta-regression. Return 0, or -1 when out of memory. */
int report_table_influence(FILE *out, const struct meta_analysis *an);
int report_table_bias(FILE *out, const struct meta_analysis *an);
int report_table_regression(FILE *out, const struct meta_analysis *an);

#endif
