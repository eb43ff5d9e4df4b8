/*
 * ClinicalTrials.gov API v2 JSON, read with json-c: the file's shape (one
 * study, an array of studies, or the paged {"studies": [...]} response) and
 * the protocol section (NCT id, title, phase, conditions, start date, arms and
 * interventions). The results section is read in ctgov_json_results.c, typed
 * access to values in ctgov_json_access.c.
 */
#include "ctgov_json.h"

#include <stdint.h>
#include <string.h>

/* "Drug: Placebo" -> "Placebo": the type prefix the arm lists interventions with. */
static const char *strip_type(const char *s)
{
    static const char *const types[] = {
        "Drug",       "Device",  "Biological",         "Procedure",           "Radiation",
        "Behavioral", "Genetic", "Dietary Supplement", "Combination Product", "Diagnostic Test",
        "Other",      NULL};
    for (const char *const *t = types; *t; t++) {
        size_t n = strlen(*t);
        if (!strncasecmp(s, *t, n) && s[n] == ':') {
            s += n + 1;
            while (*s == ' ')
                s++;
            return s;
        }
    }
    return s;
}

static int read_arms(struct jctx *c, struct json_object *aim, const char *path,
                     struct meta_ctgov_study *s)
{
    struct json_object *arr;
    const char *p = jpath(c, path, "armGroups");
    int rc = jarray(c, aim, path, "armGroups", &arr, &s->n_arms);
    if (rc != META_OK)
        return rc;
    s->arms = ctgov_arena_calloc(c->a, s->n_arms, sizeof *s->arms);
    if (!s->arms || !p)
        return jnomem(c);
    for (size_t i = 0; i < s->n_arms; i++) {
        struct json_object *o = json_object_array_get_idx(arr, i);
        struct meta_ctgov_arm *arm = &s->arms[i];
        const char *ip = jindex(c, p, i);
        if ((rc = jstr0(c, o, ip, "label", &arm->label)) ||
            (rc = jstr0(c, o, ip, "type", &arm->type)) ||
            (rc = jstr0(c, o, ip, "description", &arm->description)) ||
            (rc = jstrings(c, o, ip, "interventionNames", &arm->interventions,
                           &arm->n_interventions)))
            return rc;
        for (size_t k = 0; k < arm->n_interventions; k++)
            arm->interventions[k] = strip_type(arm->interventions[k]);
    }
    return META_OK;
}

static int read_interventions(struct jctx *c, struct json_object *aim, const char *path,
                              struct meta_ctgov_study *s)
{
    struct json_object *arr;
    const char *p = jpath(c, path, "interventions");
    int rc = jarray(c, aim, path, "interventions", &arr, &s->n_interventions);
    if (rc != META_OK)
        return rc;
    s->interventions = ctgov_arena_calloc(c->a, s->n_interventions, sizeof *s->interventions);
    if (!s->interventions || !p)
        return jnomem(c);
    for (size_t i = 0; i < s->n_interventions; i++) {
        struct json_object *o = json_object_array_get_idx(arr, i);
        struct meta_ctgov_intervention *iv = &s->interventions[i];
        const char *ip = jindex(c, p, i);
        if ((rc = jstr0(c, o, ip, "type", &iv->type)) ||
            (rc = jstr0(c, o, ip, "name", &iv->name)) ||
            (rc = jstr0(c, o, ip, "description", &iv->description)) ||
            (rc = jstrings(c, o, ip, "otherNames", &iv->other_names, &iv->n_other_names)) ||
            (rc = jstrings(c, o, ip, "armGroupLabels", &iv->arm_labels, &iv->n_arm_labels)))
            return rc;
    }
    return META_OK;
}

static int read_protocol(struct jctx *c, struct json_object *ps, const char *path,
                         struct meta_ctgov_study *s)
{
    struct json_object *idm, *status, *design, *cond, *aim, *start;
    const char *pid = jpath(c, path, "identificationModule");
    int rc;
    if ((rc = jobject(c, ps, path, "identificationModule", &idm)))
        return rc;
    if ((rc = jstr0(c, idm, pid, "nctId", &s->nct_id)))
        return rc;
    if (!*s->nct_id)
        return jfail(c, jpath(c, pid, "nctId"), "record has no NCT id");
    c->nct = s->nct_id;
    if ((rc = jstr0(c, idm, pid, "briefTitle", &s->brief_title)))
        return rc;
    const char *pst = jpath(c, path, "statusModule");
    if ((rc = jobject(c, ps, path, "statusModule", &status)) ||
        (rc = jobject(c, status, pst, "startDateStruct", &start)) ||
        (rc = jstr0(c, start, jpath(c, pst, "startDateStruct"), "date", &s->start_date)))
        return rc;
    s->start_year = ctgov_year(s->start_date);
    const char **phases;
    size_t n_phases;
    const char *pdm = jpath(c, path, "designModule");
    if ((rc = jobject(c, ps, path, "designModule", &design)) ||
        (rc = jstrings(c, design, pdm, "phases", &phases, &n_phases)))
        return rc;
    s->phase = ctgov_phase_name(c->a, phases, n_phases);
    const char *pcm = jpath(c, path, "conditionsModule");
    if ((rc = jobject(c, ps, path, "conditionsModule", &cond)) ||
        (rc = jstrings(c, cond, pcm, "conditions", &s->conditions, &s->n_conditions)))
        return rc;
    const char *pai = jpath(c, path, "armsInterventionsModule");
    if ((rc = jobject(c, ps, path, "armsInterventionsModule", &aim)) ||
        (rc = read_arms(c, aim, pai, s)) || (rc = read_interventions(c, aim, pai, s)))
        return rc;
    return s->phase ? META_OK : jnomem(c);
}

static int read_study(struct jctx *c, struct json_object *o, const char *path,
                      struct meta_ctgov_study *s)
{
    struct json_object *ps, *rs, *has;
    int rc;
    c->nct = NULL;
    s->source = c->f->source;
    s->where = path;
    if (!json_object_is_type(o, json_type_object))
        return jfail(c, path, "expected a study object, got %s",
                     json_type_to_name(json_object_get_type(o)));
    if ((rc = jobject(c, o, path, "protocolSection", &ps)))
        return rc;
    if (!ps)
        return jfail(c, path, "not a ClinicalTrials.gov study: no protocolSection");
    if ((rc = read_protocol(c, ps, jpath(c, path, "protocolSection"), s)))
        return rc;
    if ((rc = jobject(c, o, path, "resultsSection", &rs)))
        return rc;
    has = jget(o, "hasResults");
    if (!rs ||
        (has && json_object_is_type(has, json_type_boolean) && !json_object_get_boolean(has)))
        return jfail(c, path, "record has no results (no resultsSection)");
    return ctgov_json_results(c, rs, jpath(c, path, "resultsSection"), s);
}

/* Line and column of byte offset off in data. */
static void line_col(const char *data, size_t len, size_t off, long *line, long *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < off && i < len; i++) {
        if (data[i] == '\n') {
            (*line)++;
            *col = 1;
        } else {
            (*col)++;
        }
    }
}

int ctgov_json_parse(struct meta_ctgov_file *f, const char *data, size_t len,
                     struct meta_error *err)
{
    struct jctx c = {.f = f, .a = f->arena, .err = err};
    struct json_tokener *tok = json_tokener_new();
    struct json_object *root = NULL;
    int rc = META_OK;
    if (!tok)
        return jnomem(&c);
    if (len > (size_t)INT32_MAX) {
        rc = meta_error_set(err, META_EINVAL, "%s: file is too large for a JSON record", f->source);
        goto cleanup;
    }
    root = json_tokener_parse_ex(tok, data, (int)len);
    enum json_tokener_error jerr = json_tokener_get_error(tok);
    size_t off = json_tokener_get_parse_end(tok);
    if (jerr == json_tokener_continue)
        jerr = json_tokener_error_parse_eof;
    if (!root || jerr != json_tokener_success) {
        long line, col;
        line_col(data, len, off, &line, &col);
        rc = meta_error_set(err, META_EINVAL, "%s:%ld:%ld: malformed JSON: %s", f->source, line,
                            col, json_tokener_error_desc(jerr));
        goto cleanup;
    }
    for (size_t i = off; i < len; i++) {
        if (!strchr(" \t\r\n", data[i])) {
            long line, col;
            line_col(data, len, i, &line, &col);
            rc = meta_error_set(err, META_EINVAL, "%s:%ld:%ld: malformed JSON: text after the end",
                                f->source, line, col);
            goto cleanup;
        }
    }
    struct json_object *list = NULL;
    const char *base = "";
    if (json_object_is_type(root, json_type_array)) {
        list = root;
    } else if (json_object_is_type(root, json_type_object) && jget(root, "studies")) {
        if ((rc = jarray(&c, root, "", "studies", &list, &f->n_studies)))
            goto cleanup;
        base = "studies";
    }
    f->n_studies = list ? json_object_array_length(list) : 1;
    if (f->n_studies == 0) {
        rc = jfail(&c, base, "no study in the file");
        goto cleanup;
    }
    f->studies = ctgov_arena_calloc(f->arena, f->n_studies, sizeof *f->studies);
    if (!f->studies) {
        rc = jnomem(&c);
        goto cleanup;
    }
    for (size_t i = 0; i < f->n_studies; i++) {
        struct json_object *o = list ? json_object_array_get_idx(list, i) : root;
        const char *path = list ? jindex(&c, base, i) : "";
        if (!path) {
            rc = jnomem(&c);
            goto cleanup;
        }
        if ((rc = read_study(&c, o, path, &f->studies[i])))
            goto cleanup;
    }
cleanup:
    json_object_put(root);
    json_tokener_free(tok);
    return rc;
}
