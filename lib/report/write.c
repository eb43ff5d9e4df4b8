/*
 * The writers of a result, by format (see meta_report_write): one table
 * from format name to writer, so that a front end parses a --format value
 * or an output kind and writes without a chain of conditions; and the
 * writers of `meta bias` and `meta regress` by format.
 */
#include "report_internal.h"

#include <string.h>

static const struct {
    const char *name;
    enum meta_report_format format;
    int (*write)(FILE *out, const struct meta_analysis *an, struct meta_error *err);
} writers[] = {
    {"table", META_REPORT_TABLE, meta_report_table},
    {"csv", META_REPORT_CSV, meta_report_csv},
    {"json", META_REPORT_JSON, meta_report_json},
};

#define N_WRITERS (sizeof writers / sizeof writers[0])

int meta_report_format_parse(const char *name, enum meta_report_format *out)
{
    for (size_t i = 0; name && i < N_WRITERS; i++)
        if (strcmp(name, writers[i].name) == 0) {
            *out = writers[i].format;
            return META_OK;
        }
    return META_EINVAL;
}

int meta_report_write(FILE *out, enum meta_report_format format, const struct meta_analysis *an,
                      struct meta_error *err)
{
    for (size_t i = 0; i < N_WRITERS; i++)
        if (writers[i].format == format)
            return writers[i].write(out, an, err);
    return meta_error_set(err, META_EINVAL, "unknown output format %d", (int)format);
}

int meta_report_bias_json(FILE *out, const struct meta_analysis *an, struct meta_error *err)
{
    struct meta_jb b;
    struct meta_jv *root = report_bias_root(&b, an);
    return report_json_print(out, &b, root, err);
}

int meta_report_regress_json(FILE *out, const struct meta_analysis *an, struct meta_error *err)
{
    struct meta_jb b;
    struct meta_jv *root = report_regress_root(&b, an);
    return report_json_print(out, &b, root, err);
}

int meta_report_bias_write(FILE *out, enum meta_report_format format,
                           const struct meta_analysis *an, struct meta_error *err)
{
    switch (format) {
    case META_REPORT_TABLE:
        return meta_report_bias_table(out, an, err);
    case META_REPORT_CSV:
        return meta_report_bias_csv(out, an, err);
    case META_REPORT_JSON:
        return meta_report_bias_json(out, an, err);
    }
    return meta_error_set(err, META_EINVAL, "unknown output format %d", (int)format);
}

int meta_report_regress_write(FILE *out, enum meta_report_format format,
                              const struct meta_analysis *an, struct meta_error *err)
{
    switch (format) {
    case META_REPORT_TABLE:
        return meta_report_regress_table(out, an, err);
    case META_REPORT_CSV:
        return meta_report_regress_csv(out, an, err);
    case META_REPORT_JSON:
        return meta_report_regress_json(out, an, err);
    }
    return meta_error_set(err, META_EINVAL, "unknown output format %d", (int)format);
}
