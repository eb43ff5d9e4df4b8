/*
 * Text from the data on its way into a gnuplot script: cleaned to valid UTF-8
 * without control characters, quoted so that it can only ever be a string
 * literal, measured with the font's metrics and shortened with an ellipsis at
 * a character boundary.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "plot_internal.h"

#define ELLIPSIS "\xe2\x80\xa6" /* U+2026 */

/* Advance widths of ASCII 32..126 in Liberation Sans (Arial's metrics), in
 * thousandths of an em, read from the font's hmtx table. */
static const unsigned short width_regular[95] = {
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333,  278, 278, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667,
    611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667,  611, 722, 667, 944, 667,
    667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278,  556, 556, 222, 222, 500,
    222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500,  500, 334, 260, 334, 584};

/* The same for Liberation Sans Bold. */
static const unsigned short width_bold[95] = {
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, 975, 722, 722, 722, 722, 667,
    611, 778, 722, 278, 556, 722, 611, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667,
    667, 611, 333, 278, 333, 584, 556, 333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556,
    278, 889, 611, 611, 611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584};

/*
 * Decodes one UTF-8 sequence at s. Returns its length (1-4) and the code point,
 * or 0 when the bytes at s are not a valid, shortest-form sequence of a scalar
 * value (overlong forms, surrogates and values above U+10FFFF are invalid).
 */
static size_t utf8_decode(const unsigned char *s, uint32_t *cp)
{
    unsigned char c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xc2 && c <= 0xdf) {
        if ((s[1] & 0xc0) != 0x80)
            return 0;
        *cp = ((uint32_t)(c & 0x1f) << 6) | (s[1] & 0x3f);
        return 2;
    }
    if (c >= 0xe0 && c <= 0xef) {
        unsigned char lo = c == 0xe0 ? 0xa0 : 0x80;
        unsigned char hi = c == 0xed ? 0x9f : 0xbf;
        if (s[1] < lo || s[1] > hi || (s[2] & 0xc0) != 0x80)
            return 0;
        *cp = ((uint32_t)(c & 0x0f) << 12) | ((uint32_t)(s[1] & 0x3f) << 6) | (s[2] & 0x3f);
        return 3;
    }
    if (c >= 0xf0 && c <= 0xf4) {
        unsigned char lo = c == 0xf0 ? 0x90 : 0x80;
        unsigned char hi = c == 0xf4 ? 0x8f : 0xbf;
        if (s[1] < lo || s[1] > hi || (s[2] & 0xc0) != 0x80 || (s[3] & 0xc0) != 0x80)
            return 0;
        *cp = ((uint32_t)(c & 0x07) << 18) | ((uint32_t)(s[1] & 0x3f) << 12) |
              ((uint32_t)(s[2] & 0x3f) << 6) | (s[3] & 0x3f);
        return 4;
    }
    return 0;
}

/* Characters that would break a line or steer the rendering: C0 and C1
 * controls, DEL and the Unicode line and paragraph separators. */
static int is_control(uint32_t cp)
{
    return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029;
}

/* Marks drawn on the preceding character: they take no width and stay with it. */
static int is_combining(uint32_t cp)
{
    return (cp >= 0x300 && cp <= 0x36f) || (cp >= 0x1ab0 && cp <= 0x1aff) ||
           (cp >= 0x1dc0 && cp <= 0x1dff) || (cp >= 0x20d0 && cp <= 0x20ff) ||
           (cp >= 0xfe00 && cp <= 0xfe0f) || (cp >= 0xfe20 && cp <= 0xfe2f) || cp == 0x200d;
}

/* East Asian wide characters, about one em each. */
static int is_wide(uint32_t cp)
{
    return (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) ||
           (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
           (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
           (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1faff) ||
           (cp >= 0x20000 && cp <= 0x3fffd);
}

/* Width of one code point in thousandths of an em. */
static unsigned cp_width(uint32_t cp, int bold)
{
    if (cp >= 32 && cp <= 126)
        return bold ? width_bold[cp - 32] : width_regular[cp - 32];
    if (is_combining(cp))
        return 0;
    if (is_wide(cp))
        return 1000;
    if (cp == 0x2026)
        return 1000;
    /* Latin, Greek and Cyrillic letters average about 0.56 em in Arial; guess
     * a little wide so that columns never collide. */
    return bold ? 660 : 620;
}

char *plot_clean_utf8(const char *text)
{
    const unsigned char *s = (const unsigned char *)(text ? text : "");
    size_t len = strlen((const char *)s);
    /* Each invalid byte grows to three bytes (U+FFFD) at most. */
    char *out = malloc(3 * len + 1);
    size_t o = 0;
    if (!out)
        return NULL;
    while (*s) {
        uint32_t cp = 0;
        size_t n = utf8_decode(s, &cp);
        if (n == 0) {
            memcpy(out + o, "\xef\xbf\xbd", 3);
            o += 3;
            s++;
        } else if (is_control(cp)) {
            out[o++] = ' ';
            s += n;
        } else {
            memcpy(out + o, s, n);
            o += n;
            s += n;
        }
    }
    out[o] = '\0';
    return out;
}

double plot_text_width(const char *text, double size_pt, int bold)
{
    const unsigned char *s = (const unsigned char *)(text ? text : "");
    unsigned long total = 0;
    while (*s) {
        uint32_t cp = 0;
        size_t n = utf8_decode(s, &cp);
        if (n == 0) {
            cp = 0xfffd;
            n = 1;
        }
        total += cp_width(cp, bold);
        s += n;
    }
    return (double)total / 1000.0 * size_pt;
}

/*
 * Cuts cleaned text after the longest prefix that keeps `keep(state)` true,
 * counting in characters (bases with their combining marks). Shared by the
 * two ways of shortening: by count and by width.
 */
struct cut_state {
    size_t chars;      /* characters kept so far */
    unsigned long w;   /* their width, thousandths of an em */
    size_t max_chars;  /* by count: at most this many, ellipsis included */
    unsigned long max; /* by width: at most this wide, ellipsis included */
    int bold;
};

static char *cut_with_ellipsis(const char *clean, struct cut_state *st)
{
    const unsigned char *s = (const unsigned char *)clean;
    size_t end = 0; /* bytes of the kept prefix */
    unsigned long ell = cp_width(0x2026, st->bold);
    char *out;
    while (s[end]) {
        uint32_t cp = 0;
        size_t n = utf8_decode(s + end, &cp); /* clean text: always valid */
        if (!is_combining(cp)) {
            if (st->chars + 2 > st->max_chars || st->w + cp_width(cp, st->bold) + ell > st->max)
                break;
            st->chars++;
            st->w += cp_width(cp, st->bold);
        }
        end += n;
    }
    /* Do not leave a space before the ellipsis. */
    while (end > 0 && clean[end - 1] == ' ')
        end--;
    out = malloc(end + sizeof ELLIPSIS);
    if (!out)
        return NULL;
    memcpy(out, clean, end);
    memcpy(out + end, ELLIPSIS, sizeof ELLIPSIS);
    return out;
}

/* Number of characters (combining marks not counted) of valid UTF-8 text. */
static size_t count_chars(const char *clean)
{
    const unsigned char *s = (const unsigned char *)clean;
    size_t chars = 0;
    while (*s) {
        uint32_t cp = 0;
        size_t n = utf8_decode(s, &cp);
        if (n == 0)
            n = 1;
        else if (!is_combining(cp))
            chars++;
        s += n;
    }
    return chars;
}

char *meta_plot_ellipsize(const char *text, size_t max_chars)
{
    char *clean = plot_clean_utf8(text);
    char *out;
    struct cut_state st = {0, 0, max_chars < 2 ? 2 : max_chars, (unsigned long)-1, 0};
    if (!clean)
        return NULL;
    if (count_chars(clean) <= st.max_chars)
        return clean;
    out = cut_with_ellipsis(clean, &st);
    free(clean);
    return out;
}

char *plot_fit_width(const char *text, double max_pt, double size_pt, int bold)
{
    char *clean = plot_clean_utf8(text);
    char *out;
    struct cut_state st = {0, 0, (size_t)-1, 0, bold};
    if (!clean)
        return NULL;
    if (plot_text_width(clean, size_pt, bold) <= max_pt || size_pt <= 0)
        return clean;
    st.max = max_pt > 0 ? (unsigned long)(max_pt / size_pt * 1000.0) : 0;
    out = cut_with_ellipsis(clean, &st);
    free(clean);
    return out;
}

/*
 * gnuplot's single-quoted strings keep everything literal (backslashes, @,
 * backquotes) but its scanner mishandles doubled quotes next to each other or
 * right after the opening quote (print '''x' fails). So no quote ever goes
 * inside a literal: the text is split at its quotes and rebuilt as a string
 * expression, O'Brien as 'O'."'".'Brien', which every command taking text
 * accepts.
 */
char *plot_literal(const char *bytes)
{
    size_t o = 0;
    /* Worst case: every byte a quote, which becomes ."'" (4 bytes). */
    char *out = malloc(4 * strlen(bytes) + 3);
    int open = 0; /* inside a '...' segment */
    if (!out)
        return NULL;
    for (const char *p = bytes; *p; p++) {
        if (*p == '\'') {
            if (open) {
                out[o++] = '\'';
                open = 0;
            }
            if (o > 0)
                out[o++] = '.';
            memcpy(out + o, "\"'\"", 3);
            o += 3;
            continue;
        }
        if (!open) {
            if (o > 0)
                out[o++] = '.';
            out[o++] = '\'';
            open = 1;
        }
        out[o++] = *p;
    }
    if (open)
        out[o++] = '\'';
    if (o == 0) {
        out[o++] = '\'';
        out[o++] = '\'';
    }
    out[o] = '\0';
    return out;
}

char *meta_plot_quote(const char *text)
{
    char *clean = plot_clean_utf8(text);
    char *out = clean ? plot_literal(clean) : NULL;
    free(clean);
    return out;
}

int plot_put_quoted(FILE *out, const char *text)
{
    char *q = meta_plot_quote(text);
    if (!q)
        return META_ENOMEM;
    fputs(q, out);
    free(q);
    return META_OK;
}
