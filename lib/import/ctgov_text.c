/*
 * Text and number rules of the ClinicalTrials.gov importer: the message
 * shape, numbers as records write them, the normal form names are matched
 * in, phases, years, and which units count participants.
 */
#include "ctgov_internal.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int ctgov_fail(struct meta_error *err, int status, const char *source, const char *nct,
               const char *where, long line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = ctgov_vfail(err, status, source, nct, where, line, fmt, ap);
    va_end(ap);
    return rc;
}

int ctgov_vfail(struct meta_error *err, int status, const char *source, const char *nct,
                const char *where, long line, const char *fmt, va_list ap)
{
    if (!err)
        return status;
    char what[META_ERROR_MAX];
    vsnprintf(what, sizeof what, fmt, ap);
    char head[1024];
    if (line > 0)
        snprintf(head, sizeof head, "%s:%ld", source ? source : "", line);
    else
        snprintf(head, sizeof head, "%s", source ? source : "");
    int has_nct = nct && *nct, has_where = where && *where && line <= 0;
    meta_error_set(err, status, "%s: %s%s%s%s%s", head, has_nct ? nct : "", has_nct ? ": " : "",
                   has_where ? where : "", has_where ? ": " : "", what);
    return status;
}

int ctgov_absent(const char *s)
{
    if (!s)
        return 1;
    while (isspace((unsigned char)*s))
        s++;
    if (!*s)
        return 1;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    return (n == 2 && strncasecmp(s, "NA", 2) == 0) || (n == 3 && strncasecmp(s, "N/A", 3) == 0);
}

int ctgov_number(const char *s, double *out)
{
    if (ctgov_absent(s))
        return 0;
    while (isspace((unsigned char)*s))
        s++;
    /* strtod would also take hex, inf and nan: allow digits, sign, point, exponent. */
    for (const char *p = s; *p; p++) {
        if (!isdigit((unsigned char)*p) && !strchr("+-.eE \t\r\n", *p))
            return 0;
    }
    errno = 0;
    char *end;
    double v = strtod(s, &end);
    if (end == s || errno == ERANGE || !isfinite(v))
        return 0;
    while (isspace((unsigned char)*end))
        end++;
    if (*end)
        return 0;
    *out = v;
    return 1;
}

int ctgov_decimals(const char *s)
{
    const char *dot = s ? strchr(s, '.') : NULL;
    if (!dot)
        return 0;
    int n = 0;
    for (const char *p = dot + 1; isdigit((unsigned char)*p); p++)
        n++;
    return n;
}

char *ctgov_normalise(struct ctgov_arena *a, const char *s)
{
    if (!s)
        s = "";
    size_t len = strlen(s);
    char *out = ctgov_arena_alloc(a, len + 1);
    if (!out)
        return NULL;
    size_t n = 0;
    int space = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (isalnum(*p) || *p >= 0x80) {
            if (space && n)
                out[n++] = ' ';
            space = 0;
            out[n++] = (char)tolower(*p);
        } else {
            space = 1;
        }
    }
    out[n] = '\0';
    return out;
}

size_t ctgov_find_words(const char *text, const char *phrase)
{
    size_t plen = strlen(phrase);
    if (!plen)
        return 0;
    for (const char *p = strstr(text, phrase); p; p = strstr(p + 1, phrase)) {
        int starts = p == text || p[-1] == ' ';
        int ends = p[plen] == '\0' || p[plen] == ' ';
        if (starts && ends)
            return (size_t)(p - text) + 1;
    }
    return 0;
}

int ctgov_has_word(const char *text, const char *w)
{
    return ctgov_find_words(text, w) != 0;
}

const char *ctgov_phase_name(struct ctgov_arena *a, const char *const *phases, size_t n)
{
    char buf[256] = "";
    size_t used = 0;
    for (size_t i = 0; i < n; i++) {
        char *k = ctgov_normalise(a, phases[i]);
        if (!k)
            return NULL;
        const char *name = NULL;
        if (!strcmp(k, "na") || !strcmp(k, "n a"))
            name = "N/A";
        else if (!strcmp(k, "early phase1") || !strcmp(k, "early phase 1"))
            name = "Early Phase 1";
        else if (!strncmp(k, "phase", 5)) {
            /* "phase2", "phase 2", "phase 1 phase 2" (XML's "Phase 1/Phase 2") */
            char digits[64] = "";
            size_t d = 0;
            for (const char *p = k; *p && d + 8 < sizeof digits; p++) {
                if (isdigit((unsigned char)*p))
                    d += (size_t)snprintf(digits + d, sizeof digits - d, "%sPhase %c", d ? "/" : "",
                                          *p);
            }
            name = d ? ctgov_arena_strdup(a, digits) : phases[i];
        } else {
            name = phases[i];
        }
        if (!name)
            return NULL;
        int w = snprintf(buf + used, sizeof buf - used, "%s%s", used ? "/" : "", name);
        if (w < 0 || (size_t)w >= sizeof buf - used)
            break;
        used += (size_t)w;
    }
    return ctgov_arena_strdup(a, buf);
}

int ctgov_year(const char *date)
{
    int year = 0;
    for (const char *p = date; p && *p; p++) {
        if (isdigit((unsigned char)p[0]) && isdigit((unsigned char)p[1]) &&
            isdigit((unsigned char)p[2]) && isdigit((unsigned char)p[3]) &&
            !isdigit((unsigned char)p[4]) && (p == date || !isdigit((unsigned char)p[-1]))) {
            year = (p[0] - '0') * 1000 + (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0');
            p += 3;
        }
    }
    return year;
}

/* Words that name people counted as participants (normalised, plural and singular). */
static const char *const people[] = {
    "participants", "participant", "subjects", "subject",     "patients",   "patient",
    "people",       "persons",     "person",   "individuals", "individual", "children",
    "child",        "infants",     "infant",   "neonates",    "neonate",    "volunteers",
    "volunteer",    "women",       "men",      "adults",      "adult",      NULL};

static int is_people(const char *w)
{
    for (const char *const *p = people; *p; p++) {
        if (!strcmp(w, *p))
            return 1;
    }
    return 0;
}

int ctgov_participant_unit(struct ctgov_arena *a, const char *unit)
{
    if (!unit)
        return 0;
    /* "%" does not survive normalisation: note it first. */
    int percent_sign = strchr(unit, '%') != NULL;
    char *k = ctgov_normalise(a, unit);
    if (!k)
        return 0;
    static const char *const count_heads[] = {"", "number of ", "count of ", NULL};
    static const char *const pct_heads[] = {
        "percentage of ", "percent of ", "percentage ", "percent ", "of ", "", NULL};
    for (const char *const *h = count_heads; *h && !percent_sign; h++) {
        size_t n = strlen(*h);
        if (!strncmp(k, *h, n) && is_people(k + n))
            return 1;
    }
    for (const char *const *h = pct_heads; *h; h++) {
        size_t n = strlen(*h);
        int pct_word = !strncmp(*h, "percent", 7);
        if (!pct_word && !percent_sign)
            continue;
        if (!strncmp(k, *h, n) && is_people(k + n))
            return 2;
    }
    return 0;
}
