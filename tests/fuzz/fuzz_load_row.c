/*
 * libFuzzer target: the row checks of `meta load` (lib/registry/load_row.c)
 * on any bytes read as a CSV file: the first record is the header, every
 * other record a row. Besides not crashing under ASan and UBSan, a row the
 * checks accept must obey INTERFACE.md sections 1 and 1b (names present,
 * UTF-8, no NUL, not too long; n > 0, sd > 0 and finite, a finite mean;
 * 0 <= events <= total, total > 0; a finite estimate with se > 0), a row they refuse must have said
 * why, and every message must name the file, line and column. Messages quote values with control
 * characters escaped, so none may hold a raw one.
 */
#include "csv_reader.h"
#include "fuzz_file.h"
#include "load_errors.h"
#include "load_row.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAME "fuzz.csv"

static void broken(const char *what)
{
    fprintf(stderr, "fuzz_load_row: %s\n", what);
    abort();
}

struct state {
    bool have_layout, layout_failed;
    struct meta_load_layout layout;
    struct meta_load_errors errs;
    size_t checked;
};

/* A name a valid row carries: present, UTF-8, no NUL, within the limit. */
static void check_name(const char *s, size_t len, bool may_be_empty)
{
    if (!may_be_empty && len == 0)
        broken("a valid row has an empty trial, arm, treatment or outcome");
    if (len > META_LOAD_MAX_NAME)
        broken("a valid row has a name longer than the limit");
    if (memchr(s, '\0', len))
        broken("a valid row has a name with a NUL byte");
    if (!meta_csv_utf8_valid(s, len, NULL))
        broken("a valid row has a name that is not UTF-8");
}

static void check_valid_row(const struct meta_load_row *row)
{
    check_name(row->trial.s, row->trial.len, false);
    check_name(row->treatment.s, row->treatment.len, false);
    check_name(row->outcome.s, row->outcome.len, false);
    check_name(row->timepoint.s, row->timepoint.len, true);
    if (row->kind == META_LOAD_CONTINUOUS) {
        check_name(row->arm.s, row->arm.len, false);
        if (row->n <= 0 || !(row->sd > 0) || !isfinite(row->sd) || !isfinite(row->mean))
            broken("a valid continuous row breaks n > 0, sd > 0, finite mean and sd");
    } else if (row->kind == META_LOAD_BINARY) {
        check_name(row->arm.s, row->arm.len, false);
        if (row->events < 0 || row->total <= 0 || row->events > row->total)
            broken("a valid binary row breaks 0 <= events <= total, total > 0");
    } else if (row->kind == META_LOAD_ESTIMATE) {
        check_name(row->control.s, row->control.len, false);
        if (!isfinite(row->estimate) || !(row->se > 0) || !isfinite(row->se))
            broken("a valid estimate row breaks a finite estimate and se > 0");
    } else {
        broken("a valid row of no kind");
    }
}

/* Every kept message names the file, a line and a column, and shows no raw
 * control character (a terminal must not be steered by a file's content). */
static void check_messages(const struct meta_load_errors *errs)
{
    if (errs->kept > errs->count || errs->kept > META_LOAD_MAX_ERRORS)
        broken("more messages kept than problems counted");
    for (size_t i = 0; i < errs->kept; i++) {
        const char *m = errs->msgs[i];
        long line = 0;
        size_t column = 0;
        if (sscanf(m, NAME ":%ld:%zu: ", &line, &column) != 2 || line < 1 || column < 1)
            broken("a message does not start with FILE:LINE:COLUMN");
        for (const unsigned char *p = (const unsigned char *)m; *p; p++)
            if (*p < 0x20 || *p == 0x7f)
                broken("a message holds a raw control character");
    }
}

static int on_record(const struct meta_csv_record *rec, void *ctx)
{
    struct state *s = ctx;
    if (!s->have_layout) {
        s->have_layout = true;
        size_t before = s->errs.count;
        int ret = meta_load_layout_init(&s->layout, NAME, rec, &s->errs);
        if (ret == META_EINVAL) {
            if (s->errs.count == before)
                broken("a header refused without a reason");
            s->layout_failed = true;
            return META_EINVAL; /* as the loader: no rows without a header */
        }
        if (ret != META_OK)
            return ret;
        if (s->errs.count != before)
            broken("a header accepted with problems reported");
        return META_OK;
    }
    if (meta_load_row_blank(rec))
        return META_OK;
    struct meta_load_row row;
    size_t before = s->errs.count;
    int ret = meta_load_row_check(&s->layout, NAME, rec, &row, &s->errs);
    if (ret == META_OK) {
        if (s->errs.count != before)
            broken("a row accepted with problems reported");
        check_valid_row(&row);
    } else if (ret == META_EINVAL) {
        if (s->errs.count == before)
            broken("a row refused without a reason");
    } else {
        broken("an unexpected status from the row check");
    }
    s->checked++;
    return META_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = meta_fuzz_file(data, size);
    struct state s;
    memset(&s, 0, sizeof s);
    meta_load_errors_init(&s.errs);
    for (int i = 0; i < META_LOAD_NCOLS; i++)
        s.layout.col[i] = -1;
    struct meta_error err;
    meta_csv_read(path, NAME, on_record, &s, NULL, &err);
    check_messages(&s.errs);
    if (s.have_layout && !s.layout_failed)
        meta_load_layout_release(&s.layout);
    meta_load_errors_release(&s.errs);
    return 0;
}
