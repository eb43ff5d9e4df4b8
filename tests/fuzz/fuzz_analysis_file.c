/*
 * libFuzzer target: the analysis-file parser of `meta run` (cmd/analysis_file.c,
 * through meta_analysis_file_parse, which takes the text). Besides not
 * crashing under ASan and UBSan, a file it accepts must keep the parser's
 * promises: an outcome, both sides and an output, every output path
 * relative, clean ("." and repeated slashes gone), never through "..", free
 * of control characters and declared once, with a plot extension for plots;
 * a file it refuses must say so as "fuzz.ini:LINE: ..." or "fuzz.ini: ...",
 * on one line.
 */
#include "analysis_file.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAME "fuzz.ini"

static void broken(const char *what)
{
    fprintf(stderr, "fuzz_analysis_file: %s\n", what);
    abort();
}

static void check_path(const struct meta_analysis_output *o)
{
    const char *p = o->path;
    if (!p || !*p)
        broken("an empty output path");
    if (p[0] == '/' || p[strlen(p) - 1] == '/')
        broken("an output path that is absolute or names a directory");
    if (strstr(p, "//"))
        broken("an output path with a repeated slash");
    for (const char *c = p; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            broken("an output path with a control character");
    for (const char *s = p; *s;) {
        size_t n = strcspn(s, "/");
        if ((n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
            broken("an output path with a '.' or '..' component");
        s += n;
        if (*s == '/')
            s++;
    }
    if (o->kind == META_OUTPUT_FOREST || o->kind == META_OUTPUT_FUNNEL) {
        enum meta_plot_format fmt;
        if (meta_plot_format_from_path(p, &fmt, NULL) != META_OK)
            broken("a plot output without a plot extension");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct meta_analysis_file af;
    struct meta_error err;
    meta_analysis_file_init(&af);
    meta_error_clear(&err);
    int ret = meta_analysis_file_parse(&af, NAME, (const char *)data, size, &err);
    if (ret == META_OK) {
        if (!af.req.outcome || af.req.n_treatments == 0 || af.req.n_controls == 0)
            broken("an accepted file without outcome, treatment or control");
        if (af.n_outputs == 0)
            broken("an accepted file without an output");
        for (size_t i = 0; i < af.n_outputs; i++) {
            check_path(&af.outputs[i]);
            for (size_t j = 0; j < i; j++)
                if (strcmp(af.outputs[i].path, af.outputs[j].path) == 0)
                    broken("an output declared twice");
        }
    } else if (ret == META_EINVAL || ret == META_EIO) {
        if (strncmp(err.msg, NAME ":", sizeof NAME) != 0)
            broken("a refusal that does not start with the file's name");
        if (strchr(err.msg, '\n'))
            broken("a refusal on more than one line");
    } else if (ret != META_ENOMEM) {
        broken("an unexpected status");
    }
    meta_analysis_file_release(&af);
    return 0;
}
