/*
 * What the registry holds (`meta list`): its trials, outcomes and
 * treatments, each with counts, as a small table of text cells that cmd/
 * prints as a table, CSV or JSON.
 */
#ifndef META_LIST_H
#define META_LIST_H

#include "meta_registry.h"

#include <stddef.h>

enum meta_list_what {
    META_LIST_TRIALS,     /* trial, arms, outcomes, rows */
    META_LIST_OUTCOMES,   /* outcome, type, timepoint, trials, arms, estimates */
    META_LIST_TREATMENTS, /* treatment, arms, trials */
};

/* A listing: ncols named columns, nrows rows of NUL-terminated cells. */
struct meta_list_table {
    size_t ncols, nrows;
    const char *const *columns; /* static column names */
    const int *numeric;         /* per column: 1 when every cell is a non-negative integer */
    char **cells;               /* owned; row r, column c at cells[r * ncols + c] */
};

/* Parses "trials", "outcomes" or "treatments"; META_EINVAL otherwise. */
int meta_list_parse(const char *name, enum meta_list_what *what);

/*
 * Lists what the registry db holds, sorted by name (then time point):
 *   trials:     trial, arms, outcomes (distinct outcomes with results), rows (arm
 *               results and estimate rows)
 *   outcomes:   outcome, type (continuous, binary, time-to-event or generic),
 *               timepoint, trials with a result at that time point, arms with one,
 *               estimate rows (one row per outcome and time point; an outcome
 *               without results has an empty time point and zero counts)
 *   treatments: treatment, arms given it, trials with such an arm or an estimate
 *               row with it on either side
 * On success *out owns its cells (release with meta_list_table_release).
 * Returns META_OK, META_EDB (err: the server's message) or META_ENOMEM.
 */
int meta_db_list(struct meta_db *db, enum meta_list_what what, struct meta_list_table *out,
                 struct meta_error *err);

/* Frees the cells of t and empties it; accepts a zeroed table and NULL. */
void meta_list_table_release(struct meta_list_table *t);

#endif
