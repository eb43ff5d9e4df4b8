/*
 * The CSV writer of sim_csv.h. A line is assembled in a growing buffer and
 * written with one fwrite, which keeps a million rows within a second or
 * so; numbers are formatted from integers so no locale or libc difference
 * can change a byte.
 */
#include "sim_csv.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void meta_sim_csv_init(struct meta_sim_csv *w, FILE *fp, const char *path)
{
    w->fp = fp;
    w->path = path;
    w->nattrs = 0;
    w->buf = NULL;
    w->len = 0;
    w->cap = 0;
    w->oom = 0;
}

void meta_sim_csv_release(struct meta_sim_csv *w)
{
    free(w->buf);
    w->buf = NULL;
    w->len = 0;
    w->cap = 0;
}

/* Makes room for extra more bytes; returns 0 (and sets w->oom) on failure. */
static int reserve(struct meta_sim_csv *w, size_t extra)
{
    size_t cap = w->cap ? w->cap : 256;
    char *p;

    if (w->oom)
        return 0;
    if (w->len + extra <= w->cap)
        return 1;
    while (cap < w->len + extra)
        cap *= 2;
    p = realloc(w->buf, cap);
    if (!p) {
        w->oom = 1;
        return 0;
    }
    w->buf = p;
    w->cap = cap;
    return 1;
}

static void put_bytes(struct meta_sim_csv *w, const char *s, size_t n)
{
    if (!reserve(w, n))
        return;
    memcpy(w->buf + w->len, s, n);
    w->len += n;
}

/* The field separator. */
static void put_comma(struct meta_sim_csv *w)
{
    put_bytes(w, ",", 1);
}

/* A text field, quoted (RFC 4180) when it holds a comma, quote or line break. */
static void put_text(struct meta_sim_csv *w, const char *s)
{
    size_t n = strlen(s);

    if (!strpbrk(s, ",\"\r\n")) {
        put_bytes(w, s, n);
        return;
    }
    if (!reserve(w, 2 * n + 2))
        return;
    w->buf[w->len++] = '"';
    for (; *s; s++) {
        if (*s == '"')
            w->buf[w->len++] = '"';
        w->buf[w->len++] = *s;
    }
    w->buf[w->len++] = '"';
}

/* v in decimal; with decimals = 2, v counts hundredths and gets a point. */
static void put_number(struct meta_sim_csv *w, long v, int decimals)
{
    char tmp[32];
    size_t i = sizeof tmp;
    unsigned long u = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;

    for (int d = 0; d < decimals; d++) {
        tmp[--i] = (char)('0' + u % 10);
        u /= 10;
    }
    if (decimals > 0)
        tmp[--i] = '.';
    do {
        tmp[--i] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        tmp[--i] = '-';
    put_bytes(w, tmp + i, sizeof tmp - i);
}

/* x rounded half up to hundredths, as an integer count of hundredths. */
static long hundredths(double x)
{
    return (long)floor(x * 100.0 + 0.5);
}

/* Writes the assembled line (or reports the allocation failure). */
static int flush_line(struct meta_sim_csv *w, struct meta_error *err)
{
    size_t len = w->len;

    w->len = 0;
    if (w->oom)
        return meta_error_set(err, META_ENOMEM, "out of memory");
    errno = 0;
    if (fwrite(w->buf, 1, len, w->fp) != len)
        return meta_error_set(err, META_EIO, "cannot write to %s: %s", w->path,
                              strerror(errno ? errno : EIO));
    return META_OK;
}

int meta_sim_csv_header(struct meta_sim_csv *w, const char *const *attr_names, size_t nattrs,
                        struct meta_error *err)
{
    static const char fixed[] = "trial,arm,treatment,outcome,timepoint,n,mean,sd,events,total";

    w->nattrs = nattrs;
    put_bytes(w, fixed, sizeof fixed - 1);
    for (size_t i = 0; i < w->nattrs; i++) {
        put_comma(w);
        put_text(w, attr_names[i]);
    }
    put_bytes(w, "\n", 1);
    return flush_line(w, err);
}

int meta_sim_csv_row(struct meta_sim_csv *w, const struct meta_sim_row *row, struct meta_error *err)
{
    long hm = 0, hs = 0;

    if (row->binary) {
        if (row->total <= 0 || row->events < 0 || row->events > row->total)
            return meta_error_set(err, META_EINVAL,
                                  "trial '%s' arm '%s' outcome '%s': events %ld of total %ld",
                                  row->trial, row->arm, row->outcome, row->events, row->total);
    } else {
        hm = isfinite(row->mean) ? hundredths(row->mean) : 0;
        hs = isfinite(row->sd) ? hundredths(row->sd) : 0;
        if (row->n <= 0 || hs <= 0 || !isfinite(row->mean))
            return meta_error_set(err, META_EINVAL,
                                  "trial '%s' arm '%s' outcome '%s': n %ld, sd %g", row->trial,
                                  row->arm, row->outcome, row->n, row->sd);
    }
    w->len = 0;
    put_text(w, row->trial);
    put_comma(w);
    put_text(w, row->arm);
    put_comma(w);
    put_text(w, row->treatment);
    put_comma(w);
    put_text(w, row->outcome);
    put_comma(w);
    put_text(w, row->timepoint);
    put_comma(w);
    if (row->binary) {
        put_bytes(w, ",,,", 3); /* n, mean, sd empty */
        put_number(w, row->events, 0);
        put_comma(w);
        put_number(w, row->total, 0);
    } else {
        put_number(w, row->n, 0);
        put_comma(w);
        put_number(w, hm, 2);
        put_comma(w);
        put_number(w, hs, 2);
        put_bytes(w, ",,", 2); /* events, total empty */
    }
    for (size_t i = 0; i < w->nattrs; i++) {
        put_comma(w);
        put_text(w, row->attrs[i]);
    }
    put_bytes(w, "\n", 1);
    return flush_line(w, err);
}
