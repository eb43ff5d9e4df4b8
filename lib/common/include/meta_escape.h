/*
 * Names stored in the registry (trials, arms, treatments, outcomes,
 * attributes) and the paths and values users give reach the terminal in
 * tables and messages. Text that a terminal would obey (escape sequences,
 * line breaks, bidirectional overrides) is shown escaped instead, so that a
 * name can neither recolour the screen nor forge a line. CSV and JSON
 * outputs are exact and never go through this.
 */
#ifndef META_ESCAPE_H
#define META_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Copies src to dst with what a terminal would act on shown as escapes:
 *   newline, carriage return and tab as \n, \r, \t; every other C0 control
 *   character and DEL as three octal digits (\033, \007, \177);
 *   the C1 controls U+0080..U+009F, the line and paragraph separators
 *   U+2028 and U+2029 and the bidirectional embeddings, overrides and
 *   isolates (U+202A..U+202E, U+2066..U+2069) as \uxxxx;
 *   a byte that does not start well-formed UTF-8 (RFC 3629) as \xnn
 *   (two lowercase hexadecimal digits).
 * Everything else, backslashes and printable UTF-8 included, is copied as
 * is. dst receives at most size - 1 bytes and a NUL (when size > 0), cut
 * between two characters or escapes, never inside one. Returns the length
 * of the whole escaped text, as snprintf does: dst holds all of it when
 * that is less than size. src NULL reads as "".
 */
size_t meta_escape(char *dst, size_t size, const char *src);

/* As meta_escape for the len bytes at src, which may hold a NUL (shown as
 * \000). */
size_t meta_escape_mem(char *dst, size_t size, const char *src, size_t len);

/* meta_escape into a new string (the caller frees it); NULL when out of
 * memory. */
char *meta_escape_dup(const char *src);

/* Whether meta_escape would change src (NULL: false). */
bool meta_escape_needed(const char *src);

/*
 * A message is one line, so that nothing in it can pass for another line of
 * meta's output: copies src to dst with each line break (\n, \r\n or \r),
 * together with the blanks and line breaks that follow it, replaced by sep
 * ("; " between the lines of another program's output, " " for libpq's
 * continued lines); blanks and line breaks at either end are dropped. dst
 * receives at most size - 1 bytes and a NUL (when size > 0); src NULL reads
 * as "". For text that comes with its own line breaks (a tool's output, a
 * server's message) before it goes into a message.
 */
void meta_join_lines(char *dst, size_t size, const char *src, const char *sep);

#endif
