/*
 * test_admin.c - the administration rules of model/store/users.h and office.h on real store
 * files: roles replaced; no admin takes admin from themselves or from the store's last active
 * admin, nor disables themselves or the last admin; a disabled user cannot act by any way in
 * (--user, the OS account row, user_by_name) and is told an admin can enable them; every
 * change is audited.  Office settings: known keys only, one line of NFC text without control
 * characters, the appeal limit a duration, an email with an @; admins only; audited; the
 * letterhead from the store once a name is set, the language variant preferred.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "model/store/office.h"
#include "model/store/roles.h"
#include "model/store/store_internal.h"
#include "model/store/users.h"
#include "tests/unit/store_dir.h"

static int setup(void **state)
{
	(void)state;
	store_dir_make("admin");
	return 0;
}

static struct cd_store *fresh(void)
{
	struct cd_store_create_opts o = { .office = "TBS", .training = 1 };
	struct cd_error err = CD_ERROR_INIT;
	struct cd_store *s = NULL;
	assert_int_equal(store_create(path, &o, &err), CD_OK);
	assert_int_equal(store_open(path, &s, &err), CD_OK);
	return s;
}

static void actor(struct cd_store *s, const char *name, struct cd_actor *a)
{
	struct cd_error err = CD_ERROR_INIT;
	assert_int_equal(user_resolve(s, name, a, &err), CD_OK);
}

static int64_t count(struct cd_store *s, const char *sql)
{
	sqlite3_stmt *st;
	int64_t n = -1;
	assert_int_equal(sqlite3_prepare_v2(s->db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static void test_roles_replaced_and_the_last_admin_kept(void **state)
{
	struct cd_error err = CD_ERROR_INIT;
	struct cd_store *s = fresh();
	struct cd_actor admin, clerk, boss;
	(void)state;

	actor(s, "admin", &admin);
	actor(s, "clerk", &clerk);
	/* Only an admin changes roles. */
	assert_int_equal(user_set(s, &clerk, "clerk", CD_ROLE_ADMIN, NULL, &err), CD_EREFUSED);
	/* Roles given replace the old ones. */
	assert_int_equal(user_set(s, &admin, "clerk", CD_ROLE_CASEWORKER | CD_ROLE_SUPERVISOR, NULL, &err), CD_OK);
	assert_int_equal(count(s, "SELECT roles FROM users WHERE name = 'clerk'"), CD_ROLE_CASEWORKER | CD_ROLE_SUPERVISOR);
	assert_int_equal(count(s, "SELECT count(*) FROM audit WHERE entity = 'user' AND action = 'change'"), 1);
	/* Not from oneself, even with another admin there. */
	assert_int_equal(user_set(s, &admin, "supervisor", CD_ROLE_SUPERVISOR | CD_ROLE_ADMIN, NULL, &err), CD_OK);
	cd_error_clear(&err);
	assert_int_equal(user_set(s, &admin, "admin", CD_ROLE_CASEWORKER, NULL, &err), CD_EREFUSED);
	assert_non_null(strstr(err.msg, "yourself"));
	/* The other admin may. */
	actor(s, "supervisor", &boss);
	assert_int_equal(user_set(s, &boss, "admin", CD_ROLE_CASEWORKER, NULL, &err), CD_OK);
	assert_int_equal(count(s, "SELECT roles FROM users WHERE name = 'admin'"), CD_ROLE_CASEWORKER);
	store_close(s);
}

static void test_last_admin_message(void **state)
{
	struct cd_error err = CD_ERROR_INIT;
	struct cd_store *s = fresh();
	struct cd_actor admin, other;
	(void)state;

	actor(s, "admin", &admin);
	assert_int_equal(user_add(s, &admin, "other", CD_ROLE_ADMIN, NULL, "all", &err), CD_OK);
	assert_int_equal(user_by_name(s, "other", &other, &err), CD_OK);
	/* other disables admin: allowed, other is still an admin. */
	assert_int_equal(user_set_active(s, &other, "admin", 0, &err), CD_OK);
	/* other takes their own admin role: refused (their own). */
	assert_int_equal(user_set(s, &other, "other", CD_ROLE_CLERK, NULL, &err), CD_EREFUSED);
	/* A disabled admin's row still has the admin bit; taking it is allowed (other remains). */
	assert_int_equal(user_set(s, &other, "admin", CD_ROLE_CLERK, NULL, &err), CD_OK);
	/* Give it back, enable, and have admin disable other: then admin is the last. */
	assert_int_equal(user_set(s, &other, "admin", CD_ROLE_ADMIN, NULL, &err), CD_OK);
	assert_int_equal(user_set_active(s, &other, "admin", 1, &err), CD_OK);
	assert_int_equal(user_by_name(s, "admin", &admin, &err), CD_OK);
	assert_int_equal(user_set(s, &admin, "other", CD_ROLE_CLERK, NULL, &err), CD_OK);
	/* other is a clerk now: admin is the last active admin, and other cannot act as admin. */
	assert_int_equal(user_by_name(s, "other", &other, &err), CD_OK);
	assert_int_equal(user_set_active(s, &other, "admin", 0, &err), CD_EREFUSED);
	/* The last-admin rule itself, met by a forged actor holding the admin bit (as another
	 * desk whose admin was just demoted would hold it): refused, naming the rule. */
	other.roles |= CD_ROLE_ADMIN;
	cd_error_clear(&err);
	assert_int_equal(user_set_active(s, &other, "admin", 0, &err), CD_EREFUSED);
	assert_non_null(strstr(err.msg, "last active admin"));
	cd_error_clear(&err);
	assert_int_equal(user_set(s, &other, "admin", CD_ROLE_CASEWORKER, NULL, &err), CD_EREFUSED);
	assert_non_null(strstr(err.msg, "last active admin"));
	assert_int_equal(CD_ROLE_ADMIN, 8);
	assert_int_equal(count(s, "SELECT count(*) FROM users WHERE active = 1 AND roles & 8"), 1);
	store_close(s);
}

static void test_disabled_user_cannot_act(void **state)
{
	struct cd_error err = CD_ERROR_INIT;
	struct cd_store *s = fresh();
	struct cd_actor admin, clerk, who;
	int64_t audits;
	(void)state;

	actor(s, "admin", &admin);
	actor(s, "clerk", &clerk);
	assert_int_equal(user_set_active(s, &clerk, "caseworker", 0, &err), CD_EREFUSED);   /* not an admin */
	audits = count(s, "SELECT count(*) FROM audit WHERE entity = 'user'");
	assert_int_equal(user_set_active(s, &admin, "caseworker", 0, &err), CD_OK);
	assert_int_equal(count(s, "SELECT count(*) FROM audit WHERE entity = 'user' AND action = 'disable'"), 1);
	assert_int_equal(count(s, "SELECT count(*) FROM audit WHERE entity = 'user'"), audits + 1);
	assert_int_equal(count(s, "SELECT count(*) FROM outbox WHERE entity = 'user'") > 0, 1);
	cd_error_clear(&err);
	assert_int_equal(user_resolve(s, "caseworker", &who, &err), CD_EREFUSED);
	assert_non_null(strstr(err.msg, "disabled"));
	assert_non_null(strstr(err.msg, "user enable caseworker"));
	cd_error_clear(&err);
	assert_int_equal(user_by_name(s, "caseworker", &who, &err), CD_EREFUSED);
	assert_non_null(strstr(err.msg, "an admin can enable it"));
	assert_int_equal(user_set_active(s, &admin, "nobody", 0, &err), CD_ENOTFOUND);
	assert_int_equal(user_set_active(s, &admin, "caseworker", 1, &err), CD_OK);
	assert_int_equal(count(s, "SELECT count(*) FROM audit WHERE entity = 'user' AND action = 'enable'"), 1);
	assert_int_equal(user_resolve(s, "caseworker", &who, &err), CD_OK);
	assert_string_equal(who.name, "caseworker");
	store_close(s);
}

static void test_office_values_checked(void **state)
{
	struct cd_error err = CD_ERROR_INIT;
	char *norm = NULL;
	(void)state;

	assert_int_equal(office_check("name", "Migration Office", &norm, &err), CD_OK);
	assert_string_equal(norm, "Migration Office");
	free(norm);
	/* NFC: u + combining diaeresis is stored composed. */
	assert_int_equal(office_check("address", "Mu\xcc\x88hlweg 1", &norm, &err), CD_OK);
	assert_string_equal(norm, "M\xc3\xbchlweg 1");
	free(norm);
	assert_int_equal(office_check("name[ru]", "\xd0\x9e\xd1\x84\xd0\xb8\xd1\x81", &norm, &err), CD_OK);
	free(norm);
	assert_int_equal(office_check("name", "bad\x1b[31m", &norm, &err), CD_EINPUT);
	assert_null(norm);
	assert_int_equal(office_check("address", "two\nlines", &norm, &err), CD_EINPUT);
	assert_int_equal(office_check("name", "\xff\xfe", &norm, &err), CD_EINPUT);
	assert_int_equal(office_check("colour", "red", &norm, &err), CD_EINPUT);
	assert_non_null(strstr(err.msg, "appeal_limit"));   /* the message lists the keys */
	assert_int_equal(office_check("phone[ru]", "1", &norm, &err), CD_EINPUT);   /* no language for phone */
	assert_int_equal(office_check("name[RU]", "x", &norm, &err), CD_EINPUT);
	assert_int_equal(office_check("name[r]", "x", &norm, &err), CD_EINPUT);
	static const char *const good[] = { "30d", "10wd", "4w", "1m", "9999d" };
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		assert_int_equal(office_check("appeal_limit", good[i], &norm, &err), CD_OK);
		free(norm);
	}
	static const char *const bad[] = { "30", "d", "0d", "30 days", "10000d", "-1d", "30x", "1.5m" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(office_check("appeal_limit", bad[i], &norm, &err), CD_EINPUT);
		assert_null(norm);
	}
	assert_int_equal(office_check("email", "desk@office.example", &norm, &err), CD_OK);
	free(norm);
	assert_int_equal(office_check("email", "no-at-sign", &norm, &err), CD_EINPUT);
	/* Empty: a removal. */
	assert_int_equal(office_check("name", "", &norm, &err), CD_OK);
	assert_string_equal(norm, "");
	free(norm);
}

static void test_office_settings_stored(void **state)
{
	struct cd_error err = CD_ERROR_INIT;
	struct cd_store *s = fresh();
	struct cd_actor admin, caseworker;
	struct cd_letterhead lh;
	struct cd_office_appeal ap;
	int found = -1;
	char *v = NULL;
	(void)state;

	actor(s, "admin", &admin);
	actor(s, "caseworker", &caseworker);
	assert_int_equal(office_letterhead(s, "en", &lh, &found, &err), CD_OK);
	assert_int_equal(found, 0);   /* none yet: forms use the package's file */
	assert_int_equal(office_set(s, &caseworker, "name", "X", &err), CD_EREFUSED);
	assert_int_equal(office_set(s, &admin, "appeal_limit", "thirty days", &err), CD_EINPUT);
	assert_int_equal(office_set(s, &admin, "name", "Office One", &err), CD_OK);
	assert_int_equal(office_set(s, &admin, "name[ru]", "Офис Один", &err), CD_OK);
	assert_int_equal(office_set(s, &admin, "phone", "+1 555 0100", &err), CD_OK);
	assert_int_equal(office_set(s, &admin, "email", "desk@one.example", &err), CD_OK);
	assert_int_equal(office_set(s, &admin, "appeal_court", "Administrative Court", &err), CD_OK);
	assert_int_equal(office_set(s, &admin, "appeal_limit", "30d", &err), CD_OK);
	assert_int_equal(count(s, "SELECT count(*) FROM audit WHERE entity = 'office' AND action = 'change'"), 6);
	assert_int_equal(count(s, "SELECT count(*) FROM outbox WHERE entity = 'setting'"), 6);
	assert_int_equal(office_letterhead(s, "ru", &lh, &found, &err), CD_OK);
	assert_int_equal(found, 1);
	assert_string_equal(lh.name, "Офис Один");
	assert_null(lh.address);
	assert_string_equal(lh.contact, "+1 555 0100 - desk@one.example");
	office_letterhead_release(&lh);
	assert_int_equal(office_get(s, "name", "uk", &v, &err), CD_OK);   /* no [uk]: the plain one */
	assert_string_equal(v, "Office One");
	free(v);
	assert_int_equal(office_appeal(s, "en", &ap, &err), CD_OK);
	assert_string_equal(ap.court, "Administrative Court");
	assert_null(ap.court_address);
	assert_string_equal(ap.limit, "30d");
	office_appeal_release(&ap);
	/* An empty value removes it. */
	assert_int_equal(office_set(s, &admin, "appeal_limit", "", &err), CD_OK);
	assert_int_equal(office_get(s, "appeal_limit", NULL, &v, &err), CD_OK);
	assert_null(v);
	struct cd_office_setting *rows;
	size_t n;
	assert_int_equal(office_list(s, &rows, &n, &err), CD_OK);
	assert_int_equal(n, 5);
	assert_string_equal(rows[0].key, "appeal_court");
	office_list_free(rows, n);
	store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_roles_replaced_and_the_last_admin_kept, setup, teardown),
		cmocka_unit_test_setup_teardown(test_last_admin_message, setup, teardown),
		cmocka_unit_test_setup_teardown(test_disabled_user_cannot_act, setup, teardown),
		cmocka_unit_test(test_office_values_checked),
		cmocka_unit_test_setup_teardown(test_office_settings_stored, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
