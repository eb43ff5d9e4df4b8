/*
 * What the ClinicalTrials.gov files share and do not export: the two format
 * parsers, the text helpers used to match names, the number rules and the
 * one shape of error message (file, NCT id, JSON path or XML line).
 */
#ifndef META_CTGOV_INTERNAL_H
#define META_CTGOV_INTERNAL_H

#include "ctgov_arena.h"
#include "meta_ctgov.h"

#include <stdarg.h>
#include <stddef.h>

/* The two parsers behind meta_ctgov_file_parse; f->arena and f->source are
 * set, the rest is theirs to fill. */
int ctgov_json_parse(struct meta_ctgov_file *f, const char *data, size_t len,
                     struct meta_error *err);
int ctgov_xml_parse(struct meta_ctgov_file *f, const char *data, size_t len,
                    struct meta_error *err);

/* Checks what both formats can get wrong alike: group ids named but not
 * defined, groups defined twice, counts that are not whole numbers.
 * META_EINVAL with the message in err. */
int ctgov_check_study(const struct meta_ctgov_study *study, struct meta_error *err);

/* Appends item (its strings already in m->arena) to m. META_ENOMEM or META_OK. */
int ctgov_mapping_add(struct meta_ctgov_mapping *m, const struct meta_ctgov_assignment *item);

/*
 * Sets err to "SOURCE: NCT: WHERE: message" (JSON) or "SOURCE:LINE: NCT:
 * message" (XML); nct and where may be NULL or "". Returns status.
 */
int ctgov_fail(struct meta_error *err, int status, const char *source, const char *nct,
               const char *where, long line, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

/* As ctgov_fail, with a va_list. */
int ctgov_vfail(struct meta_error *err, int status, const char *source, const char *nct,
                const char *where, long line, const char *fmt, va_list ap)
    __attribute__((format(printf, 7, 0)));

/* Parses a whole decimal number (blanks around allowed, "1,234" not);
 * returns 1 and sets *out, or 0 for anything else, including "NA". */
int ctgov_number(const char *s, double *out);

/* Whether s is absent: NULL, empty or blank, or "NA"/"N/A" in any case. */
int ctgov_absent(const char *s);

/* Digits after the decimal point of a number as written ("83.7" -> 1). */
int ctgov_decimals(const char *s);

/*
 * s lowercased, every run of characters other than ASCII letters and digits
 * (and bytes of UTF-8 sequences, kept as they are) turned into one space,
 * without leading or trailing space: "Placebo->OL CZP (SS)" becomes
 * "placebo ol czp ss". NULL when out of memory.
 */
char *ctgov_normalise(struct ctgov_arena *a, const char *s);

/* Whether the normalised phrase occurs in the normalised text as whole words;
 * returns the offset + 1 of the first occurrence, 0 when absent. */
size_t ctgov_find_words(const char *text, const char *phrase);

/* Whether the normalised text contains the single word w. */
int ctgov_has_word(const char *text, const char *w);

/* "PHASE2" / "Phase 2" / ["PHASE1","PHASE2"] ... -> "Phase 2", "Phase 1/Phase 2",
 * "Early Phase 1", "N/A". */
const char *ctgov_phase_name(struct ctgov_arena *a, const char *const *phases, size_t n);

/* The last four-digit year in a date as written ("2014-08-05", "November 2008");
 * 0 when there is none. */
int ctgov_year(const char *date);

/* Whether the text names a participant unit, as a count ("participants",
 * "Number of subjects") or as a percentage ("Percentage of participants",
 * "% of patients"): returns 1 for a count, 2 for a percentage, 0 otherwise. */
int ctgov_participant_unit(struct ctgov_arena *a, const char *unit);

/* The normal form of a parameter or dispersion type ("LEAST_SQUARES_MEAN" and
 * "Least Squares Mean" -> "least squares mean"). */
#define ctgov_kind ctgov_normalise

#endif
