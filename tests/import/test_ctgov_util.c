/*
 * The helpers declared in test_ctgov_util.h.
 */
#include "test_ctgov_util.h"

#include <CUnit/CUnit.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *ctgov_data(const char *file)
{
    static char path[4096];
    snprintf(path, sizeof path, "%s/ctgov/%s", META_TEST_DATA_DIR, file);
    return path;
}

struct meta_ctgov_result *ctgov_load(const char *file, const struct meta_ctgov_mapping *mapping,
                                     struct meta_ctgov_file **out_file)
{
    struct meta_error err = {{0}};
    struct meta_ctgov_result *r = NULL;
    *out_file = NULL;
    if (meta_ctgov_file_read(ctgov_data(file), file, out_file, &err) != META_OK) {
        fprintf(stderr, "%s\n", err.msg);
        CU_FAIL("record does not parse");
        return NULL;
    }
    if (meta_ctgov_study_records(&(*out_file)->studies[0], mapping, &r, &err) != META_OK) {
        fprintf(stderr, "%s\n", err.msg);
        CU_FAIL("record gives no records");
        return NULL;
    }
    return r;
}

const struct meta_record *ctgov_find(const struct meta_ctgov_result *r, enum meta_record_kind kind,
                                     const char *outcome, const char *arm)
{
    const struct meta_record *found = NULL;
    for (size_t i = 0; r && i < r->n_records; i++) {
        const struct meta_record *x = &r->records[i];
        const char *who = kind == META_RECORD_ESTIMATE ? x->treatment : x->arm;
        if (x->kind == kind && !strcmp(x->outcome, outcome) && !strcmp(who, arm)) {
            if (found)
                return NULL;
            found = x;
        }
    }
    return found;
}

size_t ctgov_count(const struct meta_ctgov_result *r, const char *outcome)
{
    size_t n = 0;
    for (size_t i = 0; r && i < r->n_records; i++)
        n += !strcmp(r->records[i].outcome, outcome);
    return n;
}

const char *ctgov_attr(const struct meta_record *rec, const char *name)
{
    for (size_t i = 0; rec && i < rec->n_result_attrs; i++) {
        if (!strcmp(rec->result_attrs[i].name, name))
            return rec->result_attrs[i].value;
    }
    return NULL;
}

const char *ctgov_arm_attr(const struct meta_record *rec, const char *name)
{
    for (size_t i = 0; rec && i < rec->n_arm_attrs; i++) {
        if (!strcmp(rec->arm_attrs[i].name, name))
            return rec->arm_attrs[i].value;
    }
    return NULL;
}

size_t ctgov_skips(const struct meta_ctgov_result *r, const char *prefix, const char *text)
{
    size_t n = 0;
    for (size_t i = 0; r && i < r->n_skipped; i++) {
        const struct meta_ctgov_skip *s = &r->skipped[i];
        n += !strncmp(s->outcome, prefix, strlen(prefix)) && strstr(s->reason, text);
    }
    return n;
}

char *ctgov_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = size >= 0 ? malloc((size_t)size + 1) : NULL;
    if (buf && fread(buf, 1, (size_t)size, f) != (size_t)size) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    if (buf) {
        buf[size] = '\0';
        if (len)
            *len = (size_t)size;
    }
    return buf;
}

char *ctgov_replace(const char *text, const char *from, const char *to)
{
    const char *at = strstr(text, from);
    if (!at)
        return NULL;
    size_t head = (size_t)(at - text), flen = strlen(from), tlen = strlen(to);
    char *out = malloc(strlen(text) - flen + tlen + 1);
    if (!out)
        return NULL;
    memcpy(out, text, head);
    memcpy(out + head, to, tlen);
    strcpy(out + head + tlen, at + flen);
    return out;
}

static char temp_dir[256];

const char *ctgov_write_temp(const char *name, const char *text)
{
    static char path[512];
    if (!temp_dir[0]) {
        snprintf(temp_dir, sizeof temp_dir, "/tmp/meta-ctgov-test-XXXXXX");
        if (!mkdtemp(temp_dir)) {
            temp_dir[0] = '\0';
            return NULL;
        }
    }
    snprintf(path, sizeof path, "%s/%s", temp_dir, name);
    FILE *f = fopen(path, "wb");
    if (!f)
        return NULL;
    fputs(text, f);
    fclose(f);
    return path;
}

void ctgov_temp_cleanup(void)
{
    if (!temp_dir[0])
        return;
    DIR *d = opendir(temp_dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        char path[600];
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        snprintf(path, sizeof path, "%s/%s", temp_dir, e->d_name);
        unlink(path);
    }
    if (d)
        closedir(d);
    rmdir(temp_dir);
    temp_dir[0] = '\0';
}
