/*
 * The names meta gives what it imports: the outcome-name prefix, "1.2" for an
 * analysis, "PREFIX 1.2 NAME" for its outcome, the treatment and control
 * sides, and the words for data types and RoB judgements. One place, so that
 * the records and the analysis files always name things alike.
 */
#include "meta_review.h"
#include "review_text.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

const char *meta_review_prefix(const struct meta_review *rv, const char *user_prefix)
{
    if (user_prefix)
        return user_prefix;
    if (rv->cd_number)
        return rv->cd_number;
    return rv->name ? rv->name : "";
}

void meta_review_analysis_id(const struct meta_review_analysis *an, char *buf, size_t size)
{
    snprintf(buf, size, "%d.%d", an->group, an->number);
}

void meta_review_outcome_name(const struct meta_review_analysis *an, const char *prefix, char *buf,
                              size_t size)
{
    char raw[META_REVIEW_NAME_SIZE * 8];
    snprintf(raw, sizeof raw, "%s%s%d.%d%s%s", prefix ? prefix : "", prefix && *prefix ? " " : "",
             an->group, an->number, *an->name ? " " : "", an->name);
    meta_review_safe_name(buf, size, raw, META_REVIEW_NAME_MAX);
}

/* One side's name: intervention, else group label, else the default word. */
static void side(char *dst, size_t size, const char *intervention, const char *label,
                 const char *fallback)
{
    dst[0] = '\0';
    if (intervention)
        meta_review_safe_name(dst, size, intervention, META_REVIEW_NAME_MAX - 16);
    if (!dst[0] && label)
        meta_review_safe_name(dst, size, label, META_REVIEW_NAME_MAX - 16);
    if (!dst[0])
        snprintf(dst, size, "%s", fallback);
}

void meta_review_side_names(const struct meta_review_analysis *an, char *exp, char *ctl,
                            size_t size)
{
    side(exp, size, an->intervention_exp, an->label_exp, "experimental");
    side(ctl, size, an->intervention_ctl, an->label_ctl, "control");
    if (strcasecmp(exp, ctl) == 0) {
        size_t n = strlen(exp);
        snprintf(exp + n, size - n, " (experimental)");
        n = strlen(ctl);
        snprintf(ctl + n, size - n, " (control)");
    }
}

const char *meta_review_rob_name(enum meta_review_rob rob)
{
    switch (rob) {
    case META_REVIEW_ROB_LOW:
        return "low";
    case META_REVIEW_ROB_SOME_CONCERNS:
        return "some concerns";
    case META_REVIEW_ROB_HIGH:
        return "high";
    default:
        return NULL;
    }
}

const char *meta_review_type_name(enum meta_review_data_type type)
{
    switch (type) {
    case META_REVIEW_DICHOTOMOUS:
        return "dichotomous";
    case META_REVIEW_CONTINUOUS:
        return "continuous";
    case META_REVIEW_GIV:
        return "generic inverse variance";
    case META_REVIEW_OE:
        return "O-E and variance";
    default:
        return "unknown";
    }
}
