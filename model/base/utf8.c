/*
 * utf8.c - decoding one UTF-8 character; see utf8.h.  The decoding is libunistring's
 * (u8_mbtoucr), which refuses what RFC 3629 forbids: overlong forms of any length,
 * surrogates (ED A0 80 .. ED BF BF) and code points past U+10FFFF.
 */
#include "model/base/utf8.h"

#include <string.h>
#include <unistr.h>

size_t utf8_decode(const unsigned char *p, wchar_t *wc)
{
	ucs4_t uc;
	int n;

	if (p[0] == 0) {
		*wc = 0;
		return 1;
	}
	/* At most the bytes before the NUL: u8_mbtoucr never reads past the n it is given. */
	n = u8_mbtoucr(&uc, p, strnlen((const char *)p, 4));
	if (n <= 0)
		return 0;
	*wc = (wchar_t)uc;
	return (size_t)n;
}
