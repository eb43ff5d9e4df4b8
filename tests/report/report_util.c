/*
 * Reading outputs back in the report suites (see report_util.h).
 */
#include "report_util.h"

#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void test_check_golden(const char *name, const char *text)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/report/golden/%s", META_SOURCE_DIR, name);
    const char *update = getenv("META_UPDATE_GOLDEN");
    if (update && *update) {
        FILE *out = fopen(path, "w");
        CU_ASSERT_PTR_NOT_NULL_FATAL(out);
        fputs(text, out);
        fclose(out);
        return;
    }
    FILE *in = fopen(path, "r");
    CU_ASSERT_PTR_NOT_NULL_FATAL(in);
    char *want = NULL;
    size_t cap = 0;
    ssize_t len = getdelim(&want, &cap, '\0', in);
    fclose(in);
    CU_ASSERT_FATAL(len >= 0);
    if (strcmp(want, text) != 0)
        printf("\n    %s differs:\n%s", name, text);
    CU_ASSERT_STRING_EQUAL(text, want);
    free(want);
}

size_t test_csv_split(char *line, char **fields, size_t max)
{
    size_t n = 0;
    for (char *p = line; n < max;) {
        fields[n++] = p;
        char *comma = strchr(p, ',');
        if (!comma)
            break;
        *comma = '\0';
        p = comma + 1;
    }
    return n;
}

int test_csv_column(char **header, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(header[i], name) == 0)
            return (int)i;
    printf("\n    no column '%s'", name);
    CU_FAIL("missing column");
    return 0;
}
