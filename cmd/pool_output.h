/*
 * How a pooled analysis is shown: a table for people (RevMan and metafor
 * style), CSV for scripts and JSON as INTERFACE.md specifies it. Shared by
 * `meta pool` and `meta run`.
 */
#ifndef META_POOL_OUTPUT_H
#define META_POOL_OUTPUT_H

#include "analysis.h"

#include <json-c/json.h>
#include <stdio.h>

/* Writes the shortest decimal text of v that reads back as v (up to 17
 * significant digits) into buf; "" for NaN or infinity. */
void meta_format_double(char *buf, size_t size, double v);

/* The analysis as the JSON object of INTERFACE.md ("--format json"): the
 * request, the pooled result (log scale for ratio measures, with `exp`
 * back-transformed), studies, excluded trials, and, as requested, subgroups
 * with their test, leave_one_out and cumulative. Values that do not apply
 * are null. Returns a new object owned by the caller (json_object_put), or
 * NULL when out of memory. */
struct json_object *meta_analysis_to_json(const struct meta_analysis_request *req,
                                          const struct meta_analysis *an);

/* Writes the analysis in the format the request names. Return META_OK, or
 * META_EIO (writing failed) / META_ENOMEM with err set. */
int meta_pool_write_table(FILE *out, const struct meta_analysis_request *req,
                          const struct meta_analysis *an, struct meta_error *err);
int meta_pool_write_csv(FILE *out, const struct meta_analysis_request *req,
                        const struct meta_analysis *an, struct meta_error *err);
int meta_pool_write_json(FILE *out, const struct meta_analysis_request *req,
                         const struct meta_analysis *an, struct meta_error *err);

#endif
