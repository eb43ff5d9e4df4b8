/*
 * The streaming CSV reader (lib/registry/csv_reader.c) on files written by
 * the test: RFC 4180 quoting, CRLF, a byte order mark, the line each field
 * starts on, every malformed-input error with its exact line and column,
 * the size limits, unreadable paths, FIFOs and devices (refused without
 * waiting), the SHA-256 of the bytes, and the UTF-8
 * check.
 */
#include "csv_reader.h"
#include "cunit_main.h"
#include "meta_load.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[64];

/* What the reader handed over, copied out of its callbacks. */
#define MAX_RECORDS 16
#define MAX_FIELDS  16
struct seen {
    size_t nrecords;
    struct {
        long line, number;
        size_t count;
        char *value[MAX_FIELDS];
        size_t len[MAX_FIELDS];
        long field_line[MAX_FIELDS];
    } rec[MAX_RECORDS];
    int stop_after; /* return META_EINVAL from this record number on (0: never) */
};

static int collect(const struct meta_csv_record *r, void *ctx)
{
    struct seen *s = ctx;
    if (s->nrecords < MAX_RECORDS) {
        size_t i = s->nrecords++;
        s->rec[i].line = r->line;
        s->rec[i].number = r->number;
        s->rec[i].count = r->count;
        for (size_t f = 0; f < r->count && f < MAX_FIELDS; f++) {
            s->rec[i].value[f] = malloc(r->fields[f].len + 1);
            memcpy(s->rec[i].value[f], r->fields[f].value, r->fields[f].len + 1);
            s->rec[i].len[f] = r->fields[f].len;
            s->rec[i].field_line[f] = r->fields[f].line;
        }
    }
    if (s->stop_after && r->number >= s->stop_after)
        return META_EINVAL;
    return META_OK;
}

static void seen_free(struct seen *s)
{
    for (size_t i = 0; i < s->nrecords && i < MAX_RECORDS; i++)
        for (size_t f = 0; f < s->rec[i].count && f < MAX_FIELDS; f++)
            free(s->rec[i].value[f]);
    memset(s, 0, sizeof *s);
}

/* Writes len bytes to dir/name and returns the path (static buffer). */
static const char *write_file(const char *name, const char *data, size_t len)
{
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL(fwrite(data, 1, len, f), len);
    fclose(f);
    return path;
}

/* Reads text written to a file called name; returns the status. */
static int read_text(const char *name, const char *text, struct seen *s, struct meta_error *err)
{
    const char *path = write_file(name, text, strlen(text));
    meta_error_clear(err);
    return meta_csv_read(path, name, collect, s, NULL, err);
}

static int suite_init(void)
{
    snprintf(dir, sizeof dir, "/tmp/meta-csv-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int suite_cleanup(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void test_plain_records(void)
{
    struct seen s = {0};
    struct meta_error err;
    CU_ASSERT_EQUAL(read_text("plain.csv", "a,b,c\n1,2,3\n", &s, &err), META_OK);
    CU_ASSERT_EQUAL_FATAL(s.nrecords, 2);
    CU_ASSERT_EQUAL(s.rec[0].number, 1);
    CU_ASSERT_EQUAL(s.rec[1].number, 2);
    CU_ASSERT_EQUAL(s.rec[1].line, 2);
    CU_ASSERT_EQUAL_FATAL(s.rec[1].count, 3);
    CU_ASSERT_STRING_EQUAL(s.rec[1].value[0], "1");
    CU_ASSERT_STRING_EQUAL(s.rec[1].value[2], "3");
    seen_free(&s);
}

static void test_quoting(void)
{
    struct seen s = {0};
    struct meta_error err;
    const char *text = "name,note\n"
                       "\"Smith, 2019\",\"he said \"\"no\"\"\"\n"
                       "\"two\nlines\",x\n"
                       "last,\"\"\n";
    CU_ASSERT_EQUAL(read_text("quotes.csv", text, &s, &err), META_OK);
    CU_ASSERT_EQUAL_FATAL(s.nrecords, 4);
    CU_ASSERT_STRING_EQUAL(s.rec[1].value[0], "Smith, 2019");
    CU_ASSERT_STRING_EQUAL(s.rec[1].value[1], "he said \"no\"");
    CU_ASSERT_STRING_EQUAL(s.rec[2].value[0], "two\nlines");
    /* The record starts on line 3; its second field on line 4. */
    CU_ASSERT_EQUAL(s.rec[2].line, 3);
    CU_ASSERT_EQUAL(s.rec[2].field_line[0], 3);
    CU_ASSERT_EQUAL(s.rec[2].field_line[1], 4);
    CU_ASSERT_EQUAL(s.rec[3].line, 5);
    CU_ASSERT_EQUAL(s.rec[3].len[1], 0);
    seen_free(&s);
}

static void test_crlf_bom_blank_lines(void)
{
    struct seen s = {0};
    struct meta_error err;
    const char *text = "\xEF\xBB\xBFTrial,Arm\r\n"
                       "T1,\"a\r\nb\"\r\n"
                       "\r\n"
                       "  T2 , c \r\n"
                       "T3,d";
    CU_ASSERT_EQUAL(read_text("crlf.csv", text, &s, &err), META_OK);
    CU_ASSERT_EQUAL_FATAL(s.nrecords, 4);
    /* The byte order mark is not part of the first name. */
    CU_ASSERT_STRING_EQUAL(s.rec[0].value[0], "Trial");
    /* A line break inside quotes is kept as it is. */
    CU_ASSERT_STRING_EQUAL(s.rec[1].value[1], "a\r\nb");
    /* The blank line 4 is skipped; blanks in a field are data (RFC 4180). */
    CU_ASSERT_EQUAL(s.rec[2].line, 5);
    CU_ASSERT_STRING_EQUAL(s.rec[2].value[0], "  T2 ");
    CU_ASSERT_STRING_EQUAL(s.rec[2].value[1], " c ");
    /* The last record has no line break. */
    CU_ASSERT_EQUAL(s.rec[3].line, 6);
    CU_ASSERT_STRING_EQUAL(s.rec[3].value[1], "d");
    seen_free(&s);
}

static void test_bom_only_at_start(void)
{
    struct seen s = {0};
    struct meta_error err;
    /* Two bytes of a BOM and then something else: the bytes are data. */
    CU_ASSERT_EQUAL(read_text("halfbom.csv", "\xEF\xBBx,y\n", &s, &err), META_OK);
    CU_ASSERT_EQUAL_FATAL(s.nrecords, 1);
    CU_ASSERT_STRING_EQUAL(s.rec[0].value[0], "\xEF\xBBx");
    seen_free(&s);
}

static void test_quote_in_unquoted_field(void)
{
    struct seen s = {0};
    struct meta_error err;
    CU_ASSERT_EQUAL(read_text("q1.csv", "a,b,c\n1,2,3\nx,ab\"c,z\n", &s, &err), META_EINVAL);
    CU_ASSERT_STRING_EQUAL(err.msg, "q1.csv:3:2: quote inside an unquoted field (quote the whole "
                                    "field and double the quotes inside it)");
    seen_free(&s);
}

/* Blanks are part of a field, so blanks around a quoted field are
 * malformed CSV, said as such; inside the quotes they are kept. */
static void test_blanks_around_quotes(void)
{
    struct seen s = {0};
    struct meta_error err;
    CU_ASSERT_EQUAL(read_text("b1.csv", "a,b\n1, \"x\"\n", &s, &err), META_EINVAL);
    CU_ASSERT_STRING_EQUAL(err.msg, "b1.csv:2:2: blank before the opening quote of a field "
                                    "(blanks are part of a CSV field: remove them, or put them "
                                    "inside the quotes)");
    seen_free(&s);
    CU_ASSERT_EQUAL(read_text("b2.csv", "a,b\n\"x\" ,1\n", &s, &err), META_EINVAL);
    CU_ASSERT_STRING_EQUAL(err.msg, "b2.csv:2:1: blank after the closing quote of a field "
                                    "(blanks are part of a CSV field: remove them, or put them "
                                    "inside the quotes)");
    seen_free(&s);
    CU_ASSERT_EQUAL(read_text("b3.csv", "a,b\n\"TSP \",\t1\t\n", &s, &err), META_OK);
    CU_ASSERT_EQUAL_FATAL(s.nrecords, 2);
    CU_ASSERT_STRING_EQUAL(s.rec[1].value[0], "TSP ");
    CU_ASSERT_STRING_EQUAL(s.rec[1].value[1], "\t1\t");
    seen_free(&s);
}

static void test_junk_after_closing_quote(void)
{
    struct seen s = {0};
    struct meta_error err;
    CU_ASSERT_EQUAL(read_text("q2.csv", "a,b,c\n1,\"ab\"c,3\n", &s, &err), META_EINVAL);
    CU_ASSERT_STRING_EQUAL(err.msg, "q2.csv:2:2: unexpected character after the closing quote of "
                                    "a field (a quote inside a quoted field must be doubled)");
    seen_free(&s);
}

static void test_unterminated_quote(void)
{
    struct seen s = {0};
    struct meta_error err;
    CU_ASSERT_EQUAL(read_text("q3.csv", "a,b,c\n1,2,3\n4,\"open\n5,6,7\n", &s, &err), META_EINVAL);
    /* Named where the quote opens, not where the file ends. */
    CU_ASSERT_STRING_EQUAL(err.msg, "q3.csv:3:2: quoted field is never closed (the file ends "
                                    "inside it)");
    seen_free(&s);
}

static void test_field_too_long(void)
{
    struct seen s = {0};
    struct meta_error err;
    size_t n = META_CSV_MAX_FIELD_BYTES + 10;
    char *text = malloc(n + 16);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    strcpy(text, "a\n\"");
    memset(text + 3, 'x', n);
    strcpy(text + 3 + n, "\"\n");
    const char *path = write_file("long.csv", text, strlen(text));
    free(text);
    CU_ASSERT_EQUAL(meta_csv_read(path, "long.csv", collect, &s, NULL, &err), META_EINVAL);
    CU_ASSERT_STRING_EQUAL(err.msg, "long.csv:2:1: field is longer than the limit of 1 MiB");
    seen_free(&s);
}

static void test_too_many_fields(void)
{
    struct seen s = {0};
    struct meta_error err;
    size_t n = META_CSV_MAX_FIELDS + 5;
    char *text = malloc(2 * n + 8);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    strcpy(text, "a\n");
    for (size_t i = 0; i < n; i++)
        strcat(text, ",");
    strcat(text, "\n");
    const char *path = write_file("wide.csv", text, strlen(text));
    free(text);
    CU_ASSERT_EQUAL(meta_csv_read(path, "wide.csv", collect, &s, NULL, &err), META_EINVAL);
    CU_ASSERT_STRING_EQUAL(err.msg,
                           "wide.csv:2:4097: record has more fields than the limit of 4096");
    seen_free(&s);
}

static void test_missing_file_and_directory(void)
{
    struct seen s = {0};
    struct meta_error err;
    char path[128];
    snprintf(path, sizeof path, "%s/none.csv", dir);
    CU_ASSERT_EQUAL(meta_csv_read(path, "none.csv", collect, &s, NULL, &err), META_EIO);
    CU_ASSERT_STRING_EQUAL(err.msg, "none.csv: cannot open: No such file or directory");
    CU_ASSERT_EQUAL(meta_csv_read(dir, "somedir", collect, &s, NULL, &err), META_EIO);
    CU_ASSERT_STRING_EQUAL(err.msg, "somedir: is a directory, not a file");
    CU_ASSERT_EQUAL(s.nrecords, 0);
}

/* A FIFO where a file was (put there after any check a caller made): the
 * reader and the hash refuse it at once instead of waiting for a writer.
 * The alarm turns a wait into a failed test. */
static void test_fifo_refused(void)
{
    struct seen s = {0};
    struct meta_error err;
    char path[PATH_MAX];
    char hex[META_CSV_SHA256_HEX];
    const char *regular = write_file("swapped.csv", "a\n1\n", 4);
    struct stat st;
    CU_ASSERT_EQUAL_FATAL(stat(regular, &st), 0);
    CU_ASSERT_EQUAL_FATAL(unlink(regular), 0);
    snprintf(path, sizeof path, "%s", regular);
    CU_ASSERT_EQUAL_FATAL(mkfifo(path, 0600), 0);
    alarm(30);
    CU_ASSERT_EQUAL(meta_csv_read(path, "swapped.csv", collect, &s, NULL, &err), META_EIO);
    CU_ASSERT_STRING_EQUAL(err.msg,
                           "swapped.csv: is a FIFO, not a regular file: refusing to read it");
    CU_ASSERT_EQUAL(meta_load_sha256_file(path, hex, &err), META_EIO);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "is a FIFO, not a regular file"));
    CU_ASSERT_EQUAL(meta_csv_read("/dev/null", "/dev/null", collect, &s, NULL, &err), META_EIO);
    CU_ASSERT_STRING_EQUAL(err.msg,
                           "/dev/null: is a character device, not a regular file: refusing to "
                           "read it");
    alarm(0);
    CU_ASSERT_EQUAL(s.nrecords, 0);
    unlink(path);
}

static void test_unreadable_file(void)
{
    struct seen s = {0};
    struct meta_error err;
    const char *path = write_file("secret.csv", "a\n1\n", 4);
    CU_ASSERT_EQUAL_FATAL(chmod(path, 0), 0);
    /* root reads anything: then the file is simply read. */
    int expected = geteuid() == 0 ? META_OK : META_EIO;
    CU_ASSERT_EQUAL(meta_csv_read(path, "secret.csv", collect, &s, NULL, &err), expected);
    if (expected == META_EIO)
        CU_ASSERT_STRING_EQUAL(err.msg, "secret.csv: cannot open: Permission denied");
    seen_free(&s);
}

static void test_callback_stops(void)
{
    struct seen s = {0};
    struct meta_error err;
    s.stop_after = 2;
    CU_ASSERT_EQUAL(read_text("stop.csv", "a\n1\n2\n3\n", &s, &err), META_EINVAL);
    CU_ASSERT_EQUAL(s.nrecords, 2);
    seen_free(&s);
}

static void test_sha256(void)
{
    struct seen s = {0};
    struct meta_error err;
    char hex[META_CSV_SHA256_HEX];
    const char *path = write_file("abc.csv", "abc", 3);
    CU_ASSERT_EQUAL(meta_csv_read(path, "abc.csv", collect, &s, hex, &err), META_OK);
    /* FIPS 180-2, appendix B.1: SHA-256("abc"). */
    CU_ASSERT_STRING_EQUAL(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CU_ASSERT_EQUAL(s.nrecords, 1);
    seen_free(&s);
}

static void test_nul_bytes_pass_through(void)
{
    struct seen s = {0};
    struct meta_error err;
    const char *path = write_file("nul.csv", "a,b\nx\0y,z\n", 10);
    CU_ASSERT_EQUAL(meta_csv_read(path, "nul.csv", collect, &s, NULL, &err), META_OK);
    CU_ASSERT_EQUAL_FATAL(s.nrecords, 2);
    /* The reader keeps the byte and its length; the loader refuses it. */
    CU_ASSERT_EQUAL(s.rec[1].len[0], 3);
    seen_free(&s);
}

static void test_utf8(void)
{
    static const struct {
        const char *s;
        int valid;
        size_t bad;
    } cases[] = {
        {"plain", 1, 0},
        {"caf\xC3\xA9", 1, 0},      /* U+00E9 */
        {"\xE2\x82\xAC 5", 1, 0},   /* U+20AC */
        {"\xF0\x9F\x98\x80", 1, 0}, /* U+1F600 */
        {"caf\xE9", 0, 3},          /* Latin-1 */
        {"\xC0\xAF", 0, 0},         /* overlong '/' */
        {"ab\xED\xA0\x80", 0, 2},   /* surrogate U+D800 */
        {"\xF4\x90\x80\x80", 0, 0}, /* above U+10FFFF */
        {"x\xE2\x82", 0, 1},        /* truncated */
        {"\x80", 0, 0},             /* lone continuation byte */
        /* Past the first eight bytes, read eight at a time while ASCII. */
        {"eight by\xC3\xA9tes and more", 1, 0},
        {"sixteen ascii by\xE9", 0, 16},
        {"seventeen ascii b\xC3\xA9 then \xF0\x9F\x98", 0, 25},
        {"0123456789abcdef0123456789abcdef", 1, 0},
        {"0123456789abcdef\x80", 0, 16},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        size_t bad = 99;
        int valid = meta_csv_utf8_valid(cases[i].s, strlen(cases[i].s), &bad);
        CU_ASSERT_EQUAL(valid, cases[i].valid);
        if (!cases[i].valid)
            CU_ASSERT_EQUAL(bad, cases[i].bad);
    }
}

int main(void)
{
    static const struct meta_test_case cases[] = {
        {"plain records", test_plain_records},
        {"quoting", test_quoting},
        {"CRLF, byte order mark, blank lines", test_crlf_bom_blank_lines},
        {"byte order mark only at the start", test_bom_only_at_start},
        {"quote inside an unquoted field", test_quote_in_unquoted_field},
        {"blanks around quotes", test_blanks_around_quotes},
        {"junk after a closing quote", test_junk_after_closing_quote},
        {"unterminated quote", test_unterminated_quote},
        {"field too long", test_field_too_long},
        {"too many fields", test_too_many_fields},
        {"missing file and directory", test_missing_file_and_directory},
        {"a FIFO or a device is refused without waiting", test_fifo_refused},
        {"unreadable file", test_unreadable_file},
        {"callback stops the reading", test_callback_stops},
        {"SHA-256 of the bytes", test_sha256},
        {"NUL bytes pass through", test_nul_bytes_pass_through},
        {"UTF-8 check", test_utf8},
        {NULL, NULL},
    };
    return meta_test_run_suite("csv_reader", suite_init, suite_cleanup, cases);
}
