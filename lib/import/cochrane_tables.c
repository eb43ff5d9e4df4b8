/*
 * The three optional tables of a Cochrane data package: each analysis's
 * settings and RevMan's overall totals (*-overall-estimates-and-settings.csv),
 * the subgroup totals (*-subgroup-estimates.csv) and the studies
 * (*-study-information.csv). Columns by name; the settings' words are read
 * in the spellings RevMan Web has used.
 */
#include "cochrane.h"
#include "review_build.h"
#include "review_text.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* ---- Shared: analysis keys and totals ----------------------------------- */

/* The totals columns common to the settings and subgroup files. */
enum {
    T_EXP_CASES,
    T_EXP_N,
    T_CTL_CASES,
    T_CTL_N,
    T_WEIGHT,
    T_MEAN,
    T_CI_START,
    T_CI_END,
    T_TAU2,
    T_CHI2,
    T_DF,
    T_HET_P,
    T_I2,
    T_Z,
    T_P,
    T_COUNT
};

static const char *const totals_names[T_COUNT] = {
    "Experimental cases", "Experimental N",   "Control cases",
    "Control N",          "Weight",           "Mean",
    "CI start",           "CI end",           "Heterogeneity Tau²",
    "Heterogeneity Chi²", "Heterogeneity df", "Heterogeneity P",
    "Heterogeneity I²",   "Effect Z",         "Effect P"};

struct table_ctx;

/* Reads one data row of a table (the header is done). */
typedef int (*table_row_fn)(struct table_ctx *c, const struct meta_review_csv_row *row);

/* What a table reader keeps while its file is parsed. */
struct table_ctx {
    struct meta_review *rv;
    const char *source;
    struct meta_error *err;
    struct meta_review_column *cols; /* the table's own columns, NULL-terminated */
    const char *what;                /* "Cochrane analysis settings", for messages */
    int has_totals;                  /* the table has RevMan's totals columns */
    table_row_fn row_fn;
    struct meta_review_column totals[T_COUNT + 1];
    int header_seen;
};

static int bad_cell(struct table_ctx *c, long line, const struct meta_review_column *col,
                    const char *what, const char *value)
{
    return meta_error_set(c->err, META_EINVAL, "%s:%ld:%ld: %s, got '%s'", c->source, line,
                          col->index + 1, what, value);
}

/* The CSV callback of every table: the header, then each row through row_fn. */
static int table_row(const struct meta_review_csv_row *row, void *ctx)
{
    struct table_ctx *c = ctx;
    if (row->number > 1)
        return c->row_fn(c, row);
    c->header_seen = 1;
    int rc = meta_review_csv_columns(c->source, row, c->cols, c->what, c->err);
    if (rc != META_OK || !c->has_totals)
        return rc;
    for (int i = 0; i < T_COUNT; i++)
        c->totals[i] = (struct meta_review_column){totals_names[i], 0, -1};
    c->totals[T_COUNT].name = NULL;
    return meta_review_csv_columns(c->source, row, c->totals, "totals", c->err);
}

/* Reads a whole table: cols are its columns, row_fn reads each data row. */
static int read_table(struct meta_review *rv, const char *source, const unsigned char *data,
                      size_t size, struct meta_review_column *cols, const char *what,
                      int has_totals, table_row_fn row_fn, struct meta_error *err)
{
    struct table_ctx c = {.rv = rv,
                          .source = source,
                          .err = err,
                          .cols = cols,
                          .what = what,
                          .has_totals = has_totals,
                          .row_fn = row_fn};
    int rc = meta_review_csv_parse(source, data, size, table_row, &c, err);
    if (rc == META_OK && !c.header_seen)
        rc = meta_error_set(err, META_EINVAL, "%s: the file is empty (no header)", source);
    return rc;
}

static int read_totals(struct table_ctx *c, const struct meta_review_csv_row *row,
                       struct meta_review_totals *t)
{
    double v[T_COUNT];
    for (int i = 0; i < T_COUNT; i++) {
        const char *s = meta_review_csv_cell(row, &c->totals[i]);
        if (meta_review_parse_number(s, 1, &v[i]) == META_REVIEW_NUM_BAD)
            return bad_cell(c, row->line, &c->totals[i], "not a number", s);
    }
    meta_review_totals_clear(t);
    t->events_exp = v[T_EXP_CASES];
    t->n_exp = v[T_EXP_N];
    t->events_ctl = v[T_CTL_CASES];
    t->n_ctl = v[T_CTL_N];
    /* Totals RevMan did not compute are left empty, or zero in some exports:
     * only an interval of positive width is a result. */
    if (v[T_CI_START] < v[T_CI_END]) {
        t->present = 1;
        t->weight = v[T_WEIGHT];
        t->estimate = v[T_MEAN];
        t->ci_lower = v[T_CI_START];
        t->ci_upper = v[T_CI_END];
        t->tau2 = v[T_TAU2];
        t->chi2 = v[T_CHI2];
        t->df = v[T_DF];
        t->chi2_p = v[T_HET_P];
        t->i2 = v[T_I2];
        t->z = v[T_Z];
        t->p = v[T_P];
    }
    return META_OK;
}

/* The analysis named by a row's group and number columns (cols[0], cols[1]). */
static int key_analysis(struct table_ctx *c, const struct meta_review_csv_row *row, size_t *index,
                        int *created)
{
    int group, number;
    const char *g = meta_review_csv_cell(row, &c->cols[0]);
    const char *n = meta_review_csv_cell(row, &c->cols[1]);
    if (!meta_review_parse_int(g, &group) || group < 1)
        return bad_cell(c, row->line, &c->cols[0], "'Analysis group' must be a whole number from 1",
                        g);
    if (!meta_review_parse_int(n, &number) || number < 1)
        return bad_cell(c, row->line, &c->cols[1],
                        "'Analysis number' must be a whole number from 1", n);
    if (meta_review_analysis_find(c->rv, group, number, 1, index, created) != META_OK)
        return meta_error_set(c->err, META_ENOMEM, "out of memory");
    return META_OK;
}

/* ---- Settings and overall totals ----------------------------------------- */

enum {
    S_GROUP,
    S_NUMBER,
    S_NAME,
    S_GROUP_NAME,
    S_TYPE,
    S_LOG,
    S_EXP_INTERVENTION,
    S_CTL_INTERVENTION,
    S_EXP_LABEL,
    S_CTL_LABEL,
    S_METHOD,
    S_MEASURE,
    S_MODEL,
    S_SHOW_SUBGROUPS,
    S_SHOW_OVERALL,
    S_SHOW_TEST,
    S_SWAP,
    S_STUDY_CI,
    S_TOTAL_CI,
    S_SG_CHI2,
    S_SG_DF,
    S_SG_P,
    S_SG_I2,
    S_ESTIMATOR,
    S_COUNT
};

static const char *const settings_names[S_COUNT] = {"Analysis group",
                                                    "Analysis number",
                                                    "Analysis name",
                                                    "Analysis group name",
                                                    "Data type",
                                                    "Log-scale data",
                                                    "Experimental intervention",
                                                    "Control intervention",
                                                    "Experimental group label",
                                                    "Control group label",
                                                    "Statistical method",
                                                    "Effect measure",
                                                    "Analysis model",
                                                    "Subgroup estimates",
                                                    "Overall estimates",
                                                    "Test for subgroup differences",
                                                    "Swap event and non-event",
                                                    "Study CI",
                                                    "Estimate CI",
                                                    "Subgroup Chi²",
                                                    "Subgroup df",
                                                    "Subgroup P",
                                                    "Subgroup I²",
                                                    "Heterogeneity estimator"};

static int parse_type(const char *s, enum meta_review_data_type *out)
{
    static const char *const dich[] = {"Dichotomous", NULL};
    static const char *const cont[] = {"Continuous", NULL};
    static const char *const giv[] = {"Contrast level", "Generic inverse variance",
                                      "Generic Inverse Variance", "GIV", NULL};
    static const char *const oe[] = {"O-E and variance", "O-E and Variance", "O-E", NULL};
    *out = META_REVIEW_TYPE_UNKNOWN;
    if (!*s)
        return 1;
    if (meta_review_word_in(s, dich))
        *out = META_REVIEW_DICHOTOMOUS;
    else if (meta_review_word_in(s, cont))
        *out = META_REVIEW_CONTINUOUS;
    else if (meta_review_word_in(s, giv))
        *out = META_REVIEW_GIV;
    else if (meta_review_word_in(s, oe))
        *out = META_REVIEW_OE;
    else
        return 0;
    return 1;
}

static int parse_model(const char *s, enum meta_review_model *out)
{
    *out = META_REVIEW_MODEL_UNSET;
    if (!*s)
        return 1;
    if (strncasecmp(s, "fixed", 5) == 0 || strncasecmp(s, "common", 6) == 0)
        *out = META_REVIEW_MODEL_FIXED;
    else if (strncasecmp(s, "random", 6) == 0)
        *out = META_REVIEW_MODEL_RANDOM;
    else
        return 0;
    return 1;
}

static enum meta_review_estimator parse_estimator(const char *s)
{
    static const char *const dl[] = {"DL", "DerSimonian-Laird", "DerSimonian and Laird",
                                     "DerSimonian & Laird", NULL};
    static const char *const reml[] = {"REML", "Restricted maximum likelihood",
                                       "Restricted maximum-likelihood", NULL};
    static const char *const pm[] = {"PM", "Paule-Mandel", "Paule and Mandel", NULL};
    if (!*s)
        return META_REVIEW_ESTIMATOR_UNSET;
    if (meta_review_word_in(s, dl))
        return META_REVIEW_ESTIMATOR_DL;
    if (meta_review_word_in(s, reml))
        return META_REVIEW_ESTIMATOR_REML;
    if (meta_review_word_in(s, pm))
        return META_REVIEW_ESTIMATOR_PM;
    return META_REVIEW_ESTIMATOR_OTHER;
}

/* Reads a yes/no cell into *out. */
static int flag(struct table_ctx *c, const struct meta_review_csv_row *row, int col, int *out)
{
    const char *s = meta_review_csv_cell(row, &c->cols[col]);
    if (!meta_review_parse_bool(s, out))
        return bad_cell(c, row->line, &c->cols[col], "expected true or false", s);
    return META_OK;
}

static int settings_row(struct table_ctx *c, const struct meta_review_csv_row *row)
{
    int rc;
    size_t ai;
    int created;
    if ((rc = key_analysis(c, row, &ai, &created)) != META_OK)
        return rc;
    struct meta_review_analysis *an = meta_review_analysis_at(c->rv, ai);
    if (!created)
        return meta_error_set(c->err, META_EINVAL, "%s:%ld: analysis %d.%d has settings twice",
                              c->source, row->line, an->group, an->number);
    an->source = c->source;
    an->line = row->line;

    int oom = 0;
#define TEXT(col) meta_review_trimmed(c->rv, meta_review_csv_cell(row, &c->cols[col]), &oom)
    const char *name = TEXT(S_NAME);
    an->name = name ? name : "";
    an->group_name = TEXT(S_GROUP_NAME);
    an->intervention_exp = TEXT(S_EXP_INTERVENTION);
    an->intervention_ctl = TEXT(S_CTL_INTERVENTION);
    an->label_exp = TEXT(S_EXP_LABEL);
    an->label_ctl = TEXT(S_CTL_LABEL);
    an->method_text = TEXT(S_METHOD);
    an->effect_measure = TEXT(S_MEASURE);
    an->estimator_text = TEXT(S_ESTIMATOR);
#undef TEXT
    if (oom)
        return meta_error_set(c->err, META_ENOMEM, "out of memory");

    const char *type = meta_review_csv_cell(row, &c->cols[S_TYPE]);
    if (!parse_type(type, &an->type))
        return bad_cell(c, row->line, &c->cols[S_TYPE],
                        "unknown data type (expected Dichotomous, Continuous, Contrast level or "
                        "O-E and variance)",
                        type);
    an->method = meta_review_parse_method(an->method_text);
    const char *model = meta_review_csv_cell(row, &c->cols[S_MODEL]);
    if (!parse_model(model, &an->model))
        return bad_cell(c, row->line, &c->cols[S_MODEL],
                        "unknown analysis model (expected Fixed effect or Random effects)", model);
    an->estimator = parse_estimator(an->estimator_text ? an->estimator_text : "");
    if ((rc = flag(c, row, S_LOG, &an->log_scale)) ||
        (rc = flag(c, row, S_SWAP, &an->swap_events)) ||
        (rc = flag(c, row, S_SHOW_SUBGROUPS, &an->show_subgroups)) ||
        (rc = flag(c, row, S_SHOW_OVERALL, &an->show_overall)) ||
        (rc = flag(c, row, S_SHOW_TEST, &an->show_subgroup_test)))
        return rc;
    const char *lv = meta_review_csv_cell(row, &c->cols[S_STUDY_CI]);
    if (!meta_review_parse_level(lv, &an->study_level))
        return bad_cell(c, row->line, &c->cols[S_STUDY_CI], "not a confidence level", lv);
    lv = meta_review_csv_cell(row, &c->cols[S_TOTAL_CI]);
    if (!meta_review_parse_level(lv, &an->total_level))
        return bad_cell(c, row->line, &c->cols[S_TOTAL_CI], "not a confidence level", lv);

    if ((rc = read_totals(c, row, &an->overall)) != META_OK)
        return rc;
    double t[4];
    for (int i = 0; i < 4; i++) {
        const char *s = meta_review_csv_cell(row, &c->cols[S_SG_CHI2 + i]);
        if (meta_review_parse_number(s, 1, &t[i]) == META_REVIEW_NUM_BAD)
            return bad_cell(c, row->line, &c->cols[S_SG_CHI2 + i], "not a number", s);
    }
    if (!isnan(t[0]) && !isnan(t[1]) && t[1] > 0)
        an->subgroup_test = (struct meta_review_subgroup_test){1, t[0], t[1], t[2], t[3]};
    return META_OK;
}

int cochrane_read_settings(struct meta_review *rv, const char *source, const unsigned char *data,
                           size_t size, struct meta_error *err)
{
    struct meta_review_column cols[S_COUNT + 1];
    for (int i = 0; i < S_COUNT; i++)
        cols[i] = (struct meta_review_column){settings_names[i], 0, -1};
    cols[S_GROUP].required = cols[S_NUMBER].required = cols[S_TYPE].required = 1;
    cols[S_COUNT].name = NULL;
    return read_table(rv, source, data, size, cols, "Cochrane analysis settings", 1, settings_row,
                      err);
}

/* ---- Subgroup totals ---------------------------------------------------- */

enum { G_GROUP, G_NUMBER, G_SUBGROUP, G_SUBGROUP_NO, G_COUNT };

static int subgroup_row(struct table_ctx *c, const struct meta_review_csv_row *row)
{
    int rc;
    size_t ai;
    int created;
    if ((rc = key_analysis(c, row, &ai, &created)) != META_OK)
        return rc;
    if (created) {
        struct meta_review_analysis *an = meta_review_analysis_at(c->rv, ai);
        an->source = c->source;
        an->line = row->line;
    }
    int oom = 0;
    const char *name =
        meta_review_trimmed(c->rv, meta_review_csv_cell(row, &c->cols[G_SUBGROUP]), &oom);
    if (oom)
        return meta_error_set(c->err, META_ENOMEM, "out of memory");
    if (!name)
        return meta_error_set(c->err, META_EINVAL, "%s:%ld:%ld: the row names no subgroup",
                              c->source, row->line, c->cols[G_SUBGROUP].index + 1);
    const char *num = meta_review_csv_cell(row, &c->cols[G_SUBGROUP_NO]);
    int no = 0;
    if (*num && (!meta_review_parse_int(num, &no) || no < 1))
        return bad_cell(c, row->line, &c->cols[G_SUBGROUP_NO],
                        "'Subgroup number' must be a whole number from 1", num);
    char where[512];
    snprintf(where, sizeof where, "%s:%ld", c->source, row->line);
    size_t si;
    if ((rc = meta_review_subgroup_find(c->rv, ai, name, no, &si, where, c->err)) != META_OK)
        return rc;
    return read_totals(c, row, &meta_review_analysis_at(c->rv, ai)->subgroups[si].totals);
}

int cochrane_read_subgroups(struct meta_review *rv, const char *source, const unsigned char *data,
                            size_t size, struct meta_error *err)
{
    struct meta_review_column cols[G_COUNT + 1] = {{"Analysis group", 1, -1},
                                                   {"Analysis number", 1, -1},
                                                   {"Subgroup", 1, -1},
                                                   {"Subgroup number", 0, -1},
                                                   {NULL, 0, -1}};
    return read_table(rv, source, data, size, cols, "Cochrane subgroup estimates", 1, subgroup_row,
                      err);
}

/* ---- Studies ------------------------------------------------------------ */

static int study_row(struct table_ctx *c, const struct meta_review_csv_row *row)
{
    int oom = 0;
    const char *name = meta_review_trimmed(c->rv, meta_review_csv_cell(row, &c->cols[0]), &oom);
    const char *year = meta_review_trimmed(c->rv, meta_review_csv_cell(row, &c->cols[1]), &oom);
    if (oom)
        return meta_error_set(c->err, META_ENOMEM, "out of memory");
    if (!name)
        return meta_error_set(c->err, META_EINVAL, "%s:%ld:%ld: the row names no study", c->source,
                              row->line, c->cols[0].index + 1);
    if (meta_review_add_study(c->rv, name, year, NULL) != META_OK)
        return meta_error_set(c->err, META_ENOMEM, "out of memory");
    return META_OK;
}

int cochrane_read_studies(struct meta_review *rv, const char *source, const unsigned char *data,
                          size_t size, struct meta_error *err)
{
    struct meta_review_column cols[3] = {{"Study", 1, -1}, {"Year", 0, -1}, {NULL, 0, -1}};
    int rc =
        read_table(rv, source, data, size, cols, "Cochrane study information", 0, study_row, err);
    if (rc == META_OK)
        rc = meta_review_index_studies(rv, source, err);
    return rc;
}
