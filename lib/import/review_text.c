/*
 * The text rules declared in review_text.h. Cochrane packages write numbers
 * plainly but leave cells empty, "#N/A" or "0.0" for unused fields; RevMan 5
 * writes Java's doubles ("NaN", "-Infinity"); headers gained "²" over the
 * years. These functions absorb that variety in one place.
 */
#include "review_text.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *skip_blanks(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

/* Length of s without trailing blanks. */
static size_t trimmed_len(const char *s)
{
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    return n;
}

static int word_is(const char *s, size_t n, const char *word)
{
    return strlen(word) == n && strncasecmp(s, word, n) == 0;
}

enum meta_review_num meta_review_parse_number(const char *s, int allow_inf, double *out)
{
    *out = NAN;
    s = skip_blanks(s);
    size_t n = trimmed_len(s);
    if (n == 0 || word_is(s, n, "NA") || word_is(s, n, "#N/A") || word_is(s, n, "NaN"))
        return META_REVIEW_NUM_ABSENT;
    int sign = 1;
    const char *w = s;
    size_t wn = n;
    if (*w == '-' || *w == '+') {
        sign = *w == '-' ? -1 : 1;
        w++;
        wn--;
    }
    if (word_is(w, wn, "Infinity") || word_is(w, wn, "Inf")) {
        if (!allow_inf)
            return META_REVIEW_NUM_BAD;
        *out = sign * INFINITY;
        return META_REVIEW_NUM_OK;
    }
    /* strtod would also take hex, "nan(...)" and "infinity": allow only
     * digits, one point, and an exponent. */
    for (size_t i = 0; i < wn; i++) {
        unsigned char c = (unsigned char)w[i];
        if (!isdigit(c) && c != '.' && c != 'e' && c != 'E' && c != '-' && c != '+')
            return META_REVIEW_NUM_BAD;
    }
    if (!isdigit((unsigned char)w[0]) && !(w[0] == '.' && wn > 1))
        return META_REVIEW_NUM_BAD;
    char *end = NULL;
    errno = 0;
    double v = strtod(s, &end);
    if (end != s + n || (errno == ERANGE && isinf(v)) || !isfinite(v))
        return META_REVIEW_NUM_BAD;
    *out = v;
    return META_REVIEW_NUM_OK;
}

int meta_review_parse_int(const char *s, int *out)
{
    double v;
    if (meta_review_parse_number(s, 0, &v) != META_REVIEW_NUM_OK)
        return 0;
    if (v != floor(v) || v < INT_MIN || v > INT_MAX)
        return 0;
    *out = (int)v;
    return 1;
}

int meta_review_utf8_ok(const unsigned char *s, size_t len, size_t *bad)
{
    size_t i = 0;
    while (i < len) {
        unsigned char c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        /* Lead byte: how many continuation bytes, and the smallest code
         * point that length may encode (no overlong forms). */
        size_t more = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : 1;
        unsigned long cp = c & (0x3F >> more);
        unsigned long least = more == 3 ? 0x10000 : more == 2 ? 0x800 : 0x80;
        int ok = c >= 0xC2 && c <= 0xF4 && i + more < len;
        for (size_t k = 1; ok && k <= more; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                ok = 0;
            else
                cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if (!ok || cp < least || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
            if (bad)
                *bad = i;
            return 0;
        }
        i += more + 1;
    }
    return 1;
}

/* Writes the canonical form of a column name: lowercase ASCII, blanks
 * collapsed, "²" (UTF-8 C2 B2) and "^2" as "2". */
static void canonical(const char *s, char *dst, size_t size)
{
    size_t used = 0;
    int blank = 0;
    s = skip_blanks(s);
    for (; *s && used + 1 < size; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == ' ' || c == '\t') {
            blank = 1;
            continue;
        }
        if (blank) {
            if (used + 2 >= size)
                break;
            dst[used++] = ' ';
            blank = 0;
        }
        if (c == 0xC2 && (unsigned char)s[1] == 0xB2) {
            dst[used++] = '2';
            s++;
        } else if (c == '^' && s[1] == '2') {
            dst[used++] = '2';
            s++;
        } else {
            dst[used++] = (char)tolower(c);
        }
    }
    dst[used] = '\0';
}

int meta_review_colname_is(const char *cell, const char *want)
{
    char a[256], b[256];
    canonical(cell, a, sizeof a);
    canonical(want, b, sizeof b);
    return strcmp(a, b) == 0;
}

int meta_review_parse_rob(const char *s, enum meta_review_rob *out)
{
    s = skip_blanks(s);
    size_t n = trimmed_len(s);
    *out = META_REVIEW_ROB_NONE;
    if (n == 0)
        return 1;
    if (word_is(s, n, "Low risk") || word_is(s, n, "Low") || word_is(s, n, "Low risk of bias"))
        *out = META_REVIEW_ROB_LOW;
    else if (word_is(s, n, "Some concerns"))
        *out = META_REVIEW_ROB_SOME_CONCERNS;
    else if (word_is(s, n, "High risk") || word_is(s, n, "High") ||
             word_is(s, n, "High risk of bias"))
        *out = META_REVIEW_ROB_HIGH;
    else
        return 0;
    return 1;
}

int meta_review_find_cd(const char *s, char *out)
{
    for (const char *p = s; (p = strstr(p, "CD")) != NULL; p++) {
        if (p > s && isalnum((unsigned char)p[-1]))
            continue;
        int digits = 0;
        while (digits < 7 && isdigit((unsigned char)p[2 + digits]))
            digits++;
        if (digits != 6)
            continue;
        memcpy(out, p, 8);
        out[8] = '\0';
        return 1;
    }
    return 0;
}

/* Bytes of the UTF-8 character that starts with c (1 for a stray byte). */
static size_t char_len(unsigned char c)
{
    return c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
}

void meta_review_safe_name(char *dst, size_t size, const char *src, size_t max)
{
    size_t used = 0, limit = max < size - 1 ? max : size - 1;
    int blank = 0, cut = 0;
    for (const unsigned char *s = (const unsigned char *)src; *s;) {
        if (*s < 0x20 || *s == 0x7F || *s == ' ') {
            blank = used > 0;
            s++;
            continue;
        }
        size_t clen = char_len(*s);
        size_t need = clen + (blank ? 1 : 0);
        if (used + need > limit) {
            cut = 1;
            break;
        }
        if (blank)
            dst[used++] = ' ';
        blank = 0;
        if (*s == ';' && used > 0 && dst[used - 1] == ' ') {
            dst[used++] = ',';
            s++;
            continue;
        }
        for (size_t k = 0; k < clen && *s; k++)
            dst[used++] = (char)*s++;
    }
    if (cut) {
        /* Make room for "..." on a character boundary. */
        while (used > 0 && used + 3 > limit) {
            used--;
            while (used > 0 && ((unsigned char)dst[used] & 0xC0) == 0x80)
                used--;
        }
        while (used > 0 && dst[used - 1] == ' ')
            used--;
        memcpy(dst + used, "...", 3);
        used += 3;
    }
    dst[used] = '\0';
}

int meta_review_parse_bool(const char *s, int *out)
{
    s = skip_blanks(s);
    size_t n = trimmed_len(s);
    if (n == 0) {
        *out = -1;
        return 1;
    }
    if (word_is(s, n, "true") || word_is(s, n, "yes") || word_is(s, n, "1")) {
        *out = 1;
        return 1;
    }
    if (word_is(s, n, "false") || word_is(s, n, "no") || word_is(s, n, "0")) {
        *out = 0;
        return 1;
    }
    return 0;
}

int meta_review_parse_level(const char *s, double *out)
{
    char buf[64];
    s = skip_blanks(s);
    size_t n = trimmed_len(s);
    if (n > 0 && s[n - 1] == '%')
        n--;
    if (n >= sizeof buf)
        return 0;
    memcpy(buf, s, n);
    buf[n] = '\0';
    double v;
    enum meta_review_num r = meta_review_parse_number(buf, 0, &v);
    if (r == META_REVIEW_NUM_ABSENT) {
        *out = NAN;
        return 1;
    }
    if (r != META_REVIEW_NUM_OK || !(v > 0 && v < 100))
        return 0;
    *out = v;
    return 1;
}

int meta_review_word_in(const char *s, const char *const *words)
{
    for (; *words; words++)
        if (strcasecmp(s, *words) == 0)
            return 1;
    return 0;
}

enum meta_review_method meta_review_parse_method(const char *s)
{
    static const char *const mh[] = {"MH", "Mantel-Haenszel", "M-H", NULL};
    static const char *const iv[] = {"IV", "Inverse variance", "Inverse-variance", "I-V", NULL};
    static const char *const peto[] = {"Peto", NULL};
    static const char *const oe[] = {"EXP_O_E_VAR", "Exp[(O-E)/V]", "Exp[(O-E)/Var]", NULL};
    if (!s || !*s)
        return META_REVIEW_METHOD_UNSET;
    if (meta_review_word_in(s, mh))
        return META_REVIEW_METHOD_MH;
    if (meta_review_word_in(s, iv))
        return META_REVIEW_METHOD_IV;
    if (meta_review_word_in(s, peto))
        return META_REVIEW_METHOD_PETO;
    if (meta_review_word_in(s, oe))
        return META_REVIEW_METHOD_OE;
    return META_REVIEW_METHOD_OTHER;
}
