/*
 * Reading decimal numbers as strtod does, faster for the common case: the
 * registry sends every number as its shortest decimal text, and a living
 * analysis reads hundreds of them, where strtod's general algorithm was a
 * visible part of the time. Same value, same end, for every input.
 */
#ifndef META_DECIMAL_H
#define META_DECIMAL_H

/*
 * What strtod(s, end) returns and stores in *end (end may be NULL), in the
 * "C" locale: a decimal of at most 19 significant digits whose value is
 * exact as a double scaled by a power of ten of at most 22 is converted
 * with one correctly rounded multiplication or division; anything else
 * (more digits, larger exponents, hexadecimal, inf, nan, leading space) is
 * given to strtod itself. errno is set only by that fallback. Reentrant.
 */
double meta_strtod(const char *s, char **end);

#endif
