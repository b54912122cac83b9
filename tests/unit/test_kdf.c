/*
 * test_kdf.c - field kit passphrases: the scrypt hash text (model/base/kdf.c) against
 * RFC 7914's known answer, its round trip and its refusals; and the door
 * (model/store/passphrase.c) on a real store file: the right passphrase lets in, five
 * wrong ones lock the name in the store (a second connection sees the lock), an unknown
 * user gets the same refusal and the same lock, an admin's reset lifts it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "model/base/kdf.h"
#include "model/store/passphrase.h"
#include "model/store/roles.h"
#include "model/store/store_internal.h"
#include "model/store/users.h"

/* RFC 7914 section 12: scrypt("password", "NaCl", N=1024, r=8, p=16), first 32 bytes. */
static void test_known_answer(void **state)
{
	struct kdf_params p = { 10, 8, 16 };
	struct cd_error err = CD_ERROR_INIT;
	char out[KDF_HASH_MAX];
	int match = 0;

	(void)state;
	assert_int_equal(kdf_hash_salt("password", 8, &p, (const unsigned char *)"NaCl", 4, out, sizeof out, &err),
			 CD_OK);
	assert_string_equal(out, "scrypt$ln=10,r=8,p=16$4e61436c$"
				 "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162");
	assert_int_equal(kdf_verify("password", 8, out, &match, &err), CD_OK);
	assert_true(match);
	assert_int_equal(kdf_verify("passwore", 8, out, &match, &err), CD_OK);
	assert_false(match);
}

static void test_round_trip_and_salt(void **state)
{
	struct kdf_params p, got;
	struct cd_error err = CD_ERROR_INIT;
	char a[KDF_HASH_MAX], b[KDF_HASH_MAX];
	int match = 0;

	(void)state;
	kdf_params_default(&p);
	assert_int_equal(kdf_hash("sea otters in a row", 19, &p, a, sizeof a, &err), CD_OK);
	assert_int_equal(kdf_hash("sea otters in a row", 19, &p, b, sizeof b, &err), CD_OK);
	/* A fresh salt each time: the same passphrase never shows as the same hash. */
	assert_string_not_equal(a, b);
	assert_int_equal(kdf_parse_params(a, &got), 0);
	assert_int_equal(got.log2n, KDF_LOG2N_DEFAULT);
	assert_int_equal(got.r, KDF_R_DEFAULT);
	assert_int_equal(got.p, KDF_P_DEFAULT);
	assert_int_equal(kdf_verify("sea otters in a row", 19, b, &match, &err), CD_OK);
	assert_true(match);
	/* Length counts: a prefix is not the passphrase. */
	assert_int_equal(kdf_verify("sea otters in a ro", 18, b, &match, &err), CD_OK);
	assert_false(match);
}

static void test_refuses_what_it_cannot_read(void **state)
{
	static const char *const bad[] = {
		"",
		"md5$abc",
		"scrypt$ln=14,r=8,p=1$$00",
		"scrypt$ln=14,r=8,p=1$00112233$0011",   /* short key */
		"scrypt$ln=14,r=8,p=1$0011223G$fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162",
		/* A cost that would stall every login (2^30 blocks): refused, not run. */
		"scrypt$ln=30,r=8,p=1$00112233$fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162",
		"scrypt$ln=14,r=0,p=1$00112233$fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162",
	};
	struct cd_error err = CD_ERROR_INIT;
	int match = 1;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		match = 1;
		assert_int_equal(kdf_verify("x", 1, bad[i], &match, &err), CD_EINPUT);
		assert_false(match);
	}
}

static void test_acceptable(void **state)
{
	struct cd_error err = CD_ERROR_INIT;
	(void)state;
	assert_int_equal(passphrase_acceptable("bob", "short", &err), CD_EINPUT);
	/* Characters, not bytes: nine Cyrillic letters are 18 bytes and still too short. */
	assert_int_equal(passphrase_acceptable("bob", "абвгдеёжз", &err), CD_EINPUT);
	assert_int_equal(passphrase_acceptable("bob", "абвгдеёжзи", &err), CD_OK);
	assert_int_equal(passphrase_acceptable("bob.smith1", "Bob.Smith1", &err), CD_EINPUT);
	assert_int_equal(passphrase_acceptable("bob", "tab\there is bad", &err), CD_EINPUT);
	assert_int_equal(passphrase_acceptable("bob", "four words make one", &err), CD_OK);
}

/* ---- the door on a store ----------------------------------------------------------------- */

static char dir[64], path[128];

static int setup(void **state)
{
	struct cd_store_create_opts o = { .office = "TBS", .admin_os_account = "chief" };
	struct cd_error err = CD_ERROR_INIT;
	struct cd_store *s = NULL;

	(void)state;
	snprintf(dir, sizeof dir, "/tmp/cd-test-kdf.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/kit.casedesk", dir);
	setenv("CASEDESK_DATA", "data", 0);
	assert_int_equal(store_create(path, &o, &err), CD_OK);
	assert_int_equal(store_open(path, &s, &err), CD_OK);
	assert_int_equal(kit_init(s, "chief", "the chief's own words", &err), CD_OK);
	store_close(s);
	return 0;
}

static int teardown(void **state)
{
	char cmd[256];
	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd);
}

static struct cd_store *open_store(void)
{
	struct cd_error err = CD_ERROR_INIT;
	struct cd_store *s = NULL;
	assert_int_equal(store_open(path, &s, &err), CD_OK);
	return s;
}

static void test_door_and_lock(void **state)
{
	struct cd_store *s = open_store(), *other = open_store();
	struct cd_error err = CD_ERROR_INIT, unknown = CD_ERROR_INIT;
	struct cd_actor chief, bob;
	int kit = 0;

	(void)state;
	assert_int_equal(kit_store_is(s, &kit, &err), CD_OK);
	assert_true(kit);
	assert_int_equal(passphrase_login(s, "chief", "the chief's own words", &chief, &err), CD_OK);
	assert_string_equal(chief.name, "chief");
	assert_true(chief.roles & CD_ROLE_ADMIN);
	assert_int_equal(user_add(s, &chief, "bob", CD_ROLE_CASEWORKER, NULL, "*", &err), CD_OK);
	/* A user without a passphrase is refused as a stranger is. */
	assert_int_equal(passphrase_login(s, "bob", "anything at all", &bob, &err), CD_EREFUSED);
	assert_int_equal(passphrase_set(s, &chief, "bob", "bob walks to work", &err), CD_OK);
	/* Four wrong passphrases from one connection, the fifth from another: the count is the store's. */
	for (int i = 0; i < 4; i++) {
		err = (struct cd_error)CD_ERROR_INIT;
		assert_int_equal(passphrase_login(s, "bob", "bob drives to work", &bob, &err), CD_EREFUSED);
		assert_string_equal(err.msg, "wrong user name or passphrase");
		assert_int_equal(passphrase_login(s, "nosuchuser", "bob drives to work", &bob, &unknown), CD_EREFUSED);
		/* The same words for a user that does not exist. */
		assert_string_equal(unknown.msg, err.msg);
	}
	assert_int_equal(passphrase_login(other, "bob", "bob drives to work", &bob, &err), CD_EREFUSED);
	assert_non_null(strstr(err.msg, "locked until"));
	assert_int_equal(passphrase_login(other, "nosuchuser", "bob drives to work", &bob, &unknown), CD_EREFUSED);
	assert_non_null(strstr(unknown.msg, "locked until"));
	/* Locked: the right passphrase is refused too. */
	assert_int_equal(passphrase_login(s, "bob", "bob walks to work", &bob, &err), CD_EREFUSED);
	assert_non_null(strstr(err.msg, "bob is locked until"));
	/* An admin's reset lifts the lock; a caseworker may not reset another's passphrase. */
	assert_int_equal(passphrase_set(s, &chief, "bob", "bob cycles to work", &err), CD_OK);
	assert_int_equal(passphrase_login(other, "bob", "bob cycles to work", &bob, &err), CD_OK);
	assert_int_equal(passphrase_set(s, &bob, "chief", "bob takes over now", &err), CD_EREFUSED);
	assert_int_equal(passphrase_set(s, &bob, "bob", "bob", &err), CD_EINPUT);
	{
		/* Each failure and the lock are in the audit trail. */
		sqlite3_stmt *st;
		assert_int_equal(sqlite3_prepare_v2(s->db,
						    "SELECT sum(action = 'login_failed'), sum(action = 'lock'),"
						    " sum(action = 'login_refused') FROM audit WHERE user_name = 'bob'",
						    -1, &st, NULL),
				 SQLITE_OK);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		assert_int_equal(sqlite3_column_int(st, 0), 6);   /* one before a passphrase, five after */
		assert_int_equal(sqlite3_column_int(st, 1), 1);
		assert_int_equal(sqlite3_column_int(st, 2), 1);
		sqlite3_finalize(st);
	}
	store_close(other);
	store_close(s);
}

static void test_kit_enable_needs_an_admin_with_a_passphrase(void **state)
{
	struct cd_store_create_opts o = { .office = "TBS", .admin_os_account = "root2" };
	struct cd_error err = CD_ERROR_INIT;
	struct cd_store *s = NULL;
	struct cd_actor admin = { 0 };
	char p2[160];
	int kit = 1;

	(void)state;
	snprintf(p2, sizeof p2, "%s/real.casedesk", dir);
	assert_int_equal(store_create(p2, &o, &err), CD_OK);
	assert_int_equal(store_open(p2, &s, &err), CD_OK);
	assert_int_equal(kit_store_is(s, &kit, &err), CD_OK);
	assert_false(kit);
	admin.user_id = 1;
	admin.roles = CD_ROLE_ADMIN;
	snprintf(admin.name, sizeof admin.name, "root2");
	assert_int_equal(kit_enable(s, &admin, 0, &err), CD_EREFUSED);
	assert_int_equal(passphrase_set(s, &admin, "root2", "an admin's long words", &err), CD_OK);
	assert_int_equal(kit_enable(s, &admin, 1, &err), CD_OK);
	assert_int_equal(kit_store_is(s, &kit, &err), CD_OK);
	assert_true(kit);
	store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_answer),
		cmocka_unit_test(test_round_trip_and_salt),
		cmocka_unit_test(test_refuses_what_it_cannot_read),
		cmocka_unit_test(test_acceptable),
		cmocka_unit_test_setup_teardown(test_door_and_lock, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kit_enable_needs_an_admin_with_a_passphrase, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
