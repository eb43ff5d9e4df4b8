/*
 * The checks of fuzz_review.h: records through a sink that looks at every
 * one, analysis files written into memory and looked at line by line.
 */
#include "fuzz_review.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void broken(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz review: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    abort();
}

static int on_record(const struct meta_record *rec, const struct meta_review_row *row, void *ctx)
{
    (void)row;
    (void)ctx;
    if (!rec->trial || !*rec->trial || !rec->outcome || !*rec->outcome)
        broken("a record without its trial or outcome", NULL);
    switch (rec->kind) {
    case META_RECORD_BINARY:
        if (!(rec->events >= 0) || !(rec->total > 0) || rec->events > rec->total)
            broken("a binary record with impossible counts", rec->trial);
        break;
    case META_RECORD_CONTINUOUS:
        if (!(rec->n > 0) || !isfinite(rec->mean) || !(rec->sd > 0))
            broken("a continuous record without n, mean and sd", rec->trial);
        break;
    case META_RECORD_ESTIMATE:
        if (!rec->treatment || !rec->control || !rec->measure)
            broken("an estimate record without its sides or measure", rec->trial);
        if (!isfinite(rec->estimate) || !(rec->se > 0) || !isfinite(rec->se))
            broken("an estimate record without a finite estimate and SE", rec->trial);
        if (!rec->log_scale && strcmp(rec->measure, "MD") != 0 &&
            strcmp(rec->measure, "SMD") != 0 && strcmp(rec->measure, "RD") != 0 &&
            strcmp(rec->measure, "GIV") != 0 && !(rec->estimate > 0))
            broken("a ratio estimate that is not positive", rec->trial);
        break;
    default:
        broken("a record of no known kind", rec->trial);
    }
    for (size_t i = 0; i < rec->n_result_attrs; i++)
        if (!rec->result_attrs[i].name || !rec->result_attrs[i].value)
            broken("an attribute without name or value", rec->trial);
    return META_OK;
}

static void on_skipped(const struct meta_review_row *row, const char *reason, void *ctx)
{
    (void)row;
    (void)ctx;
    if (!reason || !*reason)
        broken("a row skipped without a reason", NULL);
}

/* The analysis file written for an: lines that inih reads as they are
 * meant (no NUL, no other control character, none longer than the 197
 * characters `meta run` takes), each a comment, a heading, a blank line or
 * a `key = value` pair. */
static void check_analysis_file(const struct meta_review *rv, const struct meta_review_analysis *an)
{
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    if (!mem)
        return;
    struct meta_error err;
    meta_error_clear(&err);
    int ret = meta_review_write_analysis(mem, rv, an, NULL, &err);
    fclose(mem);
    if (ret != META_OK && ret != META_EINVAL)
        broken("writing an analysis file into memory failed", err.msg);
    for (size_t at = 0; ret == META_OK && at < len;) {
        const char *line = text + at;
        const char *end = memchr(line, '\n', len - at);
        size_t n = end ? (size_t)(end - line) : len - at;
        if (n > 197)
            broken("an analysis file line longer than meta run reads", NULL);
        for (size_t i = 0; i < n; i++)
            if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f)
                broken("a control character in an analysis file", NULL);
        if (n > 0 && line[0] != ';' && line[0] != '#' && line[0] != '[' && !memchr(line, '=', n))
            broken("an analysis file line that is no pair, heading or comment", NULL);
        if (n > 0 && (line[0] == ' ' || line[0] == '\t'))
            broken("an indented analysis file line (inih would continue a value)", NULL);
        at += n + 1;
    }
    free(text);
}

void fuzz_review_check(int ret, const struct meta_review *rv, const char *name, const char *msg)
{
    if (ret != META_OK) {
        if (rv)
            broken("a failed read that returns a review", NULL);
        if (ret != META_ENOMEM && strncmp(msg, name, strlen(name)) != 0)
            broken("a failure whose message does not start with the file's name", msg);
        return;
    }
    if (!rv)
        broken("a successful read without a review", NULL);
    struct meta_review_sink sink = {on_record, on_skipped, NULL};
    struct meta_error err;
    meta_error_clear(&err);
    int rc = meta_review_records(rv, NULL, &sink, &err);
    if (rc != META_OK && rc != META_ENOMEM)
        broken("records of a review that was read failed", err.msg);
    for (size_t i = 0; i < rv->n_analyses; i++)
        check_analysis_file(rv, &rv->analyses[i]);
}
