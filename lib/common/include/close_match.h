/*
 * Suggestions for mistyped names (see close_match.c): used for unknown
 * outcomes and treatments and for unknown keys of analysis files.
 */
#ifndef META_CLOSE_MATCH_H
#define META_CLOSE_MATCH_H

#include <stddef.h>

/* Levenshtein distance of a and b in bytes, ignoring ASCII case; strings
 * longer than 127 bytes are compared on their first 127. */
size_t meta_edit_distance(const char *a, const char *b);

/*
 * Writes into buf (size bytes, always NUL-terminated) up to five candidates
 * close to name, case-insensitively, closest first, quoted and separated by
 * ", " ("'pain', 'pain_vas'"); "" when none is close. candidates are read only.
 */
void meta_close_matches(const char *name, const char *const *candidates, size_t count, char *buf,
                        size_t size);

#endif
