/*
 * One arm-level CSV file as INTERFACE.md sections 1 and 1b describe it:
 * which header columns it must have (in any case and order), and how a row
 * becomes the fields that load_rules.h checks. Pure C on records from
 * csv_reader.h; the database-wide rules (an outcome's kind, an arm's
 * treatment, duplicate keys) are checked in SQL by the loader.
 */
#ifndef META_LOAD_ROW_H
#define META_LOAD_ROW_H

#include "csv_reader.h"
#include "load_errors.h"
#include "load_rules.h"

/* Where things are in one file, from its header. */
struct meta_load_layout {
    size_t width;                   /* columns in the header */
    int col[META_LOAD_NCOLS];       /* 0-based index of each known column, -1 when absent */
    int estimates;                  /* it has estimate columns (section 1b) */
    size_t nattrs;                  /* the other columns: attributes */
    size_t *attr_col;               /* owned; 0-based index of each attribute column */
    char **attr_name;               /* owned; each attribute's name, lowercased */
    struct meta_load_attr *scratch; /* owned; a row's attributes (nattrs entries) */
};

/*
 * Reads the header record of file into l. Names are matched without regard
 * to ASCII case and to blanks around them; unknown names become attributes
 * (lowercased). Reports to errs an empty or duplicate name, a name that is
 * not UTF-8, a missing required column (trial, treatment, outcome), an
 * incomplete group of result columns (n, mean, sd / events, total /
 * control, measure, estimate and se or ci_lower and ci_upper), and a file
 * with none of them.
 * Returns META_OK; META_EINVAL when errs got at least one problem (l is then
 * released); META_ENOMEM. Release l with meta_load_layout_release.
 */
int meta_load_layout_init(struct meta_load_layout *l, const char *file,
                          const struct meta_csv_record *header, struct meta_load_errors *errs);

/* Frees what l owns; accepts NULL, and a layout that was never initialised
 * if zeroed. */
void meta_load_layout_release(struct meta_load_layout *l);

/* Narrows the len bytes at *s to those between the white space (blanks,
 * tabs, line breaks) at either end. Numbers, codes and attribute values are
 * read this way; names never are: they are kept exactly, and refused when
 * they begin or end with white space. */
void meta_load_trim(const char **s, size_t *len);

/* Whether every field of rec is empty or blank: a blank row, as
 * spreadsheets leave after the data, which the loader skips like a blank
 * line. */
int meta_load_row_blank(const struct meta_csv_record *rec);

/*
 * Checks one data record of file against layout l and, when it is valid,
 * fills *row (see meta_load_rules_apply; its texts point into rec and live
 * as long as it, its attributes into l, until the next call). Every problem
 * goes to errs as "FILE:LINE:COLUMN: what, got 'value'": a row whose width
 * differs from the header's, a field that is not UTF-8 or holds a NUL byte,
 * a number with trailing junk, NaN or an infinity, and every rule of
 * meta_load_rules_apply. Numbers may have white space around them. The
 * attribute columns that hold more than blanks become the row's arm
 * attributes (an arm row) or result attributes (an estimate row).
 * Returns META_OK for a valid row, META_EINVAL when it added problems.
 */
int meta_load_row_check(const struct meta_load_layout *l, const char *file,
                        const struct meta_csv_record *rec, struct meta_load_row *row,
                        struct meta_load_errors *errs);

#endif
