/*
 * test_apply.c - ops of one store applied to another (model/store/apply.h) and the conflict
 * queue (model/store/conflicts.h), with two real training stores in one process: A (office
 * KIT) makes changes, B (office TBS) applies A's op log in its order.  A person and its
 * correction arrive whole (same uuid, same values, an event in B); an op applied twice
 * changes nothing; an op past a gap is refused; a field changed on both sides differently
 * is queued with B's value kept, the same way is nothing to do; a step taken in A on a
 * case B has moved on is a conflict on the state, never a second transition; a resolution
 * is an op of its own; and resolved conflicts refuse sqlite3.
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

#include "model/store/apply.h"
#include "model/store/cases.h"
#include "model/store/checks.h"
#include "model/store/conflicts.h"
#include "model/store/person.h"
#include "model/store/person_edit.h"
#include "model/store/store_internal.h"
#include "model/store/users.h"
#include "tests/unit/store_dir.h"

static char path_b[160];

static int setup(void **state)
{
	(void)state;
	store_dir_make("apply");
	snprintf(path_b, sizeof path_b, "%s/b.casedesk", dir);
	setenv("CASEDESK_TODAY", "2026-03-02", 1);
	return 0;
}

static struct cd_store *make(const char *p, const char *office)
{
	struct cd_store_create_opts o = { .office = office, .training = 1 };
	struct cd_error err = CD_ERROR_INIT;
	struct cd_store *s = NULL;
	unlink(p);
	assert_int_equal(store_create(p, &o, &err), CD_OK);
	assert_int_equal(store_open(p, &s, &err), CD_OK);
	assert_int_equal(workflow_pin(s, "residence", 1, "[workflow]\nid = residence\n", &err), CD_OK);
	return s;
}

static void as(struct cd_store *s, const char *name, struct cd_actor *a)
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

static const char *text(struct cd_store *s, const char *sql)
{
	static char out[2][512];
	static int which;
	sqlite3_stmt *st;
	which ^= 1;
	out[which][0] = '\0';
	assert_int_equal(sqlite3_prepare_v2(s->db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		snprintf(out[which], sizeof out[which], "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return out[which];
}

/* Op number `seq` of `from`'s own log, applied to `to`; the op's outcome into *res. */
static int apply_seq(struct cd_store *from, struct cd_store *to, int64_t seq, struct cd_apply_result *res)
{
	struct cd_error err = CD_ERROR_INIT;
	struct cd_actor admin;
	sqlite3_stmt *st;
	int rc;
	as(to, "admin", &admin);
	assert_int_equal(sqlite3_prepare_v2(from->db, "SELECT uuid, origin, origin_seq, entity, entity_uuid, op, at,"
					    " payload FROM outbox WHERE origin = ?1 AND origin_seq = ?2", -1, &st, NULL),
			 SQLITE_OK);
	sqlite3_bind_text(st, 1, from->uuid, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, seq);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	struct cd_remote_op op = { .uuid = (const char *)sqlite3_column_text(st, 0),
				   .origin = (const char *)sqlite3_column_text(st, 1),
				   .origin_seq = sqlite3_column_int64(st, 2), .origin_office = from->office,
				   .entity = (const char *)sqlite3_column_text(st, 3),
				   .entity_uuid = (const char *)sqlite3_column_text(st, 4),
				   .op = (const char *)sqlite3_column_text(st, 5),
				   .at = (const char *)sqlite3_column_text(st, 6),
				   .payload = (const char *)sqlite3_column_text(st, 7) };
	rc = op_apply(to, &admin, &op, res, &err);
	if (rc)
		print_message("op_apply: %s\n", err.msg);
	sqlite3_finalize(st);
	return rc;
}

/* Everything of `from` that `to` has not applied yet; returns the conflicts queued. */
static int sync_all(struct cd_store *from, struct cd_store *to)
{
	struct cd_error err = CD_ERROR_INIT;
	struct cd_apply_result res;
	int64_t hw = 0, last = count(from, "SELECT max(origin_seq) FROM outbox");
	int conflicts = 0;
	assert_int_equal(op_origin_high_water(to, from->uuid, &hw, &err), CD_OK);
	for (int64_t seq = hw + 1; seq <= last; seq++) {
		assert_int_equal(apply_seq(from, to, seq, &res), CD_OK);
		conflicts += res.n_conflicts;
	}
	return conflicts;
}

static void add(struct cd_store *s, const char *surname, struct cd_person *p)
{
	struct cd_error err = CD_ERROR_INIT;
	struct cd_actor clerk;
	struct cd_person_input in = { .surname = surname, .given = "Anna", .sex = "F", .dob = "1990-01-02",
				      .nationality = "UKR" };
	as(s, "clerk", &clerk);
	assert_int_equal(person_add(s, &clerk, &in, p, &err), CD_OK);
}

static void correct(struct cd_store *s, const char *number, const char *field, const char *value)
{
	struct cd_error err = CD_ERROR_INIT;
	struct cd_actor cw;
	struct cd_person_fix fix[] = { { field, value } };
	as(s, "caseworker", &cw);
	assert_int_equal(person_correct(s, &cw, number, 0, fix, 1, "passport seen", NULL, &err), CD_OK);
}

#define PERSON_ROW "SELECT uuid || number || surname || given || surname_latin || given_latin || sex || dob ||" \
		   " nationality FROM person"

static void test_person_and_correction(void **state)
{
	struct cd_store *a = make(path, "KIT"), *b = make(path_b, "TBS");
	struct cd_person p;
	(void)state;

	add(a, "Ivanova", &p);
	correct(a, p.number, "given", "Hanna");
	assert_int_equal(sync_all(a, b), 0);
	/* The same row in B: same uuid, same values; its events and audit rows are B's. */
	assert_string_equal(text(b, PERSON_ROW), text(a, PERSON_ROW));
	assert_string_equal(text(b, "SELECT uuid FROM person"), p.uuid);
	assert_int_equal(count(b, "SELECT count(*) FROM event WHERE kind = 'person_added'"), 1);
	assert_int_equal(count(b, "SELECT count(*) FROM event WHERE kind = 'person_corrected' AND field = 'given'"
				  " AND new_value = 'Hanna'"), 1);
	assert_int_equal(count(b, "SELECT count(*) FROM audit WHERE purpose = 'sync'"), 2);
	assert_int_equal(count(b, "SELECT row_version > 1 FROM person"), 1);
	/* Found by the search index under the corrected name. */
	assert_int_equal(count(b, "SELECT count(*) FROM person_fts WHERE person_fts MATCH 'Hanna'"), 1);
	/* Applied ops are not B's own: its outbox stays empty, the high-water mark is 2. */
	assert_int_equal(count(b, "SELECT count(*) FROM outbox"), 0);
	assert_int_equal(count(b, "SELECT count(*) FROM applied_ops WHERE outcome = 'applied'"), 2);
	int64_t hw = 0;
	struct cd_error err = CD_ERROR_INIT;
	assert_int_equal(op_origin_high_water(b, a->uuid, &hw, &err), CD_OK);
	assert_int_equal(hw, 2);
	store_close(a);
	store_close(b);
}

static void test_twice_and_gap(void **state)
{
	struct cd_store *a = make(path, "KIT"), *b = make(path_b, "TBS");
	struct cd_apply_result res;
	struct cd_person p;
	(void)state;

	add(a, "Ivanova", &p);
	correct(a, p.number, "given", "Hanna");
	correct(a, p.number, "given", "Olena");
	assert_int_equal(apply_seq(a, b, 1, &res), CD_OK);
	assert_int_equal(res.outcome, APPLY_APPLIED);
	int64_t events = count(b, "SELECT count(*) FROM event"), version = count(b, "SELECT row_version FROM person");
	/* The same op again: nothing changes. */
	assert_int_equal(apply_seq(a, b, 1, &res), CD_OK);
	assert_int_equal(res.outcome, APPLY_ALREADY);
	assert_int_equal(count(b, "SELECT count(*) FROM event"), events);
	assert_int_equal(count(b, "SELECT row_version FROM person"), version);
	/* Op 3 before op 2: refused, B unchanged. */
	assert_int_equal(apply_seq(a, b, 3, &res), CD_EREFUSED);
	assert_string_equal(text(b, "SELECT given FROM person"), "Anna");
	assert_int_equal(count(b, "SELECT count(*) FROM applied_ops"), 1);
	/* In order, both apply. */
	assert_int_equal(apply_seq(a, b, 2, &res), CD_OK);
	assert_int_equal(apply_seq(a, b, 3, &res), CD_OK);
	assert_string_equal(text(b, "SELECT given FROM person"), "Olena");
	/* B's own op is never applied to B. */
	correct(b, p.number, "given", "Olha");
	assert_int_equal(apply_seq(b, b, 1, &res), CD_EREFUSED);
	store_close(a);
	store_close(b);
}

static void test_conflict_and_resolution(void **state)
{
	struct cd_error err = CD_ERROR_INIT;
	struct cd_store *a = make(path, "KIT"), *b = make(path_b, "TBS");
	struct cd_actor sup, cw;
	struct cd_person p;
	(void)state;

	add(a, "Ivanova", &p);
	assert_int_equal(sync_all(a, b), 0);
	/* The same field, differently: B keeps its value, A's goes to the queue. */
	correct(a, p.number, "birth_place", "Kyiv");
	correct(b, p.number, "birth_place", "Lviv");
	/* Another field, the same way on both: nothing to do. */
	correct(a, p.number, "sex", "X");
	correct(b, p.number, "sex", "X");
	int64_t b_version = count(b, "SELECT row_version FROM person");
	assert_int_equal(sync_all(a, b), 1);
	assert_string_equal(text(b, "SELECT birth_place FROM person"), "Lviv");
	assert_int_equal(count(b, "SELECT row_version FROM person"), b_version);
	assert_int_equal(count(b, "SELECT count(*) FROM conflicts"), 1);
	assert_string_equal(text(b, "SELECT field || ' ' || base || ' ' || theirs || ' ' || ours FROM conflicts"),
			    "birth_place null \"Kyiv\" \"Lviv\"");
	assert_string_equal(text(b, "SELECT outcome FROM applied_ops ORDER BY origin_seq DESC LIMIT 1"), "applied");
	assert_string_equal(text(b, "SELECT outcome FROM applied_ops WHERE origin_seq = 2"), "conflicted");

	/* The queue is for supervisors. */
	struct cd_conflict *rows = NULL;
	size_t n = 0;
	as(b, "caseworker", &cw);
	as(b, "supervisor", &sup);
	assert_int_equal(conflict_list(b, &cw, 0, &rows, &n, &err), CD_EREFUSED);
	assert_int_equal(conflict_list(b, &sup, 0, &rows, &n, &err), CD_OK);
	assert_int_equal(n, 1);
	assert_string_equal(rows[0].field, "birth_place");
	assert_string_equal(rows[0].label, p.number);
	assert_string_equal(rows[0].origin_office, "KIT");
	char ref[32];
	snprintf(ref, sizeof ref, "%lld", (long long)rows[0].id);
	conflict_free(rows, n);

	/* Resolved with A's value: written in B as its own op, naming both values. */
	char op_uuid[40];
	int64_t ops = count(b, "SELECT count(*) FROM outbox");
	assert_int_equal(conflict_resolve(b, &sup, ref, CONFLICT_TAKE_THEIRS, NULL, "", op_uuid, NULL, &err), CD_EINPUT);
	assert_int_equal(conflict_resolve(b, &cw, ref, CONFLICT_TAKE_THEIRS, NULL, "seen", op_uuid, NULL, &err), CD_EREFUSED);
	assert_int_equal(conflict_resolve(b, &sup, ref, CONFLICT_TAKE_THEIRS, NULL, "the passport says Kyiv", op_uuid,
					  NULL, &err), CD_OK);
	assert_string_equal(text(b, "SELECT birth_place FROM person"), "Kyiv");
	assert_int_equal(count(b, "SELECT count(*) FROM outbox"), ops + 1);
	assert_string_equal(text(b, "SELECT op || ' ' || json_extract(payload, '$.fields.birth_place.new') FROM outbox"
				    " ORDER BY origin_seq DESC LIMIT 1"), "resolve Kyiv");
	assert_string_equal(text(b, "SELECT resolution_op FROM conflicts"), op_uuid);
	assert_int_equal(conflict_resolve(b, &sup, ref, CONFLICT_KEEP_OURS, NULL, "again", NULL, NULL, &err), CD_EREFUSED);
	/* B's ops go to A: B's Lviv meets A's Kyiv there (queued at A, as at B), and the
	 * resolution finds Kyiv already in place: nothing to do. */
	assert_int_equal(sync_all(b, a), 1);
	assert_string_equal(text(a, "SELECT birth_place FROM person"), "Kyiv");
	/* A's conflict (the same field, the same two values) is closed by B's resolution: in
	 * B's supervisor's name, B's reason, the value kept being A's own here. */
	assert_string_equal(text(a, "SELECT resolved_by || '|' || resolution || '|' || resolved_value || '|' || reason"
				    " || '|' || (resolution_op = (SELECT uuid FROM applied_ops WHERE origin_seq ="
				    " (SELECT max(origin_seq) FROM applied_ops))) FROM conflicts"),
			    "supervisor (TBS)|ours|\"Kyiv\"|the passport says Kyiv|1");
	assert_int_equal(count(a, "SELECT count(*) FROM conflicts WHERE resolved_at IS NULL"), 0);
	/* A stranger's name is accepted only for an op applied here. */
	assert_int_equal(sqlite3_exec(b->db, "INSERT INTO conflicts(uuid, entity, entity_uuid, field, base, theirs, ours,"
				      " op_uuid, origin, at) VALUES ('c2', 'person', 'p', 'sex', 'null', '\"M\"', '\"F\"',"
				      " 'o', 'x', 't')", NULL, NULL, NULL), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(b->db, "UPDATE conflicts SET resolved_by = 'x (KIT)', resolved_at = 't',"
					  " resolution = 'ours', reason = 'r', resolution_op = 'not-applied' WHERE uuid = 'c2'",
					  NULL, NULL, NULL), SQLITE_OK);

	/* Against sqlite3 on the file: a resolved conflict does not change or go. */
	assert_int_not_equal(sqlite3_exec(b->db, "UPDATE conflicts SET resolved_value = '\"Odesa\"'", NULL, NULL, NULL),
			     SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(b->db, "UPDATE conflicts SET theirs = '\"Odesa\"'", NULL, NULL, NULL),
			     SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(b->db, "DELETE FROM conflicts", NULL, NULL, NULL), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(b->db, "DELETE FROM applied_ops", NULL, NULL, NULL), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(b->db, "INSERT INTO conflicts(uuid, entity, entity_uuid, field, op_uuid,"
					  " origin, at, resolved_at) VALUES ('x','person','y','sex','z','o','t','t')",
					  NULL, NULL, NULL), SQLITE_OK);
	assert_string_equal(text(b, "SELECT resolved_value FROM conflicts"), "\"Kyiv\"");
	store_close(a);
	store_close(b);
}

static void test_transition_conflict(void **state)
{
	struct cd_error err = CD_ERROR_INIT;
	struct cd_store *a = make(path, "KIT"), *b = make(path_b, "TBS");
	struct cd_actor clerk_a, cw_a, cw_b, sup;
	struct cd_person p;
	char number[40];
	(void)state;

	add(a, "Ivanova", &p);
	as(a, "clerk", &clerk_a);
	as(a, "caseworker", &cw_a);
	as(b, "caseworker", &cw_b);
	struct cd_case_new cn = { .workflow_id = "residence", .workflow_version = 1, .prefix = "RP",
				  .initial_state = "lodged", .person_ref = p.number, .due_day = -1, .frozen_left = -1 };
	assert_int_equal(case_create(a, &clerk_a, &cn, number, &err), CD_OK);
	assert_int_equal(sync_all(a, b), 0);
	assert_string_equal(text(b, "SELECT uuid || number || state FROM cases"), text(a, "SELECT uuid || number || state FROM cases"));
	assert_int_equal(count(b, "SELECT count(*) FROM event WHERE kind = 'created'"), 1);

	/* B moves the case on; A, offline, takes another step from the old state. */
	struct cd_case_step sb = { .number = number, .transition = "assess", .to_state = "assessment",
				   .due_day = -1, .frozen_left = -1 };
	assert_int_equal(case_step(b, &cw_b, &sb, NULL, &err), CD_OK);
	const char *names[] = { "employer" }, *values[] = { "ACME" };
	struct cd_case_step sa = { .number = number, .transition = "withdraw", .to_state = "withdrawn",
				   .due_day = -1, .frozen_left = -1, .names = names, .values = values, .n_values = 1 };
	assert_int_equal(case_step(a, &cw_a, &sa, NULL, &err), CD_OK);
	int64_t transitions = count(b, "SELECT count(*) FROM event WHERE kind = 'transition'");
	assert_int_equal(sync_all(a, b), 1);
	/* No second transition: B's state stands, the step's state is in the queue. */
	assert_string_equal(text(b, "SELECT state FROM cases"), "assessment");
	assert_int_equal(count(b, "SELECT count(*) FROM event WHERE kind = 'transition'"), transitions);
	assert_string_equal(text(b, "SELECT field || ' ' || base || ' ' || theirs || ' ' || ours FROM conflicts"),
			    "state \"lodged\" \"withdrawn\" \"assessment\"");
	/* A field the step set, which B never had, is applied. */
	assert_string_equal(text(b, "SELECT value FROM case_field WHERE name = 'employer'"), "ACME");

	/* A typed value: written, an op, the conflict closed. */
	as(b, "supervisor", &sup);
	char ref[48];
	snprintf(ref, sizeof ref, "%s", text(b, "SELECT uuid FROM conflicts"));
	assert_int_equal(conflict_resolve(b, &sup, ref, CONFLICT_KEEP_OURS, NULL, "assessment stands", NULL, NULL, &err),
			 CD_OK);
	assert_string_equal(text(b, "SELECT state FROM cases"), "assessment");
	assert_string_equal(text(b, "SELECT json_extract(payload, '$.fields.state.old') || '>' ||"
				    " json_extract(payload, '$.fields.state.new') FROM outbox ORDER BY origin_seq DESC LIMIT 1"),
			    "withdrawn>assessment");
	/* A takes B's ops: B's step conflicts there (A withdrew), the resolution then applies. */
	sync_all(b, a);
	assert_string_equal(text(a, "SELECT state FROM cases"), "assessment");
	store_close(a);
	store_close(b);
}

/* A case with its steps and a check, recorded and cleared, arrive whole: `store check`'s
 * comparisons (each case against its history, the checks against theirs, the search index
 * against the people) find B whole too. */
static void test_case_and_checks(void **state)
{
	struct cd_error err = CD_ERROR_INIT;
	struct cd_store *a = make(path, "KIT"), *b = make(path_b, "TBS");
	struct cd_actor clerk, cw, sup;
	struct cd_person p;
	char number[40];
	int64_t bad = -1;
	(void)state;

	add(a, "Ivanova", &p);
	as(a, "clerk", &clerk);
	as(a, "caseworker", &cw);
	as(a, "supervisor", &sup);
	struct cd_case_new cn = { .workflow_id = "residence", .workflow_version = 1, .prefix = "RP",
				  .initial_state = "lodged", .person_ref = p.number, .due_day = -1, .frozen_left = -1 };
	assert_int_equal(case_create(a, &clerk, &cn, number, &err), CD_OK);
	const char *names[] = { "employer" }, *values[] = { "ACME" };
	struct cd_case_step st = { .number = number, .transition = "assess", .to_state = "assessment",
				   .due_day = -1, .frozen_left = -1, .names = names, .values = values, .n_values = 1 };
	assert_int_equal(case_step(a, &cw, &st, NULL, &err), CD_OK);
	const char *lists[] = { "sis" };
	struct cd_check_answer hit = { .number = number, .list = "sis", .result = "hit", .source = "hand",
				       .lists = lists, .n_lists = 1 };
	assert_int_equal(checks_record(a, &cw, &hit, &err), CD_OK);
	struct cd_check_answer clear = { .number = number, .list = "sis", .text = "another person",
					 .lists = lists, .n_lists = 1 };
	assert_int_equal(checks_clear(a, &sup, &clear, &err), CD_OK);
	assert_int_equal(sync_all(a, b), 0);

#define CASE_ROW "SELECT uuid || number || state || office || (SELECT group_concat(name || '=' || value) FROM case_field)" \
		 " FROM cases"
#define CHECK_ROW "SELECT c.uuid || c.list || c.result || c.source || r.name || s.name || c.clear_reason FROM checks c" \
		  " JOIN users r ON r.id = c.recorded_by JOIN users s ON s.id = c.cleared_by"
	assert_string_equal(text(b, CASE_ROW), text(a, CASE_ROW));
	assert_string_equal(text(b, CHECK_ROW), text(a, CHECK_ROW));
	assert_int_equal(case_consistency(b, &bad, &err), CD_OK);
	assert_int_equal(bad, 0);
	assert_int_equal(store_checks_trail_check(b, &bad, &err), CD_OK);
	assert_int_equal(bad, 0);
	assert_int_equal(store_search_index_check(b, &bad, &err), CD_OK);
	assert_int_equal(bad, 0);
	assert_int_equal(count(b, "SELECT count(*) FROM applied_ops WHERE outcome = 'applied'"),
			 count(a, "SELECT count(*) FROM outbox"));
	store_close(a);
	store_close(b);
}

/* What is not applied is recorded with why, and counted: a purged payload, a user. */
static void test_skipped(void **state)
{
	struct cd_error err = CD_ERROR_INIT;
	struct cd_store *b = make(path_b, "TBS");
	struct cd_actor admin;
	struct cd_apply_result res;
	struct cd_remote_op op = { .uuid = "01900000-0000-7000-8000-000000000001", .origin = "kit-origin",
				   .origin_seq = 1, .origin_office = "KIT", .entity = "person",
				   .entity_uuid = "01900000-0000-7000-8000-0000000000aa", .op = "insert",
				   .payload = "{\"purged\":true}" };
	(void)state;
	as(b, "admin", &admin);
	assert_int_equal(op_apply(b, &admin, &op, &res, &err), CD_OK);
	assert_int_equal(res.outcome, APPLY_SKIPPED);
	assert_int_equal(count(b, "SELECT count(*) FROM person"), 0);
	assert_int_equal(count(b, "SELECT note LIKE '%erased%' FROM applied_ops"), 1);
	struct cd_remote_op user = op;
	user.uuid = "01900000-0000-7000-8000-000000000002";
	user.origin_seq = 2;
	user.entity = "user";
	user.payload = "{\"fields\":{\"name\":{\"base\":0,\"old\":null,\"new\":\"eve\"}}}";
	assert_int_equal(op_apply(b, &admin, &user, &res, &err), CD_OK);
	assert_int_equal(res.outcome, APPLY_SKIPPED);
	assert_int_equal(count(b, "SELECT count(*) FROM users WHERE name = 'eve'"), 0);
	/* A payload that is not JSON: refused, naming the op, nothing recorded. */
	struct cd_remote_op bad = op;
	bad.uuid = "01900000-0000-7000-8000-000000000003";
	bad.origin_seq = 3;
	bad.payload = "{\"fields\":";
	assert_int_equal(op_apply(b, &admin, &bad, &res, &err), CD_EINPUT);
	assert_non_null(strstr(err.msg, bad.uuid));
	/* An unknown person named by a document: refused, naming the missing uuid. */
	struct cd_remote_op doc = op;
	doc.uuid = "01900000-0000-7000-8000-000000000004";
	doc.origin_seq = 3;
	doc.entity = "document";
	doc.payload = "{\"fields\":{\"person\":{\"base\":0,\"old\":null,\"new\":\"01900000-0000-7000-8000-0000000000bb\"},"
		      "\"kind\":{\"base\":0,\"old\":null,\"new\":\"passport\"}}}";
	assert_int_equal(op_apply(b, &admin, &doc, &res, &err), CD_EREFUSED);
	assert_non_null(strstr(err.msg, "01900000-0000-7000-8000-0000000000bb"));
	assert_int_equal(count(b, "SELECT count(*) FROM applied_ops"), 2);
	int64_t hw = 0;
	assert_int_equal(op_origin_high_water(b, "kit-origin", &hw, &err), CD_OK);
	assert_int_equal(hw, 2);
	store_close(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_person_and_correction),
		cmocka_unit_test(test_twice_and_gap),
		cmocka_unit_test(test_conflict_and_resolution),
		cmocka_unit_test(test_transition_conflict),
		cmocka_unit_test(test_case_and_checks),
		cmocka_unit_test(test_skipped),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
