/*
 * The text forms of values that every machine-readable output shares: the
 * shortest decimal that reads back as the same double (CSV, JSON; written
 * by meta_shortest_double), and the RFC 4180 field (the CSV of a result,
 * `meta list --format csv`).
 */
#include "meta_decimal.h"
#include "meta_report.h"

#include <stdio.h>
#include <string.h>

void meta_format_double(char *buf, size_t size, double v)
{
    meta_shortest_double(buf, size, v);
}

void meta_csv_field(FILE *out, const char *s)
{
    if (!s)
        return;
    size_t len = strlen(s);
    int quote =
        strpbrk(s, ",\"\r\n") != NULL ||
        (len > 0 && (s[0] == ' ' || s[0] == '\t' || s[len - 1] == ' ' || s[len - 1] == '\t'));
    if (!quote) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}
