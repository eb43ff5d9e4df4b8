/*
 * `meta list trials|outcomes|treatments`: what the registry holds, with
 * counts, as an aligned table (names left, counts right), CSV (RFC 4180) or
 * JSON (an array of objects whose counts are numbers).
 */
#include "cli_common.h"
#include "commands.h"
#include "list.h"
#include "meta_report.h"
#include "meta_text_table.h"
#include "parse_options.h"

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

static const char *cell(const struct meta_list_table *t, size_t r, size_t c)
{
    return t->cells[r * t->ncols + c];
}

/* The listing as an aligned table: names left, counts right, a rule of
 * dashes under each header. */
static int print_table(FILE *out, const struct meta_list_table *t)
{
    struct meta_text_table tt;
    meta_text_table_init(&tt, t->ncols);
    for (size_t c = 0; c < t->ncols; c++)
        tt.right[c] = t->numeric[c];
    struct meta_text_row *h = meta_text_table_row(&tt, META_TEXT_ROW_CELLS);
    for (size_t c = 0; c < t->ncols; c++)
        meta_text_table_set(&tt, h, c, "%s", t->columns[c]);
    meta_text_table_row(&tt, META_TEXT_ROW_COLUMN_RULE);
    for (size_t r = 0; r < t->nrows; r++) {
        struct meta_text_row *row = meta_text_table_row(&tt, META_TEXT_ROW_CELLS);
        for (size_t c = 0; c < t->ncols; c++)
            meta_text_table_set(&tt, row, c, "%s", cell(t, r, c));
    }
    int oom = tt.oom;
    if (!oom)
        meta_text_table_print(out, &tt);
    meta_text_table_release(&tt);
    return oom;
}

static int print_csv(FILE *out, const struct meta_list_table *t)
{
    for (size_t c = 0; c < t->ncols; c++) {
        meta_csv_field(out, t->columns[c]);
        fputc(c + 1 == t->ncols ? '\n' : ',', out);
    }
    for (size_t r = 0; r < t->nrows; r++) {
        for (size_t c = 0; c < t->ncols; c++) {
            meta_csv_field(out, cell(t, r, c));
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
        CLI_STRING("db", 0, &conninfo),
        CLI_STRING("format", 0, &format_name),
        CLI_END,
    };
    int n_args = 0;
    int parsed = cli_parse_options("list", argc, argv, options, &n_args);
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
    if (n_args != 1)
        return cli_usage_error("list", "expected one of trials, outcomes, treatments");
    enum meta_list_what what;
    if (meta_list_parse(argv[1], &what) != META_OK)
        return cli_usage_error(
            "list", "unknown listing '%s' (expected trials, outcomes, treatments)", argv[1]);

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
    return 0; /* main checks that standard output was written */
}
