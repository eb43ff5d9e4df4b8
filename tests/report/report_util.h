/*
 * What the report suites share to read outputs back: golden files for the
 * text tables and the fields of a CSV line, so that each suite checks its
 * outputs the same way.
 */
#ifndef META_TEST_REPORT_UTIL_H
#define META_TEST_REPORT_UTIL_H

#include <stddef.h>

/* Asserts (CUnit) that text equals tests/report/golden/NAME, printing it
 * when it does not; with META_UPDATE_GOLDEN set, rewrites the file. */
void test_check_golden(const char *name, const char *text);

/* Splits a CSV line without quoted fields at its commas, in place: at most
 * max fields into `fields`; returns their number. */
size_t test_csv_split(char *line, char **fields, size_t max);

/* The index of column `name` among the n header fields (a CUnit failure,
 * and 0, when there is none). */
int test_csv_column(char **header, size_t n, const char *name);

#endif
