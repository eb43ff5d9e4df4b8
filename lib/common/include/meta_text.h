/*
 * Copying text into fixed-size buffers, cut to fit as snprintf's "%s" cuts
 * it, without snprintf's cost: names and numbers are copied this way many
 * times per analysis.
 */
#ifndef META_TEXT_H
#define META_TEXT_H

#include <stddef.h>

/* Copies src into dst (size bytes), cut to size - 1 bytes and terminated;
 * nothing is written when size is 0. Returns the length written. */
size_t meta_copy_cut(char *dst, size_t size, const char *src);

#endif
