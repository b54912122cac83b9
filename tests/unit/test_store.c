/*
 * test_store.c - the case store through its C API: creation and refusal, migrations from
 * schema version 1, people, cases, optimistic locking, and the write path under injected
 * failure (every bookkeeping table failing in turn leaves no half-written case).
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

#include "model/store/cases.h"
#include "model/store/person.h"
#include "model/store/search.h"
#include "model/store/store_internal.h"
#include "model/store/users.h"
#include "tests/unit/store_dir.h"


/* Reads as a user of every workflow would (need-to-know is tested in t_need.sh). */
static const struct cd_actor reader = { .name = "clerk", .roles = 1, .workflows = "*" };

static int setup(void **state)
{
	(void)state;
	store_dir_make("store");
	return 0;
}

static struct cd_store *fresh(int version)
{
	struct cd_store_create_opts o = { .office = "TBS", .training = 1, .schema_version = version };
	struct cd_error err = CD_ERROR_INIT;
	struct cd_store *s = NULL;
	unlink(path);
	assert_int_equal(store_create(path, &o, &err), CD_OK);
	if (version == 0 || version == CD_SCHEMA_VERSION) {
		assert_int_equal(store_open(path, &s, &err), CD_OK);
	}
	return s;
}

static void actor(struct cd_store *s, const char *name, struct cd_actor *a)
{
	struct cd_error err = CD_ERROR_INIT;
	assert_int_equal(user_resolve(s, name, a, &err), CD_OK);
}

static void add_person(struct cd_store *s, const struct cd_actor *a, struct cd_person *p)
{
	struct cd_error err = CD_ERROR_INIT;
	struct cd_person_input in = { .surname = "Ковальчук", .given = "Ірина", .surname_latin = "KOVALCHUK",
				      .given_latin = "IRYNA", .sex = "F", .dob = "1991-07", .nationality = "UKR" };
	assert_int_equal(person_add(s, a, &in, p, &err), CD_OK);
}

static void test_create_refuses_existing(void **state)
{
	struct cd_store_create_opts o = { .office = "TBS", .training = 1 };
	struct cd_error err = CD_ERROR_INIT;
	(void)state;
	store_close(fresh(0));
	assert_int_equal(store_create(path, &o, &err), CD_EUSAGE);
	assert_non_null(strstr(err.msg, "never overwrites"));
}

static void test_migrates_from_version_1(void **state)
{
	struct cd_error err = CD_ERROR_INIT;
	struct cd_store *s;
	struct cd_search_hit *hits;
	size_t n;
	sqlite3 *db;
	(void)state;

	fresh(1);
	/* A person written by a version-1 program, before the search index existed. */
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "INSERT INTO person(uuid, number, surname, given, surname_latin,"
					  " given_latin, sex, dob, nationality, created_at, updated_at) VALUES"
					  " ('u1', 'P-TBS-000001', 'Бериашвили', 'Нино', 'BERIASHVILI', 'NINO',"
					  " 'F', '1980', 'GEO', 'x', 'x')", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(store_open(path, &s, &err), CD_OK);
	assert_int_equal(store_schema_version(s), CD_SCHEMA_VERSION);
	assert_int_equal(search_people(s, &reader, "beriash", 10, &hits, &n, &err), CD_OK);
	assert_int_equal(n, 1);
	assert_string_equal(hits[0].number, "P-TBS-000001");
	search_hits_free(hits, n);
	store_close(s);
}

static void test_person_and_case_roundtrip(void **state)
{
	struct cd_error err = CD_ERROR_INIT;
	struct cd_store *s = fresh(0);
	struct cd_actor clerk;
	struct cd_person p;
	struct cd_person_record *r;
	(void)state;

	actor(s, "clerk", &clerk);
	add_person(s, &clerk, &p);
	assert_string_equal(p.number, "P-TBS-000001");
	assert_int_equal(document_add(s, &clerk, p.number, "passport", "ab 12-34", "UKR", NULL, "2031-01-01", 0, &err), CD_OK);
	assert_int_equal(person_load(s, &clerk, p.number, "test", &r, &err), CD_OK);
	assert_string_equal(r->person.surname, "Ковальчук");
	assert_string_equal(r->person.dob, "1991-07");
	assert_int_equal(r->n_documents, 1);
	assert_string_equal(r->documents[0].number, "AB1234");
	person_record_free(r);
	assert_int_equal(person_load(s, &clerk, "P-TBS-000404", "test", &r, &err), CD_ENOTFOUND);
	store_close(s);
}

static int64_t count(struct cd_store *s, const char *sql)
{
	sqlite3_stmt *st;
	int64_t v = -1;
	assert_int_equal(sqlite3_prepare_v2(s->db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static void make_case(struct cd_store *s, const struct cd_actor *a, char number[40])
{
	struct cd_error err = CD_ERROR_INIT;
	struct cd_person p;
	add_person(s, a, &p);
	assert_int_equal(workflow_pin(s, "t", 1, "[workflow]\nid = t\n", &err), CD_OK);
	struct cd_case_new in = { .workflow_id = "t", .workflow_version = 1, .prefix = "TT", .initial_state = "a",
				  .person_ref = p.number, .due_day = 100, .frozen_left = -1 };
	assert_int_equal(case_create(s, a, &in, number, &err), CD_OK);
}

static void test_stale_step_is_a_conflict(void **state)
{
	struct cd_error err = CD_ERROR_INIT;
	struct cd_store *s = fresh(0);
	struct cd_actor clerk, sup;
	char number[40];
	int64_t v = 0;
	(void)state;

	actor(s, "clerk", &clerk);
	actor(s, "supervisor", &sup);
	make_case(s, &clerk, number);
	struct cd_case_step first = { .number = number, .expected_version = 1, .transition = "go", .to_state = "b",
				      .due_day = 100, .frozen_left = -1 };
	assert_int_equal(case_step(s, &sup, &first, &v, &err), CD_OK);
	assert_int_equal(v, 2);
	struct cd_case_step stale = first;
	stale.to_state = "c";
	assert_int_equal(case_step(s, &clerk, &stale, &v, &err), CD_ECONFLICT);
	assert_non_null(strstr(err.msg, "supervisor took step go (a -> b)"));
	assert_int_equal(count(s, "SELECT count(*) FROM cases WHERE state = 'b' AND row_version = 2"), 1);
	assert_int_equal(workflow_pin(s, "t", 1, "[workflow]\nid = other\n", &err), CD_EINPUT);
	store_close(s);
}

/*
 * Each table a step writes fails in turn (a trigger raises on insert): the step must fail
 * and leave the case, its fields and its history exactly as they were.
 */
static void test_injected_failures_leave_nothing_half_written(void **state)
{
	static const char *const tables[] = { "event", "audit", "outbox", "case_field" };
	struct cd_error err = CD_ERROR_INIT;
	struct cd_store *s = fresh(0);
	struct cd_actor clerk;
	char number[40], sql[256];
	(void)state;

	actor(s, "clerk", &clerk);
	make_case(s, &clerk, number);
	int64_t events = count(s, "SELECT count(*) FROM event");
	int64_t audits = count(s, "SELECT count(*) FROM audit");
	int64_t outbox = count(s, "SELECT count(*) FROM outbox");
	for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
		const char *names[] = { "reason" }, *values[] = { "family" };
		snprintf(sql, sizeof sql, "CREATE TEMP TRIGGER inject BEFORE INSERT ON %s"
					  " BEGIN SELECT RAISE(ABORT, 'injected failure'); END", tables[i]);
		assert_int_equal(sqlite3_exec(s->db, sql, NULL, NULL, NULL), SQLITE_OK);
		struct cd_case_step step = { .number = number, .expected_version = 1, .transition = "go",
					     .to_state = "b", .due_day = 100, .frozen_left = -1,
					     .names = names, .values = values, .n_values = 1 };
		assert_int_equal(case_step(s, &clerk, &step, NULL, &err), CD_ESTORE);
		assert_int_equal(sqlite3_exec(s->db, "DROP TRIGGER temp.inject", NULL, NULL, NULL), SQLITE_OK);
		assert_int_equal(count(s, "SELECT count(*) FROM cases WHERE state = 'a' AND row_version = 1"), 1);
		assert_int_equal(count(s, "SELECT count(*) FROM case_field"), 0);
		assert_int_equal(count(s, "SELECT count(*) FROM event"), events);
		assert_int_equal(count(s, "SELECT count(*) FROM audit"), audits);
		assert_int_equal(count(s, "SELECT count(*) FROM outbox"), outbox);
		assert_int_equal(s->txn_depth, 0);
	}
	store_close(s);
}

static void test_event_rows_are_append_only(void **state)
{
	struct cd_store *s = fresh(0);
	struct cd_actor clerk;
	char number[40];
	(void)state;
	actor(s, "clerk", &clerk);
	make_case(s, &clerk, number);
	assert_int_not_equal(sqlite3_exec(s->db, "UPDATE event SET user_name = 'x'", NULL, NULL, NULL), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(s->db, "DELETE FROM event", NULL, NULL, NULL), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(s->db, "UPDATE audit SET user_name = 'x'", NULL, NULL, NULL), SQLITE_OK);
	store_close(s);
}

static void test_audit_is_a_hash_chain(void **state)
{
	struct cd_store *s = fresh(0);
	struct cd_actor clerk;
	char number[40];
	(void)state;
	actor(s, "clerk", &clerk);
	make_case(s, &clerk, number);
	assert_true(count(s, "SELECT count(*) FROM audit") >= 2);
	/* Each row names the hash of the one before it. */
	assert_int_equal(count(s, "SELECT count(*) FROM audit a JOIN audit b ON b.id = a.id + 1"
				  " WHERE b.prev_hash != a.hash"), 0);
	assert_int_equal(count(s, "SELECT count(*) FROM audit WHERE length(hash) != 64"), 0);
	store_close(s);
}

static void test_uuid7_shape(void **state)
{
	char a[37], b[37];
	(void)state;
	cd_uuid7(a);
	cd_uuid7(b);
	assert_int_equal(strlen(a), 36);
	assert_int_equal(a[14], '7');
	assert_true(strchr("89ab", a[19]) != NULL);
	assert_string_not_equal(a, b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_create_refuses_existing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_migrates_from_version_1, setup, teardown),
		cmocka_unit_test_setup_teardown(test_person_and_case_roundtrip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stale_step_is_a_conflict, setup, teardown),
		cmocka_unit_test_setup_teardown(test_injected_failures_leave_nothing_half_written, setup, teardown),
		cmocka_unit_test_setup_teardown(test_event_rows_are_append_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_audit_is_a_hash_chain, setup, teardown),
		cmocka_unit_test(test_uuid7_shape),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
