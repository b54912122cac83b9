/*
 * test_outbox.c - every outbox row is JSON that says what changed (issue 11, item 6; the
 * op log's {"fields":{NAME:{"base","old","new"}}} since schema 16, issue 15),
 * through the C API on a temporary store: the rows the command line cannot reach alone
 * (a check, a demo biometric) and the move whose first field value is unchanged, whose
 * payload once read "fields":{,...}.  Payloads are read back with SQLite's JSON functions.
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
#include "model/store/checks.h"
#include "model/store/person.h"
#include "model/store/roles.h"
#include "model/store/store_internal.h"
#include "model/store/users.h"
#include "tests/unit/store_dir.h"


static int setup(void **state)
{
	(void)state;
	store_dir_make("outbox");
	setenv("CASEDESK_TODAY", "2026-03-02", 1);
	return 0;
}

/* One text from the newest outbox row of `entity`: json_extract(payload, path), or "INVALID". */
static char *newest(struct cd_store *s, const char *entity, const char *json_path)
{
	sqlite3_stmt *st;
	char *v = NULL;
	assert_int_equal(sqlite3_prepare_v2(s->db, "SELECT CASE WHEN json_valid(payload) THEN"
						   " coalesce(json_extract(payload, ?2), 'NULL') ELSE 'INVALID' END"
						   " FROM outbox WHERE entity = ?1 ORDER BY id DESC LIMIT 1",
					    -1, &st, NULL),
			 SQLITE_OK);
	sqlite3_bind_text(st, 1, entity, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, json_path, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	v = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	assert_non_null(v);
	return v;
}

static void expect(struct cd_store *s, const char *entity, const char *json_path, const char *want)
{
	char *got = newest(s, entity, json_path);
	assert_string_equal(got, want);
	free(got);
}

static void test_payloads_say_what_changed(void **state)
{
	struct cd_store_create_opts o = { .office = "TBS", .training = 1 };
	struct cd_error err = CD_ERROR_INIT;
	struct cd_store *s = NULL;
	struct cd_actor clerk;
	struct cd_person p, q;
	char number[40];
	int64_t version = 0;
	(void)state;

	assert_int_equal(store_create(path, &o, &err), CD_OK);
	assert_int_equal(store_open(path, &s, &err), CD_OK);
	assert_int_equal(user_resolve(s, "clerk", &clerk, &err), CD_OK);
	struct cd_person_input in = { .surname = "O\"Brien\\", .given = "\xF0\xA0\x80\x80", .surname_latin = "OBRIEN",
				      .given_latin = "ANNE", .sex = "F", .dob = "1980", .nationality = "IRL" };
	assert_int_equal(person_add(s, &clerk, &in, &p, &err), CD_OK);
	expect(s, "person", "$.fields.surname.new", "O\"Brien\\");
	expect(s, "person", "$.fields.given.new", "\xF0\xA0\x80\x80");
	in.surname = "Other";
	assert_int_equal(person_add(s, &clerk, &in, &q, &err), CD_OK);

	/* An alias carries its names and kind (it carried {}). */
	assert_int_equal(alias_add(s, &clerk, p.number, "birth", "Tab\\Name", "\"Q\"", &err), CD_OK);
	expect(s, "alias", "$.fields.surname.new", "Tab\\Name");
	expect(s, "alias", "$.fields.given.new", "\"Q\"");
	expect(s, "alias", "$.fields.kind.new", "birth");
	expect(s, "alias", "$.fields.person.new", p.uuid);

	assert_int_equal(family_link(s, &clerk, p.number, q.number, "spouse", &err), CD_OK);
	expect(s, "family", "$.fields.relation.new", "spouse");   /* the second row: q's side */
	expect(s, "family", "$.fields.person.new", q.uuid);
	expect(s, "family", "$.fields.relative.new", p.uuid);

	assert_int_equal(document_add(s, &clerk, p.number, NULL, "ie 1", "IRL", NULL, "2030-01-01", 0, &err), CD_OK);
	expect(s, "document", "$.fields.number.new", "IE1");
	expect(s, "document", "$.fields.person.new", p.uuid);
	expect(s, "document", "$.fields.expires.new", "2030-01-01");

	struct cd_case_new cn = { .workflow_id = "t", .workflow_version = 1, .prefix = "TT", .initial_state = "a",
				  .person_ref = p.number, .due_day = -1, .frozen_left = -1 };
	assert_int_equal(workflow_pin(s, "t", 1, "[workflow]\nid = t\n", &err), CD_OK);
	assert_int_equal(case_create(s, &clerk, &cn, number, &err), CD_OK);
	expect(s, "case", "$.fields.person.new", p.uuid);

	/* A check carries its list, result and source (it carried {}). */
	char lower[40];
	for (size_t i = 0; i < sizeof lower; i++)
		lower[i] = (char)(number[i] >= 'A' && number[i] <= 'Z' ? number[i] + 32 : number[i]);
	struct cd_actor caseworker;
	static const char *const lists[] = { "sis" };
	assert_int_equal(user_resolve(s, "caseworker", &caseworker, &err), CD_OK);
	struct cd_check_answer ans = { .number = lower, .list = "sis", .result = "clear", .text = "desk \"2\"",
				       .source = "hand", .lists = lists, .n_lists = 1 };
	assert_int_equal(checks_record(s, &caseworker, &ans, &err), CD_OK);
	expect(s, "check", "$.fields.list.new", "sis");
	expect(s, "check", "$.fields.result.new", "clear");
	expect(s, "check", "$.fields.source.new", "hand");
	expect(s, "check", "$.fields.recorded_by.new", "caseworker");
	expect(s, "check", "$.number", number);   /* as stored, not as typed */

	assert_int_equal(biometric_record(s, &clerk, p.number, "finger", "all", 77, NULL, 0, "demo", 1, &err), CD_OK);
	expect(s, "biometric", "$.fields.position.new", "all");
	expect(s, "biometric", "$.fields.quality.new", "77");
	expect(s, "biometric", "$.fields.person.new", p.uuid);

	/* The first value equals the stored one, the second is new: only the second is sent. */
	const char *names[] = { "x", "y" }, *first[] = { "1", "2" }, *again[] = { "1", "3" };
	struct cd_case_step step = { .number = number, .transition = "go", .to_state = "b", .due_day = -1,
				     .frozen_left = -1, .names = names, .values = first, .n_values = 2 };
	assert_int_equal(case_step(s, &clerk, &step, &version, &err), CD_OK);
	expect(s, "case", "$.fields.\"field.x\".new", "1");
	expect(s, "case", "$.fields.\"field.y\".new", "2");
	step.values = again;
	step.transition = "back";
	step.to_state = "a";
	step.note = "tab\there";
	assert_int_equal(case_step(s, &clerk, &step, &version, &err), CD_OK);
	expect(s, "case", "$.fields.\"field.x\"", "NULL");
	expect(s, "case", "$.fields.\"field.y\".old", "2");
	expect(s, "case", "$.fields.\"field.y\".new", "3");
	expect(s, "case", "$.note", "tab\there");
	expect(s, "case", "$.fields.state.old", "b");
	expect(s, "case", "$.fields.state.new", "a");

	struct cd_actor admin;
	assert_int_equal(user_resolve(s, "admin", &admin, &err), CD_OK);
	assert_int_equal(user_add(s, &admin, "anna", CD_ROLE_CLERK, NULL, NULL, &err), CD_OK);
	expect(s, "user", "$.fields.name.new", "anna");
	expect(s, "user", "$.fields.roles.new", "clerk");
	store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_payloads_say_what_changed),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
