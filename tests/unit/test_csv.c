/*
 * Implementation of the unit tests' CSV fixture reader (see test_csv.h):
 * split lines on commas outside double quotes, look columns up by name,
 * group arms by trial and combine each side.
 */
#include "test_csv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_FIELDS 32
#define MAX_ARMS   8

/* Splits line in place into at most MAX_FIELDS fields; quotes are removed
 * ("" inside quotes becomes "). Returns the number of fields. */
static int split(char *line, char **fields)
{
    int n = 0;
    char *p = line, *w;
    line[strcspn(line, "\r\n")] = '\0';
    while (n < MAX_FIELDS) {
        fields[n++] = w = p;
        if (*p == '"') {
            p++;
            for (;;) {
                if (*p == '"' && p[1] == '"') {
                    *w++ = '"';
                    p += 2;
                } else if (*p == '"') {
                    p++;
                    break;
                } else if (*p == '\0') {
                    break;
                } else {
                    *w++ = *p++;
                }
            }
            while (*p && *p != ',')
                p++;
        } else {
            while (*p && *p != ',')
                *w++ = *p++;
        }
        int more = *p == ',';
        *w = '\0';
        if (!more)
            break;
        p++;
    }
    return n;
}

static int column(char **names, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcasecmp(names[i], name) == 0)
            return i;
    return -1;
}

/* Is `value` one of the comma-separated names in `list`? */
static int in_list(const char *list, const char *value)
{
    size_t len = strlen(value);
    const char *p = list;
    while (*p) {
        size_t seg = strcspn(p, ",");
        if (seg == len && strncmp(p, value, len) == 0)
            return 1;
        p += seg;
        if (*p == ',')
            p++;
    }
    return 0;
}

struct trial {
    char *label;
    char *attr;
    int binary;
    struct meta_arm_cont tc[MAX_ARMS], cc[MAX_ARMS];
    struct meta_arm_bin tb[MAX_ARMS], cb[MAX_ARMS];
    size_t nt, nc;
};

static double num(const char *s)
{
    return *s ? strtod(s, NULL) : 0.0;
}

int test_studies_load(const char *path, const char *outcome, const char *timepoint,
                      const char *treatments, const char *controls, const char *attr_name,
                      struct test_studies *out)
{
    FILE *f = fopen(path, "r");
    char line[4096], header[4096];
    char *hf[MAX_FIELDS], *fv[MAX_FIELDS];
    struct trial *trials = NULL;
    size_t ntrials = 0;
    int ret = -1;

    memset(out, 0, sizeof *out);
    if (!f || !fgets(header, sizeof header, f)) {
        fprintf(stderr, "cannot read %s\n", path);
        goto cleanup;
    }
    if ((unsigned char)header[0] == 0xEF)
        memmove(header, header + 3, strlen(header + 3) + 1);
    int nh = split(header, hf);
    int c_trial = column(hf, nh, "trial"), c_treat = column(hf, nh, "treatment");
    int c_out = column(hf, nh, "outcome"), c_tp = column(hf, nh, "timepoint");
    int c_n = column(hf, nh, "n"), c_mean = column(hf, nh, "mean"), c_sd = column(hf, nh, "sd");
    int c_ev = column(hf, nh, "events"), c_tot = column(hf, nh, "total");
    int c_attr = attr_name ? column(hf, nh, attr_name) : -1;
    if (c_trial < 0 || c_treat < 0 || c_out < 0) {
        fprintf(stderr, "%s: missing columns\n", path);
        goto cleanup;
    }
    trials = calloc(256, sizeof *trials);
    if (!trials)
        goto cleanup;
    while (fgets(line, sizeof line, f)) {
        int nf = split(line, fv);
        if (nf < nh)
            continue;
        if (strcmp(fv[c_out], outcome) != 0)
            continue;
        if (timepoint && c_tp >= 0 && strcmp(fv[c_tp], timepoint) != 0)
            continue;
        int is_t = in_list(treatments, fv[c_treat]), is_c = in_list(controls, fv[c_treat]);
        if (!is_t && !is_c)
            continue;
        size_t t;
        for (t = 0; t < ntrials; t++)
            if (strcmp(trials[t].label, fv[c_trial]) == 0)
                break;
        if (t == ntrials) {
            if (ntrials == 256)
                goto cleanup;
            trials[t].label = strdup(fv[c_trial]);
            ntrials++;
        }
        struct trial *tr = &trials[t];
        int binary = c_ev >= 0 && c_tot >= 0 && *fv[c_tot];
        tr->binary = binary;
        if (is_t && !tr->attr && c_attr >= 0)
            tr->attr = strdup(fv[c_attr]);
        size_t *count = is_t ? &tr->nt : &tr->nc;
        if (*count == MAX_ARMS)
            goto cleanup;
        if (binary) {
            struct meta_arm_bin a = {num(fv[c_ev]), num(fv[c_tot])};
            (is_t ? tr->tb : tr->cb)[*count] = a;
        } else {
            struct meta_arm_cont a = {num(fv[c_n]), num(fv[c_mean]), num(fv[c_sd])};
            (is_t ? tr->tc : tr->cc)[*count] = a;
        }
        (*count)++;
    }
    out->studies = calloc(ntrials ? ntrials : 1, sizeof *out->studies);
    out->labels = calloc(ntrials ? ntrials : 1, sizeof *out->labels);
    out->attr = calloc(ntrials ? ntrials : 1, sizeof *out->attr);
    if (!out->studies || !out->labels || !out->attr)
        goto cleanup;
    for (size_t t = 0; t < ntrials; t++) {
        struct trial *tr = &trials[t];
        if (tr->nt == 0 || tr->nc == 0)
            continue;
        struct meta_study *s = &out->studies[out->k];
        s->binary = tr->binary;
        int st;
        if (tr->binary)
            st = meta_arm_bin_combine(tr->tb, tr->nt, &s->tb, NULL) ||
                 meta_arm_bin_combine(tr->cb, tr->nc, &s->cb, NULL);
        else
            st = meta_arm_cont_combine(tr->tc, tr->nt, &s->tc, NULL) ||
                 meta_arm_cont_combine(tr->cc, tr->nc, &s->cc, NULL);
        if (st) {
            fprintf(stderr, "%s: cannot combine arms of '%s'\n", path, tr->label);
            goto cleanup;
        }
        out->labels[out->k] = tr->label;
        out->attr[out->k] = tr->attr;
        tr->label = tr->attr = NULL;
        s->label = out->labels[out->k];
        out->k++;
    }
    ret = 0;

cleanup:
    if (f)
        fclose(f);
    if (trials) {
        for (size_t t = 0; t < ntrials; t++) {
            free(trials[t].label);
            free(trials[t].attr);
        }
        free(trials);
    }
    if (ret != 0)
        test_studies_free(out);
    return ret;
}

void test_studies_free(struct test_studies *s)
{
    if (s->labels)
        for (size_t i = 0; i < s->k; i++)
            free(s->labels[i]);
    if (s->attr)
        for (size_t i = 0; i < s->k; i++)
            free(s->attr[i]);
    free(s->labels);
    free(s->attr);
    free(s->studies);
    memset(s, 0, sizeof *s);
}
