/*
 * fuzz_text.c - libFuzzer target for model/base/utf8.c and model/base/text.c: the one
 * character decoder and the policy every name, note and field passes before the store.
 * The two must agree on what well-formed UTF-8 is (a name the check lets in must decode
 * character by character on the screen), NFC must be stable (normalising twice changes
 * nothing, and never lets in a character the check refused) and widths must add up.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "model/base/error.h"
#include "model/base/text.h"
#include "model/base/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), *nfc = NULL, *nfc2 = NULL;
	struct cd_error err = CD_ERROR_INIT;
	size_t len, at = 0;
	int decodes = 1, width = 0, has_control = 0;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	len = strlen(s);
	while (at < len) {
		wchar_t wc;
		size_t n = utf8_decode((const unsigned char *)s + at, &wc);
		if (!n) {
			decodes = 0;
			break;
		}
		if (n > 4 || at + n > len || wc <= 0 || (uint32_t)wc > 0x10ffff || ((uint32_t)wc >= 0xd800 && (uint32_t)wc <= 0xdfff))
			abort();
		if (text_is_control((uint32_t)wc))
			has_control = 1;
		else if (text_char_width((uint32_t)wc) > 0)
			width += text_char_width((uint32_t)wc);
		at += n;
	}
	if (decodes != text_valid(s, len))
		abort();                                /* the decoder and the checker disagree */
	int line_ok = text_check(s, "f", TEXT_LINE, &err) == CD_OK;
	int multi_ok = text_check(s, "f", TEXT_MULTILINE, &err) == CD_OK;
	if ((line_ok && !multi_ok) || (multi_ok && !decodes) || (line_ok && has_control))
		abort();
	if (text_width(s) < 0 || (decodes && !has_control && text_width(s) != width))
		abort();
	if (text_nfc(s, "f", TEXT_MULTILINE, &nfc, &err) == CD_OK) {
		if (!nfc || !text_valid(nfc, strlen(nfc)))
			abort();
		if (!(nfc2 = text_nfc_dup(nfc)) || strcmp(nfc, nfc2) != 0)
			abort();                        /* NFC is not idempotent */
		if (text_check(nfc, "f", TEXT_MULTILINE, &err) != CD_OK ||
		    (line_ok && text_check(nfc, "f", TEXT_LINE, &err) != CD_OK))
			abort();                        /* normalising let in a refused character */
	} else if (nfc || multi_ok) {
		abort();
	}
	free(nfc);
	free(nfc2);
	free(s);
	return 0;
}
