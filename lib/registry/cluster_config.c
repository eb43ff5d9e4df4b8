/*
 * The private cluster's configuration as meta writes it: the settings that
 * keep the server on a Unix socket in a directory of its owner alone (the
 * path quoted per PostgreSQL's configuration syntax, whatever META_HOME
 * holds), and peer authentication that lets in the invoking user alone.
 */
#include "cluster_internal.h"
#include "safe_fs.h"
#include "safe_out.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* The first line of the pg_hba.conf meta writes: while it is there, the
 * file is meta's and left alone (its owner may have added map lines). */
#define HBA_HEADER "# meta: peer authentication for the user who runs meta (written by meta)\n"

/*
 * The socket directory as a value of unix_socket_directories: the list takes
 * an element in double quotes (a quote doubled inside), and postgresql.conf
 * a string in single quotes (a quote doubled, a backslash escaped).
 */
static int quote_socket_dir(char *out, size_t size, const char *dir)
{
    char element[4200];
    size_t j = 0;
    element[j++] = '"';
    for (const char *p = dir; *p && j + 3 < sizeof element; p++) {
        if (*p == '"')
            element[j++] = '"';
        element[j++] = *p;
    }
    element[j++] = '"';
    element[j] = '\0';
    j = 0;
    for (const char *p = element; *p; p++) {
        if (j + 3 >= size)
            return META_EINVAL;
        if (*p == '\'' || *p == '\\')
            out[j++] = *p;
        out[j++] = *p;
    }
    out[j] = '\0';
    return META_OK;
}

int cluster_write_settings(const struct meta_cluster *c, const struct cluster_dirs *d,
                           struct meta_error *err)
{
    char quoted[8600], text[9000], path[4200];
    if (quote_socket_dir(quoted, sizeof quoted, c->socketdir) != META_OK)
        return meta_error_set(err, META_EINVAL, "META_HOME '%s' is too long", c->home);
    snprintf(text, sizeof text,
             "\n# meta private cluster: Unix socket only, in a directory of its owner alone\n"
             "listen_addresses = ''\n"
             "unix_socket_directories = '%s'\n"
             "unix_socket_permissions = 0700\n",
             quoted);
    snprintf(path, sizeof path, "%s/postgresql.conf", c->datadir);
    struct meta_fs_rule rule = cluster_server_rule(c);
    int fd = -1;
    int ret = meta_fs_open_file(d->data, c->datadir, "postgresql.conf", O_WRONLY | O_APPEND, 0,
                                &rule, &fd, err);
    if (ret != META_OK)
        return ret;
    if (fd < 0)
        return meta_error_set(err, META_EIO, "initdb left no '%s'", path);
    ret = meta_fs_write_all(fd, text, strlen(text), path, err);
    if (ret != META_OK) {
        close(fd);
        return ret;
    }
    return meta_fs_close(fd, path, err);
}

int cluster_write_file(const struct meta_cluster *c, int dir_fd, const char *dir_path,
                       const char *name, const char *text, mode_t mode, bool for_server,
                       struct meta_error *err)
{
    struct meta_fs_out o;
    int ret = meta_fs_out_open(&o, dir_fd, dir_path, name, mode, 0, err);
    if (ret != META_OK)
        return ret;
    if (for_server && geteuid() == 0 && fchown(o.fd, c->server_uid, c->server_gid) != 0)
        ret = meta_error_set(err, META_EIO, "cannot hand '%s' to user '%s': %s", o.path,
                             c->server_user, strerror(errno));
    if (ret == META_OK)
        ret = meta_fs_out_write(&o, text, strlen(text), err);
    if (ret != META_OK) {
        meta_fs_out_discard(&o);
        return ret;
    }
    return meta_fs_out_commit(&o, err);
}

/* Whether pgdata/pg_hba.conf starts with meta's header. */
static int hba_is_meta(const struct meta_cluster *c, const struct cluster_dirs *d, bool *is_meta,
                       struct meta_error *err)
{
    *is_meta = false;
    struct meta_fs_rule rule = cluster_server_rule(c);
    int fd = -1;
    int ret = meta_fs_open_file(d->data, c->datadir, "pg_hba.conf", O_RDONLY, 0, &rule, &fd, err);
    if (ret != META_OK || fd < 0)
        return ret;
    char head[sizeof HBA_HEADER];
    size_t got = 0;
    while (got < sizeof head - 1) {
        ssize_t n = read(fd, head + got, sizeof head - 1 - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    *is_meta = got == sizeof head - 1 && memcmp(head, HBA_HEADER, got) == 0;
    return META_OK;
}

int cluster_ensure_auth(const struct meta_cluster *c, const struct cluster_dirs *d, bool *changed,
                        struct meta_error *err)
{
    *changed = false;
    bool is_meta = false;
    int ret = hba_is_meta(c, d, &is_meta, err);
    if (ret != META_OK || is_meta)
        return ret;
    for (const char *p = c->os_user; *p; p++)
        if ((unsigned char)*p <= ' ' || *p == '"' || *p == 0x7f)
            return meta_error_set(err, META_EINVAL,
                                  "the user name '%s' cannot be written to pg_ident.conf",
                                  c->os_user);
    if (!*c->os_user)
        return meta_error_set(err, META_EINVAL, "cannot tell the name of the invoking user");
    char ident[1024];
    snprintf(ident, sizeof ident,
             "# meta: who may connect to meta's private cluster (see pg_hba.conf).\n"
             "# Peer authentication gives the OS user of the connecting process;\n"
             "# the map \"meta\" lets the user who runs meta in as the role meta.\n"
             "# MAPNAME  SYSTEM-USERNAME  PG-USERNAME\n"
             "meta       \"%s\"  " CLUSTER_SUPERUSER "\n",
             c->os_user);
    static const char hba[] =
        HBA_HEADER "# meta's private cluster takes connections on its Unix socket only (no TCP),\n"
                   "# and only from the OS users that pg_ident.conf maps (map \"meta\"): the\n"
                   "# user who runs meta, as the role meta. The server's own system user is\n"
                   "# not let in. To let that user in as another role, add a line to\n"
                   "# pg_ident.conf; meta leaves both files alone while this header stays.\n"
                   "#\n"
                   "# TYPE  DATABASE  USER  METHOD\n"
                   "local   all       all   peer map=meta\n";
    if ((ret = cluster_write_file(c, d->data, c->datadir, "pg_ident.conf", ident, 0600, true,
                                  err)) != META_OK ||
        (ret = cluster_write_file(c, d->data, c->datadir, "pg_hba.conf", hba, 0600, true, err)) !=
            META_OK)
        return ret;
    *changed = true;
    return META_OK;
}
