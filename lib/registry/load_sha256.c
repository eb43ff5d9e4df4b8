/*
 * The SHA-256 that identifies what a load stored (see meta_load.h): of a
 * file read in pieces, or of bytes a parser holds in memory (an entry of a
 * zip archive). Every loads row records one. Safe from several threads
 * at once: the library's lazy set-up is done once, before the first digest.
 */
#include "load_sha256.h"
#include "meta_load.h"
#include "safe_fs.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void meta_load_sha256_hex(const unsigned char digest[32], char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (unsigned i = 0; i < 32; i++) {
        out[2 * i] = digits[digest[i] >> 4];
        out[2 * i + 1] = digits[digest[i] & 15];
    }
    out[64] = '\0';
}

/* Finishes md into out; 0 on success. */
static int finish(EVP_MD_CTX *md, char out[META_CSV_SHA256_HEX])
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    if (EVP_DigestFinal_ex(md, digest, &len) != 1 || len != 32)
        return -1;
    meta_load_sha256_hex(digest, out);
    return 0;
}

/* Digests once the bytes of nothing: OpenSSL sets itself up on its first
 * digest without a lock its concurrent callers share (helgrind shows the
 * race), so every digest starts after this one. */
static pthread_once_t set_up_once = PTHREAD_ONCE_INIT;

static void set_up(void)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    char out[META_CSV_SHA256_HEX];
    if (md && EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1)
        (void)finish(md, out);
    EVP_MD_CTX_free(md);
}

int meta_load_sha256_bytes(const void *data, size_t len, char out[META_CSV_SHA256_HEX])
{
    pthread_once(&set_up_once, set_up);
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    int ok = md && EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1 &&
             EVP_DigestUpdate(md, data, len) == 1 && finish(md, out) == 0;
    EVP_MD_CTX_free(md);
    return ok ? META_OK : META_ENOMEM;
}

int meta_load_sha256_file(const char *path, char out[META_CSV_SHA256_HEX], struct meta_error *err)
{
    pthread_once(&set_up_once, set_up);
    enum { CHUNK = 64 * 1024 };
    int ret = META_OK;
    char *buf = malloc(CHUNK);
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    int fd = open(path, META_FS_INPUT_FLAGS);
    if (fd < 0) {
        ret = meta_error_set(err, META_EIO, "%s: cannot open: %s", path, strerror(errno));
        goto cleanup;
    }
    if (meta_fs_accept_input(fd, path, err) != META_OK) {
        ret = META_EIO;
        goto cleanup;
    }
    if (!buf || !md || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
        ret = meta_error_set(err, META_ENOMEM, "out of memory");
        goto cleanup;
    }
    for (;;) {
        ssize_t got = read(fd, buf, CHUNK);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            ret = meta_error_set(err, META_EIO, "%s: cannot read: %s", path, strerror(errno));
            goto cleanup;
        }
        if (got == 0)
            break;
        EVP_DigestUpdate(md, buf, (size_t)got);
    }
    if (finish(md, out) != 0)
        ret = meta_error_set(err, META_ENOMEM, "%s: cannot compute SHA-256", path);

cleanup:
    if (fd >= 0)
        close(fd);
    EVP_MD_CTX_free(md);
    free(buf);
    return ret;
}
