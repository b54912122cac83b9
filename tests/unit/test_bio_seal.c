/*
 * test_bio_seal.c - the biometric key file as people make it (model/bio/seal.c): a raw key
 * whose own last byte is a line feed or a carriage return (one key in 128 made with
 * `head -c 32 /dev/urandom`) loads whole; key files written with a line ending after the
 * key, as before, keep working; and a key loaded either way seals and opens a template.
 * Also the checked numbers that replace atoi (model/base/number.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "model/base/number.h"
#include "model/bio/seal.h"

static char dir[64], path[128];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/cd-test-seal.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/key", dir);
	setenv("CASEDESK_KEY", path, 1);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(path);
	return rmdir(dir);
}

static void write_key(const void *bytes, size_t n)
{
	FILE *f;
	unlink(path);
	assert_non_null(f = fopen(path, "wb"));
	assert_int_equal(fwrite(bytes, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, 0600), 0);
}

/* 32 bytes that end with `last`, and a first byte that differs from every line ending. */
static void raw_key(unsigned char k[32], unsigned char last)
{
	for (int i = 0; i < 32; i++)
		k[i] = (unsigned char)(0x41 + i * 7);
	k[31] = last;
}

static void loads_as(const unsigned char want[32])
{
	struct bio_key key;
	struct cd_error err = CD_ERROR_INIT;
	int rc = bio_key_load(&key, &err);
	if (rc)
		fail_msg("refused: %s", err.msg);
	assert_true(key.loaded);
	assert_memory_equal(key.k, want, 32);
	bio_key_wipe(&key);
}

static void test_raw_key_ending_in_a_line_ending(void **state)
{
	unsigned char k[34];
	(void)state;
	raw_key(k, 0x0a);
	write_key(k, 32);
	loads_as(k);
	raw_key(k, 0x0d);
	write_key(k, 32);
	loads_as(k);
	/* The same keys with a line ending written after them. */
	raw_key(k, 0x0a);
	k[32] = '\n';
	write_key(k, 33);
	loads_as(k);
	raw_key(k, 0x0d);
	k[32] = '\r';
	k[33] = '\n';
	write_key(k, 34);
	loads_as(k);
}

static void test_existing_key_files_keep_working(void **state)
{
	unsigned char k[32], text[70];
	(void)state;
	raw_key(k, 0x99);
	memcpy(text, k, 32);
	text[32] = '\n';
	write_key(text, 33);                 /* raw + LF */
	loads_as(k);
	text[32] = '\r';
	text[33] = '\n';
	write_key(text, 34);                 /* raw + CRLF */
	loads_as(k);
	for (int i = 0; i < 32; i++)
		snprintf((char *)text + 2 * i, 3, "%02x", k[i]);
	write_key(text, 64);                 /* hex */
	loads_as(k);
	text[64] = '\n';
	write_key(text, 65);                 /* hex + LF, as `openssl rand -hex 32 > FILE` writes */
	loads_as(k);
	text[64] = '\r';
	text[65] = '\n';
	write_key(text, 66);                 /* hex + CRLF */
	loads_as(k);
}

static void test_short_and_long_keys_refused(void **state)
{
	unsigned char k[40];
	struct bio_key key;
	struct cd_error err = CD_ERROR_INIT;
	(void)state;
	raw_key(k, 0x0a);
	write_key(k, 31);
	assert_int_equal(bio_key_load(&key, &err), CD_EREFUSED);
	assert_non_null(strstr(err.msg, "32 bytes"));
	memset(k, 'A', sizeof k);
	write_key(k, 35);
	assert_int_equal(bio_key_load(&key, &err), CD_EREFUSED);
	/* A 33rd byte that is not a line ending is not a key with a newline. */
	raw_key(k, 0x0a);
	k[32] = 'x';
	write_key(k, 33);
	assert_int_equal(bio_key_load(&key, &err), CD_EREFUSED);
}

static void test_key_ending_in_lf_seals_and_opens(void **state)
{
	unsigned char k[32], *blob = NULL, *plain = NULL;
	size_t blob_n = 0, plain_n = 0;
	struct bio_key key;
	struct cd_error err = CD_ERROR_INIT;
	static const char tmpl[] = "a template";
	char aad[160];
	(void)state;
	raw_key(k, 0x0a);
	write_key(k, 32);
	assert_int_equal(bio_key_load(&key, &err), CD_OK);
	bio_aad("0190a0b0-0000-7000-8000-000000000001", "finger", "right_index", aad, sizeof aad);
	assert_int_equal(bio_seal(&key, aad, tmpl, sizeof tmpl, &blob, &blob_n, &err), CD_OK);
	assert_int_equal(bio_open(&key, aad, blob, blob_n, &plain, &plain_n, &err), CD_OK);
	assert_int_equal(plain_n, sizeof tmpl);
	assert_memory_equal(plain, tmpl, sizeof tmpl);
	free(blob);
	free(plain);
	bio_key_wipe(&key);
}

static void test_checked_numbers(void **state)
{
	struct cd_error err = CD_ERROR_INIT;
	long v = 42;
	(void)state;
	assert_int_equal(cd_parse_long("12", "--limit", 1, 100, &v, &err), CD_OK);
	assert_int_equal(v, 12);
	assert_int_equal(cd_parse_long("-7", "x", -10, 10, &v, &err), CD_OK);
	assert_int_equal(v, -7);
	static const char *const junk[] = { "", "-", "12abc", "abc", " 5", "5 ", "+5", "0x10", "1e3",
					    "99999999999999999999", "-99999999999999999999" };
	for (size_t i = 0; i < sizeof junk / sizeof *junk; i++) {
		v = 42;
		if (cd_parse_long(junk[i], "--limit", -1000, 1000, &v, &err) != CD_EINPUT)
			fail_msg("'%s' was read as %ld", junk[i], v);
		assert_int_equal(v, 42);
		assert_non_null(strstr(err.msg, "--limit"));
	}
	assert_int_equal(cd_parse_long("101", "n", 1, 100, &v, &err), CD_EINPUT);
	assert_int_equal(cd_parse_long(NULL, "n", 1, 100, &v, &err), CD_EINPUT);
	assert_int_equal(cd_parse_long_n("2026-03-02", 4, "year", 1000, 9999, &v, &err), CD_OK);
	assert_int_equal(v, 2026);
	assert_int_equal(cd_parse_long("-9223372036854775808", "n", -9223372036854775807L - 1, 0, &v, &err), CD_OK);
	assert_true(v < 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_raw_key_ending_in_a_line_ending, setup, teardown),
		cmocka_unit_test_setup_teardown(test_existing_key_files_keep_working, setup, teardown),
		cmocka_unit_test_setup_teardown(test_short_and_long_keys_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_key_ending_in_lf_seals_and_opens, setup, teardown),
		cmocka_unit_test(test_checked_numbers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
