/*
 * The fields of PostgreSQL's binary COPY format (see load_binary.h), shared
 * by the direct path's COPY of new arms and results and by the table of
 * rows of a replacement.
 */
#include "load_binary.h"

#include <arpa/inet.h>
#include <endian.h>
#include <string.h>

void meta_bin_header(struct meta_load_buf *b)
{
    meta_load_buf_put(b, "PGCOPY\n\377\r\n\0", 11);
    meta_bin_u32(b, 0);
    meta_bin_u32(b, 0);
}

void meta_bin_trailer(struct meta_load_buf *b)
{
    meta_bin_u16(b, UINT16_MAX);
}

void meta_bin_u16(struct meta_load_buf *b, uint16_t v)
{
    v = htons(v);
    meta_load_buf_put(b, (const char *)&v, sizeof v);
}

void meta_bin_u32(struct meta_load_buf *b, uint32_t v)
{
    v = htonl(v);
    meta_load_buf_put(b, (const char *)&v, sizeof v);
}

void meta_bin_null(struct meta_load_buf *b)
{
    meta_bin_u32(b, UINT32_MAX);
}

void meta_bin_int4(struct meta_load_buf *b, int v)
{
    meta_bin_u32(b, 4);
    meta_bin_u32(b, (uint32_t)v);
}

void meta_bin_int8(struct meta_load_buf *b, long long v)
{
    uint64_t u = htobe64((uint64_t)v);
    meta_bin_u32(b, 8);
    meta_load_buf_put(b, (const char *)&u, sizeof u);
}

void meta_bin_float8(struct meta_load_buf *b, double v)
{
    uint64_t u;
    memcpy(&u, &v, sizeof u);
    u = htobe64(u);
    meta_bin_u32(b, 8);
    meta_load_buf_put(b, (const char *)&u, sizeof u);
}

void meta_bin_text(struct meta_load_buf *b, const char *s, size_t len)
{
    meta_bin_u32(b, (uint32_t)len);
    meta_load_buf_put(b, s ? s : "", len);
}

void meta_bin_jsonb(struct meta_load_buf *b, const char *s, size_t len)
{
    meta_bin_u32(b, (uint32_t)len + 1);
    meta_load_buf_put(b, "\1", 1);
    meta_load_buf_put(b, s, len);
}

size_t meta_bin_jsonb_begin(struct meta_load_buf *b)
{
    size_t at = b->len;
    meta_bin_u32(b, 0);
    meta_load_buf_put(b, "\1", 1);
    return at;
}

void meta_bin_jsonb_end(struct meta_load_buf *b, size_t at)
{
    if (b->nomem)
        return;
    uint32_t len = htonl((uint32_t)(b->len - at - 4));
    memcpy(b->data + at, &len, sizeof len);
}
