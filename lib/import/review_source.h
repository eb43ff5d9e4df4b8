/*
 * Reading the files of a review into memory: a plain file, the CSV files of a
 * directory tree, or the entries of a zip archive (libzip), within the limits
 * of struct meta_review_limits. Nothing is extracted to disk; an archive with
 * an entry whose path is absolute or climbs out with ".." is refused whole.
 */
#ifndef META_REVIEW_SOURCE_H
#define META_REVIEW_SOURCE_H

#include "meta_review.h"

/* Decides which files to read: given a file's path inside the package (an
 * entry name, or a path relative to the directory), returns non-zero to read it. */
typedef int (*meta_review_want_fn)(const char *inner, void *ctx);

/* Receives each file read, in name order: its display name ("pkg.zip/a/b.csv"),
 * its path inside the package, and its bytes (malloc'ed; ownership passes to
 * the callee, who must free them on failure too). */
typedef int (*meta_review_got_fn)(const char *display, const char *inner, unsigned char *data,
                                  size_t size, void *ctx);

/* Reads a whole regular file (at most limit bytes) into *data (malloc'ed, a NUL
 * after the last byte). META_EIO or META_EINVAL (too large) with "NAME: ...". */
int meta_review_read_file(const char *path, const char *name, size_t limit, unsigned char **data,
                          size_t *size, struct meta_error *err);

/* Whether the file at path is a regular file that starts like a zip archive
 * ("PK\3\4", or an empty archive's "PK\5\6"); never waits on a FIFO. */
int meta_review_is_zip(const char *path);

/*
 * Reads the wanted files of a package: a zip archive (is_zip) or a directory
 * tree (three levels deep; links to directories are not followed). A zip entry
 * that is itself a zip (*.zip) is opened in memory when want accepts its name
 * and its entries are offered to want as "inner.zip/entry", one level deep.
 * Returns META_OK or the first failure (META_EIO, META_EINVAL for a limit or
 * a hostile entry name, META_ENOMEM, or got's status).
 */
int meta_review_read_package(const char *path, const char *display, int is_zip,
                             const struct meta_review_limits *limits, meta_review_want_fn want,
                             meta_review_got_fn got, void *ctx, struct meta_error *err);

#endif
