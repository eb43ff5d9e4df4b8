/*
 * The fields of PostgreSQL's binary COPY format, appended to a byte
 * buffer: what the direct path of `meta load` sends, so that the server
 * parses no text for its numbers, ids and JSON (every value already
 * checked and read by meta, doubles as the bits strtod gave).
 */
#ifndef META_LOAD_BINARY_H
#define META_LOAD_BINARY_H

#include "load_copy.h"

#include <stddef.h>
#include <stdint.h>

/* The format's signature, flags and header extension (11 + 4 + 4 bytes),
 * which open the data of a binary COPY. */
void meta_bin_header(struct meta_load_buf *b);

/* The trailer (a field count of -1), which closes it. */
void meta_bin_trailer(struct meta_load_buf *b);

/* A 16-bit or 32-bit value in network order (a tuple's field count, a
 * field's length). */
void meta_bin_u16(struct meta_load_buf *b, uint16_t v);
void meta_bin_u32(struct meta_load_buf *b, uint32_t v);

/* Fields: NULL, integer (int4), bigint (int8), double precision (float8:
 * the bits of v, so the value stored is exactly v, negative zero
 * included), text (len bytes of s, which may be NULL when len is 0). */
void meta_bin_null(struct meta_load_buf *b);
void meta_bin_int4(struct meta_load_buf *b, int v);
void meta_bin_int8(struct meta_load_buf *b, long long v);
void meta_bin_float8(struct meta_load_buf *b, double v);
void meta_bin_text(struct meta_load_buf *b, const char *s, size_t len);

/* A jsonb field from the JSON text s: the format's version (1), then the
 * text, which the server parses as jsonb's text input does. */
void meta_bin_jsonb(struct meta_load_buf *b, const char *s, size_t len);

/* A jsonb field written in two steps: begin appends its length (unknown
 * yet) and version and returns where the length is; the caller appends
 * the JSON text; end fills the length in (nothing when b->nomem). */
size_t meta_bin_jsonb_begin(struct meta_load_buf *b);
void meta_bin_jsonb_end(struct meta_load_buf *b, size_t at);

#endif
