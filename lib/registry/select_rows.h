/*
 * What the readers of selections share inside lib/registry: the columns of a
 * selection statement and reading a range of its rows into a selection
 * (select.c, for one query and for many, select_many.c), and the loads and
 * fingerprint every selection read from the registry carries
 * (select_provenance.c).
 */
#ifndef META_SELECT_ROWS_H
#define META_SELECT_ROWS_H

#include "meta_select.h"

#include <libpq-fe.h>

/* The number of columns a selection statement returns (row_kind, trial_id,
 * trial, label, treatment, is_treatment, the arm and estimate values, year,
 * by_value, attrs, attr_values, load_id). */
#define META_SELECT_NCOLS 28

/* Finds the columns of a selection statement in res: cols receives
 * META_SELECT_NCOLS column numbers. META_OK, or META_EDB naming the first
 * column that res lacks. */
int meta_select_columns(const PGresult *res, int *cols, struct meta_error *err);

/* The same for a statement whose columns have other names: names[k] is the
 * name of the column in role k, the roles in this order: row_kind,
 * trial_id, trial, label, treatment, is_treatment, n, mean, sd, events,
 * total, year, by_value, attrs, attr_values, control, measure, method,
 * log_scale, estimate, se, se_given, ci_lower, ci_upper, level,
 * n_treatment, n_control, load_id. Two roles may name one column when no
 * row is read in both (an arm's numbers and an estimate's). */
int meta_select_columns_as(const PGresult *res, const char *const *names, int *cols,
                           struct meta_error *err);

/*
 * Appends rows first..last-1 of res to sel (empty): rows whose row_kind is
 * 'a' as arms, 'e' as estimates; rows of any other kind are skipped. The
 * rows may be in text or binary format (a number, id or flag is read by
 * pg_util's checked readers, whatever the column's format).
 * Returns META_OK, META_ENOMEM, or META_EDB for attributes that are not a
 * JSON object or a number, id or flag of another type than the reader's;
 * sel then holds what was read (release it).
 */
int meta_select_read(const PGresult *res, const int *cols, int first, int last,
                     struct meta_selection *sel, struct meta_error *err);

/* meta_select_read of the n rows order[0..n-1] of res, in that order. */
int meta_select_read_rows(const PGresult *res, const int *cols, const int *order, size_t n,
                          struct meta_selection *sel, struct meta_error *err);

/*
 * Reads what row i of res says of an arm's result into a: the numbers, the
 * load, the result's own attributes, and its own year and `by` value, but
 * not the arm's trial, label, treatment or side. The result's own values
 * of the n_values attributes asked for (NULL where it lacks one) come from
 * the row's attr_values column when names is NULL, else from its
 * attributes, looked up by names (META_EINVAL when one of them is neither
 * text nor null: only the server spells its `->>` text). META_OK,
 * META_ENOMEM, or META_EDB for attributes that are not a JSON object or a
 * number of another type than the reader's.
 */
int meta_select_read_result(const PGresult *res, int i, const int *cols, const char *const *names,
                            size_t n_values, struct meta_select_arm *a, struct meta_error *err);

/* META_OK for a query meta_db_select can read; META_EINVAL with err saying
 * why for one it refuses before asking the server (no outcome, an empty
 * list, a name in both lists). */
int meta_select_check_query(const struct meta_select_query *q, struct meta_error *err);

/* Whether a name of q's lists is carried by no arm and no estimate of sel:
 * meta_db_select then finds out whether the registry knows it. */
int meta_select_unmatched(const struct meta_select_query *q, const struct meta_selection *sel);

/* Copies the names of q's attributes asked for by name into sel
 * (sel->attributes, sel->n_attributes), which the rows' `values` then
 * follow. META_OK or META_ENOMEM (what was copied is sel's). */
int meta_select_copy_names(const struct meta_select_query *q, struct meta_selection *sel);

/* A PostgreSQL array literal of the names, each element double-quoted with
 * backslashes and quotes escaped: safe for any text; a NULL name is the
 * element NULL. Caller frees; NULL when out of memory. */
char *meta_select_array_literal(const char *const *names, size_t count);

/*
 * Gives each of the n selections at sels whose status is META_OK (every one
 * when status is NULL) the loads its arms and estimates came from
 * (sel->loads, by load_id: one query for all of them) and its fingerprint.
 * Returns META_OK, META_EDB (err: the server's message) or META_ENOMEM.
 */
int meta_select_provenance(PGconn *conn, struct meta_selection *sels, size_t n, const int *status,
                           struct meta_error *err);

#endif
