/*
 * Messages, usage errors and database opening shared by the commands
 * (see cli_common.h). The only place besides main() that decides how
 * failures look to users.
 */
#include "cli_common.h"
#include "commands.h"

#include <getopt.h>
#include <stdarg.h>
#include <string.h>

static void vmessage(const char *cmd, const char *fmt, va_list ap)
{
    fprintf(stderr, "meta %s: error: ", cmd);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
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

int cli_parse_options(const char *cmd, int argc, char **argv, const struct cli_option *options,
                      int *first)
{
    enum { MAX_OPTIONS = 32 };
    struct option longs[MAX_OPTIONS + 2];
    char shorts[2 * MAX_OPTIONS + 4] = ":h";
    size_t n = 0, s = 2;
    for (; options[n].name && n < MAX_OPTIONS; n++) {
        longs[n] = (struct option){options[n].name,
                                   options[n].takes_value ? required_argument : no_argument, NULL,
                                   (int)(256 + n)};
        if (options[n].short_name) {
            shorts[s++] = options[n].short_name;
            if (options[n].takes_value)
                shorts[s++] = ':';
        }
    }
    shorts[s] = '\0';
    longs[n] = (struct option){"help", no_argument, NULL, 'h'};
    longs[n + 1] = (struct option){NULL, 0, NULL, 0};
    optind = 0; /* reset getopt for this argument vector (GNU) */
    opterr = 0;
    int opt;
    while ((opt = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
        if (opt == 'h')
            return cli_help(cmd, stdout);
        if (opt == ':')
            return cli_usage_error(cmd, "option '%s' needs a value", argv[optind - 1]);
        size_t i = n;
        if (opt >= 256 && (size_t)(opt - 256) < n)
            i = (size_t)(opt - 256);
        else
            for (size_t j = 0; j < n; j++)
                if (options[j].short_name && options[j].short_name == opt)
                    i = j;
        if (i == n)
            return cli_usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
        *options[i].value = options[i].takes_value ? optarg : "1";
    }
    *first = optind;
    return CLI_CONTINUE;
}

void cli_csv_field(FILE *out, const char *s)
{
    if (!s)
        return;
    size_t len = strlen(s);
    int quote =
        strpbrk(s, ",\"\r\n") != NULL ||
        (len > 0 && (s[0] == ' ' || s[0] == '\t' || s[len - 1] == ' ' || s[len - 1] == '\t'));
    if (!quote) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}
