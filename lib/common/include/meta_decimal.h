/*
 * Decimal text of doubles, read and written: as strtod reads it, and the
 * shortest text that reads back as the same double (JSON and CSV outputs,
 * recorded runs). A living analysis reads and writes hundreds of numbers,
 * where printf's and strtod's general algorithms were a visible part of
 * the time; these give the same values and digits, faster for the usual
 * magnitudes.
 */
#ifndef META_DECIMAL_H
#define META_DECIMAL_H

#include <stddef.h>

/*
 * What strtod(s, end) returns and stores in *end (end may be NULL), in the
 * "C" locale: a decimal of at most 19 significant digits whose value is
 * exact as a double scaled by a power of ten of at most 22 is converted
 * with one correctly rounded multiplication or division; anything else
 * (more digits, larger exponents, hexadecimal, inf, nan, leading space) is
 * given to strtod itself. errno is set only by that fallback. Reentrant.
 */
double meta_strtod(const char *s, char **end);

/*
 * Writes the shortest decimal text of v that reads back as v into buf:
 * what printf's %.15g gives when strtod reads it back as v, else %.16g,
 * else %.17g (so up to 17 significant digits, "-0" for negative zero);
 * "" for NaN or infinity. Returns the length written (cut to size - 1 as
 * snprintf cuts; 40 bytes always suffice). Reentrant.
 */
size_t meta_shortest_double(char *buf, size_t size, double v);

#endif
