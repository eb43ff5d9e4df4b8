/*
 * The recursive comparison of a JSON output with metafor's reference
 * values (see reference_json.h).
 */
#include "reference_json.h"
#include "reference_rule.h"

#include <stdio.h>
#include <string.h>

json_object *meta_ref_json_get(json_object *o, const char *key)
{
    json_object *v = NULL;
    return o && json_object_is_type(o, json_type_object) && json_object_object_get_ex(o, key, &v)
               ? v
               : NULL;
}

int meta_ref_json_agrees(const char *where, json_object *expected, json_object *got,
                         struct meta_ref_tally *tally)
{
    enum json_type te = json_object_get_type(expected), tg = json_object_get_type(got);
    char path[512];
    switch (te) {
    case json_type_null:
        if (tally)
            tally->fields++;
        if (tg != json_type_null)
            fprintf(stderr, "%s: expected null, got %s\n", where, json_object_to_json_string(got));
        return tg == json_type_null;
    case json_type_int:
    case json_type_double: {
        if (tally)
            tally->fields++;
        double e = json_object_get_double(expected), g = json_object_get_double(got);
        int ok = (tg == json_type_int || tg == json_type_double) && meta_ref_agrees(e, g);
        double rel = meta_ref_error(e, g);
        if (tally && e != 0.0 && rel > tally->max_rel_error)
            tally->max_rel_error = rel;
        if (!ok)
            fprintf(stderr, "%s: expected %.17g, got %s\n", where, e,
                    got ? json_object_to_json_string(got) : "nothing");
        return ok;
    }
    case json_type_boolean:
    case json_type_string:
        if (tally)
            tally->fields++;
        if (tg != te ||
            strcmp(json_object_get_string(expected), json_object_get_string(got)) != 0) {
            fprintf(stderr, "%s: expected %s, got %s\n", where,
                    json_object_to_json_string(expected),
                    got ? json_object_to_json_string(got) : "nothing");
            return 0;
        }
        return 1;
    case json_type_array: {
        size_t n = json_object_array_length(expected);
        if (tg != json_type_array || json_object_array_length(got) != n) {
            fprintf(stderr, "%s: expected %zu elements, got %s\n", where, n,
                    got ? json_object_to_json_string(got) : "nothing");
            return 0;
        }
        int ok = 1;
        for (size_t i = 0; i < n; i++) {
            snprintf(path, sizeof path, "%s[%zu]", where, i);
            ok &= meta_ref_json_agrees(path, json_object_array_get_idx(expected, i),
                                       json_object_array_get_idx(got, i), tally);
        }
        return ok;
    }
    case json_type_object: {
        int ok = 1;
        json_object_object_foreach(expected, key, value)
        {
            snprintf(path, sizeof path, "%s.%s", where, key);
            json_object *g = meta_ref_json_get(got, key);
            if (!g && !json_object_object_get_ex(got, key, NULL)) {
                fprintf(stderr, "%s: missing\n", path);
                ok = 0;
                continue;
            }
            ok &= meta_ref_json_agrees(path, value, g, tally);
        }
        return ok;
    }
    }
    return 0;
}
