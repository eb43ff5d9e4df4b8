/*
 * Fixtures for the plot tests: real data from tests/data turned into plot
 * descriptions the way the command layer will fill them, and small readers
 * for what gnuplot produced. The numbers are only inputs of the plots here;
 * their correctness is lib/stats' business, checked against metafor there.
 */
#include <dirent.h>
#include <errno.h>
#include <json-c/json.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plot_fixtures.h"

#define BCG_MAX 32

static const char *bcg_labels[BCG_MAX];
static size_t bcg_n;

/* One BCG trial's arms from bcg.csv. */
struct bcg_arms {
    char trial[128];
    long ev[2], n[2]; /* [treated, control] */
};

/* Splits one CSV line (RFC 4180 quotes, no embedded newlines) into at most
 * max fields, in place. Returns the number of fields. */
static int split_csv(char *line, char **fields, int max)
{
    int n = 0;
    char *r = line, *w = line;
    while (n < max) {
        fields[n++] = w;
        if (*r == '"') {
            r++;
            while (*r && !(*r == '"' && r[1] != '"')) {
                if (*r == '"')
                    r++;
                *w++ = *r++;
            }
            if (*r == '"')
                r++;
        }
        while (*r && *r != ',' && *r != '\n' && *r != '\r')
            *w++ = *r++;
        if (*r != ',') {
            *w = '\0';
            break;
        }
        *w++ = '\0';
        r++;
    }
    return n;
}

static size_t read_bcg_arms(struct bcg_arms *arms, size_t max)
{
    FILE *in = fopen(META_TEST_DATA_DIR "/bcg.csv", "r");
    char line[512], *fld[12];
    size_t n = 0;
    if (!in)
        return 0;
    if (!fgets(line, sizeof line, in)) { /* header */
        fclose(in);
        return 0;
    }
    while (fgets(line, sizeof line, in)) {
        size_t i;
        int side;
        if (split_csv(line, fld, 12) < 10)
            continue;
        side = strcmp(fld[1], "treated") == 0 ? 0 : 1;
        for (i = 0; i < n; i++)
            if (strcmp(arms[i].trial, fld[0]) == 0)
                break;
        if (i == n) {
            if (n == max)
                break;
            snprintf(arms[n].trial, sizeof arms[n].trial, "%s", fld[0]);
            n++;
        }
        arms[i].ev[side] = atol(fld[8]);
        arms[i].n[side] = atol(fld[9]);
    }
    fclose(in);
    return n;
}

static double num(json_object *o, const char *key)
{
    json_object *v;
    if (!json_object_object_get_ex(o, key, &v) || json_object_is_type(v, json_type_null))
        return NAN;
    return json_object_get_double(v);
}

static const char *str(json_object *o, const char *key)
{
    json_object *v;
    return json_object_object_get_ex(o, key, &v) ? json_object_get_string(v) : "";
}

/* The metafor reference case for BCG, RR, random effects, REML, z. */
static json_object *bcg_case(json_object *root)
{
    for (size_t i = 0; i < json_object_array_length(root); i++) {
        json_object *c = json_object_array_get_idx(root, i);
        if (strcmp(str(c, "dataset"), "bcg") == 0 && strcmp(str(c, "measure"), "RR") == 0 &&
            strcmp(str(c, "method"), "REML") == 0 && strcmp(str(c, "ci"), "z") == 0)
            return c;
    }
    return NULL;
}

struct meta_forest *fixture_bcg_forest(void)
{
    json_object *root = json_object_from_file(META_TEST_DATA_DIR "/reference.json");
    json_object *c, *exp, *studies;
    struct meta_forest *f = meta_forest_alloc();
    struct bcg_arms arms[BCG_MAX];
    size_t narms = read_bcg_arms(arms, BCG_MAX);
    struct meta_forest_summary s;
    int ok = root && f && narms > 0;
    const double z = 1.959963984540054;

    c = ok ? bcg_case(root) : NULL;
    ok = ok && c && json_object_object_get_ex(c, "expected", &exp) &&
         json_object_object_get_ex(exp, "studies", &studies);
    ok = ok && meta_forest_set_measure(f, "Risk Ratio", 1, NULL) == META_OK &&
         meta_forest_set_arms(f, "BCG", "Control", NULL) == META_OK &&
         meta_forest_set_model(f, "Random effects", "REML", 95, NULL) == META_OK &&
         meta_forest_set_title(f, "BCG vaccine and tuberculosis", NULL) == META_OK;
    bcg_n = 0;
    for (size_t i = 0; ok && i < json_object_array_length(studies); i++) {
        json_object *st = json_object_array_get_idx(studies, i);
        struct meta_forest_study row;
        double yi = num(st, "yi"), se = sqrt(num(st, "vi"));
        meta_forest_study_init(&row);
        row.label = str(st, "trial");
        row.estimate = yi;
        row.ci_lower = yi - z * se;
        row.ci_upper = yi + z * se;
        row.weight = num(st, "weight");
        /* The year is the label's last word ("bcg: Aronson 1948"). */
        const char *sp = strrchr(row.label, ' ');
        row.year = sp ? atof(sp + 1) : NAN;
        for (size_t a = 0; a < narms; a++)
            if (strcmp(arms[a].trial, row.label) == 0) {
                row.treatment.kind = row.control.kind = META_PLOT_ARM_BINARY;
                row.treatment.events = arms[a].ev[0];
                row.treatment.n = arms[a].n[0];
                row.control.events = arms[a].ev[1];
                row.control.n = arms[a].n[1];
            }
        ok = meta_forest_add_study(f, &row, NULL) == META_OK;
        if (ok && bcg_n < BCG_MAX)
            bcg_labels[bcg_n++] = f->rows[f->n_rows - 1].label;
    }
    if (ok) {
        meta_forest_summary_init(&s);
        s.estimate = num(exp, "estimate");
        s.ci_lower = num(exp, "ci_lower");
        s.ci_upper = num(exp, "ci_upper");
        s.pi_lower = num(exp, "pi_lower");
        s.pi_upper = num(exp, "pi_upper");
        s.weight = 100;
        s.tau2 = num(exp, "tau2");
        s.q = num(exp, "Q");
        s.q_df = num(exp, "Q_df");
        s.q_p = num(exp, "Q_p");
        s.i2 = num(exp, "I2");
        s.stat = num(exp, "statistic");
        s.p = num(exp, "p");
        ok = meta_forest_add_overall(f, &s, NULL) == META_OK;
    }
    json_object_put(root);
    if (!ok) {
        meta_forest_free(f);
        return NULL;
    }
    return f;
}

const char *const *fixture_bcg_labels(size_t *n)
{
    *n = bcg_n;
    return bcg_labels;
}

struct meta_funnel *fixture_bcg_funnel(void)
{
    json_object *root = json_object_from_file(META_TEST_DATA_DIR "/reference.json");
    json_object *c, *exp, *studies;
    struct meta_funnel *f = meta_funnel_alloc();
    int ok = root && f;
    c = ok ? bcg_case(root) : NULL;
    ok = ok && c && json_object_object_get_ex(c, "expected", &exp) &&
         json_object_object_get_ex(exp, "studies", &studies);
    ok = ok && meta_funnel_set_measure(f, "Risk Ratio", 1, NULL) == META_OK &&
         meta_funnel_set_title(f, "BCG vaccine: funnel plot", NULL) == META_OK &&
         meta_funnel_set_estimate(f, num(exp, "estimate"), NULL) == META_OK;
    for (size_t i = 0; ok && i < json_object_array_length(studies); i++) {
        json_object *st = json_object_array_get_idx(studies, i);
        ok = meta_funnel_add_point(f, num(st, "yi"), sqrt(num(st, "vi")), str(st, "trial"), NULL) ==
             META_OK;
    }
    json_object_put(root);
    if (!ok) {
        meta_funnel_free(f);
        return NULL;
    }
    return f;
}

/*
 * Häuser 2009 pain scores, each active drug class against placebo, arms of a
 * class combined (Cochrane Handbook 6.5.a), Hedges' g and REML computed with
 * metafor 3.8-1 (escalc "SMD", rma REML per class and overall over these
 * comparisons; the overall weights in percent). Inputs of the plot only.
 */
static const struct fibro_study {
    const char *trial;
    int year;
    const char *cls;
    long n1;
    double m1, sd1;
    long n2;
    double m2, sd2, yi, vi, w;
} fibro[] = {
    {"Carette et al. 1986", 1986, "TCA", 27, 4.30, 3.00, 32, 5.00, 3.00, -0.230247, 0.068736,
     5.3003},
    {"Carette et al. 1995", 1995, "TCA", 22, 5.07, 3.22, 22, 7.13, 2.41, -0.711311, 0.096659,
     4.3081},
    {"Ginsberg et al. 1998", 1998, "MAOI", 33, 4.85, 2.11, 28, 6.79, 1.53, -1.025786, 0.074642,
     5.0541},
    {"Ginsberg et al. 1996", 1996, "TCA", 20, 3.80, 2.40, 20, 7.00, 1.30, -1.625032, 0.133009,
     3.4639},
    {"Goldenberg et al. 1996", 1996, "SSRI", 22, 5.75, 2.57, 19, 8.15, 1.65, -1.072766, 0.112121,
     3.9034},
    {"Goldenberg et al. 1996", 1996, "TCA", 21, 6.40, 2.83, 19, 8.15, 1.65, -0.731041, 0.106931,
     4.0305},
    {"Hannonen et al. 1998", 1998, "MAOI", 30, 4.50, 2.70, 30, 5.20, 2.70, -0.255890, 0.067212,
     5.3678},
    {"Hannonen et al. 1998", 1998, "TCA", 32, 4.50, 2.80, 30, 5.20, 2.70, -0.251154, 0.065092,
     5.4646},
    {"Kempenaers et al. 1994", 1994, "TCA", 6, 3.20, 3.10, 8, 3.70, 2.80, -0.159786, 0.292579,
     1.8621},
    {"Wolfe et al. 1994", 1994, "SSRI", 15, 1.60, 0.79, 9, 1.60, 0.79, 0.000000, 0.177778, 2.7904},
    {"Yavuzer et al. 1998", 1998, "MAOI", 26, 1.57, 0.88, 22, 1.88, 0.83, -0.355569, 0.085233,
     4.6654},
    {"Anderberg et al. 2000", 2000, "SSRI", 17, -1.00, 1.86, 18, 0.00, 2.47, -0.445031, 0.117208,
     3.7864},
    {"Arnold et al. 2005", 2005, "SNRI", 230, -2.395, 2.355, 118, -1.16, 2.28, -0.528902, 0.013224,
     9.7772},
    {"Arnold et al. 2004", 2004, "SNRI", 101, -1.98, 3.01, 103, -1.35, 2.94, -0.210987, 0.019719,
     8.8979},
    {"Arnold et al. 2002", 2002, "SSRI", 19, -2.30, 2.40, 18, -0.10, 2.50, -0.878885, 0.118625,
     3.7550},
    {"N\xc3\xb8rregaard et al. 1995", 1995, "SSRI", 21, 1.00, 2.10, 21, 0.70, 1.10, 0.175585,
     0.095605, 4.3387},
    {"Patkar et al. 2007", 2007, "SSRI", 38, -12.20, 18.50, 48, -8.80, 16.60, -0.192960, 0.047366,
     6.4346},
    {"Russell et al. 2008", 2008, "SNRI", 376, -2.1399, 2.5422, 144, -1.43, 2.52, -0.279510,
     0.009679, 10.3347},
    {"Vitton et al. 2004", 2004, "SNRI", 97, -2.30, 3.00, 28, -0.90, 2.90, -0.467188, 0.046897,
     6.4649},
};

/* Per class and overall, from the same metafor runs: estimate, CI, PI, tau²,
 * Q, df, Q's p, I², z, p, weight (percent of the overall analysis). */
static const struct fibro_pool {
    const char *cls;
    double est, lo, hi, pil, piu, tau2, q, df, qp, i2, z, p, w;
} fibro_pool[] = {
    {"TCA", -0.613345, -1.035585, -0.191105, -1.517632, 0.290941, 0.166459, 12.632032, 5, 0.0270822,
     61.9054, -2.847041, 0.00441277, 24.4294},
    {"SNRI", -0.360042, -0.518160, -0.201924, -0.601202, -0.118881, 0.008631, 4.194979, 3, 0.241165,
     33.3092, -4.462921, 8.08499e-06, 35.4748},
    {"SSRI", -0.394755, -0.781406, -0.008104, -1.196498, 0.406988, 0.128413, 11.179516, 5,
     0.0479346, 56.3343, -2.001042, 0.0453879, 25.0085},
    {"MAOI", -0.545097, -1.023480, -0.066714, -1.336161, 0.245967, 0.103328, 4.761274, 2, 0.0924916,
     57.8342, -2.233296, 0.0255295, 15.0873},
    {NULL, -0.453570, -0.610682, -0.296459, -0.929330, 0.022190, 0.052497, 35.751431, 18,
     0.00759159, 51.4112, -5.658282, 1.52896e-08, 100},
};

static void fill_pool(struct meta_forest_summary *s, const struct fibro_pool *p)
{
    meta_forest_summary_init(s);
    s->estimate = p->est;
    s->ci_lower = p->lo;
    s->ci_upper = p->hi;
    s->pi_lower = p->pil;
    s->pi_upper = p->piu;
    s->tau2 = p->tau2;
    s->q = p->q;
    s->q_df = p->df;
    s->q_p = p->qp;
    s->i2 = p->i2;
    s->stat = p->z;
    s->p = p->p;
    s->weight = p->w;
}

struct meta_forest *fixture_fibro_forest(void)
{
    struct meta_forest *f = meta_forest_alloc();
    const double z = 1.959963984540054;
    struct meta_forest_summary s;
    int ok = f != NULL;
    ok = ok && meta_forest_set_measure(f, "Std. Mean Difference", 0, NULL) == META_OK &&
         meta_forest_set_arms(f, "Antidepressant", "Placebo", NULL) == META_OK &&
         meta_forest_set_model(f, "Random effects", "REML", 95, NULL) == META_OK &&
         meta_forest_set_title(f, "Antidepressants for fibromyalgia: pain", NULL) == META_OK;
    for (size_t g = 0; ok && fibro_pool[g].cls; g++) {
        ok = meta_forest_add_section(f, fibro_pool[g].cls, NULL) == META_OK;
        for (size_t i = 0; ok && i < sizeof fibro / sizeof fibro[0]; i++) {
            const struct fibro_study *t = &fibro[i];
            struct meta_forest_study row;
            if (strcmp(t->cls, fibro_pool[g].cls) != 0)
                continue;
            meta_forest_study_init(&row);
            row.label = t->trial;
            row.year = t->year;
            row.treatment.kind = row.control.kind = META_PLOT_ARM_CONTINUOUS;
            row.treatment.n = t->n1;
            row.treatment.mean = t->m1;
            row.treatment.sd = t->sd1;
            row.control.n = t->n2;
            row.control.mean = t->m2;
            row.control.sd = t->sd2;
            row.estimate = t->yi;
            row.ci_lower = t->yi - z * sqrt(t->vi);
            row.ci_upper = t->yi + z * sqrt(t->vi);
            row.weight = t->w;
            ok = meta_forest_add_study(f, &row, NULL) == META_OK;
        }
        fill_pool(&s, &fibro_pool[g]);
        ok = ok && meta_forest_add_subtotal(f, &s, NULL) == META_OK;
    }
    fill_pool(&s, &fibro_pool[4]);
    ok = ok && meta_forest_add_overall(f, &s, NULL) == META_OK;
    /* metafor: rma(FE) of the four subgroup estimates and standard errors. */
    ok = ok &&
         meta_forest_set_subgroup_test(f, 1.57750551379655, 3, 0.664500980286207, NULL) == META_OK;
    if (!ok) {
        meta_forest_free(f);
        return NULL;
    }
    return f;
}

/* A fixed linear congruential sequence in [0, 1): the same studies every run. */
static double next_uniform(unsigned long *state)
{
    *state = (*state * 6364136223846793005UL + 1442695040888963407UL);
    return (double)((*state >> 11) & ((1UL << 53) - 1)) / 9007199254740992.0;
}

/* One generated binary study: arm sizes and events, and its log odds ratio
 * yi with its variance vi (0.5 added to every cell). */
struct gen_study {
    long n1, n2, e1, e2;
    double yi, vi;
};

static void gen_study(unsigned long *state, struct gen_study *g)
{
    g->n1 = 20 + (long)(next_uniform(state) * 300);
    g->n2 = 20 + (long)(next_uniform(state) * 300);
    g->e1 = (long)(g->n1 * (0.05 + 0.3 * next_uniform(state)));
    g->e2 = (long)(g->n2 * (0.08 + 0.3 * next_uniform(state)));
    double a = g->e1 + 0.5, b = g->n1 - g->e1 + 0.5, c = g->e2 + 0.5, d = g->n2 - g->e2 + 0.5;
    g->yi = log(a * d / (b * c));
    g->vi = 1 / a + 1 / b + 1 / c + 1 / d;
}

/* The row of generated study i (0-based) with weight w percent. */
static void gen_row(struct meta_forest_study *row, const struct gen_study *g, size_t i, double w,
                    int long_labels, char *label, size_t size)
{
    const double z = 1.959963984540054;
    meta_forest_study_init(row);
    if (long_labels)
        snprintf(label, size, "Trial %zu of a very long multicentre programme in many countries",
                 i + 1);
    else
        snprintf(label, size, "Trial %zu", i + 1);
    row->label = label;
    row->year = 1990 + (double)(i % 30);
    row->treatment.kind = row->control.kind = META_PLOT_ARM_BINARY;
    row->treatment.events = g->e1;
    row->treatment.n = g->n1;
    row->control.events = g->e2;
    row->control.n = g->n2;
    row->estimate = g->yi;
    row->ci_lower = g->yi - z * sqrt(g->vi);
    row->ci_upper = g->yi + z * sqrt(g->vi);
    row->weight = w;
}

/* A pooled summary of weight sum sw and weighted sum swy (inverse variance
 * with tau2 added), its share `weight` percent of the whole. */
static void gen_summary(struct meta_forest_summary *s, double sw, double swy, double tau2,
                        double weight)
{
    const double z = 1.959963984540054;
    double est = swy / sw, se = sqrt(1 / sw);
    meta_forest_summary_init(s);
    s->estimate = est;
    s->ci_lower = est - z * se;
    s->ci_upper = est + z * se;
    s->pi_lower = est - z * sqrt(se * se + tau2);
    s->pi_upper = est + z * sqrt(se * se + tau2);
    s->weight = weight;
    s->tau2 = tau2;
    s->stat = est / se;
}

struct meta_forest *fixture_many_forest(size_t k, int long_labels)
{
    return fixture_rob_forest(k, 0, long_labels, 0);
}

void fixture_rob_pattern(size_t i, enum meta_rob rob[META_ROB_DOMAINS])
{
    /* Five domain patterns: all low; some concerns in two domains; one high;
     * some concerns and high; some concerns in one. */
    static const char *const shapes[] = {"LLLLL", "LSLLS", "LLHLL", "SLSHL", "LLLSL"};
    for (int d = 0; d < META_ROB_DOMAINS; d++)
        rob[d] = META_ROB_NONE;
    if (i % 7 == 6)
        return; /* not assessed at all */
    if (i % 3 == 2) {
        rob[META_ROB_D1] = (enum meta_rob)(META_ROB_LOW + (i / 3) % 3); /* the first domain only */
        return;
    }
    const char *shape = shapes[i % 5];
    rob[META_ROB_OVERALL] = META_ROB_LOW;
    for (int d = 0; d < META_ROB_OVERALL; d++) {
        rob[d] = shape[d] == 'L' ? META_ROB_LOW : shape[d] == 'S' ? META_ROB_SOME : META_ROB_HIGH;
        if (rob[d] > rob[META_ROB_OVERALL])
            rob[META_ROB_OVERALL] = rob[d]; /* the worst domain */
    }
}

struct meta_forest *fixture_rob_forest(size_t k, size_t groups, int long_labels, int rob)
{
    struct meta_forest *f = meta_forest_alloc();
    unsigned long state = 20240613UL;
    const double tau2 = 0.04;
    double sw = 0, swy = 0, *w = NULL, *yi = NULL;
    struct meta_forest_summary s;
    int ok = f != NULL;
    char label[128], heading[64];

    ok = ok && (w = malloc((k + 1) * sizeof *w)) != NULL && (yi = malloc((k + 1) * sizeof *yi));
    ok = ok && meta_forest_set_measure(f, "Odds Ratio", 1, NULL) == META_OK &&
         meta_forest_set_arms(f, "Drug", "Placebo", NULL) == META_OK &&
         meta_forest_set_model(f, "Random effects", "DerSimonian-Laird", 95, NULL) == META_OK;
    if (ok && rob)
        meta_forest_set_rob(f, 1);
    for (size_t i = 0; ok && i < k; i++) {
        struct gen_study g;
        gen_study(&state, &g);
        yi[i] = g.yi;
        w[i] = 1 / (g.vi + tau2);
        sw += w[i];
        swy += w[i] * g.yi;
    }
    /* Again, the rows: group g holds studies [g k / groups, (g + 1) k / groups). */
    state = 20240613UL;
    size_t n_sec = groups > 0 ? groups : 1;
    for (size_t g = 0; ok && g < n_sec; g++) {
        size_t first = g * k / n_sec, last = (g + 1) * k / n_sec;
        double gw = 0, gwy = 0;
        if (groups > 0) {
            snprintf(heading, sizeof heading, "Group %c", (char)('A' + g % 26));
            ok = meta_forest_add_section(f, heading, NULL) == META_OK;
        }
        for (size_t i = first; ok && i < last; i++) {
            struct gen_study st;
            struct meta_forest_study row;
            gen_study(&state, &st);
            gen_row(&row, &st, i, 100 * w[i] / sw, long_labels, label, sizeof label);
            if (rob)
                fixture_rob_pattern(i, row.rob);
            gw += w[i];
            gwy += w[i] * yi[i];
            ok = meta_forest_add_study(f, &row, NULL) == META_OK;
        }
        if (ok && groups > 0 && last > first) {
            gen_summary(&s, gw, gwy, tau2, 100 * gw / sw);
            ok = meta_forest_add_subtotal(f, &s, NULL) == META_OK;
        }
    }
    if (ok) {
        gen_summary(&s, sw, swy, tau2, 100);
        ok = meta_forest_add_overall(f, &s, NULL) == META_OK;
    }
    free(w);
    free(yi);
    if (!ok) {
        meta_forest_free(f);
        return NULL;
    }
    return f;
}

/* ---- CD015373: RevMan's own per-study results with RoB 2 judgements ---- */

#define CD_FIELDS 64

/* The columns of the data rows that the fixture reads. */
enum cd_col {
    CD_GROUP,
    CD_NUMBER,
    CD_NAME,
    CD_SUBGROUP,
    CD_STUDY,
    CD_YEAR,
    CD_EMEAN,
    CD_ESD,
    CD_ECASES,
    CD_EN,
    CD_CMEAN,
    CD_CSD,
    CD_CCASES,
    CD_CN,
    CD_WEIGHT,
    CD_MEAN,
    CD_LO,
    CD_HI,
    CD_ROB, /* the six judgement columns follow */
    CD_NCOLS = CD_ROB + META_ROB_DOMAINS
};

static const char *const cd_names[CD_NCOLS] = {
    "Analysis group",
    "Analysis number",
    "Analysis name",
    "Subgroup",
    "Study",
    "Study year",
    "Experimental mean",
    "Experimental SD",
    "Experimental cases",
    "Experimental N",
    "Control mean",
    "Control SD",
    "Control cases",
    "Control N",
    "Weight",
    "Mean",
    "CI start",
    "CI end",
    "Bias arising from the randomization process (judgement)",
    "Bias due to deviations from intended interventions (judgement)",
    "Bias due to missing outcome data (judgement)",
    "Bias in measurement of the outcome (judgement)",
    "Bias in selection of the reported result (judgement)",
    "Overall bias (judgement)"};

/* One study row of the analysis, on the analysis scale. */
struct cd_row {
    struct meta_forest_study s;
    char study[128], subgroup[128];
    double se;
};

/* DerSimonian-Laird over the rows whose subgroup is `sub` (NULL: all), from
 * each study's effect and standard error; weight in percent. */
static int cd_in(const struct cd_row *r, const char *sub)
{
    return !sub || strcmp(r->subgroup, sub) == 0;
}

static void cd_pool(const struct cd_row *rows, size_t n, const char *sub, double weight,
                    struct meta_forest_summary *out)
{
    const double z = 1.959963984540054;
    double sw = 0, sw2 = 0, swy = 0, swy2 = 0, tau2 = 0, rw = 0, rwy = 0, k = 0;
    for (size_t i = 0; i < n; i++)
        if (cd_in(&rows[i], sub)) {
            double w = 1 / (rows[i].se * rows[i].se), y = rows[i].s.estimate;
            sw += w;
            sw2 += w * w;
            swy += w * y;
            swy2 += w * y * y;
            k++;
        }
    if (k > 1)
        tau2 = fmax(0, (swy2 - swy * swy / sw - (k - 1)) / (sw - sw2 / sw));
    for (size_t i = 0; i < n; i++)
        if (cd_in(&rows[i], sub)) {
            double w = 1 / (rows[i].se * rows[i].se + tau2);
            rw += w;
            rwy += w * rows[i].s.estimate;
        }
    meta_forest_summary_init(out);
    out->estimate = rwy / rw;
    out->ci_lower = out->estimate - z / sqrt(rw);
    out->ci_upper = out->estimate + z / sqrt(rw);
    out->weight = weight;
    out->tau2 = tau2;
    out->stat = out->estimate * sqrt(rw);
    out->p = erfc(fabs(out->stat) / sqrt(2.0));
}

/* Reads the rows of analysis `analysis` ("2.1") from the data rows into
 * rows (at most max); fills name with the analysis name. Returns the count,
 * or 0 on failure. */
static size_t cd_read(const char *analysis, struct cd_row *rows, size_t max, char *name,
                      size_t name_size, int *binary)
{
    FILE *in = fopen(META_TEST_DATA_DIR "/cochrane/CD015373/CD015373_pub2-data-rows.csv", "r");
    char *line = NULL, *fld[CD_FIELDS], id[32];
    size_t cap = 0, n = 0;
    int col[CD_NCOLS], nf, ok;
    const double z = 1.959963984540054;
    if (!in)
        return 0;
    ok = getline(&line, &cap, in) > 0;
    nf = ok ? split_csv(line + (strncmp(line, "\xef\xbb\xbf", 3) == 0 ? 3 : 0), fld, CD_FIELDS) : 0;
    for (int c = 0; ok && c < CD_NCOLS; c++) {
        col[c] = -1;
        for (int j = 0; j < nf; j++)
            if (strcmp(fld[j], cd_names[c]) == 0)
                col[c] = j;
        ok = col[c] >= 0;
    }
    while (ok && n < max && getline(&line, &cap, in) > 0) {
        if (split_csv(line, fld, CD_FIELDS) < nf)
            continue;
        snprintf(id, sizeof id, "%s.%s", fld[col[CD_GROUP]], fld[col[CD_NUMBER]]);
        if (strcmp(id, analysis) != 0)
            continue;
        struct cd_row *r = &rows[n++];
        snprintf(name, name_size, "%s", fld[col[CD_NAME]]);
        snprintf(r->study, sizeof r->study, "%s", fld[col[CD_STUDY]]);
        snprintf(r->subgroup, sizeof r->subgroup, "%s", fld[col[CD_SUBGROUP]]);
        meta_forest_study_init(&r->s);
        r->s.label = r->study;
        r->s.year = atof(fld[col[CD_YEAR]]);
        /* Some continuous rows carry a 0 in the cases columns too. */
        *binary = fld[col[CD_EMEAN]][0] == '\0' && fld[col[CD_ECASES]][0] != '\0';
        r->s.treatment.kind = r->s.control.kind =
            *binary ? META_PLOT_ARM_BINARY : META_PLOT_ARM_CONTINUOUS;
        r->s.treatment.events = atol(fld[col[CD_ECASES]]);
        r->s.control.events = atol(fld[col[CD_CCASES]]);
        r->s.treatment.n = atol(fld[col[CD_EN]]);
        r->s.control.n = atol(fld[col[CD_CN]]);
        r->s.treatment.mean = atof(fld[col[CD_EMEAN]]);
        r->s.treatment.sd = atof(fld[col[CD_ESD]]);
        r->s.control.mean = atof(fld[col[CD_CMEAN]]);
        r->s.control.sd = atof(fld[col[CD_CSD]]);
        r->s.weight = atof(fld[col[CD_WEIGHT]]);
        /* RevMan's effect and interval, natural scale: logs for a risk ratio. */
        double est = atof(fld[col[CD_MEAN]]), lo = atof(fld[col[CD_LO]]),
               hi = atof(fld[col[CD_HI]]);
        r->s.estimate = *binary ? log(est) : est;
        r->s.ci_lower = *binary ? log(lo) : lo;
        r->s.ci_upper = *binary ? log(hi) : hi;
        r->se = (r->s.ci_upper - r->s.ci_lower) / (2 * z);
        /* RevMan's words ("Low risk", "Some concerns", "High risk"). */
        for (int d = 0; ok && d < META_ROB_DOMAINS; d++)
            ok = meta_plot_rob_parse(fld[col[CD_ROB + d]], &r->s.rob[d], NULL) == META_OK;
    }
    free(line);
    fclose(in);
    return ok ? n : 0;
}

struct meta_forest *fixture_cd015373_forest(const char *analysis)
{
    enum { CD_MAX = 16 };
    struct cd_row rows[CD_MAX];
    struct meta_forest *f = meta_forest_alloc();
    struct meta_forest_summary sum;
    char name[256] = "", title[300];
    int binary = 0;
    size_t n = f ? cd_read(analysis, rows, CD_MAX, name, sizeof name, &binary) : 0;
    int ok = n > 0, sections = 0;
    for (size_t i = 0; i < n; i++)
        sections |= rows[i].subgroup[0] != '\0';
    snprintf(title, sizeof title, "CD015373 %s %s", analysis, name);
    ok = ok && meta_forest_set_title(f, title, NULL) == META_OK &&
         meta_forest_set_measure(f, binary ? "Risk Ratio" : "Mean Difference", binary, NULL) ==
             META_OK &&
         meta_forest_set_arms(f, "Experimental", "Control", NULL) == META_OK &&
         meta_forest_set_model(f, "Random effects", "DL", 95, NULL) == META_OK &&
         meta_forest_add_footer(f,
                                "Data: Ferraro et al. 2025, Cochrane Database Syst Rev, "
                                "CD015373",
                                NULL) == META_OK;
    if (ok)
        meta_forest_set_rob(f, 1);
    /* Sections in the order their subgroups first appear. */
    for (size_t i = 0; ok && i < n; i++) {
        size_t j = 0;
        double weight = 0;
        while (j < i && strcmp(rows[j].subgroup, rows[i].subgroup) != 0)
            j++;
        if (sections && j < i)
            continue; /* the section was drawn already */
        if (sections)
            ok = meta_forest_add_section(f, rows[i].subgroup, NULL) == META_OK;
        for (j = i; ok && j < n; j++)
            if (!sections || strcmp(rows[j].subgroup, rows[i].subgroup) == 0) {
                ok = meta_forest_add_study(f, &rows[j].s, NULL) == META_OK;
                weight += rows[j].s.weight;
            }
        if (!sections)
            break;
        cd_pool(rows, n, rows[i].subgroup, weight, &sum);
        ok = ok && meta_forest_add_subtotal(f, &sum, NULL) == META_OK;
    }
    if (ok) {
        cd_pool(rows, n, NULL, 100, &sum);
        ok = meta_forest_add_overall(f, &sum, NULL) == META_OK;
    }
    if (!ok) {
        meta_forest_free(f);
        return NULL;
    }
    return f;
}

char *fixture_forest_script(const struct meta_forest *f, enum meta_plot_format fmt,
                            const char *path, int *ret)
{
    char *buf = NULL;
    size_t len = 0;
    struct meta_error err;
    FILE *mem = open_memstream(&buf, &len);
    int rc;
    if (!mem)
        return NULL;
    rc = meta_plot_forest_script(f, fmt, path, mem, &err);
    fclose(mem);
    if (ret)
        *ret = rc;
    if (rc != META_OK) {
        free(buf);
        return NULL;
    }
    return buf;
}

int fixture_png_size(const char *path, unsigned *width, unsigned *height)
{
    static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    unsigned char h[24];
    FILE *in = fopen(path, "rb");
    size_t n = in ? fread(h, 1, sizeof h, in) : 0;
    if (in)
        fclose(in);
    if (n != sizeof h || memcmp(h, sig, 8) != 0 || memcmp(h + 12, "IHDR", 4) != 0)
        return -1;
    *width = (unsigned)h[16] << 24 | (unsigned)h[17] << 16 | (unsigned)h[18] << 8 | h[19];
    *height = (unsigned)h[20] << 24 | (unsigned)h[21] << 16 | (unsigned)h[22] << 8 | h[23];
    return 0;
}

/* Appends the text drawn under node (text nodes of <text> and <tspan>
 * elements, not the layout whitespace between elements) to the buffer. */
static void collect_text(xmlNode *node, char **buf, size_t *len, size_t *cap)
{
    for (xmlNode *n = node; n; n = n->next) {
        if (n->type == XML_TEXT_NODE && n->content && n->parent &&
            (strcmp((const char *)n->parent->name, "text") == 0 ||
             strcmp((const char *)n->parent->name, "tspan") == 0)) {
            size_t add = strlen((const char *)n->content);
            if (*len + add + 2 > *cap) {
                size_t cap2 = (*cap + add + 2) * 2;
                char *grown = realloc(*buf, cap2);
                if (!grown)
                    return;
                *buf = grown;
                *cap = cap2;
            }
            memcpy(*buf + *len, n->content, add);
            *len += add;
            (*buf)[(*len)++] = '\n';
            (*buf)[*len] = '\0';
        }
        collect_text(n->children, buf, len, cap);
    }
}

char *fixture_svg_text(const char *path)
{
    xmlDoc *doc = xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR);
    xmlNode *root;
    char *buf;
    size_t len = 0, cap = 1024;
    if (!doc)
        return NULL;
    root = xmlDocGetRootElement(doc);
    buf = calloc(cap, 1);
    if (buf && root && strcmp((const char *)root->name, "svg") == 0)
        collect_text(root, &buf, &len, &cap);
    else {
        free(buf);
        buf = NULL;
    }
    xmlFreeDoc(doc);
    return buf;
}

/* Growing arrays of the SVG reader. */
struct svg_found {
    struct svg_label *labels;
    size_t n_labels, cap_labels;
    struct svg_shape *shapes;
    size_t n_shapes, cap_shapes;
    int failed;
};

/* The text under node, concatenated (malloc'ed). */
static char *node_text(xmlNode *node)
{
    xmlChar *content = xmlNodeGetContent(node);
    char *copy = content ? strdup((const char *)content) : NULL;
    xmlFree(content);
    return copy;
}

static void svg_add_label(struct svg_found *s, xmlNode *g)
{
    xmlChar *tr = xmlGetProp(g, (const xmlChar *)"transform");
    xmlChar *size = xmlGetProp(g, (const xmlChar *)"font-size");
    double x, y;
    for (xmlNode *c = g->children; tr && c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || strcmp((const char *)c->name, "text") != 0)
            continue;
        if (sscanf((const char *)tr, "translate(%lf,%lf)", &x, &y) != 2)
            break;
        if (s->n_labels == s->cap_labels) {
            size_t cap = s->cap_labels ? 2 * s->cap_labels : 64;
            struct svg_label *grown = realloc(s->labels, cap * sizeof *grown);
            if (!grown) {
                s->failed = 1;
                break;
            }
            s->labels = grown;
            s->cap_labels = cap;
        }
        struct svg_label *l = &s->labels[s->n_labels];
        l->text = node_text(c);
        l->x = x;
        l->y = y;
        l->size = size ? atof((const char *)size) : NAN;
        if (!l->text) {
            s->failed = 1;
            break;
        }
        s->n_labels++;
    }
    xmlFree(tr);
    xmlFree(size);
}

static void svg_add_shape(struct svg_found *s, xmlNode *poly)
{
    xmlChar *fill = xmlGetProp(poly, (const xmlChar *)"fill");
    xmlChar *points = xmlGetProp(poly, (const xmlChar *)"points");
    int r, g, b, n = 0;
    double x, y, x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
    const char *p = points ? (const char *)points : "";
    int used = 0;
    if (fill && sscanf((const char *)fill, "rgb(%d ,%d ,%d )", &r, &g, &b) == 3) {
        while (sscanf(p, " %lf,%lf%n", &x, &y, &used) == 2) {
            x0 = fmin(x0, x);
            x1 = fmax(x1, x);
            y0 = fmin(y0, y);
            y1 = fmax(y1, y);
            p += used;
            n++;
        }
    }
    if (n > 2) {
        if (s->n_shapes == s->cap_shapes) {
            size_t cap = s->cap_shapes ? 2 * s->cap_shapes : 64;
            struct svg_shape *grown = realloc(s->shapes, cap * sizeof *grown);
            if (!grown)
                s->failed = 1;
            else {
                s->shapes = grown;
                s->cap_shapes = cap;
            }
        }
        if (!s->failed) {
            struct svg_shape *sh = &s->shapes[s->n_shapes++];
            snprintf(sh->fill, sizeof sh->fill, "#%02x%02x%02x", r & 0xff, g & 0xff, b & 0xff);
            sh->cx = (x0 + x1) / 2;
            sh->cy = (y0 + y1) / 2;
            sh->w = x1 - x0;
            sh->h = y1 - y0;
        }
    }
    xmlFree(fill);
    xmlFree(points);
}

static void svg_walk(xmlNode *node, struct svg_found *s)
{
    for (xmlNode *n = node; n && !s->failed; n = n->next) {
        if (n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, "g") == 0)
            svg_add_label(s, n);
        else if (n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, "polygon") == 0)
            svg_add_shape(s, n);
        svg_walk(n->children, s);
    }
}

int fixture_svg_read(const char *path, struct svg_label **labels, size_t *n_labels,
                     struct svg_shape **shapes, size_t *n_shapes)
{
    xmlDoc *doc = xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_HUGE);
    struct svg_found s = {0};
    if (!doc)
        return -1;
    svg_walk(xmlDocGetRootElement(doc), &s);
    xmlFreeDoc(doc);
    if (s.failed) {
        fixture_svg_free(s.labels, s.n_labels, s.shapes);
        return -1;
    }
    *labels = s.labels;
    *n_labels = s.n_labels;
    *shapes = s.shapes;
    *n_shapes = s.n_shapes;
    return 0;
}

void fixture_svg_free(struct svg_label *labels, size_t n_labels, struct svg_shape *shapes)
{
    for (size_t i = 0; labels && i < n_labels; i++)
        free(labels[i].text);
    free(labels);
    free(shapes);
}

char *fixture_read_file(const char *path, size_t *len)
{
    FILE *in = fopen(path, "rb");
    char *buf = NULL;
    long n;
    if (!in)
        return NULL;
    if (fseek(in, 0, SEEK_END) == 0 && (n = ftell(in)) >= 0 && fseek(in, 0, SEEK_SET) == 0 &&
        (buf = malloc((size_t)n + 1)) != NULL) {
        if (fread(buf, 1, (size_t)n, in) != (size_t)n) {
            free(buf);
            buf = NULL;
        } else {
            buf[n] = '\0';
            if (len)
                *len = (size_t)n;
        }
    }
    fclose(in);
    return buf;
}

long fixture_file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

const char *fixture_tmpdir(void)
{
    static char dir[] = "/tmp/meta-plots-XXXXXX";
    static int made;
    if (!made) {
        if (!mkdtemp(dir))
            return NULL;
        made = 1;
    }
    return dir;
}

char *fixture_path(char *buf, size_t size, const char *name)
{
    const char *dir = fixture_tmpdir();
    snprintf(buf, size, "%s/%s", dir ? dir : "/nonexistent", name);
    return buf;
}

void fixture_cleanup(void)
{
    const char *dir = fixture_tmpdir();
    DIR *d;
    struct dirent *e;
    char path[4096];
    if (!dir)
        return;
    if (getenv("META_TEST_KEEP")) {
        fprintf(stderr, "plots kept in %s\n", dir);
        return;
    }
    d = opendir(dir);
    while (d && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        unlink(path);
    }
    if (d)
        closedir(d);
    rmdir(dir);
}

int fixture_suite_init(void)
{
    return fixture_tmpdir() ? 0 : 1;
}

int fixture_suite_cleanup(void)
{
    fixture_cleanup();
    return 0;
}
