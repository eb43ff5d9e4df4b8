/*
 * The rules one row must follow to be loaded (INTERFACE.md sections 1 and
 * 1b), whatever its source: a row of an arm-level CSV file (load_row.c) or
 * a record a parser made (load_record.c). Each source turns its row into
 * the same fields; one function here applies every rule to them and gives
 * the validated row that the loader stages. The rules that span rows (an
 * outcome's kind, an arm's treatment, a key given twice) are checked in SQL.
 */
#ifndef META_LOAD_RULES_H
#define META_LOAD_RULES_H

#include "load_errors.h"

#include <stddef.h>

/* Longest trial, arm, treatment, control, outcome or time point name, in
 * bytes (they are keys of unique indexes, whose entries PostgreSQL limits in
 * size). */
#define META_LOAD_MAX_NAME 1000

/* The fields INTERFACE.md gives a meaning to: the CSV columns by these
 * names, and the fields of a record. */
enum meta_load_col {
    META_LOAD_COL_TRIAL,
    META_LOAD_COL_ARM,
    META_LOAD_COL_TREATMENT,
    META_LOAD_COL_OUTCOME,
    META_LOAD_COL_TIMEPOINT,
    META_LOAD_COL_N,
    META_LOAD_COL_MEAN,
    META_LOAD_COL_SD,
    META_LOAD_COL_EVENTS,
    META_LOAD_COL_TOTAL,
    META_LOAD_COL_CONTROL,
    META_LOAD_COL_MEASURE,
    META_LOAD_COL_ESTIMATE,
    META_LOAD_COL_SE,
    META_LOAD_COL_CI_LOWER,
    META_LOAD_COL_CI_UPPER,
    META_LOAD_COL_LEVEL,
    META_LOAD_COL_N_TREATMENT,
    META_LOAD_COL_N_CONTROL,
    META_LOAD_NCOLS
};

/* The lowercase name of a field (its CSV header name). */
const char *meta_load_col_name(enum meta_load_col col);

/* What a row holds: one arm's result, or one comparison's estimate. */
enum meta_load_kind { META_LOAD_CONTINUOUS, META_LOAD_BINARY, META_LOAD_ESTIMATE };

/* The measures an estimate row may give (INTERFACE.md 1b and 4). */
enum meta_load_measure {
    META_LOAD_MD,
    META_LOAD_SMD,
    META_LOAD_ROM,
    META_LOAD_RR,
    META_LOAD_OR,
    META_LOAD_RD,
    META_LOAD_HR,
    META_LOAD_GIV,
    META_LOAD_NMEASURES
};

/* The code of a measure ("MD" ... "GIV"), as stored. */
const char *meta_load_measure_code(enum meta_load_measure m);

/* The kind of outcome a measure belongs to, as outcomes.kind spells it:
 * "continuous" (MD, SMD, ROM), "binary" (RR, OR, RD), "time-to-event" (HR)
 * or "generic" (GIV). */
const char *meta_load_measure_kind(enum meta_load_measure m);

/* Whether the measure is a ratio, analysed on the log scale (ROM, RR, OR, HR). */
int meta_load_measure_ratio(enum meta_load_measure m);

/* Reads a measure code, in any ASCII case, from len bytes at s; -1 when it
 * is none of them. */
int meta_load_measure_parse(const char *s, size_t len);

/* Text of len bytes at s; s is NUL-terminated at len (or NULL when absent). */
struct meta_load_text {
    const char *s;
    size_t len;
};

/* An attribute: its name (lowercase) and its value, both non-empty. */
struct meta_load_attr {
    struct meta_load_text name, value;
};

/* Why a source could not read a number; the rules word it when they reach
 * the field, so that a row's problems come in the order of its fields. */
enum meta_load_fault {
    META_LOAD_FAULT_NONE,
    META_LOAD_FAULT_NOT_NUMBER, /* "x is not a number" */
    META_LOAD_FAULT_NOT_FINITE, /* NaN or an infinity */
    META_LOAD_FAULT_RANGE,      /* beyond the range of a double */
    META_LOAD_FAULT_NOT_COUNT,  /* not an integer */
    META_LOAD_FAULT_TOO_LARGE   /* an integer beyond the range of int */
};

/*
 * One row as its source gave it, before the rules: for each field, whether
 * the source filled it (more than blanks), its text (names exactly; numbers
 * and codes without the blanks around them; NULL for a number a record gave
 * as a double), for numbers the value the source read, and why it could
 * not when it could not.
 */
struct meta_load_fields {
    int present[META_LOAD_NCOLS];
    struct meta_load_text text[META_LOAD_NCOLS];
    double num[META_LOAD_NCOLS];
    enum meta_load_fault fault[META_LOAD_NCOLS];
    int peto;      /* records only: Peto's odds ratio from O-E and V */
    int log_scale; /* records only: a GIV estimate on the log scale */
};

struct meta_csv_field;

/* Where a row's fields are, to word its problems as FILE:LINE:COLUMN (a
 * CSV row) or FILE:LINE: PLACE: ... (a record, whose fields have no column). */
struct meta_load_where {
    const char *file;
    long line;                           /* where the row starts; 0 when unknown */
    const char *place;                   /* a finer location of a record, or NULL */
    const int *col;                      /* CSV: the 0-based column of each field, -1 when absent;
                                            NULL for a record */
    const struct meta_csv_field *fields; /* CSV: the row's fields (their lines) */
    struct meta_load_errors *errs;
    int bad; /* set when a problem was reported */
};

/* Reports one problem of field col of the row at w. */
void meta_load_where_report(struct meta_load_where *w, enum meta_load_col col, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The line the field col starts on (the row's line when unknown). */
long meta_load_where_line(const struct meta_load_where *w, enum meta_load_col col);

/* One valid row, ready to stage. Texts point into the source's row and live
 * as long as it does. */
struct meta_load_row {
    enum meta_load_kind kind;
    struct meta_load_text trial, arm, treatment, outcome, timepoint, control;
    long line, trial_line, treatment_line, outcome_line, measure_line;
    struct meta_load_text place;  /* a record's finer location, or empty */
    struct meta_load_text origin; /* the file a record names, when not its source's name */

    /* CONTINUOUS and BINARY: the arm's result. arm is the treatment when the
     * source gave none, timepoint "" when it gave none. */
    int n;
    double mean, sd;
    int events, total;

    /* ESTIMATE: the comparison of treatment with control (INTERFACE.md 1b). */
    enum meta_load_measure measure;
    int peto, log_scale;
    double estimate;            /* as given */
    double se;                  /* analysis scale: given, or derived from the interval */
    int se_given;               /* the source gave se */
    double ci_lower, ci_upper;  /* as given, NAN when none */
    double level;               /* the interval's level in percent, NAN when no interval */
    int n_treatment, n_control; /* 0 when not given */

    /* The text of each number as the source wrote it (s NULL: the source
     * gave a double; the value is written out instead). */
    struct meta_load_text num_text[META_LOAD_NCOLS];

    /* Attributes of the arm (arm rows) and of this result itself. */
    const struct meta_load_attr *arm_attrs;
    size_t n_arm_attrs;
    const struct meta_load_attr *result_attrs;
    size_t n_result_attrs;
};

/*
 * Applies the rules to fields f of one row at w and, when it is valid,
 * fills *row (its attributes and place are left for the caller). The kind
 * follows the fields filled: arm data (n, mean, sd or events, total) or an
 * estimate (control, measure, estimate, se, ci_lower, ci_upper, level,
 * n_treatment, n_control); want_kind >= 0 (a record) names the kind the
 * source meant, and a field of another kind is then an error.
 * estimate_columns says whether the source could give an estimate (a CSV
 * file with no estimate columns hears the words of section 1 only).
 *
 * Arm rows: trial, treatment, outcome required; n > 0 and events >= 0,
 * total > 0 integers; events <= total; sd > 0. Estimate rows: trial,
 * treatment, control (another than the treatment), outcome, measure (a
 * known one) and estimate required, no arm; se > 0 or an interval
 * (ci_lower < ci_upper, at level percent, 50 <= level < 100, default 95)
 * containing the estimate; a ratio's estimate and bounds > 0; n_treatment
 * and n_control positive integers; Peto's method for OR only, the log scale
 * for GIV only. Every name at most META_LOAD_MAX_NAME bytes, not beginning
 * or ending with white space. The se of an interval is its width on the
 * analysis scale over 2 z (z the normal quantile of the level).
 * Returns META_OK, or META_EINVAL when it reported problems to w.
 */
int meta_load_rules_apply(const struct meta_load_fields *f, int want_kind, int estimate_columns,
                          struct meta_load_where *w, struct meta_load_row *row);

#endif
