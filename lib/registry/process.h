/*
 * Running the PostgreSQL server programs (initdb, pg_ctl) for the private
 * cluster. PostgreSQL refuses to run as root, so when meta runs as root the
 * child drops to the cluster's unprivileged user before exec.
 */
#ifndef META_PROCESS_H
#define META_PROCESS_H

#include "meta_status.h"

#include <stddef.h>

/*
 * Runs argv (argv[0] an absolute path, NULL-terminated) and waits for it. When
 * the calling process is root it runs as `user`; otherwise as the caller. It
 * inherits no descriptor but its standard input (/dev/null), output and
 * error, which are captured into output (size bytes, NUL
 * terminated, the tail kept when longer; output may be NULL). *exit_status is
 * the exit code, or 128+signal. Returns META_EIO when the program cannot be
 * started at all.
 */
int meta_process_run(const char *user, char *const argv[], char *output, size_t size,
                     int *exit_status, struct meta_error *err);

/* Looks up uid and gid of user; META_EINVAL when there is no such user. */
int meta_process_user_ids(const char *user, unsigned *uid, unsigned *gid, struct meta_error *err);

#endif
