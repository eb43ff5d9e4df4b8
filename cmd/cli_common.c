/*
 * Messages, usage errors and database opening shared by the commands
 * (see cli_common.h). The only place besides main() that decides how
 * failures look to users. A message is one line: whatever names, values
 * or paths it quotes, their control characters show escaped.
 */
#include "cli_common.h"
#include "commands.h"
#include "meta_escape.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static void vmessage(const char *cmd, const char *fmt, va_list ap)
{
    char text[META_ERROR_MAX + 512];
    vsnprintf(text, sizeof text, fmt, ap);
    fprintf(stderr, "meta %s: error: ", cmd);
    cli_put_escaped(stderr, text);
    fputc('\n', stderr);
}

void cli_print_line(const char *fmt, ...)
{
    char text[META_ERROR_MAX + 512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    cli_put_escaped(stdout, text);
    fputc('\n', stdout);
}

void cli_put_escaped(FILE *out, const char *text)
{
    char buf[1024];
    size_t len = meta_escape(buf, sizeof buf, text);
    if (len < sizeof buf) {
        fputs(buf, out);
        return;
    }
    char *copy = meta_escape_dup(text);
    fputs(copy ? copy : buf, out);
    free(copy);
}

int cli_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmessage(cmd, fmt, ap);
    va_end(ap);
    return 1;
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmessage(cmd, fmt, ap);
    va_end(ap);
    fprintf(stderr, "see 'meta %s --help'\n", cmd);
    return EXIT_USAGE;
}

int cli_help(const char *cmd, FILE *out)
{
    const struct meta_command *c = meta_command_find(cmd);
    if (c)
        fputs(c->usage, out);
    return 0;
}

int cli_fail(const char *cmd, int status, const struct meta_error *err)
{
    const char *detail = err && err->msg[0] ? err->msg : meta_strstatus(status);
    return cli_error(cmd, "%s", detail);
}

int cli_open_db(const char *cmd, const char *conninfo, struct meta_db **db)
{
    struct meta_error err;
    meta_error_clear(&err);
    int ret = meta_db_open(conninfo, db, &err);
    if (ret == META_OK && (ret = meta_db_set_read_only(*db, &err)) != META_OK) {
        meta_db_close(*db);
        *db = NULL;
    }
    if (ret != META_OK)
        return cli_fail(cmd, ret, &err);
    return 0;
}

int cli_open_db_writable(const char *cmd, const char *conninfo, const char *what,
                         struct meta_db **db)
{
    struct meta_error err;
    meta_error_clear(&err);
    int ret = meta_db_open(conninfo, db, &err);
    if (ret == META_OK && (ret = meta_db_require_writable(*db, what, &err)) != META_OK) {
        meta_db_close(*db);
        *db = NULL;
    }
    if (ret != META_OK)
        return cli_fail(cmd, ret, &err);
    return 0;
}
