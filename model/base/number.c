/*
 * number.c - checked decimal numbers; see number.h for why atoi is not used.
 */
#include "model/base/number.h"

#include <limits.h>
#include <string.h>

#include "model/base/i18n.h"

int cd_parse_long_n(const char *text, size_t len, const char *field, long min, long max, long *out,
		    struct cd_error *err)
{
	size_t i = 0;
	int neg = 0;
	long v = 0;

	if (!text)
		len = 0;
	if (len && text[0] == '-') {
		neg = 1;
		i = 1;
	}
	if (i == len)
		goto junk;
	for (; i < len; i++) {
		int d = (unsigned char)text[i] - '0';
		if (d < 0 || d > 9)
			goto junk;
		/* Accumulate negatively: LONG_MIN has no positive twin. */
		if (v < (LONG_MIN + d) / 10)
			goto range;
		v = v * 10 - d;
	}
	if (!neg) {
		if (v == LONG_MIN)
			goto range;
		v = -v;
	}
	if (v < min || v > max)
		goto range;
	*out = v;
	return CD_OK;
junk:
	return cd_error_set(err, CD_EINPUT, _("%s: give a whole number from %ld to %ld"), field, min, max);
range:
	return cd_error_set(err, CD_EINPUT, _("%s: the number is outside %ld to %ld"), field, min, max);
}

int cd_parse_long(const char *text, const char *field, long min, long max, long *out, struct cd_error *err)
{
	return cd_parse_long_n(text, text ? strlen(text) : 0, field, min, max, out, err);
}
