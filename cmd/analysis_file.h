/*
 * Analysis files (the .ini files of analyses/): one [analysis] section whose keys are the
 * selection and pooling options of `meta pool`, set through the request's own
 * option table so that the two cannot drift, plus where the tables and plots
 * go and how the plots are labelled. Read with inih; every error names file
 * and line. Request keys go through the command line's option table
 * (parse_options.h), worded the file's way.
 */
#ifndef META_ANALYSIS_FILE_H
#define META_ANALYSIS_FILE_H

#include "meta_analysis.h"
#include "meta_report.h"

#include <stddef.h>

/* What an output of an analysis is. */
enum meta_output_kind {
    META_OUTPUT_FOREST, /* forest plot: .png, .svg or .pdf */
    META_OUTPUT_FUNNEL, /* funnel plot: .png, .svg or .pdf */
    META_OUTPUT_TABLE,  /* the `meta pool` table, under the title and note */
    META_OUTPUT_CSV,    /* `meta pool --format csv` */
    META_OUTPUT_JSON,   /* `meta pool --format json` */
    META_OUTPUT_BUBBLE  /* bubble plot of the meta-regression: .png, .svg or .pdf */
};

/* One output: a path relative to the output directory (never absolute, never
 * through ".."), kept without "." components or repeated slashes; owned by
 * the file. */
struct meta_analysis_output {
    enum meta_output_kind kind;
    char *path;
    int line; /* where the file declares it */
};

/* A key the file set, for messages that point back at it. */
struct meta_analysis_key {
    char name[64]; /* as documented: lowercase, words joined by '_' */
    int line;
};

/* An analysis file as read. Every string is owned by it. */
struct meta_analysis_file {
    char *name;                       /* the path it was read from, for messages */
    struct meta_analysis_request req; /* selection and pooling options */
    char *title;                      /* plot title and table heading, or NULL */
    char *note;                       /* plot footnote and table heading line, or NULL */
    char *sort;                       /* forest study order (checked), or NULL */
    char *favours_left;               /* forest labels under the axis, or NULL */
    char *favours_right;
    int higher_is_better;
    int rob;                              /* risk-of-bias columns on the forest plot */
    int contours;                         /* funnel plots shade the contours of significance */
    struct meta_analysis_output *outputs; /* in the order declared */
    size_t n_outputs;
    struct meta_analysis_key *keys; /* every key set, in order */
    size_t n_keys;
    int section_line; /* line of the [analysis] heading */
};

/* Empties af. */
void meta_analysis_file_init(struct meta_analysis_file *af);

/* Frees what af owns and leaves it empty; accepts NULL. */
void meta_analysis_file_release(struct meta_analysis_file *af);

/*
 * Reads the analysis file at `path` into af (initialised, empty). Checks
 * everything that does not need the registry: the one [analysis] section,
 * known keys, each given once (treatment, control, forest and funnel may be
 * repeated), values (measure, model, method, ci, level, flags, sort order,
 * plot formats), outputs relative and inside the output directory and not
 * declared twice, outcome, treatment, control and at least one output
 * present, what is asked for shown by some output (leave_one_out,
 * cumulative, bias, influence: a table, csv or json; mods: those or a
 * bubble plot, which needs mods), and the pooling options consistent with
 * each other. Returns
 * META_OK; META_EINVAL with err holding "PATH:LINE: what is wrong" (or
 * "PATH: ..." for the file as a whole, such as a FIFO, a device or a
 * directory, which are refused without being opened for reading);
 * META_EIO when it cannot be read; META_ENOMEM. On failure af holds what
 * was read so far (release it).
 */
int meta_analysis_file_read(struct meta_analysis_file *af, const char *path,
                            struct meta_error *err);

/*
 * As meta_analysis_file_read, and sha256 receives the SHA-256 (64 lowercase
 * hex digits and a NUL) of the very bytes parsed: a file of up to 1 MiB is
 * read once, whole, then hashed and parsed from memory; a larger one is
 * parsed, then hashed as a second read. The failures of
 * meta_analysis_file_read, and META_EIO when the file cannot be read whole.
 * Several threads may read different files at once (`meta run` does): the
 * reader and its parser keep no state outside af and err.
 */
int meta_analysis_file_read_hashed(struct meta_analysis_file *af, const char *path, char sha256[65],
                                   struct meta_error *err);

/*
 * As meta_analysis_file_read for the len bytes at text (which need hold no
 * NUL terminator), named `name` in messages: the same checks and messages,
 * for front ends and tests that hold an analysis in memory.
 */
int meta_analysis_file_parse(struct meta_analysis_file *af, const char *name, const char *text,
                             size_t len, struct meta_error *err);

/* The line where key `name` (documented spelling) was last set; 0 if it was
 * not. */
int meta_analysis_file_key_line(const struct meta_analysis_file *af, const char *name);

/* The plot settings af declares (strings borrowed from af). */
void meta_analysis_file_plot_settings(const struct meta_analysis_file *af,
                                      struct meta_plot_settings *settings);

/* The key an output kind is declared with ("forest", "table"...). Static. */
const char *meta_output_kind_name(enum meta_output_kind kind);

/* How an analysis file names a request key: "leave_one_out". */
void meta_analysis_file_spell(char *buf, size_t size, const char *key);

#endif
