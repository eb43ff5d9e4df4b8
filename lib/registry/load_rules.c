/*
 * The rules of one row (see load_rules.h), shared by every source so that a
 * CSV row and a parser's record are held to the same rules in the same
 * words. Problems are reported in the order of the fields, each once.
 */
#include "load_rules.h"

#include "csv_reader.h"

#include <gsl/gsl_cdf.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *const col_names[META_LOAD_NCOLS] = {
    "trial",    "arm",      "treatment", "outcome",     "timepoint", "n",        "mean",
    "sd",       "events",   "total",     "control",     "measure",   "estimate", "se",
    "ci_lower", "ci_upper", "level",     "n_treatment", "n_control"};

static const struct {
    const char *code;
    const char *kind;
    int ratio;
} measures[META_LOAD_NMEASURES] = {
    [META_LOAD_MD] = {"MD", "continuous", 0},    [META_LOAD_SMD] = {"SMD", "continuous", 0},
    [META_LOAD_ROM] = {"ROM", "continuous", 1},  [META_LOAD_RR] = {"RR", "binary", 1},
    [META_LOAD_OR] = {"OR", "binary", 1},        [META_LOAD_RD] = {"RD", "binary", 0},
    [META_LOAD_HR] = {"HR", "time-to-event", 1}, [META_LOAD_GIV] = {"GIV", "generic", 0},
};

const char *meta_load_col_name(enum meta_load_col col)
{
    return (unsigned)col < META_LOAD_NCOLS ? col_names[col] : "?";
}

const char *meta_load_measure_code(enum meta_load_measure m)
{
    return (unsigned)m < META_LOAD_NMEASURES ? measures[m].code : "?";
}

const char *meta_load_measure_kind(enum meta_load_measure m)
{
    return (unsigned)m < META_LOAD_NMEASURES ? measures[m].kind : "?";
}

int meta_load_measure_ratio(enum meta_load_measure m)
{
    return (unsigned)m < META_LOAD_NMEASURES && measures[m].ratio;
}

int meta_load_measure_parse(const char *s, size_t len)
{
    for (int m = 0; m < META_LOAD_NMEASURES; m++)
        if (strlen(measures[m].code) == len && strncasecmp(measures[m].code, s, len) == 0)
            return m;
    return -1;
}

/* ---- Where -------------------------------------------------------------- */

long meta_load_where_line(const struct meta_load_where *w, enum meta_load_col col)
{
    if (w->col && w->fields && w->col[col] >= 0)
        return w->fields[w->col[col]].line;
    return w->line;
}

void meta_load_where_report(struct meta_load_where *w, enum meta_load_col col, const char *fmt, ...)
{
    char what[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    w->bad = 1;
    if (w->col) {
        size_t column = w->col[col] >= 0 ? (size_t)w->col[col] + 1 : 1;
        meta_load_errors_at(w->errs, w->file, meta_load_where_line(w, col), column, "%s", what);
    } else if (w->place && *w->place) {
        meta_load_errors_at(w->errs, w->file, w->line, 0, "%s: %s", w->place, what);
    } else {
        meta_load_errors_at(w->errs, w->file, w->line, 0, "%s", what);
    }
}

/* ---- Checking one row ------------------------------------------------------ */

struct check {
    const struct meta_load_fields *f;
    struct meta_load_where *w;
    int estimate_columns;
};

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* A field's value quoted for a message: its text, or the number a record gave. */
static const char *shown(const struct check *c, enum meta_load_col col, char *buf, size_t size)
{
    const struct meta_load_text *t = &c->f->text[col];
    if (t->s)
        return meta_load_quote(buf, size, t->s, t->len);
    char num[64];
    int n = snprintf(num, sizeof num, "%.15g", c->f->num[col]);
    return meta_load_quote(buf, size, num, n > 0 ? (size_t)n : 0);
}

/* A name the source filled: kept exactly as written, so one with white space
 * at an end would silently be another name than the one without ('TSP ' and
 * 'TSP' two trials): refused, as is one too long. */
static void check_name_text(struct check *c, enum meta_load_col col)
{
    const struct meta_load_text *t = &c->f->text[col];
    char q[META_LOAD_QUOTE_SIZE];
    if (t->len > META_LOAD_MAX_NAME)
        meta_load_where_report(c->w, col, "%s is longer than %d bytes", col_names[col],
                               META_LOAD_MAX_NAME);
    else if (is_space(t->s[0]) || is_space(t->s[t->len - 1]))
        meta_load_where_report(c->w, col,
                               "%s %s with a blank, got %s (names are kept exactly as "
                               "written: remove the blank)",
                               col_names[col], is_space(t->s[0]) ? "begins" : "ends",
                               meta_load_quote(q, sizeof q, t->s, t->len));
}

/* A required name. */
static void check_name(struct check *c, enum meta_load_col col)
{
    if (!c->f->present[col])
        meta_load_where_report(c->w, col, "%s is empty", col_names[col]);
    else
        check_name_text(c, col);
}

/* Words the fault a source found in a number; returns 1 when there was one. */
static int fault(struct check *c, enum meta_load_col col, const char *count_rule)
{
    char q[META_LOAD_QUOTE_SIZE];
    const char *name = col_names[col];
    switch (c->f->fault[col]) {
    case META_LOAD_FAULT_NONE:
        return 0;
    case META_LOAD_FAULT_NOT_NUMBER:
        meta_load_where_report(c->w, col, "%s is not a number, got %s", name,
                               shown(c, col, q, sizeof q));
        break;
    case META_LOAD_FAULT_NOT_FINITE:
        meta_load_where_report(c->w, col, "%s must be a finite number, got %s", name,
                               shown(c, col, q, sizeof q));
        break;
    case META_LOAD_FAULT_RANGE:
        meta_load_where_report(c->w, col, "%s is out of the range of a double, got %s", name,
                               shown(c, col, q, sizeof q));
        break;
    case META_LOAD_FAULT_NOT_COUNT:
        meta_load_where_report(c->w, col, "%s must be %s, got %s", name,
                               count_rule ? count_rule : "an integer", shown(c, col, q, sizeof q));
        break;
    case META_LOAD_FAULT_TOO_LARGE:
        meta_load_where_report(c->w, col, "%s is too large for an integer, got %s", name,
                               shown(c, col, q, sizeof q));
        break;
    }
    return 1;
}

/* A count: an integer >= min (0 or 1). Returns 0 and sets *out when valid. */
static int check_count(struct check *c, enum meta_load_col col, int min, int *out)
{
    const char *rule = min > 0 ? "a positive integer" : "an integer >= 0";
    char q[META_LOAD_QUOTE_SIZE];
    if (!c->f->present[col]) {
        meta_load_where_report(c->w, col, "%s is empty", col_names[col]);
        return 1;
    }
    if (fault(c, col, rule))
        return 1;
    double v = c->f->num[col];
    if (v > INT_MAX) {
        meta_load_where_report(c->w, col, "%s is too large for an integer, got %s", col_names[col],
                               shown(c, col, q, sizeof q));
        return 1;
    }
    if (!(v == floor(v)) || v < min) {
        meta_load_where_report(c->w, col, "%s must be %s, got %s", col_names[col], rule,
                               shown(c, col, q, sizeof q));
        return 1;
    }
    *out = (int)v;
    return 0;
}

/* A required finite number. Returns 0 and sets *out when valid. */
static int check_real(struct check *c, enum meta_load_col col, double *out)
{
    if (!c->f->present[col]) {
        meta_load_where_report(c->w, col, "%s is empty", col_names[col]);
        return 1;
    }
    if (fault(c, col, NULL))
        return 1;
    *out = c->f->num[col];
    return 0;
}

/* The leftmost field of a group (in the file's column order; for a record,
 * the group's order), among those filled when need_filled. */
static enum meta_load_col first_of(const struct check *c, const enum meta_load_col *g, size_t n,
                                   int need_filled)
{
    enum meta_load_col best = g[0];
    int best_i = INT_MAX;
    for (size_t i = 0; i < n; i++) {
        int idx = c->w->col ? c->w->col[g[i]] : (int)i;
        if (idx >= 0 && idx < best_i && (!need_filled || c->f->present[g[i]])) {
            best = g[i];
            best_i = idx;
        }
    }
    return best;
}

static const enum meta_load_col cont_cols[] = {META_LOAD_COL_N, META_LOAD_COL_MEAN,
                                               META_LOAD_COL_SD};
static const enum meta_load_col bin_cols[] = {META_LOAD_COL_EVENTS, META_LOAD_COL_TOTAL};
static const enum meta_load_col est_cols[] = {
    META_LOAD_COL_CONTROL, META_LOAD_COL_MEASURE,     META_LOAD_COL_ESTIMATE,
    META_LOAD_COL_SE,      META_LOAD_COL_CI_LOWER,    META_LOAD_COL_CI_UPPER,
    META_LOAD_COL_LEVEL,   META_LOAD_COL_N_TREATMENT, META_LOAD_COL_N_CONTROL};
#define NEST (sizeof est_cols / sizeof *est_cols)

static int any_present(const struct check *c, const enum meta_load_col *g, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (c->f->present[g[i]])
            return 1;
    return 0;
}

/* The names of the filled fields of a group, ", "-separated, into buf. */
static const char *filled_names(const struct check *c, const enum meta_load_col *g, size_t n,
                                char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && used < size; i++) {
        if (!c->f->present[g[i]])
            continue;
        int w = snprintf(buf + used, size - used, "%s%s", used ? ", " : "", col_names[g[i]]);
        used += w > 0 ? (size_t)w : 0;
    }
    return buf;
}

/* The kind of a CSV row from the groups it fills; -1 (reported) when none
 * or several. */
static int kind_of_row(struct check *c)
{
    static const enum meta_load_col arm_cols[] = {META_LOAD_COL_N, META_LOAD_COL_MEAN,
                                                  META_LOAD_COL_SD, META_LOAD_COL_EVENTS,
                                                  META_LOAD_COL_TOTAL};
    int has_cont = any_present(c, cont_cols, 3);
    int has_bin = any_present(c, bin_cols, 2);
    int has_est = any_present(c, est_cols, NEST);
    char names[256];
    if (has_cont && has_bin) {
        meta_load_where_report(c->w, first_of(c, bin_cols, 2, 1),
                               "row has both continuous (n, mean, sd) and binary (events, total) "
                               "values");
        return -1;
    }
    if ((has_cont || has_bin) && has_est) {
        meta_load_where_report(c->w, first_of(c, est_cols, NEST, 1),
                               "row has both arm data (%s) and an estimate (%s)",
                               has_cont ? "n, mean, sd" : "events, total",
                               filled_names(c, est_cols, NEST, names, sizeof names));
        return -1;
    }
    if (has_cont)
        return META_LOAD_CONTINUOUS;
    if (has_bin)
        return META_LOAD_BINARY;
    if (has_est)
        return META_LOAD_ESTIMATE;
    if (!c->estimate_columns) {
        meta_load_where_report(c->w, first_of(c, arm_cols, 5, 0),
                               "row has neither continuous (n, mean, sd) nor binary (events, "
                               "total) values");
        return -1;
    }
    enum meta_load_col all[5 + NEST];
    memcpy(all, arm_cols, sizeof arm_cols);
    memcpy(all + 5, est_cols, sizeof est_cols);
    meta_load_where_report(c->w, first_of(c, all, 5 + NEST, 0),
                           "row has neither arm data (n, mean, sd or events, total) nor an "
                           "estimate (measure, estimate, and se or ci_lower and ci_upper)");
    return -1;
}

/* A record says what it is; every field of another kind is an error. */
static int kind_of_record(struct check *c, int want)
{
    static const char *const words[] = {"continuous", "binary", "an estimate"};
    int bad_before = c->w->bad;
    c->w->bad = 0;
    for (int col = META_LOAD_COL_N; col < META_LOAD_NCOLS; col++) {
        int mine = want == META_LOAD_CONTINUOUS ? col >= META_LOAD_COL_N && col <= META_LOAD_COL_SD
                   : want == META_LOAD_BINARY
                       ? col == META_LOAD_COL_EVENTS || col == META_LOAD_COL_TOTAL
                       : col >= META_LOAD_COL_CONTROL;
        if (c->f->present[col] && !mine)
            meta_load_where_report(c->w, (enum meta_load_col)col,
                                   "%s is given, but the record is %s", col_names[col],
                                   words[want]);
    }
    if (want != META_LOAD_ESTIMATE && (c->f->peto || c->f->log_scale))
        meta_load_where_report(c->w, META_LOAD_COL_MEASURE, "%s is given, but the record is %s",
                               c->f->peto ? "method" : "log_scale", words[want]);
    int bad = c->w->bad;
    c->w->bad |= bad_before;
    return bad ? -1 : want;
}

static void check_continuous(struct check *c, struct meta_load_row *row)
{
    char q[META_LOAD_QUOTE_SIZE];
    check_count(c, META_LOAD_COL_N, 1, &row->n);
    check_real(c, META_LOAD_COL_MEAN, &row->mean);
    if (check_real(c, META_LOAD_COL_SD, &row->sd) == 0 && !(row->sd > 0))
        meta_load_where_report(c->w, META_LOAD_COL_SD, "sd must be > 0, got %s",
                               shown(c, META_LOAD_COL_SD, q, sizeof q));
}

static void check_binary(struct check *c, struct meta_load_row *row)
{
    char q[META_LOAD_QUOTE_SIZE];
    int bad = check_count(c, META_LOAD_COL_EVENTS, 0, &row->events);
    bad |= check_count(c, META_LOAD_COL_TOTAL, 1, &row->total);
    if (!bad && row->events > row->total)
        meta_load_where_report(c->w, META_LOAD_COL_EVENTS,
                               "events must not exceed total (%d), got %s", row->total,
                               shown(c, META_LOAD_COL_EVENTS, q, sizeof q));
}

/* An optional positive count: 0 when absent. */
static void optional_count(struct check *c, enum meta_load_col col, int *out)
{
    *out = 0;
    if (c->f->present[col])
        check_count(c, col, 1, out);
}

/* An optional number: NAN when absent; returns 1 when present but bad. */
static int optional_real(struct check *c, enum meta_load_col col, double *out)
{
    *out = NAN;
    if (!c->f->present[col])
        return 0;
    return check_real(c, col, out);
}

/* The interval's bounds: both or neither, finite, ordered, positive for a
 * ratio. Returns 1 when it is a usable interval. */
static int check_interval(struct check *c, struct meta_load_row *row, int ratio, const char *code)
{
    char q[META_LOAD_QUOTE_SIZE], q2[META_LOAD_QUOTE_SIZE];
    int lo_bad = optional_real(c, META_LOAD_COL_CI_LOWER, &row->ci_lower);
    int hi_bad = optional_real(c, META_LOAD_COL_CI_UPPER, &row->ci_upper);
    int have_lo = c->f->present[META_LOAD_COL_CI_LOWER];
    int have_hi = c->f->present[META_LOAD_COL_CI_UPPER];
    if (have_lo != have_hi) {
        enum meta_load_col missing = have_lo ? META_LOAD_COL_CI_UPPER : META_LOAD_COL_CI_LOWER;
        meta_load_where_report(c->w, missing, "%s is empty (an interval needs both bounds)",
                               col_names[missing]);
        return 0;
    }
    if (!have_lo || lo_bad || hi_bad)
        return 0;
    int ok = 1;
    if (ratio && !(row->ci_lower > 0)) {
        meta_load_where_report(c->w, META_LOAD_COL_CI_LOWER,
                               "ci_lower of a ratio (%s) must be > 0, got %s", code,
                               shown(c, META_LOAD_COL_CI_LOWER, q, sizeof q));
        ok = 0;
    }
    if (ratio && !(row->ci_upper > 0)) {
        meta_load_where_report(c->w, META_LOAD_COL_CI_UPPER,
                               "ci_upper of a ratio (%s) must be > 0, got %s", code,
                               shown(c, META_LOAD_COL_CI_UPPER, q, sizeof q));
        ok = 0;
    }
    if (ok && !(row->ci_lower < row->ci_upper)) {
        meta_load_where_report(c->w, META_LOAD_COL_CI_LOWER,
                               "ci_lower must be below ci_upper (%s), got %s",
                               shown(c, META_LOAD_COL_CI_UPPER, q2, sizeof q2),
                               shown(c, META_LOAD_COL_CI_LOWER, q, sizeof q));
        ok = 0;
    }
    return ok;
}

static void check_estimate(struct check *c, struct meta_load_row *row)
{
    const struct meta_load_fields *f = c->f;
    char q[META_LOAD_QUOTE_SIZE], q2[META_LOAD_QUOTE_SIZE], q3[META_LOAD_QUOTE_SIZE];

    check_name(c, META_LOAD_COL_CONTROL);
    if (f->present[META_LOAD_COL_CONTROL] && f->present[META_LOAD_COL_TREATMENT] &&
        f->text[META_LOAD_COL_CONTROL].len == f->text[META_LOAD_COL_TREATMENT].len &&
        memcmp(f->text[META_LOAD_COL_CONTROL].s, f->text[META_LOAD_COL_TREATMENT].s,
               f->text[META_LOAD_COL_CONTROL].len) == 0)
        meta_load_where_report(c->w, META_LOAD_COL_CONTROL,
                               "control must differ from treatment, got %s",
                               shown(c, META_LOAD_COL_CONTROL, q, sizeof q));
    if (f->present[META_LOAD_COL_ARM])
        meta_load_where_report(c->w, META_LOAD_COL_ARM,
                               "arm must be empty on an estimate row (it compares treatment "
                               "with control), got %s",
                               shown(c, META_LOAD_COL_ARM, q, sizeof q));

    int measure = -1;
    if (!f->present[META_LOAD_COL_MEASURE]) {
        meta_load_where_report(c->w, META_LOAD_COL_MEASURE, "measure is empty");
    } else {
        measure = meta_load_measure_parse(f->text[META_LOAD_COL_MEASURE].s,
                                          f->text[META_LOAD_COL_MEASURE].len);
        if (measure < 0)
            meta_load_where_report(c->w, META_LOAD_COL_MEASURE,
                                   "measure must be one of MD, SMD, ROM, RR, OR, RD, HR, GIV, "
                                   "got %s",
                                   shown(c, META_LOAD_COL_MEASURE, q, sizeof q));
    }
    row->measure = measure >= 0 ? (enum meta_load_measure)measure : META_LOAD_GIV;
    const char *code = measure >= 0 ? meta_load_measure_code(row->measure) : "?";
    int ratio = measure >= 0 && meta_load_measure_ratio(row->measure);
    row->peto = f->peto;
    row->log_scale = f->log_scale;
    if (measure >= 0 && f->peto && row->measure != META_LOAD_OR)
        meta_load_where_report(c->w, META_LOAD_COL_MEASURE,
                               "Peto's method gives an odds ratio (OR), got measure %s",
                               shown(c, META_LOAD_COL_MEASURE, q, sizeof q));
    if (measure >= 0 && f->log_scale && row->measure != META_LOAD_GIV)
        meta_load_where_report(c->w, META_LOAD_COL_MEASURE,
                               "the log scale is for GIV estimates (a ratio's scale follows "
                               "its measure), got measure %s",
                               shown(c, META_LOAD_COL_MEASURE, q, sizeof q));

    int est_ok = check_real(c, META_LOAD_COL_ESTIMATE, &row->estimate) == 0;
    if (est_ok && ratio && !(row->estimate > 0)) {
        meta_load_where_report(c->w, META_LOAD_COL_ESTIMATE,
                               "estimate of a ratio (%s) must be > 0, got %s", code,
                               shown(c, META_LOAD_COL_ESTIMATE, q, sizeof q));
        est_ok = 0;
    }
    int se_bad = optional_real(c, META_LOAD_COL_SE, &row->se);
    row->se_given = f->present[META_LOAD_COL_SE];
    if (row->se_given && !se_bad && !(row->se > 0)) {
        meta_load_where_report(c->w, META_LOAD_COL_SE, "se must be > 0, got %s",
                               shown(c, META_LOAD_COL_SE, q, sizeof q));
        se_bad = 1;
    }
    int interval = check_interval(c, row, ratio, code);
    if (interval && est_ok && !(row->ci_lower <= row->estimate && row->estimate <= row->ci_upper))
        meta_load_where_report(c->w, META_LOAD_COL_ESTIMATE,
                               "estimate must lie within its interval (%s to %s), got %s",
                               shown(c, META_LOAD_COL_CI_LOWER, q2, sizeof q2),
                               shown(c, META_LOAD_COL_CI_UPPER, q3, sizeof q3),
                               shown(c, META_LOAD_COL_ESTIMATE, q, sizeof q));
    if (!row->se_given && !f->present[META_LOAD_COL_CI_LOWER] &&
        !f->present[META_LOAD_COL_CI_UPPER])
        meta_load_where_report(c->w, META_LOAD_COL_SE,
                               "an estimate needs se or an interval (ci_lower and ci_upper)");

    row->level = NAN;
    if (f->present[META_LOAD_COL_LEVEL]) {
        double level;
        if (check_real(c, META_LOAD_COL_LEVEL, &level) == 0) {
            if (!f->present[META_LOAD_COL_CI_LOWER] && !f->present[META_LOAD_COL_CI_UPPER])
                meta_load_where_report(c->w, META_LOAD_COL_LEVEL,
                                       "level is given without an interval (ci_lower and "
                                       "ci_upper)");
            else if (!(level >= 50 && level < 100))
                meta_load_where_report(c->w, META_LOAD_COL_LEVEL,
                                       "level must be a percentage from 50 to below 100 (95 for "
                                       "a 95%% interval), got %s",
                                       shown(c, META_LOAD_COL_LEVEL, q, sizeof q));
            else
                row->level = level;
        }
    } else if (f->present[META_LOAD_COL_CI_LOWER]) {
        row->level = 95;
    }
    optional_count(c, META_LOAD_COL_N_TREATMENT, &row->n_treatment);
    optional_count(c, META_LOAD_COL_N_CONTROL, &row->n_control);

    /* The standard error of an interval, on the analysis scale. */
    if (!row->se_given && interval && !isnan(row->level) && !c->w->bad) {
        double z = gsl_cdf_ugaussian_Pinv(0.5 + row->level / 200.0);
        double width =
            ratio ? log(row->ci_upper) - log(row->ci_lower) : row->ci_upper - row->ci_lower;
        row->se = width / (2.0 * z);
        if (!(row->se > 0) || !isfinite(row->se))
            meta_load_where_report(c->w, META_LOAD_COL_CI_LOWER,
                                   "the interval (%s to %s) is too narrow to give a standard "
                                   "error",
                                   shown(c, META_LOAD_COL_CI_LOWER, q2, sizeof q2),
                                   shown(c, META_LOAD_COL_CI_UPPER, q3, sizeof q3));
    }
}

int meta_load_rules_apply(const struct meta_load_fields *f, int want_kind, int estimate_columns,
                          struct meta_load_where *w, struct meta_load_row *row)
{
    struct check c = {f, w, estimate_columns};
    int bad_before = w->bad;
    w->bad = 0;
    /* Every field a reader of the row uses, one by one: cheaper per row than
     * clearing the whole struct. */
    row->n = row->events = row->total = 0;
    row->mean = row->sd = row->estimate = 0;
    row->measure = META_LOAD_GIV;
    row->peto = row->log_scale = row->se_given = 0;
    row->n_treatment = row->n_control = 0;
    row->ci_lower = row->ci_upper = row->level = row->se = NAN;
    row->place = row->origin = (struct meta_load_text){NULL, 0};
    row->arm_attrs = row->result_attrs = NULL;
    row->n_arm_attrs = row->n_result_attrs = 0;

    check_name(&c, META_LOAD_COL_TRIAL);
    check_name(&c, META_LOAD_COL_TREATMENT);
    check_name(&c, META_LOAD_COL_OUTCOME);
    if (f->present[META_LOAD_COL_TIMEPOINT])
        check_name_text(&c, META_LOAD_COL_TIMEPOINT);
    int kind = want_kind >= 0 ? kind_of_record(&c, want_kind) : kind_of_row(&c);
    if (kind != META_LOAD_ESTIMATE && f->present[META_LOAD_COL_ARM])
        check_name_text(&c, META_LOAD_COL_ARM);
    if (kind == META_LOAD_CONTINUOUS)
        check_continuous(&c, row);
    else if (kind == META_LOAD_BINARY)
        check_binary(&c, row);
    else if (kind == META_LOAD_ESTIMATE)
        check_estimate(&c, row);
    int bad = w->bad;
    w->bad |= bad_before;
    if (bad)
        return META_EINVAL;

    row->kind = (enum meta_load_kind)kind;
    row->trial = f->text[META_LOAD_COL_TRIAL];
    row->treatment = f->text[META_LOAD_COL_TREATMENT];
    row->outcome = f->text[META_LOAD_COL_OUTCOME];
    row->control = f->present[META_LOAD_COL_CONTROL] ? f->text[META_LOAD_COL_CONTROL]
                                                     : (struct meta_load_text){"", 0};
    row->arm = kind != META_LOAD_ESTIMATE && f->present[META_LOAD_COL_ARM]
                   ? f->text[META_LOAD_COL_ARM]
               : kind != META_LOAD_ESTIMATE ? row->treatment
                                            : (struct meta_load_text){"", 0};
    row->timepoint = f->present[META_LOAD_COL_TIMEPOINT] ? f->text[META_LOAD_COL_TIMEPOINT]
                                                         : (struct meta_load_text){"", 0};
    row->line = w->line;
    row->trial_line = meta_load_where_line(w, META_LOAD_COL_TRIAL);
    row->treatment_line = meta_load_where_line(w, META_LOAD_COL_TREATMENT);
    row->outcome_line = meta_load_where_line(w, META_LOAD_COL_OUTCOME);
    row->measure_line = meta_load_where_line(w, META_LOAD_COL_MEASURE);
    for (int col = META_LOAD_COL_N; col < META_LOAD_NCOLS; col++)
        row->num_text[col] = f->present[col] ? f->text[col] : (struct meta_load_text){NULL, 0};
    return META_OK;
}
