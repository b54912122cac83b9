/*
 * test_oplog.c - the op log (model/store/oplog.h, issue 15 deliverable 3) on real store
 * files: a correction is one op with the base version, old and new value of each field; a
 * case step names the state it moved from; the per-origin numbering is gapless across 100
 * changes and a rolled back one; payloads name other rows by uuid only; ops refuse change
 * and deletion from sqlite3 (but for sent_at once, and a purged record's erasure); and the
 * numbering check finds a gap made by hand; ops sent are marked by a mark that only rises
 * (schema 28), kept as they were marked before it.
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

#include "model/store/bundle.h"
#include "model/store/cases.h"
#include "model/store/merge.h"
#include "model/store/office.h"
#include "model/store/oplog.h"
#include "model/store/person.h"
#include "model/store/person_edit.h"
#include "model/store/roles.h"
#include "model/store/store_internal.h"
#include "model/store/users.h"
#include "tests/unit/store_dir.h"

static int setup(void **state)
{
	(void)state;
	store_dir_make("oplog");
	setenv("CASEDESK_TODAY", "2026-03-02", 1);
	return 0;
}

static void add(struct cd_store *s, const struct cd_actor *a, const char *surname, struct cd_person *p)
{
	struct cd_error err = CD_ERROR_INIT;
	struct cd_person_input in = { .surname = surname, .given = "Anna", .sex = "F", .dob = "1990-01-02",
				      .nationality = "UKR" };
	assert_int_equal(person_add(s, a, &in, p, &err), CD_OK);
}

#define NEWEST "SELECT %s FROM outbox ORDER BY origin_seq DESC LIMIT 1"

static void test_correction(void **state)
{
	struct cd_error err = CD_ERROR_INIT;
	struct cd_store *s = store_fresh();
	struct cd_actor clerk, cw;
	struct cd_person p;
	int64_t v = 0;
	(void)state;

	store_actor(s, "clerk", &clerk);
	store_actor(s, "caseworker", &cw);
	add(s, &clerk, "Ivanova", &p);
	/* The insert: every field on base 0, old null. */
	assert_string_equal(store_text(s, "SELECT op FROM outbox WHERE origin_seq = 1"), "insert");
	assert_int_equal(store_count(s, "SELECT json_extract(payload, '$.fields.surname.base') FROM outbox WHERE origin_seq = 1"), 0);
	assert_int_equal(store_count(s, "SELECT json_type(payload, '$.fields.surname.old') = 'null' FROM outbox WHERE origin_seq = 1"), 1);
	struct cd_person_fix fix[] = { { "given", "Hanna" } };
	assert_int_equal(person_correct(s, &cw, p.number, 1, fix, 1, "typo", &v, &err), CD_OK);
	assert_int_equal(v, 2);
	int64_t before = store_count(s, "SELECT count(*) FROM outbox");
	struct cd_person_fix fix2[] = { { "surname", "Petrova" }, { "surname_latin", "PETROVA" } };
	assert_int_equal(person_correct(s, &cw, p.number, 2, fix2, 2, "passport seen", &v, &err), CD_OK);
	assert_int_equal(v, 3);
	/* One op for the correction, made on version 2, with old and new; the row is at 3. */
	assert_int_equal(store_count(s, "SELECT count(*) FROM outbox"), before + 1);
	assert_int_equal(store_count(s, "SELECT row_version FROM person"), 3);
	assert_string_equal(store_text(s, "SELECT entity || ' ' || op FROM outbox ORDER BY origin_seq DESC LIMIT 1"),
			    "person update");
	assert_int_equal(store_count(s, "SELECT json_extract(payload, '$.fields.surname.base') FROM outbox"
				  " ORDER BY origin_seq DESC LIMIT 1"), 2);
	assert_string_equal(store_text(s, "SELECT json_extract(payload, '$.fields.surname.old') FROM outbox"
				    " ORDER BY origin_seq DESC LIMIT 1"), "Ivanova");
	assert_string_equal(store_text(s, "SELECT json_extract(payload, '$.fields.surname.new') FROM outbox"
				    " ORDER BY origin_seq DESC LIMIT 1"), "Petrova");
	/* Only what changed: the given name was not touched. */
	assert_int_equal(store_count(s, "SELECT json_type(payload, '$.fields.given') IS NULL FROM outbox"
				  " ORDER BY origin_seq DESC LIMIT 1"), 1);
	assert_string_equal(store_text(s, "SELECT entity_uuid FROM outbox ORDER BY origin_seq DESC LIMIT 1"), p.uuid);
	/* The origin is the store's own uuid. */
	assert_string_equal(store_text(s, "SELECT origin FROM outbox ORDER BY origin_seq DESC LIMIT 1"),
			    store_text(s, "SELECT value FROM settings WHERE key = 'store_uuid'"));
	/* A stale version is a conflict and writes no op. */
	assert_int_equal(person_correct(s, &cw, p.number, 2, fix, 1, "again", &v, &err), CD_ECONFLICT);
	assert_int_equal(store_count(s, "SELECT count(*) FROM outbox"), before + 1);
	store_close(s);
}

static void test_transition(void **state)
{
	struct cd_error err = CD_ERROR_INIT;
	struct cd_store *s = store_fresh();
	struct cd_actor clerk, cw;
	struct cd_person p;
	char number[40];
	int64_t v = 0;
	(void)state;

	store_actor(s, "clerk", &clerk);
	store_actor(s, "caseworker", &cw);
	add(s, &clerk, "Ivanova", &p);
	assert_int_equal(workflow_pin(s, "residence", 1, "[workflow]\nid = residence\n", &err), CD_OK);
	struct cd_case_new cn = { .workflow_id = "residence", .workflow_version = 1, .prefix = "RP",
				  .initial_state = "lodged", .person_ref = p.number, .due_day = -1, .frozen_left = -1 };
	assert_int_equal(case_create(s, &clerk, &cn, number, &err), CD_OK);
	/* The case names its person by uuid. */
	assert_string_equal(store_text(s, "SELECT json_extract(payload, '$.fields.person.new') FROM outbox"
				    " ORDER BY origin_seq DESC LIMIT 1"), p.uuid);
	const char *names[] = { "employer" }, *values[] = { "ACME" };
	struct cd_case_step step = { .number = number, .expected_version = 1, .transition = "assess",
				     .to_state = "assessment", .due_day = -1, .frozen_left = -1,
				     .names = names, .values = values, .n_values = 1 };
	assert_int_equal(case_step(s, &cw, &step, &v, &err), CD_OK);
	assert_int_equal(v, 2);
	assert_string_equal(store_text(s, "SELECT op FROM outbox ORDER BY origin_seq DESC LIMIT 1"), "transition");
	assert_string_equal(store_text(s, "SELECT json_extract(payload, '$.transition') FROM outbox"
				    " ORDER BY origin_seq DESC LIMIT 1"), "assess");
	assert_int_equal(store_count(s, "SELECT json_extract(payload, '$.fields.state.base') FROM outbox"
				  " ORDER BY origin_seq DESC LIMIT 1"), 1);
	assert_string_equal(store_text(s, "SELECT json_extract(payload, '$.fields.state.old') || '>' ||"
				    " json_extract(payload, '$.fields.state.new') FROM outbox ORDER BY origin_seq DESC LIMIT 1"),
			    "lodged>assessment");
	assert_string_equal(store_text(s, "SELECT json_extract(payload, '$.fields.\"field.employer\".new') FROM outbox"
				    " ORDER BY origin_seq DESC LIMIT 1"), "ACME");
	assert_int_equal(store_count(s, "SELECT json_type(payload, '$.fields.\"field.employer\".old') = 'null' FROM outbox"
				  " ORDER BY origin_seq DESC LIMIT 1"), 1);
	store_close(s);
}

static void test_gapless(void **state)
{
	struct cd_error err = CD_ERROR_INIT;
	struct cd_store *s = store_fresh();
	struct cd_actor clerk;
	struct cd_person p;
	int64_t gaps = -1, first = -1;
	(void)state;

	store_actor(s, "clerk", &clerk);
	add(s, &clerk, "Ivanova", &p);
	for (int i = 0; i < 99; i++) {
		char alias[32];
		snprintf(alias, sizeof alias, "Alias%c%c", 'A' + i / 26, 'A' + i % 26);
		assert_int_equal(alias_add(s, &clerk, p.number, "alias", alias, "Anna", &err), CD_OK);
	}
	assert_int_equal(store_count(s, "SELECT count(*) FROM outbox"), 100);
	assert_int_equal(store_count(s, "SELECT max(origin_seq) FROM outbox"), 100);
	/* A change inside a transaction that rolls back: its op and its number go with it. */
	assert_int_equal(store_begin(s, &err), CD_OK);
	assert_int_equal(alias_add(s, &clerk, p.number, "alias", "Gone", "Anna", &err), CD_OK);
	assert_int_equal(store_count(s, "SELECT max(origin_seq) FROM outbox"), 101);
	store_rollback(s);
	assert_int_equal(store_count(s, "SELECT count(*) FROM outbox"), 100);
	/* A change refused half way (a second link of the same pair) takes no number either. */
	struct cd_person q;
	add(s, &clerk, "Petrova", &q);
	assert_int_equal(family_link(s, &clerk, p.number, q.number, "sibling", &err), CD_OK);
	assert_int_equal(family_link(s, &clerk, p.number, q.number, "sibling", &err), CD_EINPUT);
	assert_int_equal(alias_add(s, &clerk, p.number, "alias", "Kept", "Anna", &err), CD_OK);
	assert_int_equal(store_count(s, "SELECT count(*) FROM outbox"), 104);
	assert_int_equal(store_count(s, "SELECT max(origin_seq) FROM outbox"), 104);
	assert_int_equal(oplog_check(s, &gaps, &first, &err), CD_OK);
	assert_int_equal(gaps, 0);
	assert_int_equal(first, 0);
	store_close(s);
}

static void test_uuids_only(void **state)
{
	struct cd_error err = CD_ERROR_INIT;
	struct cd_store *s = store_fresh();
	struct cd_actor clerk, cw, sup, admin;
	struct cd_person p, q;
	struct cd_merge_summary m;
	char number[40];
	int64_t v;
	(void)state;

	store_actor(s, "clerk", &clerk);
	store_actor(s, "caseworker", &cw);
	store_actor(s, "supervisor", &sup);
	store_actor(s, "admin", &admin);
	add(s, &clerk, "Ivanova", &p);
	add(s, &clerk, "Ivanowa", &q);
	assert_int_equal(document_add(s, &clerk, p.number, "passport", "AB1234567", "UKR", NULL, NULL, 0, &err), CD_OK);
	assert_int_equal(document_expire(s, &clerk, p.number, "AB1234567", NULL, "lost", &err), CD_OK);
	assert_int_equal(alias_add(s, &clerk, p.number, "alias", "Iwanowa", "Anna", &err), CD_OK);
	assert_int_equal(family_link(s, &clerk, p.number, q.number, "sibling", &err), CD_OK);
	struct cd_address_input ad = { .line = "Rustaveli 1", .city = "Tbilisi", .country = "GEO" };
	assert_int_equal(address_add(s, &clerk, p.number, &ad, &err), CD_OK);
	assert_int_equal(workflow_pin(s, "residence", 1, "[workflow]\nid = residence\n", &err), CD_OK);
	struct cd_case_new cn = { .workflow_id = "residence", .workflow_version = 1, .prefix = "RP",
				  .initial_state = "lodged", .person_ref = q.number, .due_day = -1, .frozen_left = -1 };
	assert_int_equal(case_create(s, &clerk, &cn, number, &err), CD_OK);
	struct cd_case_step step = { .number = number, .expected_version = 1, .transition = "assess",
				     .to_state = "assessment", .due_day = -1, .frozen_left = -1 };
	assert_int_equal(case_step(s, &cw, &step, &v, &err), CD_OK);
	struct cd_case_assign asg = { .number = number, .assignee = "caseworker" };
	struct cd_case_assigned got;
	assert_int_equal(case_assign(s, &sup, &asg, &got, &err), CD_OK);
	assert_int_equal(user_add(s, &admin, "vera", CD_ROLE_CASEWORKER, NULL, "visa", &err), CD_OK);
	assert_int_equal(user_set_active(s, &admin, "vera", 0, &err), CD_OK);
	assert_int_equal(office_set(s, &admin, "name", "Tbilisi office", &err), CD_OK);
	assert_int_equal(merge_person(s, &sup, NULL, p.number, q.number, "same person", &m, &err), CD_OK);
	assert_true(store_count(s, "SELECT count(DISTINCT entity) FROM outbox") == 8);

	/* No integer in any payload but the versions and the few counts that are values. */
	assert_int_equal(store_count(s, "SELECT count(*) FROM outbox o, json_tree(o.payload) t WHERE t.type = 'integer'"
				  " AND t.key <> 'base' AND t.path NOT IN ('$.fields.\"workflow_version\"', '$.fields.active')"),
			 0);
	/* Every reference to another row is a uuid that row has. */
	assert_int_equal(store_count(s, "SELECT count(*) FROM outbox o, json_tree(o.payload) t"
				  " WHERE t.key = 'new' AND t.path IN ('$.fields.person', '$.fields.relative',"
				  " '$.fields.\"merged_into\"') AND t.atom NOT IN (SELECT uuid FROM person)"), 0);
	assert_true(store_count(s, "SELECT count(*) FROM outbox o, json_tree(o.payload) t"
			     " WHERE t.key = 'new' AND t.path = '$.fields.person'") >= 5);
	assert_int_equal(store_count(s, "SELECT count(*) FROM outbox o, json_tree(o.payload) t"
				  " WHERE t.key = 'new' AND t.path = '$.fields.\"merged_into\"'"), 1);
	/* The assignment says who held the case before and who now, on the version it moved from. */
	assert_string_equal(store_text(s, "SELECT json_extract(payload, '$.fields.assignee.new') || '@' ||"
				    " json_extract(payload, '$.fields.assignee.base') FROM outbox WHERE op = 'assign'"),
			    "caseworker@2");
	/* The setting's op has the value before (none) and after. */
	assert_string_equal(store_text(s, "SELECT json_extract(payload, '$.fields.value.new') FROM outbox"
				    " WHERE entity = 'setting'"), "Tbilisi office");
	/* The merge names the survivor by uuid, on the duplicate's version before. */
	assert_string_equal(store_text(s, "SELECT json_extract(payload, '$.fields.merged_into.new') FROM outbox"
				    " WHERE op = 'merge'"), p.uuid);
	store_close(s);
}

static int try_sql(struct cd_store *s, const char *sql)
{
	return sqlite3_exec(s->db, sql, NULL, NULL, NULL) & 0xff;
}

static void test_append_only(void **state)
{
	struct cd_store *s = store_fresh();
	struct cd_actor clerk;
	struct cd_person p, q;
	(void)state;

	store_actor(s, "clerk", &clerk);
	add(s, &clerk, "Ivanova", &p);
	add(s, &clerk, "Petrova", &q);
	assert_int_equal(try_sql(s, "UPDATE outbox SET payload = '{}' WHERE origin_seq = 1"), SQLITE_CONSTRAINT);
	assert_int_equal(try_sql(s, "UPDATE outbox SET origin_seq = 7 WHERE origin_seq = 1"), SQLITE_CONSTRAINT);
	assert_int_equal(try_sql(s, "UPDATE outbox SET entity_uuid = 'x' WHERE origin_seq = 1"), SQLITE_CONSTRAINT);
	assert_int_equal(try_sql(s, "DELETE FROM outbox WHERE origin_seq = 2"), SQLITE_CONSTRAINT);
	/* Sent once, acknowledged once; never again, never unsent. */
	assert_int_equal(try_sql(s, "UPDATE outbox SET sent_at = '2026-03-02T10:00:00Z' WHERE origin_seq = 1"), SQLITE_OK);
	assert_int_equal(try_sql(s, "UPDATE outbox SET sent_at = '2026-03-03T10:00:00Z' WHERE origin_seq = 1"),
			 SQLITE_CONSTRAINT);
	assert_int_equal(try_sql(s, "UPDATE outbox SET sent_at = NULL WHERE origin_seq = 1"), SQLITE_CONSTRAINT);
	assert_int_equal(try_sql(s, "UPDATE outbox SET acked_at = '2026-03-02T10:00:01Z' WHERE origin_seq = 1"), SQLITE_OK);
	assert_int_equal(try_sql(s, "UPDATE outbox SET acked_at = NULL WHERE origin_seq = 1"), SQLITE_CONSTRAINT);
	/* The one erasure: a purged person's op emptied of values, the row and number kept. */
	assert_int_equal(try_sql(s, "UPDATE outbox SET payload = '{\"purged\":true}' WHERE origin_seq = 1"),
			 SQLITE_CONSTRAINT);
	assert_int_equal(try_sql(s, "UPDATE person SET purge_action = 'purge' WHERE id = 1"), SQLITE_OK);
	assert_int_equal(try_sql(s, "UPDATE outbox SET payload = '{\"purged\":true}' WHERE origin_seq = 1"), SQLITE_OK);
	assert_int_equal(try_sql(s, "UPDATE outbox SET payload = '{\"purged\":true}' WHERE origin_seq = 2"),
			 SQLITE_CONSTRAINT);
	/* Row versions: any update raises one, by hand too; none goes down. */
	int64_t v = store_count(s, "SELECT row_version FROM person WHERE id = 2");
	assert_int_equal(try_sql(s, "UPDATE person SET birth_place = 'Lviv' WHERE id = 2"), SQLITE_OK);
	assert_int_equal(store_count(s, "SELECT row_version FROM person WHERE id = 2"), v + 1);
	assert_int_equal(try_sql(s, "UPDATE person SET row_version = 1 WHERE id = 2"), SQLITE_CONSTRAINT);
	assert_int_equal(try_sql(s, "UPDATE document SET row_version = 0"), SQLITE_OK);   /* no rows: nothing to refuse */
	store_close(s);
}

static void test_check_finds_gap(void **state)
{
	struct cd_error err = CD_ERROR_INIT;
	struct cd_store *s = store_fresh();
	struct cd_actor clerk;
	struct cd_person p;
	int64_t gaps = -1, first = -1;
	(void)state;

	store_actor(s, "clerk", &clerk);
	for (int i = 0; i < 5; i++)
		add(s, &clerk, "Ivanova", &p);
	assert_int_equal(oplog_check(s, &gaps, &first, &err), CD_OK);
	assert_int_equal(gaps, 0);
	/* Only by dropping the rule can a number go: the check still sees it. */
	assert_int_equal(try_sql(s, "DROP TRIGGER outbox_no_delete; DELETE FROM outbox WHERE origin_seq = 3"), SQLITE_OK);
	assert_int_equal(oplog_check(s, &gaps, &first, &err), CD_OK);
	assert_int_equal(gaps, 2);
	assert_int_equal(first, 3);
	store_close(s);
}

static void mark(struct cd_store *s, const struct cd_actor *a, int64_t upto, int64_t want_marked)
{
	struct cd_error err = CD_ERROR_INIT;
	int64_t marked = -1;
	assert_int_equal(oplog_mark_sent(s, a, oplog_origin(s), upto, &marked, &err), CD_OK);
	assert_int_equal(marked, want_marked);
}

static int64_t waiting(struct cd_store *s)
{
	struct cd_error err = CD_ERROR_INIT;
	struct cd_sync_status st;
	int64_t unsynced = -1;
	assert_int_equal(oplog_sync_status(s, &st, &err), CD_OK);
	assert_int_equal(store_unsynced_count(s, &unsynced, &err), CD_OK);
	assert_int_equal(unsynced, st.unsent);
	return st.unsent;
}

/*
 * Sent ops (schema 28): a mark per acknowledged batch, never a row rewritten; what waits is
 * above the mark, read from there in seq order; a mark covers no op not yet made, never
 * goes down, never changes, is never deleted; each op tells when the mark that covered
 * it was made.
 */
static void test_sent_mark(void **state)
{
	struct cd_error err = CD_ERROR_INIT;
	struct cd_store *s = store_fresh();
	struct cd_actor admin, clerk;
	struct cd_person p;
	struct cd_op_batch b;
	char sql[256];
	(void)state;

	store_actor(s, "admin", &admin);
	store_actor(s, "clerk", &clerk);
	for (int i = 0; i < 6; i++)
		add(s, &clerk, "Ivanova", &p);
	int64_t made = store_count(s, "SELECT max(origin_seq) FROM outbox");
	assert_true(made >= 6);
	assert_int_equal(waiting(s), made);
	int64_t audits = store_count(s, "SELECT count(*) FROM audit WHERE action = 'sync'");

	mark(s, &admin, 4, 4);
	assert_int_equal(waiting(s), made - 4);
	assert_int_equal(store_count(s, "SELECT count(*) FROM outbox_sent"), 1);
	assert_int_equal(store_count(s, "SELECT count(*) FROM outbox WHERE sent_at IS NOT NULL"), 0);   /* no row rewritten */
	assert_int_equal(store_count(s, "SELECT count(*) FROM outbox_state WHERE sent_at IS NULL"), made - 4);
	assert_int_equal(store_count(s, "SELECT count(*) FROM audit WHERE action = 'sync'"), audits + 1);
	assert_int_equal(oplog_unsent_batch(s, 0, 100, &b, &err), CD_OK);
	assert_int_equal((int64_t)b.n, made - 4);
	assert_int_equal(b.rows[0].seq, 5);
	assert_string_equal(b.rows[0].sent_at, "");
	oplog_batch_release(&b);

	/* Marking again what is marked: nothing, and no audit row saying values left. */
	mark(s, &admin, 3, 0);
	mark(s, &admin, 4, 0);
	assert_int_equal(store_count(s, "SELECT count(*) FROM outbox_sent"), 1);
	assert_int_equal(store_count(s, "SELECT count(*) FROM audit WHERE action = 'sync'"), audits + 1);
	/* Past the last op: only what was made is marked; a later op waits. */
	mark(s, &admin, made + 50, made - 4);
	assert_int_equal(waiting(s), 0);
	assert_int_equal(store_count(s, "SELECT max(upto_seq) FROM outbox_sent"), made);
	add(s, &clerk, "Petrova", &p);
	assert_true(waiting(s) > 0);
	assert_int_equal(store_count(s, "SELECT count(*) FROM outbox_state WHERE sent_at IS NULL"), waiting(s));

	/* From sqlite3: no mark past the last op, none lower, none changed or deleted. */
	snprintf(sql, sizeof sql, "INSERT INTO outbox_sent VALUES ('%s', 100000, 'x')", oplog_origin(s));
	assert_int_equal(try_sql(s, sql), SQLITE_CONSTRAINT);
	snprintf(sql, sizeof sql, "INSERT INTO outbox_sent VALUES ('%s', 2, 'x')", oplog_origin(s));
	assert_int_equal(try_sql(s, sql), SQLITE_CONSTRAINT);
	assert_int_equal(try_sql(s, "UPDATE outbox_sent SET upto_seq = 1"), SQLITE_CONSTRAINT);
	assert_int_equal(try_sql(s, "DELETE FROM outbox_sent"), SQLITE_CONSTRAINT);
	assert_int_equal(waiting(s), store_count(s, "SELECT max(origin_seq) FROM outbox") - made);
	/* Each op's time sent: that of the first mark that covers it. */
	assert_int_equal(store_count(s, "SELECT count(DISTINCT sent_at) FROM outbox_state WHERE sent_at IS NOT NULL"
					" AND origin_seq <= 4"), 1);
	assert_int_equal(store_count(s, "SELECT count(*) FROM outbox_state o WHERE o.origin_seq <= 4 AND o.sent_at ="
					" (SELECT at FROM outbox_sent WHERE upto_seq = 4)"), 4);
	assert_int_equal(store_count(s, "SELECT count(*) FROM outbox_state o WHERE o.origin_seq > 4 AND o.sent_at ="
					" (SELECT at FROM outbox_sent WHERE upto_seq > 4)"), made - 4);
	store_close(s);
}

/* A store of schema 27 whose ops 1..3 were marked sent row by row, op 5 too (out of order,
 * by hand): the migration makes one mark at 3, never one past op 4, which still goes; op 5
 * stays sent by its own sent_at; each keeps the time it was sent.  Op 5 goes with 4 and 6
 * all the same: the tier refuses a batch with a hole.  A batch marked up to op 5 leaves
 * only op 6 to send, not op 5 again. */
static void test_sent_from_27(void **state)
{
	struct cd_store_create_opts opts = { .office = "TBS", .training = 1, .schema_version = 27 };
	struct cd_error err = CD_ERROR_INIT;
	struct cd_store *s = NULL;
	struct cd_op_batch b;
	struct cd_actor admin;
	sqlite3 *db;
	(void)state;

	unlink(path);
	assert_int_equal(store_create(path, &opts, &err), CD_OK);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 6)"
					  " INSERT INTO outbox(uuid, origin, origin_seq, at, entity, entity_uuid, op, payload, sent_at)"
					  " SELECT 'old-' || i, (SELECT value FROM settings WHERE key = 'store_uuid'), i,"
					  " '2026-01-01T00:00:00.000Z', 'person', 'p-' || i, 'insert', '{\"fields\":{}}',"
					  " CASE WHEN i <= 3 OR i = 5 THEN '2026-01-0' || i || 'T00:00:00.000Z' END FROM n",
					  NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(store_open(path, &s, &err), CD_OK);
	assert_int_equal(store_schema_version(s), CD_SCHEMA_VERSION);
	assert_int_equal(store_count(s, "SELECT max(upto_seq) FROM outbox_sent"), 3);
	assert_string_equal(store_text(s, "SELECT group_concat(origin_seq || ':' || coalesce(substr(sent_at, 1, 10), '-'), ' ')"
					  " FROM (SELECT * FROM outbox_state ORDER BY origin_seq)"),
			    "1:2026-01-01 2:2026-01-02 3:2026-01-03 4:- 5:2026-01-05 6:-");
	assert_int_equal(oplog_unsent_batch(s, 0, 100, &b, &err), CD_OK);
	assert_int_equal((int64_t)b.n, 3);
	assert_int_equal(b.rows[0].seq, 4);
	assert_int_equal(b.rows[1].seq, 5);
	assert_int_equal(b.rows[2].seq, 6);
	oplog_batch_release(&b);
	store_actor(s, "admin", &admin);
	mark(s, &admin, 5, 1);
	assert_int_equal(store_count(s, "SELECT max(upto_seq) FROM outbox_sent"), 5);
	assert_int_equal(oplog_unsent_batch(s, 0, 100, &b, &err), CD_OK);
	assert_int_equal((int64_t)b.n, 1);
	assert_int_equal(b.rows[0].seq, 6);
	oplog_batch_release(&b);
	store_close(s);
}

/*
 * Relay (schema 23): another store's ops imported from its bundle wait with their payloads
 * and the origin's name and kind; read in seq order after a mark, marked relayed once (the
 * values dropped), never deleted; importing the bundle again keeps nothing twice.
 */
static void test_relay(void **state)
{
	struct cd_error err = CD_ERROR_INIT;
	struct cd_store_create_opts o = { .office = "KUT", .training = 1 };
	struct cd_store *a = NULL, *b = store_fresh();
	struct cd_actor admin_a, admin_b, clerk;
	struct cd_person p;
	struct cd_person_input in = { .surname = "Beridze", .given = "Nino", .sex = "F", .dob = "1988",
				      .nationality = "GEO" };
	char pa[200], bundle[200], pub[BUNDLE_KEY_B64], fpr[BUNDLE_FPR];
	struct bundle_export_result ex;
	struct bundle_import_result im;
	struct cd_relay_origin *origins = NULL;
	struct cd_op_batch batch;
	size_t n = 0;
	int64_t marked = 0;
	(void)state;

	snprintf(pa, sizeof pa, "%s.a", path);
	snprintf(bundle, sizeof bundle, "%s.bundle", path);
	unlink(pa);
	unlink(bundle);
	assert_int_equal(store_create(pa, &o, &err), CD_OK);
	assert_int_equal(store_open(pa, &a, &err), CD_OK);
	store_actor(a, "clerk", &clerk);
	store_actor(a, "admin", &admin_a);
	store_actor(b, "admin", &admin_b);
	assert_int_equal(person_add(a, &clerk, &in, &p, &err), CD_OK);
	in.surname = "Abashidze";
	assert_int_equal(person_add(a, &clerk, &in, &p, &err), CD_OK);
	int64_t made = store_count(a, "SELECT count(*) FROM outbox");
	assert_int_equal(bundle_key_public(a, &admin_a, pub, fpr, &err), CD_OK);
	assert_int_equal(bundle_trust(b, &admin_b, a->uuid, "KUT", pub, &err), CD_OK);
	assert_int_equal(bundle_export(a, &admin_a, bundle, 0, &ex, &err), CD_OK);
	assert_int_equal(bundle_import(b, &admin_b, bundle, NULL, 0, &im, &err), CD_OK);

	assert_int_equal(oplog_relay_origins(b, &origins, &n, &err), CD_OK);
	assert_int_equal(n, 1);
	assert_string_equal(origins[0].origin, a->uuid);
	assert_string_equal(origins[0].office, "KUT");
	assert_string_equal(origins[0].name, "KUT");
	assert_string_equal(origins[0].kind, "office");
	assert_int_equal(origins[0].first, 1);
	assert_int_equal(origins[0].last, made);
	assert_int_equal(origins[0].waiting, made);
	free(origins);

	assert_int_equal(oplog_relay_batch(b, a->uuid, 1, 100, &batch, &err), CD_OK);
	assert_int_equal(batch.n, (size_t)made - 1);
	assert_int_equal(batch.rows[0].seq, 2);
	char sql[256];
	snprintf(sql, sizeof sql, "SELECT payload FROM outbox WHERE origin_seq = %lld", (long long)batch.rows[batch.n - 1].seq);
	char want[512];
	snprintf(want, sizeof want, "%s", store_text(a, sql));
	assert_string_equal(batch.payloads[batch.n - 1], want);
	int keyed = 0;
	for (size_t i = 0; i < batch.n; i++)
		keyed += batch.name_keys[i] != NULL;
	assert_true(keyed >= 1);   /* a person op carries the person's keys as B has them */
	oplog_batch_release(&batch);

	assert_int_equal(oplog_relay_mark(b, &admin_b, a->uuid, 1, &marked, &err), CD_OK);
	assert_int_equal(marked, 1);
	assert_int_equal(store_count(b, "SELECT count(*) FROM relay_ops WHERE origin_seq = 1 AND payload IS NULL"
				  " AND relayed_at IS NOT NULL"), 1);
	assert_int_equal(oplog_relay_mark(b, &admin_b, a->uuid, 1, &marked, &err), CD_OK);
	assert_int_equal(marked, 0);
	assert_int_equal(store_count(b, "SELECT count(*) FROM audit WHERE entity = 'relay_ops'"), 1);
	/* Again: nothing kept twice. */
	assert_int_equal(bundle_import(b, &admin_b, bundle, NULL, 0, &im, &err), CD_OK);
	assert_int_equal(store_count(b, "SELECT count(*) FROM relay_ops"), made);
	/* sqlite3 on the file: a waiting op's values do not change, none is un-relayed or goes. */
	assert_int_not_equal(sqlite3_exec(b->db, "UPDATE relay_ops SET payload = '{}' WHERE origin_seq = 2", NULL, NULL,
					  NULL), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(b->db, "UPDATE relay_ops SET relayed_at = NULL, payload = '{}'"
					  " WHERE origin_seq = 1", NULL, NULL, NULL), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(b->db, "UPDATE relay_ops SET origin_name = 'K99'", NULL, NULL, NULL),
			     SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(b->db, "DELETE FROM relay_ops", NULL, NULL, NULL), SQLITE_OK);
	/* A's own log is never kept for relay in A. */
	assert_int_equal(store_count(a, "SELECT count(*) FROM relay_ops"), 0);
	store_close(a);
	store_close(b);
	unlink(pa);
	unlink(bundle);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_correction),
		cmocka_unit_test(test_transition),
		cmocka_unit_test(test_gapless),
		cmocka_unit_test(test_uuids_only),
		cmocka_unit_test(test_append_only),
		cmocka_unit_test(test_check_finds_gap),
		cmocka_unit_test(test_relay),
		cmocka_unit_test(test_sent_mark),
		cmocka_unit_test(test_sent_from_27),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
