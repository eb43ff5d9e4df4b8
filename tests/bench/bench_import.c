/*
 * Benchmark of lib/import (not a timed test): writes a large generated
 * Cochrane data package (700 analyses, 3,500 data rows, a quarter of the
 * analyses with subgroups, RoB 2 judgements, settings, subgroup totals and
 * study information), times reading it into the review model and turning it
 * into records, and writes the same records as an arm-level CSV, so that
 * bench_import.sh can time `meta load` of the very same rows.
 *
 * usage: bench_import DIR [REPEATS]   (DIR is created; default 20 repeats)
 */
#include "meta_review.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define GROUPS    35
#define PER_GROUP 20 /* 700 analyses */
#define ROWS_EACH 5  /* 3,500 data rows */
#define STUDIES   400

static unsigned long long lcg = 20250801ULL;

static double uniform(void)
{
    lcg = lcg * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(lcg >> 11) / 9007199254740992.0;
}

static int pick(int n)
{
    return (int)(uniform() * n);
}

static FILE *open_in(const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "bench_import: cannot write %s: %s\n", path, strerror(errno));
        exit(1);
    }
    return f;
}

static const char *const rob_words[] = {"Low risk", "Some concerns", "High risk"};

/* Writes the package's four files into dir. */
static void generate(const char *dir)
{
    FILE *rows = open_in(dir, "CD123456-data-rows.csv");
    FILE *settings = open_in(dir, "CD123456-overall-estimates-and-settings.csv");
    FILE *subgroups = open_in(dir, "CD123456-subgroup-estimates.csv");
    FILE *studies = open_in(dir, "CD123456-study-information.csv");
    fprintf(rows, "\xEF\xBB\xBF"
                  "Analysis group,Analysis number,Analysis name,Subgroup,Subgroup number,"
                  "Applicability,Study,Study year,GIV Mean,GIV SE,Experimental mean,Experimental "
                  "SD,Experimental cases,Experimental N,Control mean,Control SD,Control cases,"
                  "Control N,O-E,Variance,Weight,Mean,CI start,CI end,Footnotes,Bias arising "
                  "from the randomization process (judgement),Bias arising from the "
                  "randomization process (support),Overall bias (judgement),Overall bias "
                  "(support)\n");
    fprintf(settings, "\xEF\xBB\xBF"
                      "Analysis group,Analysis number,Analysis name,Analysis group name,Data "
                      "type,Log-scale data,Experimental intervention,Control intervention,"
                      "Statistical method,Effect measure,Analysis model,Study CI,Estimate CI,"
                      "Mean,CI start,CI end\n");
    fprintf(subgroups, "\xEF\xBB\xBF"
                       "Analysis group,Analysis number,Subgroup,Subgroup number,Weight,Mean,CI "
                       "start,CI end\n");
    fprintf(studies, "\xEF\xBB\xBFStudy,Year,Data source\n");
    for (int s = 0; s < STUDIES; s++)
        fprintf(studies, "Author%03d %d,%d,PUB\n", s, 1980 + s % 45, 1980 + s % 45);

    for (int g = 1; g <= GROUPS; g++) {
        for (int a = 1; a <= PER_GROUP; a++) {
            int dich = (g + a) % 2;
            int nsub = a % 4 == 0 ? 2 + a % 3 : 0;
            fprintf(settings,
                    "%d,%d,Outcome %d of comparison %d,Drug %d vs placebo,%s,%s,Drug %d,Placebo,"
                    "%s,%s,Random effects,95%%,95%%,0.8,0.6,1.1\n",
                    g, a, a, g, g, dich ? "Dichotomous" : "Continuous", dich ? "true" : "false", g,
                    dich ? "MH" : "IV", dich ? "Risk Ratio" : "Mean Difference");
            for (int k = 1; k <= nsub; k++)
                fprintf(subgroups, "%d,%d,Dose level %d,%d,%.6f,0.9,0.7,1.2\n", g, a, k, k,
                        100.0 / nsub);
            int first = pick(STUDIES - ROWS_EACH);
            for (int r = 0; r < ROWS_EACH; r++) {
                int s = first + r;
                int sub = nsub ? 1 + r % nsub : 0;
                char subtext[64] = "", subno[16] = "";
                if (sub) {
                    snprintf(subtext, sizeof subtext, "Dose level %d", sub);
                    snprintf(subno, sizeof subno, "%d", sub);
                }
                int n1 = 20 + pick(200), n2 = 20 + pick(200);
                fprintf(rows, "%d,%d,Outcome %d of comparison %d,%s,%s,SUBGROUP_AND_OVERALL,", g, a,
                        a, g, subtext, subno);
                fprintf(rows, "Author%03d %d,%d,,,", s, 1980 + s % 45, 1980 + s % 45);
                if (dich)
                    fprintf(rows, ",,%d,%d,,,%d,%d,", pick(n1 / 2), n1, pick(n2 / 2), n2);
                else
                    fprintf(rows, "%.6f,%.6f,,%d,%.6f,%.6f,,%d,", 40 + 20 * uniform(),
                            5 + 10 * uniform(), n1, 45 + 20 * uniform(), 5 + 10 * uniform(), n2);
                fprintf(rows,
                        ",,%.6f,0.9,0.5,1.4,,%s,\"<p>Generated support text, with a comma."
                        "</p>\",%s,\n",
                        100.0 / ROWS_EACH, rob_words[pick(3)], rob_words[pick(3)]);
            }
        }
    }
    fclose(rows);
    fclose(settings);
    fclose(subgroups);
    fclose(studies);
}

/* A sink that counts records, or writes them as arm-level CSV. */
struct sink_ctx {
    FILE *csv;
    long records;
};

static void csv_text(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

static const char *attr(const struct meta_record_attr *a, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(a[i].name, name) == 0)
            return a[i].value;
    return "";
}

static int on_record(const struct meta_record *rec, const struct meta_review_row *row, void *ctx)
{
    (void)row;
    struct sink_ctx *c = ctx;
    c->records++;
    if (!c->csv)
        return META_OK;
    csv_text(c->csv, rec->trial);
    fputc(',', c->csv);
    csv_text(c->csv, rec->arm);
    fputc(',', c->csv);
    csv_text(c->csv, rec->treatment);
    fputc(',', c->csv);
    csv_text(c->csv, rec->outcome);
    if (rec->kind == META_RECORD_CONTINUOUS)
        fprintf(c->csv, ",,%.0f,%.17g,%.17g,,", rec->n, rec->mean, rec->sd);
    else
        fprintf(c->csv, ",,,,,%.0f,%.0f", rec->events, rec->total);
    fprintf(c->csv, ",%s,", attr(rec->arm_attrs, rec->n_arm_attrs, "year"));
    csv_text(c->csv, attr(rec->result_attrs, rec->n_result_attrs, "subgroup"));
    fprintf(c->csv, ",%s\n", attr(rec->result_attrs, rec->n_result_attrs, "rob_d1"));
    return META_OK;
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + t.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Reads the package and makes its records once; returns the seconds. */
static double one_import(const char *dir, struct sink_ctx *ctx, size_t *rows)
{
    struct meta_review *rv = NULL;
    struct meta_error err = {{0}};
    double t0 = now();
    if (meta_review_read_cochrane(dir, NULL, &rv, &err) != META_OK) {
        fprintf(stderr, "bench_import: %s\n", err.msg);
        exit(1);
    }
    struct meta_review_sink sink = {on_record, NULL, ctx};
    if (meta_review_records(rv, NULL, &sink, &err) != META_OK) {
        fprintf(stderr, "bench_import: %s\n", err.msg);
        exit(1);
    }
    double t = now() - t0;
    *rows = 0;
    for (size_t i = 0; i < rv->n_analyses; i++)
        *rows += rv->analyses[i].n_rows;
    meta_review_free(rv);
    return t;
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: bench_import DIR [REPEATS]\n");
        return 2;
    }
    const char *dir = argv[1];
    int repeats = argc == 3 ? atoi(argv[2]) : 20;
    if (repeats < 1)
        repeats = 1;
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        fprintf(stderr, "bench_import: cannot create %s: %s\n", dir, strerror(errno));
        return 1;
    }
    generate(dir);

    /* The arm-level CSV of the same records, for meta load. */
    struct sink_ctx ctx = {open_in(dir, "arms.csv"), 0};
    fprintf(ctx.csv, "trial,arm,treatment,outcome,timepoint,n,mean,sd,events,total,year,subgroup,"
                     "rob_d1\n");
    size_t rows;
    one_import(dir, &ctx, &rows);
    fclose(ctx.csv);
    long records = ctx.records;

    double *t = malloc(sizeof *t * (size_t)repeats);
    for (int i = 0; i < repeats; i++) {
        struct sink_ctx count = {NULL, 0};
        t[i] = one_import(dir, &count, &rows);
    }
    qsort(t, (size_t)repeats, sizeof *t, cmp_double);
    printf("package: %s (700 analyses, %zu data rows, %ld records)\n", dir, rows, records);
    printf("import (read package + make records): median %.2f ms, best %.2f ms over %d runs\n",
           1e3 * t[repeats / 2], 1e3 * t[0], repeats);
    printf("per data row: %.2f us\n", 1e6 * t[repeats / 2] / (double)rows);
    free(t);
    return 0;
}
