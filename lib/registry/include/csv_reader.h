/*
 * Streaming reader for RFC 4180 CSV files, built on libcsv. It hands records
 * to a callback one at a time with the line each field starts on, so that
 * every later message can name FILE:LINE:COLUMN, and keeps memory bounded by
 * the longest record, never by the size of the file.
 */
#ifndef META_CSV_READER_H
#define META_CSV_READER_H

#include "meta_status.h"

#include <stddef.h>

/* Limits that keep a hostile file from growing memory without bound. */
#define META_CSV_MAX_FIELD_BYTES  (1u << 20) /* one field */
#define META_CSV_MAX_RECORD_BYTES (4u << 20) /* all fields of one record */
#define META_CSV_MAX_FIELDS       4096       /* fields of one record */

/* The SHA-256 digest of a file, as 64 lowercase hex digits and a NUL. */
#define META_CSV_SHA256_HEX 65

/* One field of a record. value is NUL-terminated but may also contain NUL
 * bytes (len counts them); it stays valid only during the callback. */
struct meta_csv_field {
    const char *value;
    size_t len;
    long line; /* physical line (1-based) on which the field starts */
};

/* One record: the fields of one CSV row, which may span several lines. */
struct meta_csv_record {
    long line;   /* physical line on which the record starts */
    long number; /* 1 for the first record (the header), 2 for the next... */
    size_t count;
    const struct meta_csv_field *fields;
};

/* Receives each record in file order. Return META_OK to go on; any other
 * status stops the reading and becomes the return value of meta_csv_read. */
typedef int (*meta_csv_record_fn)(const struct meta_csv_record *rec, void *ctx);

/*
 * Reads the CSV file at path and calls fn for every record (blank lines are
 * skipped). A UTF-8 byte order mark at the very start is dropped; CR, LF and
 * CRLF all end records; quoted fields may hold commas, doubled quotes and
 * line breaks. A field keeps every byte, blanks included (RFC 4180: they
 * are data; the loader decides what they mean), so a blank before an
 * opening quote or after a closing one is malformed CSV.
 * name is the file name used in messages (usually path as the user gave it).
 * sha256_hex, when not NULL, receives the SHA-256 of every byte read, set
 * only when the whole file was read (META_OK).
 * Returns META_OK; META_EIO when the file cannot be opened or read, or is a
 * directory (err: "NAME: reason"); META_EINVAL for malformed CSV or a limit
 * exceeded (err: "NAME:LINE:COLUMN: what is wrong"); META_ENOMEM; or the
 * status the callback returned to stop.
 */
int meta_csv_read(const char *path, const char *name, meta_csv_record_fn fn, void *ctx,
                  char sha256_hex[META_CSV_SHA256_HEX], struct meta_error *err);

/* Whether the len bytes at s are well-formed UTF-8 (no overlong forms, no
 * surrogates, nothing above U+10FFFF). When not, *bad_offset (if not NULL)
 * receives the offset of the first byte of the first bad sequence. */
int meta_csv_utf8_valid(const char *s, size_t len, size_t *bad_offset);

#endif
