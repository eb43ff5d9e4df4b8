/*
 * Status codes and error detail shared by every layer of meta.
 * Library functions return one of the META_* codes and, when given a
 * struct meta_error, leave a human-readable explanation in it; only cmd/
 * turns them into messages and exit codes.
 */
#ifndef META_STATUS_H
#define META_STATUS_H

#include <stddef.h>

enum meta_status {
    META_OK = 0,  /* success */
    META_EINVAL,  /* invalid argument or input data */
    META_EDOM,    /* a quantity cannot be estimated from these data */
    META_ENOCONV, /* an iterative algorithm did not converge */
    META_EDB,     /* the database refused or failed */
    META_EIO,     /* a file, pipe or process failed */
    META_ENOMEM   /* out of memory */
};

#define META_ERROR_MAX 4096

/* Detail text for the last failure; callers allocate it (usually on the stack). */
struct meta_error {
    char msg[META_ERROR_MAX];
};

/* Sets err->msg from a printf format; err may be NULL. Returns status, so that
 * `return meta_error_set(err, META_EINVAL, "...")` reads naturally. */
int meta_error_set(struct meta_error *err, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Clears err (may be NULL). */
void meta_error_clear(struct meta_error *err);

/* A short lowercase name for a status code ("invalid input", ...). */
const char *meta_strstatus(int status);

#endif
