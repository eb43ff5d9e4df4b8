/*
 * CSV held in memory (a file or a zip entry), parsed with libcsv: records one
 * at a time with the line each starts on, and columns looked up by name in
 * the header, so that the Cochrane readers can name FILE:LINE:COLUMN in every
 * message and cope with columns that come and go between package versions.
 */
#ifndef META_REVIEW_CSV_H
#define META_REVIEW_CSV_H

#include "meta_status.h"

#include <stddef.h>

/* One record. Field strings are NUL-terminated and live only during the call. */
struct meta_review_csv_row {
    long line;   /* physical line on which the record starts */
    long number; /* 1 for the header */
    size_t count;
    const char *const *fields;
};

typedef int (*meta_review_csv_fn)(const struct meta_review_csv_row *row, void *ctx);

/*
 * Parses size bytes of CSV (RFC 4180; CR, LF or CRLF; a UTF-8 byte order mark
 * dropped) and calls fn for each record, blank lines skipped. The bytes must
 * be UTF-8: otherwise META_EINVAL with "NAME:LINE: ... not UTF-8". Malformed
 * quoting is META_EINVAL with "NAME:LINE:COLUMN: ...". fn's status other than
 * META_OK stops the parse and is returned.
 */
int meta_review_csv_parse(const char *name, const unsigned char *data, size_t size,
                          meta_review_csv_fn fn, void *ctx, struct meta_error *err);

/* A column wanted from a header: its name (compared by meta_review_colname_is)
 * and, when found, its 0-based index, else -1. */
struct meta_review_column {
    const char *name;
    int required;
    long index;
};

/*
 * Finds each wanted column (terminated by a NULL name) in the header row.
 * A wanted column that appears twice, or a required one that is missing, is
 * META_EINVAL: "NAME:LINE: unknown layout for WHAT: ..." listing what was
 * expected and what the header holds.
 */
int meta_review_csv_columns(const char *name, const struct meta_review_csv_row *header,
                            struct meta_review_column *cols, const char *what,
                            struct meta_error *err);

/* The cell of a row for a column, "" when the column is absent or the row short. */
const char *meta_review_csv_cell(const struct meta_review_csv_row *row,
                                 const struct meta_review_column *col);

#endif
