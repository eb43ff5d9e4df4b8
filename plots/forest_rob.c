/*
 * Risk of bias on a forest plot (see forest_rob.h): RoB 2's judgements read
 * from the registry's words, drawn as RevMan's forest plots draw them (a
 * filled circle per domain, green, yellow or red, with "+", "?" or a minus
 * sign inside so that the plot reads in greyscale too), and the geometry of
 * the columns and of the legend that names the domains and the marks.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "forest_rob.h"

#define MINUS_SIGN "\xe2\x88\x92" /* U+2212 */

const char *const forest_rob_heading[META_ROB_DOMAINS] = {"D1", "D2", "D3", "D4", "D5", "Overall"};

/* The domains as RoB 2 names them (Sterne et al. 2019). */
static const char *const domain_name[META_ROB_DOMAINS] = {
    "Bias arising from the randomization process",
    "Bias due to deviations from intended interventions",
    "Bias due to missing outcome data",
    "Bias in measurement of the outcome",
    "Bias in selection of the reported result",
    "Overall risk of bias"};

const char *const forest_rob_title = "Risk of Bias";
const char *const forest_rob_legend_title = "Risk of bias:";
const char *const forest_rob_blank_text = "blank: not assessed";

/* Per judgement, indexed by enum meta_rob: symbol, key text, fill, ink.
 * The fills are dark enough (green, red) or light enough (yellow) for their
 * symbol's colour to stand out in colour and in greyscale alike. */
static const struct {
    const char *symbol, *key, *fill, *ink;
} look[] = {
    {"", "", NULL, NULL},
    {"+", "Low risk of bias", "#1a9641", "#ffffff"},
    {"?", "Some concerns", "#f5c400", "#000000"},
    {MINUS_SIGN, "High risk of bias", "#c8102e", "#ffffff"},
};

static int known(enum meta_rob rob)
{
    return rob > META_ROB_NONE && rob <= META_ROB_HIGH;
}

const char *forest_rob_symbol(enum meta_rob rob)
{
    return known(rob) ? look[rob].symbol : "";
}

const char *forest_rob_key_text(enum meta_rob rob)
{
    return known(rob) ? look[rob].key : "";
}

const char *forest_rob_fill(enum meta_rob rob)
{
    return known(rob) ? look[rob].fill : NULL;
}

const char *forest_rob_ink(enum meta_rob rob)
{
    return known(rob) ? look[rob].ink : NULL;
}

void forest_rob_domain_line(char *buf, size_t size, int d)
{
    if (d < 0 || d >= META_ROB_DOMAINS) {
        if (size > 0)
            buf[0] = '\0';
        return;
    }
    snprintf(buf, size, "%s: %s", forest_rob_heading[d], domain_name[d]);
}

int meta_plot_rob_parse(const char *text, enum meta_rob *out, struct meta_error *err)
{
    static const struct {
        const char *word;
        enum meta_rob rob;
    } words[] = {
        {"low", META_ROB_LOW},
        {"low risk", META_ROB_LOW},
        {"some concerns", META_ROB_SOME},
        {"unclear", META_ROB_SOME},
        {"unclear risk", META_ROB_SOME},
        {"high", META_ROB_HIGH},
        {"high risk", META_ROB_HIGH},
    };
    const char *start = text ? text : "";
    size_t len;
    while (isspace((unsigned char)*start))
        start++;
    len = strlen(start);
    while (len > 0 && isspace((unsigned char)start[len - 1]))
        len--;
    if (len == 0) {
        *out = META_ROB_NONE;
        return META_OK;
    }
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strlen(words[i].word) == len && strncasecmp(start, words[i].word, len) == 0) {
            *out = words[i].rob;
            return META_OK;
        }
    return meta_error_set(err, META_EINVAL,
                          "'%.200s' is not a risk-of-bias judgement (use low, some concerns or "
                          "high)",
                          text);
}

const char *meta_plot_rob_name(enum meta_rob rob)
{
    static const char *const names[] = {NULL, "low", "some concerns", "high"};
    return known(rob) ? names[rob] : NULL;
}

int forest_rob_wanted(const struct meta_forest *f)
{
    if (!f->show_rob)
        return 0;
    for (size_t i = 0; i < f->n_rows; i++) {
        const struct meta_forest_row *r = &f->rows[i];
        for (int d = 0; r->kind == META_FOREST_STUDY && d < META_ROB_DOMAINS; d++)
            if (known(r->study.rob[d]))
                return 1;
    }
    return 0;
}

double forest_rob_place_columns(struct forest_rob *R, double x)
{
    double w_overall =
        fmax(plot_text_width(forest_rob_heading[META_ROB_OVERALL], ROB_TEXT_PT, 1), ROB_MARK_PT);
    double right;
    R->shown = 1;
    R->x_left = x;
    for (int d = 0; d < META_ROB_OVERALL; d++)
        R->col_x[d] = x + ROB_PITCH_PT * (d + 0.5);
    /* The overall column a little apart, centred under its wider heading. */
    R->col_x[META_ROB_OVERALL] = x + ROB_PITCH_PT * META_ROB_OVERALL + 4 + w_overall / 2;
    right = x + ROB_PITCH_PT * META_ROB_OVERALL + 4 + w_overall;
    right = fmax(right, x + plot_text_width(forest_rob_title, ROB_TEXT_PT, 1));
    R->x_right = right;
    R->x_head = (R->x_left + R->x_right) / 2;
    return right;
}

/* Width of the key line. */
static double key_width(void)
{
    double w = plot_text_width(forest_rob_legend_title, ROB_TEXT_PT, 1) + ROB_KEY_GAP;
    for (int j = META_ROB_LOW; j <= META_ROB_HIGH; j++)
        w += ROB_MARK_PT + ROB_MARK_TEXT +
             plot_text_width(forest_rob_key_text((enum meta_rob)j), ROB_SMALL_PT, 0) + ROB_KEY_GAP;
    return w + plot_text_width(forest_rob_blank_text, ROB_SMALL_PT, 0);
}

/* Width of the widest domain line: of column c of two (0: D1-D3, 1: D4 to
 * Overall), or of all of them (c = -1). */
static double names_width(int c)
{
    char line[160];
    double w = 0;
    for (int d = 0; d < META_ROB_DOMAINS; d++) {
        if (c >= 0 && d / 3 != c)
            continue;
        forest_rob_domain_line(line, sizeof line, d);
        w = fmax(w, plot_text_width(line, ROB_SMALL_PT, 0));
    }
    return w;
}

double forest_rob_legend_width(void)
{
    return fmax(key_width(), names_width(-1));
}

void forest_rob_place_legend(struct forest_rob *R, double x, double y, double width)
{
    double w0 = names_width(0), w1 = names_width(1), cx = x;
    R->key_y = y + ROB_LINE_PT / 2;
    R->key_title_x = cx;
    cx += plot_text_width(forest_rob_legend_title, ROB_TEXT_PT, 1) + ROB_KEY_GAP;
    for (int j = META_ROB_LOW; j <= META_ROB_HIGH; j++) {
        R->key_mark_x[j - 1] = cx + ROB_MARK_PT / 2;
        R->key_text_x[j - 1] = cx + ROB_MARK_PT + ROB_MARK_TEXT;
        cx = R->key_text_x[j - 1] +
             plot_text_width(forest_rob_key_text((enum meta_rob)j), ROB_SMALL_PT, 0) + ROB_KEY_GAP;
    }
    R->key_blank_x = cx;
    /* The domains under the key: D1-D3 left and D4-Overall right when both
     * columns fit, else all in one. */
    R->name_cols = w0 + 2 * ROB_KEY_GAP + w1 <= width ? 2 : 1;
    R->name_x[0] = x;
    R->name_x[1] = R->name_cols == 2 ? x + w0 + 2 * ROB_KEY_GAP : x;
    for (int d = 0; d < META_ROB_DOMAINS; d++) {
        int line = R->name_cols == 2 ? d % 3 : d;
        R->name_y[d] = R->key_y + ROB_LINE_PT * (1 + line);
    }
    R->bottom = R->key_y + ROB_LINE_PT * (R->name_cols == 2 ? 3 : 6) + ROB_LINE_PT / 2;
}
