/*
 * Comparing a JSON output of meta with metafor's reference values held as
 * JSON (tests/data/bias_reference.json): one recursive rule shared by the
 * report suite (outputs written in memory) and the cli suite (the binary's
 * outputs), so that the two cannot drift apart.
 */
#ifndef META_REFERENCE_JSON_H
#define META_REFERENCE_JSON_H

#include <json-c/json.h>
#include <stddef.h>

/* What comparisons found, over a whole suite. */
struct meta_ref_tally {
    size_t fields;        /* values compared */
    double max_rel_error; /* largest relative error of a number (expected != 0) */
};

/*
 * Whether got agrees with expected, recursively: every key of an expected
 * object (got may have more), every element of an expected array (same
 * length), numbers by the reference rule (reference_rule.h), null only by
 * null, strings and booleans exactly. Each disagreement is printed to
 * stderr with its path under `where`. tally (may be NULL) counts.
 */
int meta_ref_json_agrees(const char *where, json_object *expected, json_object *got,
                         struct meta_ref_tally *tally);

/* o[key], or NULL when o is not an object or lacks key. */
json_object *meta_ref_json_get(json_object *o, const char *key);

#endif
