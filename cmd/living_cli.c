/*
 * The identity of an analysis file in the history of runs (see
 * living_cli.h): one absolute path, whichever way the file was named.
 */
#include "living_cli.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int cli_analysis_identity(const char *path, char *out, size_t size, struct meta_error *err)
{
    char resolved[PATH_MAX];
    if (realpath(path, resolved)) {
        if (snprintf(out, size, "%s", resolved) >= (int)size)
            return meta_error_set(err, META_EIO, "%s: path too long", path);
        return META_OK;
    }
    if (errno != ENOENT)
        return meta_error_set(err, META_EIO, "%s: %s", path, strerror(errno));
    if (path[0] == '/') {
        if (snprintf(out, size, "%s", path) >= (int)size)
            return meta_error_set(err, META_EIO, "%s: path too long", path);
        return META_OK;
    }
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd))
        return meta_error_set(err, META_EIO, "cannot find the working directory: %s",
                              strerror(errno));
    while (strncmp(path, "./", 2) == 0)
        path += 2;
    if (snprintf(out, size, "%s/%s", strcmp(cwd, "/") == 0 ? "" : cwd, path) >= (int)size)
        return meta_error_set(err, META_EIO, "%s: path too long", path);
    return META_OK;
}
