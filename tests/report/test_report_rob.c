/*
 * Tests of the risk-of-bias hook of lib/report's forest adapter: with
 * settings->rob, each study's judgements come from the caller's lookup,
 * asked by the study's index into the analysis' contrasts whatever subgroup
 * shows it (metafor's one contrast per trial, or revman5's subgroups in the
 * total), in the registry's words or RevMan's, and a word that is no
 * judgement stops the plot with the trial and attribute named.
 */
#include <CUnit/CUnit.h>
#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arms.h"
#include "cunit_main.h"
#include "meta_report.h"

/* Judgements of the pain example's trials (tests/analysis/arms.c), by
 * domain D1..D5 and overall; NULL: not assessed. */
static const struct {
    const char *trial;
    const char *rob[META_ROB_DOMAINS];
} judged[] = {
    {"T1", {"low", "low", "low", "low", NULL, "low"}},
    {"T2", {"Some concerns", "low", "high", NULL, NULL, "some concerns"}},
    {"T3", {NULL, NULL, NULL, NULL, NULL, NULL}},
    {"T6", {" HIGH ", "Low risk", "unclear", "low", NULL, "High risk"}},
};

static const enum meta_rob expected[][META_ROB_DOMAINS] = {
    {META_ROB_LOW, META_ROB_LOW, META_ROB_LOW, META_ROB_LOW, META_ROB_NONE, META_ROB_LOW},
    {META_ROB_SOME, META_ROB_LOW, META_ROB_HIGH, META_ROB_NONE, META_ROB_NONE, META_ROB_SOME},
    {META_ROB_NONE, META_ROB_NONE, META_ROB_NONE, META_ROB_NONE, META_ROB_NONE, META_ROB_NONE},
    {META_ROB_HIGH, META_ROB_LOW, META_ROB_SOME, META_ROB_LOW, META_ROB_NONE, META_ROB_HIGH},
};

#define N_JUDGED (sizeof judged / sizeof judged[0])

/* What the lookup sees: the analysis, and what it was asked. */
struct lookup {
    const struct meta_analysis *an;
    size_t calls;
    size_t max_study;
    int d5_by_index; /* answer rob_d5 from the index (low, some, high in turn) */
    const char *bad; /* answer rob_d3 of T2 with this word */
};

static const char *const by_index[3] = {"low", "some concerns", "high"};

static const char *lookup_attr(void *ctx, size_t study, const char *name)
{
    struct lookup *l = ctx;
    l->calls++;
    if (study > l->max_study || l->calls == 1)
        l->max_study = study;
    if (study >= l->an->contrasts.k)
        return "out of range"; /* fails the plot: the test sees it */
    const char *trial = l->an->contrasts.info[study].trial;
    if (l->d5_by_index && strcmp(name, "rob_d5") == 0)
        return by_index[study % 3];
    if (l->bad && strcmp(trial, "T2") == 0 && strcmp(name, "rob_d3") == 0)
        return l->bad;
    static const char *const attrs[META_ROB_DOMAINS] = {"rob_d1", "rob_d2", "rob_d3",
                                                        "rob_d4", "rob_d5", "rob_overall"};
    for (size_t t = 0; t < N_JUDGED; t++)
        for (int d = 0; d < META_ROB_DOMAINS; d++)
            if (strcmp(judged[t].trial, trial) == 0 && strcmp(attrs[d], name) == 0)
                return judged[t].rob[d];
    return NULL;
}

/* The pain example with `options`, into the caller's structs. */
struct run {
    struct meta_analysis_request req;
    struct meta_selection sel;
    struct meta_analysis an;
};

static int run_pain(struct run *r, const char *const *options)
{
    struct meta_request_error e;
    int ret = test_pain_analysis(&r->req, &r->sel, &r->an, options, &e);
    if (ret != META_OK)
        printf("\n    %s", e.err.msg);
    return ret;
}

static void run_release(struct run *r)
{
    meta_analysis_release(&r->an);
    meta_analysis_request_release(&r->req);
    free(r->sel.arms);
}

/* The forest of r with the lookup l asked for (rob set). */
static struct meta_forest *forest_with(struct run *r, struct lookup *l, int rob, int *ret,
                                       struct meta_error *err)
{
    struct meta_plot_settings settings = {0};
    struct meta_forest *f = NULL;
    l->an = &r->an;
    settings.rob = rob;
    settings.study_attr = lookup_attr;
    settings.study_attr_ctx = l;
    *ret = meta_report_forest(&r->an, &settings, &f, err);
    return f;
}

/* Checks that every study row carries the judgements its trial has in the
 * table (d5 left out when skip_d5). Returns the number of study rows. */
static size_t check_rows(const struct meta_forest *f, int skip_d5)
{
    size_t rows = 0;
    for (size_t i = 0; i < f->n_rows; i++) {
        const struct meta_forest_row *r = &f->rows[i];
        if (r->kind != META_FOREST_STUDY)
            continue;
        rows++;
        size_t t = 0;
        while (t < N_JUDGED && strcmp(judged[t].trial, r->label) != 0)
            t++;
        CU_ASSERT_FATAL(t < N_JUDGED);
        for (int d = 0; d < META_ROB_DOMAINS; d++) {
            if (skip_d5 && d == META_ROB_D5)
                continue;
            if (r->study.rob[d] != expected[t][d])
                printf("\n    %s domain %d: %d, expected %d", r->label, d + 1, (int)r->study.rob[d],
                       (int)expected[t][d]);
            CU_ASSERT_EQUAL(r->study.rob[d], expected[t][d]);
        }
    }
    return rows;
}

static void test_whole_analysis(void)
{
    struct run r;
    struct lookup l = {0};
    struct meta_error err;
    int ret;
    CU_ASSERT_EQUAL_FATAL(run_pain(&r, NULL), META_OK);
    struct meta_forest *f = forest_with(&r, &l, 1, &ret, &err);
    CU_ASSERT_EQUAL_FATAL(ret, META_OK);
    CU_ASSERT_EQUAL(f->show_rob, 1);
    CU_ASSERT_EQUAL(check_rows(f, 0), 4); /* T1, T2, T3, T6: T4 and T5 lack an arm */
    CU_ASSERT_EQUAL(l.calls, 4 * META_ROB_DOMAINS);
    CU_ASSERT_EQUAL(l.max_study, r.an.contrasts.k - 1);
    meta_forest_free(f);
    run_release(&r);
}

/* Not asked for: no column, the lookup never called. Asked for without a
 * lookup: the column is wanted but no study is judged. */
static void test_not_asked(void)
{
    struct run r;
    struct lookup l = {0};
    struct meta_error err;
    struct meta_plot_settings settings = {0};
    struct meta_forest *f;
    int ret;
    CU_ASSERT_EQUAL_FATAL(run_pain(&r, NULL), META_OK);
    f = forest_with(&r, &l, 0, &ret, &err);
    CU_ASSERT_EQUAL_FATAL(ret, META_OK);
    CU_ASSERT_EQUAL(f->show_rob, 0);
    CU_ASSERT_EQUAL(l.calls, 0);
    for (size_t i = 0; i < f->n_rows; i++)
        for (int d = 0; d < META_ROB_DOMAINS; d++)
            CU_ASSERT_EQUAL(f->rows[i].study.rob[d], META_ROB_NONE);
    meta_forest_free(f);
    settings.rob = 1;
    CU_ASSERT_EQUAL_FATAL(meta_report_forest(&r.an, &settings, &f, &err), META_OK);
    CU_ASSERT_EQUAL(f->show_rob, 1);
    for (size_t i = 0; i < f->n_rows; i++)
        for (int d = 0; d < META_ROB_DOMAINS; d++)
            CU_ASSERT_EQUAL(f->rows[i].study.rob[d], META_ROB_NONE);
    meta_forest_free(f);
    run_release(&r);
}

/* metafor with subgroups by dose: T2's two doses sit in two subgroups, and
 * both of its rows are asked for as T2's one contrast of the analysis. */
static void test_subgroups_one_contrast_per_trial(void)
{
    static const char *const opts[] = {"by", "dose", NULL};
    struct run r;
    struct lookup l = {.d5_by_index = 1};
    struct meta_error err;
    int ret;
    CU_ASSERT_EQUAL_FATAL(run_pain(&r, opts), META_OK);
    CU_ASSERT_EQUAL_FATAL(r.an.subgroups_in_total, 0);
    struct meta_forest *f = forest_with(&r, &l, 1, &ret, &err);
    CU_ASSERT_EQUAL_FATAL(ret, META_OK);
    size_t t2 = 0;
    CU_ASSERT_EQUAL(check_rows(f, 1), 5); /* T2 twice */
    for (size_t i = 0; i < f->n_rows; i++) {
        const struct meta_forest_row *row = &f->rows[i];
        if (row->kind != META_FOREST_STUDY)
            continue;
        size_t c = 0;
        while (c < r.an.contrasts.k && strcmp(r.an.contrasts.info[c].trial, row->label) != 0)
            c++;
        CU_ASSERT_FATAL(c < r.an.contrasts.k);
        CU_ASSERT_EQUAL(row->study.rob[META_ROB_D5], META_ROB_LOW + (enum meta_rob)(c % 3));
        t2 += strcmp(row->label, "T2") == 0;
    }
    CU_ASSERT_EQUAL(t2, 2);
    meta_forest_free(f);
    run_release(&r);
}

/* revman5 with subgroups: the total pools the subgroups' studies, each of
 * T2's contrasts is a study of the analysis of its own, asked by its own
 * index: the drawn rows are the analysis' studies in order. */
static void test_subgroups_in_total(void)
{
    static const char *const opts[] = {"by", "dose", "convention", "revman5", NULL};
    struct run r;
    struct lookup l = {.d5_by_index = 1};
    struct meta_error err;
    int ret;
    CU_ASSERT_EQUAL_FATAL(run_pain(&r, opts), META_OK);
    CU_ASSERT_EQUAL_FATAL(r.an.subgroups_in_total, 1);
    struct meta_forest *f = forest_with(&r, &l, 1, &ret, &err);
    CU_ASSERT_EQUAL_FATAL(ret, META_OK);
    CU_ASSERT_EQUAL(check_rows(f, 1), r.an.contrasts.k);
    size_t j = 0;
    for (size_t i = 0; i < f->n_rows; i++) {
        const struct meta_forest_row *row = &f->rows[i];
        if (row->kind != META_FOREST_STUDY)
            continue;
        CU_ASSERT_STRING_EQUAL(row->label, r.an.contrasts.info[j].trial);
        CU_ASSERT_EQUAL(row->study.rob[META_ROB_D5], META_ROB_LOW + (enum meta_rob)(j % 3));
        j++;
    }
    CU_ASSERT_EQUAL(l.max_study, r.an.contrasts.k - 1);
    meta_forest_free(f);
    run_release(&r);
}

static void test_bad_judgement(void)
{
    struct run r;
    struct lookup l = {.bad = "moderate"};
    struct meta_error err;
    int ret;
    CU_ASSERT_EQUAL_FATAL(run_pain(&r, NULL), META_OK);
    struct meta_forest *f = forest_with(&r, &l, 1, &ret, &err);
    CU_ASSERT_EQUAL(ret, META_EINVAL);
    CU_ASSERT_PTR_NULL(f);
    CU_ASSERT_STRING_EQUAL(err.msg, "trial 'T2': rob_d3 'moderate' is not a risk-of-bias "
                                    "judgement (use low, some concerns or high)");
    run_release(&r);
}

/* The judgements reach the script: one mark per judgement. */
static void test_marks_in_script(void)
{
    struct run r;
    struct lookup l = {0};
    struct meta_error err;
    char *script = NULL;
    size_t len = 0, marks = 0, judgements = 0;
    int ret;
    CU_ASSERT_EQUAL_FATAL(run_pain(&r, NULL), META_OK);
    struct meta_forest *f = forest_with(&r, &l, 1, &ret, &err);
    CU_ASSERT_EQUAL_FATAL(ret, META_OK);
    FILE *mem = open_memstream(&script, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(mem);
    CU_ASSERT_EQUAL(meta_plot_forest_script(f, META_PLOT_SVG, "pain.svg", mem, &err), META_OK);
    fclose(mem);
    for (const char *p = script; (p = strstr(p, "set object circle")) != NULL; p++)
        marks++;
    for (size_t t = 0; t < N_JUDGED; t++)
        for (int d = 0; d < META_ROB_DOMAINS; d++)
            judgements += expected[t][d] != META_ROB_NONE;
    CU_ASSERT_EQUAL(marks, judgements + 3); /* and the legend's three */
    free(script);
    meta_forest_free(f);
    run_release(&r);
}

int main(void)
{
    gsl_set_error_handler_off();
    static const struct meta_test_case cases[] = {
        {"judgements of every study from the lookup", test_whole_analysis},
        {"not asked for, or no lookup: no judgement", test_not_asked},
        {"subgroups, one contrast per trial (metafor)", test_subgroups_one_contrast_per_trial},
        {"subgroups in the total (revman5)", test_subgroups_in_total},
        {"a word that is no judgement names trial and attribute", test_bad_judgement},
        {"one mark per judgement in the script", test_marks_in_script},
        {NULL, NULL}};
    return meta_test_run_suite("report: risk of bias on the forest", NULL, NULL, cases);
}
