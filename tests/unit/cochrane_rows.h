/*
 * A reader of Cochrane "Download data" CSV files (RevMan Web's data packages)
 * for the unit tests: every row as strings looked up by column name, read
 * with libcsv (UTF-8 with a BOM, RFC 4180 quoting). The registry's importer
 * is a separate thing; this one serves the checks against RevMan's numbers.
 */
#ifndef META_TEST_COCHRANE_ROWS_H
#define META_TEST_COCHRANE_ROWS_H

#include <stddef.h>

struct cochrane_table {
    size_t n_columns, n_rows;
    char **header; /* n_columns names */
    char ***rows;  /* n_rows rows of n_columns fields (missing ones "") */
};

/* Reads the CSV file at path. 0 on success, -1 (message on stderr) on a
 * read or parse failure or a row with more fields than the header. */
int cochrane_table_read(const char *path, struct cochrane_table *t);

/* The field `column` of row r, "" when the file has no such column. */
const char *cochrane_field(const struct cochrane_table *t, size_t r, const char *column);

/* The field as a number; 0 when it is empty; NAN when it is not a number. */
double cochrane_number(const struct cochrane_table *t, size_t r, const char *column);

void cochrane_table_free(struct cochrane_table *t);

#endif
