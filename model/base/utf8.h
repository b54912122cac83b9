/*
 * utf8.h - the one UTF-8 decoder: names come from outside (keyboards, imports, document
 * readers) and every layer that checks, measures or shows them must agree on what a
 * character is and what is malformed.
 */
#ifndef CD_UTF8_H
#define CD_UTF8_H

#include <stddef.h>
#include <wchar.h>

/*
 * Decodes the character at p (NUL-terminated text) into *wc; returns its length in bytes,
 * or 0 when the bytes are not well-formed UTF-8 (overlong forms of any length, surrogates,
 * code points past U+10FFFF, stray continuation bytes, a sequence cut short).  For whole
 * strings, the policy of what a field may hold and NFC, see model/base/text.h.
 */
size_t utf8_decode(const unsigned char *p, wchar_t *wc);

#endif
