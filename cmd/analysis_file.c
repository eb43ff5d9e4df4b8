/*
 * Reading an analysis file (see analysis_file.h) with inih. inih hands each
 * name = value pair to a handler but not its line number, so the file is fed
 * through a reader that counts lines, sees section headings and indentation
 * first, and stops at the first error; the handler checks and applies keys.
 */
#include "analysis_file.h"
#include "close_match.h"
#include "meta_load.h"
#include "meta_text.h"
#include "parse_options.h"
#include "safe_fs.h"

#include <ini.h>

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The keys of an analysis file beside the request's options. */
enum key_kind { KEY_TEXT, KEY_FLAG, KEY_SORT, KEY_OUTPUT };

struct file_key {
    const char *name;
    enum key_kind kind;
    int repeatable;
    enum meta_output_kind output; /* KEY_OUTPUT */
};

static const struct file_key file_keys[] = {
    {"title", KEY_TEXT, 0, 0},
    {"note", KEY_TEXT, 0, 0},
    {"favours_left", KEY_TEXT, 0, 0},
    {"favours_right", KEY_TEXT, 0, 0},
    {"higher_is_better", KEY_FLAG, 0, 0},
    {"rob", KEY_FLAG, 0, 0},
    {"contours", KEY_FLAG, 0, 0},
    {"sort", KEY_SORT, 0, 0},
    {"forest", KEY_OUTPUT, 1, META_OUTPUT_FOREST},
    {"funnel", KEY_OUTPUT, 1, META_OUTPUT_FUNNEL},
    {"bubble", KEY_OUTPUT, 1, META_OUTPUT_BUBBLE},
    {"table", KEY_OUTPUT, 0, META_OUTPUT_TABLE},
    {"csv", KEY_OUTPUT, 0, META_OUTPUT_CSV},
    {"json", KEY_OUTPUT, 0, META_OUTPUT_JSON},
};
#define N_FILE_KEYS (sizeof file_keys / sizeof file_keys[0])

/* Command-line options that a file may not set, and why. */
static const char *refused_reason(const char *option)
{
    if (strcmp(option, "db") == 0)
        return "the database is chosen when running ('meta run --db CONNINFO' or META_DB)";
    if (strcmp(option, "format") == 0)
        return "name the outputs instead (table, csv, json)";
    return NULL;
}

const char *meta_output_kind_name(enum meta_output_kind kind)
{
    for (size_t i = 0; i < N_FILE_KEYS; i++)
        if (file_keys[i].kind == KEY_OUTPUT && file_keys[i].output == kind)
            return file_keys[i].name;
    return "output";
}

void meta_analysis_file_init(struct meta_analysis_file *af)
{
    memset(af, 0, sizeof *af);
    meta_analysis_request_init(&af->req);
}

void meta_analysis_file_release(struct meta_analysis_file *af)
{
    if (!af)
        return;
    free(af->name);
    meta_analysis_request_release(&af->req);
    free(af->title);
    free(af->note);
    free(af->sort);
    free(af->favours_left);
    free(af->favours_right);
    for (size_t i = 0; i < af->n_outputs; i++)
        free(af->outputs[i].path);
    free(af->outputs);
    free(af->keys);
    meta_analysis_file_init(af);
}

int meta_analysis_file_key_line(const struct meta_analysis_file *af, const char *name)
{
    int line = 0;
    for (size_t i = 0; i < af->n_keys; i++)
        if (strcmp(af->keys[i].name, name) == 0)
            line = af->keys[i].line;
    return line;
}

void meta_analysis_file_plot_settings(const struct meta_analysis_file *af,
                                      struct meta_plot_settings *settings)
{
    memset(settings, 0, sizeof *settings);
    settings->title = af->title;
    settings->sort = af->sort;
    settings->favours_left = af->favours_left;
    settings->favours_right = af->favours_right;
    settings->higher_is_better = af->higher_is_better;
    settings->rob = af->rob;
    settings->note = af->note;
    settings->contours = af->contours;
}

/* Copies an option name in file spelling ('-' becomes '_'). */
static void file_spelling(char *dst, size_t size, const char *name)
{
    size_t i = 0;
    for (; name[i] && i + 1 < size; i++)
        dst[i] = name[i] == '-' ? '_' : name[i];
    dst[i] = '\0';
}

void meta_analysis_file_spell(char *buf, size_t size, const char *key)
{
    file_spelling(buf, size, key);
}

/* ---- Parsing ------------------------------------------------------------- */

/* The state shared by the reader and the handler. */
struct parser {
    struct meta_analysis_file *af;
    FILE *in;
    char *buf; /* the current line as read */
    size_t cap;
    int line;          /* number of the current line */
    int indented;      /* the current line starts with white space */
    int status;        /* META_OK until the first error */
    int error_line;    /* its line, 0 for the file as a whole */
    char prev_key[64]; /* the key of the previous pair, as inih passed it */
    struct meta_error *err;
};

/* Records the first error, at `line`, and makes the reader stop. Returns 0
 * (inih's "error" from a handler). */
static int fail(struct parser *p, int line, int status, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int fail(struct parser *p, int line, int status, const char *fmt, ...)
{
    if (p->status != META_OK)
        return 0;
    char text[META_ERROR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    p->status = status;
    p->error_line = line;
    if (line > 0)
        meta_error_set(p->err, status, "%s:%d: %s", p->af->name, line, text);
    else
        meta_error_set(p->err, status, "%s: %s", p->af->name, text);
    return 0;
}

/* Checks a [section] heading as the reader meets it: only one [analysis]. */
static void check_heading(struct parser *p, const char *text)
{
    const char *end = strchr(text, ']');
    if (!end) {
        fail(p, p->line, META_EINVAL, "the section heading lacks its closing ']'");
        return;
    }
    int len = (int)(end - text - 1);
    if (len != 8 || strncmp(text + 1, "analysis", 8) != 0) {
        fail(p, p->line, META_EINVAL,
             "unknown section [%.*s]: an analysis file has one section, [analysis]", len, text + 1);
        return;
    }
    if (p->af->section_line) {
        fail(p, p->line, META_EINVAL,
             "a second [analysis] section (the first is on line %d): one analysis per file",
             p->af->section_line);
        return;
    }
    p->af->section_line = p->line;
    p->prev_key[0] = '\0';
}

/* inih's reader: one whole line per call, so that inih's line count stays
 * ours; NULL (the end) after the first error. */
static char *read_line(char *str, int num, void *stream)
{
    struct parser *p = stream;
    if (p->status != META_OK)
        return NULL;
    errno = 0;
    ssize_t len = getline(&p->buf, &p->cap, p->in);
    if (len < 0) {
        if (ferror(p->in))
            fail(p, 0, META_EIO, "cannot read: %s", strerror(errno ? errno : EIO));
        else if (errno == ENOMEM)
            fail(p, 0, META_ENOMEM, "out of memory");
        return NULL;
    }
    p->line++;
    if (memchr(p->buf, '\0', (size_t)len)) {
        fail(p, p->line, META_EINVAL, "the line holds a NUL byte: not a text file");
        return NULL;
    }
    while (len > 0 && (p->buf[len - 1] == '\n' || p->buf[len - 1] == '\r'))
        p->buf[--len] = '\0';
    if (len > num - 3) {
        fail(p, p->line, META_EINVAL, "the line is longer than %d characters", num - 3);
        return NULL;
    }
    const char *text = p->buf;
    if (p->line == 1 && strncmp(text, "\xEF\xBB\xBF", 3) == 0)
        text += 3; /* inih skips a UTF-8 byte order mark */
    p->indented = *text == ' ' || *text == '\t';
    while (*text == ' ' || *text == '\t')
        text++;
    if (*text == '[') {
        check_heading(p, text);
        if (p->status != META_OK)
            return NULL;
    }
    memcpy(str, p->buf, (size_t)len);
    str[len] = '\n';
    str[len + 1] = '\0';
    return str;
}

/* The closest known key to an unknown one, or NULL when none is close;
 * spelled (64 bytes) holds it when it is an option's file spelling. */
static const char *closest_key(const char *name, char spelled[64])
{
    const char *best = NULL;
    size_t best_d = 3;
    for (size_t i = 0; i < N_FILE_KEYS; i++) {
        size_t d = meta_edit_distance(name, file_keys[i].name);
        if (d < best_d) {
            best_d = d;
            best = file_keys[i].name;
        }
    }
    for (const struct meta_analysis_option *o = meta_analysis_options; o->name; o++) {
        char word[64];
        file_spelling(word, sizeof word, o->name);
        size_t d = meta_edit_distance(name, word);
        if (d < best_d) {
            best_d = d;
            snprintf(spelled, 64, "%s", word);
            best = spelled;
        }
    }
    return best;
}

static const char known_keys[] =
    "outcome, timepoint, treatment, control, measure, model, method, ci, level, by, "
    "leave_one_out, cumulative, convention, prediction, bias, trimfill, estimator, influence, "
    "mods, title, note, favours_left, favours_right, higher_is_better, rob, sort, contours, "
    "forest, funnel, bubble, table, csv, json";

/* Checks an output path (relative, not through "..", naming a file, no
 * control characters) and writes it to dst without "." components and
 * repeated slashes. Returns 1, or 0 after recording the error. */
static int clean_output_path(struct parser *p, const char *key, const char *path, char *dst)
{
    size_t len = strlen(path);
    if (path[0] == '/')
        return fail(p, p->line, META_EINVAL,
                    "%s '%s' is absolute: outputs are relative to the output directory "
                    "(meta run --out DIR)",
                    key, path);
    if (path[len - 1] == '/')
        return fail(p, p->line, META_EINVAL, "%s '%s' names a directory, not a file", key, path);
    for (const unsigned char *s = (const unsigned char *)path; *s; s++)
        if (*s < 0x20 || *s == 0x7f)
            return fail(p, p->line, META_EINVAL, "%s path holds a control character", key);
    size_t used = 0;
    for (const char *s = path; *s;) {
        size_t n = strcspn(s, "/");
        if (n == 2 && s[0] == '.' && s[1] == '.')
            return fail(p, p->line, META_EINVAL,
                        "%s '%s' goes up with '..': outputs stay inside the output directory", key,
                        path);
        if (!(n == 1 && s[0] == '.')) {
            if (used)
                dst[used++] = '/';
            memcpy(dst + used, s, n);
            used += n;
        }
        s += n;
        while (*s == '/')
            s++;
    }
    dst[used] = '\0';
    if (used == 0)
        return fail(p, p->line, META_EINVAL, "%s '%s' names a directory, not a file", key, path);
    return 1;
}

static int add_output(struct parser *p, const struct file_key *k, const char *value)
{
    struct meta_analysis_file *af = p->af;
    char *path = malloc(strlen(value) + 1);
    if (!path)
        return fail(p, p->line, META_ENOMEM, "out of memory");
    int ok = clean_output_path(p, k->name, value, path);
    for (size_t i = 0; ok && i < af->n_outputs; i++)
        if (strcmp(af->outputs[i].path, path) == 0)
            ok = fail(p, p->line, META_EINVAL, "'%s' is already an output (line %d)", path,
                      af->outputs[i].line);
    if (ok && (k->output == META_OUTPUT_FOREST || k->output == META_OUTPUT_FUNNEL ||
               k->output == META_OUTPUT_BUBBLE)) {
        enum meta_plot_format fmt;
        struct meta_error ferr;
        meta_error_clear(&ferr);
        if (meta_plot_format_from_path(path, &fmt, &ferr) != META_OK)
            ok = fail(p, p->line, META_EINVAL, "%s: %s", k->name, ferr.msg);
    }
    struct meta_analysis_output *grown = NULL;
    if (ok && !(grown = realloc(af->outputs, (af->n_outputs + 1) * sizeof *af->outputs)))
        ok = fail(p, p->line, META_ENOMEM, "out of memory");
    if (!ok) {
        free(path);
        return 0;
    }
    af->outputs = grown;
    af->outputs[af->n_outputs].kind = k->output;
    af->outputs[af->n_outputs].path = path;
    af->outputs[af->n_outputs].line = p->line;
    af->n_outputs++;
    return 1;
}

static int set_text(struct parser *p, char **slot, const char *value)
{
    char *copy = strdup(value);
    if (!copy)
        return fail(p, p->line, META_ENOMEM, "out of memory");
    free(*slot);
    *slot = copy;
    return 1;
}

/* Applies one of the file's own keys. */
/* Where the flag key `name` of an analysis file is kept. */
static int *flag_of(struct meta_analysis_file *af, const char *name)
{
    if (strcmp(name, "rob") == 0)
        return &af->rob;
    if (strcmp(name, "contours") == 0)
        return &af->contours;
    return &af->higher_is_better;
}

static int apply_file_key(struct parser *p, const struct file_key *k, const char *value)
{
    struct meta_analysis_file *af = p->af;
    if (!*value)
        return fail(p, p->line, META_EINVAL, "'%s' needs a value", k->name);
    switch (k->kind) {
    case KEY_FLAG:
        if (meta_flag_parse(value, flag_of(af, k->name)) != META_OK)
            return fail(p, p->line, META_EINVAL, "'%s' takes true or false, got '%s'", k->name,
                        value);
        return 1;
    case KEY_SORT: {
        enum meta_forest_order order;
        struct meta_error serr;
        meta_error_clear(&serr);
        if (meta_forest_order_from_name(value, &order, &serr) != META_OK)
            return fail(p, p->line, META_EINVAL, "%s", serr.msg);
        return set_text(p, &af->sort, value);
    }
    case KEY_OUTPUT:
        return add_output(p, k, value);
    case KEY_TEXT:
        break;
    }
    if (strcmp(k->name, "title") == 0)
        return set_text(p, &af->title, value);
    if (strcmp(k->name, "note") == 0)
        return set_text(p, &af->note, value);
    if (strcmp(k->name, "favours_left") == 0)
        return set_text(p, &af->favours_left, value);
    return set_text(p, &af->favours_right, value);
}

/* Notes that key `name` was set on this line; refuses a second setting of a
 * key that may be given once. */
static int remember_key(struct parser *p, const char *name, int repeatable)
{
    struct meta_analysis_file *af = p->af;
    int first = meta_analysis_file_key_line(af, name);
    if (first && !repeatable)
        return fail(p, p->line, META_EINVAL, "'%s' is given twice (first on line %d)", name, first);
    struct meta_analysis_key *grown = realloc(af->keys, (af->n_keys + 1) * sizeof *af->keys);
    if (!grown)
        return fail(p, p->line, META_ENOMEM, "out of memory");
    af->keys = grown;
    meta_copy_cut(af->keys[af->n_keys].name, sizeof af->keys[af->n_keys].name, name);
    af->keys[af->n_keys].line = p->line;
    af->n_keys++;
    return 1;
}

/* inih's handler: one name = value pair of the current line. */
static int on_pair(void *user, const char *section, const char *name, const char *value)
{
    struct parser *p = user;
    if (p->status != META_OK)
        return 0;
    if (!value)
        value = "";
    if (p->indented && p->prev_key[0] && strcmp(name, p->prev_key) == 0)
        return fail(p, p->line, META_EINVAL,
                    "an indented line continues the value of '%s': analysis files take one "
                    "line per value; remove the indentation",
                    name);
    meta_copy_cut(p->prev_key, sizeof p->prev_key, name);
    if (strcmp(section, "analysis") != 0)
        return fail(p, p->line, META_EINVAL, "'%s' comes before the [analysis] heading", name);

    char key[64];
    if (strlen(name) >= sizeof key)
        return fail(p, p->line, META_EINVAL, "unknown key '%s'", name);
    file_spelling(key, sizeof key, name);

    for (size_t i = 0; i < N_FILE_KEYS; i++)
        if (strcmp(key, file_keys[i].name) == 0)
            return remember_key(p, key, file_keys[i].repeatable) &&
                   apply_file_key(p, &file_keys[i], value);

    char option[64];
    meta_copy_cut(option, sizeof option, key);
    for (char *c = option; *c; c++)
        if (*c == '_')
            *c = '-';
    const char *refused = refused_reason(option);
    if (refused)
        return fail(p, p->line, META_EINVAL, "'%s' does not belong in an analysis file: %s", name,
                    refused);
    const struct cli_option request_keys[] = {CLI_REQUEST(&p->af->req), CLI_END};
    const struct cli_option *o = cli_option_find(request_keys, option);
    if (!o) {
        char spelled[64];
        const char *near = closest_key(key, spelled);
        if (near)
            return fail(p, p->line, META_EINVAL, "unknown key '%s' (did you mean '%s'?)", name,
                        near);
        return fail(p, p->line, META_EINVAL, "unknown key '%s' (known keys: %s)", name, known_keys);
    }
    if (!remember_key(p, key, meta_analysis_option_find(option)->repeatable))
        return 0;
    struct meta_request_error e;
    meta_request_error_init(&e, meta_analysis_file_spell);
    int ret = cli_option_apply(o, option, value, &e);
    if (ret != META_OK)
        return fail(p, p->line, ret, "%s", e.err.msg);
    return 1;
}

/* What can only be checked once the whole section is read. */
static void check_complete(struct parser *p)
{
    struct meta_analysis_file *af = p->af;
    int at = af->section_line;
    if (!at) {
        fail(p, 0, META_EINVAL, "no [analysis] section");
        return;
    }
    const char *missing = !af->req.outcome            ? "outcome"
                          : af->req.n_treatments == 0 ? "treatment"
                          : af->req.n_controls == 0   ? "control"
                                                      : NULL;
    if (missing) {
        fail(p, at, META_EINVAL, "[analysis] has no '%s'", missing);
        return;
    }
    if (af->n_outputs == 0) {
        fail(p, at, META_EINVAL,
             "[analysis] declares no output (forest, funnel, bubble, table, csv or json)");
        return;
    }
    int tables = 0, bubbles = 0;
    for (size_t i = 0; i < af->n_outputs; i++) {
        enum meta_output_kind kind = af->outputs[i].kind;
        bubbles += kind == META_OUTPUT_BUBBLE;
        tables += kind == META_OUTPUT_TABLE || kind == META_OUTPUT_CSV || kind == META_OUTPUT_JSON;
    }
    if ((af->req.leave_one_out || af->req.cumulative) && !tables) {
        fail(p, at, META_EINVAL,
             "leave_one_out and cumulative show in table, csv and json outputs, not in plots: "
             "add one");
        return;
    }
    if ((af->req.bias || af->req.influence || (af->req.n_mods && !bubbles)) && !tables) {
        fail(p, at, META_EINVAL,
             "bias, influence and mods show in table, csv and json outputs (mods also in a "
             "bubble plot): add one");
        return;
    }
    if (bubbles && af->req.n_mods == 0) {
        fail(p, meta_analysis_file_key_line(af, "bubble"), META_EINVAL,
             "a bubble plot shows a meta-regression: add 'mods = ATTR' (one numeric attribute)");
        return;
    }
    struct meta_options opts;
    struct meta_request_error e;
    meta_request_error_init(&e, meta_analysis_file_spell);
    int ret = meta_analysis_resolve(&af->req, -1, &opts, &e);
    if (ret != META_OK)
        fail(p, at, ret, "[analysis]: %s", e.err.msg);
}

/* Parses the stream in (closed here) into af, whose name is set. */
static int parse_stream(struct meta_analysis_file *af, FILE *in, struct meta_error *err)
{
    struct parser p;
    memset(&p, 0, sizeof p);
    p.af = af;
    p.err = err;
    p.in = in;
    int at = ini_parse_stream(read_line, &p, on_pair, &p);
    if (at == -2)
        fail(&p, 0, META_ENOMEM, "out of memory");
    else if (at > 0 && (p.status == META_OK || at < p.error_line)) {
        /* inih met a line it cannot parse (neither a pair nor a heading)
         * before any error of ours: that one comes first */
        p.status = META_OK;
        fail(&p, at, META_EINVAL, "expected 'key = value', a [section] heading or a comment");
    }
    if (p.status == META_OK)
        check_complete(&p);
    free(p.buf);
    fclose(in);
    return p.status;
}

int meta_analysis_file_read(struct meta_analysis_file *af, const char *path, struct meta_error *err)
{
    int ret = META_OK;
    if (!(af->name = strdup(path)))
        return meta_error_set(err, META_ENOMEM, "out of memory");
    /* Only a regular file is read: a FIFO or a device would block. */
    int fd = -1;
    if ((ret = meta_fs_open_input(path, &fd, err)) != META_OK)
        return ret;
    FILE *in = fdopen(fd, "r");
    if (!in) {
        close(fd);
        return meta_error_set(err, META_ENOMEM, "out of memory");
    }
    return parse_stream(af, in, err);
}

/* Reads the regular file open at fd (its status st) whole into *buf (caller
 * frees) when it holds at most max bytes; *buf stays NULL for a larger one. */
static int read_whole(int fd, const struct stat *st, const char *path, size_t max, char **buf,
                      size_t *len, struct meta_error *err)
{
    *buf = NULL;
    *len = 0;
    if (st->st_size < 0 || (size_t)st->st_size > max)
        return META_OK;
    size_t cap = (size_t)st->st_size + 1; /* one more: a file grown meanwhile shows */
    if (!(*buf = malloc(cap)))
        return meta_error_set(err, META_ENOMEM, "out of memory");
    for (;;) {
        ssize_t got = read(fd, *buf + *len, cap - *len);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            free(*buf);
            *buf = NULL;
            return meta_error_set(err, META_EIO, "%s: cannot read: %s", path, strerror(errno));
        }
        if (got == 0)
            return META_OK;
        *len += (size_t)got;
        if (*len == cap) { /* grown past what fstat said: read it as a stream */
            free(*buf);
            *buf = NULL;
            *len = 0;
            return META_OK;
        }
    }
}

int meta_analysis_file_read_hashed(struct meta_analysis_file *af, const char *path, char sha256[65],
                                   struct meta_error *err)
{
    enum { MAX_WHOLE = 1 << 20 };
    int fd = -1;
    struct stat st;
    int ret = meta_fs_open_input_stat(path, &fd, &st, err);
    if (ret != META_OK) {
        if (!(af->name = strdup(path)))
            return meta_error_set(err, META_ENOMEM, "out of memory");
        return ret;
    }
    char *buf = NULL;
    size_t len = 0;
    ret = read_whole(fd, &st, path, MAX_WHOLE, &buf, &len, err);
    close(fd);
    if (ret != META_OK) {
        if (!af->name && !(af->name = strdup(path)))
            return meta_error_set(err, META_ENOMEM, "out of memory");
        return ret;
    }
    if (!buf) {
        ret = meta_analysis_file_read(af, path, err);
        return ret == META_OK ? meta_load_sha256_file(path, sha256, err) : ret;
    }
    if (meta_load_sha256_bytes(buf, len, sha256) != META_OK)
        ret = meta_error_set(err, META_ENOMEM, "out of memory");
    else
        ret = meta_analysis_file_parse(af, path, buf, len, err);
    free(buf);
    return ret;
}

int meta_analysis_file_parse(struct meta_analysis_file *af, const char *name, const char *text,
                             size_t len, struct meta_error *err)
{
    if (!(af->name = strdup(name)))
        return meta_error_set(err, META_ENOMEM, "out of memory");
    /* fmemopen wants a buffer of at least one byte, even for no text. */
    FILE *in = len ? fmemopen((void *)text, len, "r") : fopen("/dev/null", "r");
    if (!in)
        return meta_error_set(err, META_ENOMEM, "out of memory");
    return parse_stream(af, in, err);
}
