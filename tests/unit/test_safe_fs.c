/*
 * Unit tests of lib/common's file-system functions (safe_fs.h, safe_out.h) on
 * real files in a temporary directory: links planted at every component are
 * refused and their targets untouched, FIFOs never block, ownership and mode
 * rules hold, and an output file appears whole or not at all, with the path
 * and the reason when a write fails, or when the process is interrupted.
 */
#define _XOPEN_SOURCE 700 /* nftw */
#include "cunit_main.h"
#include "safe_fs.h"
#include "safe_out.h"
#include "temp_cleanup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char root[64];
static int root_fd = -1;

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static int suite_init(void)
{
    snprintf(root, sizeof root, "/tmp/meta-safe-fs-XXXXXX");
    if (!mkdtemp(root))
        return -1;
    root_fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    return root_fd >= 0 ? 0 : -1;
}

static int suite_cleanup(void)
{
    if (root_fd >= 0)
        close(root_fd);
    return nftw(root, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* root/rel, in buf. */
static const char *at(char *buf, size_t size, const char *rel)
{
    snprintf(buf, size, "%s/%s", root, rel);
    return buf;
}

static bool exists(const char *rel)
{
    char p[512];
    struct stat st;
    return lstat(at(p, sizeof p, rel), &st) == 0;
}

static void write_text(const char *rel, const char *text)
{
    char p[512];
    FILE *f = fopen(at(p, sizeof p, rel), "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs(text, f);
    fclose(f);
}

static void read_text(const char *rel, char *buf, size_t size)
{
    char p[512];
    buf[0] = '\0';
    FILE *f = fopen(at(p, sizeof p, rel), "r");
    if (!f)
        return;
    size_t n = fread(buf, 1, size - 1, f);
    buf[n] = '\0';
    fclose(f);
}

static void make_link(const char *target, const char *rel)
{
    char p[512];
    CU_ASSERT_EQUAL_FATAL(symlink(target, at(p, sizeof p, rel)), 0);
}

/* Entries of root/rel whose name starts with a dot (left-over temporaries). */
static int hidden_entries(const char *rel)
{
    char p[512];
    DIR *d = opendir(at(p, sizeof p, rel));
    int n = 0;
    struct dirent *de;
    while (d && (de = readdir(d)) != NULL)
        if (de->d_name[0] == '.' && strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
            n++;
    if (d)
        closedir(d);
    return n;
}

static void expect_msg(const struct meta_error *err, const char *part)
{
    CU_ASSERT_PTR_NOT_NULL(strstr(err->msg, part));
    if (!strstr(err->msg, part))
        fprintf(stderr, "\n  message '%s' lacks '%s'\n", err->msg, part);
}

static void test_mkdirs_creates_and_finds(void)
{
    struct meta_error err;
    int fd = -1;
    CU_ASSERT_EQUAL(
        meta_fs_mkdirs(root_fd, root, "a/b//./c/", 0755, 0, NULL, NULL, NULL, &fd, &err), META_OK);
    CU_ASSERT(fd >= 0);
    CU_ASSERT(exists("a/b/c"));
    /* The descriptor is the last directory: a file made through it lands there. */
    int f = openat(fd, "x", O_WRONLY | O_CREAT | O_EXCL, 0600);
    CU_ASSERT(f >= 0);
    close(f);
    close(fd);
    CU_ASSERT(exists("a/b/c/x"));
    CU_ASSERT_EQUAL(meta_fs_mkdirs(root_fd, root, "a/b/c", 0755, 0, NULL, NULL, NULL, NULL, &err),
                    META_OK);
    /* Absolute paths start at "/". */
    char abs[512];
    CU_ASSERT_EQUAL(meta_fs_mkdirs(AT_FDCWD, NULL, at(abs, sizeof abs, "abs/d"), 0700, 0, NULL,
                                   NULL, NULL, NULL, &err),
                    META_OK);
    CU_ASSERT(exists("abs/d"));
}

static void test_mkdirs_exact_mode(void)
{
    struct meta_error err;
    mode_t old = umask(077);
    CU_ASSERT_EQUAL(meta_fs_mkdirs(root_fd, root, "exact/inner", 0711, META_FS_EXACT_MODE, NULL,
                                   NULL, NULL, NULL, &err),
                    META_OK);
    CU_ASSERT_EQUAL(meta_fs_mkdirs(root_fd, root, "masked", 0711, 0, NULL, NULL, NULL, NULL, &err),
                    META_OK);
    umask(old);
    char p[512];
    struct stat st;
    CU_ASSERT_EQUAL(stat(at(p, sizeof p, "exact/inner"), &st), 0);
    CU_ASSERT_EQUAL(st.st_mode & 07777, 0711);
    CU_ASSERT_EQUAL(stat(at(p, sizeof p, "exact"), &st), 0);
    CU_ASSERT_EQUAL(st.st_mode & 07777, 0711);
    CU_ASSERT_EQUAL(stat(at(p, sizeof p, "masked"), &st), 0);
    CU_ASSERT_EQUAL(st.st_mode & 07777, 0700);
}

static void test_mkdirs_refuses_links(void)
{
    struct meta_error err;
    CU_ASSERT_EQUAL_FATAL(mkdir(at((char[512]){0}, 512, "elsewhere"), 0700), 0);
    make_link("elsewhere", "l_first");
    make_link("nowhere", "l_dangling");
    CU_ASSERT_EQUAL_FATAL(mkdir(at((char[512]){0}, 512, "m"), 0700), 0);
    make_link("../elsewhere", "m/l_middle");
    const char *cases[] = {"l_first", "l_first/x", "l_dangling/x", "m/l_middle/y/z"};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        meta_error_clear(&err);
        int fd = 7;
        CU_ASSERT_EQUAL(
            meta_fs_mkdirs(root_fd, root, cases[i], 0700, 0, NULL, NULL, NULL, &fd, &err),
            META_EINVAL);
        CU_ASSERT_EQUAL(fd, -1);
        expect_msg(&err, "is a symbolic link: refusing to follow it");
    }
    CU_ASSERT(!exists("elsewhere/x"));
    CU_ASSERT(!exists("elsewhere/y"));
    CU_ASSERT(!exists("nowhere"));
    /* Absolute: a link anywhere on the way is refused too. */
    char abs[512];
    CU_ASSERT_EQUAL(meta_fs_mkdirs(AT_FDCWD, NULL, at(abs, sizeof abs, "m/l_middle/q"), 0700, 0,
                                   NULL, NULL, NULL, NULL, &err),
                    META_EINVAL);
    expect_msg(&err, "/m/l_middle' is a symbolic link");
}

static void test_mkdirs_bad_paths(void)
{
    struct meta_error err;
    write_text("plain", "x");
    CU_ASSERT_EQUAL(
        meta_fs_mkdirs(root_fd, root, "plain/sub", 0700, 0, NULL, NULL, NULL, NULL, &err),
        META_EINVAL);
    expect_msg(&err, "/plain' is not a directory");
    CU_ASSERT_EQUAL(meta_fs_mkdirs(root_fd, root, "a/../b", 0700, 0, NULL, NULL, NULL, NULL, &err),
                    META_EINVAL);
    expect_msg(&err, "'..' is not allowed");
    CU_ASSERT_EQUAL(meta_fs_mkdirs(root_fd, root, "", 0700, 0, NULL, NULL, NULL, NULL, &err),
                    META_EINVAL);
}

static void test_mkdirs_no_create(void)
{
    struct meta_error err;
    int fd = 7;
    CU_ASSERT_EQUAL(meta_fs_mkdirs(root_fd, root, "absent/deeper", 0700, META_FS_NO_CREATE, NULL,
                                   NULL, NULL, &fd, &err),
                    META_OK);
    CU_ASSERT_EQUAL(fd, -1);
    CU_ASSERT(!exists("absent"));
}

static void test_mkdirs_rules(void)
{
    struct meta_error err;
    CU_ASSERT_EQUAL_FATAL(mkdir(at((char[512]){0}, 512, "open"), 0700), 0);
    CU_ASSERT_EQUAL_FATAL(chmod(at((char[512]){0}, 512, "open"), 0777), 0);
    struct meta_fs_rule mine = meta_fs_rule_private(geteuid(), false);
    CU_ASSERT_EQUAL(
        meta_fs_mkdirs(root_fd, root, "open/in", 0700, 0, &mine, NULL, NULL, NULL, &err),
        META_EINVAL);
    expect_msg(&err, "/open' may be written by others (mode 0777)");
    CU_ASSERT(!exists("open/in"));
    /* A sticky world-writable directory (like /tmp) passes with sticky_ok. */
    CU_ASSERT_EQUAL_FATAL(chmod(at((char[512]){0}, 512, "open"), 01777), 0);
    struct meta_fs_rule sticky = meta_fs_rule_private(geteuid(), true);
    CU_ASSERT_EQUAL(
        meta_fs_mkdirs(root_fd, root, "open/in", 0700, 0, &sticky, NULL, NULL, NULL, &err),
        META_OK);
    /* Another owner. */
    struct meta_fs_rule other = {geteuid() + 4242, false, 0, false, false};
    CU_ASSERT_EQUAL(meta_fs_mkdirs(root_fd, root, "open", 0700, 0, &other, NULL, NULL, NULL, &err),
                    META_EINVAL);
    expect_msg(&err, "/open' belongs to ");
    expect_msg(&err, "refusing to use it");
}

struct visits {
    int count, created;
    char last[512];
};

static int record_visit(int fd, const char *path, const struct stat *st, bool created, void *ctx,
                        struct meta_error *err)
{
    struct visits *v = ctx;
    struct stat again;
    CU_ASSERT_EQUAL(fstat(fd, &again), 0);
    CU_ASSERT_EQUAL(again.st_ino, st->st_ino);
    v->count++;
    v->created += created;
    snprintf(v->last, sizeof v->last, "%s", path);
    if (strstr(path, "stop"))
        return meta_error_set(err, META_EIO, "stopped at %s", path);
    return META_OK;
}

static void test_mkdirs_visits(void)
{
    struct meta_error err;
    struct visits v = {0};
    CU_ASSERT_EQUAL(
        meta_fs_mkdirs(root_fd, root, "v1/v2", 0700, 0, NULL, record_visit, &v, NULL, &err),
        META_OK);
    CU_ASSERT_EQUAL(v.count, 2);
    CU_ASSERT_EQUAL(v.created, 2);
    char want[512];
    CU_ASSERT_STRING_EQUAL(v.last, at(want, sizeof want, "v1/v2"));
    memset(&v, 0, sizeof v);
    CU_ASSERT_EQUAL(
        meta_fs_mkdirs(root_fd, root, "v1/v2/v3", 0700, 0, NULL, record_visit, &v, NULL, &err),
        META_OK);
    CU_ASSERT_EQUAL(v.count, 3);
    CU_ASSERT_EQUAL(v.created, 1);
    memset(&v, 0, sizeof v);
    CU_ASSERT_EQUAL(
        meta_fs_mkdirs(root_fd, root, "v1/stop/after", 0700, 0, NULL, record_visit, &v, NULL, &err),
        META_EIO);
    expect_msg(&err, "stopped at");
    CU_ASSERT(!exists("v1/stop/after"));
}

static void test_open_file(void)
{
    struct meta_error err;
    int fd = -1;
    CU_ASSERT_EQUAL_FATAL(mkdir(at((char[512]){0}, 512, "f"), 0700), 0);
    int dir = openat(root_fd, "f", O_RDONLY | O_DIRECTORY);
    write_text("f/regular", "hello");
    write_text("secret", "do not touch");
    make_link("../secret", "f/link");
    make_link("../created_through", "f/dangling");
    CU_ASSERT_EQUAL_FATAL(mkfifo(at((char[512]){0}, 512, "f/fifo"), 0600), 0);
    CU_ASSERT_EQUAL_FATAL(mkdir(at((char[512]){0}, 512, "f/dir"), 0700), 0);

    CU_ASSERT_EQUAL(meta_fs_open_file(dir, "f", "regular", O_RDONLY, 0, NULL, &fd, &err), META_OK);
    CU_ASSERT(fd >= 0);
    close(fd);
    CU_ASSERT_EQUAL(meta_fs_open_file(dir, "f", "absent", O_RDONLY, 0, NULL, &fd, &err), META_OK);
    CU_ASSERT_EQUAL(fd, -1);

    int modes[] = {O_RDONLY, O_WRONLY | O_TRUNC, O_RDWR | O_CREAT, O_WRONLY | O_APPEND};
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        CU_ASSERT_EQUAL(meta_fs_open_file(dir, "f", "link", modes[i], 0600, NULL, &fd, &err),
                        META_EINVAL);
        expect_msg(&err, "f/link' is a symbolic link");
        /* A FIFO is refused at once, never waited on. */
        CU_ASSERT_EQUAL(meta_fs_open_file(dir, "f", "fifo", modes[i], 0600, NULL, &fd, &err),
                        META_EINVAL);
        expect_msg(&err, "f/fifo' is not a regular file (a FIFO)");
        CU_ASSERT_EQUAL(meta_fs_open_file(dir, "f", "dir", modes[i], 0600, NULL, &fd, &err),
                        META_EINVAL);
        expect_msg(&err, "f/dir' is a directory");
    }
    CU_ASSERT_EQUAL(
        meta_fs_open_file(dir, "f", "dangling", O_WRONLY | O_CREAT, 0600, NULL, &fd, &err),
        META_EINVAL);
    CU_ASSERT(!exists("created_through"));
    char text[64];
    read_text("secret", text, sizeof text);
    CU_ASSERT_STRING_EQUAL(text, "do not touch");

    /* O_TRUNC applies only once the checks passed. */
    CU_ASSERT_EQUAL(meta_fs_open_file(dir, "f", "regular", O_WRONLY | O_TRUNC, 0, NULL, &fd, &err),
                    META_OK);
    close(fd);
    read_text("f/regular", text, sizeof text);
    CU_ASSERT_STRING_EQUAL(text, "");
    struct meta_fs_rule other = {geteuid() + 4242, false, 0, false, false};
    write_text("f/regular", "kept");
    CU_ASSERT_EQUAL(
        meta_fs_open_file(dir, "f", "regular", O_WRONLY | O_TRUNC, 0, &other, &fd, &err),
        META_EINVAL);
    read_text("f/regular", text, sizeof text);
    CU_ASSERT_STRING_EQUAL(text, "kept");

    /* A second hard link is refused under one_link. */
    CU_ASSERT_EQUAL_FATAL(linkat(dir, "regular", dir, "hard", 0), 0);
    struct meta_fs_rule one = meta_fs_rule_private(geteuid(), false);
    one.one_link = true;
    CU_ASSERT_EQUAL(meta_fs_open_file(dir, "f", "hard", O_RDONLY, 0, &one, &fd, &err), META_EINVAL);
    expect_msg(&err, "f/hard' has 2 hard links");
    CU_ASSERT_EQUAL(meta_fs_open_file(dir, "f", "../secret", O_RDONLY, 0, NULL, &fd, &err),
                    META_EINVAL);
    close(dir);
}

static void test_open_dir_and_stat(void)
{
    struct meta_error err;
    int fd = -1;
    CU_ASSERT_EQUAL_FATAL(mkdir(at((char[512]){0}, 512, "d"), 0700), 0);
    CU_ASSERT_EQUAL_FATAL(mkdir(at((char[512]){0}, 512, "d/sub"), 0700), 0);
    make_link("sub", "d/link");
    write_text("d/file", "x");
    int dir = openat(root_fd, "d", O_RDONLY | O_DIRECTORY);
    CU_ASSERT_EQUAL(meta_fs_open_dir(dir, "d", "sub", NULL, &fd, &err), META_OK);
    CU_ASSERT(fd >= 0);
    close(fd);
    CU_ASSERT_EQUAL(meta_fs_open_dir(dir, "d", "absent", NULL, &fd, &err), META_OK);
    CU_ASSERT_EQUAL(fd, -1);
    CU_ASSERT_EQUAL(meta_fs_open_dir(dir, "d", "link", NULL, &fd, &err), META_EINVAL);
    expect_msg(&err, "d/link' is a symbolic link");
    CU_ASSERT_EQUAL(meta_fs_open_dir(dir, "d", "file", NULL, &fd, &err), META_EINVAL);
    expect_msg(&err, "d/file' is not a directory");

    bool there = true;
    struct stat st;
    CU_ASSERT_EQUAL(meta_fs_stat(dir, "d", "absent", NULL, &st, &there, &err), META_OK);
    CU_ASSERT(!there);
    CU_ASSERT_EQUAL(meta_fs_stat(dir, "d", "file", NULL, &st, &there, &err), META_OK);
    CU_ASSERT(there && S_ISREG(st.st_mode));
    CU_ASSERT_EQUAL(meta_fs_stat(dir, "d", "link", NULL, &st, &there, &err), META_EINVAL);
    CU_ASSERT(there);
    expect_msg(&err, "d/link' is a symbolic link");
    close(dir);
}

static void test_out_whole_or_nothing(void)
{
    struct meta_error err;
    CU_ASSERT_EQUAL_FATAL(mkdir(at((char[512]){0}, 512, "o"), 0700), 0);
    int dir = openat(root_fd, "o", O_RDONLY | O_DIRECTORY);
    struct meta_fs_out o;
    CU_ASSERT_EQUAL_FATAL(meta_fs_out_open(&o, dir, "out", "table.txt", 0644, 0, &err), META_OK);
    CU_ASSERT_EQUAL(meta_fs_out_write(&o, "first\n", 6, &err), META_OK);
    CU_ASSERT(!exists("o/table.txt"));
    CU_ASSERT_EQUAL(meta_fs_out_commit(&o, &err), META_OK);
    char text[64];
    read_text("o/table.txt", text, sizeof text);
    CU_ASSERT_STRING_EQUAL(text, "first\n");

    /* Replacing: the old file stays whole until the commit. */
    CU_ASSERT_EQUAL_FATAL(meta_fs_out_open(&o, dir, "out", "table.txt", 0644, META_FS_SYNC, &err),
                          META_OK);
    FILE *f = meta_fs_out_stream(&o, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fprintf(f, "second %d\n", 2);
    CU_ASSERT_EQUAL(meta_fs_out_write(&o, "more\n", 5, &err), META_OK);
    read_text("o/table.txt", text, sizeof text);
    CU_ASSERT_STRING_EQUAL(text, "first\n");
    CU_ASSERT_EQUAL(meta_fs_out_commit(&o, &err), META_OK);
    read_text("o/table.txt", text, sizeof text);
    CU_ASSERT_STRING_EQUAL(text, "second 2\nmore\n");

    /* Discarding leaves the target as it was and no temporary file. */
    CU_ASSERT_EQUAL_FATAL(meta_fs_out_open(&o, dir, "out", "table.txt", 0644, 0, &err), META_OK);
    CU_ASSERT_EQUAL(meta_fs_out_write(&o, "partial", 7, &err), META_OK);
    meta_fs_out_discard(&o);
    meta_fs_out_discard(&o);
    read_text("o/table.txt", text, sizeof text);
    CU_ASSERT_STRING_EQUAL(text, "second 2\nmore\n");
    CU_ASSERT_EQUAL(hidden_entries("o"), 0);
    struct meta_fs_out zero = {0};
    meta_fs_out_discard(&zero);
    close(dir);
}

/* META_FS_KEEP_SAME: bytes gathered in memory; a target that already holds
 * them keeps its inode (no new file), one that differs is replaced whole, a
 * new one is created, a link in its place is replaced (never written
 * through), and a discard leaves nothing. */
static void test_out_keep_same(void)
{
    struct meta_error err;
    char buf[512], text[64];
    CU_ASSERT_EQUAL_FATAL(mkdir(at(buf, sizeof buf, "k"), 0700), 0);
    int dir = openat(root_fd, "k", O_RDONLY | O_DIRECTORY);
    struct meta_fs_out o;
    CU_ASSERT_EQUAL_FATAL(meta_fs_out_open(&o, dir, "k", "r.json", 0644, META_FS_KEEP_SAME, &err),
                          META_OK);
    CU_ASSERT_EQUAL(o.fd, -1);
    CU_ASSERT_EQUAL(meta_fs_out_write(&o, "{\"k\": 1}\n", 9, &err), META_OK);
    CU_ASSERT(!exists("k/r.json"));
    CU_ASSERT_EQUAL(meta_fs_out_commit(&o, &err), META_OK);
    read_text("k/r.json", text, sizeof text);
    CU_ASSERT_STRING_EQUAL(text, "{\"k\": 1}\n");
    struct stat first, again;
    CU_ASSERT_EQUAL_FATAL(stat(at(buf, sizeof buf, "k/r.json"), &first), 0);

    /* The same bytes again: the file is left as it is. */
    CU_ASSERT_EQUAL_FATAL(meta_fs_out_open(&o, dir, "k", "r.json", 0644, META_FS_KEEP_SAME, &err),
                          META_OK);
    FILE *f = meta_fs_out_stream(&o, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fprintf(f, "{\"k\": %d}\n", 1);
    CU_ASSERT_EQUAL(meta_fs_out_commit(&o, &err), META_OK);
    CU_ASSERT_EQUAL_FATAL(stat(at(buf, sizeof buf, "k/r.json"), &again), 0);
    CU_ASSERT_EQUAL(again.st_ino, first.st_ino);
    CU_ASSERT_EQUAL(hidden_entries("k"), 0);

    /* Other bytes, even of the same length: replaced by a new file. */
    CU_ASSERT_EQUAL_FATAL(meta_fs_out_open(&o, dir, "k", "r.json", 0644, META_FS_KEEP_SAME, &err),
                          META_OK);
    CU_ASSERT_EQUAL(meta_fs_out_write(&o, "{\"k\": 2}\n", 9, &err), META_OK);
    CU_ASSERT_EQUAL(meta_fs_out_commit(&o, &err), META_OK);
    read_text("k/r.json", text, sizeof text);
    CU_ASSERT_STRING_EQUAL(text, "{\"k\": 2}\n");
    CU_ASSERT_EQUAL_FATAL(stat(at(buf, sizeof buf, "k/r.json"), &again), 0);
    CU_ASSERT_NOT_EQUAL(again.st_ino, first.st_ino);

    /* A discard leaves the target and no temporary file. */
    CU_ASSERT_EQUAL_FATAL(meta_fs_out_open(&o, dir, "k", "r.json", 0644, META_FS_KEEP_SAME, &err),
                          META_OK);
    CU_ASSERT_EQUAL(meta_fs_out_write(&o, "partial", 7, &err), META_OK);
    meta_fs_out_discard(&o);
    read_text("k/r.json", text, sizeof text);
    CU_ASSERT_STRING_EQUAL(text, "{\"k\": 2}\n");
    CU_ASSERT_EQUAL(hidden_entries("k"), 0);

    /* A link planted after the open, pointing at a file with the same bytes:
     * not read through, and replaced by the file, the link's target untouched. */
    CU_ASSERT_EQUAL_FATAL(meta_fs_out_open(&o, dir, "k", "l.json", 0644, META_FS_KEEP_SAME, &err),
                          META_OK);
    CU_ASSERT_EQUAL(meta_fs_out_write(&o, "{\"k\": 2}\n", 9, &err), META_OK);
    CU_ASSERT_EQUAL_FATAL(symlinkat("r.json", dir, "l.json"), 0);
    CU_ASSERT_EQUAL(meta_fs_out_commit(&o, &err), META_OK);
    struct stat l;
    CU_ASSERT_EQUAL_FATAL(lstat(at(buf, sizeof buf, "k/l.json"), &l), 0);
    CU_ASSERT(S_ISREG(l.st_mode));
    CU_ASSERT_EQUAL_FATAL(stat(at(buf, sizeof buf, "k/r.json"), &again), 0);
    CU_ASSERT_NOT_EQUAL(again.st_ino, l.st_ino);
    close(dir);
}

static void test_out_refuses_links(void)
{
    struct meta_error err;
    CU_ASSERT_EQUAL_FATAL(mkdir(at((char[512]){0}, 512, "ol"), 0700), 0);
    int dir = openat(root_fd, "ol", O_RDONLY | O_DIRECTORY);
    write_text("victim", "precious");
    make_link("../victim", "ol/plot.png");
    make_link("../not_created", "ol/dangling.svg");
    CU_ASSERT_EQUAL_FATAL(mkdir(at((char[512]){0}, 512, "ol/adir"), 0700), 0);
    CU_ASSERT_EQUAL_FATAL(mkfifo(at((char[512]){0}, 512, "ol/fifo"), 0600), 0);
    struct meta_fs_out o;
    CU_ASSERT_EQUAL(meta_fs_out_open(&o, dir, "out", "plot.png", 0644, 0, &err), META_EINVAL);
    expect_msg(&err, "out/plot.png' is a symbolic link");
    CU_ASSERT_EQUAL(meta_fs_out_open(&o, dir, "out", "dangling.svg", 0644, 0, &err), META_EINVAL);
    CU_ASSERT_EQUAL(meta_fs_out_open(&o, dir, "out", "adir", 0644, 0, &err), META_EINVAL);
    expect_msg(&err, "out/adir' is a directory");
    CU_ASSERT_EQUAL(meta_fs_out_open(&o, dir, "out", "fifo", 0644, 0, &err), META_EINVAL);
    expect_msg(&err, "out/fifo' is not a regular file");
    CU_ASSERT_EQUAL(meta_fs_out_open(&o, dir, "out", "sub/x", 0644, 0, &err), META_EINVAL);
    expect_msg(&err, "is not a single file name");
    meta_fs_out_discard(&o);
    char text[64];
    read_text("victim", text, sizeof text);
    CU_ASSERT_STRING_EQUAL(text, "precious");
    CU_ASSERT(!exists("not_created"));
    CU_ASSERT_EQUAL(hidden_entries("ol"), 0);
    close(dir);
}

static int open_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    int n = 0;
    while (d && readdir(d))
        n++;
    if (d)
        closedir(d);
    return n;
}

/* Outputs under an output directory, in subdirectories made on the way. */
static void test_out_under_a_directory(void)
{
    struct meta_error err;
    CU_ASSERT_EQUAL_FATAL(mkdir(at((char[512]){0}, 512, "report"), 0755), 0);
    CU_ASSERT_EQUAL_FATAL(mkdir(at((char[512]){0}, 512, "outside"), 0755), 0);
    make_link("../outside", "report/linked");
    int dir = openat(root_fd, "report", O_RDONLY | O_DIRECTORY);
    int fds = open_fds();
    struct meta_fs_out o;
    CU_ASSERT_EQUAL_FATAL(
        meta_fs_out_open_path(&o, dir, "report", "plots/bcg/forest.png", 0755, 0644, 0, &err),
        META_OK);
    CU_ASSERT_STRING_EQUAL(o.path, "report/plots/bcg/forest.png");
    CU_ASSERT_EQUAL(meta_fs_out_write(&o, "png", 3, &err), META_OK);
    CU_ASSERT_EQUAL(meta_fs_out_commit(&o, &err), META_OK);
    char text[64];
    read_text("report/plots/bcg/forest.png", text, sizeof text);
    CU_ASSERT_STRING_EQUAL(text, "png");
    CU_ASSERT_EQUAL_FATAL(
        meta_fs_out_open_path(&o, dir, "report", "table.txt", 0755, 0644, 0, &err), META_OK);
    meta_fs_out_discard(&o);
    CU_ASSERT(!exists("report/table.txt"));
    CU_ASSERT_EQUAL(open_fds(), fds);

    const char *refused[] = {"linked/x.png",
                             "linked/deeper/x.png",
                             "../escape.png",
                             "plots/../../escape.png",
                             "/tmp/absolute.png",
                             "",
                             "plots/"};
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        CU_ASSERT_EQUAL(meta_fs_out_open_path(&o, dir, "report", refused[i], 0755, 0644, 0, &err),
                        META_EINVAL);
        meta_fs_out_discard(&o);
    }
    CU_ASSERT_EQUAL(meta_fs_out_open_path(&o, dir, "report", "linked/x.png", 0755, 0644, 0, &err),
                    META_EINVAL);
    expect_msg(&err, "'report/linked' is a symbolic link");
    CU_ASSERT_EQUAL(open_fds(), fds);
    CU_ASSERT_EQUAL(hidden_entries("outside"), 0);
    CU_ASSERT(!exists("outside/x.png"));
    CU_ASSERT(!exists("outside/deeper"));
    CU_ASSERT(!exists("escape.png"));
    CU_ASSERT_EQUAL(
        meta_fs_out_open_path(&o, dir, "report", "new/../../escape.png", 0755, 0644, 0, &err),
        META_EINVAL);
    CU_ASSERT(!exists("report/new"));
    close(dir);
}

/* A write that fails (the file size limit stands in for a full disk): the
 * error names the path and the reason, and nothing partial is left. */
static void test_out_write_failure(void)
{
    struct meta_error err;
    CU_ASSERT_EQUAL_FATAL(mkdir(at((char[512]){0}, 512, "full"), 0700), 0);
    int dir = openat(root_fd, "full", O_RDONLY | O_DIRECTORY);
    write_text("full/big.png", "old");
    struct rlimit old, small = {1024, 1024};
    getrlimit(RLIMIT_FSIZE, &old);
    void (*prev)(int) = signal(SIGXFSZ, SIG_IGN);
    small.rlim_max = old.rlim_max;
    CU_ASSERT_EQUAL_FATAL(setrlimit(RLIMIT_FSIZE, &small), 0);
    static char block[4096];
    memset(block, 'x', sizeof block);

    struct meta_fs_out o;
    CU_ASSERT_EQUAL_FATAL(meta_fs_out_open(&o, dir, "full", "big.png", 0644, 0, &err), META_OK);
    CU_ASSERT_EQUAL(meta_fs_out_write(&o, block, sizeof block, &err), META_EIO);
    expect_msg(&err, "cannot write 'full/big.png': File too large");
    meta_fs_out_discard(&o);

    /* Through a stream the failure shows at the commit. */
    CU_ASSERT_EQUAL_FATAL(meta_fs_out_open(&o, dir, "full", "big.png", 0644, 0, &err), META_OK);
    FILE *f = meta_fs_out_stream(&o, &err);
    for (int i = 0; i < 4; i++)
        fwrite(block, 1, sizeof block, f);
    CU_ASSERT_EQUAL(meta_fs_out_commit(&o, &err), META_EIO);
    expect_msg(&err, "cannot write 'full/big.png': File too large");

    setrlimit(RLIMIT_FSIZE, &old);
    signal(SIGXFSZ, prev);
    char text[64];
    read_text("full/big.png", text, sizeof text);
    CU_ASSERT_STRING_EQUAL(text, "old");
    CU_ASSERT_EQUAL(hidden_entries("full"), 0);
    close(dir);
}

/* A stream of meta_fs_stream_fd keeps the reason of its first failed write
 * however late the failure is noticed: stdio drops the buffer it could not
 * write, and errno is long overwritten by then. */
static void test_stream_keeps_reason(void)
{
    int fd = open("/dev/full", O_WRONLY | O_CLOEXEC);
    CU_ASSERT_FATAL(fd >= 0);
    int error = 0;
    FILE *f = meta_fs_stream_fd(fd, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    static char block[3 * BUFSIZ];
    memset(block, 'x', sizeof block);
    CU_ASSERT(fwrite(block, 1, sizeof block, f) < sizeof block);
    CU_ASSERT(ferror(f));
    CU_ASSERT_NOT_EQUAL(access("/nonexistent/meta", F_OK), 0); /* errno: ENOENT now */
    CU_ASSERT_EQUAL(error, ENOSPC);
    struct meta_error err;
    fclose(f);
    /* Closing the stream left the descriptor open. */
    CU_ASSERT_EQUAL(meta_fs_close(fd, "/dev/full", &err), META_OK);

    /* The same for an output file: the commit names the first failure. */
    CU_ASSERT_EQUAL_FATAL(mkdir(at((char[512]){0}, 512, "late"), 0700), 0);
    int dir = openat(root_fd, "late", O_RDONLY | O_DIRECTORY);
    struct rlimit old, small = {1024, 1024};
    getrlimit(RLIMIT_FSIZE, &old);
    void (*prev)(int) = signal(SIGXFSZ, SIG_IGN);
    small.rlim_max = old.rlim_max;
    CU_ASSERT_EQUAL_FATAL(setrlimit(RLIMIT_FSIZE, &small), 0);
    struct meta_fs_out o;
    CU_ASSERT_EQUAL_FATAL(meta_fs_out_open(&o, dir, "late", "out.json", 0644, 0, &err), META_OK);
    FILE *s = meta_fs_out_stream(&o, &err);
    CU_ASSERT(fwrite(block, 1, sizeof block, s) < sizeof block);
    CU_ASSERT_NOT_EQUAL(access("/nonexistent/meta", F_OK), 0);
    CU_ASSERT_EQUAL(meta_fs_out_commit(&o, &err), META_EIO);
    expect_msg(&err, "cannot write 'late/out.json': File too large");
    setrlimit(RLIMIT_FSIZE, &old);
    signal(SIGXFSZ, prev);
    CU_ASSERT_EQUAL(hidden_entries("late"), 0);
    close(dir);
}

static void test_stream_and_fd_checks(void)
{
    struct meta_error err;
    FILE *f = fopen("/dev/full", "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs("lost", f);
    CU_ASSERT_EQUAL(meta_fs_stream_close(f, "standard output", &err), META_EIO);
    expect_msg(&err, "cannot write 'standard output': No space left on device");

    int fds[2];
    CU_ASSERT_EQUAL_FATAL(pipe(fds), 0);
    close(fds[0]);
    void (*prev)(int) = signal(SIGPIPE, SIG_IGN);
    CU_ASSERT_EQUAL(meta_fs_write_all(fds[1], "x", 1, "the pipe", &err), META_EIO);
    expect_msg(&err, "cannot write 'the pipe': Broken pipe");
    signal(SIGPIPE, prev);
    CU_ASSERT_EQUAL(meta_fs_close(fds[1], "the pipe", &err), META_OK);
    CU_ASSERT_EQUAL(meta_fs_close(fds[1], "the pipe", &err), META_EIO);
    expect_msg(&err, "Bad file descriptor");

    f = tmpfile();
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs("fine", f);
    CU_ASSERT_EQUAL(meta_fs_stream_close(f, "a file", &err), META_OK);
}

/* Inputs the user names: links followed, anything but a regular file
 * refused without blocking, messages naming the file first. */
static void test_open_input(void)
{
    struct meta_error err;
    char path[512], target[600];
    int fd = -1;
    CU_ASSERT_EQUAL_FATAL(mkdir(at(path, sizeof path, "in"), 0700), 0);
    write_text("in/data.csv", "a,b\n");
    make_link("data.csv", "in/link.csv");
    CU_ASSERT_EQUAL_FATAL(mkfifo(at(path, sizeof path, "in/fifo.csv"), 0600), 0);

    CU_ASSERT_EQUAL(meta_fs_open_input(at(path, sizeof path, "in/link.csv"), &fd, &err), META_OK);
    char buf[8] = "";
    CU_ASSERT_EQUAL(read(fd, buf, sizeof buf - 1), 4);
    CU_ASSERT_STRING_EQUAL(buf, "a,b\n");
    /* Blocking again, as readers expect. */
    CU_ASSERT_EQUAL(fcntl(fd, F_GETFL) & O_NONBLOCK, 0);
    close(fd);

    CU_ASSERT_EQUAL(meta_fs_open_input(at(path, sizeof path, "in/fifo.csv"), &fd, &err),
                    META_EINVAL);
    CU_ASSERT_EQUAL(fd, -1);
    snprintf(target, sizeof target, "%s: is a FIFO, not a regular file: refusing to read it", path);
    CU_ASSERT_STRING_EQUAL(err.msg, target);
    CU_ASSERT_EQUAL(meta_fs_open_input("/dev/null", &fd, &err), META_EINVAL);
    CU_ASSERT_STRING_EQUAL(err.msg,
                           "/dev/null: is a character device, not a regular file: refusing to "
                           "read it");
    CU_ASSERT_EQUAL(meta_fs_open_input(at(path, sizeof path, "in"), &fd, &err), META_EINVAL);
    expect_msg(&err, "in: is a directory, not a file");
    CU_ASSERT_EQUAL(meta_fs_open_input(at(path, sizeof path, "in/none.csv"), &fd, &err), META_EIO);
    expect_msg(&err, "in/none.csv: cannot read: No such file or directory");
}

/* An output at a path the user named: the directory as named (a link there
 * is the user's), the file itself never through a link. */
static void test_out_open_file(void)
{
    struct meta_error err;
    struct meta_fs_out o;
    char path[512];
    CU_ASSERT_EQUAL_FATAL(mkdir(at(path, sizeof path, "named"), 0700), 0);
    make_link("named", "named-link");
    write_text("kept", "kept");
    make_link("../kept", "named/plot.png");

    CU_ASSERT_EQUAL(
        meta_fs_out_open_file(&o, at(path, sizeof path, "named-link/x.txt"), 0666, 0, &err),
        META_OK);
    CU_ASSERT_EQUAL(meta_fs_out_write(&o, "new", 3, &err), META_OK);
    CU_ASSERT_EQUAL(meta_fs_out_commit(&o, &err), META_OK);
    char text[64];
    read_text("named/x.txt", text, sizeof text);
    CU_ASSERT_STRING_EQUAL(text, "new");

    CU_ASSERT_EQUAL(
        meta_fs_out_open_file(&o, at(path, sizeof path, "named/plot.png"), 0666, 0, &err),
        META_EINVAL);
    expect_msg(&err, "named/plot.png' is a symbolic link: refusing to write through it");
    read_text("kept", text, sizeof text);
    CU_ASSERT_STRING_EQUAL(text, "kept");
    CU_ASSERT_EQUAL(meta_fs_out_open_file(&o, at(path, sizeof path, "named/"), 0666, 0, &err),
                    META_EINVAL);
    expect_msg(&err, "names no file");
    CU_ASSERT_EQUAL(meta_fs_out_open_file(&o, at(path, sizeof path, "none/x.png"), 0666, 0, &err),
                    META_EIO);
    expect_msg(&err, "none/x.png': No such file or directory");
}

/* In a child process: the handlers installed (SIGHUP ignored first when
 * hup_ignored), 200 outputs written and committed (their notes forgotten),
 * one committed in dir/sub, then one open in dir and one in dir/plots, and
 * the signal sent. Exits 0 if it survives the signal. */
static void interrupted_child(int sig, bool hup_ignored)
{
    if (hup_ignored)
        signal(SIGHUP, SIG_IGN);
    meta_temp_remove_on_signals();
    struct meta_error err;
    int dir = openat(root_fd, "sig", O_RDONLY | O_DIRECTORY);
    struct meta_fs_out o, open_top, open_sub;
    for (int i = 0; i < 200; i++)
        if (meta_fs_out_open(&o, dir, "sig", "kept.txt", 0644, 0, &err) != META_OK ||
            meta_fs_out_write(&o, "kept\n", 5, &err) != META_OK ||
            meta_fs_out_commit(&o, &err) != META_OK)
            _exit(3);
    if (meta_fs_out_open_path(&o, dir, "sig", "sub/done.json", 0755, 0644, META_FS_KEEP_SAME,
                              &err) != META_OK ||
        meta_fs_out_write(&o, "{}\n", 3, &err) != META_OK ||
        meta_fs_out_commit(&o, &err) != META_OK)
        _exit(3);
    if (meta_fs_out_open(&open_top, dir, "sig", "table.txt", 0644, 0, &err) != META_OK ||
        meta_fs_out_write(&open_top, "partial", 7, &err) != META_OK ||
        meta_fs_out_open_path(&open_sub, dir, "sig", "plots/forest.png", 0755, 0644, 0, &err) !=
            META_OK ||
        meta_fs_out_write(&open_sub, "png", 3, &err) != META_OK)
        _exit(3);
    kill(getpid(), sig);
    if (meta_fs_out_commit(&open_top, &err) != META_OK ||
        meta_fs_out_commit(&open_sub, &err) != META_OK)
        _exit(3);
    _exit(0);
}

/* SIGINT, SIGTERM and SIGHUP remove the outputs still being written and the
 * process dies of the signal; committed outputs stay; an ignored SIGHUP
 * stays ignored. */
static void test_out_removed_on_signal(void)
{
    const int signals[] = {SIGINT, SIGTERM, SIGHUP};
    for (int ignored = 0; ignored < 2; ignored++)
        for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++) {
            if (ignored && signals[i] != SIGHUP)
                continue;
            CU_ASSERT_EQUAL_FATAL(mkdir(at((char[512]){0}, 512, "sig"), 0700), 0);
            pid_t pid = fork();
            CU_ASSERT_FATAL(pid >= 0);
            if (pid == 0)
                interrupted_child(signals[i], ignored);
            int status = 0;
            CU_ASSERT_EQUAL_FATAL(waitpid(pid, &status, 0), pid);
            if (ignored) {
                CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
                CU_ASSERT(exists("sig/table.txt") && exists("sig/plots/forest.png"));
            } else {
                CU_ASSERT(WIFSIGNALED(status) && WTERMSIG(status) == signals[i]);
                CU_ASSERT(!exists("sig/table.txt") && !exists("sig/plots/forest.png"));
            }
            CU_ASSERT(exists("sig/kept.txt") && exists("sig/sub/done.json"));
            CU_ASSERT_EQUAL(hidden_entries("sig"), 0);
            CU_ASSERT_EQUAL(hidden_entries("sig/plots"), 0);
            CU_ASSERT_EQUAL(hidden_entries("sig/sub"), 0);
            char p[512];
            CU_ASSERT_EQUAL(nftw(at(p, sizeof p, "sig"), remove_entry, 16, FTW_DEPTH | FTW_PHYS),
                            0);
        }
}

int main(void)
{
    static const struct meta_test_case cases[] = {
        {"mkdirs creates and finds", test_mkdirs_creates_and_finds},
        {"mkdirs: exact mode whatever the umask", test_mkdirs_exact_mode},
        {"mkdirs refuses a link at any component", test_mkdirs_refuses_links},
        {"mkdirs: files, '..' and empty paths", test_mkdirs_bad_paths},
        {"mkdirs without creating", test_mkdirs_no_create},
        {"mkdirs: ownership and mode rules", test_mkdirs_rules},
        {"mkdirs visits each directory", test_mkdirs_visits},
        {"open_file: links, FIFOs, directories, truncation", test_open_file},
        {"open_dir and stat refuse links", test_open_dir_and_stat},
        {"an output file appears whole or not at all", test_out_whole_or_nothing},
        {"an output file never goes through a link", test_out_refuses_links},
        {"an output that would not change is left alone", test_out_keep_same},
        {"outputs in subdirectories of an output directory", test_out_under_a_directory},
        {"a failed write names the path and leaves nothing", test_out_write_failure},
        {"stream, write and close checks", test_stream_and_fd_checks},
        {"a stream keeps the reason of its first failure", test_stream_keeps_reason},
        {"inputs: links followed, only regular files", test_open_input},
        {"outputs at a path the user named", test_out_open_file},
        {"an interrupt removes the outputs being written", test_out_removed_on_signal},
        {NULL, NULL},
    };
    return meta_test_run_suite("safe file system", suite_init, suite_cleanup, cases);
}
