/*
 * The terminal escaping of meta_escape.h: one pass over the bytes that
 * decodes UTF-8 strictly, so that an ill-formed sequence can never smuggle
 * a C1 control (a lone 0x9B is CSI to some terminals) past the check; and
 * the joining of another program's lines into one line of a message.
 */
#include "meta_escape.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Length of the well-formed UTF-8 sequence at s (left bytes, at least 1)
 * and its code point, or 0 (RFC 3629, section 4: no overlong forms,
 * surrogates or values beyond U+10FFFF). */
static size_t decode(const unsigned char *s, size_t left, uint32_t *cp)
{
    unsigned char c = s[0];
    size_t n;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        *cp = c & 0x1Fu;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        *cp = c & 0x0Fu;
        lo = c == 0xE0 ? 0xA0 : 0x80;
        hi = c == 0xED ? 0x9F : 0xBF;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        *cp = c & 0x07u;
        lo = c == 0xF0 ? 0x90 : 0x80;
        hi = c == 0xF4 ? 0x8F : 0xBF;
    } else {
        return 0;
    }
    if (left < n || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if (i > 1 && (s[i] < 0x80 || s[i] > 0xBF))
            return 0;
        *cp = (*cp << 6) | (s[i] & 0x3Fu);
    }
    return n;
}

/* Whether a decoded code point of two or more bytes must be escaped. */
static bool escaped_code_point(uint32_t cp)
{
    return (cp >= 0x80 && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029 ||
           (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

/* Room for the longest escape (a backslash, u and four digits) and its NUL. */
#define ESCAPE_MAX 16

/* The escape of the character at s (left bytes, at least 1) into buf
 * (ESCAPE_MAX bytes), or "" when it is shown as is; *len receives the
 * character's length in bytes. */
static void escape_one(const unsigned char *s, size_t left, char *buf, size_t *len)
{
    uint32_t cp = 0;
    size_t n = decode(s, left, &cp);
    buf[0] = '\0';
    if (n == 0) {
        *len = 1;
        snprintf(buf, ESCAPE_MAX, "\\x%02x", s[0]);
        return;
    }
    *len = n;
    if (cp == '\n')
        strcpy(buf, "\\n");
    else if (cp == '\r')
        strcpy(buf, "\\r");
    else if (cp == '\t')
        strcpy(buf, "\\t");
    else if (cp < 0x20 || cp == 0x7F)
        snprintf(buf, ESCAPE_MAX, "\\%03o", (unsigned)cp);
    else if (n > 1 && escaped_code_point(cp))
        snprintf(buf, ESCAPE_MAX, "\\u%04x", (unsigned)cp);
}

size_t meta_escape_mem(char *dst, size_t size, const char *src, size_t len)
{
    const unsigned char *s = (const unsigned char *)src, *end = s + (src ? len : 0);
    size_t total = 0, written = 0;
    bool stopped = size == 0;
    while (s < end) {
        char esc[ESCAPE_MAX];
        size_t n;
        escape_one(s, (size_t)(end - s), esc, &n);
        const char *piece = esc[0] ? esc : (const char *)s;
        size_t piece_len = esc[0] ? strlen(esc) : n;
        /* Once a piece does not fit, nothing more is written: the text
         * is cut between two pieces. */
        if (!stopped && written + piece_len < size) {
            memcpy(dst + written, piece, piece_len);
            written += piece_len;
        } else {
            stopped = true;
        }
        total += piece_len;
        s += n;
    }
    if (size > 0)
        dst[written] = '\0';
    return total;
}

size_t meta_escape(char *dst, size_t size, const char *src)
{
    return meta_escape_mem(dst, size, src, src ? strlen(src) : 0);
}

char *meta_escape_dup(const char *src)
{
    size_t len = meta_escape(NULL, 0, src);
    char *s = malloc(len + 1);
    if (s)
        meta_escape(s, len + 1, src);
    return s;
}

bool meta_escape_needed(const char *src)
{
    size_t len = src ? strlen(src) : 0;
    return meta_escape(NULL, 0, src) != len;
}

static bool blank_or_break(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

void meta_join_lines(char *dst, size_t size, const char *src, const char *sep)
{
    if (size == 0)
        return;
    const char *s = src ? src : "";
    size_t used = 0, sep_len = strlen(sep);
    while (blank_or_break(*s))
        s++;
    while (*s && used + 1 < size) {
        if (*s != '\n' && *s != '\r') {
            dst[used++] = *s++;
            continue;
        }
        while (blank_or_break(*s))
            s++;
        if (!*s)
            break;
        size_t n = sep_len < size - 1 - used ? sep_len : size - 1 - used;
        memcpy(dst + used, sep, n);
        used += n;
    }
    while (used > 0 && blank_or_break(dst[used - 1]))
        used--;
    dst[used] = '\0';
}
