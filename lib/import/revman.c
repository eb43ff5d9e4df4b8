/*
 * meta_review_read_revman(): a RevMan 5 file (.rm5) read with libxml2 in the
 * encoding it declares. RevMan 5 keeps each analysis as an element of its
 * data type (DICH_OUTCOME, CONT_OUTCOME, IV_OUTCOME, IPD_OUTCOME for O-E) in a
 * COMPARISON, its settings and RevMan's totals as attributes, subgroups as
 * *_SUBGROUP elements and each study's data as a *_DATA element pointing to a
 * STUDY by its ID. libxml2 never fetches anything from the network here, and
 * a file that declares entities is refused.
 */
#include "review_build.h"
#include "review_source.h"
#include "review_text.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A data attribute and the row's number it fills. */
struct field {
    const char *attr;
    size_t offset; /* of a double in struct meta_review_row */
};

#define F(attr, member)                                                                            \
    {                                                                                              \
        attr, offsetof(struct meta_review_row, member)                                             \
    }
static const struct field dich_fields[] = {F("EVENTS_1", exp.events),
                                           F("TOTAL_1", exp.n),
                                           F("EVENTS_2", ctl.events),
                                           F("TOTAL_2", ctl.n),
                                           {NULL, 0}};
static const struct field cont_fields[] = {F("MEAN_1", exp.mean),
                                           F("SD_1", exp.sd),
                                           F("TOTAL_1", exp.n),
                                           F("MEAN_2", ctl.mean),
                                           F("SD_2", ctl.sd),
                                           F("TOTAL_2", ctl.n),
                                           {NULL, 0}};
static const struct field giv_fields[] = {
    F("ESTIMATE", giv_mean), F("SE", giv_se), F("TOTAL_1", exp.n), F("TOTAL_2", ctl.n), {NULL, 0}};
static const struct field oe_fields[] = {
    F("O_E", oe), F("VAR", variance), F("TOTAL_1", exp.n), F("TOTAL_2", ctl.n), {NULL, 0}};
static const struct field no_fields[] = {{NULL, 0}};
#undef F

/* The kinds of analysis element, by the prefix of their names, and the
 * attributes of their *_DATA elements. */
struct kind {
    const char *prefix; /* "DICH" ... */
    enum meta_review_data_type type;
    const struct field *fields;
};

static const struct kind kinds[] = {{"DICH", META_REVIEW_DICHOTOMOUS, dich_fields},
                                    {"CONT", META_REVIEW_CONTINUOUS, cont_fields},
                                    {"IV", META_REVIEW_GIV, giv_fields},
                                    {"IPD", META_REVIEW_OE, oe_fields},
                                    {"OTHER", META_REVIEW_TYPE_UNKNOWN, no_fields}};

/* A study's ID, for STUDY_ID lookups. */
struct study_id {
    const char *id;
    const char *name;
    const char *year;
};

struct reader {
    struct meta_review *rv;
    const char *source;
    struct meta_error *err;
    struct study_id *ids;
    size_t n_ids;
};

static int is(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

static long line_of(const xmlNode *n)
{
    return xmlGetLineNo((xmlNodePtr)n);
}

/* An attribute's value copied into the review (NULL when absent or empty). */
static const char *attr(struct reader *r, const xmlNode *n, const char *name, int *oom)
{
    xmlChar *v = xmlGetProp((xmlNodePtr)n, (const xmlChar *)name);
    if (!v)
        return NULL;
    const char *s = meta_review_trimmed(r->rv, (const char *)v, oom);
    xmlFree(v);
    return s;
}

/* The text of the first child element called name (NULL when none or empty). */
static const char *child_text(struct reader *r, const xmlNode *n, const char *name, int *oom)
{
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (!is(c, name))
            continue;
        xmlChar *v = xmlNodeGetContent((xmlNodePtr)c);
        if (!v) {
            *oom = 1;
            return NULL;
        }
        const char *s = meta_review_trimmed(r->rv, (const char *)v, oom);
        xmlFree(v);
        return s;
    }
    return NULL;
}

/* Reads a numeric attribute into *out (NAN when absent or empty). */
static int num(struct reader *r, const xmlNode *n, const char *name, int allow_inf, double *out)
{
    *out = NAN;
    xmlChar *v = xmlGetProp((xmlNodePtr)n, (const xmlChar *)name);
    if (!v)
        return META_OK;
    int bad = meta_review_parse_number((const char *)v, allow_inf, out) == META_REVIEW_NUM_BAD;
    int ret = META_OK;
    if (bad)
        ret = meta_error_set(r->err, META_EINVAL, "%s:%ld: %s %s is not a number, got '%s'",
                             r->source, line_of(n), (const char *)n->name, name, (const char *)v);
    xmlFree(v);
    return ret;
}

/* Reads a YES/NO attribute: 1, 0, or -1 when absent. */
static int yes_no(const xmlNode *n, const char *name)
{
    xmlChar *v = xmlGetProp((xmlNodePtr)n, (const xmlChar *)name);
    if (!v)
        return -1;
    int r = strcasecmp((const char *)v, "YES") == 0  ? 1
            : strcasecmp((const char *)v, "NO") == 0 ? 0
                                                     : -1;
    xmlFree(v);
    return r;
}

/* Reads a whole-number attribute (NO, ORDER) into *out; absent leaves *out. */
static int whole(struct reader *r, const xmlNode *n, const char *name, int required, int *out)
{
    xmlChar *v = xmlGetProp((xmlNodePtr)n, (const xmlChar *)name);
    if (!v) {
        if (required)
            return meta_error_set(r->err, META_EINVAL, "%s:%ld: %s has no %s attribute", r->source,
                                  line_of(n), (const char *)n->name, name);
        return META_OK;
    }
    int ok = meta_review_parse_int((const char *)v, out) && *out >= 0;
    int ret =
        ok ? META_OK
           : meta_error_set(r->err, META_EINVAL, "%s:%ld: %s %s must be a whole number, got '%s'",
                            r->source, line_of(n), (const char *)n->name, name, (const char *)v);
    xmlFree(v);
    return ret;
}

/* RevMan's totals stored as attributes of an outcome or subgroup element. */
static int totals(struct reader *r, const xmlNode *n, struct meta_review_totals *t)
{
    static const char *const names[] = {"EFFECT_SIZE", "CI_START", "CI_END",   "Z",       "P_Z",
                                        "TAU2",        "CHI2",     "DF",       "P_CHI2",  "I2",
                                        "EVENTS_1",    "TOTAL_1",  "EVENTS_2", "TOTAL_2", "WEIGHT"};
    double v[15];
    for (int i = 0; i < 15; i++) {
        int rc = num(r, n, names[i], 1, &v[i]);
        if (rc != META_OK)
            return rc;
    }
    meta_review_totals_clear(t);
    t->events_exp = v[10];
    t->n_exp = v[11];
    t->events_ctl = v[12];
    t->n_ctl = v[13];
    if (v[1] < v[2]) {
        t->present = 1;
        t->estimate = v[0];
        t->ci_lower = v[1];
        t->ci_upper = v[2];
        t->z = v[3];
        t->p = v[4];
        t->tau2 = v[5];
        t->chi2 = v[6];
        t->df = v[7];
        t->chi2_p = v[8];
        t->i2 = v[9];
        t->weight = v[14];
    }
    return META_OK;
}

static int id_cmp(const void *a, const void *b)
{
    return strcmp(((const struct study_id *)a)->id, ((const struct study_id *)b)->id);
}

/* Collects every STUDY element below n (included, excluded, awaiting, ongoing). */
static int collect_studies(struct reader *r, const xmlNode *n, size_t *cap)
{
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (!is(c, "STUDY")) {
            int rc = collect_studies(r, c, cap);
            if (rc != META_OK)
                return rc;
            continue;
        }
        int oom = 0;
        const char *id = attr(r, c, "ID", &oom);
        const char *name = attr(r, c, "NAME", &oom);
        const char *year = attr(r, c, "YEAR", &oom);
        if (oom)
            return meta_error_set(r->err, META_ENOMEM, "out of memory");
        if (!id || !name)
            return meta_error_set(r->err, META_EINVAL, "%s:%ld: STUDY without %s", r->source,
                                  line_of(c), id ? "NAME" : "ID");
        if (r->n_ids == *cap) {
            size_t ncap = *cap ? *cap * 2 : 64;
            struct study_id *ids = realloc(r->ids, ncap * sizeof *ids);
            if (!ids)
                return meta_error_set(r->err, META_ENOMEM, "out of memory");
            r->ids = ids;
            *cap = ncap;
        }
        r->ids[r->n_ids++] = (struct study_id){id, name, year};
        if (meta_review_add_study(r->rv, name, year, id) != META_OK)
            return meta_error_set(r->err, META_ENOMEM, "out of memory");
    }
    return META_OK;
}

static const struct study_id *study_by_id(const struct reader *r, const char *id)
{
    struct study_id key = {id, NULL, NULL};
    return r->n_ids ? bsearch(&key, r->ids, r->n_ids, sizeof *r->ids, id_cmp) : NULL;
}

/* Checks a row's numbers as RevMan 5 cannot have written them otherwise. */
static int check_row(struct reader *r, const xmlNode *n, const struct meta_review_row *row)
{
    struct {
        const char *attr;
        double v;
        int count;
    } checks[] = {{"TOTAL_1", row->exp.n, 1},       {"TOTAL_2", row->ctl.n, 1},
                  {"EVENTS_1", row->exp.events, 1}, {"EVENTS_2", row->ctl.events, 1},
                  {"SD_1", row->exp.sd, 0},         {"SD_2", row->ctl.sd, 0},
                  {"SE", row->giv_se, 0},           {"VAR", row->variance, 0}};
    for (size_t i = 0; i < sizeof checks / sizeof *checks; i++) {
        double v = checks[i].v;
        if (!isnan(v) && (v < 0 || (checks[i].count && v != floor(v))))
            return meta_error_set(
                r->err, META_EINVAL, "%s:%ld: %s %s %s, got %.15g", r->source, line_of(n),
                (const char *)n->name, checks[i].attr,
                checks[i].count ? "must be a whole number, 0 or more" : "must not be negative", v);
    }
    if (row->exp.events > row->exp.n || row->ctl.events > row->ctl.n)
        return meta_error_set(r->err, META_EINVAL,
                              "%s:%ld: %s has more events than participants "
                              "in group %d",
                              r->source, line_of(n), (const char *)n->name,
                              row->exp.events > row->exp.n ? 1 : 2);
    return META_OK;
}

/* One *_DATA element: a study's row in analysis ai (subgroup sg or -1). */
static int read_data(struct reader *r, const xmlNode *n, const struct kind *k, size_t ai, long sg)
{
    int oom = 0;
    const char *sid = attr(r, n, "STUDY_ID", &oom);
    if (oom)
        return meta_error_set(r->err, META_ENOMEM, "out of memory");
    if (!sid)
        return meta_error_set(r->err, META_EINVAL, "%s:%ld: %s without STUDY_ID", r->source,
                              line_of(n), (const char *)n->name);
    const struct study_id *st = study_by_id(r, sid);
    if (!st)
        return meta_error_set(r->err, META_EINVAL,
                              "%s:%ld: %s refers to study '%s', which the file does not define",
                              r->source, line_of(n), (const char *)n->name, sid);
    struct meta_review_row *row;
    if (meta_review_add_row(r->rv, ai, sg, &row) != META_OK)
        return meta_error_set(r->err, META_ENOMEM, "out of memory");
    row->study = st->name;
    row->year = st->year;
    row->source = r->source;
    row->line = line_of(n);
    row->estimable = yes_no(n, "ESTIMABLE");
    int order = 0, rc;
    if ((rc = whole(r, n, "ORDER", 0, &order)) != META_OK)
        return rc;
    row->order = order;

    double w, m, lo, hi;
    if ((rc = num(r, n, "WEIGHT", 1, &w)) || (rc = num(r, n, "EFFECT_SIZE", 1, &m)) ||
        (rc = num(r, n, "CI_START", 1, &lo)) || (rc = num(r, n, "CI_END", 1, &hi)))
        return rc;
    if (lo < hi)
        row->revman = (struct meta_review_result){w, m, lo, hi};

    for (const struct field *f = k->fields; f->attr; f++)
        if ((rc = num(r, n, f->attr, 0, (double *)((char *)row + f->offset))) != META_OK)
            return rc;
    return check_row(r, n, row);
}

/* Whether element n is "<PREFIX>_<what>" (what: "DATA", "SUBGROUP"), and of
 * which kind. */
static const struct kind *kind_of(const xmlNode *n, const char *what)
{
    if (n->type != XML_ELEMENT_NODE)
        return NULL;
    for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++) {
        size_t pl = strlen(kinds[i].prefix);
        const char *name = (const char *)n->name;
        if (strncmp(name, kinds[i].prefix, pl) == 0 && name[pl] == '_' &&
            strcmp(name + pl + 1, what) == 0)
            return &kinds[i];
    }
    return NULL;
}

/* The data elements of an outcome or subgroup element. */
static int read_rows(struct reader *r, const xmlNode *parent, const xmlNode *outcome,
                     const struct kind *k, size_t ai, long sg)
{
    for (const xmlNode *c = parent->children; c; c = c->next) {
        const struct kind *dk = kind_of(c, "DATA");
        if (!dk)
            continue;
        if (dk != k)
            return meta_error_set(
                r->err, META_EINVAL, "%s:%ld: %s inside %s: data of another type than its analysis",
                r->source, line_of(c), (const char *)c->name, (const char *)outcome->name);
        int rc = read_data(r, c, k, ai, sg);
        if (rc != META_OK)
            return rc;
    }
    return META_OK;
}

/* The settings of an outcome element. */
static int read_settings(struct reader *r, const xmlNode *n, const struct kind *k,
                         struct meta_review_analysis *an)
{
    int oom = 0;
    an->type = k->type;
    an->method_text = attr(r, n, "METHOD", &oom);
    an->method = meta_review_parse_method(an->method_text);
    if (an->method == META_REVIEW_METHOD_UNSET)
        an->method = k->type == META_REVIEW_OE ? META_REVIEW_METHOD_OE : META_REVIEW_METHOD_IV;
    an->effect_measure = attr(r, n, "EFFECT_MEASURE", &oom);
    if (!an->effect_measure)
        an->effect_measure = child_text(r, n, "EFFECT_MEASURE", &oom);
    int random = yes_no(n, "RANDOM");
    an->model = random == 1   ? META_REVIEW_MODEL_RANDOM
                : random == 0 ? META_REVIEW_MODEL_FIXED
                              : META_REVIEW_MODEL_UNSET;
    an->log_scale = yes_no(n, "LOG_DATA");
    an->swap_events = yes_no(n, "SWAP_EVENTS");
    an->show_subgroup_test = yes_no(n, "SUBGROUP_TEST");
    const char *tot = attr(r, n, "TOTALS", &oom);
    if (tot) {
        an->show_overall = strcasecmp(tot, "YES") == 0;
        an->show_subgroups = strcasecmp(tot, "NO") != 0;
    }
    an->sort_by = attr(r, n, "SORT_BY", &oom);
    an->label_exp = child_text(r, n, "GROUP_LABEL_1", &oom);
    an->label_ctl = child_text(r, n, "GROUP_LABEL_2", &oom);
    an->favours_left = child_text(r, n, "GRAPH_LABEL_1", &oom);
    an->favours_right = child_text(r, n, "GRAPH_LABEL_2", &oom);
    const char *name = child_text(r, n, "NAME", &oom);
    an->name = name ? name : "";
    if (oom)
        return meta_error_set(r->err, META_ENOMEM, "out of memory");
    double study_ci, total_ci;
    int rc;
    if ((rc = num(r, n, "CI_STUDY", 0, &study_ci)) || (rc = num(r, n, "CI_TOTAL", 0, &total_ci)))
        return rc;
    an->study_level = study_ci > 0 && study_ci < 100 ? study_ci : NAN;
    an->total_level = total_ci > 0 && total_ci < 100 ? total_ci : NAN;
    return totals(r, n, &an->overall);
}

/* RevMan 5's test for subgroup differences (Q, P_Q, I2_Q) once subgroups are known. */
static int subgroup_test(struct reader *r, const xmlNode *n, struct meta_review_analysis *an)
{
    double q, p, i2;
    int rc;
    if ((rc = num(r, n, "Q", 1, &q)) || (rc = num(r, n, "P_Q", 1, &p)) ||
        (rc = num(r, n, "I2_Q", 1, &i2)))
        return rc;
    if (an->n_subgroups > 1 && !isnan(q))
        an->subgroup_test =
            (struct meta_review_subgroup_test){1, q, (double)an->n_subgroups - 1, p, i2};
    return META_OK;
}

static int read_outcome(struct reader *r, const xmlNode *n, const struct kind *k, int group,
                        const char *group_name)
{
    int number = 0, rc;
    if ((rc = whole(r, n, "NO", 1, &number)) != META_OK)
        return rc;
    if (k->type == META_REVIEW_TYPE_UNKNOWN) {
        int oom = 0;
        const char *name = child_text(r, n, "NAME", &oom);
        char note[1024];
        snprintf(note, sizeof note,
                 "analysis %d.%d '%s' holds other data (text, no numbers): not imported", group,
                 number, name ? name : "");
        if (oom || meta_review_add_note(r->rv, note) != META_OK)
            return meta_error_set(r->err, META_ENOMEM, "out of memory");
        return META_OK;
    }
    size_t ai;
    int created;
    if (meta_review_analysis_find(r->rv, group, number, 1, &ai, &created) != META_OK)
        return meta_error_set(r->err, META_ENOMEM, "out of memory");
    struct meta_review_analysis *an = meta_review_analysis_at(r->rv, ai);
    if (!created)
        return meta_error_set(r->err, META_EINVAL,
                              "%s:%ld: analysis %d.%d is defined twice (first on line %ld)",
                              r->source, line_of(n), group, number, an->line);
    an->source = r->source;
    an->line = line_of(n);
    an->group_name = group_name;
    if ((rc = read_settings(r, n, k, an)) != META_OK)
        return rc;
    if ((rc = read_rows(r, n, n, k, ai, -1)) != META_OK)
        return rc;
    for (const xmlNode *c = n->children; c; c = c->next) {
        const struct kind *sk = kind_of(c, "SUBGROUP");
        if (!sk)
            continue;
        if (sk != k)
            return meta_error_set(r->err, META_EINVAL,
                                  "%s:%ld: %s inside %s: a subgroup of another type than its "
                                  "analysis",
                                  r->source, line_of(c), (const char *)c->name,
                                  (const char *)n->name);
        int no = 0, oom = 0;
        if ((rc = whole(r, c, "NO", 0, &no)) != META_OK)
            return rc;
        const char *name = child_text(r, c, "NAME", &oom);
        if (oom)
            return meta_error_set(r->err, META_ENOMEM, "out of memory");
        char where[512];
        snprintf(where, sizeof where, "%s:%ld", r->source, line_of(c));
        size_t si;
        rc = meta_review_subgroup_find(r->rv, ai, name ? name : "", no, &si, where, r->err);
        if (rc != META_OK)
            return rc;
        an = meta_review_analysis_at(r->rv, ai);
        if ((rc = totals(r, c, &an->subgroups[si].totals)) != META_OK ||
            (rc = read_rows(r, c, n, k, ai, (long)si)) != META_OK)
            return rc;
    }
    return subgroup_test(r, n, meta_review_analysis_at(r->rv, ai));
}

static int read_analyses(struct reader *r, const xmlNode *data)
{
    for (const xmlNode *cmp = data->children; cmp; cmp = cmp->next) {
        if (!is(cmp, "COMPARISON"))
            continue;
        int group = 0, oom = 0, rc;
        if ((rc = whole(r, cmp, "NO", 1, &group)) != META_OK)
            return rc;
        const char *group_name = child_text(r, cmp, "NAME", &oom);
        if (oom)
            return meta_error_set(r->err, META_ENOMEM, "out of memory");
        for (const xmlNode *o = cmp->children; o; o = o->next) {
            const struct kind *k = kind_of(o, "OUTCOME");
            if (k && (rc = read_outcome(r, o, k, group, group_name)) != META_OK)
                return rc;
        }
    }
    return META_OK;
}

static const xmlNode *find_child(const xmlNode *n, const char *name)
{
    for (const xmlNode *c = n ? n->children : NULL; c; c = c->next)
        if (is(c, name))
            return c;
    return NULL;
}

/* The first error libxml2 met (later ones follow from it). */
struct first_error {
    int set;
    int code, domain, line;
    char message[512];
};

/* libxml2's structured error channel for our parser context. */
static void keep_first_error(void *data, xmlErrorPtr e)
{
    struct first_error *fe = ((xmlParserCtxtPtr)data)->_private;
    if (!fe || fe->set || !e)
        return;
    fe->set = 1;
    fe->code = e->code;
    fe->domain = e->domain;
    fe->line = e->line;
    snprintf(fe->message, sizeof fe->message, "%s", e->message ? e->message : "");
}

/* Turns libxml2's first error into ours. */
static int xml_failed(const struct first_error *e, const char *source, struct meta_error *err)
{
    if (!e->set || !e->message[0])
        return meta_error_set(err, META_EINVAL, "%s: malformed XML", source);
    char msg[1024];
    size_t used = 0;
    for (const char *s = e->message; *s && used + 3 < sizeof msg; s++) {
        if (*s == '\n') {
            if (s[1])
                used += (size_t)snprintf(msg + used, sizeof msg - used, "; ");
        } else {
            msg[used++] = *s;
        }
    }
    msg[used] = '\0';
    int encoding = e->code == XML_ERR_INVALID_CHAR || e->code == XML_ERR_UNKNOWN_ENCODING ||
                   e->code == XML_ERR_UNSUPPORTED_ENCODING || e->code == XML_ERR_INVALID_ENCODING ||
                   e->domain == XML_FROM_I18N;
    return meta_error_set(err, META_EINVAL, "%s:%d: %s: %s", source, e->line,
                          encoding ? "the text cannot be decoded in the encoding the file "
                                     "declares"
                                   : "malformed XML",
                          msg);
}

/* The file's name without its directory and ".rm5". */
static void file_stem(const char *path, char *out, size_t size)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    snprintf(out, size, "%s", base);
    size_t n = strlen(out);
    if (n > 4 && strcasecmp(out + n - 4, ".rm5") == 0)
        out[n - 4] = '\0';
}

static int read_document(struct reader *r, xmlDocPtr doc, const char *path)
{
    struct meta_review *rv = r->rv;
    const xmlNode *root = xmlDocGetRootElement(doc);
    if (!root || !is(root, "COCHRANE_REVIEW"))
        return meta_error_set(r->err, META_EINVAL,
                              "%s:%ld: not a RevMan 5 file: the root element is %s, not "
                              "COCHRANE_REVIEW",
                              r->source, root ? line_of(root) : 1L,
                              root ? (const char *)root->name : "missing");
    if (doc->intSubset && doc->intSubset->entities)
        return meta_error_set(r->err, META_EINVAL,
                              "%s: the file declares XML entities, which RevMan 5 never writes: "
                              "refused",
                              r->source);
    int oom = 0, rc;
    char cd[16], stem[1024];
    const char *doi = attr(r, root, "DOI", &oom);
    const char *no = attr(r, root, "REVIEW_NO", &oom);
    file_stem(path, stem, sizeof stem);
    if ((doi && meta_review_find_cd(doi, cd)) || (no && meta_review_find_cd(no, cd)) ||
        meta_review_find_cd(stem, cd))
        oom |= !(rv->cd_number = meta_review_str(rv, cd));
    const xmlNode *cover = find_child(root, "COVER_SHEET");
    if (cover)
        rv->title = child_text(r, cover, "TITLE", &oom);
    if (oom)
        return meta_error_set(r->err, META_ENOMEM, "out of memory");

    size_t cap = 0;
    const xmlNode *refs = find_child(root, "STUDIES_AND_REFERENCES");
    if (refs && (rc = collect_studies(r, refs, &cap)) != META_OK)
        return rc;
    if (r->n_ids)
        qsort(r->ids, r->n_ids, sizeof *r->ids, id_cmp);
    for (size_t i = 1; i < r->n_ids; i++)
        if (strcmp(r->ids[i].id, r->ids[i - 1].id) == 0)
            return meta_error_set(r->err, META_EINVAL, "%s: two studies have the ID '%s'",
                                  r->source, r->ids[i].id);
    if ((rc = meta_review_index_studies(rv, r->source, r->err)) != META_OK)
        return rc;
    const xmlNode *data = find_child(root, "ANALYSES_AND_DATA");
    if (data && (rc = read_analyses(r, data)) != META_OK)
        return rc;
    return meta_review_finish(rv, r->err);
}

int meta_review_read_revman(const char *path, const struct meta_review_limits *limits,
                            struct meta_review **out, struct meta_error *err)
{
    struct meta_review_limits lim;
    char stem[1024];
    meta_review_limits_get(limits, &lim);
    file_stem(path, stem, sizeof stem);
    *out = NULL;
    struct meta_review *rv = meta_review_new(META_REVIEW_REVMAN5, path, stem);
    if (!rv)
        return meta_error_set(err, META_ENOMEM, "out of memory");
    struct reader r = {.rv = rv, .err = err};
    xmlParserCtxtPtr ctxt = NULL;
    xmlDocPtr doc = NULL;
    unsigned char *data = NULL;
    size_t size = 0;
    int rc = meta_review_read_file(path, path, lim.max_file_bytes, &data, &size, err);
    if (rc != META_OK)
        goto cleanup;
    r.source = meta_review_add_source(rv, path, data, size);
    if (!r.source) {
        rc = meta_error_set(err, META_ENOMEM, "out of memory");
        goto cleanup;
    }
    if (size > (size_t)INT32_MAX) {
        rc = meta_error_set(err, META_EINVAL, "%s: the file is too large for the XML parser", path);
        goto cleanup;
    }
    ctxt = xmlNewParserCtxt();
    if (!ctxt || !ctxt->sax) {
        rc = meta_error_set(err, META_ENOMEM, "out of memory");
        goto cleanup;
    }
    struct first_error first = {0};
    ctxt->_private = &first;
    ctxt->sax->serror = keep_first_error;
    doc = xmlCtxtReadMemory(ctxt, (const char *)data, (int)size, path, NULL,
                            XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                                XML_PARSE_BIG_LINES);
    if (!doc || !ctxt->wellFormed) {
        rc = xml_failed(&first, path, err);
        goto cleanup;
    }
    rc = read_document(&r, doc, path);

cleanup:
    if (doc)
        xmlFreeDoc(doc);
    if (ctxt)
        xmlFreeParserCtxt(ctxt);
    free(r.ids);
    if (rc != META_OK) {
        meta_review_free(rv);
        return rc;
    }
    *out = rv;
    return META_OK;
}
