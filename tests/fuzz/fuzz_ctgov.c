/*
 * libFuzzer target: ClinicalTrials.gov records (lib/import:
 * meta_ctgov_file_parse, API v2 JSON through json-c or the retired XML
 * through libxml2) on any bytes, then what meta import does with a record:
 * the proposed mapping of result groups to treatments, written as CSV, and
 * the records of each study. Besides not crashing, a parsed file has
 * studies with NCT ids, every record names its trial and outcome, and a
 * failure names the file first.
 */
#include "meta_ctgov.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAME "fuzz.json"

static void broken(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_ctgov: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    abort();
}

static void check_study(const struct meta_ctgov_study *s)
{
    struct meta_error err;
    meta_error_clear(&err);
    if (!s->nct_id || !*s->nct_id)
        broken("a study without its NCT id", NULL);
    struct meta_ctgov_mapping *m = meta_ctgov_mapping_alloc();
    if (!m)
        return;
    if (meta_ctgov_mapping_propose(m, s, &err) == META_OK) {
        char *text = NULL;
        size_t len = 0;
        FILE *mem = open_memstream(&text, &len);
        if (mem) {
            if (meta_ctgov_mapping_write(m, mem, "mapping.csv", &err) != META_OK)
                broken("writing a mapping into memory failed", err.msg);
            fclose(mem);
            free(text);
        }
    }
    meta_ctgov_mapping_free(m);
    struct meta_ctgov_result *r = NULL;
    int ret = meta_ctgov_study_records(s, NULL, &r, &err);
    if (ret == META_OK) {
        for (size_t i = 0; i < r->n_records; i++) {
            const struct meta_record *rec = &r->records[i];
            if (!rec->trial || strcmp(rec->trial, s->nct_id) != 0)
                broken("a record of another trial", rec->trial);
            if (!rec->outcome || !*rec->outcome)
                broken("a record without an outcome", rec->trial);
            if (rec->kind == META_RECORD_BINARY && rec->events > rec->total)
                broken("a binary record with more events than participants", rec->outcome);
        }
        for (size_t i = 0; i < r->n_skipped; i++)
            if (!r->skipped[i].reason || !*r->skipped[i].reason)
                broken("something skipped without a reason", NULL);
    } else if (ret != META_EINVAL && ret != META_ENOMEM) {
        broken("an unexpected status from the records", err.msg);
    }
    meta_ctgov_result_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct meta_ctgov_file *f = NULL;
    struct meta_error err;
    meta_error_clear(&err);
    int ret = meta_ctgov_file_parse((const char *)data, size, NAME, &f, &err);
    if (ret == META_OK) {
        if (!f)
            broken("a parse that succeeds without a file", NULL);
        for (size_t i = 0; i < f->n_studies; i++)
            check_study(&f->studies[i]);
    } else if (ret == META_EINVAL) {
        if (f)
            broken("a failed parse that returns a file", NULL);
        if (strncmp(err.msg, NAME, strlen(NAME)) != 0)
            broken("a failure whose message does not start with the file's name", err.msg);
    } else if (ret != META_ENOMEM) {
        broken("an unexpected status", err.msg);
    }
    meta_ctgov_file_free(f);
    return 0;
}
