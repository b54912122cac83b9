/*
 * test_b64.c - base64 for keys and signatures (model/base/b64.c): what is written reads
 * back; the reader takes only the one canonical spelling of exactly the bytes asked for
 * (a key with another spelling could pass a comparison of texts and not of keys).  And the
 * key pairs written in it (model/base/ed25519.c): 32 bytes each, never the same twice.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "model/base/b64.h"
#include "model/base/ed25519.h"

static void round_trip(void **state)
{
	(void)state;
	unsigned char raw[64], back[64];
	char text[89];
	for (size_t i = 0; i < sizeof raw; i++)
		raw[i] = (unsigned char)(i * 37 + 11);
	for (size_t n = 1; n <= sizeof raw; n++) {
		b64_encode(raw, n, text);
		assert_int_equal(strlen(text), 4 * ((n + 2) / 3));
		memset(back, 0, sizeof back);
		assert_int_equal(b64_decode(text, strlen(text), back, n), 0);
		assert_memory_equal(raw, back, n);
	}
}

static void only_the_canonical_spelling(void **state)
{
	(void)state;
	unsigned char raw[32], out[32];
	char text[45], other[45];
	for (size_t i = 0; i < sizeof raw; i++)
		raw[i] = (unsigned char)(255 - i);
	b64_encode(raw, sizeof raw, text);   /* 44 characters: the 43rd carries 2 unused bits, then '=' */
	assert_int_equal(text[43], '=');
	memcpy(other, text, sizeof other);
	other[42] ^= 1;                      /* an unused bit set (or a letter outside the alphabet) */
	assert_int_equal(b64_decode(other, 44, out, 32), -1);
	assert_int_equal(b64_decode(text, 43, out, 32), -1);   /* cut short */
	assert_int_equal(b64_decode(text, 44, out, 33), -1);   /* more bytes asked than written */
	assert_int_equal(b64_decode(text, 44, out, 31), -1);   /* fewer */
	assert_int_equal(b64_decode("@@@@", 4, out, 3), -1);   /* not the alphabet */
	assert_int_equal(b64_decode(text, 44, out, 65), -1);   /* beyond what a key or signature is */
}

static void hex_digests(void **state)
{
	(void)state;
	const unsigned char raw[4] = { 0x00, 0x9f, 0xa0, 0xff };
	char out[9];
	hex_encode(raw, sizeof raw, out);
	assert_string_equal(out, "009fa0ff");
	hex_encode(raw, 0, out);
	assert_string_equal(out, "");
}

static void key_pairs(void **state)
{
	(void)state;
	char priv[ED25519_KEY_B64], pub[ED25519_KEY_B64], priv2[ED25519_KEY_B64], pub2[ED25519_KEY_B64];
	unsigned char raw[32];
	struct cd_error err = { 0 };
	assert_int_equal(ed25519_keypair_new(priv, pub, &err), CD_OK);
	assert_int_equal(ed25519_keypair_new(priv2, pub2, &err), CD_OK);
	assert_int_equal(b64_decode(priv, strlen(priv), raw, 32), 0);
	assert_int_equal(b64_decode(pub, strlen(pub), raw, 32), 0);
	assert_string_not_equal(priv, priv2);
	assert_string_not_equal(pub, pub2);
	assert_string_not_equal(priv, pub);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip),
		cmocka_unit_test(only_the_canonical_spelling),
		cmocka_unit_test(hex_digests),
		cmocka_unit_test(key_pairs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
