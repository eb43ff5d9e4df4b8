/*
 * The text of built JSON values (see meta_jtext): the layout json-c's
 * printer gives them, byte for byte (two spaces a level, "key": value, an
 * empty object or array as its opening bracket, a new line and the closing
 * one, indented), written into one growing buffer, so that an output
 * costs one allocation and one write.
 */
#include "json_value.h"
#include "meta_decimal.h"
#include "meta_report.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The text being written; oom once a growth failed. */
struct jbuf {
    char *s;
    size_t len, cap;
    int oom;
};

/* Room for n more bytes (and a NUL). */
static int room(struct jbuf *o, size_t n)
{
    if (o->cap - o->len > n)
        return 1;
    if (o->oom)
        return 0;
    size_t cap = o->cap ? o->cap : 4096;
    while (cap - o->len <= n)
        cap *= 2;
    char *grown = realloc(o->s, cap);
    if (!grown) {
        o->oom = 1;
        return 0;
    }
    o->s = grown;
    o->cap = cap;
    return 1;
}

static void put(struct jbuf *o, const char *s, size_t n)
{
    if (room(o, n)) {
        memcpy(o->s + o->len, s, n);
        o->len += n;
    }
}

static void put_char(struct jbuf *o, char c)
{
    if (room(o, 1))
        o->s[o->len++] = c;
}

#define PUT_LITERAL(o, lit) put(o, lit, sizeof lit - 1)

static void indent(struct jbuf *o, int level)
{
    size_t n = 2 * (size_t)level;
    if (room(o, n)) {
        memset(o->s + o->len, ' ', n);
        o->len += n;
    }
}

/* A string quoted and escaped as json-c escapes it without escaping '/':
 * the short escapes for \b \n \r \t \f " and \, \u00xx (lower case hex)
 * for the other bytes below 0x20, every other byte as it is. */
static void put_string(struct jbuf *o, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    put_char(o, '"');
    size_t start = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        put(o, s + start, i - start);
        start = i + 1;
        char esc[6] = {'\\', 0};
        switch (c) {
        case '\b':
            esc[1] = 'b';
            break;
        case '\n':
            esc[1] = 'n';
            break;
        case '\r':
            esc[1] = 'r';
            break;
        case '\t':
            esc[1] = 't';
            break;
        case '\f':
            esc[1] = 'f';
            break;
        case '"':
        case '\\':
            esc[1] = (char)c;
            break;
        default:
            memcpy(esc + 1, "u00", 3);
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 0xf];
            put(o, esc, 6);
            continue;
        }
        put(o, esc, 2);
    }
    put(o, s + start, len - start);
    put_char(o, '"');
}

static void put_value(struct jbuf *o, const struct meta_jv *v, int level, int pretty)
{
    char text[48];
    int n;
    switch (v->kind) {
    case META_JV_NULL:
        PUT_LITERAL(o, "null");
        return;
    case META_JV_NUM: /* written in place */
        if (room(o, sizeof text))
            o->len += meta_shortest_double(o->s + o->len, sizeof text, v->u.num);
        return;
    case META_JV_INT:
        n = snprintf(text, sizeof text, "%lld", v->u.integer);
        put(o, text, (size_t)n);
        return;
    case META_JV_BOOL:
        if (v->u.boolean)
            PUT_LITERAL(o, "true");
        else
            PUT_LITERAL(o, "false");
        return;
    case META_JV_STR:
        put_string(o, v->u.text.s, v->u.text.len);
        return;
    case META_JV_RAW:
        put(o, v->u.text.s, v->u.text.len);
        return;
    case META_JV_OBJ:
        put_char(o, '{');
        if (pretty)
            put_char(o, '\n');
        for (const struct meta_jv *m = v->u.list.first; m; m = m->next) {
            if (m != v->u.list.first) {
                put_char(o, ',');
                if (pretty)
                    put_char(o, '\n');
            }
            if (pretty)
                indent(o, level + 1);
            put_string(o, m->key, strlen(m->key));
            if (pretty)
                PUT_LITERAL(o, ": ");
            else
                put_char(o, ':');
            put_value(o, m, level + 1, pretty);
        }
        if (pretty) {
            if (v->u.list.first)
                put_char(o, '\n');
            indent(o, level);
        }
        put_char(o, '}');
        return;
    case META_JV_ARR:
        put_char(o, '[');
        if (pretty)
            put_char(o, '\n');
        for (const struct meta_jv *e = v->u.list.first; e; e = e->next) {
            if (e != v->u.list.first) {
                put_char(o, ',');
                if (pretty)
                    put_char(o, '\n');
            }
            if (pretty)
                indent(o, level + 1);
            put_value(o, e, level + 1, pretty);
        }
        if (pretty) {
            if (v->u.list.first)
                put_char(o, '\n');
            indent(o, level);
        }
        put_char(o, ']');
        return;
    }
}

char *meta_jtext(const struct meta_jb *b, const struct meta_jv *v, enum meta_jlayout layout,
                 size_t *len)
{
    if (b->oom || !v)
        return NULL;
    struct jbuf o = {0};
    put_value(&o, v, 0, layout == META_JSON_PRETTY);
    /* A growth that failed left a gap: no text then, even with room left. */
    if (o.oom || !room(&o, 0)) {
        free(o.s);
        return NULL;
    }
    o.s[o.len] = '\0';
    if (len)
        *len = o.len;
    return o.s;
}

struct json_object *meta_jto_c(const struct meta_jb *b, const struct meta_jv *v)
{
    char *text = meta_jtext(b, v, META_JSON_PLAIN, NULL);
    struct json_object *o = text ? json_tokener_parse(text) : NULL;
    free(text);
    return o;
}
