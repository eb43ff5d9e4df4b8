/*
 * The state shared while one study is turned into records: the treatments
 * and arm labels of every section's groups, the records, skips and unmapped
 * groups collected so far, and what the outcome measures left for the
 * statistical analyses (each measure's outcome name and kind).
 */
#ifndef META_CTGOV_RECORDS_H
#define META_CTGOV_RECORDS_H

#include "ctgov_internal.h"

#define RB_MAX_ATTRS 16

/* What a measure's values are. */
enum measure_kind {
    KIND_OTHER,      /* skipped: median, geometric, ranges, units... */
    KIND_CONTINUOUS, /* arithmetic (least-squares) means */
    KIND_COUNT,      /* participants with the outcome */
    KIND_PERCENT     /* a percentage of participants */
};

/* One section's groups as imported. */
struct rb_groups {
    const char **treatment; /* per group: NULL when the group is not imported */
    const char **arm;       /* per group: its arm label */
};

/* One arm label and the treatment it was given, to refuse two. */
struct rb_arm {
    const char *arm, *treatment, *section, *group_id;
};

struct rb {
    const struct meta_ctgov_study *s;
    const struct meta_ctgov_mapping *map; /* in force: the analyst's, or the proposal */
    int confirmed;                        /* map is the analyst's */
    struct ctgov_arena *a;                /* the result's */
    struct meta_error *err;
    struct meta_ctgov_result *out;
    size_t cap_records, cap_skipped, cap_unmapped;
    struct meta_record_attr *trial_attrs; /* in the arena: arm attributes of every arm row */
    size_t n_trial_attrs;
    struct rb_arm *arms;
    size_t n_arms, cap_arms;
    /* per outcome measure, filled by ctgov_outcome_rows */
    enum measure_kind *kind;
    const char **outcome; /* the outcome name of its first class and category */
    size_t *arm_rows;     /* arm rows it gave */
    struct rb_groups *measure_groups;
};

/* A list of attributes being built for one record. */
struct rb_attrs {
    struct meta_record_attr a[RB_MAX_ATTRS];
    size_t n;
};

/* Sets r to an empty record of kind: no strings, every number NAN. */
void rb_record_init(struct meta_record *r, enum meta_record_kind kind);

/* Adds name=value (skipped when value is NULL or ""). */
void rb_attr(struct rb_attrs *l, const char *name, const char *value);

/* Appends a record, copying its attribute list into the arena. */
int rb_record(struct rb *b, struct meta_record *r, const struct rb_attrs *attrs);

/* Appends a skip; reason is formatted. */
int rb_skip(struct rb *b, const char *section, const char *outcome, const char *group_id,
            const char *where, long line, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

/* Resolves the treatment and arm label of a section's groups (listing the
 * groups left out in the result's unmapped). */
int rb_section(struct rb *b, const char *section, const struct meta_ctgov_group *g, size_t n,
               struct rb_groups *out);

/* Fails with the study's file, NCT id and the place (path or line). */
int rb_fail(struct rb *b, const char *where, long line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* META_ENOMEM with the message set. */
int rb_nomem(struct rb *b);

/* The value of a denominator for group id in a list of denominators, in
 * participants: NAN when there is none. *units_other is set to 1 when the
 * list has denominators, none of them in participants. */
double rb_denominator(struct rb *b, const struct meta_ctgov_denom *d, size_t n, const char *id,
                      int *units_other);

/* The three passes (ctgov_outcomes.c, ctgov_estimates.c, ctgov_events.c), in
 * this order: the analyses use what the outcome measures left. */
int ctgov_outcome_rows(struct rb *b);
int ctgov_estimate_rows(struct rb *b);
int ctgov_event_rows(struct rb *b);

#endif
