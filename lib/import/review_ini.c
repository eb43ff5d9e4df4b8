/*
 * meta_review_write_analysis(): the analysis file (INI, as `meta run` reads
 * it) that recomputes one RevMan analysis with RevMan's settings. Every value
 * is written so that it reads back as meant: names are already safe for inih
 * (meta_review_safe_name), commas inside a treatment name are escaped, and no
 * line outgrows inih's 200 characters.
 */
#include "meta_review.h"
#include "review_text.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Longest comment line written (inih refuses lines over 197 characters). */
#define COMMENT_WIDTH 100

/* Writes text as ';' comment lines, wrapped at blanks. */
static void comment(FILE *out, const char *lead, const char *text)
{
    char line[COMMENT_WIDTH + 1];
    size_t lead_len = strlen(lead);
    const char *s = text;
    int first = 1;
    while (*s) {
        size_t room = COMMENT_WIDTH - (first ? lead_len : 2);
        size_t n = strlen(s);
        if (n > room) {
            n = room;
            while (n > 0 && s[n] != ' ')
                n--;
            if (n == 0)
                n = room;
            /* never split a UTF-8 character */
            while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
                n--;
        }
        memcpy(line, s, n);
        line[n] = '\0';
        fprintf(out, "; %s%s\n", first ? lead : "  ", line);
        s += n;
        while (*s == ' ')
            s++;
        first = 0;
    }
}

/* Writes `key = NAME` for a treatment list, with commas escaped. */
static void list_key(FILE *out, const char *key, const char *name)
{
    fprintf(out, "%-10s = ", key);
    for (const char *s = name; *s; s++) {
        if (*s == ',')
            fputc('\\', out);
        fputc(*s, out);
    }
    fputc('\n', out);
}

/* meta's sort order for RevMan 5's SORT_BY, or NULL. */
static const char *sort_order(const char *sort_by)
{
    if (!sort_by)
        return NULL;
    if (strcasecmp(sort_by, "YEAR") == 0 || strcasecmp(sort_by, "STUDY_YEAR") == 0)
        return "year";
    if (strcasecmp(sort_by, "EFFECT_SIZE") == 0 || strcasecmp(sort_by, "EFFECT") == 0)
        return "effect";
    if (strcasecmp(sort_by, "WEIGHT") == 0)
        return "weight";
    return NULL;
}

int meta_review_write_analysis(FILE *out, const struct meta_review *rv,
                               const struct meta_review_analysis *an, const char *prefix,
                               struct meta_error *err)
{
    char id[32], outcome[META_REVIEW_NAME_SIZE], exp[META_REVIEW_NAME_SIZE],
        ctl[META_REVIEW_NAME_SIZE], label[META_REVIEW_NAME_SIZE];
    struct meta_review_map map;

    meta_review_analysis_id(an, id, sizeof id);
    meta_review_map_settings(an, &map);
    if (!map.measure)
        return meta_error_set(err, META_EINVAL,
                              "analysis %s has no data: no analysis file can recompute it", id);
    meta_review_outcome_name(an, meta_review_prefix(rv, prefix), outcome, sizeof outcome);
    meta_review_side_names(an, exp, ctl, sizeof exp);

    char source[160];
    const char *from = an->source ? an->source : rv->path ? rv->path : "the review";
    meta_review_safe_name(source, sizeof source, from, 150);
    comment(out, "", outcome);
    char said[400];
    snprintf(said, sizeof said,
             "Written by meta import: RevMan's settings for analysis %s (%s data), from %s.", id,
             meta_review_type_name(an->type), source);
    comment(out, "", said);
    fprintf(out, "[analysis]\n");
    fprintf(out, "%-10s = %s\n", "outcome", outcome);
    list_key(out, "treatment", exp);
    list_key(out, "control", ctl);
    fprintf(out, "%-10s = %s\n", "measure", map.measure);
    fprintf(out, "%-10s = %s\n", "model", map.model);
    fprintf(out, "%-10s = %s\n", "method", map.method);
    fprintf(out, "%-10s = %g\n", "level", map.level);
    fprintf(out, "%-10s = %s\n", "convention", "revman5");
    if (an->n_subgroups)
        fprintf(out, "%-10s = %s\n", "by", "subgroup");
    if (an->n_subgroups && map.totals)
        fprintf(out, "%-10s = %s\n", "totals", map.totals);
    if (an->has_rob)
        fprintf(out, "%-10s = %s\n", "rob", "true");
    fprintf(out, "\n%-10s = %s\n", "title", outcome);
    if (an->favours_left) {
        meta_review_safe_name(label, sizeof label, an->favours_left, META_REVIEW_NAME_MAX);
        if (label[0])
            fprintf(out, "%-10s = %s\n", "favours_left", label);
    }
    if (an->favours_right) {
        meta_review_safe_name(label, sizeof label, an->favours_right, META_REVIEW_NAME_MAX);
        if (label[0])
            fprintf(out, "%-10s = %s\n", "favours_right", label);
    }
    const char *sort = sort_order(an->sort_by);
    if (sort)
        fprintf(out, "%-10s = %s\n", "sort", sort);
    fprintf(out, "\n%-10s = %s.json\n", "json", id);
    fprintf(out, "%-10s = %s.txt\n", "table", id);
    fprintf(out, "%-10s = %s.png\n", "forest", id);
    if (map.n_notes) {
        fputc('\n', out);
        for (size_t i = 0; i < map.n_notes; i++)
            comment(out, "Note: ", map.notes[i]);
    }
    if (fflush(out) != 0 || ferror(out))
        return meta_error_set(err, META_EIO, "analysis %s: cannot write the analysis file", id);
    return META_OK;
}
