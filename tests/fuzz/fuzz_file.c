/*
 * The per-process temporary input file of fuzz_file.h: created once with
 * mkstemp under $TMPDIR (default /tmp), truncated and rewritten per input.
 */
#include "fuzz_file.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static char path[4096];
static int fd = -1;

static void remove_file(void)
{
    if (fd >= 0)
        unlink(path);
}

const char *meta_fuzz_file(const uint8_t *data, size_t size)
{
    if (fd < 0) {
        const char *dir = getenv("TMPDIR");
        snprintf(path, sizeof path, "%s/meta-fuzz-XXXXXX", dir && *dir ? dir : "/tmp");
        fd = mkstemp(path);
        if (fd < 0) {
            perror("meta fuzz: mkstemp");
            abort();
        }
        atexit(remove_file);
    }
    if (ftruncate(fd, 0) != 0) {
        perror("meta fuzz: ftruncate");
        abort();
    }
    size_t done = 0;
    while (done < size) {
        ssize_t n = pwrite(fd, data + done, size - done, (off_t)done);
        if (n <= 0) {
            perror("meta fuzz: pwrite");
            abort();
        }
        done += (size_t)n;
    }
    return path;
}
