/*
 * Directories and files opened without following symbolic links, relative to
 * a directory descriptor, with the ownership and mode checks that a program
 * running as root in a directory someone else may write needs (as ssh checks
 * its key files). Used for $META_HOME and for every output meta writes.
 */
#ifndef META_SAFE_FS_H
#define META_SAFE_FS_H

#include "meta_status.h"

#include <fcntl.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <sys/types.h>

/*
 * What an entry must satisfy besides not being a symbolic link. A NULL rule
 * checks nothing more.
 */
struct meta_fs_rule {
    uid_t owner;    /* the owner required ... */
    bool or_root;   /* ... or root (uid 0) */
    mode_t forbid;  /* permission bits that must be clear, e.g. S_IWGRP | S_IWOTH */
    bool sticky_ok; /* a sticky directory (/tmp) may have forbidden write bits */
    bool one_link;  /* a regular file must have exactly one hard link */
};

/* Flags of meta_fs_mkdirs. */
#define META_FS_EXACT_MODE 1 /* directories it creates get mode exactly, whatever the umask */
#define META_FS_NO_CREATE  2 /* create nothing: a missing component ends the walk */

/*
 * Called by meta_fs_mkdirs for each directory of the walk, once it passed
 * the rule: fd is an O_PATH descriptor of it, path its name for messages,
 * created whether this walk made it. A status other than META_OK stops the
 * walk and is returned.
 */
typedef int (*meta_fs_visit_fn)(int fd, const char *path, const struct stat *st, bool created,
                                void *ctx, struct meta_error *err);

/*
 * mkdir -p without following a symbolic link at any component. rel is
 * relative to the directory dir_fd (AT_FDCWD: the current directory), or
 * absolute (then the walk starts at "/" and dir_fd is ignored); dir_path
 * names dir_fd in messages (NULL or "" for none). Empty and "." components
 * are skipped; ".." is refused. Each component is opened with O_NOFOLLOW
 * (a link there, even to a directory, is an error naming it), created with
 * mode when missing (masked by the umask unless flags has
 * META_FS_EXACT_MODE), and checked against rule (may be NULL), then passed
 * to visit (may be NULL). With META_FS_NO_CREATE a missing component is no
 * error: *out_fd is set to -1 and META_OK returned.
 * On success *out_fd (when out_fd is not NULL) is a descriptor of the last
 * directory opened O_RDONLY | O_DIRECTORY | O_CLOEXEC, which the caller
 * closes. Returns META_EINVAL for a link, a component that is not a
 * directory or breaks the rule, "..", or an empty rel; META_EIO when a
 * directory cannot be created or read (err: "cannot ... 'PATH': strerror").
 */
int meta_fs_mkdirs(int dir_fd, const char *dir_path, const char *rel, mode_t mode, int flags,
                   const struct meta_fs_rule *rule, meta_fs_visit_fn visit, void *ctx, int *out_fd,
                   struct meta_error *err);

/*
 * Opens the existing directory name (one component, no '/') in dir_fd
 * without following a link, checks it against rule, and sets *out_fd to an
 * O_RDONLY | O_DIRECTORY | O_CLOEXEC descriptor (the caller closes it), or
 * to -1 when name does not exist (META_OK). Errors as meta_fs_mkdirs.
 */
int meta_fs_open_dir(int dir_fd, const char *dir_path, const char *name,
                     const struct meta_fs_rule *rule, int *out_fd, struct meta_error *err);

/*
 * Opens the regular file name (one component) in dir_fd with oflags
 * (O_RDONLY, O_WRONLY, O_RDWR, O_APPEND, O_CREAT, O_EXCL, O_TRUNC; mode for
 * O_CREAT), never following a link and never blocking on a FIFO or a
 * device: anything but a regular file is refused. O_TRUNC is applied only
 * after the checks. Checks rule (may be NULL). *out_fd receives the
 * descriptor (close-on-exec, blocking), or -1 when name does not exist and
 * oflags has no O_CREAT (META_OK). Returns META_EINVAL for a link, a
 * directory, a FIFO or other non-regular file, or a broken rule; META_EIO
 * when it cannot be opened (err names the path and strerror).
 */
int meta_fs_open_file(int dir_fd, const char *dir_path, const char *name, int oflags, mode_t mode,
                      const struct meta_fs_rule *rule, int *out_fd, struct meta_error *err);

/*
 * Opens path, an input file the user named (an analysis file, a file to
 * load), for reading: links are followed, as for any path the user types,
 * but the open never blocks on a FIFO or a device, and anything but a
 * regular file is refused before a byte is read. *out_fd receives a
 * blocking, close-on-exec descriptor (the caller closes it), or -1 on
 * failure. Messages name the file first, as readers of input do: META_EINVAL
 * for a directory ("PATH: is a directory, not a file"), a FIFO, a socket or
 * a device ("PATH: is a FIFO, not a regular file: refusing to read it");
 * META_EIO when it cannot be opened ("PATH: cannot read: strerror", a
 * missing file included).
 */
int meta_fs_open_input(const char *path, int *out_fd, struct meta_error *err);

/*
 * meta_fs_open_input for a file read whole at once with read(2): the same
 * checks and messages, and *st receives the file's status, but the
 * descriptor stays non-blocking (which changes nothing for a regular
 * file's reads), saving the calls that would clear it. Not for a stream.
 */
int meta_fs_open_input_stat(const char *path, int *out_fd, struct stat *st, struct meta_error *err);

/* The flags to open an input file with before meta_fs_accept_input: never
 * blocking on a FIFO or a device, never becoming a controlling terminal. */
#define META_FS_INPUT_FLAGS (O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)

/*
 * The checks of meta_fs_open_input on fd, a descriptor of an input file
 * opened with META_FS_INPUT_FLAGS (so that a FIFO or a device put in the
 * file's place after any earlier check did not block the open): refuses
 * anything but a regular file, then makes fd blocking. name names the file
 * in messages, as meta_fs_open_input words them. Returns META_OK, or
 * META_EINVAL (not a regular file) or META_EIO; fd stays open either way.
 */
int meta_fs_accept_input(int fd, const char *name, struct meta_error *err);

/*
 * lstat of name (one component) in dir_fd: *exists says whether it is
 * there; a symbolic link is refused (META_EINVAL), and what is there is
 * checked against rule (may be NULL). st may be NULL. META_EIO when it
 * cannot be looked at (permission denied: err says so).
 */
int meta_fs_stat(int dir_fd, const char *dir_path, const char *name,
                 const struct meta_fs_rule *rule, struct stat *st, bool *exists,
                 struct meta_error *err);

/*
 * Checks an already open entry (st from fstat) against rule; path names it
 * in the message. META_OK or META_EINVAL: "'PATH' belongs to user 'x' ...",
 * "'PATH' may be written by others (mode 0777) ...".
 */
int meta_fs_check(const struct stat *st, const char *path, const struct meta_fs_rule *rule,
                  struct meta_error *err);

/* The rule "owned by uid or root, written by nobody else": what meta asks of
 * $META_HOME and the directories above it (sticky_ok for those). */
struct meta_fs_rule meta_fs_rule_private(uid_t uid, bool sticky_ok);

#endif
