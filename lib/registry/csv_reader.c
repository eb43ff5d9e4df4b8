/*
 * meta_csv_read (csv_reader.h): opens the file, refuses what is not a
 * regular file, and reads it on the calling thread (csv_parse.c) or, when
 * it is large enough for a second thread to pay, on two (csv_pipeline.c).
 * Also the UTF-8 check the loader applies to fields.
 */
#include "csv_reader.h"

#include "csv_parse.h"
#include "csv_pipeline.h"
#include "safe_fs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Below this size a file is read on one thread: starting a second costs
 * more than it saves. */
#define PIPELINE_MIN_BYTES (1 << 20)

static int read_threads = 2;

void meta_csv_set_threads(int threads)
{
    read_threads = threads < 2 ? 1 : 2;
}

int meta_csv_read(const char *path, const char *name, meta_csv_record_fn fn, void *ctx,
                  char sha256_hex[META_CSV_SHA256_HEX], struct meta_error *err)
{
    if (!name)
        name = path;
    /* Whatever a caller checked before, the file may have been replaced by a
     * FIFO or a device since: the open does not wait for one, and only a
     * regular file is read. */
    int fd = open(path, META_FS_INPUT_FLAGS);
    if (fd < 0)
        return meta_error_set(err, META_EIO, "%s: cannot open: %s", name, strerror(errno));
    int ret;
    struct stat st;
    if (meta_fs_accept_input(fd, name, err) != META_OK)
        ret = META_EIO;
    else if (read_threads > 1 && fstat(fd, &st) == 0 && st.st_size >= PIPELINE_MIN_BYTES)
        ret = meta_csv_pipeline_read(fd, name, fn, ctx, sha256_hex, err);
    else
        ret = meta_csv_parse_fd(fd, name, fn, ctx, sha256_hex, err);
    close(fd);
    return ret;
}

int meta_csv_utf8_valid(const char *s, size_t len, size_t *bad_offset)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        /* Eight ASCII bytes at a time: most fields are ASCII only. */
        uint64_t word;
        while (len - i >= sizeof word &&
               (memcpy(&word, u + i, sizeof word), (word & 0x8080808080808080ULL) == 0))
            i += sizeof word;
        if (i == len)
            break;
        unsigned c = u[i];
        size_t need;
        unsigned min;
        unsigned cp;
        if (c < 0x80) {
            i++;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) {
            need = 1, min = 0x80, cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            need = 2, min = 0x800, cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            need = 3, min = 0x10000, cp = c & 0x07;
        } else {
            goto bad;
        }
        if (len - i <= need)
            goto bad;
        for (size_t k = 1; k <= need; k++) {
            if ((u[i + k] & 0xC0) != 0x80)
                goto bad;
            cp = (cp << 6) | (u[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            goto bad;
        i += need + 1;
    }
    return 1;
bad:
    if (bad_offset)
        *bad_offset = i;
    return 0;
}
