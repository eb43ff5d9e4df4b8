/*
 * Small text rules the review readers share: numbers as RevMan writes them,
 * UTF-8 checking, column names compared the way packages vary them, RoB 2
 * judgements, CD numbers, and names made safe for analysis files.
 */
#ifndef META_REVIEW_TEXT_H
#define META_REVIEW_TEXT_H

#include "meta_review.h"

#include <stddef.h>

/* Outcome of reading a number. */
enum meta_review_num {
    META_REVIEW_NUM_OK,     /* *out holds it */
    META_REVIEW_NUM_ABSENT, /* empty, "NA", "#N/A" or "NaN": *out is NAN */
    META_REVIEW_NUM_BAD     /* not a number (or infinite when not allowed) */
};

/* Reads a decimal number ("60.03", "1.5E-4", blanks around allowed). With
 * allow_inf, "Infinity", "-Infinity" and "Inf" are accepted too. */
enum meta_review_num meta_review_parse_number(const char *s, int allow_inf, double *out);

/* Reads a whole number into *out (int range), blanks around allowed. Returns
 * 1 on success, 0 otherwise. */
int meta_review_parse_int(const char *s, int *out);

/* Whether the len bytes at s are well-formed UTF-8; when not, *bad receives
 * the offset of the first byte of the first bad sequence. */
int meta_review_utf8_ok(const unsigned char *s, size_t len, size_t *bad);

/* Whether a header cell names the column `want`: compared without case,
 * with blanks trimmed and collapsed, and with "²" and "^2" read as "2". */
int meta_review_colname_is(const char *cell, const char *want);

/* Reads a RoB 2 judgement ("Low risk", "Some concerns", "High risk"; also
 * "Low", "High", any case; "" is none). Returns 1, or 0 for another word. */
int meta_review_parse_rob(const char *s, enum meta_review_rob *out);

/* Finds "CD" and six digits (not inside a longer word or number) in s and
 * copies it to out (9 bytes). Returns 1 when found. */
int meta_review_find_cd(const char *s, char *out);

/* Copies src to dst (size bytes) as a name safe for analysis files: control
 * characters and runs of blanks become one space, leading and trailing blanks
 * go, a ';' after a blank becomes ','; cut at max bytes on a character boundary
 * with "..." when longer. */
void meta_review_safe_name(char *dst, size_t size, const char *src, size_t max);

/* Reads "true"/"false" (also yes/no, 1/0, any case) into *out; "" leaves -1.
 * Returns 1 on success, 0 for another word. */
int meta_review_parse_bool(const char *s, int *out);

/* Reads a confidence level ("95%", "95") into *out (percent); "" gives NAN.
 * Returns 1 on success, 0 otherwise. */
int meta_review_parse_level(const char *s, double *out);

/* RevMan's statistical method ("MH", "Mantel-Haenszel", "IV", "Peto",
 * "EXP_O_E_VAR"...); NULL or "" is unset, an unknown word OTHER. */
enum meta_review_method meta_review_parse_method(const char *s);

/* Whether s is one of words (NULL-terminated list), compared without case. */
int meta_review_word_in(const char *s, const char *const *words);

#endif
