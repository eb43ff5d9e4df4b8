/*
 * Escaping for COPY's text format and for JSON strings (see load_copy.h).
 * COPY text: a field is its bytes with backslash, tab, newline and carriage
 * return escaped; \N is NULL. JSON: RFC 8259 string escapes.
 */
#include "load_copy.h"
#include "load_rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int reserve(struct meta_load_buf *b, size_t more)
{
    if (b->nomem)
        return -1;
    if (b->len + more <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + more)
        cap *= 2;
    char *data = realloc(b->data, cap);
    if (!data) {
        b->nomem = 1;
        return -1;
    }
    b->data = data;
    b->cap = cap;
    return 0;
}

void meta_load_buf_put_grow(struct meta_load_buf *b, const char *s, size_t len)
{
    if (reserve(b, len) != 0)
        return;
    memcpy(b->data + b->len, s, len);
    b->len += len;
}

void meta_load_buf_puts(struct meta_load_buf *b, const char *s)
{
    meta_load_buf_put(b, s, strlen(s));
}

void meta_load_buf_int(struct meta_load_buf *b, long long v)
{
    /* Digits from the right; printf would cost more than the rest of a row. */
    char tmp[24];
    char *p = tmp + sizeof tmp;
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u > 0);
    if (v < 0)
        *--p = '-';
    meta_load_buf_put(b, p, (size_t)(tmp + sizeof tmp - p));
}

void meta_load_buf_copy_field(struct meta_load_buf *b, const char *s, size_t len)
{
    /* At worst every byte doubles. */
    if (reserve(b, 2 * len) != 0)
        return;
    char *o = b->data + b->len;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        switch (c) {
        case '\\':
            *o++ = '\\';
            *o++ = '\\';
            break;
        case '\t':
            *o++ = '\\';
            *o++ = 't';
            break;
        case '\n':
            *o++ = '\\';
            *o++ = 'n';
            break;
        case '\r':
            *o++ = '\\';
            *o++ = 'r';
            break;
        default:
            *o++ = c;
        }
    }
    b->len = (size_t)(o - b->data);
}

void meta_load_buf_json_string(struct meta_load_buf *b, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    /* At worst every byte becomes \u00XX; plus the quotes. */
    if (reserve(b, 6 * len + 2) != 0)
        return;
    char *o = b->data + b->len;
    *o++ = '"';
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            *o++ = '\\';
            *o++ = (char)c;
        } else if (c == '\n') {
            *o++ = '\\';
            *o++ = 'n';
        } else if (c == '\t') {
            *o++ = '\\';
            *o++ = 't';
        } else if (c == '\r') {
            *o++ = '\\';
            *o++ = 'r';
        } else if (c < 0x20) {
            memcpy(o, "\\u00", 4);
            o += 4;
            *o++ = hex[c >> 4];
            *o++ = hex[c & 15];
        } else {
            *o++ = (char)c;
        }
    }
    *o++ = '"';
    b->len = (size_t)(o - b->data);
}

void meta_load_buf_json_member(struct meta_load_buf *b, int first, const char *name, size_t nlen,
                               const char *value, size_t vlen)
{
    meta_load_buf_put(b, first ? "{" : ",", 1);
    meta_load_buf_json_string(b, name, nlen);
    meta_load_buf_put(b, ":", 1);
    meta_load_buf_json_string(b, value, vlen);
}

void meta_load_buf_json_attrs(struct meta_load_buf *b, const struct meta_load_attr *attrs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        meta_load_buf_json_member(b, i == 0, attrs[i].name.s, attrs[i].name.len, attrs[i].value.s,
                                  attrs[i].value.len);
    if (n > 0)
        meta_load_buf_put(b, "}", 1);
}

void meta_load_buf_reset(struct meta_load_buf *b)
{
    b->len = 0;
}

void meta_load_buf_release(struct meta_load_buf *b)
{
    if (!b)
        return;
    free(b->data);
    memset(b, 0, sizeof *b);
}
