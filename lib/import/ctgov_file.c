/*
 * One ClinicalTrials.gov file in, one model out: reads the file, tells the
 * API's JSON from the retired XML by its first byte, runs the parser and the
 * shared checks, and frees everything when any of them fails, so that a
 * caller gets a whole model or nothing.
 */
#include "ctgov_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Files larger than this are refused rather than read into memory. */
#define MAX_FILE_BYTES ((size_t)512 * 1024 * 1024)

int meta_ctgov_file_parse(const char *data, size_t len, const char *name,
                          struct meta_ctgov_file **out, struct meta_error *err)
{
    int rc;
    *out = NULL;
    struct meta_ctgov_file *f = calloc(1, sizeof *f);
    if (!f || !(f->arena = ctgov_arena_new()) ||
        !(f->source = ctgov_arena_strdup(f->arena, name))) {
        meta_ctgov_file_free(f);
        return meta_error_set(err, META_ENOMEM, "%s: out of memory", name);
    }
    size_t i = 0;
    /* a UTF-8 byte order mark, then blanks */
    if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3))
        i = 3;
    while (i < len && strchr(" \t\r\n", data[i]))
        i++;
    if (i == len) {
        rc = meta_error_set(err, META_EINVAL, "%s: empty file: not a ClinicalTrials.gov record",
                            name);
        goto cleanup;
    }
    f->xml = data[i] == '<';
    if (!f->xml && data[i] != '{' && data[i] != '[') {
        rc = meta_error_set(err, META_EINVAL,
                            "%s: not a ClinicalTrials.gov record: neither JSON (starts with '{' "
                            "or '[') nor XML (starts with '<')",
                            name);
        goto cleanup;
    }
    rc = f->xml ? ctgov_xml_parse(f, data, len, err) : ctgov_json_parse(f, data, len, err);
    for (size_t k = 0; rc == META_OK && k < f->n_studies; k++)
        rc = ctgov_check_study(&f->studies[k], err);
cleanup:
    if (rc != META_OK) {
        meta_ctgov_file_free(f);
        return rc;
    }
    *out = f;
    return META_OK;
}

int meta_ctgov_file_slurp(const char *path, const char *name, char **data, size_t *len,
                          struct meta_error *err)
{
    struct stat st;
    char *buf = NULL;
    size_t n = 0, cap;
    int rc = META_OK;
    *data = NULL;
    *len = 0;
    if (!name)
        name = path;
    /* O_NONBLOCK: a FIFO named by mistake is refused below, not waited on */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return meta_error_set(err, META_EIO, "%s: %s", name, strerror(errno));
    if (fstat(fd, &st) != 0) {
        rc = meta_error_set(err, META_EIO, "%s: %s", name, strerror(errno));
        goto cleanup;
    }
    if (S_ISDIR(st.st_mode)) {
        rc = meta_error_set(err, META_EIO, "%s: is a directory", name);
        goto cleanup;
    }
    if (!S_ISREG(st.st_mode)) {
        rc = meta_error_set(err, META_EIO, "%s: not a regular file", name);
        goto cleanup;
    }
    if ((size_t)st.st_size > MAX_FILE_BYTES) {
        rc = meta_error_set(err, META_EINVAL, "%s: larger than the limit of 512 MiB", name);
        goto cleanup;
    }
    cap = (size_t)st.st_size + 1;
    if (!(buf = malloc(cap))) {
        rc = meta_error_set(err, META_ENOMEM, "%s: out of memory", name);
        goto cleanup;
    }
    for (;;) {
        if (n == cap) {
            /* the file grew while being read */
            if (cap > MAX_FILE_BYTES) {
                rc = meta_error_set(err, META_EINVAL, "%s: larger than the limit of 512 MiB", name);
                goto cleanup;
            }
            char *more = realloc(buf, cap * 2);
            if (!more) {
                rc = meta_error_set(err, META_ENOMEM, "%s: out of memory", name);
                goto cleanup;
            }
            buf = more;
            cap *= 2;
        }
        ssize_t got = read(fd, buf + n, cap - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            rc = meta_error_set(err, META_EIO, "%s: %s", name, strerror(errno));
            goto cleanup;
        }
        if (got == 0)
            break;
        n += (size_t)got;
    }
    *data = buf;
    *len = n;
    buf = NULL;
cleanup:
    free(buf);
    close(fd);
    return rc;
}

int meta_ctgov_file_read(const char *path, const char *name, struct meta_ctgov_file **out,
                         struct meta_error *err)
{
    char *data = NULL;
    size_t len = 0;
    *out = NULL;
    if (!name)
        name = path;
    int rc = meta_ctgov_file_slurp(path, name, &data, &len, err);
    if (rc == META_OK)
        rc = meta_ctgov_file_parse(data, len, name, out, err);
    free(data);
    return rc;
}

void meta_ctgov_file_free(struct meta_ctgov_file *f)
{
    if (!f)
        return;
    ctgov_arena_free(f->arena);
    free(f);
}
