/*
 * The rules of INTERFACE.md section 1 for one arm-level CSV file: which
 * header columns it must have (in any case and order), and what makes a row
 * valid. Pure C on records from csv_reader.h; the database-wide rules (an
 * outcome's type, an arm's treatment, duplicate keys) are checked in SQL by
 * the loader.
 */
#ifndef META_LOAD_ROW_H
#define META_LOAD_ROW_H

#include "csv_reader.h"
#include "load_errors.h"

/* Longest trial, arm, treatment, outcome or time point name, in bytes (they
 * are keys of unique indexes, whose entries PostgreSQL limits in size). */
#define META_LOAD_MAX_NAME 1000

/* The columns INTERFACE.md gives a meaning to. */
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
    META_LOAD_NCOLS
};

/* The lowercase header name of a known column. */
const char *meta_load_col_name(enum meta_load_col col);

enum meta_load_kind { META_LOAD_CONTINUOUS, META_LOAD_BINARY };

/* Where things are in one file, from its header. */
struct meta_load_layout {
    size_t width;             /* columns in the header */
    int col[META_LOAD_NCOLS]; /* 0-based index of each known column, -1 when absent */
    size_t nattrs;            /* the other columns: arm attributes */
    size_t *attr_col;         /* owned; 0-based index of each attribute column */
    char **attr_name;         /* owned; each attribute's name, lowercased */
};

/*
 * Reads the header record of file into l. Names are matched without regard
 * to ASCII case and to blanks around them; unknown names become attributes
 * (lowercased). Reports to errs an empty
 * or duplicate name, a name that is not UTF-8, a missing required column
 * (trial, treatment, outcome) and an incomplete or absent group of result
 * columns (n, mean, sd / events, total).
 * Returns META_OK; META_EINVAL when errs got at least one problem (l is then
 * released); META_ENOMEM. Release l with meta_load_layout_release.
 */
int meta_load_layout_init(struct meta_load_layout *l, const char *file,
                          const struct meta_csv_record *header, struct meta_load_errors *errs);

/* Frees what l owns; accepts NULL, and a layout that was never initialised
 * if zeroed. */
void meta_load_layout_release(struct meta_load_layout *l);

/* One valid row. The pointers refer to the record's fields and live as long
 * as the record; arm is the treatment when the file has no or an empty arm,
 * and timepoint is "" when absent. */
struct meta_load_row {
    const struct meta_csv_field *trial, *arm, *treatment, *outcome;
    const char *timepoint;
    size_t timepoint_len;
    enum meta_load_kind kind;
    int n;
    double mean, sd;
    int events, total;
};

/* Narrows the len bytes at *s to those between the white space (blanks,
 * tabs, line breaks) at either end. Numbers and attribute values are read
 * this way; names never are: they are kept exactly, and refused when they
 * begin or end with white space. */
void meta_load_trim(const char **s, size_t *len);

/* Whether every field of rec is empty or blank: a blank row, as
 * spreadsheets leave after the data, which the loader skips like a blank
 * line. */
int meta_load_row_blank(const struct meta_csv_record *rec);

/*
 * Checks one data record of file against layout l and, when it is valid,
 * fills *row. Every problem goes to errs as "FILE:LINE:COLUMN: what, got
 * 'value'": a row whose width differs from the header's, a field that is not
 * UTF-8 or holds a NUL byte, an empty (or blank) required field, a name
 * longer than META_LOAD_MAX_NAME or beginning or ending with white space
 * (names are exact), both or neither result groups, an incomplete group, a
 * count that is not an integer in range (n > 0, events >= 0, total > 0),
 * events > total, a number with trailing junk, NaN or an infinity, and
 * sd <= 0. Numbers may have white space around them.
 * Returns META_OK for a valid row, META_EINVAL when it added problems.
 */
int meta_load_row_check(const struct meta_load_layout *l, const char *file,
                        const struct meta_csv_record *rec, struct meta_load_row *row,
                        struct meta_load_errors *errs);

#endif
