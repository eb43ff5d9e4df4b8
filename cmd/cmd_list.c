/*
 * `meta list trials|outcomes|treatments`: what the registry holds, with
 * counts, as an aligned table (names left, counts right), CSV (RFC 4180) or
 * JSON (an array of objects whose counts are numbers).
 */
#include "cli_common.h"
#include "commands.h"
#include "list.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

const char cmd_list_usage[] =
    "usage: meta list trials|outcomes|treatments [--format table|csv|json] [--db CONNINFO]\n"
    "\n"
    "Shows what the registry holds:\n"
    "  trials       each trial with its number of arms, outcomes and result rows\n"
    "  outcomes     each outcome and time point with its type (continuous or\n"
    "               binary) and the number of trials and arms reporting it\n"
    "  treatments   each treatment with the number of arms given it and of trials\n"
    "               with such an arm\n"
    "\n"
    "  --format F      table (default), csv or json\n"
    "  --db CONNINFO   the PostgreSQL server (libpq string or URI); default META_DB,\n"
    "                  else meta's private cluster\n";

enum format { FORMAT_TABLE, FORMAT_CSV, FORMAT_JSON };

/* Display width of UTF-8 text: its code points. */
static size_t width(const char *s)
{
    size_t w = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            w++;
    return w;
}

static const char *cell(const struct meta_list_table *t, size_t r, size_t c)
{
    return t->cells[r * t->ncols + c];
}

static void pad(FILE *out, size_t n)
{
    while (n-- > 0)
        fputc(' ', out);
}

static void print_aligned(FILE *out, const struct meta_list_table *t, const size_t *w,
                          const char *const *row)
{
    for (size_t c = 0; c < t->ncols; c++) {
        size_t fill = w[c] - width(row[c]);
        int last = c + 1 == t->ncols;
        if (t->numeric[c])
            pad(out, fill);
        fputs(row[c], out);
        if (!t->numeric[c] && !last)
            pad(out, fill);
        if (!last)
            fputs("  ", out);
    }
    fputc('\n', out);
}

static int print_table(FILE *out, const struct meta_list_table *t)
{
    size_t *w = calloc(t->ncols, sizeof *w);
    const char **row = calloc(t->ncols, sizeof *row);
    int ret = 1;
    if (!w || !row)
        goto cleanup;
    for (size_t c = 0; c < t->ncols; c++) {
        w[c] = width(t->columns[c]);
        for (size_t r = 0; r < t->nrows; r++)
            if (width(cell(t, r, c)) > w[c])
                w[c] = width(cell(t, r, c));
    }
    print_aligned(out, t, w, t->columns);
    for (size_t c = 0; c < t->ncols; c++) {
        for (size_t i = 0; i < w[c]; i++)
            fputc('-', out);
        fputs(c + 1 == t->ncols ? "\n" : "  ", out);
    }
    for (size_t r = 0; r < t->nrows; r++) {
        for (size_t c = 0; c < t->ncols; c++)
            row[c] = cell(t, r, c);
        print_aligned(out, t, w, row);
    }
    ret = 0;

cleanup:
    free(w);
    free(row);
    return ret;
}

static int print_csv(FILE *out, const struct meta_list_table *t)
{
    for (size_t c = 0; c < t->ncols; c++) {
        cli_csv_field(out, t->columns[c]);
        fputc(c + 1 == t->ncols ? '\n' : ',', out);
    }
    for (size_t r = 0; r < t->nrows; r++) {
        for (size_t c = 0; c < t->ncols; c++) {
            cli_csv_field(out, cell(t, r, c));
            fputc(c + 1 == t->ncols ? '\n' : ',', out);
        }
    }
    return 0;
}

static int print_json(FILE *out, const struct meta_list_table *t)
{
    json_object *array = json_object_new_array();
    int ret = 1;
    if (!array)
        return 1;
    for (size_t r = 0; r < t->nrows; r++) {
        json_object *obj = json_object_new_object();
        if (!obj || json_object_array_add(array, obj) != 0) {
            json_object_put(obj);
            goto cleanup;
        }
        for (size_t c = 0; c < t->ncols; c++) {
            const char *v = cell(t, r, c);
            json_object *val = t->numeric[c] ? json_object_new_int64(strtoll(v, NULL, 10))
                                             : json_object_new_string(v);
            if (!val || json_object_object_add(obj, t->columns[c], val) != 0) {
                json_object_put(val);
                goto cleanup;
            }
        }
    }
    fputs(json_object_to_json_string_ext(array, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
                                                    JSON_C_TO_STRING_NOSLASHESCAPE),
          out);
    fputc('\n', out);
    ret = 0;

cleanup:
    json_object_put(array);
    return ret;
}

int cmd_list(int argc, char **argv)
{
    const char *conninfo = NULL, *format_name = NULL;
    const struct cli_option options[] = {
        {"db", 0, 1, &conninfo},
        {"format", 0, 1, &format_name},
        {NULL, 0, 0, NULL},
    };
    int first = 0;
    int parsed = cli_parse_options("list", argc, argv, options, &first);
    if (parsed != CLI_CONTINUE)
        return parsed;
    enum format format = FORMAT_TABLE;
    if (!format_name || strcmp(format_name, "table") == 0)
        format = FORMAT_TABLE;
    else if (strcmp(format_name, "csv") == 0)
        format = FORMAT_CSV;
    else if (strcmp(format_name, "json") == 0)
        format = FORMAT_JSON;
    else
        return cli_usage_error("list", "unknown format '%s' (expected table, csv, json)",
                               format_name);
    if (first != argc - 1)
        return cli_usage_error("list", "expected one of trials, outcomes, treatments");
    enum meta_list_what what;
    if (meta_list_parse(argv[first], &what) != META_OK)
        return cli_usage_error(
            "list", "unknown listing '%s' (expected trials, outcomes, treatments)", argv[first]);

    struct meta_db *db = NULL;
    if (cli_open_db("list", conninfo, &db) != 0)
        return 1;
    struct meta_list_table table;
    struct meta_error err;
    meta_error_clear(&err);
    int ret = meta_db_list(db, what, &table, &err);
    meta_db_close(db);
    if (ret != META_OK)
        return cli_fail("list", ret, &err);
    int status = format == FORMAT_CSV    ? print_csv(stdout, &table)
                 : format == FORMAT_JSON ? print_json(stdout, &table)
                                         : print_table(stdout, &table);
    meta_list_table_release(&table);
    if (status != 0)
        return cli_error("list", "out of memory");
    if (fflush(stdout) != 0)
        return cli_error("list", "cannot write the listing");
    return 0;
}
