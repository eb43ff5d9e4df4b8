/*
 * The fuzz targets hand their input to readers that take a path (as `meta
 * load` does): one temporary regular file per process, rewritten for every
 * input and removed at exit.
 */
#ifndef META_FUZZ_FILE_H
#define META_FUZZ_FILE_H

#include <stddef.h>
#include <stdint.h>

/* Writes the size bytes of data to this process's temporary file and
 * returns its path (valid until exit). Aborts when it cannot: a fuzz run
 * that silently tests nothing would be worse. */
const char *meta_fuzz_file(const uint8_t *data, size_t size);

#endif
