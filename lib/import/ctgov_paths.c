/*
 * The files of one `meta import ctgov`: the arguments as given, each
 * directory replaced by its *.json and *.xml records (regular files, in
 * name order), so that a folder of downloaded records imports in one call
 * and in the same order every time.
 */
#include "meta_ctgov.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int add(struct meta_ctgov_paths *p, size_t *cap, char *path)
{
    for (size_t i = 0; i < p->n; i++) {
        if (!strcmp(p->paths[i], path)) {
            free(path);
            return META_OK;
        }
    }
    if (p->n == *cap) {
        size_t c = *cap ? *cap * 2 : 16;
        char **more = realloc(p->paths, c * sizeof *more);
        if (!more) {
            free(path);
            return META_ENOMEM;
        }
        p->paths = more;
        *cap = c;
    }
    p->paths[p->n++] = path;
    return META_OK;
}

static int is_record_name(const char *name)
{
    size_t len = strlen(name);
    return name[0] != '.' && ((len > 5 && !strcmp(name + len - 5, ".json")) ||
                              (len > 4 && !strcmp(name + len - 4, ".xml")));
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds the record files of directory dir, in byte order of name. */
static int add_directory(struct meta_ctgov_paths *p, size_t *cap, const char *dir,
                         struct meta_error *err)
{
    char **names = NULL;
    size_t n = 0, n_cap = 0;
    int rc = META_OK;
    DIR *d = opendir(dir);
    if (!d)
        return meta_error_set(err, META_EIO, "%s: cannot read the directory: %s", dir,
                              strerror(errno));
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        struct stat st;
        if (!is_record_name(de->d_name) || fstatat(dirfd(d), de->d_name, &st, 0) != 0 ||
            !S_ISREG(st.st_mode))
            continue;
        if (n == n_cap) {
            size_t c = n_cap ? n_cap * 2 : 32;
            char **more = realloc(names, c * sizeof *more);
            if (!more) {
                rc = meta_error_set(err, META_ENOMEM, "out of memory");
                goto cleanup;
            }
            names = more;
            n_cap = c;
        }
        if (!(names[n] = strdup(de->d_name))) {
            rc = meta_error_set(err, META_ENOMEM, "out of memory");
            goto cleanup;
        }
        n++;
    }
    if (n == 0) {
        rc = meta_error_set(err, META_EINVAL, "%s: no *.json or *.xml file in the directory", dir);
        goto cleanup;
    }
    qsort(names, n, sizeof *names, by_name);
    size_t dlen = strlen(dir);
    int slash = dlen > 0 && dir[dlen - 1] == '/';
    for (size_t i = 0; i < n && rc == META_OK; i++) {
        char *path = malloc(dlen + strlen(names[i]) + 2);
        if (!path) {
            rc = meta_error_set(err, META_ENOMEM, "out of memory");
            break;
        }
        strcpy(path, dir);
        if (!slash)
            strcat(path, "/");
        strcat(path, names[i]);
        if (add(p, cap, path) != META_OK)
            rc = meta_error_set(err, META_ENOMEM, "out of memory");
    }
cleanup:
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    closedir(d);
    return rc;
}

int meta_ctgov_paths_expand(struct meta_ctgov_paths *out, const char *const *args, size_t n,
                            struct meta_error *err)
{
    size_t cap = 0;
    int rc = META_OK;
    out->paths = NULL;
    out->n = 0;
    for (size_t i = 0; i < n && rc == META_OK; i++) {
        struct stat st;
        if (stat(args[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            rc = add_directory(out, &cap, args[i], err);
        } else {
            char *copy = strdup(args[i]);
            rc = copy ? add(out, &cap, copy) : META_ENOMEM;
            if (rc != META_OK)
                meta_error_set(err, rc, "out of memory");
        }
    }
    if (rc != META_OK)
        meta_ctgov_paths_release(out);
    return rc;
}

void meta_ctgov_paths_release(struct meta_ctgov_paths *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n; i++)
        free(p->paths[i]);
    free(p->paths);
    p->paths = NULL;
    p->n = 0;
}
