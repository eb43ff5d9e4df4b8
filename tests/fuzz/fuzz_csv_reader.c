/*
 * libFuzzer target: the CSV reader (lib/registry/csv_reader.c) on any bytes.
 * Besides not crashing under ASan and UBSan, every record must keep the
 * reader's promises: numbered in order from 1, lines that never go back,
 * fields NUL-terminated and within the limits, the SHA-256 that of exactly
 * the bytes given, and a failure that names FILE:LINE:COLUMN. Its UTF-8
 * check is compared with an independent one written from RFC 3629.
 */
#include "csv_reader.h"
#include "fuzz_file.h"

#include <openssl/evp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAME "fuzz.csv"

/* Stops the run with the reason, as a crash libFuzzer keeps the input of. */
static void broken(const char *what)
{
    fprintf(stderr, "fuzz_csv_reader: %s\n", what);
    abort();
}

/* Length of the well-formed UTF-8 sequence at s (RFC 3629, section 4), or 0. */
static size_t utf8_sequence(const unsigned char *s, size_t left)
{
    unsigned char c = s[0];
    if (c < 0x80)
        return 1;
    size_t n;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else {
        return 0;
    }
    if (left < n || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if (s[i] < 0x80 || s[i] > 0xBF)
            return 0;
    return n;
}

static bool utf8_reference(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < len;) {
        size_t n = utf8_sequence(p + i, len - i);
        if (n == 0)
            return false;
        i += n;
    }
    return true;
}

struct seen {
    long number, line;
};

static int on_record(const struct meta_csv_record *rec, void *ctx)
{
    struct seen *s = ctx;
    if (rec->number != s->number + 1)
        broken("records not numbered 1, 2, 3...");
    if (rec->line < s->line || rec->line < 1)
        broken("a record starts on an earlier line than the one before");
    if (rec->count == 0 || rec->count > META_CSV_MAX_FIELDS)
        broken("a record with no field or too many");
    s->number = rec->number;
    s->line = rec->line;
    size_t total = 0;
    for (size_t i = 0; i < rec->count; i++) {
        const struct meta_csv_field *f = &rec->fields[i];
        if (f->value[f->len] != '\0')
            broken("a field is not NUL-terminated");
        if (f->len > META_CSV_MAX_FIELD_BYTES)
            broken("a field longer than the limit");
        if (f->line < rec->line || (i > 0 && f->line < rec->fields[i - 1].line))
            broken("a field starts before its record or the field before it");
        total += f->len;
        size_t bad = (size_t)-1;
        bool valid = meta_csv_utf8_valid(f->value, f->len, &bad) != 0;
        if (valid != utf8_reference(f->value, f->len))
            broken("the UTF-8 check disagrees with RFC 3629");
        if (!valid && (bad >= f->len || !utf8_reference(f->value, bad)))
            broken("the first bad UTF-8 offset is not where the good prefix ends");
    }
    if (total > META_CSV_MAX_RECORD_BYTES)
        broken("a record longer than the limit");
    return META_OK;
}

static void sha256_hex(const uint8_t *data, size_t size, char out[META_CSV_SHA256_HEX])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (!EVP_Digest(data, size, md, &len, EVP_sha256(), NULL) || len != 32)
        broken("OpenSSL cannot hash");
    for (unsigned int i = 0; i < len; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = meta_fuzz_file(data, size);
    struct seen s = {0, 0};
    struct meta_error err;
    meta_error_clear(&err);
    char sha[META_CSV_SHA256_HEX] = "";
    int ret = meta_csv_read(path, NAME, on_record, &s, sha, &err);
    if (ret == META_OK) {
        char want[META_CSV_SHA256_HEX];
        sha256_hex(data, size, want);
        if (strcmp(sha, want) != 0)
            broken("the SHA-256 is not that of the bytes read");
    } else if (ret == META_EINVAL) {
        long line = 0;
        size_t column = 0;
        if (sscanf(err.msg, NAME ":%ld:%zu: ", &line, &column) != 2 || line < 1 || column < 1)
            broken("a malformed file's message does not start with FILE:LINE:COLUMN");
    } else if (ret != META_ENOMEM) {
        broken("an unexpected status");
    }
    return 0;
}
