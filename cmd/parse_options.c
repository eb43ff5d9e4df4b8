/*
 * Reading a command line against a declared option table (see
 * parse_options.h). Long options are matched exactly (no abbreviations,
 * which would change meaning as options are added); an unknown one is
 * reported with the declared names closest to it.
 */
#include "parse_options.h"
#include "cli_common.h"
#include "close_match.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cli_spell_option(char *buf, size_t size, const char *key)
{
    snprintf(buf, size, "--%s", key);
}

const struct cli_option *cli_option_find(const struct cli_option *options, const char *name)
{
    for (const struct cli_option *o = options; o->type != CLI_OPTION_END; o++) {
        if (o->type == CLI_OPTION_REQUEST) {
            if (meta_analysis_option_find(name))
                return o;
        } else if (strcmp(o->name, name) == 0) {
            return o;
        }
    }
    return NULL;
}

static const struct cli_option *find_short(const struct cli_option *options, char c)
{
    for (const struct cli_option *o = options; o->type != CLI_OPTION_END; o++)
        if (o->type != CLI_OPTION_REQUEST && o->short_name == c)
            return o;
    return NULL;
}

int cli_option_takes_value(const struct cli_option *o, const char *name)
{
    if (o->type == CLI_OPTION_REQUEST)
        return meta_analysis_option_find(name)->takes_value;
    return o->type != CLI_OPTION_FLAG;
}

int cli_option_apply(const struct cli_option *o, const char *name, const char *value,
                     struct meta_request_error *e)
{
    e->key = NULL;
    switch (o->type) {
    case CLI_OPTION_REQUEST:
        return meta_analysis_request_set(o->value, name, value, e);
    case CLI_OPTION_STRING:
        *(const char **)o->value = value;
        return META_OK;
    case CLI_OPTION_CALLBACK:
        return o->callback(o, value, e);
    case CLI_OPTION_FLAG:
        if (meta_flag_parse(value, o->value) == META_OK)
            return META_OK;
        return meta_error_set(&e->err, META_EINVAL, "--%s takes no value or true/false, got '%s'",
                              o->name, value);
    case CLI_OPTION_END:
        break;
    }
    return meta_error_set(&e->err, META_EINVAL, "unknown option '--%s'", name);
}

/* "unknown option '--x'" with the declared names closest to it. */
static int unknown_option(const char *cmd, const char *arg, const struct cli_option *options)
{
    const char *names[64];
    size_t n = 0;
    for (const struct cli_option *o = options; o->type != CLI_OPTION_END && n < 64; o++) {
        if (o->type != CLI_OPTION_REQUEST) {
            names[n++] = o->name;
            continue;
        }
        for (const struct meta_analysis_option *k = meta_analysis_options; k->name && n < 64; k++)
            names[n++] = k->name;
    }
    char bare[256];
    snprintf(bare, sizeof bare, "%s", arg + strspn(arg, "-"));
    bare[strcspn(bare, "=")] = '\0';
    char matches[512];
    meta_close_matches(bare, names, n, matches, sizeof matches);
    if (matches[0])
        return cli_usage_error(cmd, "unknown option '%s' (did you mean: %s?)", arg, matches);
    return cli_usage_error(cmd, "unknown option '%s'", arg);
}

int cli_parse_options(const char *cmd, int argc, char **argv, const struct cli_option *options,
                      int *n_positional)
{
    int only_positional = 0;
    if (n_positional)
        *n_positional = 0;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        int is_option = !only_positional && arg[0] == '-' && arg[1] != '\0';
        if (is_option && strcmp(arg, "--") == 0 && n_positional) {
            only_positional = 1;
            continue;
        }
        if (!is_option || strcmp(arg, "--") == 0) {
            if (!n_positional)
                return cli_usage_error(cmd, "unexpected argument '%s'", arg);
            argv[1 + (*n_positional)++] = argv[i]; /* never ahead of i */
            continue;
        }
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0)
            return cli_help(cmd, stdout);
        char name[256];
        const char *value = NULL;
        const struct cli_option *o;
        if (arg[1] != '-') {
            /* -o FILE or -oFILE */
            if (!(o = find_short(options, arg[1])))
                return unknown_option(cmd, arg, options);
            snprintf(name, sizeof name, "%s", o->name);
            if (arg[2]) {
                if (o->type == CLI_OPTION_FLAG)
                    return unknown_option(cmd, arg, options);
                value = arg + 2;
            }
        } else {
            const char *eq = strchr(arg + 2, '=');
            size_t len = eq ? (size_t)(eq - arg - 2) : strlen(arg + 2);
            if (len >= sizeof name)
                return unknown_option(cmd, arg, options);
            memcpy(name, arg + 2, len);
            name[len] = '\0';
            value = eq ? eq + 1 : NULL;
            if (!(o = cli_option_find(options, name)))
                return unknown_option(cmd, arg, options);
        }
        if (cli_option_takes_value(o, name) && !value) {
            if (i + 1 >= argc)
                return cli_usage_error(cmd, "option '%s' needs a value", arg);
            value = argv[++i];
        }
        struct meta_request_error e;
        meta_request_error_init(&e, cli_spell_option);
        int ret = cli_option_apply(o, name, value, &e);
        if (ret == META_ENOMEM)
            return cli_fail(cmd, ret, &e.err);
        if (ret != META_OK)
            return cli_usage_error(cmd, "%s", e.err.msg);
    }
    return CLI_CONTINUE;
}
