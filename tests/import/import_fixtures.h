/*
 * What the lib/import tests share: a private temporary directory per test
 * program, files and zip archives written into it (zips with libzip, as a
 * real package would be), the shared data files, and the records a review
 * yields, copied out of the sink so that tests can look at them afterwards.
 */
#ifndef META_IMPORT_FIXTURES_H
#define META_IMPORT_FIXTURES_H

#include "meta_review.h"

#include <stddef.h>

/* Creates the temporary directory (CUnit suite set-up; 0 on success). */
int fx_setup(void);

/* Removes it and everything in it (suite tear-down). */
int fx_cleanup(void);

/* The path of name inside the temporary directory (static buffer, one of 8). */
const char *fx_path(const char *name);

/* Writes len bytes (len (size_t)-1: strlen) to name inside the temporary
 * directory, creating folders on the way; returns its path. */
const char *fx_write(const char *name, const char *data, size_t len);

/* One entry of a zip written by fx_zip. */
struct fx_entry {
    const char *name;
    const char *data;
    size_t len; /* (size_t)-1: strlen(data) */
};

/* Writes a zip archive called name with the entries (terminated by a NULL
 * name), compressed with deflate; returns its path. */
const char *fx_zip(const char *name, const struct fx_entry *entries);

/* The bytes of a zip archive with those entries, in memory (malloc'ed). */
char *fx_zip_bytes(const struct fx_entry *entries, size_t *len);

/* Reads a whole file (malloc'ed, NUL-terminated); NULL on failure. */
char *fx_slurp(const char *path, size_t *len);

/* A shared data file: META_TEST_DATA_DIR/rel (static buffer, one of 8). */
const char *fx_data(const char *rel);

/* One record as the sink saw it. */
struct fx_record {
    enum meta_record_kind kind;
    char trial[256], outcome[256], arm[256], treatment[256], control[256], measure[16], method[16];
    double n, mean, sd, events, total, estimate, se, n_treatment, n_control;
    int log_scale;
    char arm_attrs[512];    /* "name=value;name=value" */
    char result_attrs[512]; /* likewise */
    const char *source;
    long line;
    char where[64];
    const struct meta_review_row *row;
};

/* The records and skipped rows of one run. */
struct fx_records {
    struct fx_record *v;
    size_t n, cap;
    char skipped[64][160]; /* "trial: reason" */
    size_t n_skipped;
    int stop_at; /* record number (1-based) at which the sink refuses, 0 never */
};

/* A sink that fills fx_records. */
struct meta_review_sink fx_sink(struct fx_records *r);

/* The index-th record whose trial and arm (or treatment, for estimates) match,
 * or NULL. arm may be NULL to match any. */
const struct fx_record *fx_find(const struct fx_records *r, const char *trial,
                                const char *outcome_part, const char *arm);

void fx_records_free(struct fx_records *r);

/* Reads a Cochrane package or a RevMan 5 file that must be good (a failed
 * assertion ends the test otherwise, showing the message). */
struct meta_review *fx_read_cochrane(const char *path);
struct meta_review *fx_read_revman(const char *path);

/* The analysis (group, number) of a review, or NULL. */
const struct meta_review_analysis *fx_analysis(const struct meta_review *rv, int group, int number);

/* The row of a study (by trial name) in an analysis, or NULL. */
const struct meta_review_row *fx_row(const struct meta_review_analysis *an, const char *trial);

/* Asserts the five rows of Fleiss1993's mental health analysis (SMD), which
 * the Cochrane package and the RevMan 5 file hold alike: arm data, no cases,
 * no RevMan result. */
void fx_check_fleiss_smd_rows(const struct meta_review_analysis *an);

/* Asserts that a and b agree to 1e-12 relative (or are both NAN). */
#define FX_NUM(a, b) fx_num_check((a), (b), __FILE__, __LINE__)
void fx_num_check(double got, double want, const char *file, int line);

/* Asserts that err->msg contains text (CUnit failure otherwise, showing the message). */
#define FX_MSG(err, text) fx_msg_check((err), (text), __FILE__, __LINE__)
void fx_msg_check(const struct meta_error *err, const char *text, const char *file, int line);

#endif
