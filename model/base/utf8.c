/* utf8.c - decoding one UTF-8 character; see utf8.h. */
#include "model/base/utf8.h"

size_t utf8_decode(const unsigned char *p, wchar_t *wc)
{
	size_t n;
	unsigned v;

	if (p[0] < 0x80) {
		*wc = p[0];
		return 1;
	}
	if ((p[0] & 0xe0) == 0xc0 && p[0] >= 0xc2) {
		n = 2;
		v = p[0] & 0x1f;
	} else if ((p[0] & 0xf0) == 0xe0) {
		n = 3;
		v = p[0] & 0x0f;
	} else if ((p[0] & 0xf8) == 0xf0 && p[0] <= 0xf4) {
		n = 4;
		v = p[0] & 0x07;
	} else {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (p[i] & 0x3f);
	}
	*wc = (wchar_t)v;
	return n;
}
