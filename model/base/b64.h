/*
 * b64.h - bytes as text: base64 for keys and signatures (bundles, op signatures), the
 * standard alphabet with padding, one line, and a strict reader that takes only the
 * canonical text of an exact number of bytes (so that one key or signature has one
 * spelling); and lower-case hex for digests (the audit chain, op commitments, key checks).
 */
#ifndef CD_BASE_B64_H
#define CD_BASE_B64_H

#include <stddef.h>

/* Writes the base64 of raw[0..n) and a NUL to out, which holds 4 * ((n + 2) / 3) + 1 bytes. */
void b64_encode(const unsigned char *raw, size_t n, char *out);

/* Reads text[0..tlen) into out[0..want) (want <= 64): 0 when it is exactly the canonical
 * base64 of want bytes, -1 otherwise (out untouched). */
int b64_decode(const char *text, size_t tlen, unsigned char *out, size_t want);

/* Writes the lower-case hex of raw[0..n) and a NUL to out, which holds 2 * n + 1 bytes. */
void hex_encode(const unsigned char *raw, size_t n, char *out);

#endif
