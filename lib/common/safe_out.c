/*
 * The whole-or-nothing output files and the checked writes and closes
 * declared in safe_out.h. A reader of the target sees the old file or the
 * new one, never a part, and a failed write leaves no partial file behind.
 */
#define _GNU_SOURCE /* fopencookie */
#include "safe_out.h"
#include "temp_cleanup.h"
#include "safe_fs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

static int write_error(const char *path, int e, struct meta_error *err)
{
    return meta_error_set(err, META_EIO, "cannot write '%s': %s", path, strerror(e ? e : EIO));
}

int meta_fs_write_all(int fd, const void *buf, size_t len, const char *path, struct meta_error *err)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return write_error(path, n < 0 ? errno : ENOSPC, err);
        p += n;
        len -= (size_t)n;
    }
    return META_OK;
}

int meta_fs_close(int fd, const char *path, struct meta_error *err)
{
    if (close(fd) != 0 && errno != EINTR)
        return write_error(path, errno, err);
    return META_OK;
}

int meta_fs_stream_close(FILE *f, const char *path, struct meta_error *err)
{
    bool failed = ferror(f) != 0;
    int e = 0;
    errno = 0;
    if (fflush(f) != 0)
        e = errno;
    if (fclose(f) != 0 && !e)
        e = errno;
    if (failed || e)
        return write_error(path, e, err);
    return META_OK;
}

static char *join_path(const char *dir_path, const char *name)
{
    size_t d = dir_path ? strlen(dir_path) : 0;
    char *s = malloc(d + strlen(name) + 2);
    if (!s)
        return NULL;
    if (d == 0)
        strcpy(s, name);
    else
        sprintf(s, "%s%s%s", dir_path, dir_path[d - 1] == '/' ? "" : "/", name);
    return s;
}

/* Creates o's temporary file in o->dir_fd: ".NAME.XXXXXX" with a random
 * suffix, retried while the name is taken, and notes it for removal on a
 * signal (temp_cleanup.h). Sets o->tmp and o->temp_note; returns the fd or -1
 * (errno set). */
static int create_temp(struct meta_fs_out *o, mode_t mode)
{
    int dir_fd = o->dir_fd;
    const char *name = o->name;
    char **tmp = &o->tmp;
    for (int attempt = 0; attempt < 100; attempt++) {
        uint64_t r = 0;
        if (getrandom(&r, sizeof r, GRND_NONBLOCK) != (ssize_t)sizeof r)
            r = ((uint64_t)getpid() << 32) ^ (uint64_t)(uintptr_t)tmp ^ (uint64_t)attempt * 7919u;
        char buf[300];
        /* NAME_MAX is 255: keep room for the dot and the suffix. */
        snprintf(buf, sizeof buf, ".%.200s.%06llx", name, (unsigned long long)(r & 0xffffff));
        int fd = openat(dir_fd, buf, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
        if (fd >= 0) {
            *tmp = strdup(buf);
            if (!*tmp) {
                unlinkat(dir_fd, buf, 0);
                close(fd);
                errno = ENOMEM;
                return -1;
            }
            o->temp_note = meta_temp_note(dir_fd, buf);
            return fd;
        }
        if (errno != EEXIST)
            return -1;
    }
    errno = EEXIST;
    return -1;
}

int meta_fs_out_open(struct meta_fs_out *o, int dir_fd, const char *dir_path, const char *name,
                     mode_t mode, int flags, struct meta_error *err)
{
    memset(o, 0, sizeof *o);
    o->fd = -1;
    o->own_dir = -1;
    o->dir_fd = dir_fd;
    o->flags = flags;
    o->path = join_path(dir_path, name ? name : "");
    o->name = name ? strdup(name) : NULL;
    int ret = META_OK;
    if (!o->path || !o->name) {
        ret = meta_error_set(err, META_ENOMEM, "out of memory");
        goto fail;
    }
    if (!*name || strchr(name, '/') || strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
        ret = meta_error_set(err, META_EINVAL, "'%s' is not a single file name", o->path);
        goto fail;
    }
    struct stat st;
    if (fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
        if (S_ISLNK(st.st_mode))
            ret = meta_error_set(err, META_EINVAL,
                                 "'%s' is a symbolic link: refusing to write through it", o->path);
        else if (S_ISDIR(st.st_mode))
            ret = meta_error_set(err, META_EINVAL, "'%s' is a directory", o->path);
        else if (!S_ISREG(st.st_mode))
            ret = meta_error_set(err, META_EINVAL, "'%s' is not a regular file", o->path);
        if (ret != META_OK)
            goto fail;
    } else if (errno != ENOENT) {
        ret = write_error(o->path, errno, err);
        goto fail;
    }
    if (flags & META_FS_KEEP_SAME) {
        o->mode = mode;
        o->stream = open_memstream(&o->mem, &o->mem_len);
        if (!o->stream) {
            ret = write_error(o->path, errno, err);
            goto fail;
        }
        return META_OK;
    }
    o->fd = create_temp(o, mode);
    if (o->fd < 0) {
        ret = write_error(o->path, errno, err);
        goto fail;
    }
    return META_OK;
fail:
    free(o->path);
    free(o->name);
    memset(o, 0, sizeof *o);
    o->fd = -1;
    o->own_dir = -1;
    return ret;
}

int meta_fs_out_open_path(struct meta_fs_out *o, int dir_fd, const char *dir_path,
                          const char *relpath, mode_t dir_mode, mode_t mode, int flags,
                          struct meta_error *err)
{
    memset(o, 0, sizeof *o);
    o->fd = -1;
    o->own_dir = -1;
    if (!relpath || !*relpath || relpath[0] == '/')
        return meta_error_set(err, META_EINVAL, "'%s' is not a path inside '%s'",
                              relpath ? relpath : "", dir_path ? dir_path : ".");
    const char *slash = strrchr(relpath, '/');
    if (!slash)
        return meta_fs_out_open(o, dir_fd, dir_path, relpath, mode, flags, err);
    char *parent = strndup(relpath, (size_t)(slash - relpath));
    char *shown = parent ? join_path(dir_path, parent) : NULL;
    int ret = META_OK, sub = -1;
    if (!shown) {
        ret = meta_error_set(err, META_ENOMEM, "out of memory");
        goto done;
    }
    ret = meta_fs_mkdirs(dir_fd, dir_path, parent, dir_mode, 0, NULL, NULL, NULL, &sub, err);
    /* The name itself is checked by meta_fs_out_open (no "..", no link). */
    if (ret == META_OK)
        ret = meta_fs_out_open(o, sub, shown, slash + 1, mode, flags, err);
    if (ret == META_OK) {
        o->own_dir = sub;
        sub = -1;
    }
done:
    if (sub >= 0)
        close(sub);
    free(parent);
    free(shown);
    return ret;
}

int meta_fs_out_open_file(struct meta_fs_out *o, const char *path, mode_t mode, int flags,
                          struct meta_error *err)
{
    memset(o, 0, sizeof *o);
    o->fd = -1;
    o->own_dir = -1;
    const char *slash = path ? strrchr(path, '/') : NULL;
    if (!path || !*path || (slash && !slash[1]))
        return meta_error_set(err, META_EINVAL, "'%s' names no file", path ? path : "");
    if (!slash)
        return meta_fs_out_open(o, AT_FDCWD, NULL, path, mode, flags, err);
    char *dir = strndup(path, slash == path ? 1 : (size_t)(slash - path));
    if (!dir)
        return meta_error_set(err, META_ENOMEM, "out of memory");
    int ret = META_OK;
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        ret = write_error(path, errno, err);
    else if ((ret = meta_fs_out_open(o, fd, dir, slash + 1, mode, flags, err)) == META_OK)
        o->own_dir = fd;
    else
        close(fd);
    free(dir);
    return ret;
}

/* The descriptor behind a stream of meta_fs_stream_fd, and where its first
 * failure goes. */
struct fd_sink {
    int fd;
    int *error;
};

static ssize_t sink_write(void *cookie, const char *buf, size_t len)
{
    struct fd_sink *s = cookie;
    size_t done = 0;
    while (done < len) {
        ssize_t n = write(s->fd, buf + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (!*s->error)
                *s->error = n < 0 ? errno : ENOSPC;
            /* Fewer bytes than asked: stdio marks the stream failed (a
             * cookie's write must never return a negative count). */
            return (ssize_t)done;
        }
        done += (size_t)n;
    }
    return (ssize_t)len;
}

static int sink_close(void *cookie)
{
    free(cookie);
    return 0;
}

FILE *meta_fs_stream_fd(int fd, int *error)
{
    struct fd_sink *s = malloc(sizeof *s);
    if (!s)
        return NULL;
    s->fd = fd;
    s->error = error;
    cookie_io_functions_t io = {NULL, sink_write, NULL, sink_close};
    FILE *f = fopencookie(s, "w", io);
    if (!f) {
        free(s);
        return NULL;
    }
    if (isatty(fd))
        setvbuf(f, NULL, _IOLBF, 0);
    return f;
}

FILE *meta_fs_out_stream(struct meta_fs_out *o, struct meta_error *err)
{
    if (!o->stream && o->fd >= 0) {
        o->stream = meta_fs_stream_fd(o->fd, &o->error);
        if (!o->stream)
            write_error(o->path, errno, err);
    }
    return o->stream;
}

int meta_fs_out_write(struct meta_fs_out *o, const void *buf, size_t len, struct meta_error *err)
{
    if (o->stream) {
        if (len && fwrite(buf, 1, len, o->stream) != len)
            return write_error(o->path, o->error, err);
        return META_OK;
    }
    return meta_fs_write_all(o->fd, buf, len, o->path, err);
}

/* Frees what o owns and empties it. */
static void out_release(struct meta_fs_out *o)
{
    meta_temp_forget(o->temp_note); /* the file is renamed or removed by now */
    if (o->own_dir >= 0)
        close(o->own_dir);
    free(o->name);
    free(o->tmp);
    free(o->path);
    free(o->mem);
    memset(o, 0, sizeof *o);
    o->fd = -1;
    o->own_dir = -1;
}

/* Whether the regular file `name` in dir_fd holds exactly the len bytes of
 * buf (read without following a link; any failure counts as different). */
static bool holds_same(int dir_fd, const char *name, const char *buf, size_t len)
{
    int fd = openat(dir_fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return false;
    struct stat st;
    bool same = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (size_t)st.st_size == len;
    char chunk[8192];
    for (size_t at = 0; same && at < len;) {
        size_t want = len - at < sizeof chunk ? len - at : sizeof chunk;
        ssize_t got = read(fd, chunk, want);
        if (got < 0 && errno == EINTR)
            continue;
        same = got == (ssize_t)want && memcmp(chunk, buf + at, want) == 0;
        at += want;
    }
    close(fd);
    return same;
}

/* Commit of a META_FS_KEEP_SAME output: the gathered bytes, unless the
 * target already holds them, through a temporary file as usual. */
static int commit_kept(struct meta_fs_out *o, struct meta_error *err)
{
    int e = 0;
    bool failed = ferror(o->stream) != 0;
    if (fclose(o->stream) != 0 || failed)
        e = errno ? errno : ENOMEM;
    o->stream = NULL;
    if (!e && holds_same(o->dir_fd, o->name, o->mem, o->mem_len)) {
        out_release(o);
        return META_OK;
    }
    if (!e && (o->fd = create_temp(o, o->mode)) < 0)
        e = errno;
    if (e) {
        int ret = write_error(o->path, e, err);
        out_release(o);
        return ret;
    }
    int ret = meta_fs_write_all(o->fd, o->mem, o->mem_len, o->path, err);
    if (ret != META_OK) {
        meta_fs_out_discard(o);
        return ret;
    }
    free(o->mem);
    o->mem = NULL;
    o->mem_len = 0;
    return meta_fs_out_commit(o, err);
}

int meta_fs_out_commit(struct meta_fs_out *o, struct meta_error *err)
{
    if (!o->tmp && o->stream && (o->flags & META_FS_KEEP_SAME))
        return commit_kept(o, err);
    if (!o->tmp)
        return meta_error_set(err, META_EINVAL, "no output file is open");
    int e = 0;
    if (o->stream) {
        /* The stream's first failure, whenever it happened, with its reason. */
        bool failed = ferror(o->stream) != 0;
        if ((fflush(o->stream) != 0 || failed) && !(e = o->error))
            e = EIO;
        fclose(o->stream); /* the stream only: the descriptor is closed below */
        o->stream = NULL;
    }
    if (!e && (o->flags & META_FS_SYNC) && fsync(o->fd) != 0)
        e = errno;
    if (close(o->fd) != 0 && !e && errno != EINTR)
        e = errno;
    o->fd = -1;
    if (!e && renameat(o->dir_fd, o->tmp, o->dir_fd, o->name) != 0)
        e = errno;
    if (e) {
        unlinkat(o->dir_fd, o->tmp, 0);
        int ret = write_error(o->path, e, err);
        out_release(o);
        return ret;
    }
    if (o->flags & META_FS_SYNC)
        fsync(o->dir_fd);
    out_release(o);
    return META_OK;
}

void meta_fs_out_discard(struct meta_fs_out *o)
{
    if (o && !o->tmp && o->stream && (o->flags & META_FS_KEEP_SAME)) {
        fclose(o->stream);
        o->stream = NULL;
        out_release(o);
        return;
    }
    if (!o || !o->tmp)
        return;
    if (o->stream)
        fclose(o->stream);
    if (o->fd >= 0)
        close(o->fd);
    unlinkat(o->dir_fd, o->tmp, 0);
    out_release(o);
}
