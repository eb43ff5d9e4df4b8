/*
 * The bounded list of load problems declared in load_errors.h, and the
 * quoting of offending values so that a message stays one readable line
 * whatever bytes the file held.
 */
#include "load_errors.h"

#include "csv_reader.h"
#include "meta_escape.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void meta_load_errors_init(struct meta_load_errors *e)
{
    memset(e, 0, sizeof *e);
}

void meta_load_errors_release(struct meta_load_errors *e)
{
    if (!e)
        return;
    for (size_t i = 0; i < e->kept; i++)
        free(e->msgs[i]);
    meta_load_errors_init(e);
}

static void keep(struct meta_load_errors *e, char *msg)
{
    e->count++;
    if (!msg) {
        e->lost = 1;
        return;
    }
    if (e->kept < META_LOAD_MAX_ERRORS)
        e->msgs[e->kept++] = msg;
    else
        free(msg);
}

void meta_load_errors_add(struct meta_load_errors *e, const char *msg)
{
    if (e->kept >= META_LOAD_MAX_ERRORS) {
        e->count++;
        return;
    }
    keep(e, strdup(msg));
}

void meta_load_errors_at(struct meta_load_errors *e, const char *file, long line, size_t column,
                         const char *fmt, ...)
{
    if (e->kept >= META_LOAD_MAX_ERRORS) {
        e->count++;
        return;
    }
    char what[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    size_t size = strlen(file) + strlen(what) + 64;
    char *msg = malloc(size);
    if (msg && line <= 0)
        snprintf(msg, size, "%s: %s", file, what);
    else if (msg && column == 0)
        snprintf(msg, size, "%s:%ld: %s", file, line, what);
    else if (msg)
        snprintf(msg, size, "%s:%ld:%zu: %s", file, line, column, what);
    keep(e, msg);
}

const char *meta_load_quote(char *buf, size_t size, const char *value, size_t len)
{
    const unsigned char *u = (const unsigned char *)value;
    int utf8 = meta_csv_utf8_valid(value, len, NULL);
    size_t shown = len;
    int cut = 0;
    if (shown > META_LOAD_QUOTE_MAX) {
        shown = META_LOAD_QUOTE_MAX;
        cut = 1;
        /* Do not split a UTF-8 sequence. */
        while (utf8 && shown > 0 && (u[shown] & 0xC0) == 0x80)
            shown--;
    }
    if (size < 6) {
        if (size > 0)
            buf[0] = '\0';
        return buf;
    }
    /* Escaped as every message is (meta_escape): room is kept for the
     * closing quote and "...". */
    buf[0] = '\'';
    meta_escape_mem(buf + 1, size - 5, value, shown);
    size_t o = 1 + strlen(buf + 1);
    buf[o++] = '\'';
    if (cut) {
        memcpy(buf + o, "...", 3);
        o += 3;
    }
    buf[o] = '\0';
    return buf;
}
