/*
 * The list of problems one `meta load` invocation found in its input. Every
 * problem is counted but only the first META_LOAD_MAX_ERRORS messages are
 * kept, so that a file with a million bad rows costs no more memory than one
 * with fifty.
 */
#ifndef META_LOAD_ERRORS_H
#define META_LOAD_ERRORS_H

#include <stddef.h>

#define META_LOAD_MAX_ERRORS 50

/* Longest value, in bytes, that a message quotes before cutting it short. */
#define META_LOAD_QUOTE_MAX 60

/* Room for a value quoted by meta_load_quote, whatever the value. */
#define META_LOAD_QUOTE_SIZE (4 * META_LOAD_QUOTE_MAX + 8)

struct meta_load_errors {
    size_t count;                     /* every problem found */
    size_t kept;                      /* messages held in msgs */
    char *msgs[META_LOAD_MAX_ERRORS]; /* owned; "FILE:LINE:COLUMN: what" */
    int lost;                         /* a message could not be allocated */
};

/* Prepares an empty list. */
void meta_load_errors_init(struct meta_load_errors *e);

/* Frees the messages and empties the list; accepts NULL. */
void meta_load_errors_release(struct meta_load_errors *e);

/* Counts one problem and keeps its message, formatted as
 * "FILE:LINE:COLUMN: <fmt>" ("FILE:LINE: <fmt>" when column is 0, for
 * sources without columns; "FILE: <fmt>" when line is 0 too), while fewer
 * than META_LOAD_MAX_ERRORS are kept. */
void meta_load_errors_at(struct meta_load_errors *e, const char *file, long line, size_t column,
                         const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Counts one problem whose message is already complete. */
void meta_load_errors_add(struct meta_load_errors *e, const char *msg);

/*
 * Writes value (len bytes) into buf as a quoted string for a message:
 * 'like this', escaped as meta_escape escapes (\n, \t, \033, a byte that
 * is not UTF-8 as \xnn, a NUL as \000), and cut to META_LOAD_QUOTE_MAX
 * bytes with "..." appended.
 * size should be META_LOAD_QUOTE_SIZE. Returns buf.
 */
const char *meta_load_quote(char *buf, size_t size, const char *value, size_t len);

#endif
