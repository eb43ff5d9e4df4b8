/*
 * The package reader of review_source.h. Zip archives are read through
 * libzip's central directory, entry by entry into memory, never more than an
 * entry declares nor than the limits allow; every entry name is checked
 * before anything is read, so that an archive built to climb out of its
 * folder (zip-slip) is refused even though nothing is written to disk.
 */
#include "review_source.h"
#include "safe_fs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#define DIR_DEPTH 3
#define PATH_SIZE 4096

/* Writes a, "/" and b to buf (no slash when either is empty). Returns 0, or
 * -1 when the result does not fit. */
static int join(char *buf, size_t size, const char *a, const char *b)
{
    int n = snprintf(buf, size, "%s%s%s", a, *a && *b ? "/" : "", b);
    return n < 0 || (size_t)n >= size ? -1 : 0;
}

int meta_review_read_file(const char *path, const char *name, size_t limit, unsigned char **data,
                          size_t *size, struct meta_error *err)
{
    int ret = META_OK;
    unsigned char *buf = NULL;
    /* Never waits on a FIFO or a device put where the file was checked. */
    int fd = open(path, META_FS_INPUT_FLAGS);
    struct stat st;

    *data = NULL;
    *size = 0;
    if (fd < 0)
        return meta_error_set(err, META_EIO, "%s: cannot open: %s", name, strerror(errno));
    if (meta_fs_accept_input(fd, name, err) != META_OK) {
        ret = META_EIO;
        goto cleanup;
    }
    if (fstat(fd, &st) != 0) {
        ret = meta_error_set(err, META_EIO, "%s: cannot read: %s", name, strerror(errno));
        goto cleanup;
    }
    if ((unsigned long long)st.st_size > limit) {
        ret = meta_error_set(err, META_EINVAL, "%s: the file is larger than the limit of %zu bytes",
                             name, limit);
        goto cleanup;
    }
    buf = malloc((size_t)st.st_size + 1);
    if (!buf) {
        ret = meta_error_set(err, META_ENOMEM, "%s: out of memory", name);
        goto cleanup;
    }
    size_t got = 0;
    while (got < (size_t)st.st_size) {
        ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            ret = meta_error_set(err, META_EIO, "%s: cannot read: %s", name, strerror(errno));
            goto cleanup;
        }
        if (n == 0)
            break; /* the file shrank: take what is there */
        got += (size_t)n;
    }
    buf[got] = '\0';
    *data = buf;
    *size = got;
    buf = NULL;
cleanup:
    free(buf);
    close(fd);
    return ret;
}

int meta_review_is_zip(const char *path)
{
    unsigned char magic[4];
    struct meta_error ignored;
    int fd = open(path, META_FS_INPUT_FLAGS);
    if (fd < 0)
        return 0;
    ssize_t n = meta_fs_accept_input(fd, path, &ignored) == META_OK ? read(fd, magic, 4) : 0;
    close(fd);
    return n == 4 && magic[0] == 'P' && magic[1] == 'K' &&
           ((magic[2] == 3 && magic[3] == 4) || (magic[2] == 5 && magic[3] == 6));
}

/* Whether an entry name is absolute or climbs out of the archive's folder. */
static int climbs_out(const char *name)
{
    if (name[0] == '/' || name[0] == '\\' || (name[0] && name[1] == ':'))
        return 1;
    for (const char *s = name; *s;) {
        size_t n = strcspn(s, "/\\");
        if (n == 2 && s[0] == '.' && s[1] == '.')
            return 1;
        s += n;
        if (*s)
            s++;
    }
    return 0;
}

static int ends_with_zip(const char *name)
{
    size_t n = strlen(name);
    return n > 4 && strcasecmp(name + n - 4, ".zip") == 0;
}

/* The state of one package read. */
struct package {
    const struct meta_review_limits *limits;
    meta_review_want_fn want;
    meta_review_got_fn got;
    void *ctx;
    struct meta_error *err;
    size_t total; /* bytes read so far */
};

static int zip_failed(struct package *pk, const char *display, zip_error_t *ze)
{
    return meta_error_set(pk->err, META_EINVAL, "%s: not a readable zip archive: %s", display,
                          zip_error_strerror(ze));
}

/* Reads entry i (declared size `size`) of za into a new buffer. */
static int read_entry(struct package *pk, zip_t *za, zip_uint64_t i, zip_uint64_t size,
                      const char *display, unsigned char **out)
{
    *out = NULL;
    if (size > pk->limits->max_file_bytes)
        return meta_error_set(pk->err, META_EINVAL,
                              "%s: the entry is larger than the limit of %zu bytes", display,
                              pk->limits->max_file_bytes);
    if (pk->total + size > pk->limits->max_total_bytes)
        return meta_error_set(pk->err, META_EINVAL,
                              "%s: the package holds more than the limit of %zu bytes", display,
                              pk->limits->max_total_bytes);
    unsigned char *buf = malloc((size_t)size + 1);
    if (!buf)
        return meta_error_set(pk->err, META_ENOMEM, "%s: out of memory", display);
    zip_file_t *zf = zip_fopen_index(za, i, 0);
    if (!zf) {
        int r = meta_error_set(pk->err, META_EINVAL, "%s: cannot read the entry: %s", display,
                               zip_strerror(za));
        free(buf);
        return r;
    }
    zip_uint64_t got = 0;
    int ret = META_OK;
    while (got < size) {
        zip_int64_t n = zip_fread(zf, buf + got, size - got);
        if (n <= 0)
            break;
        got += (zip_uint64_t)n;
    }
    unsigned char probe;
    if (got != size || zip_fread(zf, &probe, 1) != 0)
        ret = meta_error_set(pk->err, META_EINVAL,
                             "%s: the entry's data do not match its declared size (%s)", display,
                             zip_file_strerror(zf));
    zip_fclose(zf);
    if (ret != META_OK) {
        free(buf);
        return ret;
    }
    buf[size] = '\0';
    pk->total += size;
    *out = buf;
    return META_OK;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* An archive entry: its name and index. */
struct entry {
    const char *name;
    zip_uint64_t index;
};

static int entry_cmp(const void *a, const void *b)
{
    return strcmp(((const struct entry *)a)->name, ((const struct entry *)b)->name);
}

static int read_zip(struct package *pk, zip_t *za, const char *display, const char *prefix,
                    int depth);

/* Opens a zip held in memory (data is kept until the archive is closed). */
static int read_inner_zip(struct package *pk, unsigned char *data, size_t size, const char *display,
                          const char *inner)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(data, size, 0, &ze);
    zip_t *za = src ? zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze) : NULL;
    int ret;
    if (!za) {
        ret = zip_failed(pk, display, &ze);
        if (src)
            zip_source_free(src);
    } else {
        ret = read_zip(pk, za, display, inner, 1);
        zip_discard(za);
    }
    zip_error_fini(&ze);
    free(data);
    return ret;
}

static int read_zip(struct package *pk, zip_t *za, const char *display, const char *prefix,
                    int depth)
{
    zip_int64_t count = zip_get_num_entries(za, 0);
    if (count < 0)
        return meta_error_set(pk->err, META_EINVAL, "%s: not a readable zip archive", display);
    if ((zip_uint64_t)count > pk->limits->max_entries)
        return meta_error_set(pk->err, META_EINVAL,
                              "%s: the archive has %lld entries, more than the limit of %zu",
                              display, (long long)count, pk->limits->max_entries);
    /* Check every name first, then read the wanted entries in name order. */
    struct entry *names = calloc((size_t)count + 1, sizeof *names);
    if (!names)
        return meta_error_set(pk->err, META_ENOMEM, "%s: out of memory", display);
    int ret = META_OK;
    size_t n = 0;
    for (zip_int64_t i = 0; i < count; i++) {
        const char *name = zip_get_name(za, (zip_uint64_t)i, ZIP_FL_ENC_GUESS);
        if (!name) {
            ret = meta_error_set(pk->err, META_EINVAL, "%s: entry %lld has no readable name",
                                 display, (long long)i);
            goto cleanup;
        }
        if (climbs_out(name)) {
            ret = meta_error_set(pk->err, META_EINVAL,
                                 "%s: entry '%s' has a path that is absolute or climbs out of "
                                 "the archive: refusing the archive",
                                 display, name);
            goto cleanup;
        }
        names[n++] = (struct entry){name, (zip_uint64_t)i};
    }
    qsort(names, n, sizeof *names, entry_cmp);
    for (size_t k = 0; k < n && ret == META_OK; k++) {
        const char *name = names[k].name;
        size_t len = strlen(name);
        if (len == 0 || name[len - 1] == '/')
            continue;
        char inner[PATH_SIZE], shown[PATH_SIZE];
        if (join(inner, sizeof inner, prefix ? prefix : "", name) != 0 ||
            join(shown, sizeof shown, display, name) != 0) {
            ret = meta_error_set(pk->err, META_EINVAL, "%s: an entry's name is too long", display);
            break;
        }
        if (!pk->want(inner, pk->ctx))
            continue;
        zip_stat_t st;
        if (zip_stat_index(za, names[k].index, 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE)) {
            ret = meta_error_set(pk->err, META_EINVAL, "%s: cannot read the entry's size", shown);
            break;
        }
        unsigned char *data;
        ret = read_entry(pk, za, names[k].index, st.size, shown, &data);
        if (ret != META_OK)
            break;
        if (ends_with_zip(name)) {
            if (depth > 0) {
                free(data);
                continue; /* one level of nesting only */
            }
            ret = read_inner_zip(pk, data, (size_t)st.size, shown, inner);
        } else {
            ret = pk->got(shown, inner, data, (size_t)st.size, pk->ctx);
        }
    }
cleanup:
    free(names);
    return ret;
}

/* Collects the regular files of a directory tree, as paths relative to root. */
struct file_list {
    char **v;
    size_t n, cap;
};

static int list_dir(const char *root, const char *rel, int depth, struct file_list *fl,
                    const char *display, struct meta_error *err)
{
    char path[PATH_SIZE];
    if (join(path, sizeof path, root, rel) != 0)
        return meta_error_set(err, META_EIO, "%s/%s: the path is too long", display, rel);
    DIR *d = opendir(path);
    if (!d)
        return meta_error_set(err, META_EIO, "%s%s%s: cannot open the directory: %s", display,
                              *rel ? "/" : "", rel, strerror(errno));
    int ret = META_OK;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char sub[PATH_SIZE], full[PATH_SIZE];
        if (join(sub, sizeof sub, rel, e->d_name) != 0 || join(full, sizeof full, root, sub) != 0) {
            ret = meta_error_set(err, META_EIO, "%s/%s: the path is too long", display, rel);
            break;
        }
        struct stat st;
        if (lstat(full, &st) != 0)
            continue;
        if (S_ISLNK(st.st_mode) && stat(full, &st) == 0 && S_ISDIR(st.st_mode))
            continue; /* a link to a directory: not followed */
        if (S_ISDIR(st.st_mode)) {
            if (depth < DIR_DEPTH && (ret = list_dir(root, sub, depth + 1, fl, display, err)))
                break;
            continue;
        }
        if (!S_ISREG(st.st_mode))
            continue;
        if (fl->n == fl->cap) {
            size_t cap = fl->cap ? fl->cap * 2 : 32;
            char **v = realloc(fl->v, cap * sizeof *v);
            if (!v) {
                ret = meta_error_set(err, META_ENOMEM, "out of memory");
                break;
            }
            fl->v = v;
            fl->cap = cap;
        }
        if (!(fl->v[fl->n] = strdup(sub))) {
            ret = meta_error_set(err, META_ENOMEM, "out of memory");
            break;
        }
        fl->n++;
    }
    closedir(d);
    return ret;
}

static int read_dir(struct package *pk, const char *root, const char *display)
{
    struct file_list fl = {0};
    int ret = list_dir(root, "", 1, &fl, display, pk->err);
    if (ret == META_OK && fl.n)
        qsort(fl.v, fl.n, sizeof *fl.v, name_cmp);
    for (size_t i = 0; i < fl.n && ret == META_OK; i++) {
        if (!pk->want(fl.v[i], pk->ctx))
            continue;
        char full[PATH_SIZE], shown[PATH_SIZE];
        if (join(full, sizeof full, root, fl.v[i]) != 0 ||
            join(shown, sizeof shown, display, fl.v[i]) != 0) {
            ret = meta_error_set(pk->err, META_EIO, "%s: a path is too long", display);
            break;
        }
        size_t room = pk->limits->max_total_bytes - pk->total;
        size_t limit = pk->limits->max_file_bytes < room ? pk->limits->max_file_bytes : room;
        unsigned char *data;
        size_t size;
        ret = meta_review_read_file(full, shown, limit, &data, &size, pk->err);
        if (ret != META_OK)
            break;
        pk->total += size;
        if (ends_with_zip(fl.v[i]))
            ret = read_inner_zip(pk, data, size, shown, fl.v[i]);
        else
            ret = pk->got(shown, fl.v[i], data, size, pk->ctx);
    }
    for (size_t i = 0; i < fl.n; i++)
        free(fl.v[i]);
    free(fl.v);
    return ret;
}

int meta_review_read_package(const char *path, const char *display, int is_zip,
                             const struct meta_review_limits *limits, meta_review_want_fn want,
                             meta_review_got_fn got, void *ctx, struct meta_error *err)
{
    struct package pk = {limits, want, got, ctx, err, 0};
    if (!is_zip)
        return read_dir(&pk, path, display);
    /* The archive is opened once, as a regular file, and libzip reads that
     * descriptor: a FIFO put in its place is never waited on. */
    int fd = open(path, META_FS_INPUT_FLAGS);
    if (fd < 0)
        return meta_error_set(err, META_EIO, "%s: cannot open: %s", display, strerror(errno));
    struct stat st;
    if (meta_fs_accept_input(fd, display, err) != META_OK) {
        close(fd);
        return META_EIO;
    }
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return meta_error_set(err, META_EIO, "%s: cannot read: %s", display, strerror(e));
    }
    if ((unsigned long long)st.st_size > limits->max_total_bytes) {
        close(fd);
        return meta_error_set(err, META_EINVAL,
                              "%s: the archive is larger than the limit of %zu bytes", display,
                              limits->max_total_bytes);
    }
    int code = 0;
    zip_t *za = zip_fdopen(fd, ZIP_CHECKCONS, &code);
    if (!za) {
        close(fd);
        zip_error_t ze;
        zip_error_init_with_code(&ze, code);
        int ret = zip_failed(&pk, display, &ze);
        zip_error_fini(&ze);
        return ret;
    }
    int ret = read_zip(&pk, za, display, NULL, 0);
    zip_discard(za);
    return ret;
}
