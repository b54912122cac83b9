/*
 * test_biometric.c - the biometric model without a device: the helper protocol's line
 * parser (what it accepts, what it refuses, and a bounded mutation fuzz under ASan),
 * base64, finger names, the key file's refusals, sealing templates (wrong key, moved
 * template, altered blob), an enrolment session written in one transaction, and the
 * fingerprint duplicates an enrolment's search leaves for a supervisor (model/dupes.h).
 */
#define _GNU_SOURCE     /* memmem */
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

#include "model/store/biometric.h"
#include "model/bio/wire.h"
#include "model/store/dupes.h"
#include "model/store/merge.h"
#include "model/store/person.h"
#include "model/store/store_internal.h"
#include "model/store/users.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/cd-test-bio.XXXXXX");
	assert_non_null(mkdtemp(dir));
	setenv("CASEDESK_DATA", "data", 0);
	return 0;
}

static int teardown(void **state)
{
	char cmd[256];
	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd);
}

static int parses(const char *line)
{
	struct bw_msg m;
	const char *why = NULL;
	int rc = bw_parse(line, strlen(line), &m, &why);
	if (rc)
		assert_non_null(why);
	bw_msg_release(&m);
	return rc == 0;
}

static void test_parser_accepts_protocol_lines(void **state)
{
	struct bw_msg m;
	const char *why = NULL;
	long n = 0;
	const char *line = " {\"id\":3, \"cmd\":\"capture\",\"fingers\":[\"right_index\",\"left_index\"],"
			   "\"timeout_ms\":30000,\"x\":null,\"ok\":true,\"q\":-1.5e2,\"s\":\"a\\u00e9\\ud83d\\ude00\\n\\\"\"} ";
	(void)state;
	assert_int_equal(bw_parse(line, strlen(line), &m, &why), 0);
	assert_string_equal(bw_str(&m, "cmd"), "capture");
	assert_int_equal(bw_int(&m, "id", &n), 0);
	assert_int_equal(n, 3);
	const struct bw_value *f = bw_get(&m, "fingers");
	assert_non_null(f);
	assert_int_equal(f->type, BW_ARR);
	assert_int_equal(f->n_items, 2);
	assert_string_equal(f->items[1], "left_index");
	assert_int_equal(bw_bool(&m, "ok"), 1);
	assert_int_equal(bw_get(&m, "x")->type, BW_NULL);
	assert_int_equal(bw_int(&m, "q", &n), 0);
	assert_int_equal(n, -150);
	assert_string_equal(bw_str(&m, "s"), "a\xc3\xa9\xf0\x9f\x98\x80\n\"");
	assert_null(bw_str(&m, "id"));          /* a number is not a string */
	assert_int_equal(bw_bool(&m, "cmd"), -1);
	bw_msg_release(&m);
	assert_true(parses("{}"));
	assert_true(parses("{\"a\":[]}"));
}

static void test_parser_refuses_garbage(void **state)
{
	static const char *bad[] = {
		"", "null", "[]", "{", "}", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "{\"a\":1 \"b\":2}",
		"{\"a\":{\"b\":1}}", "{\"a\":[[\"x\"]]}", "{\"a\":[1]}", "{\"a\":1,\"a\":2}", "{\"a\":\"x\ty\"}",
		"{\"a\":\"\\u0000\"}", "{\"a\":\"\\ud800\"}", "{\"a\":\"\\udc00x\"}", "{\"a\":\"\\q\"}", "{\"a\":\"abc",
		"{\"a\":01}", "{\"a\":1.}", "{\"a\":-}", "{\"a\":1e}", "{\"a\":tru}", "{\"a\":1} x", "{\"a\":1}{}",
		"{\"a\":1e999}", "{\"a\":\"\\u12\"}",
	};
	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (parses(bad[i]))
			fail_msg("accepted: %s", bad[i]);
	}
	/* A NUL inside the line, too many members, too many array items. */
	struct bw_msg m;
	const char *why;
	assert_int_not_equal(bw_parse("{\"a\":1}\0x", 9, &m, &why), 0);
	bw_msg_release(&m);
	char big[4096] = "{";
	for (int i = 0; i < BW_MAX_KEYS + 1; i++)
		snprintf(big + strlen(big), sizeof big - strlen(big), "%s\"k%d\":1", i ? "," : "", i);
	snprintf(big + strlen(big), sizeof big - strlen(big), "}");
	assert_false(parses(big));
	char *many = malloc(8 * (BW_MAX_ITEMS + 2) + 16);
	char *w = many;
	w += snprintf(w, 16, "{\"a\":[");
	for (int i = 0; i < BW_MAX_ITEMS + 1; i++)
		w += snprintf(w, 8, "%s\"x\"", i ? "," : "");
	snprintf(w, 8, "]}");
	assert_false(parses(many));
	free(many);
}

/* Mutations of a valid line: every one either parses or is refused, never read out of bounds. */
static void test_parser_mutation_fuzz(void **state)
{
	const char *seed = "{\"id\":12,\"cmd\":\"verify\",\"finger\":\"right_index\",\"template\":\"QUJD\","
			   "\"list\":[\"a\",\"b\\u00e9\"],\"n\":-1.25e3,\"t\":true}";
	size_t len = strlen(seed);
	unsigned rng = 12345;
	(void)state;
	for (int round = 0; round < 20000; round++) {
		char *buf = malloc(len + 8);
		size_t n = len;
		memcpy(buf, seed, len);
		for (int k = 0; k < 1 + round % 4 && n > 0; k++) {
			rng = rng * 1103515245u + 12345u;
			size_t at = (rng >> 8) % n;
			rng = rng * 1103515245u + 12345u;
			switch ((rng >> 16) % 3) {
			case 0: buf[at] = (char)(rng >> 20); break;
			case 1: n = at; break;                              /* cut short */
			default: buf[at] = "{}[]\",:\\u0"[(rng >> 20) % 11]; break;
			}
		}
		/* An exact-size copy, so ASan sees any read past the end. */
		char *exact = malloc(n ? n : 1);
		memcpy(exact, buf, n);
		struct bw_msg m;
		const char *why = NULL;
		if (bw_parse(exact, n, &m, &why) != 0)
			assert_non_null(why);
		bw_msg_release(&m);
		free(exact);
		free(buf);
	}
}

static void test_base64_and_fingers(void **state)
{
	unsigned char data[256], *back = NULL;
	size_t n = 0;
	(void)state;
	for (int i = 0; i < 256; i++)
		data[i] = (unsigned char)i;
	for (size_t len = 0; len < 10; len++) {
		char *t = bw_base64(data + 100, len);
		assert_int_equal(bw_unbase64(t, &back, &n), 0);
		assert_int_equal(n, len);
		assert_memory_equal(back, data + 100, len);
		free(back);
		free(t);
	}
	char *t = bw_base64("hello", 5);
	assert_string_equal(t, "aGVsbG8=");
	free(t);
	assert_int_not_equal(bw_unbase64("aGVsbG8", &back, &n), 0);
	assert_int_not_equal(bw_unbase64("aGV$bG8=", &back, &n), 0);
	assert_int_equal(bw_finger_code("right_thumb"), 1);
	assert_int_equal(bw_finger_code("right_index"), 2);
	assert_int_equal(bw_finger_code("left_thumb"), 6);
	assert_int_equal(bw_finger_code("left_little"), 10);
	assert_int_equal(bw_finger_code("unknown"), 0);
	assert_int_equal(bw_finger_code(NULL), 0);
	assert_string_equal(bw_error_text(BW_ETIMEOUT), "nothing was captured in time");
}

static void write_key(const char *path, const char *text, size_t n, mode_t mode)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	fwrite(text, 1, n, f);
	fclose(f);
	chmod(path, mode);
}

static void test_key_file_refusals(void **state)
{
	struct bio_key k;
	struct cd_error err = CD_ERROR_INIT;
	char path[128];
	(void)state;
	snprintf(path, sizeof path, "%s/key", dir);
	setenv("CASEDESK_KEY", path, 1);
	assert_int_equal(bio_key_load(&k, &err), CD_EREFUSED);           /* missing */
	assert_non_null(strstr(err.msg, "no biometric key"));
	write_key(path, "0123456789abcdef0123456789abcdef", 32, 0644);
	assert_int_equal(bio_key_load(&k, &err), CD_EREFUSED);           /* readable by others */
	assert_non_null(strstr(err.msg, "mode 644"));
	assert_int_equal(k.loaded, 0);
	write_key(path, "short", 5, 0600);
	assert_int_equal(bio_key_load(&k, &err), CD_EREFUSED);           /* not a key */
	write_key(path, "zz23456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n", 65, 0600);
	assert_int_equal(bio_key_load(&k, &err), CD_EREFUSED);           /* not hex */
	write_key(path, "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n", 65, 0600);
	assert_int_equal(bio_key_load(&k, &err), CD_OK);
	assert_int_equal(k.k[1], 0x11);
	bio_key_wipe(&k);
	write_key(path, "0123456789abcdef0123456789abcdef", 32, 0400);
	assert_int_equal(bio_key_load(&k, &err), CD_OK);
	assert_int_equal(k.k[0], '0');
	bio_key_wipe(&k);
	unsetenv("CASEDESK_KEY");
}

static void test_seal_and_open(void **state)
{
	struct bio_key k = { .loaded = 1 }, other = { .loaded = 1 };
	struct cd_error err = CD_ERROR_INIT;
	unsigned char *blob = NULL, *plain = NULL, *blob2 = NULL;
	size_t n = 0, pn = 0, n2 = 0;
	const char secret[] = "template bytes";
	(void)state;
	memset(k.k, 7, sizeof k.k);
	memset(other.k, 8, sizeof other.k);
	assert_int_equal(bio_seal(&k, "aad-1", secret, sizeof secret, &blob, &n, &err), CD_OK);
	assert_int_equal(n, 4 + 12 + 16 + sizeof secret);
	assert_memory_equal(blob, "CDB1", 4);
	assert_null(memmem(blob, n, "template", 8));
	assert_int_equal(bio_seal(&k, "aad-1", secret, sizeof secret, &blob2, &n2, &err), CD_OK);
	assert_memory_not_equal(blob, blob2, n);                           /* a fresh nonce each time */
	assert_int_equal(bio_open(&k, "aad-1", blob, n, &plain, &pn, &err), CD_OK);
	assert_int_equal(pn, sizeof secret);
	assert_memory_equal(plain, secret, pn);
	free(plain);
	assert_int_equal(bio_open(&other, "aad-1", blob, n, &plain, &pn, &err), CD_EREFUSED);
	assert_non_null(strstr(err.msg, "does not open"));
	assert_int_equal(bio_open(&k, "aad-2", blob, n, &plain, &pn, &err), CD_EREFUSED);   /* moved to another row */
	blob[n - 1] ^= 1;
	assert_int_equal(bio_open(&k, "aad-1", blob, n, &plain, &pn, &err), CD_EREFUSED);   /* altered */
	assert_int_equal(bio_open(&k, "aad-1", blob, 10, &plain, &pn, &err), CD_EREFUSED);  /* cut */
	assert_null(plain);
	free(blob);
	free(blob2);
}

static int count(struct cd_store *s, const char *sql)
{
	sqlite3_stmt *st = NULL;
	int n = -1;
	assert_int_equal(sqlite3_prepare_v2(s->db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n;
}

static void test_enrolment_is_one_transaction(void **state)
{
	struct cd_store_create_opts o = { .office = "TBS", .training = 1 };
	struct cd_error err = CD_ERROR_INIT;
	struct cd_store *s = NULL;
	struct cd_actor a;
	struct cd_person p;
	struct bio_key k = { .loaded = 1 };
	struct bio_enrolment e = BIO_ENROLMENT_INIT;
	struct bio_sample sm = { .position = "right_index", .quality = 77 };
	char path[128];
	(void)state;
	memset(k.k, 3, sizeof k.k);
	snprintf(path, sizeof path, "%s/t.casedesk", dir);
	assert_int_equal(store_create(path, &o, &err), CD_OK);
	assert_int_equal(store_open(path, &s, &err), CD_OK);
	assert_int_equal(user_resolve(s, "clerk", &a, &err), CD_OK);
	struct cd_person_input in = { .surname = "Test", .given = "Person", .sex = "X", .dob = "1980", .nationality = "XXA" };
	assert_int_equal(person_add(s, &a, &in, &p, &err), CD_OK);

	sm.tmpl = (unsigned char *)strdup("FAKE-PRINT");
	sm.tmpl_len = 10;
	assert_int_equal(bio_enrolment_add_sample(&e, "finger", &sm, "finger:test", &err), CD_OK);
	assert_null(sm.tmpl);
	assert_int_equal(bio_enrolment_add_exception(&e, "left_thumb", "amputated", &err), CD_OK);
	assert_int_equal(bio_enrolment_add_exception(&e, "left_pinky", "x", &err), CD_EUSAGE);
	assert_int_equal(bio_enrolment_add_exception(&e, "left_index", "", &err), CD_EINPUT);
	assert_int_equal(bio_enrolment_add_exception(&e, "left_index", "a\033b", &err), CD_EINPUT);

	/* A person who does not exist: nothing of the session is written. */
	assert_int_equal(bio_enrolment_commit(s, &a, &k, "P-TBS-999999", &e, &err), CD_ENOTFOUND);
	assert_int_equal(count(s, "SELECT count(*) FROM biometric"), 0);
	/* A key that is not loaded fails the seal mid-session: still nothing. */
	struct bio_key none = { 0 };
	assert_int_not_equal(bio_enrolment_commit(s, &a, &none, p.number, &e, &err), CD_OK);
	assert_int_equal(count(s, "SELECT count(*) FROM biometric"), 0);
	assert_int_equal(count(s, "SELECT count(*) FROM event WHERE kind LIKE 'biometric%'"), 0);

	assert_int_equal(bio_enrolment_commit(s, &a, &k, p.number, &e, &err), CD_OK);
	assert_int_equal(count(s, "SELECT count(*) FROM biometric"), 2);
	assert_int_equal(count(s, "SELECT count(*) FROM biometric WHERE exception IS NULL AND quality = 77"), 1);
	assert_int_equal(count(s, "SELECT count(*) FROM biometric WHERE instr(template, CAST('FAKE' AS BLOB)) > 0"), 0);
	assert_int_equal(count(s, "SELECT count(*) FROM event WHERE kind IN ('biometric','biometric_exception')"), 2);
	assert_int_equal(count(s, "SELECT count(*) FROM audit WHERE entity = 'biometric'"), 2);
	assert_int_equal(count(s, "SELECT count(*) FROM outbox WHERE entity = 'biometric'"), 2);

	bio_enrolment_release(&e);
	store_close(s);
}

/* What bio_duplicate_search writes on a hit: a biometric_duplicate event on each record. */
static void duplicate_events(struct cd_store *s, const struct cd_actor *a, const struct cd_person *x,
			     const struct cd_person *y, const char *finger)
{
	struct cd_error err = CD_ERROR_INIT;
	struct cd_event ex = { .person_id = 0, .kind = "biometric_duplicate", .field = finger, .new_value = y->number };
	struct cd_event ey = { .person_id = 0, .kind = "biometric_duplicate", .field = finger, .new_value = x->number };
	int64_t ix, iy;
	assert_int_equal(person_resolve(s, x->number, &ix, &err), CD_OK);
	assert_int_equal(person_resolve(s, y->number, &iy, &err), CD_OK);
	ex.person_id = ix;
	ey.person_id = iy;
	assert_int_equal(store_begin(s, &err), CD_OK);
	assert_int_equal(store_add_event(s, a, &ex, &err), CD_OK);
	assert_int_equal(store_add_event(s, a, &ey, &err), CD_OK);
	assert_int_equal(store_commit(s, &err), CD_OK);
}

static void test_fingerprint_duplicates_until_merged(void **state)
{
	struct cd_store_create_opts o = { .office = "TBS", .training = 1 };
	struct cd_error err = CD_ERROR_INIT;
	struct cd_store *s = NULL;
	struct cd_actor clerk, sup;
	struct cd_person pa, pb, pc;
	struct cd_bio_dupe *d = NULL;
	struct cd_merge_summary m;
	size_t n = 0;
	char path[128];
	(void)state;
	snprintf(path, sizeof path, "%s/d.casedesk", dir);
	assert_int_equal(store_create(path, &o, &err), CD_OK);
	assert_int_equal(store_open(path, &s, &err), CD_OK);
	assert_int_equal(user_resolve(s, "clerk", &clerk, &err), CD_OK);
	assert_int_equal(user_resolve(s, "supervisor", &sup, &err), CD_OK);
	struct cd_person_input a = { .surname = "Alpha", .given = "One", .sex = "X", .dob = "1980", .nationality = "XXA" };
	struct cd_person_input b = { .surname = "Bravo", .given = "Two", .sex = "X", .dob = "1981", .nationality = "XXA" };
	struct cd_person_input c = { .surname = "Charlie", .given = "Three", .sex = "X", .dob = "1982", .nationality = "XXA" };
	assert_int_equal(person_add(s, &clerk, &a, &pa, &err), CD_OK);
	assert_int_equal(person_add(s, &clerk, &b, &pb, &err), CD_OK);
	assert_int_equal(person_add(s, &clerk, &c, &pc, &err), CD_OK);

	assert_int_equal(dupes_biometric(s, &clerk, NULL, NULL, &d, &n, &err), CD_OK);
	assert_int_equal(n, 0);
	free(d);
	/* B was enrolled with A's right index, and searched again later: one pair. */
	duplicate_events(s, &clerk, &pb, &pa, "right_index");
	duplicate_events(s, &clerk, &pb, &pa, "right_index");
	assert_int_equal(dupes_biometric(s, &clerk, NULL, "casework", &d, &n, &err), CD_OK);
	assert_int_equal(n, 1);
	assert_string_equal(d[0].person, pa.number);      /* the office's list: each pair once */
	assert_string_equal(d[0].other, pb.number);
	assert_string_equal(d[0].finger, "right_index");
	assert_string_equal(d[0].user, "clerk");
	free(d);
	assert_int_equal(count(s, "SELECT count(*) FROM audit WHERE entity = 'biometric_duplicates' AND purpose = 'casework'"), 1);
	assert_int_equal(dupes_biometric(s, &clerk, pb.number, NULL, &d, &n, &err), CD_OK);
	assert_int_equal(n, 1);
	assert_string_equal(d[0].person, pb.number);      /* a person's: that person first */
	assert_string_equal(d[0].other, pa.number);
	free(d);
	assert_int_equal(dupes_biometric(s, &clerk, pc.number, NULL, &d, &n, &err), CD_OK);
	assert_int_equal(n, 0);
	free(d);
	assert_int_equal(dupes_biometric(s, &clerk, "P-TBS-999999", NULL, &d, &n, &err), CD_ENOTFOUND);

	/* The supervisor merges B into A: the pair is handled and leaves the list. */
	assert_int_equal(merge_person(s, &sup, NULL, pa.number, pb.number, "same fingers", &m, &err), CD_OK);
	assert_int_equal(dupes_biometric(s, &clerk, NULL, NULL, &d, &n, &err), CD_OK);
	assert_int_equal(n, 0);
	free(d);
	assert_int_equal(dupes_biometric(s, &clerk, pa.number, NULL, &d, &n, &err), CD_OK);
	assert_int_equal(n, 0);
	free(d);
	store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parser_accepts_protocol_lines),
		cmocka_unit_test(test_parser_refuses_garbage),
		cmocka_unit_test(test_parser_mutation_fuzz),
		cmocka_unit_test(test_base64_and_fingers),
		cmocka_unit_test_setup_teardown(test_key_file_refusals, setup, teardown),
		cmocka_unit_test(test_seal_and_open),
		cmocka_unit_test_setup_teardown(test_enrolment_is_one_transaction, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fingerprint_duplicates_until_merged, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
