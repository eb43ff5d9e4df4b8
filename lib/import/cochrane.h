/*
 * The parts of the Cochrane data-package reader: the package's files
 * (cochrane.c), its data rows (cochrane_rows.c), its settings, subgroup and
 * study tables (cochrane_tables.c) and the data-type rules that decide and
 * check what each analysis's rows hold (cochrane_types.c), and the effect
 * measure a package without settings used (cochrane_measure.c). Internal.
 */
#ifndef META_COCHRANE_H
#define META_COCHRANE_H

#include "meta_review.h"
#include "review_csv.h"

/* The data-rows columns that hold numbers, in this order. */
enum cochrane_num {
    CN_GIV_MEAN,
    CN_GIV_SE,
    CN_EXP_MEAN,
    CN_EXP_SD,
    CN_EXP_CASES,
    CN_EXP_N,
    CN_CTL_MEAN,
    CN_CTL_SD,
    CN_CTL_CASES,
    CN_CTL_N,
    CN_OE,
    CN_VARIANCE,
    CN_COUNT
};

/* Where each numeric column of the data-rows file is (1-based; 0 absent), for
 * messages that name a column after the file has been read. */
struct cochrane_layout {
    const char *source;
    long column[CN_COUNT];
};

/* The column name of a numeric field ("Experimental mean"). */
const char *cochrane_num_name(enum cochrane_num which);

/* Reads the data rows into rv (analyses created as met); layout receives
 * where the numeric columns are. */
int cochrane_read_rows(struct meta_review *rv, const char *source, const unsigned char *data,
                       size_t size, struct cochrane_layout *layout, struct meta_error *err);

/* Reads the overall-estimates-and-settings file into rv's analyses. */
int cochrane_read_settings(struct meta_review *rv, const char *source, const unsigned char *data,
                           size_t size, struct meta_error *err);

/* Reads the subgroup-estimates file into rv's analyses' subgroups. */
int cochrane_read_subgroups(struct meta_review *rv, const char *source, const unsigned char *data,
                            size_t size, struct meta_error *err);

/* Reads the study-information file into rv's studies. */
int cochrane_read_studies(struct meta_review *rv, const char *source, const unsigned char *data,
                          size_t size, struct meta_error *err);

/*
 * After meta_review_finish: decides each analysis's data type from its rows
 * where no settings gave it (the first row whose numbers are filled decides),
 * then checks every row against its analysis's type: a non-zero number in a
 * column of another type, a count that is not a whole number, cases above N,
 * a negative N, SD, SE or variance are META_EINVAL naming FILE:LINE:COLUMN.
 * Numbers of the other types ("0.0" or empty in real packages) become NAN.
 */
int cochrane_check_types(struct meta_review *rv, const struct cochrane_layout *layout,
                         struct meta_error *err);

/*
 * After cochrane_check_types: for each dichotomous or continuous analysis
 * whose package gives no effect measure (no settings file), the measure that
 * reproduces the effect RevMan printed for every study with data (RR, OR or
 * RD; MD or SMD, as RevMan 5 computes a study's effect), with
 * measure_inferred set; left unset when none does or no row prints one.
 */
void cochrane_infer_measures(struct meta_review *rv);

#endif
