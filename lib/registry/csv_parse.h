/*
 * The parsing behind meta_csv_read (csv_reader.h) on a file already opened
 * and accepted: one thread reads, hashes and splits the file and calls the
 * record callback. csv_pipeline.c runs it on a thread of its own.
 */
#ifndef META_CSV_PARSE_H
#define META_CSV_PARSE_H

#include "csv_reader.h"

/*
 * Reads fd to its end and calls fn for every record, in file order, as
 * meta_csv_read describes (messages name the file name). fd stays open
 * (the caller closes it). Returns what meta_csv_read returns, but never
 * META_EIO for opening: only for a failed read.
 */
int meta_csv_parse_fd(int fd, const char *name, meta_csv_record_fn fn, void *ctx,
                      char sha256_hex[META_CSV_SHA256_HEX], struct meta_error *err);

#endif
