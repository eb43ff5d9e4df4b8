/*
 * The rules of INTERFACE.md section 1 for one file (lib/registry/load_row.c),
 * without a database: header names in any case and order, attributes,
 * missing and duplicate columns, and every row error with its exact
 * FILE:LINE:COLUMN message, numbers read bit for bit as strtod reads
 * them, and the release functions accepting NULL.
 * Records are built in memory, one per line.
 */
#include "cunit_main.h"
#include "list.h"
#include "load_copy.h"
#include "load_row.h"
#include "meta_load.h"
#include "meta_select.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FIELDS 16

/* A record made of a comma-separated line (no quoting needed in these tests). */
struct rec {
    char buf[2048];
    struct meta_csv_field fields[MAX_FIELDS];
    struct meta_csv_record r;
};

static const struct meta_csv_record *make(struct rec *x, long line, const char *text)
{
    snprintf(x->buf, sizeof x->buf, "%s", text);
    size_t n = 0;
    char *p = x->buf;
    for (;;) {
        char *comma = strchr(p, ',');
        if (comma)
            *comma = '\0';
        x->fields[n].value = p;
        x->fields[n].len = strlen(p);
        x->fields[n].line = line;
        n++;
        if (!comma || n == MAX_FIELDS)
            break;
        p = comma + 1;
    }
    x->r.line = line;
    x->r.number = line;
    x->r.count = n;
    x->r.fields = x->fields;
    return &x->r;
}

static const char header[] = "trial,arm,treatment,outcome,timepoint,n,mean,sd,events,total,Year";

/* Checks one row against the standard header; returns the status and leaves
 * the first message (or "") in msg. */
static int check_row(const char *row_text, struct meta_load_row *row, char *msg, size_t size,
                     size_t *count)
{
    struct rec h, r;
    struct meta_load_layout l;
    struct meta_load_errors errs;
    meta_load_errors_init(&errs);
    CU_ASSERT_EQUAL_FATAL(meta_load_layout_init(&l, "f.csv", make(&h, 1, header), &errs), META_OK);
    int rc = meta_load_row_check(&l, "f.csv", make(&r, 7, row_text), row, &errs);
    snprintf(msg, size, "%s", errs.kept ? errs.msgs[0] : "");
    if (count)
        *count = errs.count;
    meta_load_errors_release(&errs);
    meta_load_layout_release(&l);
    return rc;
}

static void expect_error(const char *row_text, const char *expected)
{
    struct meta_load_row row;
    char msg[1024];
    CU_ASSERT_EQUAL(check_row(row_text, &row, msg, sizeof msg, NULL), META_EINVAL);
    CU_ASSERT_STRING_EQUAL(msg, expected);
    if (strcmp(msg, expected) != 0)
        fprintf(stderr, "\n  got:      %s\n  expected: %s\n", msg, expected);
}

static void test_layout_any_case_and_order(void)
{
    struct rec h;
    struct meta_load_layout l;
    struct meta_load_errors errs;
    meta_load_errors_init(&errs);
    CU_ASSERT_EQUAL_FATAL(
        meta_load_layout_init(&l, "f.csv", make(&h, 1, "SD,Mean,N,Outcome,Dose,TREATMENT,Trial"),
                              &errs),
        META_OK);
    CU_ASSERT_EQUAL(l.width, 7);
    CU_ASSERT_EQUAL(l.col[META_LOAD_COL_SD], 0);
    CU_ASSERT_EQUAL(l.col[META_LOAD_COL_N], 2);
    CU_ASSERT_EQUAL(l.col[META_LOAD_COL_TRIAL], 6);
    CU_ASSERT_EQUAL(l.col[META_LOAD_COL_ARM], -1);
    CU_ASSERT_EQUAL(l.col[META_LOAD_COL_EVENTS], -1);
    CU_ASSERT_EQUAL_FATAL(l.nattrs, 1);
    CU_ASSERT_EQUAL(l.attr_col[0], 4);
    CU_ASSERT_STRING_EQUAL(l.attr_name[0], "dose");
    CU_ASSERT_EQUAL(errs.count, 0);
    meta_load_layout_release(&l);
}

static void expect_header_errors(const char *text, const char *const *expected, size_t n)
{
    struct rec h;
    struct meta_load_layout l;
    struct meta_load_errors errs;
    meta_load_errors_init(&errs);
    CU_ASSERT_EQUAL(meta_load_layout_init(&l, "h.csv", make(&h, 1, text), &errs), META_EINVAL);
    CU_ASSERT_EQUAL(errs.count, n);
    for (size_t i = 0; i < n && i < errs.kept; i++) {
        CU_ASSERT_STRING_EQUAL(errs.msgs[i], expected[i]);
        if (strcmp(errs.msgs[i], expected[i]) != 0)
            fprintf(stderr, "\n  got:      %s\n  expected: %s\n", errs.msgs[i], expected[i]);
    }
    meta_load_errors_release(&errs);
}

static void test_header_errors(void)
{
    static const char *const missing[] = {
        "h.csv:1:1: missing required column 'treatment'",
        "h.csv:1:1: missing required column 'outcome'",
        "h.csv:1:1: missing column 'sd' (continuous results need n, mean and sd)",
    };
    expect_header_errors("trial,n,mean", missing, 3);
    static const char *const no_results[] = {
        "h.csv:1:1: missing result columns: n, mean and sd, or events and total, or an estimate "
        "(control, measure, estimate, and se or ci_lower and ci_upper)",
    };
    expect_header_errors("trial,treatment,outcome,year", no_results, 1);
    static const char *const binary_half[] = {
        "h.csv:1:1: missing column 'total' (binary results need events and total)",
    };
    expect_header_errors("trial,treatment,outcome,events", binary_half, 1);
    static const char *const dup[] = {
        "h.csv:1:5: duplicate column 'TRIAL' (also column 1; names ignore case)",
        "h.csv:1:6: column 6 has no name",
    };
    expect_header_errors("trial,treatment,outcome,events,TRIAL,,total", dup, 2);
    static const char *const bad_utf8[] = {
        "h.csv:1:4: column name is not valid UTF-8, got 'ann\\xe9e'",
    };
    expect_header_errors("trial,treatment,outcome,ann\xE9"
                         "e,events,total",
                         bad_utf8, 1);
}

static void test_valid_rows(void)
{
    struct meta_load_row row;
    char msg[1024];
    CU_ASSERT_EQUAL(
        check_row("T1,ket 0.5,ketamine,pain,24h,30,2.1,1.4,,,2015", &row, msg, sizeof msg, NULL),
        META_OK);
    CU_ASSERT_EQUAL(row.kind, META_LOAD_CONTINUOUS);
    CU_ASSERT_EQUAL(row.n, 30);
    CU_ASSERT_DOUBLE_EQUAL(row.mean, 2.1, 0);
    CU_ASSERT_DOUBLE_EQUAL(row.sd, 1.4, 0);
    CU_ASSERT_STRING_EQUAL(row.arm.s, "ket 0.5");
    CU_ASSERT_STRING_EQUAL(row.timepoint.s, "24h");

    /* No arm: the treatment names it; no time point: empty. */
    CU_ASSERT_EQUAL(check_row("T1,,placebo,hallucinations,,,,,0,31,", &row, msg, sizeof msg, NULL),
                    META_OK);
    CU_ASSERT_EQUAL(row.kind, META_LOAD_BINARY);
    CU_ASSERT_EQUAL(row.events, 0);
    CU_ASSERT_EQUAL(row.total, 31);
    CU_ASSERT_STRING_EQUAL(row.arm.s, "placebo");
    CU_ASSERT_STRING_EQUAL(row.timepoint.s, "");

    /* Signs, exponents and a point on either side are numbers. */
    CU_ASSERT_EQUAL(check_row("T1,a,x,o,,+7,-.5e+2,3.,,,", &row, msg, sizeof msg, NULL), META_OK);
    CU_ASSERT_EQUAL(row.n, 7);
    CU_ASSERT_DOUBLE_EQUAL(row.mean, -50.0, 0);
    CU_ASSERT_DOUBLE_EQUAL(row.sd, 3.0, 0);
    /* events may equal total. */
    CU_ASSERT_EQUAL(check_row("T1,a,x,o,,,,,10,10,", &row, msg, sizeof msg, NULL), META_OK);
}

static void test_count_errors(void)
{
    expect_error("T1,a,x,o,,0,1,1,,,", "f.csv:7:6: n must be a positive integer, got '0'");
    expect_error("T1,a,x,o,,-3,1,1,,,", "f.csv:7:6: n must be a positive integer, got '-3'");
    expect_error("T1,a,x,o,,30.5,1,1,,,", "f.csv:7:6: n must be a positive integer, got '30.5'");
    expect_error("T1,a,x,o,,30x,1,1,,,", "f.csv:7:6: n must be a positive integer, got '30x'");
    expect_error("T1,a,x,o,,2147483648,1,1,,,",
                 "f.csv:7:6: n is too large for an integer, got '2147483648'");
    expect_error("T1,a,x,o,,99999999999999999999999,1,1,,,",
                 "f.csv:7:6: n is too large for an integer, got '99999999999999999999999'");
    expect_error("T1,a,x,o,,,,,-1,10,", "f.csv:7:9: events must be an integer >= 0, got '-1'");
    expect_error("T1,a,x,o,,,,,1,0,", "f.csv:7:10: total must be a positive integer, got '0'");
    expect_error("T1,a,x,o,,,,,12,10,", "f.csv:7:9: events must not exceed total (10), got '12'");
}

static void test_real_errors(void)
{
    expect_error("T1,a,x,o,,3,2.1x,1,,,", "f.csv:7:7: mean is not a number, got '2.1x'");
    expect_error("T1,a,x,o,,3,0x10,1,,,", "f.csv:7:7: mean is not a number, got '0x10'");
    expect_error("T1,a,x,o,,3,1e,1,,,", "f.csv:7:7: mean is not a number, got '1e'");
    expect_error("T1,a,x,o,,3,.,1,,,", "f.csv:7:7: mean is not a number, got '.'");
    expect_error("T1,a,x,o,,3,NaN,1,,,", "f.csv:7:7: mean must be a finite number, got 'NaN'");
    expect_error("T1,a,x,o,,3,-Infinity,1,,,",
                 "f.csv:7:7: mean must be a finite number, got '-Infinity'");
    expect_error("T1,a,x,o,,3,1,inf,,,", "f.csv:7:8: sd must be a finite number, got 'inf'");
    expect_error("T1,a,x,o,,3,1e999,1,,,",
                 "f.csv:7:7: mean is out of the range of a double, got '1e999'");
    expect_error("T1,a,x,o,,3,1,1e-999,,,",
                 "f.csv:7:8: sd is out of the range of a double, got '1e-999'");
    expect_error("T1,a,x,o,,3,1,-1.2,,,", "f.csv:7:8: sd must be > 0, got '-1.2'");
    expect_error("T1,a,x,o,,3,1,0,,,", "f.csv:7:8: sd must be > 0, got '0'");
}

static void test_group_errors(void)
{
    expect_error("T1,a,x,o,,3,1,1,2,5,",
                 "f.csv:7:9: row has both continuous (n, mean, sd) and binary (events, total) "
                 "values");
    expect_error("T1,a,x,o,,,,,,,2019",
                 "f.csv:7:6: row has neither continuous (n, mean, sd) nor binary (events, total) "
                 "values");
    expect_error("T1,a,x,o,,3,1,,,,", "f.csv:7:8: sd is empty");
    expect_error("T1,a,x,o,,,,,,5,", "f.csv:7:9: events is empty");
}

static void test_required_fields(void)
{
    expect_error(",a,x,o,,3,1,1,,,", "f.csv:7:1: trial is empty");
    expect_error("T1,a,,o,,3,1,1,,,", "f.csv:7:3: treatment is empty");
    expect_error("T1,a,x,,,3,1,1,,,", "f.csv:7:4: outcome is empty");
    char longname[1200];
    memset(longname, 'y', 1001);
    longname[1001] = '\0';
    char text[1400];
    snprintf(text, sizeof text, "%s,a,x,o,,3,1,1,,,", longname);
    expect_error(text, "f.csv:7:1: trial is longer than 1000 bytes");
}

/* Names are exact: a blank at an end is refused, never trimmed; a field
 * of blanks only is empty; numbers may have blanks around them. */
static void test_blanks(void)
{
    expect_error("T1 ,a,x,o,,3,1,1,,,", "f.csv:7:1: trial ends with a blank, got 'T1 ' (names are "
                                        "kept exactly as written: remove the blank)");
    expect_error("T1,\ta,x,o,,3,1,1,,,", "f.csv:7:2: arm begins with a blank, got '\\ta' (names "
                                         "are kept exactly as written: remove the blank)");
    expect_error("  ,a,x,o,,3,1,1,,,", "f.csv:7:1: trial is empty");
    expect_error("T1,a,x,o,,3, ,1,,,", "f.csv:7:7: mean is empty");
    expect_error("T1,a,x,o,,3,1 x,1,,,", "f.csv:7:7: mean is not a number, got '1 x'");
    struct meta_load_row row;
    char msg[1024];
    CU_ASSERT_EQUAL(check_row("T1, ,x,o,\t, 3 ,\t-1.5 ,2 ,,,", &row, msg, sizeof msg, NULL),
                    META_OK);
    CU_ASSERT_EQUAL(row.n, 3);
    CU_ASSERT_DOUBLE_EQUAL(row.mean, -1.5, 0);
    CU_ASSERT_STRING_EQUAL(row.arm.s, "x");
    CU_ASSERT_STRING_EQUAL(row.timepoint.s, "");
    /* Header names are matched without the blanks around them. */
    struct rec h;
    struct meta_load_layout l;
    struct meta_load_errors errs;
    meta_load_errors_init(&errs);
    CU_ASSERT_EQUAL_FATAL(
        meta_load_layout_init(&l, "f.csv",
                              make(&h, 1, " trial,Treatment ,outcome,n,mean,sd, Dose "), &errs),
        META_OK);
    CU_ASSERT_EQUAL(l.col[META_LOAD_COL_TRIAL], 0);
    CU_ASSERT_EQUAL(l.col[META_LOAD_COL_TREATMENT], 1);
    CU_ASSERT_EQUAL_FATAL(l.nattrs, 1);
    CU_ASSERT_STRING_EQUAL(l.attr_name[0], "dose");
    meta_load_layout_release(&l);
    CU_ASSERT_EQUAL(meta_load_layout_init(
                        &l, "f.csv", make(&h, 1, "trial,treatment,outcome,n,mean,sd, ,SD "), &errs),
                    META_EINVAL);
    CU_ASSERT_EQUAL(errs.count, 2);
    meta_load_errors_release(&errs);
}

static void test_ragged_rows(void)
{
    expect_error("T1,a,x,o,,3,1,1,,", "f.csv:7:11: row has 10 fields, the header has 11");
    expect_error("T1,a,x,o,,3,1,1,,,,extra", "f.csv:7:12: row has 12 fields, the header has 11");
}

static void test_encoding(void)
{
    expect_error("T1,a,x,caf\xE9,,3,1,1,,,",
                 "f.csv:7:4: field is not valid UTF-8 (byte 4), got 'caf\\xe9'");
    /* A NUL byte inside a field. */
    struct rec h, r;
    struct meta_load_layout l;
    struct meta_load_errors errs;
    struct meta_load_row row;
    meta_load_errors_init(&errs);
    CU_ASSERT_EQUAL_FATAL(meta_load_layout_init(&l, "f.csv", make(&h, 1, header), &errs), META_OK);
    make(&r, 3, "T1,a,x,o,,3,1,1,,,");
    r.fields[0].len = 3; /* "T1\0" */
    CU_ASSERT_EQUAL(meta_load_row_check(&l, "f.csv", &r.r, &row, &errs), META_EINVAL);
    CU_ASSERT_EQUAL_FATAL(errs.kept, 1);
    CU_ASSERT_STRING_EQUAL(errs.msgs[0], "f.csv:3:1: field holds a NUL byte, got 'T1\\000'");
    meta_load_errors_release(&errs);
    meta_load_layout_release(&l);
}

static void test_all_errors_of_a_row(void)
{
    struct meta_load_row row;
    char msg[1024];
    size_t count = 0;
    CU_ASSERT_EQUAL(check_row(",a,,o,,0,x,-1,,,", &row, msg, sizeof msg, &count), META_EINVAL);
    /* trial, treatment, n, mean and sd: five problems, all reported. */
    CU_ASSERT_EQUAL(count, 5);
}

static void test_blank_rows(void)
{
    struct rec r;
    CU_ASSERT_TRUE(meta_load_row_blank(make(&r, 3, ",,,,")));
    CU_ASSERT_TRUE(meta_load_row_blank(make(&r, 3, "")));
    CU_ASSERT_FALSE(meta_load_row_blank(make(&r, 3, ",,x,,")));
}

static void test_error_limit_and_quoting(void)
{
    struct meta_load_errors errs;
    meta_load_errors_init(&errs);
    for (int i = 0; i < 60; i++)
        meta_load_errors_at(&errs, "f.csv", i + 2, 1, "problem %d", i);
    CU_ASSERT_EQUAL(errs.count, 60);
    CU_ASSERT_EQUAL(errs.kept, META_LOAD_MAX_ERRORS);
    CU_ASSERT_STRING_EQUAL(errs.msgs[49], "f.csv:51:1: problem 49");
    meta_load_errors_release(&errs);

    char q[META_LOAD_QUOTE_SIZE];
    CU_ASSERT_STRING_EQUAL(meta_load_quote(q, sizeof q, "a\tb\nc", 5), "'a\\tb\\nc'");
    char longv[100];
    memset(longv, 'z', sizeof longv);
    meta_load_quote(q, sizeof q, longv, sizeof longv);
    CU_ASSERT_EQUAL(strlen(q), META_LOAD_QUOTE_MAX + 2 + 3);
    CU_ASSERT_STRING_EQUAL(q + strlen(q) - 5, "z'...");
}

/* A pseudo-random generator, so that the cases are the same every run. */
static unsigned long long next_random(unsigned long long *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

/* Numbers are read to exactly the double strtod and the int strtol give,
 * bit for bit (negative zero included), whether the short way or the long
 * way reads them: 1 to 20 digits, a point anywhere or none, exponents
 * around and beyond the powers of ten a double holds exactly. */
static void test_numbers_as_strtod_reads_them(void)
{
    unsigned long long x = 88172645463325252ULL;
    int mismatches = 0;
    for (int i = 0; i < 200000; i++) {
        char mean[64], n[16], text[160];
        size_t o = 0;
        if (next_random(&x) % 4 == 0)
            mean[o++] = next_random(&x) % 2 ? '-' : '+';
        int digits = 1 + (int)(next_random(&x) % 20);
        int point = (int)(next_random(&x) % (unsigned)(digits + 2)) - 1; /* -1: none */
        for (int d = 0; d < digits; d++) {
            if (d == point)
                mean[o++] = '.';
            mean[o++] = (char)('0' + next_random(&x) % 10);
        }
        if (next_random(&x) % 3 == 0)
            o += (size_t)snprintf(mean + o, sizeof mean - o, "e%d",
                                  (int)(next_random(&x) % 61) - 30);
        mean[o] = '\0';
        int ndigits = 1 + (int)(next_random(&x) % 10);
        snprintf(n, sizeof n, "%d", 1 + (int)(next_random(&x) % 2147483646));
        n[ndigits < (int)strlen(n) ? ndigits : (int)strlen(n)] = '\0';
        if (n[0] == '0')
            n[0] = '7';
        snprintf(text, sizeof text, "T1,a,x,o,,%s,%s,1,,,", n, mean);
        struct meta_load_row row;
        char msg[1024];
        if (check_row(text, &row, msg, sizeof msg, NULL) != META_OK) {
            mismatches++;
            fprintf(stderr, "\n  refused: %s (%s)\n", text, msg);
            continue;
        }
        double want = strtod(mean, NULL);
        if (memcmp(&want, &row.mean, sizeof want) != 0 || row.n != (int)strtol(n, NULL, 10)) {
            if (mismatches++ < 10)
                fprintf(stderr, "\n  %s: %.17g against strtod's %.17g; n %d\n", text, row.mean,
                        want, row.n);
        }
    }
    CU_ASSERT_EQUAL(mismatches, 0);
}

/* Every _release of lib/registry accepts NULL, as free() does. */
static void test_release_null(void)
{
    meta_load_errors_release(NULL);
    meta_load_layout_release(NULL);
    meta_load_buf_release(NULL);
    meta_load_report_release(NULL);
    meta_list_table_release(NULL);
    meta_selection_release(NULL);
    meta_db_close(NULL);
    CU_PASS("no crash");
}

int main(void)
{
    static const struct meta_test_case cases[] = {
        {"header in any case and order", test_layout_any_case_and_order},
        {"header errors", test_header_errors},
        {"valid rows", test_valid_rows},
        {"count errors", test_count_errors},
        {"number errors", test_real_errors},
        {"result group errors", test_group_errors},
        {"required fields", test_required_fields},
        {"blanks", test_blanks},
        {"ragged rows", test_ragged_rows},
        {"encoding", test_encoding},
        {"every error of a row", test_all_errors_of_a_row},
        {"blank rows", test_blank_rows},
        {"error limit and quoting", test_error_limit_and_quoting},
        {"numbers as strtod and strtol read them", test_numbers_as_strtod_reads_them},
        {"release functions accept NULL", test_release_null},
        {NULL, NULL},
    };
    return meta_test_run_suite("load_row", NULL, NULL, cases);
}
