/*
 * The SIMULATED ketamine vs placebo example (analyses/data/ketamine_simulated.csv).
 * No per-trial ketamine data ship with meta, so 20 trials are drawn from a
 * documented model whose pooled effects come from published meta-analyses;
 * every row says `source=simulated` and every trial label "(simulated)".
 *
 * Figures taken from published pooled results (the rest are assumptions):
 *  - pain within 30 minutes, MD -1.32 (95% CI -1.73 to -0.90) on a 0-10
 *    scale; gastrointestinal adverse events RR 3.97 (2.18 to 7.22);
 *    dizziness RR 3.66 (1.25 to 10.74). Moradi S. Benefits and harms of
 *    ketamine for management of chronic non-cancer pain: a systematic review
 *    and network meta-analysis of randomized controlled trials (38 trials).
 *    McMaster University, 2024. http://hdl.handle.net/11375/30408
 *    Those trials were in chronic non-cancer pain; using the figures for
 *    emergency and postoperative pain is an assumption of the simulation.
 *  - psychotomimetic effects RR 4.94 (2.76 to 8.84), as quoted in clinical
 *    guidance on ketamine for neuropathic pain.
 *
 * Assumptions of the simulation (not from those sources): the fading of the
 * analgesic effect (MD -0.90 at 2 h, -0.50 at 24 h, -0.20 at 48 h), the
 * between-trial SD tau (0.35 on the MD at 30 min and 2 h, 0.30 later, one
 * trial effect shared by all time points; 0.20 on log RR), the dose response
 * (0.15, 0.3, 0.5 mg/kg scale the MD by 0.75, 1, 1.25 and shift log RR by
 * -0.3, 0, +0.3 for hallucinations, -0.2, 0, +0.2 for the other harms),
 * placebo means and SDs, baseline risks, opioid consumption (placebo 24-36
 * mg MME, ketamine -8 mg at 0.3 mg/kg, tau 3), arm sizes (20-120), which
 * trials report what, years, routes and risk of bias (route and risk of bias
 * do not change the effects). Sampling: means get N(0, sigma^2 / n) error,
 * SDs a scaled chi distribution, events a binomial draw; see README.md.
 */
#include "sim_gen.h"
#include "sim_draw.h"
#include "sim_math.h"

#include <math.h>
#include <stdio.h>

#define NTRIALS      20
#define NTHREEARM    2 /* three-arm dose trials per setting: 4 in all */
#define MAXARMS      3
#define ARM_MIN      20
#define ARM_MAX      120
#define YEAR_MIN     2005
#define YEAR_MAX     2023
#define RISK_CAP     0.6 /* no simulated arm has a harm risk above this */
#define LOGRR_TAU    0.20
#define OPIOID_MD    -8.0
#define OPIOID_TAU   3.0
#define NTIMEPOINTS  4
#define NHARMS       3
#define SETTING_ED   0
#define SETTING_POST 1

static const char *const attr_names[] = {"year", "setting", "route", "dose", "rob", "source"};
#define NATTRS (sizeof attr_names / sizeof attr_names[0])

/* Doses: label, share among two-arm trials, MD scale, log-RR shifts. */
static const struct {
    const char *label;
    double share;
    double md_scale;
    double hallucination_shift;
    double other_harm_shift;
} doses[] = {
    {"0.15 mg/kg", 0.30, 0.75, -0.3, -0.2},
    {"0.3 mg/kg", 0.45, 1.00, 0.0, 0.0},
    {"0.5 mg/kg", 0.25, 1.25, 0.3, 0.2},
};

/* Pain time points: pooled MD at 0.3 mg/kg, tau, fall of the placebo mean
 * from 30 min, and the chance that an emergency or postoperative trial
 * reports it. */
static const struct {
    const char *label;
    double md;
    double tau;
    double placebo_drop;
    double p_report[2];
} times[NTIMEPOINTS] = {
    {"30min", -1.32, 0.35, 0.0, {1.00, 0.20}},
    {"2h", -0.90, 0.35, 0.2, {0.85, 0.70}},
    {"24h", -0.50, 0.30, 0.4, {0.00, 1.00}},
    {"48h", -0.20, 0.30, 0.6, {0.00, 0.65}},
};

/* Binary harms: pooled RR, placebo risk range, chance a trial reports it. */
static const struct {
    const char *outcome;
    double rr;
    double p0_lo, p0_hi;
    double p_report;
    int is_hallucination;
} harms[NHARMS] = {
    {"hallucinations", 4.94, 0.005, 0.025, 0.90, 1},
    {"nausea_vomiting", 3.97, 0.08, 0.14, 0.85, 0},
    {"dizziness", 3.66, 0.03, 0.07, 0.80, 0},
};

struct ket_arm {
    int dose; /* index into doses[], or -1 for placebo */
    long n;
    char label[32];
    const char *attrs[NATTRS];
};

struct ket_trial {
    char label[32];
    char year[8];
    int setting;
    int narms; /* ketamine arms first, by ascending dose; placebo last */
    struct ket_arm arm[MAXARMS];
};

/* Picks an index from weights summing to 1 with one uniform. */
static int pick(gsl_rng *rng, const double *w, int n)
{
    double u = gsl_rng_uniform(rng), c = 0.0;

    for (int i = 0; i < n - 1; i++) {
        c += w[i];
        if (u < c)
            return i;
    }
    return n - 1;
}

/* Draws everything about a trial that is not an outcome: route, risk of
 * bias, doses and arm sizes. */
static void draw_design(gsl_rng *rng, struct ket_trial *t, int three_arm)
{
    static const double rob_w[] = {0.40, 0.35, 0.25};
    static const char *const rob_names[] = {"low", "some concerns", "high"};
    const double dose_w[] = {doses[0].share, doses[1].share, doses[2].share};
    static const int pairs[3][2] = {{0, 1}, {1, 2}, {0, 2}};
    double p_intranasal = t->setting == SETTING_ED ? 0.40 : 0.20;
    const char *route = meta_sim_bernoulli(rng, p_intranasal) ? "intranasal" : "IV";
    const char *rob = rob_names[pick(rng, rob_w, 3)];
    long n_placebo;

    if (three_arm) {
        int pr = (int)meta_sim_int(rng, 0, 2);
        t->narms = 3;
        t->arm[0].dose = pairs[pr][0];
        t->arm[1].dose = pairs[pr][1];
    } else {
        t->narms = 2;
        t->arm[0].dose = pick(rng, dose_w, 3);
    }
    t->arm[t->narms - 1].dose = -1;
    n_placebo = meta_sim_int(rng, ARM_MIN, ARM_MAX);
    for (int a = 0; a < t->narms; a++) {
        struct ket_arm *arm = &t->arm[a];
        long n = n_placebo;

        if (arm->dose >= 0) {
            n += meta_sim_int(rng, -6, 6);
            n = n < ARM_MIN ? ARM_MIN : n > ARM_MAX ? ARM_MAX : n;
            snprintf(arm->label, sizeof arm->label, "ketamine %s", doses[arm->dose].label);
        } else {
            snprintf(arm->label, sizeof arm->label, "placebo");
        }
        arm->n = n;
        arm->attrs[0] = t->year;
        arm->attrs[1] = t->setting == SETTING_ED ? "emergency" : "postoperative";
        arm->attrs[2] = route;
        arm->attrs[3] = arm->dose >= 0 ? doses[arm->dose].label : "";
        arm->attrs[4] = rob;
        arm->attrs[5] = "simulated";
    }
}

/* Writes one continuous outcome at one time point for every arm of t:
 * placebo true mean mu0, common true SD sigma, true MD at 0.3 mg/kg md03
 * (scaled by dose); observed means are kept within [0, ceiling]. */
static int write_continuous(gsl_rng *rng, struct meta_sim_csv *w, const struct ket_trial *t,
                            const char *outcome, const char *timepoint, double mu0, double sigma,
                            double md03, double ceiling, struct meta_error *err)
{
    int ret = META_OK;

    for (int a = 0; a < t->narms && ret == META_OK; a++) {
        const struct ket_arm *arm = &t->arm[a];
        double mu = mu0 + (arm->dose >= 0 ? md03 * doses[arm->dose].md_scale : 0.0);
        double mean = mu + meta_sim_normal(rng) * sigma / sqrt((double)arm->n);
        double sd = meta_sim_sample_sd(rng, sigma, arm->n);
        struct meta_sim_row row = {t->label,
                                   arm->label,
                                   arm->dose >= 0 ? "ketamine" : "placebo",
                                   outcome,
                                   timepoint,
                                   0,
                                   arm->n,
                                   mean < 0.0       ? 0.0
                                   : mean > ceiling ? ceiling
                                                    : mean,
                                   sd,
                                   0,
                                   0,
                                   arm->attrs};

        ret = meta_sim_csv_row(w, &row, err);
    }
    return ret;
}

/* Writes one binary harm for every arm of t. */
static int write_harm(gsl_rng *rng, struct meta_sim_csv *w, const struct ket_trial *t, int h,
                      struct meta_error *err)
{
    double p0 = meta_sim_uniform(rng, harms[h].p0_lo, harms[h].p0_hi);
    double trial_dev = LOGRR_TAU * meta_sim_normal(rng);
    int ret = META_OK;

    for (int a = 0; a < t->narms && ret == META_OK; a++) {
        const struct ket_arm *arm = &t->arm[a];
        double p = p0;
        struct meta_sim_row row = {t->label,
                                   arm->label,
                                   arm->dose >= 0 ? "ketamine" : "placebo",
                                   harms[h].outcome,
                                   "",
                                   1,
                                   0,
                                   0.0,
                                   0.0,
                                   0,
                                   arm->n,
                                   arm->attrs};

        if (arm->dose >= 0) {
            double shift = harms[h].is_hallucination ? doses[arm->dose].hallucination_shift
                                                     : doses[arm->dose].other_harm_shift;
            p = p0 * meta_sim_exp(meta_sim_log(harms[h].rr) + shift + trial_dev);
            p = p > RISK_CAP ? RISK_CAP : p;
        }
        row.events = meta_sim_binomial(rng, arm->n, p);
        ret = meta_sim_csv_row(w, &row, err);
    }
    return ret;
}

/* Draws and writes every outcome of one trial, in file order. */
static int write_trial(gsl_rng *rng, struct meta_sim_csv *w, const struct ket_trial *t,
                       struct meta_error *err)
{
    double pain_u = meta_sim_normal(rng); /* the trial's standardised effect */
    double pain_base = meta_sim_uniform(rng, 5.4, 6.5);
    double pain_sigma = meta_sim_uniform(rng, 1.5, 2.5);
    int ret = META_OK;

    for (int k = 0; k < NTIMEPOINTS && ret == META_OK; k++) {
        double md = times[k].md + times[k].tau * pain_u;

        if (!meta_sim_bernoulli(rng, times[k].p_report[t->setting]))
            continue;
        ret = write_continuous(rng, w, t, "pain_nrs", times[k].label,
                               pain_base - times[k].placebo_drop, pain_sigma, md, 10.0, err);
    }
    if (ret == META_OK && t->setting == SETTING_POST && meta_sim_bernoulli(rng, 0.90)) {
        double mu0 = meta_sim_uniform(rng, 24.0, 36.0);
        double sigma = meta_sim_uniform(rng, 8.0, 14.0);
        double md = OPIOID_MD + OPIOID_TAU * meta_sim_normal(rng);

        ret = write_continuous(rng, w, t, "opioid_24h", "24h", mu0, sigma, md, HUGE_VAL, err);
    }
    for (int h = 0; h < NHARMS && ret == META_OK; h++) {
        if (meta_sim_bernoulli(rng, harms[h].p_report))
            ret = write_harm(rng, w, t, h, err);
    }
    return ret;
}

int meta_sim_ketamine(gsl_rng *rng, struct meta_sim_csv *w, struct meta_error *err)
{
    int setting[NTRIALS], three_arm[NTRIALS], year[NTRIALS];
    int ret;

    /* The design: half emergency, half postoperative, NTHREEARM three-arm
     * trials in each, in shuffled order; years drawn, then sorted so that
     * the labels run in time order. */
    for (int i = 0; i < NTRIALS; i++) {
        setting[i] = i < NTRIALS / 2 ? SETTING_ED : SETTING_POST;
        three_arm[i] = (i % (NTRIALS / 2)) < NTHREEARM;
    }
    for (int i = NTRIALS - 1; i > 0; i--) {
        int j = (int)meta_sim_int(rng, 0, i), s = setting[i], th = three_arm[i];
        setting[i] = setting[j];
        three_arm[i] = three_arm[j];
        setting[j] = s;
        three_arm[j] = th;
    }
    for (int i = 0; i < NTRIALS; i++) {
        int y = (int)meta_sim_int(rng, YEAR_MIN, YEAR_MAX), j = i;
        for (; j > 0 && year[j - 1] > y; j--)
            year[j] = year[j - 1];
        year[j] = y;
    }

    ret = meta_sim_csv_header(w, attr_names, NATTRS, err);
    for (int i = 0; i < NTRIALS && ret == META_OK; i++) {
        struct ket_trial t;

        snprintf(t.label, sizeof t.label, "SIM-KET-%02d (simulated)", i + 1);
        snprintf(t.year, sizeof t.year, "%d", year[i]);
        t.setting = setting[i];
        draw_design(rng, &t, three_arm[i]);
        ret = write_trial(rng, w, &t, err);
    }
    return ret;
}
