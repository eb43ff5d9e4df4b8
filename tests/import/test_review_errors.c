/*
 * Bad Cochrane packages, one variant for every kind of error: what is wrong
 * must be said with the file (and line and column where there is one), and
 * nothing may be returned. Packages without data rows, archives that are
 * hostile (zip-slip, entries or archives too large, too many entries, not a
 * zip), unknown CSV layouts, text that is not UTF-8, malformed CSV, numbers
 * that contradict their analysis's data type, duplicates, bad settings, and
 * a FIFO in the place of a file.
 */
#include "cunit_main.h"
#include "import_fixtures.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A data-rows header, and a valid continuous row to build variants from. */
#define HEADER                                                                                     \
    "Analysis group,Analysis number,Analysis name,Subgroup,Study,Study year,GIV Mean,GIV SE,"      \
    "Experimental mean,Experimental SD,Experimental cases,Experimental N,Control mean,Control "    \
    "SD,Control cases,Control N,O-E,Variance,Weight,Mean,CI start,CI end,Bias arising from the "   \
    "randomization process (judgement)\n"
#define ROW_OK "1,1,Pain,,Good 2001,2001,,,5.0,1.0,,20,6.0,1.2,,21,,,,,,,Low risk\n"

static void refused(const char *path, const struct meta_review_limits *lim, int status,
                    const char *text)
{
    struct meta_review *rv = (struct meta_review *)1;
    struct meta_error err = {{0}};
    int rc = meta_review_read_cochrane(path, lim, &rv, &err);
    CU_ASSERT_EQUAL(rc, status);
    CU_ASSERT_PTR_NULL(rv);
    FX_MSG(&err, text);
    if (rc == META_OK)
        meta_review_free(rv);
}

/* Writes a data-rows file called name and expects it refused with text. */
static void rows_refused(const char *name, const char *text, const char *message)
{
    refused(fx_write(name, text, (size_t)-1), NULL, META_EINVAL, message);
}

static void test_no_data_rows(void)
{
    struct fx_entry only_settings[] = {{"CD000003-overall-estimates-and-settings.csv",
                                        "Analysis group,Analysis number,Data "
                                        "type\n1,1,Dichotomous\n",
                                        (size_t)-1},
                                       {"README.txt", "hello", (size_t)-1},
                                       {NULL, NULL, 0}};
    refused(fx_zip("no-rows.zip", only_settings), NULL, META_EINVAL,
            "no-rows.zip: no *-data-rows.csv in the package");
    fx_write("dir-without-rows/CD000003-study-information.csv", "Study,Year\nA,2001\n", (size_t)-1);
    refused(fx_path("dir-without-rows"), NULL, META_EINVAL,
            "dir-without-rows: no *-data-rows.csv in the package");
    refused(fx_path("no-such-package.zip"), NULL, META_EIO, "no-such-package.zip: cannot open");
}

/* A FIFO named as a package, a data-rows file or a RevMan file is refused
 * at once: nothing waits for a writer (the alarm turns a wait into a
 * failed test). */
static void test_fifo_refused(void)
{
    const char *fifo = fx_path("rows-fifo.csv");
    CU_ASSERT_EQUAL_FATAL(mkfifo(fifo, 0600), 0);
    alarm(30);
    refused(fifo, NULL, META_EIO, "is a FIFO, not a regular file: refusing to read it");
    struct meta_review *rv = NULL;
    struct meta_error err = {{0}};
    CU_ASSERT_EQUAL(meta_review_read_revman(fifo, NULL, &rv, &err), META_EIO);
    CU_ASSERT_PTR_NULL(rv);
    FX_MSG(&err, "is a FIFO, not a regular file");
    alarm(0);
    unlink(fifo);
}

static void test_hostile_archives(void)
{
    static const char rows[] = HEADER ROW_OK;
    struct fx_entry slip[] = {{"CD000004-data-rows.csv", rows, (size_t)-1},
                              {"../../etc/cron.d/evil.txt", "x", 1},
                              {NULL, NULL, 0}};
    refused(fx_zip("slip.zip", slip), NULL, META_EINVAL,
            "slip.zip: entry '../../etc/cron.d/evil.txt' has a path that is absolute or climbs "
            "out of the archive");
    struct fx_entry slip2[] = {{"a/../../CD000004-data-rows.csv", rows, (size_t)-1},
                               {NULL, NULL, 0}};
    refused(fx_zip("slip2.zip", slip2), NULL, META_EINVAL, "climbs out");
    struct fx_entry absolute[] = {{"/tmp/CD000004-data-rows.csv", rows, (size_t)-1},
                                  {NULL, NULL, 0}};
    refused(fx_zip("absolute.zip", absolute), NULL, META_EINVAL,
            "entry '/tmp/CD000004-data-rows.csv' has a path that is absolute");
    struct fx_entry backslash[] = {{"x\\..\\..\\CD000004-data-rows.csv", rows, (size_t)-1},
                                   {NULL, NULL, 0}};
    refused(fx_zip("backslash.zip", backslash), NULL, META_EINVAL, "climbs out");

    /* limits: one entry, the whole package, the number of entries */
    size_t big_len = 64 * 1024;
    char *big = malloc(big_len);
    memset(big, ' ', big_len);
    memcpy(big, HEADER, strlen(HEADER));
    struct fx_entry bomb[] = {{"CD000004-data-rows.csv", big, big_len}, {NULL, NULL, 0}};
    const char *zip = fx_zip("bomb.zip", bomb);
    struct meta_review_limits lim;
    meta_review_limits_init(&lim);
    lim.max_file_bytes = 32 * 1024;
    refused(zip, &lim, META_EINVAL,
            "bomb.zip/CD000004-data-rows.csv: the entry is larger than the limit of 32768 "
            "bytes");
    meta_review_limits_init(&lim);
    lim.max_total_bytes = 48 * 1024;
    struct fx_entry two[] = {{"CD000004-data-rows.csv", big, big_len / 2},
                             {"CD000004-study-information.csv", big, big_len / 2},
                             {NULL, NULL, 0}};
    refused(fx_zip("two.zip", two), &lim, META_EINVAL, "more than the limit of 49152 bytes");
    meta_review_limits_init(&lim);
    lim.max_entries = 2;
    struct fx_entry three[] = {
        {"a.txt", "a", 1}, {"b.txt", "b", 1}, {"c.txt", "c", 1}, {NULL, NULL, 0}};
    refused(fx_zip("three.zip", three), &lim, META_EINVAL,
            "three.zip: the archive has 3 entries, more than the limit of 2");
    meta_review_limits_init(&lim);
    lim.max_total_bytes = 100;
    refused(zip, &lim, META_EINVAL, "bomb.zip: the archive is larger than the limit of 100");
    free(big);

    /* a zip header followed by garbage, and a truncated archive */
    refused(fx_write("garbage.zip", "PK\x03\x04 this is not really a zip", (size_t)-1), NULL,
            META_EINVAL, "garbage.zip: not a readable zip archive");
    size_t len;
    struct fx_entry whole[] = {{"CD000004-data-rows.csv", rows, (size_t)-1}, {NULL, NULL, 0}};
    char *bytes = fx_zip_bytes(whole, &len);
    refused(fx_write("truncated.zip", bytes, len / 2), NULL, META_EINVAL,
            "truncated.zip: not a readable zip archive");
    free(bytes);
}

static void test_unknown_layouts(void)
{
    rows_refused("arm-level-data-rows.csv",
                 "trial,arm,treatment,outcome,n,mean,sd\nA,x,x,pain,10,1,1\n",
                 "arm-level-data-rows.csv:1: unknown layout for Cochrane data rows: no column "
                 "'Analysis group' (expected 'Analysis group', 'Analysis number', 'Study'; the "
                 "header has 'trial', 'arm'");
    rows_refused("no-data-columns-data-rows.csv",
                 "Analysis group,Analysis number,Study,Weight\n1,1,A,100\n",
                 "no-data-columns-data-rows.csv:1: unknown layout for Cochrane data rows: no "
                 "data columns");
    rows_refused("twice-data-rows.csv",
                 "Analysis group,Analysis number,Study,Study,Experimental N,Control N\n",
                 "twice-data-rows.csv:1: column 'Study' appears twice (columns 3 and 4)");
    rows_refused("empty-data-rows.csv", "", "empty-data-rows.csv: the file is empty");
    fx_write("badsettings/CD000005-data-rows.csv", HEADER ROW_OK, (size_t)-1);
    fx_write("badsettings/CD000005-overall-estimates-and-settings.csv",
             "Analysis group,Analysis number,Mean\n1,1,0.5\n", (size_t)-1);
    refused(fx_path("badsettings"), NULL, META_EINVAL,
            "CD000005-overall-estimates-and-settings.csv:1: unknown layout for Cochrane "
            "analysis settings: no column 'Data type'");
    fx_write("badsub/CD000006-data-rows.csv", HEADER ROW_OK, (size_t)-1);
    fx_write("badsub/CD000006-subgroup-estimates.csv", "Analysis group,Analysis number\n",
             (size_t)-1);
    refused(fx_path("badsub"), NULL, META_EINVAL,
            "CD000006-subgroup-estimates.csv:1: unknown layout for Cochrane subgroup estimates: "
            "no column 'Subgroup'");
    fx_write("twofiles/a/CD000007-data-rows.csv", HEADER ROW_OK, (size_t)-1);
    fx_write("twofiles/b/CD000007-data-rows.csv", HEADER ROW_OK, (size_t)-1);
    refused(fx_path("twofiles"), NULL, META_EINVAL,
            "twofiles/b/CD000007-data-rows.csv: the package has two data-rows files");
}

static void test_text(void)
{
    rows_refused("latin1-data-rows.csv", HEADER "1,1,Pain,,M\xFCller 2001,2001,,,,,,,,,,,,,,,,,\n",
                 "latin1-data-rows.csv:2:5: the text is not UTF-8 (byte 0xFC)");
    rows_refused("quote-data-rows.csv", HEADER "1,1,Pa\"in,,A,2001,,,,,,,,,,,,,,,,,\n",
                 "quote-data-rows.csv:2:3: a quote inside an unquoted field");
    rows_refused("open-data-rows.csv", HEADER ROW_OK "1,1,\"Pain,,A,2001\n",
                 "open-data-rows.csv:3:3: a quoted field is never closed");
    rows_refused("after-data-rows.csv", HEADER "1,1,\"Pain\"x,,A,2001,,,,,,,,,,,,,,,,,\n",
                 "after-data-rows.csv:2:3: text after the closing quote of a field");
}

static void test_numbers(void)
{
    static const struct {
        const char *row, *message;
    } cases[] = {
        {"x,1,Pain,,A,2001,,,5,1,,20,6,1,,21,,,,,,,\n",
         ":2:1: 'Analysis group' must be a whole number from 1, got 'x'"},
        {"1,0,Pain,,A,2001,,,5,1,,20,6,1,,21,,,,,,,\n",
         ":2:2: 'Analysis number' must be a whole number from 1, got '0'"},
        {"1,1,Pain,,,2001,,,5,1,,20,6,1,,21,,,,,,,\n", ":2:5: the row names no study"},
        {"1,1,Pain,,A,2001,,,5,1,,twenty,6,1,,21,,,,,,,\n", ":2:12: not a number, got 'twenty'"},
        {"1,1,Pain,,A,2001,,,5,1,,20,6,1,,21,,,heavy,,,,\n", ":2:19: not a number, got 'heavy'"},
        {"1,1,Pain,,A,2001,,,5,1,,20.5,6,1,,21,,,,,,,\n",
         ":2:12: 'Experimental N' must be a whole number, 0 or more, got 20.5"},
        {"1,1,Pain,,A,2001,,,5,-1,,20,6,1,,21,,,,,,,\n",
         ":2:10: 'Experimental SD' must not be negative, got -1"},
        {"1,1,Pain,,A,2001,,,,,25,20,,,1,21,,,,,,,\n",
         ":2:11: 'Experimental cases' exceeds 'Experimental N', got 25"},
        {"1,1,Pain,,A,2001,,,5,1,3,20,6,1,,21,,,,,,,\n",
         ":2:11: the row fills 'Experimental mean' and 'Experimental cases', columns of two data "
         "types"},
        {"1,1,Pain,,A,2001,,,5,1,,20,6,1,,21,,,,,,,Unclear risk\n",
         ":2:23: unknown risk-of-bias judgement (expected 'Low risk', 'Some concerns' or 'High "
         "risk'), got 'Unclear risk'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char name[64], text[2048];
        snprintf(name, sizeof name, "numbers%zu-data-rows.csv", i);
        snprintf(text, sizeof text, "%s%s", HEADER, cases[i].row);
        rows_refused(name, text, cases[i].message);
    }
}

static void test_contradictions(void)
{
    /* the second row of an inferred continuous analysis has cases */
    rows_refused("mixed-data-rows.csv",
                 HEADER ROW_OK "1,1,Pain,,Other 2002,2002,,,,,3,20,,,4,21,,,,,,,\n",
                 "mixed-data-rows.csv:3:11: 'Experimental cases' is 3, but analysis 1.1 holds "
                 "continuous data (mean, SD and N per group)");
    /* the settings say dichotomous; a row has means */
    fx_write("contra/CD000008-overall-estimates-and-settings.csv",
             "Analysis group,Analysis number,Data type\n1,1,Dichotomous\n", (size_t)-1);
    fx_write("contra/CD000008-data-rows.csv", HEADER ROW_OK, (size_t)-1);
    refused(fx_path("contra"), NULL, META_EINVAL,
            "CD000008-data-rows.csv:2:9: 'Experimental mean' is 5, but analysis 1.1 holds "
            "dichotomous data (cases and N per group)");
    /* GIV settings; a row with O-E */
    fx_write("contra2/CD000009-overall-estimates-and-settings.csv",
             "Analysis group,Analysis number,Data type\n1,1,Contrast level\n", (size_t)-1);
    fx_write("contra2/CD000009-data-rows.csv",
             HEADER "1,1,Pain,,A,2001,0.2,0.1,,,,,,,,,-1.5,4,,,,,\n", (size_t)-1);
    refused(fx_path("contra2"), NULL, META_EINVAL,
            "CD000009-data-rows.csv:2:17: 'O-E' is -1.5, but analysis 1.1 holds generic inverse "
            "variance data");
}

static void test_duplicates_and_names(void)
{
    rows_refused("dup-data-rows.csv", HEADER ROW_OK ROW_OK,
                 "dup-data-rows.csv:3: study 'Good 2001' is twice in analysis 1.1 with the same "
                 "data (first on line 2): remove one of the rows");
    rows_refused("dupsub-data-rows.csv",
                 HEADER "1,1,Pain,Oral,Good 2001,2001,,,5.0,1.0,,20,6.0,1.2,,21,,,,,,,\n"
                        "1,1,Pain,IV,Good 2001,2001,,,5.0,1.0,,20,6.0,1.2,,21,,,,,,,\n"
                        "1,1,Pain,Oral,Good 2001,2001,,,5.0,1.0,,20,6.0,1.2,,21,,,,,,,\n",
                 "dupsub-data-rows.csv:4: study 'Good 2001' is twice in analysis 1.1, subgroup "
                 "'Oral' with the same data (first on line 2)");
    rows_refused("names-data-rows.csv",
                 HEADER ROW_OK "1,1,Pain score,,Other 2002,2002,,,5.0,1.0,,20,6.0,1.2,,21,,,,,,,\n",
                 "names-data-rows.csv:3:3: analysis 1.1 is called 'Pain score' here but 'Pain' "
                 "on line 2");
    /* subgroup numbers that disagree */
    rows_refused(
        "sgno-data-rows.csv",
        "Analysis group,Analysis number,Subgroup,Subgroup number,Study,Experimental N,Control N\n"
        "1,1,Oral,1,A,10,10\n1,1,Oral,2,B,10,10\n",
        "sgno-data-rows.csv:3: subgroup 'Oral' of analysis 1.1 has number 2 here but 1 before");
    rows_refused(
        "sgno2-data-rows.csv",
        "Analysis group,Analysis number,Subgroup,Subgroup number,Study,Experimental N,Control N\n"
        "1,1,Oral,1,A,10,10\n1,1,IV,1,B,10,10\n",
        "sgno2-data-rows.csv: analysis 1.1 has two subgroups numbered 1");
    fx_write("studies/CD000010-data-rows.csv", HEADER ROW_OK, (size_t)-1);
    fx_write("studies/CD000010-study-information.csv", "Study,Year\nA,2001\nA,2002\n", (size_t)-1);
    refused(fx_path("studies"), NULL, META_EINVAL,
            "CD000010-study-information.csv: study 'A' is described twice");
}

static void test_settings(void)
{
    static const struct {
        const char *settings, *message;
    } cases[] = {
        {"Analysis group,Analysis number,Data type\n1,1,Survival\n",
         ":2:3: unknown data type (expected Dichotomous, Continuous, Contrast level or O-E and "
         "variance), got 'Survival'"},
        {"Analysis group,Analysis number,Data type,Analysis model\n1,1,Continuous,Bayesian\n",
         ":2:4: unknown analysis model (expected Fixed effect or Random effects), got "
         "'Bayesian'"},
        {"Analysis group,Analysis number,Data type,Swap event and non-event\n1,1,Continuous,"
         "perhaps\n",
         ":2:4: expected true or false, got 'perhaps'"},
        {"Analysis group,Analysis number,Data type,Study CI\n1,1,Continuous,150%\n",
         ":2:4: not a confidence level, got '150%'"},
        {"Analysis group,Analysis number,Data type,Mean\n1,1,Continuous,big\n",
         ":2:4: not a number, got 'big'"},
        {"Analysis group,Analysis number,Data type\n1,1,Continuous\n1,1,Continuous\n",
         ":3: analysis 1.1 has settings twice"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char dir[64], name[128];
        snprintf(dir, sizeof dir, "settings%zu", i);
        snprintf(name, sizeof name, "%s/CD000011-data-rows.csv", dir);
        fx_write(name, HEADER ROW_OK, (size_t)-1);
        snprintf(name, sizeof name, "%s/CD000011-overall-estimates-and-settings.csv", dir);
        fx_write(name, cases[i].settings, (size_t)-1);
        refused(fx_path(dir), NULL, META_EINVAL, cases[i].message);
    }
}

int main(void)
{
    static const struct meta_test_case cases[] = {
        {"a package without data rows", test_no_data_rows},
        {"hostile or broken archives", test_hostile_archives},
        {"unknown CSV layouts", test_unknown_layouts},
        {"text that is not UTF-8, malformed CSV", test_text},
        {"a FIFO is refused without waiting", test_fifo_refused},
        {"bad numbers and judgements", test_numbers},
        {"numbers that contradict the data type", test_contradictions},
        {"duplicates, names and subgroup numbers", test_duplicates_and_names},
        {"bad settings", test_settings},
        {NULL, NULL}};
    return meta_test_run_suite("review_errors", fx_setup, fx_cleanup, cases);
}
