/*
 * Where the private cluster lives and how meta reaches it safely: META_HOME
 * resolved once, then opened by descriptor from "/" down without following
 * a link, each directory checked as ssh checks the path of a key file, so
 * that meta (root, above all) never acts on what another user planted there.
 */
#define _GNU_SOURCE /* O_PATH */
#include "cluster_internal.h"
#include "safe_fs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* path with control characters shown as \xNN, for messages. */
static void printable(char *out, size_t size, const char *path)
{
    size_t j = 0;
    for (const unsigned char *p = (const unsigned char *)path; *p && j + 5 < size; p++) {
        if (*p < 0x20 || *p == 0x7f)
            j += (size_t)snprintf(out + j, size - j, "\\x%02x", *p);
        else
            out[j++] = (char)*p;
    }
    out[j] = '\0';
}

/* Refuses the characters that one of PostgreSQL's tools cannot carry: libpq
 * splits its host list at commas, and pg_ctl hands -D and -l to the shell in
 * double quotes, where '"', '$', '`' and a doubled backslash are special.
 * A single quote or a lone backslash is quoted where it goes. */
static int check_characters(const char *home, struct meta_error *err)
{
    const char *reason = NULL;
    char what[64] = "";
    for (const char *p = home; *p && !reason; p++) {
        unsigned char ch = (unsigned char)*p;
        if (ch < 0x20 || ch == 0x7f) {
            reason = "a control character";
        } else if (ch == ',') {
            reason = "a comma, which libpq reads as a separator between hosts";
        } else if (ch == '"' || ch == '$' || ch == '`') {
            snprintf(what, sizeof what, "'%c', which pg_ctl's shell command would interpret", ch);
            reason = what;
        } else if (ch == '\\' && p[1] == '\\') {
            reason = "two backslashes in a row, which pg_ctl's shell command turns into one";
        }
    }
    if (!reason)
        return META_OK;
    char shown[4096 * 4 + 8];
    printable(shown, sizeof shown, home);
    return meta_error_set(err, META_EINVAL,
                          "META_HOME '%s' holds %s: PostgreSQL's tools cannot use it; choose "
                          "another META_HOME",
                          shown, reason);
}

int cluster_resolve_home(const char *given, char *out, size_t size, struct meta_error *err)
{
    char prefix[PATH_MAX], rest[PATH_MAX] = "";
    if (given[0] != '/' || strlen(given) >= sizeof prefix)
        return meta_error_set(err, META_EINVAL, "META_HOME '%.200s' is not a usable absolute path",
                              given);
    snprintf(prefix, sizeof prefix, "%s", given);
    size_t len = strlen(prefix);
    while (len > 1 && prefix[len - 1] == '/')
        prefix[--len] = '\0';
    /* The deepest part that exists: resolved; the rest is created later. */
    struct stat st;
    while (lstat(prefix, &st) != 0) {
        if (errno != ENOENT)
            return meta_error_set(err, META_EIO, "cannot read META_HOME '%s': '%s': %s", given,
                                  prefix, strerror(errno));
        char *slash = strrchr(prefix, '/');
        char moved[PATH_MAX];
        snprintf(moved, sizeof moved, "%s%s", slash, rest);
        snprintf(rest, sizeof rest, "%s", moved);
        if (slash == prefix) {
            strcpy(prefix, "/");
        } else {
            *slash = '\0';
        }
    }
    if (!*rest && S_ISLNK(st.st_mode))
        return meta_error_set(err, META_EINVAL,
                              "META_HOME '%s' is a symbolic link: meta keeps its cluster in a "
                              "directory of its own, not behind a link; set META_HOME to the "
                              "directory itself",
                              given);
    char *real = realpath(prefix, NULL);
    if (!real)
        return meta_error_set(err, META_EIO, "cannot read META_HOME '%s': '%s': %s", given, prefix,
                              strerror(errno));
    snprintf(out, size, "%s", strcmp(real, "/") == 0 ? "" : real);
    free(real);
    for (char *save = NULL, *comp = strtok_r(rest, "/", &save); comp;
         comp = strtok_r(NULL, "/", &save)) {
        if (strcmp(comp, ".") == 0)
            continue;
        if (strcmp(comp, "..") == 0)
            return meta_error_set(err, META_EINVAL,
                                  "META_HOME '%s' climbs out of a directory that does not exist "
                                  "('..'): give the path without it",
                                  given);
        size_t used = strlen(out);
        if (used + strlen(comp) + 2 > size)
            return meta_error_set(err, META_EINVAL, "META_HOME '%.200s...' is too long", given);
        snprintf(out + used, size - used, "/%s", comp);
    }
    if (!*out)
        strcpy(out, "/");
    return check_characters(out, err);
}

void cluster_dirs_init(struct cluster_dirs *d)
{
    d->home = d->data = d->run = d->log = -1;
}

void cluster_dirs_close(struct cluster_dirs *d)
{
    int *fds[] = {&d->home, &d->data, &d->run, &d->log};
    for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++) {
        if (*fds[i] >= 0)
            close(*fds[i]);
        *fds[i] = -1;
    }
}

struct meta_fs_rule cluster_server_rule(const struct meta_cluster *c)
{
    struct meta_fs_rule r = {(uid_t)c->server_uid, false, S_IWGRP | S_IWOTH, false, true};
    return r;
}

/* "user 'name'" of the invoking user, for messages. */
static void invoking_user(char *out, size_t size)
{
    struct passwd *pw = getpwuid(geteuid());
    if (pw)
        snprintf(out, size, "user '%s'", pw->pw_name);
    else
        snprintf(out, size, "uid %u", (unsigned)geteuid());
}

/* Words a failure to open META_HOME: it cannot be read, or it is unsafe. */
static int home_failure(const struct meta_cluster *c, int status, const struct meta_error *inner,
                        struct meta_error *err)
{
    if (status == META_EIO) {
        char who[300];
        invoking_user(who, sizeof who);
        return meta_error_set(err, META_EIO, "cannot read META_HOME '%s' as %s: %s", c->home, who,
                              inner->msg);
    }
    return meta_error_set(err, status, "unsafe META_HOME '%s': %s", c->home, inner->msg);
}

int cluster_open_home(const struct meta_cluster *c, bool create, struct cluster_dirs *d,
                      struct meta_error *err)
{
    uid_t me = geteuid();
    struct meta_fs_rule above = meta_fs_rule_private(me, true);
    struct meta_error inner;
    meta_error_clear(&inner);
    int flags = META_FS_EXACT_MODE | (create ? 0 : META_FS_NO_CREATE);
    int ret = meta_fs_mkdirs(AT_FDCWD, NULL, c->home, me == 0 ? 0711 : 0700, flags, &above, NULL,
                             NULL, &d->home, &inner);
    if (ret == META_EINVAL && faccessat(AT_FDCWD, c->home, R_OK | X_OK, AT_EACCESS) != 0 &&
        errno == EACCES) {
        /* Another user's META_HOME that this user cannot even read: say
         * that first, then why it would not be used anyway. */
        char why[META_ERROR_MAX];
        snprintf(why, sizeof why, "%s (%.3000s)", strerror(EACCES), inner.msg);
        snprintf(inner.msg, sizeof inner.msg, "%s", why);
        ret = META_EIO;
    }
    if (ret != META_OK)
        return home_failure(c, ret, &inner, err);
    if (d->home < 0)
        return META_OK;
    /* META_HOME itself: no sticky exception. */
    struct stat st;
    struct meta_fs_rule own = meta_fs_rule_private(me, false);
    if (fstat(d->home, &st) != 0)
        return meta_error_set(err, META_EIO, "cannot look at META_HOME '%s': %s", c->home,
                              strerror(errno));
    if ((ret = meta_fs_check(&st, c->home, &own, &inner)) != META_OK)
        return home_failure(c, ret, &inner, err);
    return META_OK;
}

/* As root: grants search permission to others on a directory on the way to
 * META_HOME that the server user could not pass through. */
static int grant_search(int fd, const char *path, const struct stat *st, bool created, void *ctx,
                        struct meta_error *err)
{
    (void)created;
    const struct meta_cluster *c = ctx;
    if (st->st_uid == c->server_uid || (st->st_mode & S_IXOTH))
        return META_OK;
    int rd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (rd < 0 || fchmod(rd, (st->st_mode & 07777) | S_IXOTH) != 0) {
        int e = errno;
        if (rd >= 0)
            close(rd);
        return meta_error_set(err, META_EIO, "cannot let user '%s' reach '%s': %s", c->server_user,
                              path, strerror(e));
    }
    close(rd);
    return META_OK;
}

int cluster_grant_search(const struct meta_cluster *c, struct meta_error *err)
{
    if (geteuid() != 0)
        return META_OK;
    struct meta_fs_rule above = meta_fs_rule_private(0, true);
    return meta_fs_mkdirs(AT_FDCWD, NULL, c->home, 0711, META_FS_NO_CREATE, &above, grant_search,
                          (void *)c, NULL, err);
}

int cluster_open_parts(const struct meta_cluster *c, struct cluster_dirs *d, bool create,
                       bool check, struct meta_error *err)
{
    static const char *const names[] = {"pgdata", "run", "log"};
    int *fds[] = {&d->data, &d->run, &d->log};
    struct meta_fs_rule rule = cluster_server_rule(c);
    for (size_t i = 0; i < 3; i++) {
        struct meta_error inner;
        int ret = META_OK;
        if (*fds[i] < 0)
            ret = meta_fs_open_dir(d->home, c->home, names[i], NULL, fds[i], &inner);
        if (ret == META_OK && *fds[i] < 0 && create) {
            if (mkdirat(d->home, names[i], 0700) != 0 && errno != EEXIST)
                return meta_error_set(err, META_EIO, "cannot create directory '%s/%s': %s", c->home,
                                      names[i], strerror(errno));
            ret = meta_fs_open_dir(d->home, c->home, names[i], NULL, fds[i], &inner);
            if (ret == META_OK && *fds[i] >= 0 &&
                (fchmod(*fds[i], 0700) != 0 ||
                 (geteuid() == 0 && fchown(*fds[i], c->server_uid, c->server_gid) != 0)))
                return meta_error_set(err, META_EIO, "cannot hand '%s/%s' to user '%s': %s",
                                      c->home, names[i], c->server_user, strerror(errno));
        }
        if (ret == META_OK && check && *fds[i] >= 0) {
            struct stat st;
            char path[4200];
            snprintf(path, sizeof path, "%s/%s", c->home, names[i]);
            if (fstat(*fds[i], &st) != 0)
                return meta_error_set(err, META_EIO, "cannot look at '%s': %s", path,
                                      strerror(errno));
            ret = meta_fs_check(&st, path, &rule, &inner);
        }
        if (ret != META_OK)
            return home_failure(c, ret, &inner, err);
    }
    return META_OK;
}
