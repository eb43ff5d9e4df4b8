/*
 * Output files that appear whole or not at all: written to a temporary file
 * in the target's own directory (opened by descriptor, no link followed) and
 * renamed over the target only once every byte is written and the file is
 * closed; removed on any failure. Also the write-all and close/flush checks
 * that report the path and strerror, for files and standard output alike.
 */
#ifndef META_SAFE_OUT_H
#define META_SAFE_OUT_H

#include "meta_status.h"

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

/* One output file being written. */
struct meta_fs_out {
    int dir_fd;   /* the directory that receives it (borrowed, not closed) */
    int fd;       /* the temporary file; -1 once committed or discarded */
    FILE *stream; /* the stream of meta_fs_out_stream, or NULL */
    char *name;   /* the target's name in dir_fd (owned) */
    char *tmp;    /* the temporary file's name in dir_fd (owned; NULL when none) */
    char *path;   /* the target as messages show it (owned) */
    int flags;
    int own_dir; /* dir_fd when o opened it (meta_fs_out_open_path), else -1 */
    int error;   /* errno of the first failed write through the stream, or 0 */
    char *mem;   /* META_FS_KEEP_SAME: the bytes written so far (the stream's buffer) */
    size_t mem_len;
    mode_t mode;   /* META_FS_KEEP_SAME: of the file, when it must be written */
    int temp_note; /* tmp's note for removal on a signal (temp_cleanup.h), or 0 */
};

/* Flag of meta_fs_out_open: commit fsyncs the file and its directory. */
#define META_FS_SYNC 1
/*
 * Flag of meta_fs_out_open: the bytes are gathered in memory (write through
 * meta_fs_out_stream or meta_fs_out_write; o->fd is -1) and commit leaves an
 * existing target alone when it already holds exactly those bytes; else it
 * writes them as without the flag (temporary file, rename). A re-run whose
 * outputs did not change then costs no new file. For outputs that fit in
 * memory (reports, not plots that a child process writes to o->fd).
 */
#define META_FS_KEEP_SAME 2

/*
 * Starts writing the file name (one path component) in the directory dir_fd
 * (named dir_path in messages; may be NULL): creates a uniquely named
 * temporary file ".NAME.XXXXXX" there with O_CREAT | O_EXCL | O_NOFOLLOW and
 * mode (masked by the umask). An existing name that is a symbolic link, a
 * directory or anything but a regular file is refused (META_EINVAL) and left
 * alone; a regular file is replaced only by meta_fs_out_commit. The caller
 * may use o->fd directly (fchown, handing it to a child as its standard
 * output) until it commits. On failure nothing is left behind and o needs
 * no discard. META_EIO: err is "cannot write 'PATH': strerror".
 */
int meta_fs_out_open(struct meta_fs_out *o, int dir_fd, const char *dir_path, const char *name,
                     mode_t mode, int flags, struct meta_error *err);

/*
 * As meta_fs_out_open for relpath, a path relative to dir_fd that may name
 * subdirectories ("plots/bcg.png", as an output under `meta run --out DIR`):
 * they are created as needed (dir_mode, masked by the umask) and entered
 * without following a link at any component, as meta_fs_mkdirs does; an
 * absolute path or one with ".." is refused (META_EINVAL). Messages show
 * dir_path/relpath. o holds the subdirectory open until it commits or is
 * discarded.
 */
int meta_fs_out_open_path(struct meta_fs_out *o, int dir_fd, const char *dir_path,
                          const char *relpath, mode_t dir_mode, mode_t mode, int flags,
                          struct meta_error *err);

/*
 * As meta_fs_out_open for path, a file the user named (`meta forest -o
 * PATH`): its directory is opened as named, links included (the user's
 * choice, like any path they type), and the file itself is written as
 * meta_fs_out_open writes it: never through a link, whole or not at all.
 * Messages show path. A path ending in '/' names no file (META_EINVAL); a
 * directory that cannot be opened is META_EIO, "cannot write 'PATH':
 * strerror". o holds the directory open until it commits or is discarded.
 */
int meta_fs_out_open_file(struct meta_fs_out *o, const char *path, mode_t mode, int flags,
                          struct meta_error *err);

/*
 * A stdio stream on the file, for writers that take a FILE * (created on
 * the first call, the same stream after). Once taken, write through it (or
 * meta_fs_out_write, which then uses it), not through o->fd. NULL and err
 * set when out of memory.
 */
FILE *meta_fs_out_stream(struct meta_fs_out *o, struct meta_error *err);

/* Writes all len bytes (retrying short writes and EINTR). On failure:
 * META_EIO, "cannot write 'PATH': strerror"; the file stays open for the
 * caller to discard. */
int meta_fs_out_write(struct meta_fs_out *o, const void *buf, size_t len, struct meta_error *err);

/*
 * Finishes the file: flushes the stream, checks it for earlier write
 * errors, fsyncs under META_FS_SYNC, closes (checking close's status) and
 * renames it over the target. On any failure the temporary file is removed,
 * the target is as it was, and err says "cannot write 'PATH': strerror".
 * Either way o holds nothing afterwards (no discard needed).
 */
int meta_fs_out_commit(struct meta_fs_out *o, struct meta_error *err);

/* Abandons the file: closes and removes the temporary file; the target is
 * untouched. Accepts a committed, failed or discarded o, and a zeroed one. */
void meta_fs_out_discard(struct meta_fs_out *o);

/* write(2) until all len bytes of buf are written (short writes and EINTR
 * retried). META_EIO with "cannot write 'PATH': strerror" on failure. */
int meta_fs_write_all(int fd, const void *buf, size_t len, const char *path,
                      struct meta_error *err);

/* close(2) with its status checked (NFS and full disks report there).
 * META_EIO with "cannot write 'PATH': strerror" on failure. */
int meta_fs_close(int fd, const char *path, struct meta_error *err);

/*
 * A stdio stream that writes to fd (all bytes, short writes and EINTR
 * retried) and keeps in *error the errno of its first failed write, which
 * stdio forgets once it drops a buffer it could not write: so that a
 * failure can be reported with its reason however late it is noticed.
 * *error belongs to the caller (set it to 0 first) and must outlive the
 * stream; closing the stream does not close fd. Buffered by line when fd is
 * a terminal, else in blocks. NULL (errno set) when out of memory.
 */
FILE *meta_fs_stream_fd(int fd, int *error);

/*
 * Flushes and closes a stdio stream, failing when it had any write error
 * before or fails now (EPIPE, ENOSPC, EIO...). path names it in the message
 * ("standard output" for stdout). META_EIO with "cannot write 'PATH':
 * strerror" on failure. The stream is closed either way.
 */
int meta_fs_stream_close(FILE *f, const char *path, struct meta_error *err);

#endif
