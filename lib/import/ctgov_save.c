/*
 * The proposal written where the analyst asked for it, whole or not at all
 * (lib/common safe_out): a mapping half written, or written through a link
 * someone left at that path, would be edited and passed back as if whole.
 */
#include "meta_ctgov.h"
#include "safe_out.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int meta_ctgov_mapping_save(const struct meta_ctgov_mapping *m, const char *path,
                            struct meta_error *err)
{
    const char *slash = strrchr(path, '/');
    const char *name = slash ? slash + 1 : path;
    char *dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : NULL;
    struct meta_fs_out o = {.fd = -1, .own_dir = -1};
    int rc = META_OK, dir_fd = AT_FDCWD;
    if (slash && !dir)
        return meta_error_set(err, META_ENOMEM, "out of memory");
    if (!*name) {
        rc = meta_error_set(err, META_EINVAL, "'%s' names a directory, not a file", path);
        goto cleanup;
    }
    if (dir && (dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
        rc = meta_error_set(err, META_EIO, "cannot write '%s': %s", path, strerror(errno));
        goto cleanup;
    }
    if ((rc = meta_fs_out_open(&o, dir_fd, dir ? dir : NULL, name, 0666, 0, err)) != META_OK)
        goto cleanup;
    FILE *stream = meta_fs_out_stream(&o, err);
    if (!stream)
        rc = META_ENOMEM;
    else
        rc = meta_ctgov_mapping_write(m, stream, path, err);
    if (rc != META_OK)
        meta_fs_out_discard(&o);
    else
        rc = meta_fs_out_commit(&o, err);
cleanup:
    if (dir_fd >= 0 && dir_fd != AT_FDCWD)
        close(dir_fd);
    free(dir);
    return rc;
}
