/*
 * The direct path of `meta load` (see load_stage.h): a file of new trials,
 * each trial's rows together, written with COPY straight into trials, arms
 * and the result tables under ids reserved from their sequences, instead of
 * being staged and merged in SQL. The file is read once: its trials stream
 * to the server as it is read, its arms and results go to temporary files
 * (one COPY at a time per connection) that follow, all in binary COPY's
 * format (load_binary.h: the server parses no text). Every file it cannot
 * prove new and simple goes back to the staging path, which words every
 * problem; memory holds one trial's arms and keys, whatever the file's size.
 * A file whose first trial the registry holds is read the same way, its
 * rows handed to the replacement (load_direct_replace.c) instead. A large
 * file into an empty registry copies its arms and results into tables
 * whose keys and indexes are built afterwards (load_bulk.c).
 */
#include "load_binary.h"
#include "load_direct.h"
#include "load_row.h"
#include "load_stage.h"

#include "pg_util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The slots of a trial's table of keys: a power of two, at least twice
 * META_DIRECT_MAX_ROWS, so that the open addressing of add_key always
 * finds an empty slot and its runs stay short. */
#define DIRECT_KEY_SLOTS 8192

/* One attribute of an arm, its texts in the group's arena; next chains an
 * arm's attributes (-1 ends). */
struct direct_attr {
    size_t name, name_len, value, value_len;
    int next;
};

struct direct_arm {
    size_t label, label_len, treatment, treatment_len;
    int first_attr, last_attr;
};

/* The fields of a tuple of trials, of arms, and of continuous and binary
 * results: the column lists of their COPY statements below. */
#define TRIAL_FIELDS 2
#define ARM_FIELDS   5
static const uint16_t result_fields[2] = {8, 7};

/* send_file's kind for the arms' file (results: 0 continuous, 1 binary). */
#define ARMS_FILE (-1)

/* The start of a record of results in their temporary file: the length of
 * its fields, and its outcome's number in the file. */
struct result_head {
    uint32_t len, outcome;
};

struct direct_outcome {
    char *name;
    size_t len;
    enum meta_load_kind kind;
    long long id;
};

/* The rows of the current trial. */
struct direct_group {
    struct meta_load_buf arena; /* trial name first, then labels, treatments, attributes */
    size_t trial_len;
    int active;
    struct direct_arm arms[META_DIRECT_MAX_ARMS];
    int narms;
    struct direct_attr *attrs;
    int nattrs, cap_attrs;
    uint64_t keys[DIRECT_KEY_SLOTS]; /* hashes of (arm, outcome, timepoint); 0 is empty */
    int used[META_DIRECT_MAX_ROWS];  /* the slots of keys in use, to empty them */
    int nrows;
};

struct direct {
    PGconn *conn;
    const char *path;
    FILE *arms_file;       /* binary COPY tuples of the arms */
    FILE *results_file[2]; /* records of the continuous and binary results (put_result) */
    struct meta_load_layout layout;
    int have_layout;
    struct meta_load_errors errs; /* problems here send the file to the staging path */
    struct direct_group *g;
    struct direct_outcome outcomes[META_DIRECT_MAX_OUTCOMES];
    int noutcomes;
    long long rows, trials, arms, continuous, binary;
    long long inserted, replaced; /* of a replacement */
    long long first_trial, first_arm, load_id;
    long long group_no, arms_before;     /* the current trial's number and the arms before it */
    int copying;                         /* the COPY of the trials is open */
    int bulk;                            /* arms and results go in without their indexes */
    struct meta_direct_replace *replace; /* the file's first trial is stored: its rows go here */
    int force_replace;                   /* read the file as a replacement whatever its trials */
    int trials_refused;                  /* the registry refused a trial of the COPY */
    char *refused_trial;                 /* its name, from the refusal's detail (or NULL) */
    struct meta_load_buf copy, json, record; /* record: one for a temporary file */
    struct meta_error *err;
};

static int direct_allowed = 1, replace_allowed = 1;
static long direct_loads, replace_loads, bulk_loads, direct_reads;

static uint64_t fnv(uint64_t h, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static int same_text(const struct direct_group *g, size_t off, size_t len, struct meta_load_text t)
{
    return len == t.len && (len == 0 || memcmp(g->arena.data + off, t.s, len) == 0);
}

static size_t keep(struct direct_group *g, struct meta_load_text t)
{
    size_t off = g->arena.len;
    meta_load_buf_put(&g->arena, t.s ? t.s : "", t.s ? t.len : 0);
    return off;
}

/* ---- COPY ---------------------------------------------------------------------- */

static int flush(struct direct *d, int force)
{
    return meta_direct_flush(d->conn, &d->copy, force, d->err);
}

static int start_copy(struct direct *d, const char *sql)
{
    meta_load_buf_reset(&d->copy);
    return meta_direct_copy_begin(d->conn, sql, d->err);
}

/* The name in the detail of a refused trial, "Key (name)=(NAME) already
 * exists." (in any language: from "(name)=(" to the last ")"), into
 * d->refused_trial; left NULL when the detail is absent or of another form,
 * which sends the file to the staging path. */
static void keep_refused_trial(struct direct *d, const PGresult *res)
{
    static const char head[] = "(name)=(";
    const char *detail = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL);
    const char *start = detail ? strstr(detail, head) : NULL;
    const char *end = detail ? strrchr(detail, ')') : NULL;
    if (!start || end < start + sizeof head - 1)
        return;
    start += sizeof head - 1;
    size_t n = (size_t)(end - start);
    free(d->refused_trial);
    if ((d->refused_trial = malloc(n + 1)) != NULL) {
        memcpy(d->refused_trial, start, n);
        d->refused_trial[n] = '\0';
    }
}

/* Ends the COPY (abort nonzero: discards it). A row the registry's keys
 * or constraints refuse (a trial it holds, say) sends the file to the
 * staging path: META_DIRECT_STAGE; a refused trial's name is kept. */
static int end_copy(struct direct *d, int abort)
{
    PGresult *res = NULL;
    int ret = meta_direct_copy_end(d->conn, &d->copy, abort, NULL, &res, d->err);
    if (!res)
        return ret;
    const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    if (state && strncmp(state, "23", 2) == 0) {
        ret = META_DIRECT_STAGE;
        if (strcmp(state, "23505") == 0) /* unique_violation */
            keep_refused_trial(d, res);
    } else
        ret = meta_pg_error(d->err, d->conn, res, "cannot store the rows");
    PQclear(res);
    return ret;
}

/* ---- The current trial ----------------------------------------------------------- */

/* Arms of the group in first appearance: the arm of label (-1: none). */
static int find_arm(const struct direct_group *g, struct meta_load_text label)
{
    for (int i = 0; i < g->narms; i++)
        if (same_text(g, g->arms[i].label, g->arms[i].label_len, label))
            return i;
    return -1;
}

/* Gives arm a the row's attributes, a later value taking the place of an
 * earlier one of the same name. */
static int merge_attrs(struct direct_group *g, int a, const struct meta_load_row *row)
{
    struct direct_arm *arm = &g->arms[a];
    for (size_t i = 0; i < row->n_arm_attrs; i++) {
        const struct meta_load_attr *at = &row->arm_attrs[i];
        int k = arm->first_attr;
        while (k >= 0 && !same_text(g, g->attrs[k].name, g->attrs[k].name_len, at->name))
            k = g->attrs[k].next;
        if (k >= 0) {
            g->attrs[k].value = keep(g, at->value);
            g->attrs[k].value_len = at->value.len;
            continue;
        }
        if (g->nattrs == g->cap_attrs) {
            int cap = g->cap_attrs ? 2 * g->cap_attrs : 64;
            struct direct_attr *attrs = realloc(g->attrs, (size_t)cap * sizeof *attrs);
            if (!attrs)
                return META_ENOMEM;
            g->attrs = attrs;
            g->cap_attrs = cap;
        }
        k = g->nattrs++;
        g->attrs[k] = (struct direct_attr){keep(g, at->name), at->name.len, keep(g, at->value),
                                           at->value.len, -1};
        if (arm->last_attr >= 0)
            g->attrs[arm->last_attr].next = k;
        else
            arm->first_attr = k;
        arm->last_attr = k;
    }
    return META_OK;
}

/* Adds the row's key to the trial's; 0 when it is there already (or its
 * hash is: either way the staging path decides). */
static int add_key(struct direct_group *g, int a, const struct meta_load_row *row)
{
    uint64_t h = fnv(14695981039346656037ULL, (const char *)&a, sizeof a);
    h = fnv(h, row->outcome.s, row->outcome.len);
    h = fnv(h, "", 1);
    h = fnv(h, row->timepoint.s ? row->timepoint.s : "", row->timepoint.len);
    if (h == 0)
        h = 1;
    size_t i = (size_t)h & (DIRECT_KEY_SLOTS - 1);
    while (g->keys[i] != 0) {
        if (g->keys[i] == h)
            return 0;
        i = (i + 1) & (DIRECT_KEY_SLOTS - 1);
    }
    g->keys[i] = h;
    g->used[g->nrows - 1] = (int)i;
    return 1;
}

/* Writes the buffer to a temporary file; a file that cannot be written
 * (a full disk) sends the file to the staging path. */
static int write_record(struct direct *d, FILE *f, struct meta_load_buf *b)
{
    if (b->nomem)
        return meta_error_set(d->err, META_ENOMEM, "out of memory");
    int ok = fwrite(b->data, 1, b->len, f) == b->len;
    meta_load_buf_reset(b);
    return ok ? META_OK : META_DIRECT_STAGE;
}

/* The merged attributes of arm as a JSON object into d->json. */
static int arm_json(struct direct *d, const struct direct_arm *arm)
{
    const struct direct_group *g = d->g;
    struct meta_load_buf *j = &d->json;
    meta_load_buf_reset(j);
    if (arm->first_attr < 0)
        meta_load_buf_put(j, "{", 1); /* an empty object */
    for (int k = arm->first_attr; k >= 0; k = g->attrs[k].next)
        meta_load_buf_json_member(j, k == arm->first_attr, g->arena.data + g->attrs[k].name,
                                  g->attrs[k].name_len, g->arena.data + g->attrs[k].value,
                                  g->attrs[k].value_len);
    meta_load_buf_put(j, "}", 1);
    return j->nomem ? meta_error_set(d->err, META_ENOMEM, "out of memory") : META_OK;
}

/* Sends the finished trial's rows and arms to the replacement. */
static int end_group_replace(struct direct *d)
{
    struct direct_group *g = d->g;
    int ret = META_OK;
    for (int i = 0; i < g->narms && ret == META_OK; i++) {
        const struct direct_arm *arm = &g->arms[i];
        if ((ret = arm_json(d, arm)) != META_OK)
            break;
        ret = meta_direct_replace_arm(d->replace, i, d->group_no, g->arena.data, g->trial_len,
                                      g->arena.data + arm->label, arm->label_len,
                                      g->arena.data + arm->treatment, arm->treatment_len,
                                      arm->first_attr >= 0 ? d->json.data : NULL,
                                      arm->first_attr >= 0 ? d->json.len : 0, d->err);
    }
    return ret == META_OK ? meta_direct_replace_end_trial(d->replace, d->err) : ret;
}

/* Writes the arms of the finished trial, their attributes merged. */
static int end_group(struct direct *d)
{
    struct direct_group *g = d->g;
    if (!g->active)
        return META_OK;
    struct meta_load_buf *b = &d->record;
    int ret;
    if (d->replace) {
        ret = end_group_replace(d);
    } else {
        for (int i = 0; i < g->narms; i++) {
            const struct direct_arm *arm = &g->arms[i];
            meta_bin_u16(b, ARM_FIELDS);
            meta_bin_int8(b, d->first_arm + d->arms_before + i);
            meta_bin_int8(b, d->first_trial + d->group_no);
            meta_bin_text(b, g->arena.data + arm->label, arm->label_len);
            meta_bin_text(b, g->arena.data + arm->treatment, arm->treatment_len);
            if ((ret = arm_json(d, arm)) != META_OK)
                return ret;
            meta_bin_jsonb(b, d->json.data, d->json.len);
        }
        ret = write_record(d, d->arms_file, b);
    }
    if (ret != META_OK)
        return ret;
    d->arms_before += g->narms;
    d->group_no++;
    g->active = 0;
    return META_OK;
}

/* Whether the registry holds a trial of this name (*stored). */
static int trial_stored(PGconn *conn, const char *name, int *stored, struct meta_error *err)
{
    long long value = 0;
    int ret = meta_pg_value(conn, "SELECT EXISTS (SELECT FROM trials WHERE name = $1)::int", 1,
                            &name, &value, err, "cannot read the trials");
    *stored = value != 0;
    return ret;
}

/* Before the file's first trial opens the COPY of the trials: a file whose
 * first trial the registry holds (a file loaded again with other values,
 * say) is a replacement: its rows go to meta_direct_replace instead (or,
 * when replacements are not allowed here, to the staging path at once,
 * before the file is read through and the COPY refused at its end). */
static int open_trials(struct direct *d, const struct meta_load_row *row)
{
    if (d->force_replace)
        return meta_direct_replace_begin(d->conn, &d->replace, d->err);
    char *name = malloc(row->trial.len + 1);
    if (!name)
        return meta_error_set(d->err, META_ENOMEM, "out of memory");
    memcpy(name, row->trial.s, row->trial.len);
    name[row->trial.len] = '\0';
    int stored = 0;
    int ret = trial_stored(d->conn, name, &stored, d->err);
    free(name);
    if (ret == META_OK && stored)
        ret = replace_allowed ? meta_direct_replace_begin(d->conn, &d->replace, d->err)
                              : META_DIRECT_STAGE;
    if (ret == META_OK && !d->replace &&
        (ret = start_copy(d, "COPY trials (trial_id, name) FROM STDIN (FORMAT binary)")) ==
            META_OK) {
        meta_bin_header(&d->copy);
        d->copying = 1;
    }
    return ret;
}

static int start_group(struct direct *d, const struct meta_load_row *row)
{
    struct direct_group *g = d->g;
    int ret;
    if (!d->copying && !d->replace && (ret = open_trials(d, row)) != META_OK)
        return ret;
    meta_load_buf_reset(&g->arena);
    keep(g, row->trial);
    g->trial_len = row->trial.len;
    g->narms = 0;
    g->nattrs = 0;
    for (int i = 0; i < g->nrows && i < META_DIRECT_MAX_ROWS; i++)
        g->keys[g->used[i]] = 0;
    g->nrows = 0;
    g->active = 1;
    if (d->replace)
        return META_OK;
    meta_bin_u16(&d->copy, TRIAL_FIELDS);
    meta_bin_int8(&d->copy, d->first_trial + d->group_no);
    meta_bin_text(&d->copy, row->trial.s, row->trial.len);
    return flush(d, 0);
}

/* The outcome of the row, added when new (NULL: too many). */
static struct direct_outcome *outcome_of(struct direct *d, const struct meta_load_row *row)
{
    for (int i = 0; i < d->noutcomes; i++)
        if (d->outcomes[i].len == row->outcome.len &&
            memcmp(d->outcomes[i].name, row->outcome.s, row->outcome.len) == 0)
            return &d->outcomes[i];
    if (d->noutcomes == META_DIRECT_MAX_OUTCOMES)
        return NULL;
    struct direct_outcome *o = &d->outcomes[d->noutcomes];
    if (!(o->name = malloc(row->outcome.len + 1)))
        return NULL;
    memcpy(o->name, row->outcome.s, row->outcome.len);
    o->name[row->outcome.len] = '\0';
    o->len = row->outcome.len;
    o->kind = row->kind;
    o->id = 0;
    d->noutcomes++;
    return o;
}

/* One result row, to the temporary file of its table: a record of the
 * length of its fields (native order), the outcome's number in the file,
 * then the binary COPY fields of its table but the first and the last
 * (send_results puts the outcome's and the load's ids there). The numbers
 * go as meta read them: strtod and PostgreSQL's float8in both round
 * correctly, so a double is stored as its text would have been. */
static int put_result(struct direct *d, const struct meta_load_row *row, int a, int outcome)
{
    struct meta_load_buf *b = &d->record;
    struct result_head head = {0, (uint32_t)outcome};
    size_t at = b->len;
    meta_load_buf_put(b, (const char *)&head, sizeof head);
    meta_bin_int8(b, d->first_arm + d->arms_before + a);
    meta_bin_text(b, row->timepoint.s, row->timepoint.s ? row->timepoint.len : 0);
    if (row->kind == META_LOAD_CONTINUOUS) {
        meta_bin_int4(b, row->n);
        meta_bin_float8(b, row->mean);
        meta_bin_float8(b, row->sd);
    } else {
        meta_bin_int4(b, row->events);
        meta_bin_int4(b, row->total);
    }
    if (row->n_result_attrs == 0) {
        meta_bin_null(b);
    } else {
        size_t json = meta_bin_jsonb_begin(b);
        meta_load_buf_json_attrs(b, row->result_attrs, row->n_result_attrs);
        meta_bin_jsonb_end(b, json);
    }
    if (!b->nomem) {
        head.len = (uint32_t)(b->len - at - sizeof head);
        memcpy(b->data + at, &head, sizeof head);
    }
    return write_record(d, d->results_file[row->kind == META_LOAD_BINARY], b);
}

/* One valid row: checks what spans rows within its trial and the file,
 * and follows the trials and arms to their ids. */
static int on_row(struct direct *d, const struct meta_load_row *row)
{
    struct direct_group *g = d->g;
    int ret;
    if (row->kind != META_LOAD_CONTINUOUS && row->kind != META_LOAD_BINARY)
        return META_DIRECT_STAGE;
    if (!g->active || !same_text(g, 0, g->trial_len, row->trial)) {
        if ((ret = end_group(d)) != META_OK || (ret = start_group(d, row)) != META_OK)
            return ret;
    }
    if (g->arena.nomem)
        return meta_error_set(d->err, META_ENOMEM, "out of memory");
    struct direct_outcome *o = outcome_of(d, row);
    if (!o || o->kind != row->kind)
        return META_DIRECT_STAGE;
    int a = find_arm(g, row->arm);
    if (a < 0) {
        if (g->narms == META_DIRECT_MAX_ARMS)
            return META_DIRECT_STAGE;
        a = g->narms++;
        struct direct_arm *arm = &g->arms[a];
        arm->label = keep(g, row->arm);
        arm->label_len = row->arm.len;
        arm->treatment = keep(g, row->treatment);
        arm->treatment_len = row->treatment.len;
        arm->first_attr = arm->last_attr = -1;
    } else if (!same_text(g, g->arms[a].treatment, g->arms[a].treatment_len, row->treatment)) {
        return META_DIRECT_STAGE;
    }
    if (++g->nrows > META_DIRECT_MAX_ROWS || !add_key(g, a, row))
        return META_DIRECT_STAGE;
    if (merge_attrs(g, a, row) != META_OK || g->arena.nomem)
        return meta_error_set(d->err, META_ENOMEM, "out of memory");
    d->rows++;
    if (row->kind == META_LOAD_CONTINUOUS)
        d->continuous++;
    else
        d->binary++;
    if (d->replace)
        return meta_direct_replace_row(d->replace, a, d->arms_before + a, (int)(o - d->outcomes),
                                       row, d->err);
    return put_result(d, row, a, (int)(o - d->outcomes));
}

static int on_record(const struct meta_csv_record *rec, void *ctx)
{
    struct direct *d = ctx;
    if (!d->have_layout) {
        int rc = meta_load_layout_init(&d->layout, d->path, rec, &d->errs);
        if (rc == META_ENOMEM)
            return meta_error_set(d->err, rc, "out of memory");
        if (rc != META_OK)
            return META_DIRECT_STAGE;
        d->have_layout = 1;
        return d->layout.estimates ? META_DIRECT_STAGE : META_OK;
    }
    if (meta_load_row_blank(rec))
        return META_OK;
    struct meta_load_row row;
    if (meta_load_row_check(&d->layout, d->path, rec, &row, &d->errs) != META_OK)
        return META_DIRECT_STAGE; /* the staging path reports it */
    return on_row(d, &row);
}

/* Reads the file, streaming its trials into the open COPY. */
static int read_file(struct direct *d, char sha256[META_CSV_SHA256_HEX])
{
    struct meta_error rerr;
    meta_error_clear(&rerr);
    int rc = meta_csv_read(d->path, d->path, on_record, d, sha256, &rerr);
    if (rc == META_OK)
        rc = end_group(d);
    if (rc == META_ENOMEM || rc == META_EDB)
        return rc;
    if (rc != META_OK || !d->have_layout)
        return META_DIRECT_STAGE;
    for (int i = 0; i < 3; i++) {
        FILE *f = i == 0 ? d->arms_file : d->results_file[i - 1];
        if (fflush(f) != 0 || ferror(f))
            return META_DIRECT_STAGE;
    }
    return META_OK;
}

/* Bytes read from a temporary file at a time. */
#define READ_BYTES (256 * 1024)

/* Reads more of f after the n bytes kept at the start of *in (of *cap
 * bytes, grown to hold need bytes): *n grows by what was read (0 at the
 * end of the file). */
static int read_more(struct direct *d, FILE *f, char **in, size_t *cap, size_t *n, size_t need)
{
    if (need < *n + READ_BYTES)
        need = *n + READ_BYTES;
    if (need > *cap) {
        char *grown = realloc(*in, need);
        if (!grown)
            return meta_error_set(d->err, META_ENOMEM, "out of memory");
        *in = grown;
        *cap = need;
    }
    *n += fread(*in + *n, 1, *cap - *n, f);
    return ferror(f) ? META_DIRECT_STAGE : META_OK;
}

/* The tuples of the results of kind (0: continuous, 1: binary) in
 * in[0..n): each record of put_result gets
 * its outcome's id in place of its number and the load's id at its end;
 * *used: the bytes of the whole records. */
static int send_results(struct direct *d, int kind, const char *in, size_t n, size_t *used)
{
    struct meta_load_buf *b = &d->copy;
    size_t at = 0;
    int ret = META_OK;
    while (ret == META_OK && n - at >= sizeof(struct result_head)) {
        struct result_head head;
        memcpy(&head, in + at, sizeof head);
        if (n - at - sizeof head < head.len)
            break;
        if (head.outcome >= (uint32_t)d->noutcomes)
            return META_DIRECT_STAGE;
        at += sizeof head;
        meta_bin_u16(b, result_fields[kind]);
        meta_bin_int8(b, d->outcomes[head.outcome].id);
        meta_load_buf_put(b, in + at, head.len);
        meta_bin_int8(b, d->load_id);
        at += head.len;
        ret = flush(d, 0);
    }
    *used = at;
    return ret;
}

/* Streams the temporary file f into the binary COPY sql: the tuples of
 * the arms as they are (kind ARMS_FILE), records of results of kind (0:
 * continuous, 1: binary) by send_results. */
static int send_file(struct direct *d, FILE *f, const char *sql, int kind)
{
    int ret = start_copy(d, sql);
    if (ret != META_OK)
        return ret;
    rewind(f);
    meta_bin_header(&d->copy);
    char *in = NULL;
    size_t cap = 0, n = 0, need = 0;
    for (;;) {
        size_t before = n;
        if ((ret = read_more(d, f, &in, &cap, &n, need)) != META_OK)
            break;
        if (n == before) {
            if (n > 0) /* a record cut short */
                ret = META_DIRECT_STAGE;
            break;
        }
        size_t used = n;
        if (kind == ARMS_FILE)
            meta_load_buf_put(&d->copy, in, n);
        else if ((ret = send_results(d, kind, in, n, &used)) != META_OK)
            break;
        if ((ret = flush(d, 0)) != META_OK)
            break;
        memmove(in, in + used, n - used);
        n -= used;
        /* A record longer than what is left of the buffer: room for it. */
        need = 0;
        if (kind != ARMS_FILE && n >= sizeof(struct result_head)) {
            struct result_head head;
            memcpy(&head, in, sizeof head);
            need = sizeof head + head.len;
        }
    }
    free(in);
    if (ret == META_OK)
        meta_bin_trailer(&d->copy);
    int end = end_copy(d, ret != META_OK);
    return ret != META_OK ? ret : end;
}

/* ---- Ids and bookkeeping ---------------------------------------------------------- */

/* One value of a query (err set on failure). */
static int query_int(struct direct *d, const char *sql, int nparams, const char *const *params,
                     long long *value)
{
    return meta_pg_value(d->conn, sql, nparams, params, value, d->err,
                         "cannot reserve the ids of the new rows");
}

/* The first id after those the table's identity sequence gave, read from
 * the sequence itself (after a RESTART it is the restart value); the
 * sequence is left as it is, so that a file sent back to the staging path
 * before reserve_rest costs no ids. Other writers are locked out: nobody
 * takes ids meanwhile. */
static int reserve_first(struct direct *d, const char *table, const char *column, long long *first)
{
    const char *params[2] = {table, column};
    PGresult *res = PQexecParams(d->conn, "SELECT pg_get_serial_sequence($1, $2)", 2, NULL, params,
                                 NULL, NULL, 0);
    int ret = META_OK;
    if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1 || PQgetisnull(res, 0, 0))
        ret = meta_pg_error(d->err, d->conn, res, "cannot reserve the ids of the new rows");
    char sql[512];
    /* pg_get_serial_sequence gives the name quoted as SQL needs it. */
    if (ret == META_OK &&
        (size_t)snprintf(sql, sizeof sql,
                         "SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END"
                         " FROM %s",
                         PQgetvalue(res, 0, 0)) >= sizeof sql)
        ret = meta_error_set(d->err, META_EDB, "cannot reserve the ids of the new rows");
    PQclear(res);
    return ret != META_OK ? ret : query_int(d, sql, 0, NULL, first);
}

/* Moves the sequence past the block of count ids from first. */
static int reserve_rest(struct direct *d, const char *table, const char *column, long long first,
                        long long count)
{
    char last[32];
    long long value;
    snprintf(last, sizeof last, "%lld", first + count - 1);
    const char *params[3] = {table, column, last};
    return query_int(d, "SELECT setval(pg_get_serial_sequence($1, $2), $3::bigint)", 3, params,
                     &value);
}

/* Whether this role may both read and move the sequences (sql/006 lets
 * meta_loader; has_sequence_privilege with a list asks for any of them);
 * if not, the file is staged. */
static int may_reserve(struct direct *d)
{
    long long may = 0;
    int ret = query_int(d,
                        "SELECT bool_and(has_sequence_privilege(s, 'SELECT')"
                        "                AND has_sequence_privilege(s, 'UPDATE'))::int"
                        " FROM (VALUES (pg_get_serial_sequence('trials', 'trial_id')),"
                        "              (pg_get_serial_sequence('arms', 'arm_id'))) v(s)",
                        0, NULL, &may);
    return ret != META_OK ? ret : may ? META_OK : META_DIRECT_STAGE;
}

/* The file's outcomes: a stored one of another kind sends the file to the
 * staging path (which says so) in pass 0, which writes nothing; pass 1
 * stores new ones in first appearance. */
static int store_outcomes(struct direct *d, int pass)
{
    for (int i = 0; i < d->noutcomes; i++) {
        struct direct_outcome *o = &d->outcomes[i];
        const char *kind = o->kind == META_LOAD_CONTINUOUS ? "continuous" : "binary";
        const char *params[2] = {o->name, kind};
        if (pass == 1) {
            int ret;
            if (o->id == 0 && (ret = query_int(d,
                                               "INSERT INTO outcomes (name, kind) VALUES ($1, $2)"
                                               " RETURNING outcome_id",
                                               2, params, &o->id)) != META_OK)
                return ret;
            continue;
        }
        PGresult *res =
            PQexecParams(d->conn, "SELECT outcome_id, kind FROM outcomes WHERE name = $1", 1, NULL,
                         params, NULL, NULL, 0);
        if (PQresultStatus(res) != PGRES_TUPLES_OK) {
            int ret = meta_pg_error(d->err, d->conn, res, "cannot read the outcomes");
            PQclear(res);
            return ret;
        }
        int stored = PQntuples(res) == 1;
        int same = stored && strcmp(PQgetvalue(res, 0, 1), kind) == 0;
        if (same)
            o->id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
        PQclear(res);
        if (stored && !same)
            return META_DIRECT_STAGE;
    }
    return META_OK;
}

static int record_load(struct direct *d, const char *sha256)
{
    char rows[32];
    snprintf(rows, sizeof rows, "%lld", d->rows);
    const char *params[3] = {d->path, sha256, rows};
    return query_int(d,
                     "INSERT INTO loads (file_name, sha256, row_count) VALUES ($1, $2, $3)"
                     " RETURNING load_id",
                     3, params, &d->load_id);
}

/* The file's outcomes by number, with their ids (once stored). */
static void outcome_ids(const struct direct *d, struct meta_direct_outcome_id *ids)
{
    for (int i = 0; i < d->noutcomes; i++)
        ids[i] = (struct meta_direct_outcome_id){d->outcomes[i].id,
                                                 d->outcomes[i].kind == META_LOAD_BINARY};
}

/* A lock the direct path takes only when it is free at once: the load
 * lock (key given; "f" when another load holds it) or the tables' lock.
 * When it is held elsewhere, or this role may not take it, the file goes to
 * the staging path, which checks the file before it waits (--wait) and
 * words what this role may not do. */
static int take_or_stage(struct direct *d, const char *sql, const char *key, const char *what)
{
    PGresult *res = PQexecParams(d->conn, sql, key ? 1 : 0, NULL, key ? &key : NULL, NULL, NULL, 0);
    ExecStatusType status = PQresultStatus(res);
    const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    int ret = META_OK;
    if (status == PGRES_TUPLES_OK && PQntuples(res) == 1)
        ret = strcmp(PQgetvalue(res, 0, 0), "t") == 0 ? META_OK : META_DIRECT_STAGE;
    else if (status != PGRES_COMMAND_OK)
        ret = state && strcmp(state, "42501") == 0 /* insufficient_privilege */
                  ? META_DIRECT_STAGE
                  : meta_pg_error(d->err, d->conn, res, "%s", what);
    PQclear(res);
    return ret;
}

/* The last steps of either path, its rows stored: the foreign-key triggers
 * back on (skipped: they were off), the load's summary (changed: the load
 * changed the registry) and the statistics. */
static int finish_load(struct meta_db *db, struct direct *d, int changed, int skipped)
{
    int ret;
    if (skipped && (ret = meta_pg_exec(d->conn, "SET LOCAL session_replication_role = origin",
                                       d->err, "cannot store the rows")))
        return ret;
    if ((ret = meta_load_record_summary(d->conn, d->load_id, changed, 1, 0, d->trials, d->noutcomes,
                                        d->path, d->err)))
        return ret;
    struct meta_loader stats = {.db = db, .conn = d->conn};
    return meta_load_refresh_statistics(&stats, d->err);
}

/* The rest of a replacement once its rows are copied: the checks that
 * may still send the file to the staging path, then the loads row, the
 * outcomes, the rows and the bookkeeping, as the staging path leaves
 * them. skipped: the foreign-key triggers are off. */
static int finish_replace(struct meta_db *db, struct direct *d, const char *sha256, int skipped)
{
    int ret;
    if ((ret = meta_direct_replace_check(d->replace, d->group_no, d->err)) ||
        (ret = store_outcomes(d, 0)) || (ret = record_load(d, sha256)) ||
        (ret = store_outcomes(d, 1)))
        return ret;
    struct meta_direct_outcome_id ids[META_DIRECT_MAX_OUTCOMES];
    outcome_ids(d, ids);
    struct meta_direct_replace_counts counts;
    const long long rows[2] = {d->continuous, d->binary};
    if ((ret = meta_direct_replace_store(d->replace, ids, d->noutcomes, rows, d->load_id, &counts,
                                         d->err)))
        return ret;
    d->inserted = counts.inserted;
    d->replaced = counts.replaced;
    d->trials = counts.trials;
    return finish_load(db, d, counts.inserted + counts.replaced + counts.arms_updated > 0, skipped);
}

/* Everything of the load inside the transaction, under the load lock. */
static int load_all(struct meta_db *db, struct direct *d, char sha256[META_CSV_SHA256_HEX])
{
    int ret, skipped = 0;
    if ((ret = meta_pg_exec(d->conn,
                            "SET LOCAL work_mem = '256MB'; SET LOCAL jit = off;"
                            " SET LOCAL client_encoding = 'UTF8'",
                            d->err, "cannot configure the load")) ||
        (ret = take_or_stage(d, "SELECT pg_try_advisory_xact_lock($1::bigint)", META_LOAD_LOCK_KEY,
                             "cannot take the load lock")) ||
        (ret = meta_load_skip_fk_triggers(d->conn, &skipped, d->err)) ||
        (ret = take_or_stage(d, "LOCK TABLE trials, arms IN SHARE ROW EXCLUSIVE MODE", NULL,
                             "cannot lock the registry for the load")) ||
        (ret = may_reserve(d)) || (ret = reserve_first(d, "trials", "trial_id", &d->first_trial)) ||
        (ret = reserve_first(d, "arms", "arm_id", &d->first_arm)))
        return ret;
    ret = read_file(d, sha256);
    if (d->replace) {
        int end = meta_direct_replace_end_copy(d->replace, ret != META_OK, d->err);
        return ret != META_OK ? ret : end != META_OK ? end : finish_replace(db, d, sha256, skipped);
    }
    if (d->copying) {
        if (ret == META_OK)
            meta_bin_trailer(&d->copy);
        int end = end_copy(d, ret != META_OK);
        d->copying = 0;
        if (ret == META_OK)
            ret = end;
        d->trials_refused = end == META_DIRECT_STAGE;
    }
    if (ret != META_OK)
        return ret;
    d->trials = d->group_no;
    d->arms = d->arms_before;
    if (d->rows == 0)
        return META_DIRECT_STAGE;
    if ((ret = store_outcomes(d, 0)) || (ret = store_outcomes(d, 1)) ||
        (ret = reserve_rest(d, "trials", "trial_id", d->first_trial, d->trials)) ||
        (ret = reserve_rest(d, "arms", "arm_id", d->first_arm, d->arms)) ||
        (ret = record_load(d, sha256)) ||
        (ret = meta_load_bulk_begin(d->conn, d->rows, &d->bulk, d->err)) ||
        (ret = send_file(d, d->arms_file,
                         "COPY arms (arm_id, trial_id, label, treatment, attributes) FROM STDIN"
                         " (FORMAT binary)",
                         ARMS_FILE)))
        return ret;
    static const char *const results_sql[2] = {
        "COPY continuous_results (outcome_id, arm_id, timepoint, n, mean, sd, attributes, load_id)"
        " FROM STDIN (FORMAT binary)",
        "COPY binary_results (outcome_id, arm_id, timepoint, events, total, attributes, load_id)"
        " FROM STDIN (FORMAT binary)"};
    const long long results[2] = {d->continuous, d->binary};
    for (int k = 0; k < 2; k++)
        if (results[k] > 0 && (ret = send_file(d, d->results_file[k], results_sql[k], k)))
            return ret;
    if (d->bulk && (ret = meta_load_bulk_end(d->conn, d->err)))
        return ret;
    /* Every outcome of the file has rows, all of them new. */
    struct meta_direct_outcome_id ids[META_DIRECT_MAX_OUTCOMES];
    outcome_ids(d, ids);
    if ((ret = meta_direct_record_outcomes(d->conn, d->load_id, ids, d->noutcomes, NULL, d->err)))
        return ret;
    return finish_load(db, d, 1, skipped);
}

static int fill_report(const struct direct *d, const char *sha256, struct meta_load_report *report)
{
    report->files = calloc(1, sizeof *report->files);
    if (!report->files || !(report->files[0].name = strdup(d->path)))
        return META_ENOMEM;
    report->nfiles = 1;
    struct meta_load_file_report *f = &report->files[0];
    memcpy(f->sha256, sha256, sizeof f->sha256);
    f->load_id = d->load_id;
    f->rows = d->rows;
    f->inserted = d->replace ? d->inserted : d->rows;
    f->replaced = d->replace ? d->replaced : 0;
    f->unchanged = f->rows - f->inserted - f->replaced;
    f->trials = d->trials;
    f->outcomes = d->noutcomes;
    return META_OK;
}

void meta_load_direct_allow(int allow)
{
    direct_allowed = allow;
}

void meta_load_direct_replace_allow(int allow)
{
    replace_allowed = allow;
}

long meta_load_direct_count(void)
{
    return direct_loads;
}

long meta_load_direct_replace_count(void)
{
    return replace_loads;
}

long meta_load_bulk_count(void)
{
    return bulk_loads;
}

long meta_load_direct_reads(void)
{
    return direct_reads;
}

/* One try of the direct path (see meta_load_direct); replace: read the
 * file as a replacement from its first trial on. *refused (the caller
 * frees it): the name of a trial of a file of new trials that the registry
 * refused (one it holds, or one the file gives again after other trials),
 * when its error named it. */
static int attempt(struct meta_db *db, const char *path, int replace,
                   struct meta_load_report *report, int *done, char **refused,
                   struct meta_error *err)
{
    struct direct d = {.conn = meta_db_pg(db), .path = path, .err = err, .force_replace = replace};
    meta_load_errors_init(&d.errs);
    if (!(d.g = calloc(1, sizeof *d.g)))
        return meta_error_set(err, META_ENOMEM, "out of memory");
    char sha256[META_CSV_SHA256_HEX];
    d.arms_file = tmpfile();
    d.results_file[0] = tmpfile();
    d.results_file[1] = tmpfile();
    int ret = META_OK;
    if (!d.arms_file || !d.results_file[0] || !d.results_file[1])
        ret = META_DIRECT_STAGE; /* no temporary files: the staging path needs none */
    if (ret == META_OK)
        ret = meta_pg_exec(d.conn, "BEGIN", err, "cannot start a transaction");
    if (ret == META_OK) {
        direct_reads++;
        ret = load_all(db, &d, sha256);
        if (ret == META_OK && fill_report(&d, sha256, report) != META_OK)
            ret = meta_error_set(err, META_ENOMEM, "out of memory");
        if (ret == META_OK)
            ret = meta_pg_exec(d.conn, "COMMIT", err, "cannot commit the load");
        if (ret == META_OK) {
            *done = 1;
            direct_loads++;
            replace_loads += d.replace != NULL;
            bulk_loads += d.bulk != 0;
        } else
            PQclear(PQexec(d.conn, "ROLLBACK"));
    }
    if (ret == META_DIRECT_STAGE) {
        meta_error_clear(err);
        ret = META_OK;
    }
    meta_direct_replace_free(d.replace);
    if (d.have_layout)
        meta_load_layout_release(&d.layout);
    for (int i = 0; i < d.noutcomes; i++)
        free(d.outcomes[i].name);
    meta_load_errors_release(&d.errs);
    meta_load_buf_release(&d.copy);
    meta_load_buf_release(&d.json);
    meta_load_buf_release(&d.record);
    for (int i = 0; i < 3; i++) {
        FILE *f = i == 0 ? d.arms_file : d.results_file[i - 1];
        if (f)
            fclose(f);
    }
    meta_load_buf_release(&d.g->arena);
    free(d.g->attrs);
    free(d.g);
    *refused = d.trials_refused ? d.refused_trial : NULL;
    if (!*refused)
        free(d.refused_trial);
    return ret;
}

int meta_load_direct(struct meta_db *db, const char *path, struct meta_load_report *report,
                     int *done, struct meta_error *err)
{
    *done = 0;
    if (!direct_allowed)
        return META_OK;
    char *refused = NULL;
    int ret = attempt(db, path, 0, report, done, &refused, err);
    /* A file of new trials first and a stored one later: read again as a
     * replacement (nothing was written, no id taken). A trial refused as
     * given twice in the file goes to the staging path instead. */
    int stored = 0;
    if (ret == META_OK && !*done && refused && replace_allowed)
        ret = trial_stored(meta_db_pg(db), refused, &stored, err);
    free(refused);
    if (ret == META_OK && stored) {
        char *again = NULL;
        ret = attempt(db, path, 1, report, done, &again, err);
        free(again);
    }
    return ret;
}
