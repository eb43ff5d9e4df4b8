/*
 * The text that `meta load` streams to PostgreSQL: rows in COPY's text
 * format and arm attributes as JSON objects. Values are escaped here and
 * travel as COPY data, so no value from a file ever becomes SQL text.
 */
#ifndef META_LOAD_COPY_H
#define META_LOAD_COPY_H

#include <stddef.h>
#include <string.h>

/* A growing byte buffer; zero-initialise it, free data when done. */
struct meta_load_buf {
    char *data;
    size_t len, cap;
    int nomem; /* an append failed; the contents are incomplete */
};

/* Appends len raw bytes, growing the buffer first (meta_load_buf_put's
 * path when the room is short); on failure sets b->nomem and appends
 * nothing, as every later append then does. */
void meta_load_buf_put_grow(struct meta_load_buf *b, const char *s, size_t len);

/* Appends len raw bytes (the room already there taken at once, inline:
 * the binary COPY tuples are made of many short appends). */
static inline void meta_load_buf_put(struct meta_load_buf *b, const char *s, size_t len)
{
    if (b->len + len <= b->cap && !b->nomem) {
        memcpy(b->data + b->len, s, len);
        b->len += len;
    } else {
        meta_load_buf_put_grow(b, s, len);
    }
}

/* Appends a NUL-terminated string as is. */
void meta_load_buf_puts(struct meta_load_buf *b, const char *s);

/* Appends a string literal, its length known at compile time. */
#define META_LOAD_BUF_LITERAL(b, lit) meta_load_buf_put((b), (lit), sizeof(lit) - 1)

/* Appends a decimal integer. */
void meta_load_buf_int(struct meta_load_buf *b, long long v);

/* Appends len bytes as one field of COPY's text format: backslash, tab,
 * newline and carriage return escaped. */
void meta_load_buf_copy_field(struct meta_load_buf *b, const char *s, size_t len);

/* Appends len bytes of UTF-8 as a JSON string, quotes included. */
void meta_load_buf_json_string(struct meta_load_buf *b, const char *s, size_t len);

/* Appends one member of a JSON object of strings: "{" before the first
 * (first nonzero), "," before the others; the caller closes the object. */
void meta_load_buf_json_member(struct meta_load_buf *b, int first, const char *name, size_t nlen,
                               const char *value, size_t vlen);

struct meta_load_attr;

/* Appends attrs[0..n-1] as a JSON object of strings (nothing when n is 0). */
void meta_load_buf_json_attrs(struct meta_load_buf *b, const struct meta_load_attr *attrs,
                              size_t n);

/* Empties the buffer, keeping its memory. */
void meta_load_buf_reset(struct meta_load_buf *b);

/* Frees the buffer's memory; accepts NULL. */
void meta_load_buf_release(struct meta_load_buf *b);

#endif
