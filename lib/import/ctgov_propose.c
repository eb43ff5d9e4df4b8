/*
 * Proposes which treatment each result group received. Nothing in a record
 * links a group to an arm or an intervention, arm types are unreliable
 * (placebo arms typed EXPERIMENTAL) and arm labels differ from group titles
 * ("1"/"2" against "Fluconazole"/"Placebo"), so the proposal rests on names:
 * the intervention names, their other names and the abbreviations the record
 * defines for them ("Certolizumab pegol (CZP)"), placebo and sham by their
 * words, and the arm labels. The rules and their confidence:
 *   high   the title names exactly one treatment, or is an arm's label and
 *          that arm has one treatment;
 *   medium the title is a combination arm's label, or says "placebo for X";
 *          or only the description names one treatment; or a high-confidence
 *          group is open-label, an extension or a subset (it may repeat
 *          participants of another group);
 *   low    the title names several treatments (a switch "A->B", a pooled
 *          group, or unexplained), the title says the group pools the arms,
 *          or the description names several (the first is taken);
 *   none   no treatment is named.
 */
#include "ctgov_internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TREATMENTS 64
#define MAX_ALIASES    32

/* One treatment and the normalised names it goes by. */
struct tname {
    const char *name; /* as proposed: "placebo", "certolizumab pegol" */
    int placebo;      /* placebo or sham */
    const char *aliases[MAX_ALIASES];
    size_t n_aliases;
};

struct arm_info {
    const struct meta_ctgov_arm *arm;
    const char *label; /* normalised */
    int treatments[MAX_TREATMENTS];
    size_t n_treatments; /* active ones, or the placebo when it has no active one */
};

struct names {
    struct ctgov_arena *a;
    struct tname t[MAX_TREATMENTS];
    size_t n;
    struct arm_info *arms;
    size_t n_arms;
};

const char *meta_ctgov_confidence_name(enum meta_ctgov_confidence c)
{
    switch (c) {
    case META_CTGOV_HIGH:
        return "high";
    case META_CTGOV_MEDIUM:
        return "medium";
    case META_CTGOV_LOW:
        return "low";
    default:
        return "none";
    }
}

/* The treatment's name as proposed: lowercase, blanks collapsed, no commas
 * (a comma separates treatments on the command line). */
static char *display(struct ctgov_arena *a, const char *s)
{
    char *out = ctgov_arena_alloc(a, strlen(s) + 1);
    size_t n = 0;
    if (!out)
        return NULL;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (isspace(*p)) {
            if (n && out[n - 1] != ' ')
                out[n++] = ' ';
        } else {
            out[n++] = *p == ',' ? ';' : (char)tolower(*p);
        }
    }
    while (n && out[n - 1] == ' ')
        n--;
    out[n] = '\0';
    return out;
}

static int add_alias(struct tname *t, const char *alias)
{
    if (!alias || !*alias)
        return 0;
    for (size_t i = 0; i < t->n_aliases; i++) {
        if (!strcmp(t->aliases[i], alias))
            return 0;
    }
    if (t->n_aliases < MAX_ALIASES)
        t->aliases[t->n_aliases++] = alias;
    return 0;
}

/* The index of treatment name, added when new; -1 when the table is full. */
static int treatment(struct names *nm, const char *name, int placebo)
{
    for (size_t i = 0; i < nm->n; i++) {
        if (!strcmp(nm->t[i].name, name))
            return (int)i;
    }
    if (nm->n == MAX_TREATMENTS)
        return -1;
    struct tname *t = &nm->t[nm->n];
    t->name = name;
    t->placebo = placebo;
    t->n_aliases = 0;
    return (int)nm->n++;
}

/* The treatment an intervention name stands for. */
static int intervention_treatment(struct names *nm, const char *name)
{
    char *key = ctgov_normalise(nm->a, name);
    if (!key || !*key)
        return -1;
    if (ctgov_has_word(key, "placebo") || ctgov_has_word(key, "placebos"))
        return treatment(nm, "placebo", 1);
    if (ctgov_has_word(key, "sham"))
        return treatment(nm, "sham", 1);
    char *d = display(nm->a, name);
    int k = d ? treatment(nm, d, 0) : -1;
    if (k >= 0)
        add_alias(&nm->t[k], key);
    return k;
}

/* Parenthesised words that name an analysis set, a route or a schedule, never
 * a treatment: "dupilumab (FAS)" does not make FAS a name of dupilumab. */
static int not_a_name(const char *key)
{
    static const char *const words[] = {"fas", "ss",  "saf", "itt", "mitt", "pp", "pps", "es", "as",
                                        "ol",  "ole", "db",  "sc",  "iv",   "im", "po",  "qw", "qd",
                                        "bid", "tid", "q2w", "q4w", "mg",   "ml", NULL};
    for (const char *const *w = words; *w; w++) {
        if (!strcmp(key, *w))
            return 1;
    }
    return 0;
}

/* Abbreviations a text defines for a treatment: "Certolizumab pegol (CZP)". */
static void abbreviations(struct names *nm, const char *text)
{
    for (const char *open = strchr(text, '('); open; open = strchr(open + 1, '(')) {
        const char *close = strchr(open, ')');
        if (!close || close - open < 3 || close - open > 12)
            continue;
        int letters = 0, ok = 1;
        for (const char *p = open + 1; p < close; p++) {
            ok &= isalnum((unsigned char)*p) || *p == '-';
            letters += isalpha((unsigned char)*p) != 0;
        }
        if (!ok || !letters)
            continue;
        char *before = ctgov_arena_strndup(nm->a, text, (size_t)(open - text));
        char *key = before ? ctgov_normalise(nm->a, before) : NULL;
        char *abbr = ctgov_arena_strndup(nm->a, open + 1, (size_t)(close - open - 1));
        char *akey = abbr ? ctgov_normalise(nm->a, abbr) : NULL;
        if (!key || !akey)
            return;
        if (not_a_name(akey))
            continue;
        size_t klen = strlen(key);
        for (size_t i = 0; i < nm->n; i++) {
            struct tname *t = &nm->t[i];
            for (size_t j = 0; j < t->n_aliases && !t->placebo; j++) {
                size_t alen = strlen(t->aliases[j]);
                if (alen < klen && !strcmp(key + klen - alen, t->aliases[j]) &&
                    key[klen - alen - 1] == ' ')
                    add_alias(t, akey);
                else if (alen == klen && !strcmp(key, t->aliases[j]))
                    add_alias(t, akey);
            }
        }
    }
}

static void texts_abbreviations(struct names *nm, const struct meta_ctgov_study *s)
{
    for (size_t i = 0; i < s->n_interventions; i++)
        abbreviations(nm, s->interventions[i].description);
    for (size_t i = 0; i < s->n_arms; i++) {
        abbreviations(nm, s->arms[i].label);
        abbreviations(nm, s->arms[i].description);
    }
    for (size_t i = 0; i < s->n_measures; i++) {
        for (size_t k = 0; k < s->measures[i].n_groups; k++)
            abbreviations(nm, s->measures[i].groups[k].description);
    }
    for (size_t k = 0; k < s->adverse.n_groups; k++)
        abbreviations(nm, s->adverse.groups[k].description);
}

static int build_names(struct names *nm, const struct meta_ctgov_study *s)
{
    int k;
    for (size_t i = 0; i < s->n_interventions; i++) {
        const struct meta_ctgov_intervention *iv = &s->interventions[i];
        if ((k = intervention_treatment(nm, iv->name)) < 0 || nm->t[k].placebo)
            continue;
        for (size_t j = 0; j < iv->n_other_names; j++) {
            char *o = ctgov_normalise(nm->a, iv->other_names[j]);
            if (!o)
                return META_ENOMEM;
            if (strlen(o) >= 2 && !ctgov_has_word(o, "placebo"))
                add_alias(&nm->t[k], o);
        }
    }
    /* Placebo and sham are recognised whether or not an intervention has that name. */
    if ((k = treatment(nm, "placebo", 1)) >= 0) {
        add_alias(&nm->t[k], "placebo");
        add_alias(&nm->t[k], "placebos");
        add_alias(&nm->t[k], "pbo");
    }
    if ((k = treatment(nm, "sham", 1)) >= 0)
        add_alias(&nm->t[k], "sham");
    texts_abbreviations(nm, s);

    nm->n_arms = s->n_arms;
    nm->arms = ctgov_arena_calloc(nm->a, s->n_arms, sizeof *nm->arms);
    if (!nm->arms)
        return META_ENOMEM;
    for (size_t i = 0; i < s->n_arms; i++) {
        struct arm_info *ai = &nm->arms[i];
        int all[MAX_TREATMENTS];
        size_t n_all = 0;
        ai->arm = &s->arms[i];
        ai->label = ctgov_normalise(nm->a, s->arms[i].label);
        if (!ai->label)
            return META_ENOMEM;
        for (size_t j = 0; j < s->arms[i].n_interventions && n_all < MAX_TREATMENTS; j++) {
            if ((k = intervention_treatment(nm, s->arms[i].interventions[j])) >= 0)
                all[n_all++] = k;
        }
        for (size_t v = 0; v < s->n_interventions; v++) {
            const struct meta_ctgov_intervention *iv = &s->interventions[v];
            for (size_t j = 0; j < iv->n_arm_labels && n_all < MAX_TREATMENTS; j++) {
                if (!strcmp(iv->arm_labels[j], s->arms[i].label) &&
                    (k = intervention_treatment(nm, iv->name)) >= 0)
                    all[n_all++] = k;
            }
        }
        /* Active treatments, without the placebo of a double-dummy design. */
        for (int pass = 0; pass < 2 && !ai->n_treatments; pass++) {
            for (size_t j = 0; j < n_all; j++) {
                int dup = 0;
                for (size_t q = 0; q < ai->n_treatments; q++)
                    dup |= ai->treatments[q] == all[j];
                if (!dup && nm->t[all[j]].placebo == pass)
                    ai->treatments[ai->n_treatments++] = all[j];
            }
        }
    }
    return META_OK;
}

/* Treatments named in a normalised text, in order of first mention; a name
 * inside a longer name of another treatment does not count. */
static size_t mentions(const struct names *nm, const char *text, int *out, size_t *pos)
{
    size_t n = 0;
    size_t start[MAX_TREATMENTS], len[MAX_TREATMENTS];
    for (size_t i = 0; i < nm->n; i++) {
        size_t best = 0, blen = 0;
        for (size_t j = 0; j < nm->t[i].n_aliases; j++) {
            size_t at = ctgov_find_words(text, nm->t[i].aliases[j]);
            size_t l = strlen(nm->t[i].aliases[j]);
            if (at && (!best || at < best || (at == best && l > blen))) {
                best = at;
                blen = l;
            }
        }
        if (best) {
            start[n] = best;
            len[n] = blen;
            out[n++] = (int)i;
        }
    }
    /* drop names covered by a longer one */
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        int covered = 0;
        for (size_t j = 0; j < n && !covered; j++) {
            covered = j != i && len[j] > len[i] && start[j] <= start[i] &&
                      start[i] + len[i] <= start[j] + len[j];
        }
        if (!covered) {
            out[kept] = out[i];
            start[kept] = start[i];
            len[kept] = len[i];
            kept++;
        }
    }
    /* order of mention */
    for (size_t i = 1; i < kept; i++) {
        for (size_t j = i; j > 0 && start[j] < start[j - 1]; j--) {
            size_t ts = start[j];
            start[j] = start[j - 1];
            start[j - 1] = ts;
            int to = out[j];
            out[j] = out[j - 1];
            out[j - 1] = to;
        }
    }
    if (pos) {
        for (size_t i = 0; i < kept; i++)
            pos[i] = start[i] - 1;
    }
    return kept;
}

/* The treatments of k joined with sep ("a + b"), with a prefix. */
static const char *joined(struct names *nm, const char *prefix, const int *k, size_t n,
                          const char *sep)
{
    const char *s = prefix;
    for (size_t i = 0; i < n && s; i++)
        s = ctgov_arena_printf(nm->a, "%s%s%s", s, i ? sep : "", nm->t[k[i]].name);
    return s;
}

static const char *name_list(struct names *nm, const int *k, size_t n)
{
    return joined(nm, "", k, n, ", ");
}

/* The arm that gives treatment k alone, for the reason; NULL when none or several. */
static const struct arm_info *arm_of(const struct names *nm, int k)
{
    const struct arm_info *found = NULL;
    for (size_t i = 0; i < nm->n_arms; i++) {
        const struct arm_info *ai = &nm->arms[i];
        if (ai->n_treatments == 1 && ai->treatments[0] == k) {
            if (found)
                return NULL;
            found = ai;
        }
    }
    return found;
}

/* ", given in arm 'L' (typed T)" where that helps a reader check the proposal. */
static const char *arm_note(struct names *nm, int k, const char *title_key)
{
    const struct arm_info *ai = arm_of(nm, k);
    if (!ai)
        return "";
    const char *type = ai->arm->type;
    int typed_wrong = nm->t[k].placebo && *type && !strstr(type, "PLACEBO") &&
                      !strstr(type, "Placebo") && !strstr(type, "SHAM") && !strstr(type, "Sham");
    if (!strcmp(ai->label, title_key))
        return typed_wrong ? ctgov_arena_printf(nm->a,
                                                "; its arm is typed %s: placebo is recognised by "
                                                "name",
                                                type)
                           : "";
    return ctgov_arena_printf(nm->a, ", given in arm '%s'%s%s%s", ai->arm->label,
                              typed_wrong ? " (typed " : "", typed_wrong ? type : "",
                              typed_wrong ? ": placebo is recognised by name)" : "");
}

static int has_any(const char *key, const char *const *words)
{
    for (const char *const *w = words; *w; w++) {
        if (ctgov_find_words(key, *w))
            return 1;
    }
    return 0;
}

/* The title without a trailing parenthesis: "Placebo (FAS)" -> "Placebo". */
static const char *bare_title(struct ctgov_arena *a, const char *title)
{
    size_t n = strlen(title);
    while (n && isspace((unsigned char)title[n - 1]))
        n--;
    if (n && title[n - 1] == ')') {
        const char *open = NULL;
        for (const char *p = title; p < title + n; p++) {
            if (*p == '(')
                open = p;
        }
        if (open && open > title)
            return ctgov_arena_strndup(a, title, (size_t)(open - title));
    }
    return title;
}

struct proposal {
    const char *treatment;
    enum meta_ctgov_confidence confidence;
    const char *reason;
};

static const char *const pool_words[] = {"total", "overall", "pooled", "combined", "all", NULL};
static const char *const switch_words[] = {"then",        "switch",    "switched",   "switching",
                                           "followed by", "crossover", "cross over", NULL};
static const char *const open_words[] = {"ol",           "open label",  "ole",    "extension",
                                         "rollover",     "roll over",   "subset", "withdrawal",
                                         "re treatment", "retreatment", NULL};

static int propose_group(struct names *nm, const struct meta_ctgov_group *g, struct proposal *p)
{
    struct ctgov_arena *a = nm->a;
    char *tkey = ctgov_normalise(a, g->title), *dkey = ctgov_normalise(a, g->description);
    const char *bare = bare_title(a, g->title);
    char *bkey = bare ? ctgov_normalise(a, bare) : NULL;
    if (!tkey || !dkey || !bkey)
        return META_ENOMEM;
    int t[MAX_TREATMENTS], d[MAX_TREATMENTS];
    size_t tpos[MAX_TREATMENTS];
    size_t nt = mentions(nm, tkey, t, tpos), nd = mentions(nm, dkey, d, NULL);
    int pooled = has_any(tkey, pool_words);
    int switched =
        strstr(g->title, "->") || strstr(g->title, "\xE2\x86\x92") || has_any(tkey, switch_words);
    const struct arm_info *arm = NULL;
    for (size_t i = 0; i < nm->n_arms && !arm; i++) {
        const char *l = nm->arms[i].label;
        if (*l && (!strcmp(l, tkey) || !strcmp(l, bkey)))
            arm = &nm->arms[i];
    }
    p->treatment = "";
    p->confidence = META_CTGOV_NONE;
    p->reason = NULL;
    if (arm && arm->n_treatments == 1 && (nt == 0 || (nt == 1 && t[0] == arm->treatments[0]))) {
        int k = arm->treatments[0];
        p->treatment = nm->t[k].name;
        p->confidence = META_CTGOV_HIGH;
        p->reason = ctgov_arena_printf(a, "title is the label of arm '%s', which gives %s%s",
                                       arm->arm->label, p->treatment, arm_note(nm, k, arm->label));
    } else if (arm && arm->n_treatments > 1 && nt <= arm->n_treatments) {
        p->treatment = joined(nm, "", arm->treatments, arm->n_treatments, " + ");
        p->confidence = META_CTGOV_MEDIUM;
        p->reason =
            ctgov_arena_printf(a, "title is the label of arm '%s', which combines %s",
                               arm->arm->label, name_list(nm, arm->treatments, arm->n_treatments));
    } else if (nt == 1) {
        p->treatment = nm->t[t[0]].name;
        p->confidence = META_CTGOV_HIGH;
        p->reason = ctgov_arena_printf(a, "title '%s' names %s%s", g->title, p->treatment,
                                       arm_note(nm, t[0], ""));
    } else if (nt >= 2) {
        const char *names = name_list(nm, t, nt);
        int placebo_for = nm->t[t[0]].placebo && (ctgov_find_words(tkey, "placebo for") ||
                                                  ctgov_find_words(tkey, "placebo matching") ||
                                                  ctgov_find_words(tkey, "matching placebo"));
        if (placebo_for) {
            p->treatment = nm->t[t[0]].name;
            p->confidence = META_CTGOV_MEDIUM;
            p->reason = ctgov_arena_printf(a, "title '%s' names a placebo for %s", g->title,
                                           nm->t[t[1]].name);
        } else if (switched) {
            p->treatment = joined(nm, "", t, nt, " -> ");
            p->confidence = META_CTGOV_LOW;
            p->reason = ctgov_arena_printf(a,
                                           "title '%s' names a switch (%s): say which "
                                           "treatment the results belong to",
                                           g->title, p->treatment);
        } else if (pooled) {
            p->treatment = joined(nm, "pooled: ", t, nt, " / ");
            p->confidence = META_CTGOV_LOW;
            p->reason = ctgov_arena_printf(a, "title '%s' pools groups given %s", g->title, names);
        } else {
            p->treatment = joined(nm, "", t, nt, " + ");
            p->confidence = META_CTGOV_LOW;
            p->reason = ctgov_arena_printf(a,
                                           "title '%s' names several treatments (%s): a "
                                           "combination, a switch or a pooled group",
                                           g->title, names);
        }
    } else if (pooled && nm->n_arms > 1) {
        int all[MAX_TREATMENTS];
        size_t n = 0;
        for (size_t i = 0; i < nm->n_arms; i++) {
            for (size_t j = 0; j < nm->arms[i].n_treatments && n < MAX_TREATMENTS; j++) {
                int dup = 0;
                for (size_t q = 0; q < n; q++)
                    dup |= all[q] == nm->arms[i].treatments[j];
                if (!dup)
                    all[n++] = nm->arms[i].treatments[j];
            }
        }
        p->treatment = n ? joined(nm, "pooled: ", all, n, " / ") : "";
        p->confidence = n ? META_CTGOV_LOW : META_CTGOV_NONE;
        p->reason = ctgov_arena_printf(a, "title '%s' says the group pools the arms", g->title);
    } else if (nd == 1) {
        p->treatment = nm->t[d[0]].name;
        p->confidence = META_CTGOV_MEDIUM;
        p->reason = ctgov_arena_printf(a, "title '%s' names no treatment; its description names %s",
                                       g->title, p->treatment);
    } else if (nd >= 2) {
        p->treatment = nm->t[d[0]].name;
        p->confidence = META_CTGOV_LOW;
        p->reason = ctgov_arena_printf(a,
                                       "title '%s' names no treatment; its description names "
                                       "several (%s): the first is taken",
                                       g->title, name_list(nm, d, nd));
    } else {
        p->reason = ctgov_arena_printf(a,
                                       "title '%s' and its description name no intervention, "
                                       "placebo or sham",
                                       g->title);
    }
    if (p->confidence == META_CTGOV_HIGH && has_any(tkey, open_words)) {
        p->confidence = META_CTGOV_MEDIUM;
        p->reason = p->reason ? ctgov_arena_printf(a,
                                                   "%s; an open-label, extension or subset "
                                                   "group: check that it does not repeat "
                                                   "participants of another group",
                                                   p->reason)
                              : NULL;
    }
    return p->reason && p->treatment ? META_OK : META_ENOMEM;
}

struct meta_ctgov_mapping *meta_ctgov_mapping_alloc(void)
{
    struct meta_ctgov_mapping *m = calloc(1, sizeof *m);
    if (m && !(m->arena = ctgov_arena_new())) {
        free(m);
        return NULL;
    }
    return m;
}

void meta_ctgov_mapping_free(struct meta_ctgov_mapping *m)
{
    if (!m)
        return;
    free(m->items);
    ctgov_arena_free(m->arena);
    free(m);
}

/* Appends an item whose strings the caller has put into m->arena. */
int ctgov_mapping_add(struct meta_ctgov_mapping *m, const struct meta_ctgov_assignment *item)
{
    if (m->n_items == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 32;
        struct meta_ctgov_assignment *items = realloc(m->items, cap * sizeof *items);
        if (!items)
            return META_ENOMEM;
        m->items = items;
        m->cap = cap;
    }
    m->items[m->n_items++] = *item;
    return META_OK;
}

static int propose_groups(struct names *nm, struct meta_ctgov_mapping *m,
                          const struct meta_ctgov_study *s, const char *section,
                          const struct meta_ctgov_group *g, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct proposal p;
        if (propose_group(nm, &g[i], &p) != META_OK)
            return META_ENOMEM;
        struct meta_ctgov_assignment item = {
            .nct = ctgov_arena_strdup(m->arena, s->nct_id),
            .section = ctgov_arena_strdup(m->arena, section),
            .group_id = ctgov_arena_strdup(m->arena, g[i].id),
            .group_title = ctgov_arena_strdup(m->arena, g[i].title),
            .treatment = ctgov_arena_strdup(m->arena, p.treatment),
            .confidence = p.confidence,
            .reason = ctgov_arena_strdup(m->arena, p.reason),
        };
        if (!item.nct || !item.section || !item.group_id || !item.group_title || !item.treatment ||
            !item.reason || ctgov_mapping_add(m, &item) != META_OK)
            return META_ENOMEM;
    }
    return META_OK;
}

int meta_ctgov_mapping_propose(struct meta_ctgov_mapping *m, const struct meta_ctgov_study *study,
                               struct meta_error *err)
{
    struct names *nm = calloc(1, sizeof *nm);
    size_t before = m->n_items;
    int rc = META_ENOMEM;
    if (!nm || !(nm->a = ctgov_arena_new()))
        goto cleanup;
    if ((rc = build_names(nm, study)) != META_OK)
        goto cleanup;
    for (size_t i = 0; i < study->n_measures && rc == META_OK; i++)
        rc = propose_groups(nm, m, study, study->measures[i].section, study->measures[i].groups,
                            study->measures[i].n_groups);
    if (rc == META_OK && study->adverse.present)
        rc = propose_groups(nm, m, study, study->adverse.section, study->adverse.groups,
                            study->adverse.n_groups);
cleanup:
    if (nm)
        ctgov_arena_free(nm->a);
    free(nm);
    if (rc != META_OK) {
        m->n_items = before;
        return meta_error_set(err, META_ENOMEM, "%s: out of memory", study->source);
    }
    return META_OK;
}

int meta_ctgov_mapping_propose_file(struct meta_ctgov_mapping *m, const char *path,
                                    size_t *n_studies, struct meta_error *err)
{
    struct meta_ctgov_file *f = NULL;
    size_t before = m->n_items;
    int rc = meta_ctgov_file_read(path, path, &f, err);
    for (size_t i = 0; rc == META_OK && i < f->n_studies; i++)
        rc = meta_ctgov_mapping_propose(m, &f->studies[i], err);
    if (rc == META_OK && n_studies)
        *n_studies = f->n_studies;
    if (rc != META_OK)
        m->n_items = before;
    meta_ctgov_file_free(f);
    return rc;
}
