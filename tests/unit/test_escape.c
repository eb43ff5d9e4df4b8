/*
 * Unit tests of meta_escape (lib/common/escape.c): what a terminal would
 * obey is shown escaped, everything else (UTF-8 names, backslashes) is kept,
 * ill-formed UTF-8 never passes as a character, and a short buffer is cut
 * between two characters, as snprintf counts.
 */
#include "cunit_main.h"
#include "meta_escape.h"

#include <stdlib.h>
#include <string.h>

struct escape_case {
    const char *in;
    const char *out;
};

static const struct escape_case cases[] = {
    {"", ""},
    {"Aronson 1948", "Aronson 1948"},
    {"Häuser 2009 – naïve ✓", "Häuser 2009 – naïve ✓"},
    {"C:\\data\\033", "C:\\data\\033"}, /* backslashes stay */
    {"a\nb", "a\\nb"},
    {"a\r\n\tb", "a\\r\\n\\tb"},
    {"\033[31mred\033[0m", "\\033[31mred\\033[0m"},
    {"\033]0;title\007", "\\033]0;title\\007"},
    {"del\177", "del\\177"},
    {"\001\037", "\\001\\037"},
    {"csi\xC2\x9B"
     "2J",
     "csi\\u009b2J"}, /* U+009B, the one-byte CSI */
    {"\xC2\x80\xC2\x9F\xC2\xA0", "\\u0080\\u009f\xC2\xA0"},
    {"x\xE2\x80\xAE"
     "evil",
     "x\\u202eevil"}, /* right-to-left override */
    {"\xE2\x80\xA8\xE2\x80\xA9", "\\u2028\\u2029"},
    {"\xE2\x81\xA6\xE2\x81\xA9", "\\u2066\\u2069"},
    {"\xE2\x80\xAD\xE2\x80\xAA", "\\u202d\\u202a"},
    {"\xE2\x80\x8B", "\xE2\x80\x8B"},             /* a zero-width space is printable */
    {"lone \x9B", "lone \\x9b"},                  /* not UTF-8: a byte */
    {"\xC0\xAF", "\\xc0\\xaf"},                   /* overlong '/' */
    {"\xED\xA0\x80", "\\xed\\xa0\\x80"},          /* a surrogate */
    {"\xF4\x90\x80\x80", "\\xf4\\x90\\x80\\x80"}, /* beyond U+10FFFF */
    {"cut \xE2\x80", "cut \\xe2\\x80"},           /* truncated sequence */
    {"\xF0\x9F\x98\x80 ok", "\xF0\x9F\x98\x80 ok"},
    {NULL, NULL},
};

static void test_table(void)
{
    for (const struct escape_case *c = cases; c->in; c++) {
        char buf[256];
        size_t len = meta_escape(buf, sizeof buf, c->in);
        CU_ASSERT_STRING_EQUAL(buf, c->out);
        CU_ASSERT_EQUAL(len, strlen(c->out));
        CU_ASSERT_EQUAL(meta_escape_needed(c->in), strcmp(c->in, c->out) != 0);
        char *dup = meta_escape_dup(c->in);
        CU_ASSERT_PTR_NOT_NULL_FATAL(dup);
        CU_ASSERT_STRING_EQUAL(dup, c->out);
        free(dup);
    }
    char buf[8];
    CU_ASSERT_EQUAL(meta_escape_mem(buf, sizeof buf, "a\0b", 3), 6);
    CU_ASSERT_STRING_EQUAL(buf, "a\\000b");
    CU_ASSERT_EQUAL(meta_escape_mem(buf, sizeof buf, "\xE2\x80\xAE", 2), 8);
    CU_ASSERT_STRING_EQUAL(buf, "\\xe2");
    CU_ASSERT_EQUAL(meta_escape(buf, sizeof buf, NULL), 0);
    CU_ASSERT_STRING_EQUAL(buf, "");
    CU_ASSERT_FALSE(meta_escape_needed(NULL));
}

/* A buffer too short: cut between pieces, never inside an escape or a
 * character; the return value is the whole length. */
static void test_short_buffer(void)
{
    char buf[6];
    CU_ASSERT_EQUAL(meta_escape(buf, sizeof buf, "ab\033cd"), 8);
    CU_ASSERT_STRING_EQUAL(buf, "ab");
    CU_ASSERT_EQUAL(meta_escape(buf, sizeof buf, "abcä"), 5);
    CU_ASSERT_STRING_EQUAL(buf, "abcä");
    CU_ASSERT_EQUAL(meta_escape(buf, 5, "abcä"), 5);
    CU_ASSERT_STRING_EQUAL(buf, "abc");
    CU_ASSERT_EQUAL(meta_escape(buf, 1, "abc"), 3);
    CU_ASSERT_STRING_EQUAL(buf, "");
    CU_ASSERT_EQUAL(meta_escape(NULL, 0, "a\nb"), 4);
}

/* Every single byte: the output holds no control character, and only
 * printable ASCII bytes pass unchanged. */
static void test_every_byte(void)
{
    for (int b = 1; b < 256; b++) {
        char in[2] = {(char)b, '\0'}, out[16];
        meta_escape(out, sizeof out, in);
        for (const unsigned char *p = (const unsigned char *)out; *p; p++)
            CU_ASSERT(*p >= 0x20 && *p < 0x7F);
        CU_ASSERT_EQUAL(strcmp(in, out) == 0, b >= 0x20 && b < 0x7F);
    }
}

/* Another program's lines become one line of a message. */
static void test_join_lines(void)
{
    char buf[64];
    meta_join_lines(buf, sizeof buf, "\n\n  line 1: bad\n\n\tagain\r\nend\n\n", "; ");
    CU_ASSERT_STRING_EQUAL(buf, "line 1: bad; again; end");
    meta_join_lines(buf, sizeof buf, "could not connect\n\tIs the server running?\n", " ");
    CU_ASSERT_STRING_EQUAL(buf, "could not connect Is the server running?");
    meta_join_lines(buf, sizeof buf, "one line", "; ");
    CU_ASSERT_STRING_EQUAL(buf, "one line");
    meta_join_lines(buf, sizeof buf, NULL, "; ");
    CU_ASSERT_STRING_EQUAL(buf, "");
    meta_join_lines(buf, sizeof buf, " \r\n ", "; ");
    CU_ASSERT_STRING_EQUAL(buf, "");
    meta_join_lines(buf, 9, "abcd\nefgh", " | ");
    CU_ASSERT_STRING_EQUAL(buf, "abcd | e");
    meta_join_lines(buf, 6, "abcd\nefgh", " | ");
    CU_ASSERT_STRING_EQUAL(buf, "abcd");
}

int main(void)
{
    static const struct meta_test_case tests[] = {
        {"escapes controls, keeps names", test_table},
        {"a short buffer is cut between characters", test_short_buffer},
        {"every byte alone", test_every_byte},
        {"lines joined into one", test_join_lines},
        {NULL, NULL},
    };
    return meta_test_run_suite("terminal escaping", NULL, NULL, tests);
}
