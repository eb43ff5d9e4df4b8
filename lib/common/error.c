/*
 * The error-detail helpers declared in meta_status.h. Kept apart from the
 * statistics and registry layers so that both can use them without
 * depending on each other.
 */
#include "meta_status.h"

#include <stdarg.h>
#include <stdio.h>

int meta_error_set(struct meta_error *err, int status, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return status;
}

void meta_error_clear(struct meta_error *err)
{
    if (err)
        err->msg[0] = '\0';
}

const char *meta_strstatus(int status)
{
    switch (status) {
    case META_OK:
        return "success";
    case META_EINVAL:
        return "invalid input";
    case META_EDOM:
        return "cannot be estimated";
    case META_ENOCONV:
        return "did not converge";
    case META_EDB:
        return "database error";
    case META_EIO:
        return "input/output error";
    case META_ENOMEM:
        return "out of memory";
    default:
        return "unknown error";
    }
}
