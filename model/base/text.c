/*
 * text.c - strict UTF-8, the control-character policy, NFC and display width; see text.h.
 * Everything here is libunistring's: u8_check for well-formedness, u8_normalize for NFC,
 * uc_width for columns.  Our own code only decides which characters a field may hold.
 */
#include "model/base/text.h"

#include <stdlib.h>
#include <string.h>
#include <unistr.h>
#include <uninorm.h>
#include <uniwidth.h>

#include "model/base/i18n.h"

int text_is_control(uint32_t uc)
{
	return uc < 0x20 || uc == 0x7f || (uc >= 0x80 && uc < 0xa0);
}

int text_is_bidi_control(uint32_t uc)
{
	return uc == 0x200e || uc == 0x200f || uc == 0x061c || (uc >= 0x202a && uc <= 0x202e) ||
	       (uc >= 0x2066 && uc <= 0x2069);
}

int text_valid(const char *s, size_t len)
{
	return u8_check((const uint8_t *)s, len) == NULL;
}

int text_check(const char *text, const char *field, enum text_lines lines, struct cd_error *err)
{
	const uint8_t *s = (const uint8_t *)(text ? text : ""), *p = s;
	size_t len = strlen((const char *)s);
	const uint8_t *bad = u8_check(s, len);
	size_t chars = 0;
	ucs4_t uc;

	if (bad)
		/* Counted in characters up to the bad byte, so the user can find it. */
		return cd_error_set(err, CD_EINPUT, _("%s: not valid UTF-8 at character %zu"), field,
				    u8_mbsnlen(s, (size_t)(bad - s)) + 1);
	while ((p = u8_next(&uc, p)) != NULL) {
		chars++;
		if (text_is_control(uc) && !(lines == TEXT_MULTILINE && (uc == '\n' || uc == '\t')))
			return cd_error_set(err, CD_EINPUT,
					    _("%s: contains a control character at character %zu"), field, chars);
	}
	return CD_OK;
}

char *text_nfc_dup(const char *text)
{
	const uint8_t *s = (const uint8_t *)text;
	size_t len = strlen(text), n = 0;
	uint8_t *r, *out;

	if (u8_check(s, len))
		return NULL;
	/* u8_normalize allocates the result (no terminating NUL) when given no buffer. */
	if (!(r = u8_normalize(UNINORM_NFC, s, len, NULL, &n)))
		return NULL;
	if ((out = malloc(n + 1))) {
		memcpy(out, r, n);
		out[n] = '\0';
	}
	free(r);
	return (char *)out;
}

int text_nfc(const char *text, const char *field, enum text_lines lines, char **out, struct cd_error *err)
{
	int rc;

	*out = NULL;
	if (!text)
		return CD_OK;
	if ((rc = text_check(text, field, lines, err)))
		return rc;
	if (!(*out = text_nfc_dup(text)))
		return cd_error_set(err, CD_EINTERNAL, _("out of memory"));
	return CD_OK;
}

int text_char_width(uint32_t uc)
{
	if (text_is_control(uc))
		return -1;
	return uc_width(uc, "UTF-8");
}

int text_width(const char *s)
{
	const uint8_t *p = (const uint8_t *)(s ? s : "");
	int w = 0;

	while (*p) {
		ucs4_t uc;
		int n = u8_strmbtouc(&uc, p);
		if (n <= 0) {
			p++;                /* a bad byte: no column of its own here */
			continue;
		}
		int cw = text_char_width(uc);
		if (cw > 0)
			w += cw;
		p += n;
	}
	return w;
}
