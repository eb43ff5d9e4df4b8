/*
 * The JSON builder (meta_json_build.h) against json-c, whose printer it
 * replaces: the same values built both ways must give the same bytes in
 * both layouts, for every kind of value, every byte a string can hold,
 * empty and nested objects and arrays, a key given twice, numbers of every
 * magnitude, and json-c values copied into the builder.
 */
#include "meta_decimal.h"
#include "cunit_main.h"
#include "meta_json_build.h"
#include "meta_report.h"

#include <json-c/json.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const int pretty_flags =
    JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE;
static const int plain_flags = JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE;

/* One value made both ways. */
struct pair {
    struct json_object *c;
    struct meta_jv *v;
};

static struct meta_jb jb;

static struct pair num(double x)
{
    char text[40];
    meta_shortest_double(text, sizeof text, x);
    return (struct pair){json_object_new_double_s(x, text), meta_jnum(&jb, x)};
}

static struct pair dbl(double x)
{
    return (struct pair){json_object_new_double(x), meta_jdouble(&jb, x)};
}

static struct pair integer(long long x)
{
    return (struct pair){json_object_new_int64(x), meta_jint(&jb, x)};
}

static struct pair str(const char *s)
{
    return (struct pair){json_object_new_string(s), meta_jstr(&jb, s)};
}

static struct pair boolean(int x)
{
    return (struct pair){json_object_new_boolean(x), meta_jbool(&jb, x)};
}

static struct pair obj(void)
{
    return (struct pair){json_object_new_object(), meta_jobj(&jb)};
}

static struct pair arr(void)
{
    return (struct pair){json_object_new_array(), meta_jarr(&jb)};
}

static struct pair null_value(void)
{
    return (struct pair){NULL, NULL};
}

static void put(struct pair o, const char *key, struct pair v)
{
    json_object_object_add(o.c, key, v.c);
    meta_jput(&jb, o.v, key, v.v);
}

static void push(struct pair a, struct pair v)
{
    json_object_array_add(a.c, v.c);
    meta_jpush(&jb, a.v, v.v);
}

/* Both layouts of p agree with json-c's; p.c is released. */
static void check(struct pair p)
{
    CU_ASSERT_FALSE(jb.oom);
    const int flags[2] = {pretty_flags, plain_flags};
    const enum meta_jlayout layouts[2] = {META_JSON_PRETTY, META_JSON_PLAIN};
    for (int i = 0; i < 2; i++) {
        size_t len = 0;
        const char *want = json_object_to_json_string_ext(p.c, flags[i]);
        char *got = meta_jtext(&jb, p.v, layouts[i], &len);
        CU_ASSERT_PTR_NOT_NULL_FATAL(got);
        CU_ASSERT_STRING_EQUAL(got, want);
        CU_ASSERT_EQUAL(len, strlen(want));
        if (strcmp(got, want) != 0)
            fprintf(stderr, "\nwant: %s\ngot:  %s\n", want, got);
        free(got);
    }
    json_object_put(p.c);
    meta_jb_release(&jb);
}

static void test_scalars(void)
{
    const double nums[] = {0,
                           -0.0,
                           1,
                           -1,
                           95,
                           0.1,
                           1.0 / 3,
                           1e-7,
                           -2e-9,
                           1e15,
                           1e21,
                           1e300,
                           4.9e-324,
                           123456.789,
                           2.5e6,
                           -7e-5,
                           0.007786256951261221};
    for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++) {
        struct pair a = arr();
        push(a, num(nums[i]));
        push(a, dbl(nums[i]));
        check(a);
    }
    const long long ints[] = {0, 1, -1, 12, INT64_MAX, INT64_MIN};
    struct pair a = arr();
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++)
        push(a, integer(ints[i]));
    push(a, boolean(1));
    push(a, boolean(0));
    check(a);
    /* Not finite: null, as a member. */
    struct pair o = obj();
    put(o, "nan", null_value());
    CU_ASSERT_PTR_NULL(meta_jnum(&jb, NAN));
    CU_ASSERT_PTR_NULL(meta_jdouble(&jb, INFINITY));
    check(o);
}

static void test_strings(void)
{
    char all[256];
    for (int c = 1; c < 256; c++)
        all[c - 1] = (char)c;
    all[255] = '\0';
    struct pair o = obj();
    put(o, "all bytes", str(all));
    put(o, all, str("key of all bytes"));
    put(o, "empty", str(""));
    put(o, "slash/and \"quotes\"", str("a/b\\c\n\t"));
    put(o, "utf-8", str("\xc3\xa9t\xc3\xa9 \xe2\x80\x94 \xf0\x9f\x98\x80"));
    check(o);
}

static void test_nesting(void)
{
    struct pair root = obj();
    put(root, "empty object", obj());
    put(root, "empty array", arr());
    struct pair a = arr();
    push(a, obj());
    push(a, arr());
    struct pair inner = obj();
    put(inner, "x", num(1.5));
    put(inner, "y", null_value());
    struct pair deeper = arr();
    push(deeper, str("s"));
    push(deeper, integer(3));
    put(inner, "list", deeper);
    push(a, inner);
    put(root, "items", a);
    put(root, "last", null_value());
    check(root);
    /* A top-level array, and an empty one. */
    struct pair top = arr();
    push(top, str("one"));
    check(top);
    check(arr());
    check(obj());
}

static void test_key_twice(void)
{
    struct pair o = obj();
    put(o, "a", integer(1));
    put(o, "b", integer(2));
    put(o, "c", integer(3));
    put(o, "a", str("first replaced"));
    put(o, "c", null_value());
    put(o, "d", integer(4));
    put(o, "c", integer(33));
    check(o);
    /* Many keys, more than an object's 64 key bits tell apart, alike in
     * length, first and last byte; each third given again, some twice. */
    struct pair many = obj();
    char key[16];
    for (int i = 0; i < 300; i++) {
        snprintf(key, sizeof key, "k%03dz", i);
        put(many, key, integer(i));
    }
    for (int i = 0; i < 300; i += 3) {
        snprintf(key, sizeof key, "k%03dz", i);
        put(many, key, integer(-i));
        if (i % 2)
            put(many, key, str("again"));
    }
    put(many, "", integer(1));
    put(many, "", integer(2));
    check(many);
}

static void test_from_json_c(void)
{
    static const char text[] =
        "{\"by\": null, \"ci\": \"z\", \"level\": 95.0, \"n\": 12, \"x\": 0.10000000000000001,"
        " \"t\": true, \"f\": false, \"list\": [\"a\", 1, 2.5, null, {}, []], \"o\": {\"k\": 1e5}}";
    struct json_object *c = json_tokener_parse(text);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    struct meta_jv *v = meta_jfrom_c(&jb, c);
    json_object_get(c);
    check((struct pair){c, v});
    /* And read back: meta_jto_c. */
    struct pair p = obj();
    put(p, "k", num(0.1));
    put(p, "s", str("x"));
    struct json_object *back = meta_jto_c(&jb, p.v);
    CU_ASSERT_PTR_NOT_NULL_FATAL(back);
    CU_ASSERT_STRING_EQUAL(json_object_to_json_string_ext(back, plain_flags),
                           json_object_to_json_string_ext(p.c, plain_flags));
    json_object_put(back);
    json_object_put(c);
    check(p);
}

static void test_failures(void)
{
    /* A member of what is no object, an element that is no value. */
    meta_jput(&jb, NULL, "k", meta_jint(&jb, 1));
    CU_ASSERT_TRUE(jb.oom);
    CU_ASSERT_PTR_NULL(meta_jtext(&jb, meta_jobj(&jb), META_JSON_PLAIN, NULL));
    meta_jb_release(&jb);
    CU_ASSERT_FALSE(jb.oom);
    meta_jpush(&jb, meta_jarr(&jb), NULL);
    CU_ASSERT_TRUE(jb.oom);
    meta_jb_release(&jb);
    meta_jput(&jb, meta_jarr(&jb), "k", meta_jint(&jb, 1));
    CU_ASSERT_TRUE(jb.oom);
    meta_jb_release(&jb);
    /* Many values: the arena grows past one chunk, and a long string. */
    struct pair a = arr();
    for (int i = 0; i < 5000; i++)
        push(a, integer(i));
    char *long_text = malloc(100000);
    CU_ASSERT_PTR_NOT_NULL_FATAL(long_text);
    memset(long_text, 'x', 99999);
    long_text[99999] = '\0';
    push(a, str(long_text));
    free(long_text);
    check(a);
}

int main(void)
{
    static const struct meta_test_case cases[] = {
        {"numbers, integers, booleans, null", test_scalars},
        {"strings: every byte", test_strings},
        {"empty and nested objects and arrays", test_nesting},
        {"a key given twice keeps its place", test_key_twice},
        {"json-c values copied and read back", test_from_json_c},
        {"failures and growth", test_failures},
        {NULL, NULL},
    };
    return meta_test_run_suite("json builder", NULL, NULL, cases);
}
