/*
 * The streaming CSV reader declared in csv_reader.h. libcsv does the quoting
 * rules; this file feeds it one physical line at a time so that it knows on
 * which line each field starts, gathers the fields of a record, enforces the
 * size limits, hashes every byte with SHA-256 and turns libcsv's single
 * "parse error" into a message that says what is wrong and where.
 */
#include "csv_reader.h"

#include "load_sha256.h"
#include "safe_fs.h"

#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define READ_CHUNK (64 * 1024)

/* State shared with libcsv's callbacks while one file is read. */
struct reader {
    const char *name;
    meta_csv_record_fn fn;
    void *ctx;
    struct meta_error *err;
    int status;      /* first failure; once set, callbacks do nothing */
    int idle_state;  /* libcsv's pstate between records (as left by csv_init) */
    long cur_line;   /* line of the bytes being fed */
    long field_line; /* line on which the field being parsed started */
    long rec_line;   /* line on which the record being parsed started */
    long rec_number;
    char *buf; /* the bytes of the current record's fields, each NUL-terminated */
    size_t buf_len, buf_cap;
    size_t *offs; /* per field: offset in buf */
    size_t nfields, fields_cap;
    struct meta_csv_field *fields;
};

static int fail(struct reader *r, int status, long line, size_t col, const char *what)
{
    if (r->status == META_OK) {
        if (status == META_ENOMEM)
            meta_error_set(r->err, status, "%s: out of memory", r->name);
        else
            meta_error_set(r->err, status, "%s:%ld:%zu: %s", r->name, line, col, what);
        r->status = status;
    }
    return r->status;
}

static int grow_fields(struct reader *r)
{
    size_t cap = r->fields_cap ? r->fields_cap * 2 : 32;
    size_t *offs = realloc(r->offs, cap * sizeof *offs);
    if (!offs)
        return META_ENOMEM;
    r->offs = offs;
    struct meta_csv_field *fields = realloc(r->fields, cap * sizeof *fields);
    if (!fields)
        return META_ENOMEM;
    r->fields = fields;
    r->fields_cap = cap;
    return META_OK;
}

static int grow_buf(struct reader *r, size_t need)
{
    size_t cap = r->buf_cap ? r->buf_cap : 1024;
    while (cap < need)
        cap *= 2;
    char *buf = realloc(r->buf, cap);
    if (!buf)
        return META_ENOMEM;
    r->buf = buf;
    r->buf_cap = cap;
    return META_OK;
}

/* libcsv: one field has ended. */
static void on_field(void *s, size_t len, void *data)
{
    struct reader *r = data;
    if (r->status != META_OK)
        return;
    size_t col = r->nfields + 1;
    if (r->nfields == META_CSV_MAX_FIELDS) {
        fail(r, META_EINVAL, r->rec_line, col, "record has more fields than the limit of 4096");
        return;
    }
    if (len > META_CSV_MAX_FIELD_BYTES) {
        fail(r, META_EINVAL, r->field_line, col, "field is longer than the limit of 1 MiB");
        return;
    }
    if (r->buf_len + len + 1 > META_CSV_MAX_RECORD_BYTES) {
        fail(r, META_EINVAL, r->rec_line, col, "record is longer than the limit of 4 MiB");
        return;
    }
    if ((r->nfields == r->fields_cap && grow_fields(r) != META_OK) ||
        (r->buf_len + len + 1 > r->buf_cap && grow_buf(r, r->buf_len + len + 1) != META_OK)) {
        fail(r, META_ENOMEM, 0, 0, NULL);
        return;
    }
    if (len)
        memcpy(r->buf + r->buf_len, s, len);
    r->buf[r->buf_len + len] = '\0';
    r->offs[r->nfields] = r->buf_len;
    r->fields[r->nfields].len = len;
    r->fields[r->nfields].line = r->field_line;
    r->nfields++;
    r->buf_len += len + 1;
    /* The next field starts right after the delimiter, on this line. */
    r->field_line = r->cur_line;
}

/* libcsv: the record has ended; hand it to the caller. */
static void on_record(int c, void *data)
{
    (void)c;
    struct reader *r = data;
    if (r->status != META_OK)
        return;
    for (size_t i = 0; i < r->nfields; i++)
        r->fields[i].value = r->buf + r->offs[i];
    r->rec_number++;
    struct meta_csv_record rec = {r->rec_line, r->rec_number, r->nfields, r->fields};
    int rc = r->fn(&rec, r->ctx);
    if (rc != META_OK)
        r->status = rc;
    r->nfields = 0;
    r->buf_len = 0;
    r->rec_line = r->field_line = r->cur_line;
}

/* Whether the len bytes at s are blanks (spaces and tabs) only. */
static int all_blank(const unsigned char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] != ' ' && s[i] != '\t')
            return 0;
    return 1;
}

/* For libcsv: no byte is a blank to trim, so a field keeps every byte. */
static int no_blank(unsigned char c)
{
    (void)c;
    return 0;
}

/* Feeds len bytes that hold at most one line break, at their end. */
static int feed(struct reader *r, struct csv_parser *p, const char *data, size_t len)
{
    if (p->pstate == r->idle_state)
        r->rec_line = r->field_line = r->cur_line;
    size_t done = csv_parse(p, data, len, on_field, on_record, r);
    if (r->status != META_OK)
        return r->status;
    if (done < len) {
        int e = csv_error(p);
        if (e == CSV_ENOMEM)
            return fail(r, META_ENOMEM, 0, 0, NULL);
        if (e != CSV_EPARSE)
            return fail(r, META_EINVAL, r->field_line, r->nfields + 1, "field is too long");
        /* libcsv stops on the offending byte: a quote inside an unquoted
         * field, or something other than a delimiter after a closing quote.
         * Blanks are data (RFC 4180), so blanks around quotes land here too. */
        if (data[done] == '"' && !p->quoted && p->entry_pos > 0 &&
            all_blank(p->entry_buf, p->entry_pos))
            return fail(r, META_EINVAL, r->cur_line, r->nfields + 1,
                        "blank before the opening quote of a field (blanks are part of a "
                        "CSV field: remove them, or put them inside the quotes)");
        if (data[done] == '"' && !p->quoted)
            return fail(r, META_EINVAL, r->cur_line, r->nfields + 1,
                        "quote inside an unquoted field (quote the whole field and "
                        "double the quotes inside it)");
        if (data[done] == ' ' || data[done] == '\t')
            return fail(r, META_EINVAL, r->cur_line, r->nfields + 1,
                        "blank after the closing quote of a field (blanks are part of a "
                        "CSV field: remove them, or put them inside the quotes)");
        return fail(r, META_EINVAL, r->cur_line, r->nfields + 1,
                    "unexpected character after the closing quote of a field (a quote "
                    "inside a quoted field must be doubled)");
    }
    if (p->entry_pos > META_CSV_MAX_FIELD_BYTES)
        return fail(r, META_EINVAL, r->field_line, r->nfields + 1,
                    "field is longer than the limit of 1 MiB");
    return META_OK;
}

/* Feeds a chunk, one line at a time. */
static int feed_lines(struct reader *r, struct csv_parser *p, const char *data, size_t len)
{
    while (len > 0) {
        const char *nl = memchr(data, '\n', len);
        size_t piece = nl ? (size_t)(nl - data) + 1 : len;
        int rc = feed(r, p, data, piece);
        if (rc != META_OK)
            return rc;
        if (nl)
            r->cur_line++;
        data += piece;
        len -= piece;
    }
    return META_OK;
}

int meta_csv_read(const char *path, const char *name, meta_csv_record_fn fn, void *ctx,
                  char sha256_hex[META_CSV_SHA256_HEX], struct meta_error *err)
{
    static const unsigned char bom[3] = {0xEF, 0xBB, 0xBF};
    struct reader r = {.name = name ? name : path, .fn = fn, .ctx = ctx, .err = err};
    struct csv_parser p;
    int parser_ready = 0;
    char *chunk = NULL;
    EVP_MD_CTX *md = NULL;
    int fd = -1;
    int ret = META_OK;

    r.cur_line = r.field_line = r.rec_line = 1;
    /* Whatever a caller checked before, the file may have been replaced by a
     * FIFO or a device since: the open does not wait for one, and only a
     * regular file is read. */
    fd = open(path, META_FS_INPUT_FLAGS);
    if (fd < 0) {
        ret = meta_error_set(err, META_EIO, "%s: cannot open: %s", r.name, strerror(errno));
        goto cleanup;
    }
    if (meta_fs_accept_input(fd, r.name, err) != META_OK) {
        ret = META_EIO;
        goto cleanup;
    }
    chunk = malloc(READ_CHUNK);
    md = EVP_MD_CTX_new();
    if (!chunk || !md || csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
        ret = meta_error_set(err, META_ENOMEM, "%s: out of memory", r.name);
        goto cleanup;
    }
    parser_ready = 1;
    csv_set_blk_size(&p, 4096);
    csv_set_space_func(&p, no_blank);
    r.idle_state = p.pstate;
    if (EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
        ret = meta_error_set(err, META_ENOMEM, "%s: cannot compute SHA-256", r.name);
        goto cleanup;
    }

    size_t bom_matched = 0;
    int bom_done = 0;
    for (;;) {
        ssize_t got = read(fd, chunk, READ_CHUNK);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            ret = meta_error_set(err, META_EIO, "%s: cannot read: %s", r.name, strerror(errno));
            goto cleanup;
        }
        if (got == 0)
            break;
        EVP_DigestUpdate(md, chunk, (size_t)got);
        const char *data = chunk;
        size_t len = (size_t)got;
        /* Drop a byte order mark, which may arrive split across reads. */
        while (!bom_done && len > 0) {
            if ((unsigned char)*data == bom[bom_matched]) {
                data++;
                len--;
                if (++bom_matched == sizeof bom)
                    bom_done = 1;
            } else {
                bom_done = 1;
                ret = feed_lines(&r, &p, (const char *)bom, bom_matched);
                if (ret != META_OK)
                    goto cleanup;
            }
        }
        ret = feed_lines(&r, &p, data, len);
        if (ret != META_OK)
            goto cleanup;
    }
    if (!bom_done && bom_matched > 0) {
        ret = feed_lines(&r, &p, (const char *)bom, bom_matched);
        if (ret != META_OK)
            goto cleanup;
    }
    if (p.pstate == r.idle_state)
        r.rec_line = r.field_line = r.cur_line;
    if (csv_fini(&p, on_field, on_record, &r) != 0) {
        ret = fail(&r, META_EINVAL, r.field_line, r.nfields + 1,
                   "quoted field is never closed (the file ends inside it)");
        goto cleanup;
    }
    if (r.status != META_OK) {
        ret = r.status;
        goto cleanup;
    }
    if (sha256_hex) {
        unsigned char digest[EVP_MAX_MD_SIZE];
        unsigned dlen = 0;
        if (EVP_DigestFinal_ex(md, digest, &dlen) != 1 || dlen != 32) {
            ret = meta_error_set(err, META_ENOMEM, "%s: cannot compute SHA-256", r.name);
            goto cleanup;
        }
        meta_load_sha256_hex(digest, sha256_hex);
    }

cleanup:
    if (fd >= 0)
        close(fd);
    if (parser_ready)
        csv_free(&p);
    EVP_MD_CTX_free(md);
    free(chunk);
    free(r.buf);
    free(r.offs);
    free(r.fields);
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
