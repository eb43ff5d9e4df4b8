/*
 * The data rows of a Cochrane data package (*-data-rows.csv): one row per
 * study per analysis with its arm data, GIV estimate or O-E and variance,
 * RevMan's per-study result, subgroup, applicability, footnotes and, in newer
 * packages, RoB 2 judgements. Columns are found by name; which data columns a
 * package has varies, and so does the rest.
 */
#include "cochrane.h"
#include "review_build.h"
#include "review_text.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *const num_names[CN_COUNT] = {"GIV Mean",
                                                "GIV SE",
                                                "Experimental mean",
                                                "Experimental SD",
                                                "Experimental cases",
                                                "Experimental N",
                                                "Control mean",
                                                "Control SD",
                                                "Control cases",
                                                "Control N",
                                                "O-E",
                                                "Variance"};

const char *cochrane_num_name(enum cochrane_num which)
{
    return num_names[which];
}

/* The other columns, after the numeric ones in the same array. */
enum {
    C_GROUP = CN_COUNT,
    C_NUMBER,
    C_NAME,
    C_SUBGROUP,
    C_SUBGROUP_NO,
    C_APPLICABILITY,
    C_STUDY,
    C_YEAR,
    C_WEIGHT,
    C_MEAN,
    C_CI_START,
    C_CI_END,
    C_FOOTNOTES,
    C_COUNT
};

/* The RoB 2 domain a "... (judgement)" column is about, or -1. */
static int rob_domain(const char *header)
{
    char low[256];
    size_t n = strlen(header);
    if (n >= sizeof low)
        return -1;
    for (size_t i = 0; i <= n; i++)
        low[i] = (char)((header[i] >= 'A' && header[i] <= 'Z') ? header[i] + 32 : header[i]);
    const char *suffix = "(judgement)";
    size_t sl = strlen(suffix);
    while (n > 0 && low[n - 1] == ' ')
        low[--n] = '\0';
    if (n < sl || strcmp(low + n - sl, suffix) != 0)
        return -1;
    if (strstr(low, "randomi"))
        return 0;
    if (strstr(low, "deviations from intended") || strstr(low, "deviation from intended"))
        return 1;
    if (strstr(low, "missing outcome"))
        return 2;
    if (strstr(low, "measurement of the outcome"))
        return 3;
    if (strstr(low, "selection of the reported"))
        return 4;
    if (strncmp(low, "overall", 7) == 0)
        return META_REVIEW_ROB_OVERALL;
    return -1;
}

struct rows_ctx {
    struct meta_review *rv;
    const char *source;
    struct meta_error *err;
    struct meta_review_column cols[C_COUNT + 1];
    long rob_col[META_REVIEW_ROB_DOMAINS]; /* 0-based, -1 none */
    struct cochrane_layout *layout;
};

static int bad_cell(struct rows_ctx *c, long line, long col, const char *what, const char *value)
{
    return meta_error_set(c->err, META_EINVAL, "%s:%ld:%ld: %s, got '%s'", c->source, line, col + 1,
                          what, value);
}

static int on_header(struct rows_ctx *c, const struct meta_review_csv_row *row)
{
    static const char *const other[] = {
        "Analysis group", "Analysis number", "Analysis name", "Subgroup", "Subgroup number",
        "Applicability",  "Study",           "Study year",    "Weight",   "Mean",
        "CI start",       "CI end",          "Footnotes"};
    for (int i = 0; i < CN_COUNT; i++)
        c->cols[i] = (struct meta_review_column){num_names[i], 0, -1};
    for (int i = C_GROUP; i < C_COUNT; i++)
        c->cols[i] = (struct meta_review_column){other[i - C_GROUP], 0, -1};
    c->cols[C_GROUP].required = c->cols[C_NUMBER].required = c->cols[C_STUDY].required = 1;
    c->cols[C_COUNT].name = NULL;
    int rc = meta_review_csv_columns(c->source, row, c->cols, "Cochrane data rows", c->err);
    if (rc != META_OK)
        return rc;
    int arms = c->cols[CN_EXP_N].index >= 0 && c->cols[CN_CTL_N].index >= 0;
    int giv = c->cols[CN_GIV_MEAN].index >= 0 && c->cols[CN_GIV_SE].index >= 0;
    int oe = c->cols[CN_OE].index >= 0 && c->cols[CN_VARIANCE].index >= 0;
    if (!arms && !giv && !oe)
        return meta_error_set(c->err, META_EINVAL,
                              "%s:%ld: unknown layout for Cochrane data rows: no data columns "
                              "('Experimental N' and 'Control N', 'GIV Mean' and 'GIV SE', or "
                              "'O-E' and 'Variance')",
                              c->source, row->line);
    for (int d = 0; d < META_REVIEW_ROB_DOMAINS; d++)
        c->rob_col[d] = -1;
    for (size_t i = 0; i < row->count; i++) {
        int d = rob_domain(row->fields[i]);
        if (d >= 0 && c->rob_col[d] < 0)
            c->rob_col[d] = (long)i;
    }
    for (int i = 0; i < CN_COUNT; i++)
        c->layout->column[i] = c->cols[i].index + 1;
    return META_OK;
}

/* Reads the number in column col of a row into *out (NAN when empty). */
static int number(struct rows_ctx *c, const struct meta_review_csv_row *row, int col, int inf,
                  double *out)
{
    const char *s = meta_review_csv_cell(row, &c->cols[col]);
    if (meta_review_parse_number(s, inf, out) == META_REVIEW_NUM_BAD)
        return bad_cell(c, row->line, c->cols[col].index, "not a number", s);
    return META_OK;
}

/* The analysis of a row, created when first met. */
static int row_analysis(struct rows_ctx *c, const struct meta_review_csv_row *row, size_t *index)
{
    int group, number;
    const char *g = meta_review_csv_cell(row, &c->cols[C_GROUP]);
    const char *n = meta_review_csv_cell(row, &c->cols[C_NUMBER]);
    if (!meta_review_parse_int(g, &group) || group < 1)
        return bad_cell(c, row->line, c->cols[C_GROUP].index,
                        "'Analysis group' must be a whole number from 1", g);
    if (!meta_review_parse_int(n, &number) || number < 1)
        return bad_cell(c, row->line, c->cols[C_NUMBER].index,
                        "'Analysis number' must be a whole number from 1", n);
    int created;
    if (meta_review_analysis_find(c->rv, group, number, 1, index, &created) != META_OK)
        return meta_error_set(c->err, META_ENOMEM, "out of memory");
    struct meta_review_analysis *an = meta_review_analysis_at(c->rv, *index);
    int oom = 0;
    const char *name =
        meta_review_trimmed(c->rv, meta_review_csv_cell(row, &c->cols[C_NAME]), &oom);
    if (oom)
        return meta_error_set(c->err, META_ENOMEM, "out of memory");
    if (created) {
        an->source = c->source;
        an->line = row->line;
    }
    if (!name || an->source != c->source)
        return META_OK; /* the settings file named it */
    if (!*an->name)
        an->name = name;
    else if (strcmp(an->name, name) != 0)
        return meta_error_set(c->err, META_EINVAL,
                              "%s:%ld:%ld: analysis %d.%d is called '%s' here but '%s' on line "
                              "%ld",
                              c->source, row->line, c->cols[C_NAME].index + 1, group, number, name,
                              an->name, an->line);
    return META_OK;
}

static int on_row(const struct meta_review_csv_row *row, void *ctx)
{
    struct rows_ctx *c = ctx;
    if (row->number == 1)
        return on_header(c, row);

    size_t ai;
    int rc = row_analysis(c, row, &ai);
    if (rc != META_OK)
        return rc;
    int oom = 0;
    const char *study =
        meta_review_trimmed(c->rv, meta_review_csv_cell(row, &c->cols[C_STUDY]), &oom);
    if (!study && !oom)
        return meta_error_set(c->err, META_EINVAL, "%s:%ld:%ld: the row names no study", c->source,
                              row->line, c->cols[C_STUDY].index + 1);
    long sg = -1;
    const char *sub = meta_review_csv_cell(row, &c->cols[C_SUBGROUP]);
    const char *subname = meta_review_trimmed(c->rv, sub, &oom);
    if (subname) {
        const char *num = meta_review_csv_cell(row, &c->cols[C_SUBGROUP_NO]);
        int no = 0;
        if (*num && (!meta_review_parse_int(num, &no) || no < 1))
            return bad_cell(c, row->line, c->cols[C_SUBGROUP_NO].index,
                            "'Subgroup number' must be a whole number from 1", num);
        char where[512];
        snprintf(where, sizeof where, "%s:%ld", c->source, row->line);
        size_t si;
        rc = meta_review_subgroup_find(c->rv, ai, subname, no, &si, where, c->err);
        if (rc != META_OK)
            return rc;
        sg = (long)si;
    }
    struct meta_review_row *r;
    if (oom || meta_review_add_row(c->rv, ai, sg, &r) != META_OK)
        return meta_error_set(c->err, META_ENOMEM, "out of memory");
    r->study = study;
    r->source = c->source;
    r->line = row->line;
    r->year = meta_review_trimmed(c->rv, meta_review_csv_cell(row, &c->cols[C_YEAR]), &oom);
    r->footnotes =
        meta_review_trimmed(c->rv, meta_review_csv_cell(row, &c->cols[C_FOOTNOTES]), &oom);
    r->applicability_text =
        meta_review_trimmed(c->rv, meta_review_csv_cell(row, &c->cols[C_APPLICABILITY]), &oom);
    if (oom)
        return meta_error_set(c->err, META_ENOMEM, "out of memory");
    const char *ap = r->applicability_text;
    r->applicability = !ap                                           ? META_REVIEW_APPLIES_UNSET
                       : strcasecmp(ap, "SUBGROUP_AND_OVERALL") == 0 ? META_REVIEW_APPLIES_BOTH
                       : strcasecmp(ap, "SUBGROUP_ONLY") == 0 ? META_REVIEW_APPLIES_SUBGROUP_ONLY
                       : strcasecmp(ap, "OVERALL_ONLY") == 0  ? META_REVIEW_APPLIES_OVERALL_ONLY
                                                              : META_REVIEW_APPLIES_OTHER;

    double v[CN_COUNT];
    for (int i = 0; i < CN_COUNT; i++)
        if ((rc = number(c, row, i, 0, &v[i])) != META_OK)
            return rc;
    r->giv_mean = v[CN_GIV_MEAN];
    r->giv_se = v[CN_GIV_SE];
    r->exp = (struct meta_review_arm){v[CN_EXP_N], v[CN_EXP_CASES], v[CN_EXP_MEAN], v[CN_EXP_SD]};
    r->ctl = (struct meta_review_arm){v[CN_CTL_N], v[CN_CTL_CASES], v[CN_CTL_MEAN], v[CN_CTL_SD]};
    r->oe = v[CN_OE];
    r->variance = v[CN_VARIANCE];

    double w, m, lo, hi;
    if ((rc = number(c, row, C_WEIGHT, 1, &w)) || (rc = number(c, row, C_MEAN, 1, &m)) ||
        (rc = number(c, row, C_CI_START, 1, &lo)) || (rc = number(c, row, C_CI_END, 1, &hi)))
        return rc;
    /* RevMan Web leaves the result of a study it cannot estimate empty; an
     * analysis it did not compute (imported from an older file) has zeros
     * instead, which say nothing: only an interval of positive width is a
     * result. */
    if (lo < hi) {
        r->revman = (struct meta_review_result){w, m, lo, hi};
        r->estimable = 1;
    } else if (isnan(w) && isnan(m) && isnan(lo) && isnan(hi)) {
        r->estimable = 0;
    }

    for (int d = 0; d < META_REVIEW_ROB_DOMAINS; d++) {
        if (c->rob_col[d] < 0 || (size_t)c->rob_col[d] >= row->count)
            continue;
        const char *j = row->fields[c->rob_col[d]];
        if (!meta_review_parse_rob(j, &r->rob[d]))
            return bad_cell(c, row->line, c->rob_col[d],
                            "unknown risk-of-bias judgement (expected 'Low risk', 'Some "
                            "concerns' or 'High risk')",
                            j);
    }
    return META_OK;
}

int cochrane_read_rows(struct meta_review *rv, const char *source, const unsigned char *data,
                       size_t size, struct cochrane_layout *layout, struct meta_error *err)
{
    struct rows_ctx c = {.rv = rv, .source = source, .err = err, .layout = layout};
    layout->source = source;
    int rc = meta_review_csv_parse(source, data, size, on_row, &c, err);
    if (rc == META_OK && c.cols[C_GROUP].name == NULL)
        rc = meta_error_set(err, META_EINVAL, "%s: the file is empty (no header)", source);
    return rc;
}
