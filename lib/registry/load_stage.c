/*
 * What the steps of a load share to word their messages (see load_stage.h):
 * the file a staged row came from and the column of a known field in it,
 * so that the checks and the merge, which find problems in SQL, name
 * FILE:LINE:COLUMN like the row checks do.
 */
#include "load_stage.h"

size_t meta_load_column(const struct meta_load_run *run, long long file_no, enum meta_load_col col)
{
    if (file_no < 0 || (size_t)file_no >= run->nfiles || run->files[file_no].col[col] < 0)
        return 1;
    return (size_t)run->files[file_no].col[col] + 1;
}

const char *meta_load_file_name(const struct meta_load_run *run, long long file_no)
{
    return file_no >= 0 && (size_t)file_no < run->nfiles ? run->files[file_no].name : "?";
}
