/*
 * meta-simulate: writes seeded, reproducible arm-level CSV, either the
 * simulated ketamine example or a synthetic registry of any size. This file
 * parses the command line, opens the output and turns statuses into exit
 * codes (0 done, 1 I/O or runtime error, 2 usage error).
 */
#include "sim_csv.h"
#include "sim_gen.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROG     "meta-simulate"
#define EXIT_USE 2
#define SEED_MAX 4294967295UL
#define HELP     (-1)

static const char usage_text[] =
    "usage: meta-simulate ketamine [--seed N] [-o FILE]\n"
    "       meta-simulate synthetic --trials N [--arms A] [--outcomes O] [--timepoints T]\n"
    "                     [--kind continuous|binary|mixed] [--seed N] [-o FILE]\n"
    "       meta-simulate --help\n"
    "\n"
    "Writes arm-level CSV (INTERFACE.md section 1) to standard output or FILE;\n"
    "the same seed gives the same bytes on every machine.\n"
    "\n"
    "  ketamine    the SIMULATED ketamine vs placebo example: 20 trials, pain_nrs at\n"
    "              30min/2h/24h/48h, opioid_24h, hallucinations, nausea_vomiting and\n"
    "              dizziness (see analyses/simulate/README.md for the model)\n"
    "  synthetic   N trials of A arms (A - 1 active, 1 control), O outcomes\n"
    "              (outcome_001, ...) at T time points (t1, ...): N*A*O*T rows\n"
    "\n"
    "  --seed N           1 to 4294967295 (default 20241122)\n"
    "  -o, --output FILE  write to FILE instead of standard output\n"
    "  --trials N         1 to 100000000 (required for synthetic)\n"
    "  --arms A           2 to 100 (default 2)\n"
    "  --outcomes O       1 to 1000 (default 1)\n"
    "  --timepoints T     1 to 1000 (default 1)\n"
    "  --kind K           continuous, binary, or mixed (the default): odd-numbered\n"
    "                     outcomes continuous, even-numbered binary\n";

enum opt_id { OPT_SEED = 256, OPT_TRIALS, OPT_ARMS, OPT_OUTCOMES, OPT_TIMEPOINTS, OPT_KIND };

/* Parsed command line. */
struct args {
    int synthetic;
    unsigned long seed;
    const char *output; /* NULL: standard output */
    int have_trials;
    struct meta_sim_synthetic_opts syn;
};

/* Reports a usage error (printf format) and returns the usage exit status. */
static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
    va_list ap;

    fputs(PROG ": error: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n%s", usage_text);
    return EXIT_USE;
}

/* Parses a decimal integer in [lo, hi] with nothing around it. */
static int parse_ulong(const char *s, unsigned long lo, unsigned long hi, unsigned long *out)
{
    char *end;
    unsigned long v;

    if (*s < '0' || *s > '9')
        return 0;
    errno = 0;
    v = strtoul(s, &end, 10);
    if (errno || *end || v < lo || v > hi)
        return 0;
    *out = v;
    return 1;
}

/* Fills a from argv (argv[1] is the mode); returns 0, HELP when --help was
 * given, or a usage exit status (message printed). */
static int parse_args(int argc, char **argv, struct args *a)
{
    static const struct option longopts[] = {
        {"seed", required_argument, NULL, OPT_SEED},
        {"output", required_argument, NULL, 'o'},
        {"trials", required_argument, NULL, OPT_TRIALS},
        {"arms", required_argument, NULL, OPT_ARMS},
        {"outcomes", required_argument, NULL, OPT_OUTCOMES},
        {"timepoints", required_argument, NULL, OPT_TIMEPOINTS},
        {"kind", required_argument, NULL, OPT_KIND},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *mode = argv[1];
    int c, li = -1;

    a->synthetic = strcmp(mode, "synthetic") == 0;
    if (!a->synthetic && strcmp(mode, "ketamine") != 0)
        return usage_error("unknown mode '%s' (ketamine or synthetic)", mode);
    opterr = 0;
    optind = 2;
    while ((c = getopt_long(argc, argv, ":o:h", longopts, &li)) != -1) {
        const char *arg = optarg;

        if (c == '?')
            return usage_error("unknown option '%s'", argv[optind - 1]);
        if (c == ':')
            return usage_error("option '%s' needs a value", argv[optind - 1]);
        if (c == 'h')
            return HELP;
        if (c >= OPT_TRIALS && !a->synthetic)
            return usage_error("option '--%s' is for synthetic mode only", longopts[li].name);
        switch (c) {
        case OPT_SEED:
            if (!parse_ulong(arg, 1, SEED_MAX, &a->seed))
                return usage_error("--seed must be an integer from 1 to 4294967295, got '%s'", arg);
            break;
        case 'o':
            if (!*arg)
                return usage_error("-o needs a file name");
            a->output = arg;
            break;
        case OPT_TRIALS:
            if (!parse_ulong(arg, 1, META_SIM_MAX_TRIALS, &a->syn.trials))
                return usage_error("--trials must be an integer from 1 to 100000000, got '%s'",
                                   arg);
            a->have_trials = 1;
            break;
        case OPT_ARMS:
            if (!parse_ulong(arg, 2, META_SIM_MAX_ARMS, &a->syn.arms))
                return usage_error("--arms must be an integer from 2 to 100, got '%s'", arg);
            break;
        case OPT_OUTCOMES:
            if (!parse_ulong(arg, 1, META_SIM_MAX_OUTCOMES, &a->syn.outcomes))
                return usage_error("--outcomes must be an integer from 1 to 1000, got '%s'", arg);
            break;
        case OPT_TIMEPOINTS:
            if (!parse_ulong(arg, 1, META_SIM_MAX_TIMEPOINTS, &a->syn.timepoints))
                return usage_error("--timepoints must be an integer from 1 to 1000, got '%s'", arg);
            break;
        case OPT_KIND:
            if (strcmp(arg, "continuous") == 0)
                a->syn.kind = META_SIM_CONTINUOUS;
            else if (strcmp(arg, "binary") == 0)
                a->syn.kind = META_SIM_BINARY;
            else if (strcmp(arg, "mixed") == 0)
                a->syn.kind = META_SIM_MIXED;
            else
                return usage_error("--kind must be continuous, binary or mixed, got '%s'", arg);
            break;
        default:
            return usage_error("unexpected option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return usage_error("unexpected argument '%s'", argv[optind]);
    if (a->synthetic && !a->have_trials)
        return usage_error("synthetic mode needs --trials");
    return 0;
}

/* Generates the data set into fp; returns META_OK or a status with err set. */
static int generate(const struct args *a, FILE *fp, const char *path, struct meta_error *err)
{
    struct meta_sim_csv w;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    int ret;

    meta_sim_csv_init(&w, fp, path);
    if (!rng) {
        ret = meta_error_set(err, META_ENOMEM, "out of memory");
        goto cleanup;
    }
    gsl_rng_set(rng, a->seed);
    if (a->synthetic)
        ret = meta_sim_synthetic(rng, &a->syn, &w, err);
    else
        ret = meta_sim_ketamine(rng, &w, err);

cleanup:
    meta_sim_csv_release(&w);
    gsl_rng_free(rng);
    return ret;
}

int main(int argc, char **argv)
{
    struct args a = {0, META_SIM_KETAMINE_SEED, NULL, 0, {0, 2, 1, 1, META_SIM_MIXED}};
    struct meta_error err;
    const char *path = "standard output";
    FILE *fp = stdout;
    int ret, st;

    gsl_set_error_handler_off();
    meta_error_clear(&err);
    if (argc < 2) {
        fputs(usage_text, stderr);
        return EXIT_USE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        fputs(usage_text, stdout);
        return fflush(stdout) == 0 ? 0 : 1;
    }
    ret = parse_args(argc, argv, &a);
    if (ret == HELP) {
        fputs(usage_text, stdout);
        return fflush(stdout) == 0 ? 0 : 1;
    }
    if (ret != 0)
        return ret;

    if (a.output) {
        path = a.output;
        fp = fopen(a.output, "w");
        if (!fp) {
            fprintf(stderr, PROG ": error: cannot open '%s': %s\n", a.output, strerror(errno));
            return 1;
        }
    }
    setvbuf(fp, NULL, _IOFBF, 1 << 16);
    st = generate(&a, fp, path, &err);
    if (st == META_OK && fflush(fp) != 0)
        st = meta_error_set(&err, META_EIO, "cannot write to %s: %s", path, strerror(errno));
    if (fp != stdout && fclose(fp) != 0 && st == META_OK)
        st = meta_error_set(&err, META_EIO, "cannot write to %s: %s", path, strerror(errno));
    if (st != META_OK) {
        fprintf(stderr, PROG ": error: %s\n", err.msg);
        if (a.output)
            remove(a.output);
        return 1;
    }
    return 0;
}
