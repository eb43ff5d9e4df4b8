/*
 * One result as it enters the registry, whatever it was read from: a row of
 * an arm-level CSV file, a Cochrane data package, a RevMan 5 file or a
 * ClinicalTrials.gov record. Parsers fill these; lib/registry validates and
 * stores them by the rules of INTERFACE.md sections 1, 1b and 4. A plain
 * description, so that parsers need not depend on the registry.
 */
#ifndef META_RECORD_H
#define META_RECORD_H

#include <stddef.h>

/* What a record holds. */
enum meta_record_kind {
    META_RECORD_CONTINUOUS, /* one arm's result: n, mean, sd */
    META_RECORD_BINARY,     /* one arm's result: events, total */
    META_RECORD_ESTIMATE    /* one comparison: an effect with its SE or interval */
};

/* One attribute, name = value; both strings borrowed. */
struct meta_record_attr {
    const char *name;
    const char *value;
};

/*
 * Strings are borrowed from the producer and need only live for the call
 * that receives the record; numbers are NAN when absent.
 */
struct meta_record {
    enum meta_record_kind kind;
    const char *trial;     /* trial (study) name, required */
    const char *outcome;   /* outcome name, required */
    const char *timepoint; /* NULL or "": no time point */

    /* CONTINUOUS and BINARY: one arm. */
    const char *arm;       /* arm label, unique within the trial; NULL or "": the treatment */
    const char *treatment; /* the arm's treatment; for ESTIMATE the treatment side */
    double n, mean, sd;    /* CONTINUOUS */
    double events, total;  /* BINARY */

    /* ESTIMATE: one comparison, treatment vs control (INTERFACE.md 1b). */
    const char *control;              /* the control side */
    const char *measure;              /* measure code as lib/registry's meta_load.h documents
                                         them: "MD", "SMD", "ROM", "RR", "OR", "RD", "HR",
                                         "GIV" */
    const char *method;               /* how the estimate was made, when it matters for
                                         pooling: NULL or "", or "peto" for Peto's log odds
                                         ratio from O-E and V (measure "OR": estimate
                                         exp((O-E)/V), se 1/sqrt(V)) */
    double estimate;                  /* natural scale (a ratio for RR, OR, ROM, HR) */
    double se;                        /* on the analysis scale (log for ratios); NAN when the
                                         interval is given instead */
    double ci_lower, ci_upper, level; /* natural scale (GIV: the scale given); level in
                                         percent, NAN for 95 */
    int log_scale;                    /* GIV only: estimate, se and interval are on the log
                                         scale */
    double n_treatment, n_control;    /* participants per side, optional */

    /* Attributes: of the arm (year, dose; arm rows only), and of this result
     * itself (a Cochrane subgroup, risk-of-bias judgements) or, for an
     * estimate, of the comparison. */
    const struct meta_record_attr *arm_attrs;
    size_t n_arm_attrs;
    const struct meta_record_attr *result_attrs;
    size_t n_result_attrs;

    /* Where it came from, for messages. */
    const char *source; /* the file as named by the user */
    long line;          /* its line (CSV record or XML element), 0 when unknown */
    const char *where;  /* a finer location (a JSON path, an analysis), or NULL */
};

#endif
