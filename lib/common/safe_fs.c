/*
 * The link-refusing directory walk and opens declared in safe_fs.h. Every
 * step is relative to the descriptor of the directory checked just before,
 * so nothing another user renames or plants between two steps is followed.
 */
#define _GNU_SOURCE /* O_PATH */
#include "safe_fs.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* "user 'name' (uid N)", or "uid N" for a uid without a name. */
static void describe_user(uid_t uid, char *buf, size_t size)
{
    struct passwd pw, *found = NULL;
    char tmp[2048];
    if (getpwuid_r(uid, &pw, tmp, sizeof tmp, &found) == 0 && found)
        snprintf(buf, size, "user '%s' (uid %u)", pw.pw_name, (unsigned)uid);
    else
        snprintf(buf, size, "uid %u", (unsigned)uid);
}

struct meta_fs_rule meta_fs_rule_private(uid_t uid, bool sticky_ok)
{
    struct meta_fs_rule r = {uid, true, S_IWGRP | S_IWOTH, sticky_ok, false};
    return r;
}

int meta_fs_check(const struct stat *st, const char *path, const struct meta_fs_rule *rule,
                  struct meta_error *err)
{
    if (!rule)
        return META_OK;
    if (st->st_uid != rule->owner && !(rule->or_root && st->st_uid == 0)) {
        char owner[2200], wanted[2200];
        describe_user(st->st_uid, owner, sizeof owner);
        describe_user(rule->owner, wanted, sizeof wanted);
        return meta_error_set(err, META_EINVAL,
                              "'%s' belongs to %s, not to %s%s: refusing to use it", path, owner,
                              wanted, rule->or_root && rule->owner != 0 ? " or root" : "");
    }
    mode_t bad = st->st_mode & rule->forbid;
    if (bad && !(rule->sticky_ok && S_ISDIR(st->st_mode) && (st->st_mode & S_ISVTX))) {
        if ((rule->forbid & ~(mode_t)(S_IWGRP | S_IWOTH)) == 0)
            return meta_error_set(err, META_EINVAL,
                                  "'%s' may be written by others (mode %04o): refusing to use it",
                                  path, (unsigned)(st->st_mode & 07777));
        return meta_error_set(err, META_EINVAL,
                              "'%s' has mode %04o, which must not have %04o: refusing to use it",
                              path, (unsigned)(st->st_mode & 07777), (unsigned)rule->forbid);
    }
    if (rule->one_link && S_ISREG(st->st_mode) && st->st_nlink != 1)
        return meta_error_set(err, META_EINVAL, "'%s' has %lu hard links: refusing to use it", path,
                              (unsigned long)st->st_nlink);
    return META_OK;
}

/* Whether name is one path component that names an entry of its directory. */
static bool single_component(const char *name)
{
    return name && *name && !strchr(name, '/') && strcmp(name, ".") != 0 && strcmp(name, "..") != 0;
}

/* dir_path "/" name, for messages. */
static void join(char *out, size_t size, const char *dir_path, const char *name)
{
    if (!dir_path || !*dir_path)
        snprintf(out, size, "%s", name);
    else if (dir_path[strlen(dir_path) - 1] == '/')
        snprintf(out, size, "%s%s", dir_path, name);
    else
        snprintf(out, size, "%s/%s", dir_path, name);
}

/* What an entry that is not a regular file is, for messages. */
static const char *kind_of(mode_t mode)
{
    return S_ISFIFO(mode)   ? "a FIFO"
           : S_ISSOCK(mode) ? "a socket"
           : S_ISCHR(mode)  ? "a character device"
           : S_ISBLK(mode)  ? "a block device"
                            : "an unusual file";
}

/* After an open of name in dir_fd failed with errno e: says why, naming a
 * symbolic link, a non-directory or a non-regular file as such. */
static int open_failure(int dir_fd, const char *name, const char *path, int e, bool want_dir,
                        struct meta_error *err)
{
    struct stat st;
    if (fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
        if (S_ISLNK(st.st_mode))
            return meta_error_set(err, META_EINVAL,
                                  "'%s' is a symbolic link: refusing to follow it", path);
        if (want_dir && !S_ISDIR(st.st_mode))
            return meta_error_set(err, META_EINVAL, "'%s' is not a directory", path);
        if (!want_dir && S_ISDIR(st.st_mode))
            return meta_error_set(err, META_EINVAL, "'%s' is a directory", path);
        if (!want_dir && !S_ISREG(st.st_mode))
            return meta_error_set(err, META_EINVAL, "'%s' is not a regular file (%s)", path,
                                  kind_of(st.st_mode));
    }
    return meta_error_set(err, META_EIO, "cannot open '%s': %s", path, strerror(e));
}

/* Checks the directory fd (named path) and hands it to visit. */
static int accept_dir(int fd, const char *path, bool created, const struct meta_fs_rule *rule,
                      meta_fs_visit_fn visit, void *ctx, struct meta_error *err)
{
    struct stat st;
    if (fstat(fd, &st) != 0)
        return meta_error_set(err, META_EIO, "cannot look at '%s': %s", path, strerror(errno));
    int ret = meta_fs_check(&st, path, rule, err);
    if (ret == META_OK && visit)
        ret = visit(fd, path, &st, created, ctx, err);
    return ret;
}

/* One step of the walk: opens (creating when asked) the directory comp in
 * cur. Sets *next (-1 when missing under META_FS_NO_CREATE) and *created. */
static int step(int cur, const char *comp, const char *path, mode_t mode, int flags, int *next,
                bool *created, struct meta_error *err)
{
    *created = false;
    int fd = openat(cur, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT) {
        if (flags & META_FS_NO_CREATE) {
            *next = -1;
            return META_OK;
        }
        bool exact = flags & META_FS_EXACT_MODE;
        if (mkdirat(cur, comp, exact ? 0700 : mode) == 0) {
            *created = true;
        } else if (errno != EEXIST) {
            return meta_error_set(err, META_EIO, "cannot create directory '%s': %s", path,
                                  strerror(errno));
        }
        if (*created && exact) {
            /* Opened for reading (not O_PATH) so that fchmod works; it is
             * ours and 0700, so nobody else can have swapped it. */
            fd = openat(cur, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (fd >= 0 && fchmod(fd, mode) != 0) {
                int e = errno;
                close(fd);
                return meta_error_set(err, META_EIO, "cannot set the mode of '%s': %s", path,
                                      strerror(e));
            }
        } else {
            fd = openat(cur, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        }
    }
    if (fd < 0) {
        int e = errno;
        if (e == EACCES)
            return meta_error_set(err, META_EIO, "cannot enter '%s': %s", path, strerror(e));
        return open_failure(cur, comp, path, e, true, err);
    }
    *next = fd;
    return META_OK;
}

int meta_fs_mkdirs(int dir_fd, const char *dir_path, const char *rel, mode_t mode, int flags,
                   const struct meta_fs_rule *rule, meta_fs_visit_fn visit, void *ctx, int *out_fd,
                   struct meta_error *err)
{
    if (out_fd)
        *out_fd = -1;
    if (!rel || !*rel)
        return meta_error_set(err, META_EINVAL, "empty directory path");
    size_t len = strlen(rel);
    char *copy = malloc(len + 1);
    char *path = malloc(len + (dir_path ? strlen(dir_path) : 0) + 3);
    int ret = META_OK, cur = -1;
    if (!copy || !path) {
        ret = meta_error_set(err, META_ENOMEM, "out of memory");
        goto cleanup;
    }
    memcpy(copy, rel, len + 1);
    /* ".." anywhere refuses the path before anything is created. */
    for (const char *p = rel; (p = strstr(p, "..")) != NULL; p += 2) {
        if ((p == rel || p[-1] == '/') && (p[2] == '\0' || p[2] == '/')) {
            ret = meta_error_set(err, META_EINVAL, "'%s': '..' is not allowed in this path", rel);
            goto cleanup;
        }
    }
    if (rel[0] == '/') {
        strcpy(path, "/");
        cur = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (cur < 0) {
            ret = meta_error_set(err, META_EIO, "cannot open '/': %s", strerror(errno));
            goto cleanup;
        }
        if ((ret = accept_dir(cur, path, false, rule, visit, ctx, err)) != META_OK)
            goto cleanup;
    } else {
        strcpy(path, dir_path ? dir_path : "");
        cur = dir_fd == AT_FDCWD ? open(".", O_PATH | O_DIRECTORY | O_CLOEXEC)
                                 : fcntl(dir_fd, F_DUPFD_CLOEXEC, 0);
        if (cur < 0) {
            ret = meta_error_set(err, META_EIO, "cannot open '%s': %s",
                                 *path ? path : "the current directory", strerror(errno));
            goto cleanup;
        }
    }
    for (char *save = NULL, *comp = strtok_r(copy, "/", &save); comp;
         comp = strtok_r(NULL, "/", &save)) {
        if (strcmp(comp, ".") == 0)
            continue;
        size_t plen = strlen(path);
        if (plen && path[plen - 1] != '/')
            path[plen++] = '/';
        strcpy(path + plen, comp);
        int next = -1;
        bool created = false;
        if ((ret = step(cur, comp, path, mode, flags, &next, &created, err)) != META_OK)
            goto cleanup;
        close(cur);
        cur = next;
        if (cur < 0)
            goto cleanup; /* missing, under META_FS_NO_CREATE */
        if ((ret = accept_dir(cur, path, created, rule, visit, ctx, err)) != META_OK)
            goto cleanup;
    }
    if (out_fd) {
        *out_fd = openat(cur, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (*out_fd < 0)
            ret = meta_error_set(err, META_EIO, "cannot read '%s': %s",
                                 *path ? path : "the current directory", strerror(errno));
    }
cleanup:
    if (cur >= 0)
        close(cur);
    free(copy);
    free(path);
    return ret;
}

int meta_fs_open_dir(int dir_fd, const char *dir_path, const char *name,
                     const struct meta_fs_rule *rule, int *out_fd, struct meta_error *err)
{
    *out_fd = -1;
    char path[4608];
    join(path, sizeof path, dir_path, name ? name : "");
    if (!single_component(name))
        return meta_error_set(err, META_EINVAL, "'%s' is not a single file name", path);
    int fd = openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        if (e == ENOENT)
            return META_OK;
        if (e == EACCES)
            return meta_error_set(err, META_EIO, "cannot read '%s': %s", path, strerror(e));
        return open_failure(dir_fd, name, path, e, true, err);
    }
    int ret = accept_dir(fd, path, false, rule, NULL, NULL, err);
    if (ret != META_OK) {
        close(fd);
        return ret;
    }
    *out_fd = fd;
    return META_OK;
}

/* The checks after a non-blocking open of a file (path names it): a regular
 * file that passes rule, truncated when oflags asks, then made blocking.
 * Closes fd on failure. */
static int accept_file(int fd, const char *path, int oflags, const struct meta_fs_rule *rule,
                       struct meta_error *err)
{
    struct stat st;
    int ret = META_OK;
    if (fstat(fd, &st) != 0)
        ret = meta_error_set(err, META_EIO, "cannot look at '%s': %s", path, strerror(errno));
    else if (S_ISDIR(st.st_mode))
        ret = meta_error_set(err, META_EINVAL, "'%s' is a directory", path);
    else if (!S_ISREG(st.st_mode))
        ret = meta_error_set(err, META_EINVAL, "'%s' is not a regular file (%s)", path,
                             kind_of(st.st_mode));
    else
        ret = meta_fs_check(&st, path, rule, err);
    if (ret == META_OK && (oflags & O_TRUNC) && ftruncate(fd, 0) != 0)
        ret = meta_error_set(err, META_EIO, "cannot truncate '%s': %s", path, strerror(errno));
    if (ret == META_OK && fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) != 0)
        ret = meta_error_set(err, META_EIO, "cannot open '%s': %s", path, strerror(errno));
    if (ret != META_OK)
        close(fd);
    return ret;
}

int meta_fs_open_file(int dir_fd, const char *dir_path, const char *name, int oflags, mode_t mode,
                      const struct meta_fs_rule *rule, int *out_fd, struct meta_error *err)
{
    *out_fd = -1;
    char path[4608];
    join(path, sizeof path, dir_path, name ? name : "");
    if (!single_component(name))
        return meta_error_set(err, META_EINVAL, "'%s' is not a single file name", path);
    int flags = (oflags & ~O_TRUNC) | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC;
    int fd = openat(dir_fd, name, flags, mode);
    if (fd < 0) {
        int e = errno;
        if (e == ENOENT && !(oflags & O_CREAT))
            return META_OK;
        if (e == EACCES)
            return meta_error_set(err, META_EIO, "cannot open '%s': %s", path, strerror(e));
        return open_failure(dir_fd, name, path, e, false, err);
    }
    int ret = accept_file(fd, path, oflags, rule, err);
    if (ret == META_OK)
        *out_fd = fd;
    return ret;
}

/* The checks of meta_fs_accept_input short of making fd blocking; *st
 * receives fd's status. */
static int accept_regular(int fd, const char *name, struct stat *st, struct meta_error *err)
{
    if (fstat(fd, st) != 0)
        return meta_error_set(err, META_EIO, "%s: cannot read: %s", name, strerror(errno));
    if (S_ISDIR(st->st_mode))
        return meta_error_set(err, META_EINVAL, "%s: is a directory, not a file", name);
    if (!S_ISREG(st->st_mode))
        return meta_error_set(err, META_EINVAL,
                              "%s: is %s, not a regular file: refusing to read it", name,
                              kind_of(st->st_mode));
    return META_OK;
}

int meta_fs_accept_input(int fd, const char *name, struct meta_error *err)
{
    struct stat st;
    int ret = accept_regular(fd, name, &st, err);
    if (ret != META_OK)
        return ret;
    if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) != 0)
        return meta_error_set(err, META_EIO, "%s: cannot read: %s", name, strerror(errno));
    return META_OK;
}

int meta_fs_open_input_stat(const char *path, int *out_fd, struct stat *st, struct meta_error *err)
{
    *out_fd = -1;
    int fd = open(path, META_FS_INPUT_FLAGS);
    if (fd < 0)
        return meta_error_set(err, META_EIO, "%s: cannot read: %s", path, strerror(errno));
    int ret = accept_regular(fd, path, st, err);
    if (ret != META_OK) {
        close(fd);
        return ret;
    }
    *out_fd = fd;
    return META_OK;
}

int meta_fs_open_input(const char *path, int *out_fd, struct meta_error *err)
{
    struct stat st;
    int ret = meta_fs_open_input_stat(path, out_fd, &st, err);
    if (ret == META_OK && fcntl(*out_fd, F_SETFL, fcntl(*out_fd, F_GETFL) & ~O_NONBLOCK) != 0) {
        ret = meta_error_set(err, META_EIO, "%s: cannot read: %s", path, strerror(errno));
        close(*out_fd);
        *out_fd = -1;
    }
    return ret;
}

int meta_fs_stat(int dir_fd, const char *dir_path, const char *name,
                 const struct meta_fs_rule *rule, struct stat *st, bool *exists,
                 struct meta_error *err)
{
    *exists = false;
    char path[4608];
    join(path, sizeof path, dir_path, name ? name : "");
    if (!single_component(name))
        return meta_error_set(err, META_EINVAL, "'%s' is not a single file name", path);
    struct stat local;
    if (!st)
        st = &local;
    if (fstatat(dir_fd, name, st, AT_SYMLINK_NOFOLLOW) != 0) {
        if (errno == ENOENT)
            return META_OK;
        return meta_error_set(err, META_EIO, "cannot look at '%s': %s", path, strerror(errno));
    }
    *exists = true;
    if (S_ISLNK(st->st_mode))
        return meta_error_set(err, META_EINVAL, "'%s' is a symbolic link: refusing to follow it",
                              path);
    return meta_fs_check(st, path, rule, err);
}
