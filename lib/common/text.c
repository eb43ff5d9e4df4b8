/*
 * Copying text into fixed-size buffers (meta_text.h).
 */
#include "meta_text.h"

#include <string.h>

size_t meta_copy_cut(char *dst, size_t size, const char *src)
{
    if (size == 0)
        return 0;
    size_t len = strlen(src);
    if (len >= size)
        len = size - 1;
    memcpy(dst, src, len);
    dst[len] = '\0';
    return len;
}
