/*
 * meta_review_read_cochrane(): finds the four files of a Cochrane data
 * package (in a zip, a directory, or a data-rows CSV given alone), keeps
 * their bytes as the review's sources, and reads them in the order that lets
 * each complete the others: studies, settings, data rows, subgroup totals;
 * then finishes the model and checks each row against its data type.
 */
#include "cochrane.h"
#include "review_build.h"
#include "review_source.h"
#include "review_text.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

enum part { P_ROWS, P_SETTINGS, P_SUBGROUPS, P_STUDIES, P_COUNT };

static const char *const suffixes[P_COUNT] = {"-data-rows.csv",
                                              "-overall-estimates-and-settings.csv",
                                              "-subgroup-estimates.csv", "-study-information.csv"};

static const char *const part_names[P_COUNT] = {"data-rows", "overall-estimates-and-settings",
                                                "subgroup-estimates", "study-information"};

/* The package's files as they are found. */
struct package {
    struct meta_review *rv;
    struct meta_error *err;
    const char *source[P_COUNT]; /* display names, as stored in rv */
    const char *inner[P_COUNT];  /* paths inside the package */
    const unsigned char *data[P_COUNT];
    size_t size[P_COUNT];
};

static int part_of(const char *inner)
{
    size_t n = strlen(inner);
    for (int p = 0; p < P_COUNT; p++) {
        size_t s = strlen(suffixes[p]);
        if (n > s && strcasecmp(inner + n - s, suffixes[p]) == 0)
            return p;
    }
    return -1;
}

static int want(const char *inner, void *ctx)
{
    (void)ctx;
    size_t n = strlen(inner);
    return part_of(inner) >= 0 || (n > 4 && strcasecmp(inner + n - 4, ".zip") == 0);
}

static int got(const char *display, const char *inner, unsigned char *data, size_t size, void *ctx)
{
    struct package *pk = ctx;
    int p = part_of(inner);
    if (p < 0) {
        free(data);
        return META_OK;
    }
    if (pk->source[p]) {
        free(data);
        return meta_error_set(pk->err, META_EINVAL,
                              "%s: the package has two %s files (%s is the other): one review "
                              "per package",
                              display, part_names[p], pk->source[p]);
    }
    const char *stored = meta_review_add_source(pk->rv, display, data, size);
    const char *in = stored ? meta_review_str(pk->rv, inner) : NULL;
    if (!in)
        return meta_error_set(pk->err, META_ENOMEM, "out of memory");
    pk->source[p] = stored;
    pk->inner[p] = in;
    pk->data[p] = data;
    pk->size[p] = size;
    return META_OK;
}

/* The last component of a path, without a trailing slash. */
static void base_name(const char *path, char *out, size_t size)
{
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/')
        n--;
    size_t start = n;
    while (start > 0 && path[start - 1] != '/')
        start--;
    size_t len = n - start < size - 1 ? n - start : size - 1;
    memcpy(out, path + start, len);
    out[len] = '\0';
}

/* The package's name: its file or directory name without ".zip", and a
 * data-rows CSV's without "-data-rows.csv" (or ".csv"). */
static void package_name(const char *path, char *out, size_t size)
{
    base_name(path, out, size);
    size_t n = strlen(out);
    static const char *const ends[] = {"-data-rows.csv", ".zip", ".csv"};
    for (size_t i = 0; i < sizeof ends / sizeof *ends; i++) {
        size_t e = strlen(ends[i]);
        if (n > e && strcasecmp(out + n - e, ends[i]) == 0) {
            out[n - e] = '\0';
            break;
        }
    }
}

/* Reads the files found into rv. */
static int read_parts(struct package *pk, struct meta_error *err)
{
    struct meta_review *rv = pk->rv;
    struct cochrane_layout layout = {0};
    int rc = META_OK;
    if (pk->source[P_STUDIES])
        rc = cochrane_read_studies(rv, pk->source[P_STUDIES], pk->data[P_STUDIES],
                                   pk->size[P_STUDIES], err);
    if (rc == META_OK && pk->source[P_SETTINGS])
        rc = cochrane_read_settings(rv, pk->source[P_SETTINGS], pk->data[P_SETTINGS],
                                    pk->size[P_SETTINGS], err);
    if (rc == META_OK)
        rc = cochrane_read_rows(rv, pk->source[P_ROWS], pk->data[P_ROWS], pk->size[P_ROWS], &layout,
                                err);
    if (rc == META_OK && pk->source[P_SUBGROUPS])
        rc = cochrane_read_subgroups(rv, pk->source[P_SUBGROUPS], pk->data[P_SUBGROUPS],
                                     pk->size[P_SUBGROUPS], err);
    if (rc == META_OK)
        rc = meta_review_finish(rv, err);
    if (rc == META_OK)
        rc = cochrane_check_types(rv, &layout, err);
    if (rc == META_OK)
        cochrane_infer_measures(rv);
    return rc;
}

int meta_review_read_cochrane(const char *path, const struct meta_review_limits *limits,
                              struct meta_review **out, struct meta_error *err)
{
    struct meta_review_limits lim;
    char name[1024];
    meta_review_limits_get(limits, &lim);
    package_name(path, name, sizeof name);
    *out = NULL;
    struct meta_review *rv = meta_review_new(META_REVIEW_COCHRANE, path, name);
    if (!rv)
        return meta_error_set(err, META_ENOMEM, "out of memory");
    struct package pk = {.rv = rv, .err = err};
    int rc = META_OK;

    struct stat st;
    if (stat(path, &st) != 0) {
        rc = meta_error_set(err, META_EIO, "%s: cannot open: %s", path, strerror(errno));
        goto cleanup;
    }
    if (S_ISDIR(st.st_mode) || meta_review_is_zip(path)) {
        rc = meta_review_read_package(path, path, !S_ISDIR(st.st_mode), &lim, want, got, &pk, err);
        if (rc != META_OK)
            goto cleanup;
        if (!pk.source[P_ROWS]) {
            rc = meta_error_set(err, META_EINVAL,
                                "%s: no *-data-rows.csv in the package: not a Cochrane data "
                                "package, or one without analyses",
                                path);
            goto cleanup;
        }
    } else {
        unsigned char *data;
        size_t size;
        rc = meta_review_read_file(path, path, lim.max_file_bytes, &data, &size, err);
        if (rc != META_OK)
            goto cleanup;
        char base[1024];
        base_name(path, base, sizeof base);
        /* A CSV alone is the data rows, whatever its name. */
        pk.source[P_ROWS] = meta_review_add_source(rv, path, data, size);
        pk.inner[P_ROWS] = meta_review_str(rv, base);
        if (!pk.source[P_ROWS] || !pk.inner[P_ROWS]) {
            rc = meta_error_set(err, META_ENOMEM, "out of memory");
            goto cleanup;
        }
        pk.data[P_ROWS] = data;
        pk.size[P_ROWS] = size;
    }

    /* The CD number: in the files' names, else in the package's path. */
    char cd[16];
    int found = 0;
    for (int p = 0; p < P_COUNT && !found; p++)
        found = pk.inner[p] && meta_review_find_cd(pk.inner[p], cd);
    if (!found) {
        char base[1024];
        base_name(path, base, sizeof base);
        found = meta_review_find_cd(base, cd);
    }
    if (found && !(rv->cd_number = meta_review_str(rv, cd))) {
        rc = meta_error_set(err, META_ENOMEM, "out of memory");
        goto cleanup;
    }
    rc = read_parts(&pk, err);

cleanup:
    if (rc != META_OK) {
        meta_review_free(rv);
        return rc;
    }
    *out = rv;
    return META_OK;
}
