/*
 * libFuzzer target: Cochrane data packages (lib/import: meta_review_read_cochrane)
 * on any bytes, read as meta import reads a file: a data-rows CSV, or a zip
 * when the bytes are one (libzip, entries and nesting bounded by the
 * review limits). A review read must turn into records and analysis files
 * that keep their promises (fuzz_review.h).
 */
#include "fuzz_file.h"
#include "fuzz_review.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = meta_fuzz_file(data, size);
    struct meta_review *rv = NULL;
    struct meta_error err;
    meta_error_clear(&err);
    int ret = meta_review_read_cochrane(path, NULL, &rv, &err);
    fuzz_review_check(ret, rv, path, err.msg);
    meta_review_free(rv);
    return 0;
}
