/*
 * The hexadecimal form of a SHA-256 digest, shared by the CSV reader (which
 * hashes a file as it reads it) and the functions of meta_load.h that hash
 * a file or bytes for a parser's sources.
 */
#ifndef META_LOAD_SHA256_H
#define META_LOAD_SHA256_H

/* Writes the 32 bytes of digest as 64 lowercase hex digits and a NUL into
 * out (META_CSV_SHA256_HEX = 65 bytes). */
void meta_load_sha256_hex(const unsigned char digest[32], char *out);

#endif
