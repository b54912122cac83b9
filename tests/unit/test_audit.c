/*
 * test_audit.c - the audit trail's seals through the C API, where scripts cannot reach:
 * a seal in a transaction that rolls back (or fails by injection) burns no key, a crash
 * between the commit and the key's move is a warning that the next seal repairs, and a
 * store from schema 6 upgrades with its old history reported as unchained, not forged;
 * an event's texts are committed to by a salted digest (the same words under two salts
 * give two digests), and text erased with its salt verifies only for a purged person.
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
#include <openssl/sha.h>

#include "model/store/audit.h"
#include "model/store/person.h"
#include "model/store/store_internal.h"
#include "model/store/users.h"
#include "tests/unit/store_dir.h"

static char keypath[160];
static char escrow[4200];

static int setup(void **state)
{
	(void)state;
	store_dir_make("audit");
	snprintf(keypath, sizeof keypath, "%s.seal.key", path);
	setenv("CASEDESK_DATA", "data", 0);
	return 0;
}

static struct cd_store *fresh_sealed(void)
{
	struct cd_store_create_opts o = { .office = "TBS", .training = 1 };
	struct cd_error err = CD_ERROR_INIT;
	struct cd_store *s = NULL;
	assert_int_equal(store_create(path, &o, &err), CD_OK);
	assert_int_equal(store_open(path, &s, &err), CD_OK);
	assert_int_equal(audit_keys_create(s, escrow, sizeof escrow, &err), CD_OK);
	return s;
}

static void slurp(const char *file, char *buf, size_t size)
{
	FILE *f = fopen(file, "r");
	assert_non_null(f);
	size_t n = fread(buf, 1, size - 1, f);
	buf[n] = '\0';
	fclose(f);
}

static void add_person(struct cd_store *s, const char *surname)
{
	struct cd_error err = CD_ERROR_INIT;
	struct cd_actor a;
	struct cd_person p;
	struct cd_person_input in = { .surname = surname, .given = "Nino", .sex = "F", .dob = "1980",
				      .nationality = "GEO" };
	assert_int_equal(user_resolve(s, "clerk", &a, &err), CD_OK);
	assert_int_equal(person_add(s, &a, &in, &p, &err), CD_OK);
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

static void verify(struct cd_store *s, int with_escrow, int failures, int warnings)
{
	struct audit_report r;
	struct cd_error err = CD_ERROR_INIT;
	assert_int_equal(audit_verify(s, with_escrow ? escrow : NULL, &r, &err), CD_OK);
	for (size_t i = 0; i < r.n_findings; i++)
		printf("# %d %s\n", r.findings[i].severity, r.findings[i].text);
	assert_int_equal(r.failures, failures);
	assert_int_equal(r.warnings, warnings);
	audit_report_release(&r);
}

static void test_rolled_back_seal_burns_no_key(void **state)
{
	struct cd_store *s = fresh_sealed();
	struct cd_error err = CD_ERROR_INIT;
	char before[1024], after[1024];
	(void)state;

	assert_int_equal(sqlite3_exec(s->db, "UPDATE settings SET value = '1' WHERE key = 'audit_seal_rows'", NULL,
				      NULL, NULL), SQLITE_OK);
	slurp(keypath, before, sizeof before);
	assert_int_equal(store_begin(s, &err), CD_OK);
	add_person(s, "Beridze");
	assert_int_equal(count(s, "SELECT count(*) FROM audit_seal"), 2);   /* sealed inside the change */
	store_rollback(s);
	slurp(keypath, after, sizeof after);
	assert_string_equal(before, after);
	assert_int_equal(count(s, "SELECT count(*) FROM audit_seal"), 1);
	verify(s, 1, 0, 0);
	/* Committed, the key moves on. */
	add_person(s, "Beridze");
	slurp(keypath, after, sizeof after);
	assert_string_not_equal(before, after);
	assert_non_null(strstr(after, "\nepoch 2\n"));
	verify(s, 1, 0, 0);
	store_close(s);
}

static void test_injected_seal_failure_leaves_nothing(void **state)
{
	struct cd_store *s = fresh_sealed();
	struct cd_error err = CD_ERROR_INIT;
	struct cd_actor a;
	struct cd_person p;
	struct cd_person_input in = { .surname = "Doe", .given = "Jane", .sex = "F", .dob = "1980", .nationality = "XXA" };
	char before[1024], after[1024];
	(void)state;

	assert_int_equal(sqlite3_exec(s->db, "UPDATE settings SET value = '1' WHERE key = 'audit_seal_rows';"
					     "CREATE TEMP TRIGGER inject BEFORE INSERT ON audit_seal"
					     " BEGIN SELECT RAISE(ABORT, 'injected failure'); END", NULL, NULL, NULL),
			 SQLITE_OK);
	slurp(keypath, before, sizeof before);
	assert_int_equal(user_resolve(s, "clerk", &a, &err), CD_OK);
	assert_int_not_equal(person_add(s, &a, &in, &p, &err), CD_OK);
	assert_int_equal(count(s, "SELECT count(*) FROM person"), 0);
	assert_int_equal(count(s, "SELECT count(*) FROM audit"), 0);
	assert_int_equal(count(s, "SELECT count(*) FROM event"), 0);
	assert_int_equal(s->txn_depth, 0);
	slurp(keypath, after, sizeof after);
	assert_string_equal(before, after);
	store_close(s);
}

static void test_crash_before_the_key_moves_is_a_warning(void **state)
{
	struct cd_store *s = fresh_sealed();
	struct cd_error err = CD_ERROR_INIT;
	char before[1024];
	FILE *f;
	(void)state;

	add_person(s, "Kapanadze");
	slurp(keypath, before, sizeof before);
	assert_int_equal(audit_seal_now(s, &err), CD_OK);
	/* As if the process died after the commit, before the rename: the old key file stays. */
	assert_non_null(f = fopen(keypath, "w"));
	fputs(before, f);
	fclose(f);
	verify(s, 1, 0, 1);
	/* The next seal catches the key up; the escrow still checks every seal. */
	add_person(s, "Kapanadze");
	assert_int_equal(audit_seal_now(s, &err), CD_OK);
	verify(s, 1, 0, 0);
	store_close(s);
}

static void test_upgrade_from_schema_6(void **state)
{
	struct cd_store_create_opts o = { .office = "TBS", .training = 1, .schema_version = 6 };
	struct cd_error err = CD_ERROR_INIT;
	struct cd_store *s = NULL;
	sqlite3 *db;
	(void)state;

	assert_int_equal(store_create(path, &o, &err), CD_OK);
	/* History written by a schema-6 program: no event hash, no seal. */
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "INSERT INTO event(uuid, at, user_name, kind) VALUES"
					  " ('e1', '2026-01-01T00:00:00.000Z', 'clerk', 'note'),"
					  " ('e2', '2026-01-02T00:00:00.000Z', 'clerk', 'note')", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(store_open(path, &s, &err), CD_OK);
	assert_int_equal(store_schema_version(s), CD_SCHEMA_VERSION);
	/* Unsealed and keyless: warnings, not tampering. */
	verify(s, 0, 0, 2);
	assert_int_equal(audit_keys_create(s, escrow, sizeof escrow, &err), CD_OK);
	add_person(s, "Gelashvili");
	assert_int_not_equal(sqlite3_exec(s->db, "DELETE FROM audit", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(audit_seal_now(s, &err), CD_OK);
	struct audit_report r;
	assert_int_equal(audit_verify(s, escrow, &r, &err), CD_OK);
	assert_int_equal(r.failures, 0);
	assert_int_equal(r.warnings, 0);
	assert_int_equal(r.events_unchained, 2);
	assert_int_equal(r.event_rows, 3);
	audit_report_release(&r);
	store_close(s);
}

static void text_of(struct cd_store *s, int64_t id, char salt[65], char digest[65])
{
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(s->db, "SELECT text_salt, text_digest FROM event WHERE id = ?1", -1, &st,
					    NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, id);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_non_null(sqlite3_column_text(st, 0));
	assert_non_null(sqlite3_column_text(st, 1));
	snprintf(salt, 65, "%s", (const char *)sqlite3_column_text(st, 0));
	snprintf(digest, 65, "%s", (const char *)sqlite3_column_text(st, 1));
	sqlite3_finalize(st);
}

static void test_event_text_digest(void **state)
{
	struct cd_store *s = fresh_sealed();
	struct cd_error err = CD_ERROR_INIT;
	struct cd_actor a;
	char salt1[65], salt2[65], dig1[65], dig2[65];
	int64_t pid, e1, e2;
	(void)state;

	add_person(s, "Tsiklauri");
	pid = count(s, "SELECT max(id) FROM person");
	assert_int_equal(user_resolve(s, "clerk", &a, &err), CD_OK);
	struct cd_event ev = { .person_id = pid, .kind = "note", .field = "remark", .old_value = "before",
			       .new_value = "after", .note = "the same words" };
	assert_int_equal(store_add_event(s, &a, &ev, &err), CD_OK);
	e1 = count(s, "SELECT max(id) FROM event");
	assert_int_equal(store_add_event(s, &a, &ev, &err), CD_OK);
	e2 = count(s, "SELECT max(id) FROM event");
	text_of(s, e1, salt1, dig1);
	text_of(s, e2, salt2, dig2);
	/* Same texts, another salt: another digest, so the digest says nothing of the words. */
	assert_int_equal(strlen(salt1), 32);
	assert_string_not_equal(salt1, salt2);
	assert_string_not_equal(dig1, dig2);
	assert_int_equal(audit_seal_now(s, &err), CD_OK);
	verify(s, 1, 0, 0);

	/* Erased (texts and salt gone) while the person is not purged: the trigger refuses... */
	static const char erase[] = "UPDATE event SET note = NULL, old_value = NULL, new_value = NULL,"
				    " text_salt = NULL WHERE id = (SELECT max(id) FROM event WHERE kind = 'note')";
	assert_int_not_equal(sqlite3_exec(s->db, erase, NULL, NULL, NULL), SQLITE_OK);
	/* ... and done behind its back, verify names it. */
	assert_int_equal(sqlite3_exec(s->db, "DROP TRIGGER event_no_update", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(s->db, erase, NULL, NULL, NULL), SQLITE_OK);
	verify(s, 1, 1, 0);
	/* With the person purged, the same erasure is retention's: it verifies, counted. */
	assert_int_equal(sqlite3_exec(s->db, "UPDATE person SET purge_action = 'purge'", NULL, NULL, NULL), SQLITE_OK);
	verify(s, 1, 0, 0);
	struct audit_report r;
	assert_int_equal(audit_verify(s, escrow, &r, &err), CD_OK);
	assert_int_equal(r.events_erased, 1);
	audit_report_release(&r);
	/* A salt gone but a text left is not an erasure. */
	assert_int_equal(sqlite3_exec(s->db, "UPDATE event SET note = 'back again' WHERE text_salt IS NULL", NULL,
				      NULL, NULL), SQLITE_OK);
	verify(s, 1, 1, 0);
	store_close(s);
}

/* A store of schema 9 whose history was chained the old way ("casedesk-event 1", over every
 * column): after the upgrade its events still verify, and cannot be erased. */
static void test_old_chain_still_verifies(void **state)
{
	struct cd_store_create_opts o = { .office = "TBS", .training = 1, .schema_version = 9 };
	struct cd_error err = CD_ERROR_INIT;
	struct cd_store *s = NULL;
	static const char link[] = "casedesk-event 1|genesis|1:1|2:e1|24:2026-01-01T00:00:00.000Z|5:clerk|-|-|4:note"
				   "|-|-|-|-|-|-|6:a note|-";
	unsigned char md[32];
	char hash[65], sql[256];
	sqlite3 *db;
	(void)state;

	SHA256((const unsigned char *)link, strlen(link), md);
	for (int i = 0; i < 32; i++)
		snprintf(hash + 2 * i, 3, "%02x", md[i]);
	assert_int_equal(store_create(path, &o, &err), CD_OK);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	snprintf(sql, sizeof sql, "INSERT INTO event(id, uuid, at, user_name, kind, note, hash) VALUES"
				  " (1, 'e1', '2026-01-01T00:00:00.000Z', 'clerk', 'note', 'a note', '%s')", hash);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(store_open(path, &s, &err), CD_OK);
	assert_int_equal(store_schema_version(s), CD_SCHEMA_VERSION);
	assert_int_equal(audit_keys_create(s, escrow, sizeof escrow, &err), CD_OK);
	add_person(s, "Lomidze");    /* a new event links to the old one */
	assert_int_equal(audit_seal_now(s, &err), CD_OK);
	verify(s, 1, 0, 0);
	assert_int_equal(count(s, "SELECT count(*) FROM event WHERE text_digest IS NULL"), 1);
	assert_int_equal(sqlite3_exec(s->db, "UPDATE person SET purge_action = 'purge'", NULL, NULL, NULL), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(s->db, "UPDATE event SET note = NULL WHERE id = 1", NULL, NULL, NULL), SQLITE_OK);
	/* Its note changed behind the trigger's back: the old link finds it. */
	assert_int_equal(sqlite3_exec(s->db, "DROP TRIGGER event_no_update; UPDATE event SET note = 'another' WHERE id = 1",
				      NULL, NULL, NULL), SQLITE_OK);
	verify(s, 1, 1, 0);
	store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_rolled_back_seal_burns_no_key, setup, teardown),
		cmocka_unit_test_setup_teardown(test_injected_seal_failure_leaves_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crash_before_the_key_moves_is_a_warning, setup, teardown),
		cmocka_unit_test_setup_teardown(test_upgrade_from_schema_6, setup, teardown),
		cmocka_unit_test_setup_teardown(test_event_text_digest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_old_chain_still_verifies, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
