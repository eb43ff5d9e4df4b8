/*
 * The retired ClinicalTrials.gov XML format (clinical_study with
 * clinical_results), read with libxml2 into the same model as the API's JSON
 * so that archived records import like current ones. Every part keeps its
 * line for messages. The network and external entities are never touched.
 */
#include "ctgov_internal.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct xctx {
    struct meta_ctgov_file *f;
    struct ctgov_arena *a;
    struct meta_error *err;
    const char *nct;
};

static int nomem(struct xctx *c)
{
    return meta_error_set(c->err, META_ENOMEM, "%s: out of memory", c->f->source);
}

static int is_elem(const xmlNode *n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name);
}

static xmlNode *child(const xmlNode *n, const char *name)
{
    for (xmlNode *k = n ? n->children : NULL; k; k = k->next) {
        if (is_elem(k, name))
            return k;
    }
    return NULL;
}

static size_t count_children(const xmlNode *n, const char *name)
{
    size_t k = 0;
    for (xmlNode *x = n ? n->children : NULL; x; x = x->next)
        k += is_elem(x, name);
    return k;
}

/* The trimmed text of n (with the text of a textblock child), "" when n is
 * NULL; NULL only when out of memory. */
static const char *text(struct xctx *c, const xmlNode *n)
{
    if (!n)
        return "";
    xmlChar *s = xmlNodeGetContent(n);
    if (!s)
        return ctgov_arena_strdup(c->a, "");
    const char *b = (const char *)s, *e = b + strlen(b);
    while (*b && strchr(" \t\r\n", *b))
        b++;
    while (e > b && strchr(" \t\r\n", e[-1]))
        e--;
    char *out = ctgov_arena_strndup(c->a, b, (size_t)(e - b));
    xmlFree(s);
    return out;
}

/* Text of the child element name, "" when absent. */
static const char *ctext(struct xctx *c, const xmlNode *n, const char *name)
{
    return text(c, child(n, name));
}

/* Attribute name of n copied into the arena; NULL when absent. */
static const char *attr(struct xctx *c, const xmlNode *n, const char *name, int *oom)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    if (!v)
        return NULL;
    char *out = ctgov_arena_strdup(c->a, (const char *)v);
    xmlFree(v);
    if (!out)
        *oom = 1;
    return out;
}

static int fail(struct xctx *c, const xmlNode *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(struct xctx *c, const xmlNode *n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = ctgov_vfail(c->err, META_EINVAL, c->f->source, c->nct, NULL, n ? xmlGetLineNo(n) : 0,
                         fmt, ap);
    va_end(ap);
    return rc;
}

/* A count attribute: absent gives NAN, anything but a number is an error. */
static int count_attr(struct xctx *c, const xmlNode *n, const char *name, double *out)
{
    int oom = 0;
    const char *v = attr(c, n, name, &oom);
    *out = NAN;
    if (oom)
        return nomem(c);
    if (!v || ctgov_absent(v) || ctgov_number(v, out))
        return META_OK;
    return ctgov_fail(c->err, META_EINVAL, c->f->source, c->nct, NULL, xmlGetLineNo(n),
                      "%s is not a number, got '%s'", name, v);
}

/* The texts of every child element name, in order. */
static int texts(struct xctx *c, const xmlNode *n, const char *name, const char ***out, size_t *k)
{
    *k = count_children(n, name);
    *out = ctgov_arena_calloc(c->a, *k, sizeof **out);
    if (!*out)
        return nomem(c);
    size_t i = 0;
    for (xmlNode *x = n->children; x; x = x->next) {
        if (is_elem(x, name) && !((*out)[i++] = text(c, x)))
            return nomem(c);
    }
    return META_OK;
}

static int read_groups(struct xctx *c, const xmlNode *list, struct meta_ctgov_group **out,
                       size_t *n)
{
    *n = count_children(list, "group");
    *out = ctgov_arena_calloc(c->a, *n, sizeof **out);
    if (!*out)
        return nomem(c);
    size_t i = 0;
    int oom = 0;
    for (xmlNode *x = list ? list->children : NULL; x; x = x->next) {
        if (!is_elem(x, "group"))
            continue;
        struct meta_ctgov_group *g = &(*out)[i++];
        g->line = xmlGetLineNo(x);
        g->id = attr(c, x, "group_id", &oom);
        g->title = ctext(c, x, "title");
        g->description = ctext(c, x, "description");
        g->deaths_affected = g->deaths_at_risk = NAN;
        g->serious_affected = g->serious_at_risk = NAN;
        g->other_affected = g->other_at_risk = NAN;
        if (oom || !g->title || !g->description)
            return nomem(c);
        if (!g->id)
            g->id = "";
    }
    return META_OK;
}

/* analyzed_list -> denominators (one per analyzed element). */
static int read_denoms(struct xctx *c, const xmlNode *n, struct meta_ctgov_denom **out, size_t *k)
{
    const xmlNode *list = child(n, "analyzed_list");
    *k = count_children(list, "analyzed");
    *out = ctgov_arena_calloc(c->a, *k, sizeof **out);
    if (!*out)
        return nomem(c);
    size_t i = 0;
    int oom = 0, rc;
    for (xmlNode *x = list ? list->children : NULL; x; x = x->next) {
        if (!is_elem(x, "analyzed"))
            continue;
        struct meta_ctgov_denom *d = &(*out)[i++];
        const xmlNode *cl = child(x, "count_list");
        d->units = ctext(c, x, "units");
        d->n_counts = count_children(cl, "count");
        d->counts = ctgov_arena_calloc(c->a, d->n_counts, sizeof *d->counts);
        if (!d->units || !d->counts)
            return nomem(c);
        size_t j = 0;
        for (xmlNode *y = cl ? cl->children : NULL; y; y = y->next) {
            if (!is_elem(y, "count"))
                continue;
            struct meta_ctgov_count *cnt = &d->counts[j++];
            cnt->line = xmlGetLineNo(y);
            cnt->group_id = attr(c, y, "group_id", &oom);
            if ((rc = count_attr(c, y, "value", &cnt->value)))
                return rc;
            if (oom)
                return nomem(c);
            if (!cnt->group_id)
                cnt->group_id = "";
        }
    }
    return META_OK;
}

static int read_category(struct xctx *c, const xmlNode *x, struct meta_ctgov_category *cat)
{
    const xmlNode *ml = child(x, "measurement_list");
    int oom = 0;
    cat->title = ctext(c, x, "title");
    cat->n_measurements = count_children(ml, "measurement");
    cat->measurements = ctgov_arena_calloc(c->a, cat->n_measurements, sizeof *cat->measurements);
    if (!cat->title || !cat->measurements)
        return nomem(c);
    size_t j = 0;
    for (xmlNode *y = ml ? ml->children : NULL; y; y = y->next) {
        if (!is_elem(y, "measurement"))
            continue;
        struct meta_ctgov_measurement *m = &cat->measurements[j++];
        m->line = xmlGetLineNo(y);
        m->group_id = attr(c, y, "group_id", &oom);
        m->value = attr(c, y, "value", &oom);
        m->spread = attr(c, y, "spread", &oom);
        m->lower = attr(c, y, "lower_limit", &oom);
        m->upper = attr(c, y, "upper_limit", &oom);
        m->comment = text(c, y);
        if (oom || !m->comment)
            return nomem(c);
        if (!m->group_id)
            m->group_id = "";
    }
    return META_OK;
}

static int read_classes(struct xctx *c, const xmlNode *measure, struct meta_ctgov_measure *ms)
{
    const xmlNode *list = child(measure, "class_list");
    int rc;
    ms->n_classes = count_children(list, "class");
    ms->classes = ctgov_arena_calloc(c->a, ms->n_classes, sizeof *ms->classes);
    if (!ms->classes)
        return nomem(c);
    size_t i = 0;
    for (xmlNode *x = list ? list->children : NULL; x; x = x->next) {
        if (!is_elem(x, "class"))
            continue;
        struct meta_ctgov_class *cl = &ms->classes[i++];
        const xmlNode *catl = child(x, "category_list");
        cl->line = xmlGetLineNo(x);
        cl->title = ctext(c, x, "title");
        if (!cl->title)
            return nomem(c);
        if ((rc = read_denoms(c, x, &cl->denoms, &cl->n_denoms)))
            return rc;
        cl->n_categories = count_children(catl, "category");
        cl->categories = ctgov_arena_calloc(c->a, cl->n_categories, sizeof *cl->categories);
        if (!cl->categories)
            return nomem(c);
        size_t k = 0;
        for (xmlNode *y = catl ? catl->children : NULL; y; y = y->next) {
            if (is_elem(y, "category") && (rc = read_category(c, y, &cl->categories[k++])))
                return rc;
        }
    }
    return META_OK;
}

/* An optional child's text: NULL when the element is absent. */
static const char *opt(struct xctx *c, const xmlNode *n, const char *name, int *oom)
{
    const xmlNode *k = child(n, name);
    if (!k)
        return NULL;
    const char *s = text(c, k);
    if (!s)
        *oom = 1;
    return s;
}

static int read_analyses(struct xctx *c, const xmlNode *outcome, struct meta_ctgov_measure *ms)
{
    const xmlNode *list = child(outcome, "analysis_list");
    int oom = 0, rc;
    ms->n_analyses = count_children(list, "analysis");
    ms->analyses = ctgov_arena_calloc(c->a, ms->n_analyses, sizeof *ms->analyses);
    if (!ms->analyses)
        return nomem(c);
    size_t i = 0;
    for (xmlNode *x = list ? list->children : NULL; x; x = x->next) {
        if (!is_elem(x, "analysis"))
            continue;
        struct meta_ctgov_analysis *an = &ms->analyses[i++];
        an->line = xmlGetLineNo(x);
        const xmlNode *gl = child(x, "group_id_list");
        if (gl && (rc = texts(c, gl, "group_id", &an->group_ids, &an->n_group_ids)))
            return rc;
        an->param_type = opt(c, x, "param_type", &oom);
        an->param_value = opt(c, x, "param_value", &oom);
        an->ci_level = opt(c, x, "ci_percent", &oom);
        an->ci_sides = opt(c, x, "ci_n_sides", &oom);
        an->ci_lower = opt(c, x, "ci_lower_limit", &oom);
        an->ci_upper = opt(c, x, "ci_upper_limit", &oom);
        an->dispersion_type = opt(c, x, "dispersion_type", &oom);
        an->dispersion_value = opt(c, x, "dispersion_value", &oom);
        an->p_value = opt(c, x, "p_value", &oom);
        an->method = opt(c, x, "method", &oom);
        an->estimate_comment = opt(c, x, "estimate_desc", &oom);
        an->group_description = opt(c, x, "groups_desc", &oom);
        if (oom)
            return nomem(c);
    }
    return META_OK;
}

static int read_measure(struct xctx *c, const xmlNode *outcome, size_t index,
                        struct meta_ctgov_measure *ms)
{
    const xmlNode *m = child(outcome, "measure");
    int rc;
    ms->index = index;
    ms->line = xmlGetLineNo(outcome);
    ms->section = ctgov_arena_printf(c->a, "outcome %zu", index);
    ms->type = ctext(c, outcome, "type");
    ms->title = child(m, "title") ? ctext(c, m, "title") : ctext(c, outcome, "title");
    ms->description = ctext(c, outcome, "description");
    ms->time_frame = ctext(c, outcome, "time_frame");
    ms->population = ctext(c, outcome, "population");
    ms->param_type = ctext(c, m, "param");
    ms->dispersion_type = ctext(c, m, "dispersion");
    ms->unit = ctext(c, m, "units");
    ms->denom_units_selected = ctext(c, m, "units_analyzed");
    ms->reporting_status = "";
    if (!ms->section || !ms->type || !ms->title || !ms->description || !ms->time_frame ||
        !ms->population || !ms->param_type || !ms->dispersion_type || !ms->unit ||
        !ms->denom_units_selected)
        return nomem(c);
    if ((rc = read_groups(c, child(outcome, "group_list"), &ms->groups, &ms->n_groups)) ||
        (rc = read_denoms(c, m, &ms->denoms, &ms->n_denoms)) || (rc = read_classes(c, m, ms)) ||
        (rc = read_analyses(c, outcome, ms)))
        return rc;
    return META_OK;
}

/* Sets a group total from a "Total, ..." event; 1 when sub is one. */
static int group_total(struct meta_ctgov_group *g, const char *sub, double affected, double at_risk)
{
    if (!strncasecmp(sub, "Total, serious", 14)) {
        g->serious_affected = affected;
        g->serious_at_risk = at_risk;
    } else if (!strncasecmp(sub, "Total, other", 12)) {
        g->other_affected = affected;
        g->other_at_risk = at_risk;
    } else if (!strncasecmp(sub, "Total, all-cause mortality", 26)) {
        g->deaths_affected = affected;
        g->deaths_at_risk = at_risk;
    } else {
        return 0;
    }
    return 1;
}

static struct meta_ctgov_group *find_group(struct meta_ctgov_adverse *a, const char *id)
{
    for (size_t i = 0; i < a->n_groups; i++) {
        if (id && !strcmp(a->groups[i].id, id))
            return &a->groups[i];
    }
    return NULL;
}

/* Reads one event element into e (or, for a total, into the groups). */
static int read_event(struct xctx *c, const xmlNode *ev, const char *organ, const char *vocab,
                      const char *assess, int serious, struct meta_ctgov_adverse *a, size_t *n)
{
    int oom = 0, rc;
    const xmlNode *sub = child(ev, "sub_title");
    const char *term = text(c, sub);
    if (!term)
        return nomem(c);
    if (!strncasecmp(term, "Total, ", 7)) {
        for (xmlNode *y = ev->children; y; y = y->next) {
            double aff, risk;
            if (!is_elem(y, "counts"))
                continue;
            const char *gid = attr(c, y, "group_id", &oom);
            struct meta_ctgov_group *g = find_group(a, gid);
            if (oom)
                return nomem(c);
            if (!g)
                return fail(c, y,
                            "an adverse-event total names group '%s', which the "
                            "reported events do not define",
                            gid ? gid : "");
            if ((rc = count_attr(c, y, "subjects_affected", &aff)) ||
                (rc = count_attr(c, y, "subjects_at_risk", &risk)))
                return rc;
            group_total(g, term, aff, risk);
        }
        return META_OK;
    }
    struct meta_ctgov_event *e = &a->events[(*n)++];
    const char *v = sub ? attr(c, sub, "vocab", &oom) : NULL;
    const char *as = opt(c, ev, "assessment", &oom);
    e->serious = serious;
    e->line = xmlGetLineNo(ev);
    e->term = term;
    e->organ_system = organ;
    e->vocabulary = v ? v : vocab;
    e->assessment = as ? as : assess;
    e->n_stats = count_children(ev, "counts");
    e->stats = ctgov_arena_calloc(c->a, e->n_stats, sizeof *e->stats);
    if (oom || !e->stats)
        return nomem(c);
    size_t k = 0;
    for (xmlNode *y = ev->children; y; y = y->next) {
        if (!is_elem(y, "counts"))
            continue;
        struct meta_ctgov_event_stat *st = &e->stats[k++];
        st->line = xmlGetLineNo(y);
        st->group_id = attr(c, y, "group_id", &oom);
        if ((rc = count_attr(c, y, "subjects_affected", &st->affected)) ||
            (rc = count_attr(c, y, "subjects_at_risk", &st->at_risk)) ||
            (rc = count_attr(c, y, "events", &st->events)))
            return rc;
        if (oom)
            return nomem(c);
        if (!st->group_id)
            st->group_id = "";
    }
    return META_OK;
}

static int read_event_list(struct xctx *c, const xmlNode *sec, int serious,
                           struct meta_ctgov_adverse *a, size_t *n)
{
    const char *vocab = ctext(c, sec, "default_vocab");
    const char *assess = ctext(c, sec, "default_assessment");
    const xmlNode *cl = child(sec, "category_list");
    int rc;
    if (!vocab || !assess)
        return nomem(c);
    for (xmlNode *x = cl ? cl->children : NULL; x; x = x->next) {
        if (!is_elem(x, "category"))
            continue;
        const char *organ = ctext(c, x, "title");
        const xmlNode *el = child(x, "event_list");
        if (!organ)
            return nomem(c);
        for (xmlNode *y = el ? el->children : NULL; y; y = y->next) {
            if (is_elem(y, "event") && (rc = read_event(c, y, organ, vocab, assess, serious, a, n)))
                return rc;
        }
    }
    return META_OK;
}

/* Events of a section, totals included (an upper bound for the array). */
static size_t count_events(const xmlNode *sec)
{
    size_t k = 0;
    const xmlNode *cl = child(sec, "category_list");
    for (xmlNode *x = cl ? cl->children : NULL; x; x = x->next) {
        if (is_elem(x, "category"))
            k += count_children(child(x, "event_list"), "event");
    }
    return k;
}

static int read_adverse(struct xctx *c, const xmlNode *re, struct meta_ctgov_adverse *a)
{
    const xmlNode *ser = child(re, "serious_events"), *oth = child(re, "other_events");
    int rc;
    a->present = 1;
    a->section = "adverse events";
    a->line = xmlGetLineNo(re);
    a->time_frame = ctext(c, re, "time_frame");
    a->description = ctext(c, re, "desc");
    a->frequency_threshold = ctext(c, oth, "frequency_threshold");
    if (!a->time_frame || !a->description || !a->frequency_threshold)
        return nomem(c);
    if ((rc = read_groups(c, child(re, "group_list"), &a->groups, &a->n_groups)))
        return rc;
    a->events = ctgov_arena_calloc(c->a, count_events(ser) + count_events(oth), sizeof *a->events);
    if (!a->events)
        return nomem(c);
    a->n_events = 0;
    if ((ser && (rc = read_event_list(c, ser, 1, a, &a->n_events))) ||
        (oth && (rc = read_event_list(c, oth, 0, a, &a->n_events))))
        return rc;
    return META_OK;
}

static int read_protocol(struct xctx *c, const xmlNode *root, struct meta_ctgov_study *s)
{
    int rc;
    s->nct_id = ctext(c, child(root, "id_info"), "nct_id");
    if (!s->nct_id)
        return nomem(c);
    if (!*s->nct_id)
        return fail(c, root, "record has no NCT id (id_info/nct_id)");
    c->nct = s->nct_id;
    s->brief_title = ctext(c, root, "brief_title");
    s->start_date = ctext(c, root, "start_date");
    const char *phase = ctext(c, root, "phase");
    if (!s->brief_title || !s->start_date || !phase)
        return nomem(c);
    s->start_year = ctgov_year(s->start_date);
    s->phase = *phase ? ctgov_phase_name(c->a, &phase, 1) : "";
    if (!s->phase)
        return nomem(c);
    if ((rc = texts(c, root, "condition", &s->conditions, &s->n_conditions)))
        return rc;
    s->n_arms = count_children(root, "arm_group");
    s->arms = ctgov_arena_calloc(c->a, s->n_arms, sizeof *s->arms);
    s->n_interventions = count_children(root, "intervention");
    s->interventions = ctgov_arena_calloc(c->a, s->n_interventions, sizeof *s->interventions);
    if (!s->arms || !s->interventions)
        return nomem(c);
    size_t i = 0, k = 0;
    for (xmlNode *x = root->children; x; x = x->next) {
        if (is_elem(x, "arm_group")) {
            struct meta_ctgov_arm *arm = &s->arms[i++];
            arm->label = ctext(c, x, "arm_group_label");
            arm->type = ctext(c, x, "arm_group_type");
            arm->description = ctext(c, x, "description");
            if (!arm->label || !arm->type || !arm->description)
                return nomem(c);
        } else if (is_elem(x, "intervention")) {
            struct meta_ctgov_intervention *iv = &s->interventions[k++];
            iv->type = ctext(c, x, "intervention_type");
            iv->name = ctext(c, x, "intervention_name");
            iv->description = ctext(c, x, "description");
            if (!iv->type || !iv->name || !iv->description)
                return nomem(c);
            if ((rc = texts(c, x, "other_name", &iv->other_names, &iv->n_other_names)) ||
                (rc = texts(c, x, "arm_group_label", &iv->arm_labels, &iv->n_arm_labels)))
                return rc;
        }
    }
    /* The XML lists interventions per arm only from the intervention's side. */
    for (i = 0; i < s->n_arms; i++) {
        struct meta_ctgov_arm *arm = &s->arms[i];
        arm->interventions = ctgov_arena_calloc(c->a, s->n_interventions, sizeof(char *));
        if (!arm->interventions)
            return nomem(c);
        for (k = 0; k < s->n_interventions; k++) {
            const struct meta_ctgov_intervention *iv = &s->interventions[k];
            for (size_t j = 0; j < iv->n_arm_labels; j++) {
                if (!strcmp(iv->arm_labels[j], arm->label)) {
                    arm->interventions[arm->n_interventions++] = iv->name;
                    break;
                }
            }
        }
    }
    return META_OK;
}

static int read_study(struct xctx *c, const xmlNode *root, struct meta_ctgov_study *s)
{
    int rc;
    s->source = c->f->source;
    s->where = "";
    s->line = xmlGetLineNo(root);
    if ((rc = read_protocol(c, root, s)))
        return rc;
    const xmlNode *cr = child(root, "clinical_results");
    if (!cr)
        return fail(c, root, "record has no results (no clinical_results)");
    const xmlNode *ol = child(cr, "outcome_list");
    s->n_measures = count_children(ol, "outcome");
    s->measures = ctgov_arena_calloc(c->a, s->n_measures, sizeof *s->measures);
    if (!s->measures)
        return nomem(c);
    size_t i = 0;
    for (xmlNode *x = ol ? ol->children : NULL; x; x = x->next) {
        if (is_elem(x, "outcome") && (rc = read_measure(c, x, i + 1, &s->measures[i])))
            return rc;
        i += is_elem(x, "outcome");
    }
    const xmlNode *re = child(cr, "reported_events");
    if (re && (rc = read_adverse(c, re, &s->adverse)))
        return rc;
    if (s->n_measures == 0 && !re)
        return fail(c, cr, "record has no results (no outcome, no reported events)");
    return META_OK;
}

int ctgov_xml_parse(struct meta_ctgov_file *f, const char *data, size_t len, struct meta_error *err)
{
    struct xctx c = {.f = f, .a = f->arena, .err = err};
    int rc = META_OK;
    if (len > (size_t)2147483647)
        return meta_error_set(err, META_EINVAL, "%s: file is too large for an XML record",
                              f->source);
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    if (!ctxt)
        return nomem(&c);
    xmlDocPtr doc = xmlCtxtReadMemory(ctxt, data, (int)len, f->source, NULL,
                                      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                                          XML_PARSE_BIG_LINES);
    if (!doc) {
        const xmlError *e = xmlCtxtGetLastError(ctxt);
        char msg[512] = "not well-formed";
        if (e && e->message) {
            snprintf(msg, sizeof msg, "%s", e->message);
            size_t n = strlen(msg);
            while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
                msg[--n] = '\0';
        }
        rc = meta_error_set(err, META_EINVAL, "%s:%d:%d: malformed XML: %s", f->source,
                            e ? e->line : 0, e ? e->int2 : 0, msg);
        goto cleanup;
    }
    const xmlNode *root = xmlDocGetRootElement(doc);
    if (!is_elem(root, "clinical_study")) {
        rc = fail(&c, root,
                  "not a ClinicalTrials.gov record: the root element is <%s>, not "
                  "<clinical_study>",
                  root ? (const char *)root->name : "");
        goto cleanup;
    }
    f->n_studies = 1;
    f->studies = ctgov_arena_calloc(f->arena, 1, sizeof *f->studies);
    if (!f->studies) {
        rc = nomem(&c);
        goto cleanup;
    }
    rc = read_study(&c, root, &f->studies[0]);
cleanup:
    xmlFreeDoc(doc);
    xmlFreeParserCtxt(ctxt);
    return rc;
}
