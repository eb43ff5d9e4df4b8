/*
 * Building a forest plot's description: the rows (studies with their
 * risk-of-bias judgements, subgroup headings, diamonds), the column headers,
 * the favours labels and the footer. Every string is copied, so the caller
 * can pass pointers into its own results and free them afterwards. Also
 * sorts the studies within their sections.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "plot_internal.h"

/* Replaces *slot with a copy of value (NULL clears it). */
static int set_string(char **slot, const char *value, struct meta_error *err)
{
    char *copy = NULL;
    if (value) {
        copy = strdup(value);
        if (!copy)
            return meta_error_set(err, META_ENOMEM, "out of memory");
    }
    free(*slot);
    *slot = copy;
    return META_OK;
}

struct meta_forest *meta_forest_alloc(void)
{
    struct meta_forest *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->measure = strdup("Effect");
    if (!f->measure) {
        free(f);
        return NULL;
    }
    f->level = 95;
    f->null_value = 0;
    f->subgroup_q = f->subgroup_df = f->subgroup_p = NAN;
    return f;
}

void meta_forest_free(struct meta_forest *f)
{
    if (!f)
        return;
    free(f->title);
    free(f->measure);
    free(f->treatment);
    free(f->control);
    free(f->favours_left);
    free(f->favours_right);
    free(f->model);
    free(f->method);
    for (size_t i = 0; i < f->n_footer; i++)
        free(f->footer[i]);
    free(f->footer);
    for (size_t i = 0; i < f->n_rows; i++)
        free(f->rows[i].label);
    free(f->rows);
    free(f);
}

int meta_forest_set_title(struct meta_forest *f, const char *title, struct meta_error *err)
{
    return set_string(&f->title, title, err);
}

int meta_forest_set_measure(struct meta_forest *f, const char *label, int log_scale,
                            struct meta_error *err)
{
    if (!label)
        return meta_error_set(err, META_EINVAL, "the measure needs a label");
    f->log_scale = log_scale != 0;
    return set_string(&f->measure, label, err);
}

int meta_forest_set_arms(struct meta_forest *f, const char *treatment, const char *control,
                         struct meta_error *err)
{
    int ret;
    if (!treatment || !control)
        return meta_error_set(err, META_EINVAL, "both arms need a name");
    ret = set_string(&f->treatment, treatment, err);
    if (ret == META_OK)
        ret = set_string(&f->control, control, err);
    return ret;
}

int meta_forest_set_favours(struct meta_forest *f, const char *left, const char *right,
                            struct meta_error *err)
{
    int ret = META_OK;
    if (left)
        ret = set_string(&f->favours_left, left, err);
    if (ret == META_OK && right)
        ret = set_string(&f->favours_right, right, err);
    return ret;
}

void meta_forest_set_higher_is_better(struct meta_forest *f, int higher_is_better)
{
    f->higher_is_better = higher_is_better != 0;
}

int meta_forest_set_model(struct meta_forest *f, const char *model, const char *method,
                          double level, struct meta_error *err)
{
    int ret;
    if (!model)
        return meta_error_set(err, META_EINVAL, "the model line needs a model");
    if (!(level > 0 && level < 100))
        return meta_error_set(err, META_EINVAL, "confidence level must be in (0, 100), got %g",
                              level);
    ret = set_string(&f->model, model, err);
    if (ret == META_OK)
        ret = set_string(&f->method, method, err);
    if (ret == META_OK)
        f->level = level;
    return ret;
}

void meta_forest_set_rob(struct meta_forest *f, int show)
{
    f->show_rob = show != 0;
}

void meta_forest_set_null(struct meta_forest *f, double null_value)
{
    if (isfinite(null_value))
        f->null_value = null_value;
}

int meta_forest_set_subgroup_test(struct meta_forest *f, double q, double df, double p,
                                  struct meta_error *err)
{
    if (!isfinite(q) || !isfinite(df))
        return meta_error_set(err, META_EINVAL,
                              "test for subgroup differences: Q and df must be "
                              "finite");
    f->has_subgroup_test = 1;
    f->subgroup_q = q;
    f->subgroup_df = df;
    f->subgroup_p = p;
    return META_OK;
}

int meta_forest_add_footer(struct meta_forest *f, const char *line, struct meta_error *err)
{
    char **grown;
    char *copy;
    if (!line)
        return meta_error_set(err, META_EINVAL, "footer line is NULL");
    copy = strdup(line);
    grown = copy ? realloc(f->footer, (f->n_footer + 1) * sizeof *grown) : NULL;
    if (!grown) {
        free(copy);
        return meta_error_set(err, META_ENOMEM, "out of memory");
    }
    f->footer = grown;
    f->footer[f->n_footer++] = copy;
    return META_OK;
}

/* Appends a row of the given kind with a copy of label into *out. Returns
 * META_OK, META_EINVAL (after the overall row) or META_ENOMEM. */
static int append_row(struct meta_forest *f, enum meta_forest_row_kind kind, const char *label,
                      struct meta_forest_row **out, struct meta_error *err)
{
    struct meta_forest_row *row;
    char *copy;
    if (f->n_rows > 0 && f->rows[f->n_rows - 1].kind == META_FOREST_OVERALL)
        return meta_error_set(err, META_EINVAL, "nothing can follow the overall row");
    if (f->n_rows == f->cap_rows) {
        size_t cap = f->cap_rows ? 2 * f->cap_rows : 16;
        struct meta_forest_row *grown = realloc(f->rows, cap * sizeof *grown);
        if (!grown)
            return meta_error_set(err, META_ENOMEM, "out of memory");
        f->rows = grown;
        f->cap_rows = cap;
    }
    copy = label ? strdup(label) : NULL;
    if (label && !copy)
        return meta_error_set(err, META_ENOMEM, "out of memory");
    row = &f->rows[f->n_rows];
    memset(row, 0, sizeof *row);
    row->label = copy;
    row->kind = kind;
    row->order = f->n_rows;
    f->n_rows++;
    *out = row;
    return META_OK;
}

int meta_forest_add_section(struct meta_forest *f, const char *label, struct meta_error *err)
{
    struct meta_forest_row *row;
    if (!label)
        return meta_error_set(err, META_EINVAL, "a subgroup section needs a label");
    return append_row(f, META_FOREST_SECTION, label, &row, err);
}

void meta_forest_study_init(struct meta_forest_study *s)
{
    memset(s, 0, sizeof *s);
    s->label = NULL;
    s->year = s->weight = s->estimate = s->ci_lower = s->ci_upper = NAN;
    s->treatment.kind = s->control.kind = META_PLOT_ARM_NONE;
    s->treatment.mean = s->treatment.sd = s->control.mean = s->control.sd = NAN;
    for (int d = 0; d < META_ROB_DOMAINS; d++)
        s->rob[d] = META_ROB_NONE;
}

/* Checks an arm's numbers for its kind; label names the study in the message. */
static int check_arm(const struct meta_plot_arm *a, const char *side, const char *label,
                     struct meta_error *err)
{
    if (a->kind == META_PLOT_ARM_BINARY && (a->n < 0 || a->events < 0 || a->events > a->n))
        return meta_error_set(err, META_EINVAL, "study '%s': %s arm needs 0 <= events <= n", label,
                              side);
    if (a->kind == META_PLOT_ARM_CONTINUOUS && a->n < 0)
        return meta_error_set(err, META_EINVAL, "study '%s': %s arm needs n >= 0", label, side);
    return META_OK;
}

int meta_forest_add_study(struct meta_forest *f, const struct meta_forest_study *s,
                          struct meta_error *err)
{
    struct meta_forest_row *row;
    int ret;
    if (!s->label)
        return meta_error_set(err, META_EINVAL, "a study needs a label");
    if (isfinite(s->estimate) && !(isfinite(s->ci_lower) && isfinite(s->ci_upper) &&
                                   s->ci_lower <= s->estimate && s->estimate <= s->ci_upper))
        return meta_error_set(err, META_EINVAL,
                              "study '%s': the interval [%g, %g] does not hold the estimate %g",
                              s->label, s->ci_lower, s->ci_upper, s->estimate);
    if (isinf(s->estimate))
        return meta_error_set(err, META_EINVAL, "study '%s': the estimate is infinite", s->label);
    if (!isnan(s->weight) && !(s->weight >= 0 && isfinite(s->weight)))
        return meta_error_set(err, META_EINVAL, "study '%s': weight must be >= 0, got %g", s->label,
                              s->weight);
    for (int d = 0; d < META_ROB_DOMAINS; d++)
        if ((int)s->rob[d] < (int)META_ROB_NONE || (int)s->rob[d] > (int)META_ROB_HIGH)
            return meta_error_set(err, META_EINVAL,
                                  "study '%s': risk-of-bias judgement %d of domain %d is unknown",
                                  s->label, (int)s->rob[d], d + 1);
    ret = check_arm(&s->treatment, "treatment", s->label, err);
    if (ret == META_OK)
        ret = check_arm(&s->control, "control", s->label, err);
    if (ret != META_OK)
        return ret;
    ret = append_row(f, META_FOREST_STUDY, s->label, &row, err);
    if (ret != META_OK)
        return ret;
    row->study = *s;
    row->study.label = row->label;
    return META_OK;
}

void meta_forest_summary_init(struct meta_forest_summary *s)
{
    s->label = NULL;
    s->estimate = s->ci_lower = s->ci_upper = NAN;
    s->pi_lower = s->pi_upper = NAN;
    s->weight = s->tau2 = s->q = s->q_df = s->q_p = s->i2 = NAN;
    s->stat = s->stat_df = s->p = NAN;
}

static int add_summary(struct meta_forest *f, enum meta_forest_row_kind kind,
                       const struct meta_forest_summary *s, struct meta_error *err)
{
    struct meta_forest_row *row;
    const char *label = s->label ? s->label : (kind == META_FOREST_OVERALL ? "Total" : "Subtotal");
    if (!(isfinite(s->estimate) && isfinite(s->ci_lower) && isfinite(s->ci_upper) &&
          s->ci_lower <= s->estimate && s->estimate <= s->ci_upper))
        return meta_error_set(err, META_EINVAL,
                              "'%s': the interval [%g, %g] does not hold the estimate %g", label,
                              s->ci_lower, s->ci_upper, s->estimate);
    if (!isnan(s->pi_lower) || !isnan(s->pi_upper)) {
        if (!(isfinite(s->pi_lower) && isfinite(s->pi_upper) && s->pi_lower <= s->pi_upper))
            return meta_error_set(err, META_EINVAL,
                                  "'%s': the prediction interval [%g, %g] is not an interval",
                                  label, s->pi_lower, s->pi_upper);
    }
    int ret = append_row(f, kind, s->label, &row, err);
    if (ret != META_OK)
        return ret;
    row->summary = *s;
    row->summary.label = row->label;
    return META_OK;
}

int meta_forest_add_subtotal(struct meta_forest *f, const struct meta_forest_summary *s,
                             struct meta_error *err)
{
    return add_summary(f, META_FOREST_SUBTOTAL, s, err);
}

int meta_forest_add_overall(struct meta_forest *f, const struct meta_forest_summary *s,
                            struct meta_error *err)
{
    return add_summary(f, META_FOREST_OVERALL, s, err);
}

/* Sort keys: unknown values (NAN) go last, ties keep the loaded order. */
static int cmp_keys(double a, double b, size_t oa, size_t ob)
{
    int na = isnan(a), nb = isnan(b);
    if (na != nb)
        return na - nb;
    if (!na && a != b)
        return a < b ? -1 : 1;
    return oa < ob ? -1 : oa > ob;
}

static int cmp_loaded(const void *pa, const void *pb)
{
    const struct meta_forest_row *a = pa, *b = pb;
    return cmp_keys(NAN, NAN, a->order, b->order);
}

static int cmp_year(const void *pa, const void *pb)
{
    const struct meta_forest_row *a = pa, *b = pb;
    return cmp_keys(a->study.year, b->study.year, a->order, b->order);
}

static int cmp_effect(const void *pa, const void *pb)
{
    const struct meta_forest_row *a = pa, *b = pb;
    return cmp_keys(a->study.estimate, b->study.estimate, a->order, b->order);
}

static int cmp_weight(const void *pa, const void *pb)
{
    const struct meta_forest_row *a = pa, *b = pb;
    /* Largest first: compare the negated weights. */
    return cmp_keys(-a->study.weight, -b->study.weight, a->order, b->order);
}

void meta_forest_sort_rows(struct meta_forest *f, enum meta_forest_order order)
{
    int (*cmp)(const void *, const void *) = order == META_FOREST_ORDER_YEAR     ? cmp_year
                                             : order == META_FOREST_ORDER_EFFECT ? cmp_effect
                                             : order == META_FOREST_ORDER_WEIGHT ? cmp_weight
                                                                                 : cmp_loaded;
    size_t i = 0;
    while (i < f->n_rows) {
        size_t j = i;
        while (j < f->n_rows && f->rows[j].kind == META_FOREST_STUDY)
            j++;
        if (j - i > 1)
            qsort(&f->rows[i], j - i, sizeof f->rows[0], cmp);
        /* The stored pointers into labels move with their rows: nothing to fix. */
        i = j == i ? i + 1 : j;
    }
}

int meta_forest_order_from_name(const char *name, enum meta_forest_order *order,
                                struct meta_error *err)
{
    static const struct {
        const char *name;
        enum meta_forest_order order;
    } names[] = {{"loaded", META_FOREST_ORDER_LOADED},
                 {"year", META_FOREST_ORDER_YEAR},
                 {"effect", META_FOREST_ORDER_EFFECT},
                 {"weight", META_FOREST_ORDER_WEIGHT}};
    for (size_t i = 0; name && i < sizeof names / sizeof names[0]; i++)
        if (strcmp(name, names[i].name) == 0) {
            *order = names[i].order;
            return META_OK;
        }
    return meta_error_set(err, META_EINVAL,
                          "unknown sort order '%s' (use loaded, year, effect or weight)",
                          name ? name : "");
}
