/*
 * `meta import --analyses DIR`: one analysis file per RevMan analysis
 * (lib/import's writer), each written whole or not at all into a directory
 * reached without following a symbolic link, so that an import never writes
 * through a link planted in DIR and a failure leaves no half-written file.
 */
#include "meta_importer.h"
#include "safe_fs.h"
#include "safe_out.h"

#include <fcntl.h>
#include <stdio.h>

int meta_import_open_dir(const char *dir, int *dir_fd, struct meta_error *err)
{
    *dir_fd = -1;
    if (!dir || !*dir)
        return meta_error_set(err, META_EINVAL, "the analyses directory has no name");
    return meta_fs_mkdirs(AT_FDCWD, NULL, dir, 0777, 0, NULL, NULL, NULL, dir_fd, err);
}

/* Writes one analysis file. */
static int write_one(const struct meta_review *rv, const struct meta_review_analysis *an,
                     const char *prefix, int dir_fd, const char *dir, struct meta_error *err)
{
    char id[32], name[48];
    meta_review_analysis_id(an, id, sizeof id);
    snprintf(name, sizeof name, "%s.ini", id);
    struct meta_fs_out o;
    int ret = meta_fs_out_open(&o, dir_fd, dir, name, 0666, 0, err);
    if (ret != META_OK)
        return ret;
    FILE *f = meta_fs_out_stream(&o, err);
    if (!f) {
        meta_fs_out_discard(&o);
        return META_ENOMEM;
    }
    ret = meta_review_write_analysis(f, rv, an, prefix, err);
    if (ret == META_EIO)
        meta_error_set(err, ret, "cannot write '%s/%s'", dir, name);
    if (ret != META_OK) {
        meta_fs_out_discard(&o);
        return ret;
    }
    return meta_fs_out_commit(&o, err);
}

/* Whether RevMan shows every study of an analysis as not estimable (no
 * events in either arm...): meta finds nothing to pool either. */
static int none_estimable(const struct meta_review_analysis *an)
{
    for (size_t i = 0; i < an->n_rows; i++)
        if (an->rows[i].estimable != 0)
            return 0;
    return 1;
}

int meta_import_write_analyses(const struct meta_review *rv, const char *prefix, int dir_fd,
                               const char *dir, size_t *written, size_t *skipped,
                               struct meta_error *err)
{
    size_t n_written = 0, n_skipped = 0;
    int ret = META_OK;
    for (size_t i = 0; i < rv->n_analyses && ret == META_OK; i++) {
        const struct meta_review_analysis *an = &rv->analyses[i];
        struct meta_review_map map;
        meta_review_map_settings(an, &map);
        if (!map.measure || none_estimable(an)) {
            n_skipped++; /* nothing to recompute */
            continue;
        }
        ret = write_one(rv, an, prefix, dir_fd, dir, err);
        if (ret == META_OK)
            n_written++;
    }
    if (written)
        *written = n_written;
    if (skipped)
        *skipped = n_skipped;
    return ret;
}
