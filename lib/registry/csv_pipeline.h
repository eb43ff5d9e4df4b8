/*
 * meta_csv_read on two threads for large files: a second thread reads,
 * hashes and splits the file into batches of records while the calling
 * thread, which alone runs the callback, checks and stores the batch before.
 */
#ifndef META_CSV_PIPELINE_H
#define META_CSV_PIPELINE_H

#include "csv_reader.h"

/*
 * Reads fd like meta_csv_parse_fd (csv_parse.h), the parsing on a thread of
 * its own: fn is called on the calling thread, for the same records in the
 * same order with the same fields and lines, and the result, the error
 * text and the SHA-256 are the same as meta_csv_parse_fd's, a failure of
 * the reading (malformed CSV, a limit, a failed read) delivered after every
 * record before it. When fn stops the reading, the thread is stopped and
 * joined before the return. Memory is a few batches of records, whatever
 * the size of the file. When the thread cannot be started, the file is
 * read on the calling thread. fd stays open.
 */
int meta_csv_pipeline_read(int fd, const char *name, meta_csv_record_fn fn, void *ctx,
                           char sha256_hex[META_CSV_SHA256_HEX], struct meta_error *err);

/* How many reads have run on two threads in this process (for tests). */
long meta_csv_pipeline_count(void);

#endif
