/*
 * What `meta run` and `meta history` share about the history of analysis
 * runs: how an analysis file is known in it (its absolute path) and the
 * SHA-256 of its bytes.
 */
#ifndef META_LIVING_CLI_H
#define META_LIVING_CLI_H

#include "meta_status.h"

#include <stddef.h>

/*
 * The identity of the analysis file at path in the history: its absolute
 * path with symbolic links, "." and ".." resolved (realpath); for a file
 * that no longer exists, path made absolute from the working directory,
 * so that the history of a deleted file can still be listed. Writes it
 * into out (size bytes). Returns META_OK, or META_EIO with err saying why.
 */
int cli_analysis_identity(const char *path, char *out, size_t size, struct meta_error *err);

#endif
