/*
 * Close matches for a name a user mistyped: the registry's outcome and
 * treatment names, an analysis file's keys. One notion of "close" for the
 * whole program: exact but for case, prefix, substring, then edit distance.
 */
#include "close_match.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MATCH_MAXLEN 128

static void lower_copy(char *dst, const char *src, size_t size)
{
    size_t i = 0;
    for (; src[i] && i + 1 < size; i++)
        dst[i] = (char)tolower((unsigned char)src[i]);
    dst[i] = '\0';
}

size_t meta_edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > MATCH_MAXLEN - 1)
        la = MATCH_MAXLEN - 1;
    if (lb > MATCH_MAXLEN - 1)
        lb = MATCH_MAXLEN - 1;
    size_t row[MATCH_MAXLEN + 1];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best =
                diag + (tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]));
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

/* Closeness of candidate to name: lower is closer; SIZE_MAX when not close. */
static size_t match_score(const char *name, const char *candidate)
{
    char a[MATCH_MAXLEN], b[MATCH_MAXLEN];
    lower_copy(a, name, sizeof a);
    lower_copy(b, candidate, sizeof b);
    size_t la = strlen(a), lb = strlen(b);
    if (strcmp(a, b) == 0)
        return 0;
    size_t shorter = la < lb ? la : lb;
    if (shorter >= 3 && strncmp(a, b, shorter) == 0)
        return 1;
    if (shorter >= 3 && (strstr(a, b) || strstr(b, a)))
        return 2;
    size_t limit = la / 3 > 2 ? la / 3 : 2;
    size_t d = meta_edit_distance(a, b);
    return d <= limit && d < la ? 3 + d : (size_t)-1;
}

struct scored {
    size_t score;
    const char *name;
};

static int cmp_scored(const void *pa, const void *pb)
{
    const struct scored *a = pa, *b = pb;
    if (a->score != b->score)
        return a->score < b->score ? -1 : 1;
    return strcmp(a->name, b->name);
}

void meta_close_matches(const char *name, const char *const *candidates, size_t count, char *buf,
                        size_t size)
{
    if (size == 0)
        return;
    buf[0] = '\0';
    struct scored *s = count ? malloc(count * sizeof *s) : NULL;
    if (!s)
        return;
    size_t n = 0;
    for (size_t i = 0; i < count; i++) {
        size_t score = match_score(name, candidates[i]);
        if (score != (size_t)-1)
            s[n++] = (struct scored){score, candidates[i]};
    }
    qsort(s, n, sizeof *s, cmp_scored);
    size_t used = 0;
    for (size_t i = 0; i < n && i < 5 && used < size; i++) {
        int w = snprintf(buf + used, size - used, "%s'%s'", i ? ", " : "", s[i].name);
        if (w < 0)
            break;
        used += (size_t)w;
    }
    free(s);
}
