/*
 * b64.c - base64 for keys and signatures (b64.h), on OpenSSL's EVP block coder.  The reader
 * re-encodes what it decoded and compares: EVP_DecodeBlock alone takes whitespace, missing
 * padding's neighbours and trailing bits that a second spelling of one key would hide in.
 */
#include "model/base/b64.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

void b64_encode(const unsigned char *raw, size_t n, char *out)
{
	EVP_EncodeBlock((unsigned char *)out, raw, (int)n);
}

int b64_decode(const char *text, size_t tlen, unsigned char *out, size_t want)
{
	unsigned char tmp[96];
	char again[132];
	size_t enc = 4 * ((want + 2) / 3);

	if (want > 64 || tlen != enc)
		return -1;
	if (EVP_DecodeBlock(tmp, (const unsigned char *)text, (int)tlen) < (int)want)
		return -1;
	b64_encode(tmp, want, again);
	if (memcmp(again, text, tlen) != 0)
		return -1;
	memcpy(out, tmp, want);
	OPENSSL_cleanse(tmp, sizeof tmp);
	return 0;
}

void hex_encode(const unsigned char *raw, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[raw[i] >> 4];
		out[2 * i + 1] = digits[raw[i] & 15];
	}
	out[2 * n] = '\0';
}
