/*
 * The RFC 4180 field that every CSV output shares (the CSV of a result,
 * `meta list --format csv`). Numbers are written by meta_shortest_double
 * (meta_decimal.h).
 */
#include "meta_report.h"

#include <stdio.h>
#include <string.h>

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
